"""Reading inputs: paths -> files -> shards, and bytes -> text (one planner, one decode).

Inputs are files, directories (searched recursively for ``.txt``, ``.md``, ``.markdown`` and
``.jsonl``), glob patterns, and ``-`` for one article on standard input. Work is cut into
*shards* (a list of files, or a range of lines of one JSON Lines file) so that workers can read
and fingerprint them independently: :func:`shards_of` is the one planner, of the scan
(:func:`plan_shards`) and of the index, over :class:`Unit` (one article each). Only regular
files are read, each whole and at most ``max_input_bytes`` (a JSON Lines record too).

Bytes become text in one place, :func:`decode`: UTF-8 (with or without BOM); a file that is
mostly UTF-8 with a few stray bytes stays UTF-8, the stray bytes kept as lone surrogates
(``surrogateescape``); anything else is cp1252, where the five bytes cp1252 leaves undefined
are kept the same way. Encoding the text back with ``errors="surrogateescape"`` gives the
original bytes, which is what the cleaner writes for every line it keeps.
"""

from __future__ import annotations

import glob
import os
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import IO

from dedup.config import LoadConfig
from dedup.errors import InputError, MissingPathError
from dedup.records import InputWarning

TEXT_SUFFIXES = (".txt",)
MARKDOWN_SUFFIXES = (".md", ".markdown")
JSONL_SUFFIXES = (".jsonl",)
SUFFIXES = TEXT_SUFFIXES + MARKDOWN_SUFFIXES + JSONL_SUFFIXES
STDIN = "-"
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class Shard:
    """A unit of work for one worker.

    Either ``files`` (whole-file articles) or one JSON Lines ``path`` read from byte ``offset``
    (at file line ``line``) for ``count`` lines. ``stdin`` carries the bytes read from ``-``.
    """

    files: tuple[str, ...] = ()
    path: str = ""
    offset: int = 0
    line: int = 1
    count: int = 0
    stdin: bytes | None = None
    stdin_name: str = STDIN


def expand_paths(
    paths: Iterable[str], strict: bool = False
) -> tuple[list[str], list[InputWarning]]:
    """Expand directories and globs into a sorted list of input files, each file once.

    Paths keep the spelling the user gave (``seeds/`` yields ``seeds/000.txt``), so findings
    point where the user looks. A file is identified by what it is (device and inode, through
    symlinks), not by how it is spelled: ``r8`` and ``./r8``, a file and a symlink to it, or a
    glob through a symlink loop name each file once, the first spelling winning. ``-`` passes
    through. A directory without an article file is a warning (with ``strict``, an
    :class:`~dedup.errors.InputError`).

    Raises:
        MissingPathError: a path does not exist, or a pattern matches no file
            (:func:`require_paths`).
    """
    paths = list(paths)
    require_paths(paths)
    files: list[str] = []
    warnings: list[InputWarning] = []
    seen: set[tuple[int, int] | str] = set()

    def add(path: str) -> None:
        identity = _identity(path)
        if identity not in seen:
            seen.add(identity)
            files.append(path)

    for raw in paths:
        if raw == STDIN:
            if STDIN not in seen:
                seen.add(STDIN)
                files.append(raw)
            continue
        if os.path.isdir(raw):
            found = [
                os.path.join(root, name)
                for root, dirs, names in os.walk(raw)
                for name in names
                if name.lower().endswith(SUFFIXES)
                and not name.startswith(".")
                and not is_manifest(os.path.join(root, name))
            ]
            if not found:
                warnings.append(InputWarning(raw, None, "no .txt, .md or .jsonl file found"))
            for path in sorted(found):
                add(path)
        elif os.path.lexists(raw):
            add(raw)
        elif glob.has_magic(raw):
            matched = sorted(p for p in glob.glob(raw, recursive=True) if os.path.isfile(p))
            # Each file under its shortest spelling (a glob through a symlink loop keeps the
            # path without the loop in it), then in sorted order as usual.
            shortest: dict[tuple[int, int] | str, str] = {}
            for path in sorted(matched, key=lambda p: (p.count(os.sep), p)):
                shortest.setdefault(_identity(path), path)
            for path in sorted(shortest.values()):
                add(path)
    if strict and warnings:
        raise InputError(warnings[0].path, warnings[0].message, warnings[0].line)
    return files, warnings


