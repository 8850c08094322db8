"""Stage 9, clean: a scan's findings -> the canonical corpus and a manifest of removals.

What is removed, and why (every removal is one manifest record):

- ``drop_document``: a non-canonical member of an exact or near duplicate cluster. The kept
  copy is the cluster's representative: the earliest ``date``, then a preferred source, then
  the most complete text, then input order (see :func:`dedup.flow.pipeline.scan`).
- ``drop_paragraph``: a later copy of a paragraph repeated *inside one article*: an exact
  repeat (after normalization), or a near repeat whose Jaccard reaches ``paragraph_jaccard``
  (an edited copy). A reworded repeat found only by the cosine rule is reported by ``scan`` but
  kept: it says the thing again in other words, and deleting it would lose those words. A
  paragraph that also appears in another kept article is kept in both, unless
  ``drop_cross_article_repeats`` is set (then only the first kept copy stays).
- ``drop_boilerplate``: a whole line of site furniture. A dateline glued to the start of a
  paragraph (a *prefix* match) is reported by ``scan`` but never removed here: the cleaner
  removes whole lines only, so every byte it keeps is the user's, untouched.

Kept text is the original bytes: lines are removed with their line ends, nothing else is
re-encoded or re-normalized (JSON Lines records that change are re-serialized, with every
other field as it was; records that do not change are copied byte for byte). Everything here
happens in memory; where and how the result is written (and the manifest) is in
:mod:`dedup.app.rewrite`, atomic and durable, and transactional for ``--in-place``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dedup.config import LoadConfig
from dedup.errors import InputError
from dedup.flow.pipeline import ScanResult
from dedup.io.inputs import Decoded, decode, read_input
from dedup.output.report import Finding
from dedup.records import Document, Location
from dedup.stages.load import record_sha256

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


@dataclass(frozen=True, slots=True)
class Removal:
    """One thing the cleaner removes: a document, or text lines of a kept document."""

    action: str  # drop_document | drop_paragraph | drop_boilerplate
    doc: int
    start: int  # text lines, 1-based, inclusive (documents: the whole text)
    end: int
    kind: str
    kept: Location | None
    scores: dict[str, float] | None = None
    rule: str | None = None


@dataclass
class CleanPlan:
    """Everything a clean would do, before anything is written."""

    removals: list[Removal] = field(default_factory=list)
    #: document index -> text lines to remove
    lines: dict[int, set[int]] = field(default_factory=dict)
    dropped: set[int] = field(default_factory=set)

    @property
    def changed(self) -> set[int]:
        return self.dropped | set(self.lines)


def plan(
    result: ScanResult,
    *,
    paragraph_jaccard: float,
    drop_cross_article_repeats: bool = False,
    keep_duplicates: bool = False,
) -> CleanPlan:
    """Decide the removals from a scan's findings (see the module docstring).

    ``keep_duplicates`` keeps every article (only lines are removed): for a user who cleans
    furniture out of a corpus whose copies they want to keep.
    """
    out = CleanPlan()
    for f in result.report.findings:
        if f.kind in ("exact_document", "near_document") and not keep_duplicates:
            for _, ref, scores in _members(f):
                if ref.doc != f.canonical_ref.doc and ref.doc not in out.dropped:
                    out.dropped.add(ref.doc)
                    out.removals.append(
                        Removal(
                            "drop_document",
                            ref.doc,
                            ref.start,
                            ref.end,
                            f.kind,
                            f.canonical,
                            scores,
                        )
                    )
    for f in result.report.findings:
        if f.kind == "boilerplate" and f.part == "line":
            for _, ref, _ in _members(f):
                _drop_lines(
                    out,
                    Removal(
                        "drop_boilerplate", ref.doc, ref.start, ref.end, f.kind, None, None, f.rule
                    ),
                )
        elif f.kind in ("exact_paragraph", "near_paragraph"):
            _plan_paragraphs(out, f, paragraph_jaccard, drop_cross_article_repeats)
    out.removals.sort(key=lambda r: (r.doc, r.start, r.action))
    return out


def _members(f: Finding) -> Iterable[tuple[Location, Any, dict[str, float] | None]]:
    scores = f.member_scores or (None,) * len(f.locations)
    for loc, ref, s in zip(f.locations, f.refs, scores, strict=True):
        yield loc, ref, s.to_dict() if s is not None else None


def _plan_paragraphs(out: CleanPlan, f: Finding, paragraph_jaccard: float, cross: bool) -> None:
    members = [(loc, ref, s) for loc, ref, s in _members(f) if ref.doc not in out.dropped]
    if len(members) < 2:
        return
    members.sort(key=lambda m: (m[1].doc, m[1].start))
    first_loc, first_ref, _ = members[0]
    first_in_doc: dict[int, Location] = {}
    for loc, ref, scores in members:
        edited_copy = f.kind == "exact_paragraph" or (
            scores is not None and scores["jaccard"] >= paragraph_jaccard
        )
        if ref.doc not in first_in_doc:
            first_in_doc[ref.doc] = loc
            if cross and ref.doc != first_ref.doc and edited_copy:
                _drop_lines(
                    out,
                    Removal(
                        "drop_paragraph", ref.doc, ref.start, ref.end, f.kind, first_loc, scores
                    ),
                )
            continue
        if edited_copy:
            _drop_lines(
                out,
                Removal(
                    "drop_paragraph",
                    ref.doc,
                    ref.start,
                    ref.end,
                    f.kind,
                    first_in_doc[ref.doc],
                    scores,
                ),
            )


def _drop_lines(out: CleanPlan, removal: Removal) -> None:
    if removal.doc in out.dropped:
        return
    lines = out.lines.setdefault(removal.doc, set())
    wanted = set(range(removal.start, removal.end + 1))
    if wanted <= lines:
        return  # already removed for another reason (e.g. boilerplate and a repeat)
    lines |= wanted
    out.removals.append(removal)


# --------------------------------------------------------------------------- applying


def split_keepends(text: str) -> list[str]:
    """Lines with their ends (``\\r\\n``, ``\\r``, ``\\n``), as :func:`split_lines` counts.

    >>> split_keepends("a\\r\\nb\\rc")
    ['a\\r\\n', 'b\\r', 'c']
    """
    return _LINE.findall(text)


def remove_lines(text: str, drop: set[int]) -> str:
    """``text`` without the 1-based lines in ``drop``; every other character kept."""
    return "".join(line for i, line in enumerate(split_keepends(text), start=1) if i not in drop)


def is_blank(text: str) -> bool:
    return not text.strip()


@dataclass
class FileOutcome:
    """What cleaning does to one input file, before anything is written.

    ``input`` is the file as the scan read it (its bytes decoded by
    :func:`dedup.stages.inputs.decode`, which says how to encode text back to the same bytes);
    ``cleaned`` the text to write.
    """

    path: str
    target: Path | None  # None: not written (every article dropped or emptied)
    original: bytes
    input: Decoded
    cleaned: str
    emptied: list[str] = field(default_factory=list)  # ids of articles left empty

    @property
    def changed(self) -> bool:
        return self.input.text != self.cleaned or self.target is None

    def data(self) -> bytes:
        """The cleaned file: every kept byte as it was (BOM, encoding, undecodable bytes)."""
        return self.input.encode(self.cleaned)


def clean_files(
    result: ScanResult, cleaning: CleanPlan, mapping: dict[str, Path]
) -> list[FileOutcome]:
    """Apply a plan, file by file, in memory (nothing is written here).

    Raises:
        InputError: an input cannot be read again, or is not what the scan read.
    """
    corpus = result.corpus
    by_path: dict[str, list[int]] = {}
    for index, doc in enumerate(corpus.documents):
        by_path.setdefault(doc.path, []).append(index)
    outcomes = []
    for path, docs in by_path.items():
        first = corpus.documents[docs[0]]
        original = _read_again(path, corpus.load_config)
        _same_as_scanned(path, original, [corpus.documents[d] for d in docs])
        decoded = decode(original, path)
        target = mapping.get(path)
        if first.format == "jsonl":
            cleaned, emptied = _clean_jsonl(decoded, docs, result, cleaning)
            written = target if not is_blank(cleaned) else None
        else:
            cleaned, emptied = _clean_text_file(decoded, docs[0], result, cleaning)
            written = target if docs[0] not in cleaning.dropped and not emptied else None
        outcomes.append(FileOutcome(path, written, original, decoded, cleaned, emptied))
    return outcomes


def _same_as_scanned(path: str, data: bytes, docs: Sequence[Document]) -> None:
    """Refuse to clean a file that changed after the scan read it: the plan is about the
    text the scan saw."""
    if docs[0].format == "jsonl":
        lines = data.split(b"\n")
        same = all(record_sha256(lines[d.first_line - 1]) == d.sha256 for d in docs)
    else:
        same = hashlib.sha256(data).hexdigest() == docs[0].sha256
    if not same:
        raise InputError(path, "changed since the scan read it; nothing written, run again")


def _read_again(path: str, config: LoadConfig) -> bytes:
    try:
        return read_input(path, config.max_input_bytes)
    except InputError as error:
        raise InputError(path, f"cannot read again: {error.reason}") from None


def _clean_text_file(
    decoded: Decoded, index: int, result: ScanResult, cleaning: CleanPlan
) -> tuple[str, list[str]]:
    doc = result.corpus.documents[index]
    original = decoded.text
    if index in cleaning.dropped:
        return "", []
    drop = {doc.first_line + line - 1 for line in cleaning.lines.get(index, ())}
    cleaned = remove_lines(original, drop)
    lines_left = len(split_keepends(original)) - len(drop)
    body = split_keepends(cleaned)[doc.first_line - 1 : lines_left]
    if drop and is_blank("".join(body)):
        return cleaned, [doc.id]
    return cleaned, []


def _clean_jsonl(
    decoded: Decoded, docs: Sequence[int], result: ScanResult, cleaning: CleanPlan
) -> tuple[str, list[str]]:
    corpus = result.corpus
    field_name = corpus.load_config.text_field
    by_line = {corpus.documents[d].first_line: d for d in docs}
    out_lines: list[str] = []
    emptied: list[str] = []
    for number, line in enumerate(split_keepends(decoded.text), start=1):
        d = by_line.get(number)
        if d is None or (d not in cleaning.dropped and d not in cleaning.lines):
            out_lines.append(line)  # unchanged records (and lines dedup skipped) verbatim
            continue
        if d in cleaning.dropped:
            continue
        end = line[len(line.rstrip("\r\n")) :]
        record = json.loads(line)
        text = remove_lines(record[field_name], cleaning.lines[d])
        if is_blank(text):
            emptied.append(corpus.documents[d].id)
            continue
        record[field_name] = text
        out_lines.append(json_record(record, decoded.encoding) + end)
    return "".join(out_lines), emptied


def json_record(record: dict[str, Any], encoding: str) -> str:
    r"""A re-serialized JSON Lines record that encodes in ``encoding``: characters it cannot
    hold (and lone surrogates other than kept bytes) become ``\uXXXX`` escapes, which read
    back as the same text.

    >>> json_record({"t": "\u4e2d \ud800 é"}, "cp1252")
    '{"t": "\\u4e2d \\ud800 é"}'
    """
    text = json.dumps(record, ensure_ascii=False)
    try:
        text.encode(encoding, "surrogateescape")
        return text
    except UnicodeEncodeError:
        return "".join(c if _encodes(c, encoding) else _json_escape(c) for c in text)


def _encodes(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding, "surrogateescape")
    except UnicodeEncodeError:
        return False
    return True


def _json_escape(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
