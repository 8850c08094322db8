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
from typing import IO, TYPE_CHECKING

from dedup.config import LoadConfig

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec
from dedup.errors import ConfigError, InputError, MissingPathError
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


@dataclass(frozen=True, slots=True)
class StdinArticle:
    """An article read from standard input (``-``), and the name it is reported under."""

    data: bytes
    name: str = STDIN


def expand_paths(
    paths: Iterable[str], strict: bool = False, config: LoadConfig | None = None
) -> tuple[list[str], list[InputWarning]]:
    """Expand directories and globs into a sorted list of input files, each file once.

    Paths keep the spelling the user gave (``seeds/`` yields ``seeds/000.txt``), so findings
    point where the user looks. A file is identified by what it is (device and inode, through
    symlinks), not by how it is spelled: ``r8`` and ``./r8``, a file and a symlink to it, or a
    glob through a symlink loop name each file once, the first spelling winning. ``-`` passes
    through. A directory without an article file is a warning (with ``strict``, an
    :class:`~dedup.errors.InputError`).

    A directory is walked for article files (:class:`Walk`): what is hidden, what the
    ``exclude`` patterns of ``config`` match and what ``.gitignore`` excludes is skipped. A
    path given is read whatever its name, unless ``force_exclude``: then the excludes apply
    to it too (not hidden names nor ``.gitignore``, as with ruff).

    Raises:
        MissingPathError: a path does not exist, or a pattern matches no file
            (:func:`require_paths`).
        ConfigError: an exclude pattern is not a gitignore-style pattern.
    """
    paths = list(paths)
    require_paths(paths)
    config = config or LoadConfig()
    force = config.force_exclude
    walks: list[Walk] = []

    def walker() -> Walk:  # made once a folder is walked or --force-exclude asks
        if not walks:
            walks.append(Walk(config))
        return walks[0]

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
            if force and walker().excluded(raw, is_dir=True):
                continue
            found, skipped = walker().files(raw)
            if os.path.normpath(raw) == os.curdir:  # `.` yields a/b.txt, as ruff says it
                found = [os.path.relpath(path) for path in found]
            if not found:
                why = f" ({skipped} hidden, excluded or ignored)" if skipped else ""
                warnings.append(InputWarning(raw, None, f"no .txt, .md or .jsonl file found{why}"))
            for path in sorted(found):
                add(path)
        elif os.path.lexists(raw):
            if not (force and walker().excluded(raw, is_dir=False)):
                add(raw)
        elif glob.has_magic(raw):
            matched = sorted(p for p in glob.glob(raw, recursive=True) if os.path.isfile(p))
            # Each file under its shortest spelling (a glob through a symlink loop keeps the
            # path without the loop in it), then in sorted order as usual.
            shortest: dict[tuple[int, int] | str, str] = {}
            for path in sorted(matched, key=lambda p: (p.count(os.sep), p)):
                shortest.setdefault(_identity(path), path)
            for path in sorted(shortest.values()):
                if not (force and walker().excluded(path, is_dir=False)):
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


# --------------------------------------------------------------------------- the walk


@dataclass(frozen=True, slots=True)
class _Patterns:
    """gitignore-style patterns (:class:`pathspec.GitIgnoreSpec`, git's own rules), and one
    regular expression of them all that answers at once for a path none of them matches,
    the walk's usual case (pathspec tries the patterns one by one)."""

    spec: GitIgnoreSpec
    quick: re.Pattern[str] | None = None

    @classmethod
    def of(cls, lines: Iterable[str]) -> _Patterns:
        """Raises ValueError (``GitIgnorePatternError``): a line is not a pattern."""
        from pathspec import GitIgnoreSpec  # only a walk or --force-exclude needs it

        spec = GitIgnoreSpec.from_lines(list(lines))
        try:
            regexes = [p.regex for p in spec.patterns if p.include is not None and p.regex]
            [flags] = {r.flags for r in regexes}
            # A group name at most once: the alternatives' named groups become plain ones.
            quick = re.compile("|".join(_NAMED_GROUP.sub("(?:", r.pattern) for r in regexes), flags)
        except (AttributeError, TypeError, ValueError, re.error):
            quick = None  # no pattern, or another pathspec's: one by one, still right
        return cls(spec, quick)

    @property
    def empty(self) -> bool:
        return all(p.include is None for p in self.spec.patterns)

    def check(self, path: str) -> bool | None:
        """True: the last pattern that matches excludes ``path``; False: it includes it
        again (``!``); None: no pattern matches."""
        if self.quick is not None and self.quick.search(path) is None:
            return None
        return self.spec.check_file(path).include


