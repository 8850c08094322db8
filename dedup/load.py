"""Stage 1, load: paths -> shards -> :class:`~dedup.records.Document`.

Inputs are files, directories (searched recursively for ``.txt``, ``.md``, ``.markdown`` and
``.jsonl``), glob patterns, and ``-`` for one article on standard input. Work is cut into
*shards* (a list of files, or a range of lines of one JSON Lines file) so that workers can read
and fingerprint them independently; :func:`read_shard` is the per-shard map.

Bad input never stops a run: a file that cannot be read, a binary file, a malformed JSON Lines
record or front matter yields an :class:`~dedup.records.InputWarning` naming the file and line,
and the run goes on (``strict`` turns the first one into an :class:`~dedup.errors.InputError`).
A file that is not UTF-8 is decoded as cp1252, with a warning.
"""

from __future__ import annotations

import glob
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dedup.config import LoadConfig
from dedup.errors import InputError
from dedup.records import Document, InputWarning

TEXT_SUFFIXES = (".txt",)
MARKDOWN_SUFFIXES = (".md", ".markdown")
JSONL_SUFFIXES = (".jsonl",)
SUFFIXES = TEXT_SUFFIXES + MARKDOWN_SUFFIXES + JSONL_SUFFIXES
STDIN = "-"


@dataclass(frozen=True, slots=True)
class Shard:
    """A unit of work for one worker.

    Either ``files`` (whole-file articles) or one JSON Lines ``path`` read from byte ``offset``
    (at file line ``line``) for ``count`` lines. ``stdin`` carries the text read from ``-``.
    """

    files: tuple[str, ...] = ()
    path: str = ""
    offset: int = 0
    line: int = 1
    count: int = 0
    stdin: str | None = None
    stdin_name: str = STDIN


@dataclass
class ShardResult:
    """What :func:`read_shard` produced: documents, warnings, and how many inputs it skipped."""

    documents: list[Document]
    warnings: list[InputWarning]
    skipped: int = 0


class _Collector:
    """Collects warnings; raises at once in strict mode."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.warnings: list[InputWarning] = []
        self.skipped = 0

    def warn(self, path: str, message: str, line: int | None = None, *, skip: bool) -> None:
        if self.strict:
            raise InputError(path, message, line)
        self.warnings.append(InputWarning(path, line, message))
        if skip:
            self.skipped += 1


def expand_paths(
    paths: Iterable[str], strict: bool = False
) -> tuple[list[str], list[InputWarning]]:
    """Expand directories and globs into a sorted, de-duplicated list of input files.

    Paths keep the spelling the user gave (``seeds/`` yields ``seeds/000.txt``), so findings
    point where the user looks. ``-`` passes through. A path that matches nothing is a warning
    (with ``strict``, an :class:`~dedup.errors.InputError`).
    """
    files: list[str] = []
    warnings: list[InputWarning] = []
    for raw in paths:
        if raw == STDIN:
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
            files.extend(sorted(found))
        elif os.path.exists(raw):
            files.append(raw)
        elif glob.has_magic(raw):
            matched = sorted(p for p in glob.glob(raw, recursive=True) if os.path.isfile(p))
            if not matched:
                warnings.append(InputWarning(raw, None, "the pattern matches no file"))
            files.extend(matched)
        else:
            warnings.append(InputWarning(raw, None, "no such file or directory"))
    if strict and warnings:
        raise InputError(warnings[0].path, warnings[0].message, warnings[0].line)
    return list(dict.fromkeys(files)), warnings


MANIFEST_NAME = "manifest.jsonl"


def is_manifest(path: str) -> bool:
    """A manifest written by ``dedup clean`` (skipped when a directory is searched, so that
    cleaning a cleaned corpus does not read its manifest as articles)."""
    if os.path.basename(path) != MANIFEST_NAME:
        return False
    try:
        with open(path, "rb") as handle:
            head = handle.read(64)
    except OSError:
        return False
    return head == b"" or head.startswith(b'{"action": "drop_')


def plan_shards(
    files: Iterable[str], batch_size: int, stdin_text: str | None = None, stdin_name: str = STDIN
) -> Iterator[Shard]:
    """Cut the input files into shards of about ``batch_size`` articles each."""
    pending: list[str] = []
    for path in files:
        if path == STDIN:
            yield Shard(stdin=stdin_text or "", stdin_name=stdin_name)
        elif path.lower().endswith(JSONL_SUFFIXES):
            yield from _jsonl_shards(path, batch_size)
        else:
            pending.append(path)
            if len(pending) >= batch_size:
                yield Shard(files=tuple(pending))
                pending = []
    if pending:
        yield Shard(files=tuple(pending))


def _jsonl_shards(path: str, batch_size: int) -> Iterator[Shard]:
    """Shards of ``batch_size`` lines; an unreadable file becomes one shard that will warn."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below, generator-friendly
    except OSError:
        yield Shard(path=path, count=-1)
        return
    with handle:
        offset = 0
        start_offset, start_line, count = 0, 1, 0
        for line_no, raw in enumerate(handle, start=1):
            if count == 0:
                start_offset, start_line = offset, line_no
            count += 1
            offset += len(raw)
            if count >= batch_size:
                yield Shard(path=path, offset=start_offset, line=start_line, count=count)
                count = 0
        if count:
            yield Shard(path=path, offset=start_offset, line=start_line, count=count)


