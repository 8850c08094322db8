"""Stage 1, load: shards -> :class:`~dedup.records.Document`.

:func:`read_shard` is the per-shard map: it reads the shard's files or JSON Lines records
(through :mod:`dedup.io.inputs`, which plans the shards and decodes bytes) and parses them
(plain text, Markdown with front matter, JSON Lines records).

Bad input never stops a run: a file that cannot be read, is not a regular file (a FIFO, a
device), is larger than ``max_input_bytes``, is binary, or holds a malformed JSON Lines record
or front matter yields an :class:`~dedup.records.InputWarning` naming the file and line, and
the run goes on (``strict`` turns the first one into an :class:`~dedup.errors.InputError`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dedup.config import LoadConfig
from dedup.errors import InputError
from dedup.io.inputs import (
    BOM,
    JSONL_SUFFIXES,
    MARKDOWN_SUFFIXES,
    Decoded,
    Shard,
    decode,
    iter_lines,
    open_input,
    read_input,
    too_large,
)
from dedup.records import Document, InputWarning

#: Front matter longer than this is not parsed (a YAML block of an article is a few lines).
MAX_FRONT_MATTER_BYTES = 64 << 10


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

    def skip(self, error: InputError) -> None:
        self.warn(error.path, error.reason, error.line, skip=True)


def _decoded(data: bytes, path: str, out: _Collector, line: int | None = None) -> Decoded | None:
    """:func:`decode`, with its problems reported to ``out`` (a binary file is skipped)."""
    try:
        decoded = decode(data, path)
    except InputError as error:
        out.skip(InputError(error.path, error.reason, line))
        return None
    if decoded.problem is not None:
        where = line if line is not None else decoded.line
        out.warn(path, decoded.problem, where, skip=False)
    return decoded


def read_text(path: str, config: LoadConfig) -> Decoded:
    """An input file's text, read and decoded as a scan reads it (for the cleaner).

    Raises:
        InputError: it cannot be read or decoded.
    """
    return decode(read_input(path, config.max_input_bytes), path)


# --------------------------------------------------------------------------- shards


def read_shard(shard: Shard, config: LoadConfig) -> ShardResult:
    """Read every document of one shard (the per-shard map of the load stage)."""
    out = _Collector(config.strict)
    docs: list[Document] = []
    if shard.stdin is not None:
        decoded = _decoded(shard.stdin, shard.stdin_name, out)
        if decoded is not None:
            docs.extend(
                replace(d, from_stdin=True)
                for d in _parse_file(shard.stdin_name, decoded.text, config, out, "stdin")
            )
    elif shard.files:
        for path in shard.files:
            try:
                data = read_input(path, config.max_input_bytes)
            except InputError as error:
                out.skip(error)
                continue
            decoded = _decoded(data, path, out)
            if decoded is not None:
                sha = hashlib.sha256(data).hexdigest()
                docs.extend(
                    replace(d, sha256=sha) for d in _parse_file(path, decoded.text, config, out)
                )
    elif shard.path:
        docs.extend(_read_jsonl_range(shard, config, out))
    return ShardResult(docs, out.warnings, out.skipped)


def duplicate_ids(documents: Iterable[Document]) -> list[InputWarning]:
    """A warning for every JSON Lines record whose id an earlier record of its file has."""
    first: dict[tuple[str, str], int] = {}
    warnings = []
    for doc in documents:
        if doc.format != "jsonl":
            continue
        line = first.setdefault((doc.path, doc.id), doc.first_line)
        if line != doc.first_line:
            warnings.append(
                InputWarning(
                    doc.path, doc.first_line, f"duplicate id {doc.id!r} (first at line {line})"
                )
            )
    return warnings


# --------------------------------------------------------------------------- parsing


def _parse_file(
    path: str, text: str, config: LoadConfig, out: _Collector, parent: str | None = None
) -> list[Document]:
    folder = parent if parent is not None else Path(path).parent.name
    lower = path.lower()
    if lower.endswith(JSONL_SUFFIXES):
        # Only reached for stdin: files on disk go through _read_jsonl_range.
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
    meta: dict[str, Any] = {}
    first_line = 1
    split = _front_matter(text)
    if split is None:
        out.warn(path, "front matter is not closed by '---'; read as text", 1, skip=False)
    elif split[0] is not None:
        block, first_line, text = split[0], split[1], split[2]
        if len(block.encode("utf-8", "surrogateescape")) > MAX_FRONT_MATTER_BYTES:
            out.warn(
                path,
                f"front matter larger than {MAX_FRONT_MATTER_BYTES >> 10} KiB, ignored",
                1,
                skip=False,
            )
        else:
            meta = _parse_front_matter(path, block, out)
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


def _front_matter(text: str) -> tuple[str | None, int, str] | None:
    """``(block, first line of the body, body)`` of a Markdown text; ``(None, 1, text)``
    when it has no front matter, None when its front matter is not closed."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip("\r").strip() != "---":
        return None, 1, text
    end = next(
        (i for i in range(1, len(lines)) if lines[i].rstrip("\r").strip() in ("---", "...")),
        None,
    )
    if end is None:
        return None
    return "\n".join(lines[1:end]), end + 2, "\n".join(lines[end + 1 :])


