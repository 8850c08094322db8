"""Stage 3, segment: a :class:`~dedup.records.Document` -> its paragraphs.

Two rules, chosen per format by ``LoadConfig.segment`` (``auto``: ``block`` for Markdown,
``line`` for the rest):

- ``line``: every non-blank line is a paragraph. Text extracted from news pages (and every
  seed article) has one paragraph per line, with or without blank lines between them.
- ``block``: paragraphs are runs of non-blank lines separated by blank lines, as Markdown
  defines them; a heading or a list item is a paragraph of its own.

Line numbers are 1-based in ``Document.text``; ``\\r\\n``, ``\\n`` and ``\\r`` all end a
line, as in editors. Markdown block markers (``#``, ``>``, list bullets) are left out of the
paragraph's text, so that ``## Title`` and ``Title`` compare equal.
"""

from __future__ import annotations

import re
from dataclasses import replace

from dedup.records import Document, Segment
from dedup.stages.normalize import typographic_lines

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_MD_MARKER = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d{1,3}[.)]\s+)")
_MD_STANDALONE = re.compile(r"^\s{0,3}(?:#{1,6}\s|[-*+]\s|\d{1,3}[.)]\s)")


def split_lines(text: str) -> list[str]:
    """Split ``text`` into lines without their line ends.

    >>> split_lines("a\\r\\nb\\rc\\n")
    ['a', 'b', 'c', '']
    """
    return _LINE_BREAK.split(text)


def split_paragraphs(doc: Document, mode: str = "auto") -> list[Segment]:
    """Return the paragraphs of ``doc``; the first one is marked as the title when it is one.

    >>> from dedup.records import Document
    >>> doc = Document(path="a.txt", format="txt", id="a.txt", text="T\\n\\nP1\\nP2\\n",
    ...                title_in_text=True)
    >>> [(s.start, s.end, s.text, s.is_title) for s in split_paragraphs(doc)]
    [(1, 1, 'T', True), (3, 3, 'P1', False), (4, 4, 'P2', False)]
    """
    if mode == "auto":
        mode = "block" if doc.format == "md" else "line"
    lines = split_lines(doc.text)
    markdown = doc.format == "md"
    segments = _blocks(lines, markdown) if mode == "block" else _lines(lines, markdown)
    if doc.title_in_text and segments:
        first = segments[0]
        segments[0] = Segment(first.start, first.end, first.text, is_title=True)
    return segments


def _strip(line: str, markdown: bool) -> str:
    return _MD_MARKER.sub("", line, count=1).strip() if markdown else line.strip()


def _lines(lines: list[str], markdown: bool) -> list[Segment]:
    return [
        Segment(number, number, _strip(line, markdown))
        for number, line in enumerate(lines, start=1)
        if line.strip()
    ]


def _blocks(lines: list[str], markdown: bool) -> list[Segment]:
    segments: list[Segment] = []
    start: int | None = None
    parts: list[str] = []

    def flush(end: int) -> None:
        nonlocal start, parts
        if start is not None:
            segments.append(Segment(start, end, " ".join(parts)))
        start, parts = None, []

    for number, line in enumerate(lines, start=1):
        if not line.strip():
            flush(number - 1)
            continue
        if markdown and _MD_STANDALONE.match(line) and start is not None:
            flush(number - 1)
        if start is None:
            start = number
        parts.append(_strip(line, markdown))
        if markdown and _MD_STANDALONE.match(line) and line.lstrip().startswith("#"):
            flush(number)
    flush(len(lines))
    return segments


def normalized_paragraphs(doc: Document, mode: str = "auto") -> list[Segment]:
    """Like :func:`split_paragraphs`, with each paragraph's normalized text in its
    *typographic form*: normalized but for case (:func:`~dedup.stages.normalize.fold_case` of it is
    the normalized text; the verifier reads capitalised names from it).

    The whole text is normalized in one call (:func:`~dedup.stages.normalize.typographic_lines`)
    and then segmented, which is what the fingerprint stage needs; a line that is blank once
    normalized (only zero-width characters, say) is blank here.
    """
    lines = typographic_lines(doc.text)
    if mode == "line" or (mode == "auto" and doc.format != "md"):
        # Normalized lines are already stripped and collapsed: each non-empty one is a
        # paragraph, as split_paragraphs would find it.
        segments = [Segment(n, n, line) for n, line in enumerate(lines, start=1) if line]
        if doc.title_in_text and segments:
            segments[0] = Segment(segments[0].start, segments[0].end, segments[0].text, True)
        return segments
    return split_paragraphs(replace(doc, text="\n".join(lines)), mode)