def read_shard(shard: Shard, config: LoadConfig) -> ShardResult:
    """Read every document of one shard (the per-shard map of the load stage)."""
    out = _Collector(config.strict)
    docs: list[Document] = []
    if shard.stdin is not None:
        docs.extend(
            replace(d, from_stdin=True)
            for d in _parse_file(shard.stdin_name, shard.stdin, config, out, parent="stdin")
        )
    elif shard.files:
        for path in shard.files:
            text = _read_text(path, out)
            if text is not None:
                docs.extend(_parse_file(path, text, config, out))
    elif shard.path:
        docs.extend(_read_jsonl_range(shard, config, out))
    return ShardResult(docs, out.warnings, out.skipped)


def read_documents(
    paths: Iterable[str],
    config: LoadConfig,
    stdin_text: str | None = None,
) -> tuple[list[Document], list[InputWarning], int]:
    """Read every document of ``paths`` in one process (for small inputs and tests)."""
    files, warnings = expand_paths(paths, config.strict)
    docs: list[Document] = []
    skipped = len(warnings)
    for shard in plan_shards(files, 10_000, stdin_text):
        result = read_shard(shard, config)
        docs.extend(result.documents)
        warnings.extend(result.warnings)
        skipped += result.skipped
    return docs, warnings, skipped


def decode(data: bytes, path: str, out: _Collector) -> str | None:
    """Decode file bytes: UTF-8 (BOM stripped), else cp1252 with a warning; binary -> None."""
    if b"\x00" in data:
        out.warn(path, "binary file (contains NUL bytes), skipped", skip=True)
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        out.warn(path, "not valid UTF-8, decoded as cp1252", line, skip=False)
        return data.decode("cp1252", errors="replace")


def _read_text(path: str, out: _Collector) -> str | None:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        out.warn(path, f"cannot read: {exc.strerror or exc}", skip=True)
        return None
    return decode(data, path, out)


def _parse_file(
    path: str, text: str, config: LoadConfig, out: _Collector, parent: str | None = None
) -> list[Document]:
    folder = parent if parent is not None else Path(path).parent.name
    lower = path.lower()
    if lower.endswith(JSONL_SUFFIXES):
        # Only reached for stdin or tests: files on disk go through _read_jsonl_range.
        docs = []
        for number, line in enumerate(text.split("\n"), start=1):
            doc = _parse_record(path, line, number, 0, config, out)
            if doc is not None:
                docs.append(doc)
        return docs
    if lower.endswith(MARKDOWN_SUFFIXES):
        return [_parse_markdown(path, text, folder, out)]
    return [
        Document(
            path=path,
            format="txt",
            id=path,
            text=text,
            source=folder,
            title=_first_line(text),
            title_in_text=True,
        )
    ]


def _first_line(text: str) -> str | None:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return None


def _parse_markdown(path: str, text: str, folder: str, out: _Collector) -> Document:
    lines = text.split("\n")
    meta: dict[str, Any] = {}
    first_line = 1
    if lines and lines[0].rstrip("\r").strip() == "---":
        end = next(
            (i for i in range(1, len(lines)) if lines[i].rstrip("\r").strip() in ("---", "...")),
            None,
        )
        if end is None:
            out.warn(path, "front matter is not closed by '---'; read as text", 1, skip=False)
        else:
            meta = _parse_front_matter(path, "\n".join(lines[1:end]), out)
            first_line = end + 2
            text = "\n".join(lines[end + 1 :])
    title = _meta_str(meta, "title")
    url = _meta_str(meta, "url")
    return Document(
        path=path,
        format="md",
        id=_meta_str(meta, "id") or path,
        text=text,
        first_line=first_line,
        source=_source(meta, "source", url, folder),
        title=title,
        url=url,
        date=_meta_str(meta, "date"),
        title_in_text=title is None,
        meta=meta,
    )