@lru_cache(maxsize=1)
def _yaml_loader() -> type:
    """A safe YAML loader for front matter that keeps dates as written and refuses aliases.

    Dates stay strings: ``date: 2025-13-45`` is the user's text, not an error, and a date
    compares as it was written. Aliases are refused: nine nested anchored lists of nine
    (473 bytes) expand to a billion items.
    """
    import yaml  # imported here: only Markdown with front matter needs it

    class FrontMatterLoader(yaml.SafeLoader):
        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None, None, "aliases (*name) are not allowed in front matter", event.start_mark
                )
            return super().compose_node(parent, index)

    timestamp = "tag:yaml.org,2002:timestamp"
    FrontMatterLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != timestamp]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return FrontMatterLoader


def _parse_front_matter(path: str, block: str, out: _Collector) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.load(block, Loader=_yaml_loader())  # a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or "invalid YAML"
        out.warn(path, f"malformed front matter: {problem}", line, skip=False)
        return {}
    except (ValueError, TypeError, RecursionError) as exc:  # a value YAML cannot build
        out.warn(path, f"malformed front matter: {exc}", 1, skip=False)
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
        handle = open_input(shard.path)
    except InputError as error:
        out.skip(error)
        return docs
    limit = config.max_input_bytes
    with handle:
        handle.seek(shard.offset)
        offset = shard.offset
        lines = iter_lines(handle, limit)
        for index in range(shard.count):
            item = next(lines, None)
            if item is None:
                break
            size, raw = item
            number = shard.line + index
            record_offset = offset
            offset += size
            if raw is None:
                out.skip(too_large(shard.path, size, limit, number))
                continue
            decoded = _record_line(raw, shard.path, number, out)
            if decoded is None:
                continue
            doc = _parse_record(shard.path, decoded, number, record_offset, config, out)
            if doc is not None:
                docs.append(replace(doc, sha256=record_sha256(raw)))
    return docs


def record_sha256(raw: bytes) -> str:
    """What names a JSON Lines record's bytes: the SHA-256 of its line without its end."""
    return hashlib.sha256(raw.rstrip(b"\r\n")).hexdigest()


def _record_line(raw: bytes, path: str, number: int, out: _Collector) -> str | None:
    """A JSON Lines line as text (a BOM on the first line left out)."""
    if number == 1 and raw.startswith(BOM):
        raw = raw[len(BOM) :]
    decoded = _decoded(raw, path, out, number)
    return None if decoded is None else decoded.text


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
    except RecursionError:
        out.warn(path, "malformed JSON: nested too deeply", number, skip=True)
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
    except (json.JSONDecodeError, RecursionError):
        return None
    if not isinstance(record, dict):
        return None
    text = record.get(config.text_field)
    return text if isinstance(text, str) else None


def read_again(doc: Document, config: LoadConfig) -> Document:
    """``doc`` with its text, read again from its file (workers send no text back), and
    decoded as it was the first time.

    A document from standard input keeps its text and is returned as is. If the file can no
    longer be read, the document comes back without text (findings then show no excerpt).
    """
    if doc.text or doc.from_stdin:
        return doc
    out = _Collector(strict=False)
    if doc.format == "jsonl":
        try:
            with open_input(doc.path) as handle:
                handle.seek(doc.offset)
                _, raw = next(iter_lines(handle, config.max_input_bytes), (0, None))
        except (InputError, OSError):
            return doc
        line = _record_line(raw, doc.path, doc.first_line, out) if raw else None
        text = _record_text(line, config) if line is not None else None
        return doc if text is None else replace(doc, text=text)
    try:
        decoded = read_text(doc.path, config)
    except InputError:
        return doc
    parsed = _parse_file(doc.path, decoded.text, config, out)
    return replace(doc, text=parsed[0].text) if parsed else doc