def require_paths(paths: Iterable[str]) -> None:
    """Check that every path names something: it exists (``-``, standard input, always
    does), or it is a pattern that matches a file. A typo is an error, not a warning that a
    run with nothing to read would pass over.

    Raises:
        MissingPathError: naming every path that names nothing, and why.
    """
    missing = []
    for raw in paths:
        if raw == STDIN or os.path.lexists(raw):
            continue
        if not glob.has_magic(raw):
            missing.append((raw, "no such file or directory"))
        elif not any(os.path.isfile(p) for p in glob.iglob(raw, recursive=True)):
            missing.append((raw, "the pattern matches no file"))
    if missing:
        raise MissingPathError(tuple(missing))


def _identity(path: str) -> tuple[int, int] | str:
    """What a path names: its device and inode (through symlinks); for a path that cannot
    be read (a broken link), its absolute spelling, and reading it will say why."""
    try:
        info = os.stat(path)
    except OSError:
        return os.path.abspath(path)
    return info.st_dev, info.st_ino


MANIFEST_NAMES = ("manifest.jsonl", "dedup-manifest.jsonl")
MANIFEST_NAME = MANIFEST_NAMES[0]


def is_manifest(path: str) -> bool:
    """A manifest written by ``dedup clean`` (skipped when a directory is searched, so that
    cleaning a cleaned corpus does not read its manifest as articles)."""
    if os.path.basename(path) not in MANIFEST_NAMES:
        return False
    try:
        with open_input(path) as handle:
            head = handle.read(64)
    except InputError:
        return False
    return head == b"" or head.startswith(b'{"action": "drop_')


# --------------------------------------------------------------------------- bytes


def open_input(path: str) -> IO[bytes]:
    """Open an input file for reading, regular files only.

    A FIFO would block the run forever and a device (``/dev/zero``) never ends: the file is
    opened without blocking and refused unless it is a regular file (after symlinks).

    Raises:
        InputError: it cannot be opened, or it is not a regular file.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise InputError(path, f"not a regular file ({_file_kind(mode)}), skipped")
    return os.fdopen(fd, "rb")


def _file_kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a file"


def too_large(path: str, size: int, limit: int, line: int | None = None) -> InputError:
    return InputError(
        path, f"larger than --max-input-bytes ({size:,} > {limit:,} bytes), skipped", line
    )


def read_input(path: str, limit: int) -> bytes:
    """The bytes of an input file, at most ``limit`` of them.

    Raises:
        InputError: it cannot be read, is not a regular file, or is larger than ``limit``.
    """
    with open_input(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            raise too_large(path, size, limit)
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise too_large(path, len(data), limit)
    return data


def iter_lines(handle: IO[bytes], limit: int) -> Iterator[tuple[int, bytes | None]]:
    """``(length, line)`` of each line from the handle's position, the line with its end;
    ``line`` is None for a line longer than ``limit`` bytes, which is skipped without ever
    being held in memory whole."""
    while True:
        raw = handle.readline(limit + 1)
        if not raw:
            return
        size = len(raw)
        if not raw.endswith(b"\n") and size > limit:
            while True:  # the rest of the long line, a block at a time
                chunk = handle.readline(1 << 20)
                size += len(chunk)
                if not chunk or chunk.endswith(b"\n"):
                    break
            yield size, None
        elif len(raw.rstrip(b"\r\n")) > limit:
            yield size, None
        else:
            yield size, raw


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from bytes, and how to encode it back to the same bytes:
    ``text.encode(encoding, "surrogateescape")``, after a BOM when ``bom``."""

    text: str
    encoding: str = "utf-8"
    bom: bool = False
    #: Why the bytes were not plain UTF-8 (a warning), and the first line concerned.
    problem: str | None = None
    line: int | None = None

    def encode(self, text: str) -> bytes:
        """``text`` (this text, or a part of it) as bytes of the original encoding."""
        return (BOM if self.bom else b"") + text.encode(self.encoding, "surrogateescape")


_ESCAPED = re.compile("[\udc80-\udcff]")


def decode(data: bytes, path: str) -> Decoded:
    """The one way dedup turns an input's bytes into text (see the module docstring).

    >>> decode(b"caf\\xc3\\xa9", "a.txt").text
    'café'
    >>> d = decode("café très".encode() + b" tr\\xe8s", "a.txt")
    >>> d.encoding, d.text.encode(d.encoding, "surrogateescape")[-4:]
    ('utf-8', b'tr\\xe8s')
    >>> d = decode(b"\\xe9t\\xe9 \\x81", "a.txt")
    >>> d.encoding, d.text, d.encode(d.text)
    ('cp1252', 'été \\udc81', b'\\xe9t\\xe9 \\x81')

    Raises:
        InputError: the data is binary (holds NUL bytes).
    """
    if b"\x00" in data:
        raise InputError(path, "binary file (contains NUL bytes), skipped")
    bom = data.startswith(BOM)
    if bom:
        data = data[len(BOM) :]
    try:
        return Decoded(data.decode("utf-8"), "utf-8", bom)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
    text = data.decode("utf-8", "surrogateescape")
    stray = len(_ESCAPED.findall(text))
    multibyte = len(text) - len(text.encode("ascii", "ignore")) - stray
    if bom or multibyte > stray:
        # Mostly UTF-8: a few stray bytes (a latin-1 "è" pasted into UTF-8), kept as they are.
        problem = f"not valid UTF-8: {stray} undecodable byte{'s' if stray > 1 else ''} kept as is"
        return Decoded(text, "utf-8", bom, problem, line)
    return Decoded(
        data.decode("cp1252", "surrogateescape"),
        "cp1252",
        False,
        "not valid UTF-8, decoded as cp1252",
        line,
    )