_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


@dataclass(frozen=True, slots=True)
class _Rules:
    """gitignore-style patterns as a walk checks them: each path below the walk's root is
    matched as ``prefix`` + its part from character ``strip`` on (the path relative to the
    folder the patterns are relative to), lowercased when ``fold``."""

    patterns: _Patterns
    prefix: str = ""
    strip: int = 0
    fold: bool = False

    def check(self, below: str, is_dir: bool) -> bool | None:
        """True: excluded; False: included again by a ``!`` pattern; None: no pattern matches."""
        path = self.prefix + below[self.strip :] + ("/" if is_dir else "")
        return self.patterns.check(path.lower() if self.fold else path)


class Walk:
    """Which files a directory holds for dedup to read: files with an article suffix that
    are not hidden (a name starting with ``.``), that the ``exclude`` and ``extend_exclude``
    patterns do not match and, with ``respect_gitignore``, that no ``.gitignore`` (from the
    repository's root down to each folder) nor ``.git/info/exclude`` excludes. A folder
    skipped is not entered; a symlink to a folder is not followed (as git does), so no loop
    is walked. The folder walked is itself read whatever its name: when it is one that the
    patterns exclude (``dedup scan build/``), they apply from it down.

    Exclude patterns are relative to ``project_root`` (those with a slash before their end;
    the others match a name at any depth) and match whatever the case (``README.*`` skips
    ``Readme.md``); ``.gitignore`` patterns are git's, relative to their file's folder.
    """

    def __init__(self, config: LoadConfig) -> None:
        self.config = config
        self.base = os.path.abspath(config.project_root or os.curdir)
        patterns = (*config.exclude, *config.extend_exclude)
        self.exclude = _Rules(_exclude_spec(config), fold=True) if patterns else None
        self._ignores: dict[str, _Patterns | None] = {}

    def excluded(self, path: str, is_dir: bool) -> bool:
        """Whether a path given (``--force-exclude``) is one the exclude patterns match: by
        its path from the project root, a folder on the way included; outside the project
        root, by its name."""
        if self.exclude is None:
            return False
        absolute = os.path.abspath(path)
        relative = os.path.relpath(absolute, self.base)
        if relative == os.curdir:
            return False
        if relative == os.pardir or relative.startswith(os.pardir + "/"):
            relative = os.path.basename(absolute)
        return bool(self.exclude.check(relative, is_dir))

    def files(self, root: str) -> tuple[list[str], int]:
        """The article files under the folder ``root``, spelled from it, and how many
        article files were skipped (hidden, excluded or ignored)."""
        absolute = os.path.abspath(root)
        exclude = None
        if self.exclude is not None:
            exclude = self._rooted(self.exclude.patterns, self.base, absolute, fold=True)
        ignores = self._ancestor_ignores(absolute) if self.config.respect_gitignore else []
        found: list[str] = []
        skipped = 0
        stack = [(root, "", ignores)]
        while stack:
            folder, below, rules = stack.pop()
            if self.config.respect_gitignore:
                own = self._gitignore(os.path.join(absolute, below) if below else absolute)
                if own is not None:
                    rules = [*rules, _Rules(own, strip=len(below) + 1 if below else 0)]
            try:
                with os.scandir(folder) as entries:
                    listed = [(e.name, _kind(e)) for e in entries]
            except OSError:
                continue  # an unreadable folder holds nothing to read (as os.walk has it)
            for name, kind in listed:
                is_dir = kind == FOLDER
                article = kind == FILE and name.lower().endswith(SUFFIXES)
                if not (is_dir or article):
                    continue
                relative = f"{below}/{name}" if below else name
                if name.startswith(".") or _skipped(exclude, rules, relative, is_dir):
                    skipped += article
                elif is_dir:
                    stack.append((os.path.join(folder, name), relative, rules))
                elif not is_manifest(path := os.path.join(folder, name)):
                    found.append(path)
        return found, skipped

    def _rooted(self, patterns: _Patterns, base: str, root: str, fold: bool = False) -> _Rules:
        """Patterns relative to ``base`` as a walk of ``root`` checks them: from ``base``
        when ``root`` is below it and not itself excluded by them, else from ``root``."""
        relative = os.path.relpath(root, base)
        if relative == os.curdir or relative == os.pardir or relative.startswith(os.pardir + "/"):
            return _Rules(patterns, fold=fold)
        prefix = relative + "/"
        if patterns.check(prefix.lower() if fold else prefix):
            return _Rules(patterns, fold=fold)
        return _Rules(patterns, prefix, fold=fold)

    def _ancestor_ignores(self, root: str) -> list[_Rules]:
        """The ``.git/info/exclude`` of the repository ``root`` is in, then the
        ``.gitignore`` files of the folders from the repository's root down to the parent
        of ``root``: the rules of a walk of ``root``, the deepest last (and winning)."""
        top = _repository_root(root)
        if top is None:
            return []
        rules = []
        info = _read_ignore(_info_exclude(top))
        if info is not None:
            rules.append(self._rooted(info, top, root))
        folder, parents = root, []
        while folder != top:
            folder = os.path.dirname(folder)
            parents.append(folder)
        for folder in reversed(parents):
            spec = self._gitignore(folder)
            if spec is not None:
                rules.append(self._rooted(spec, folder, root))
        return rules

    def _gitignore(self, folder: str) -> _Patterns | None:
        if folder not in self._ignores:
            self._ignores[folder] = _read_ignore(os.path.join(folder, ".gitignore"))
        return self._ignores[folder]