def _parse_front_matter(path: str, block: str, out: _Collector) -> dict[str, Any]:
    import yaml  # imported here: only Markdown with front matter needs it

    try:
        data = yaml.safe_load(block)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or "invalid YAML"
        out.warn(path, f"malformed front matter: {problem}", line, skip=False)
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        out.warn(path, "front matter is not a mapping of keys to values", 2, skip=False)
        return {}
    return {str(k): v for k, v in data.items()}


def _meta_str(meta: dict[str, Any], key: str) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


@lru_cache(maxsize=256)
def _stem(path: str) -> str:
    return Path(path).stem


def _source(meta: dict[str, Any], key: str, url: str | None, folder: str) -> str:
    """The outlet: the ``source`` field, else the domain of the URL, else the parent folder."""
    source = _meta_str(meta, key)
    if source:
        return source
    if url:
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:
            host = ""
        if host:
            return host.removeprefix("www.")
    return folder


def _read_jsonl_range(shard: Shard, config: LoadConfig, out: _Collector) -> list[Document]:
    docs: list[Document] = []
    try:
        handle = open(shard.path, "rb")  # noqa: SIM115
    except OSError as exc:
        out.warn(shard.path, f"cannot read: {exc.strerror or exc}", skip=True)
        return docs
    with handle:
        handle.seek(shard.offset)
        offset = shard.offset
        for index in range(shard.count):
            raw = handle.readline()
            if not raw:
                break
            number = shard.line + index
            record_offset = offset
            offset += len(raw)
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                out.warn(shard.path, "not valid UTF-8, decoded as cp1252", number, skip=False)
                line = raw.decode("cp1252", errors="replace")
            doc = _parse_record(shard.path, line, number, record_offset, config, out)
            if doc is not None:
                docs.append(doc)
    return docs


def _parse_record(
    path: str, line: str, number: int, offset: int, config: LoadConfig, out: _Collector
) -> Document | None:
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        out.warn(path, f"malformed JSON: {exc.msg} (column {exc.colno})", number, skip=True)
        return None
    if not isinstance(record, dict):
        out.warn(path, "a record must be a JSON object", number, skip=True)
        return None
    text = record.get(config.text_field)
    if not isinstance(text, str):
        what = "missing" if text is None else "not a string"
        out.warn(path, f"field {config.text_field!r} is {what}", number, skip=True)
        return None
    raw_id = record.get(config.id_field)
    doc_id = str(raw_id) if raw_id is not None else f"{path}:{number}"
    url = _meta_str(record, config.url_field)
    title = _meta_str(record, config.title_field)
    return Document(
        path=path,
        format="jsonl",
        id=doc_id,
        text=text,
        first_line=number,
        source=_source(record, config.source_field, url, _stem(path)),
        title=title,
        url=url,
        date=_meta_str(record, config.date_field),
        title_in_text=False,
        offset=offset,
    )


def _record_text(line: str, config: LoadConfig) -> str | None:
    """The text of a JSON Lines record, or None where :func:`_parse_record` would skip it."""
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return None
    if not isinstance(record, dict):
        return None
    text = record.get(config.text_field)
    return text if isinstance(text, str) else None


def read_stdin_text(data: bytes, name: str = STDIN) -> tuple[str, list[InputWarning]]:
    """Decode standard input like a file; returns the text and any warning."""
    out = _Collector(strict=False)
    text = decode(data, name, out)
    return text or "", out.warnings


def read_again(doc: Document, config: LoadConfig) -> Document:
    """``doc`` with its text, read again from its file (workers send no text back).

    A document from standard input keeps its text and is returned as is. If the file can no
    longer be read, the document comes back without text (findings then show no excerpt).
    """
    if doc.text or doc.from_stdin:
        return doc
    if doc.format == "jsonl":
        try:
            with open(doc.path, "rb") as handle:
                handle.seek(doc.offset)
                raw = handle.readline()
        except OSError:
            return doc
        if doc.first_line == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        text = _record_text(raw.decode("utf-8", errors="replace"), config)
        return doc if text is None else replace(doc, text=text)
    out = _Collector(strict=False)
    text = _read_text(doc.path, out)
    parsed = _parse_file(doc.path, text, config, out) if text is not None else []
    return replace(doc, text=parsed[0].text) if parsed else doc
