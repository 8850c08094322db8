"""Records passed between stages: small frozen dataclasses, no behaviour beyond formatting."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding is, in the user's terms: the path as given and 1-based file lines.

    For JSON Lines input, ``start_line``/``end_line`` are the record's line in the file, ``id``
    is the record's id and ``text_lines`` are the lines inside the record's text.
    """

    path: str
    start_line: int
    end_line: int
    id: str | None = None
    text_lines: tuple[int, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "start_line": self.start_line,
            "end_line": self.end_line,
        }
        if self.id is not None:
            out["id"] = self.id
        if self.text_lines is not None:
            out["text_lines"] = list(self.text_lines)
        return out

    def __str__(self) -> str:
        lines = (
            str(self.start_line)
            if self.start_line == self.end_line
            else f"{self.start_line}-{self.end_line}"
        )
        where = f"{self.path}:{lines}"
        if self.text_lines is not None:
            a, b = self.text_lines
            where += f" ({self.id}, text line {a}" + (f"-{b})" if b != a else ")")
        return where


@dataclass(frozen=True, slots=True)
class Document:
    """One article as read from its input.

    Attributes:
        path: the path as given on the command line (or found under a given directory).
        format: ``txt``, ``md`` or ``jsonl``.
        id: the record id for JSON Lines, else the path.
        text: the article text exactly as decoded (title line included for ``.txt``,
            front matter excluded for ``.md``).
        first_line: the file line of the text's first line (after front matter for ``.md``;
            the record's line for JSON Lines, where every text line maps to that one file line).
        source: the outlet, for boilerplate learning: ``source``, else the domain of ``url``,
            else the parent folder.
        title_in_text: the first non-blank line of ``text`` is the title (``.txt``, and ``.md``
            without a ``title`` in its front matter).
        offset: byte offset of the record in its file (JSON Lines), to read it again.
        from_stdin: read from standard input (``path`` is then the name given for it).
        sha256: of the bytes it was read from (the file; for JSON Lines, the record's line
            without its end), so that a file changed after the scan is never cleaned by it.
    """

    path: str
    format: str
    id: str
    text: str
    first_line: int = 1
    source: str = ""
    title: str | None = None
    url: str | None = None
    date: str | None = None
    title_in_text: bool = False
    offset: int = 0
    from_stdin: bool = False
    sha256: str = ""
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def article(self) -> tuple[str, str | None]:
        """How the article is named from one run to the next: its path, normalized, and for
        JSON Lines its record id."""
        return os.path.normpath(self.path), self.id if self.format == "jsonl" else None

    def location(self, start: int, end: int) -> Location:
        """Location of text lines ``start..end`` (1-based, in ``text``)."""
        if self.format == "jsonl":
            return Location(self.path, self.first_line, self.first_line, self.id, (start, end))
        return Location(self.path, self.first_line + start - 1, self.first_line + end - 1)


@dataclass(frozen=True, slots=True)
class Segment:
    """A paragraph: text lines ``start..end`` (1-based, in ``Document.text``) of one document."""

    start: int
    end: int
    text: str
    is_title: bool = False


@dataclass(frozen=True, slots=True)
class InputWarning:
    """A problem with one input that did not stop the run."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "message": self.message}