FILE, FOLDER, LINKED_FOLDER = "file", "folder", "linked folder"


def _kind(entry: os.DirEntry[str]) -> str:
    """A folder to walk into, a symlink to a folder (not followed), or anything else (a
    file to read, or to refuse when read: a broken link, a FIFO...)."""
    try:
        if entry.is_dir(follow_symlinks=False):
            return FOLDER
        return LINKED_FOLDER if entry.is_dir() else FILE
    except OSError:
        return FILE


def _skipped(exclude: _Rules | None, ignores: list[_Rules], relative: str, is_dir: bool) -> bool:
    """Excluded by the patterns, or by the deepest ``.gitignore`` that has a say."""
    if exclude is not None and exclude.check(relative, is_dir):
        return True
    for rules in reversed(ignores):
        verdict = rules.check(relative, is_dir)
        if verdict is not None:
            return verdict
    return False


def _exclude_spec(config: LoadConfig) -> _Patterns:
    """The exclude patterns (lowercased: they match whatever the case).

    Raises:
        ConfigError: one is not a gitignore-style pattern.
    """
    for name in ("exclude", "extend_exclude"):
        for pattern in getattr(config, name):
            if not _is_pattern(pattern.lower()):
                raise ConfigError(name, pattern, "not a gitignore-style pattern")
    return _Patterns.of(p.lower() for p in (*config.exclude, *config.extend_exclude))


def _read_ignore(path: str | None) -> _Patterns | None:
    """The patterns of a ``.gitignore`` file (None: no file, or nothing in it); a line that
    is not a pattern is left out, as git does."""
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    try:
        patterns = _Patterns.of(lines)
    except ValueError:
        patterns = _Patterns.of(line for line in lines if _is_pattern(line))
    return None if patterns.empty else patterns


def _is_pattern(line: str) -> bool:
    from pathspec import GitIgnoreSpec

    try:
        GitIgnoreSpec.from_lines([line])
    except ValueError:
        return False
    return True


def _repository_root(folder: str) -> str | None:
    """The nearest folder at or above ``folder`` (absolute) that holds a ``.git``."""
    while True:
        if os.path.lexists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _info_exclude(top: str) -> str | None:
    """The ``info/exclude`` file of the repository whose work tree is ``top``: in its
    ``.git`` folder, or for a linked work tree (``.git`` a file naming its git folder), in
    the common folder of the repository."""
    dot_git = os.path.join(top, ".git")
    if os.path.isdir(dot_git):
        return os.path.join(dot_git, "info", "exclude")
    try:
        with open(dot_git, encoding="utf-8") as handle:
            first = handle.readline().strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not first.startswith("gitdir:"):
        return None
    git_dir = os.path.join(top, first.removeprefix("gitdir:").strip())
    try:
        with open(os.path.join(git_dir, "commondir"), encoding="utf-8") as handle:
            git_dir = os.path.join(git_dir, handle.read().strip())
    except (OSError, UnicodeDecodeError):
        pass
    return os.path.join(git_dir, "info", "exclude")


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