@dataclass(frozen=True, slots=True)
class Unit:
    """One article of the inputs, before it is read: a whole file (``line`` 0), or the
    record at file line ``line`` of a JSON Lines file, from byte ``offset``."""

    path: str
    offset: int = 0
    line: int = 0


def line_units(
    handle: IO[bytes], path: str, limit: int
) -> Iterator[tuple[Unit, int, bytes | None]]:
    """Each line of a JSON Lines file, from its start: its unit, its length and its bytes
    (None for a line longer than ``limit``, see :func:`iter_lines`)."""
    offset = 0
    for line, (size, raw) in enumerate(iter_lines(handle, limit), start=1):
        yield Unit(path, offset, line), size, raw
        offset += size


def shards_of(
    items: Iterable[Unit | Shard], batch_size: int, *, defer_runs: bool = False
) -> Iterator[Shard]:
    """The one planner: units cut into shards of at most ``batch_size`` articles, whole
    files in batches and runs of consecutive records of one JSON Lines file, in the order
    of the units; a shard given (standard input, a file that will warn) passes as it is.

    A run ends at the first item that does not continue it; with ``defer_runs``, at the
    first record that does not (or at the end), so that a batch of whole files completed
    meanwhile comes first: the order an index has always read its new articles in.
    """
    files: list[str] = []
    run: list[Unit] = []
    for item in items:
        if isinstance(item, Unit) and item.line:
            if run and (
                item.path != run[-1].path or item.line != run[-1].line + 1 or len(run) >= batch_size
            ):
                yield _run_shard(run)
                run = []
            run.append(item)
            continue
        if run and not defer_runs:
            yield _run_shard(run)
            run = []
        if isinstance(item, Shard):
            yield item
            continue
        files.append(item.path)
        if len(files) >= batch_size:
            yield Shard(files=tuple(files))
            files = []
    if run:
        yield _run_shard(run)
    if files:
        yield Shard(files=tuple(files))


def _run_shard(run: list[Unit]) -> Shard:
    first, last = run[0], run[-1]
    return Shard(
        path=first.path, offset=first.offset, line=first.line, count=last.line - first.line + 1
    )


def sample_shards(shards: Sequence[Shard], articles: int) -> list[Shard]:
    """A sample of about ``articles`` articles spread over ``shards``: the first articles of
    each (the same ones on every run). Standard input is taken whole; a shard that will only
    warn is left out (the scan itself reports it)."""
    limit = max(1, -(-articles // max(len(shards), 1)))
    out = []
    for shard in shards:
        if shard.stdin is not None:
            out.append(shard)
        elif shard.files:
            out.append(replace(shard, files=shard.files[:limit]))
        elif shard.path and shard.count > 0:
            out.append(replace(shard, count=min(shard.count, limit)))
    return out


def plan_shards(
    files: Iterable[str],
    config: LoadConfig,
    batch_size: int,
    stdin: bytes | None = None,
    stdin_name: str = STDIN,
) -> Iterator[Shard]:
    """The scan's shards of the input files, about ``batch_size`` articles each: every
    line of a JSON Lines file is a unit (the reader skips blank lines and warns of long
    ones); no other file is read here."""
    return shards_of(_scan_units(files, config.max_input_bytes, stdin, stdin_name), batch_size)


def _scan_units(
    files: Iterable[str], limit: int, stdin: bytes | None, stdin_name: str
) -> Iterator[Unit | Shard]:
    """The units of a scan; an unreadable JSON Lines file is one shard that will warn."""
    for path in files:
        if path == STDIN:
            yield Shard(stdin=stdin or b"", stdin_name=stdin_name)
        elif path.lower().endswith(JSONL_SUFFIXES):
            try:
                handle = open_input(path)
            except InputError:
                yield Shard(path=path, count=-1)
                continue
            with handle:
                yield from (unit for unit, _, _ in line_units(handle, path, limit))
        else:
            yield Unit(path)
