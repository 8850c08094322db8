"""Stage 10, report: findings and counters as data (the CLI renders them).

The JSON form is versioned (:data:`SCHEMA_VERSION`) and documented in the README. Fields may
be added within a version, never renamed or removed. Output is deterministic: findings are
sorted, numbers rounded, and timings (the one thing that varies between runs) are included
only on request.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from json.encoder import encode_basestring as _encode_str
from typing import Any, Protocol

from dedup import __version__
from dedup.records import InputWarning, Location
from dedup.stages.verify import Scores

SCHEMA_VERSION = 1

KINDS = ("exact_document", "near_document", "exact_paragraph", "near_paragraph", "boilerplate")
DOCUMENT_KINDS = KINDS[:2]
#: Each kind's heading in the text and HTML reports.
TITLES = {
    "exact_document": "Exact duplicate articles",
    "near_document": "Near-duplicate articles (copies, rewrites, briefs)",
    "exact_paragraph": "Repeated paragraphs",
    "near_paragraph": "Near-repeated paragraphs",
    "boilerplate": "Boilerplate",
}


@dataclass(frozen=True, slots=True)
class Ref:
    """Where a location is, in dedup's terms: document index and text lines."""

    doc: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class DifferingLine:
    """A paragraph (usually one line) that only one of two near copies has: in the ``kept``
    copy or in the other (``copy``), and what it is: ``furniture`` (a boilerplate line the
    comparison leaves out), ``repeated`` (a paragraph the same article has elsewhere, which
    the comparison counts once) or ``text``. ``text`` is its typographic form, cut short."""

    side: str
    what: str
    location: Location
    text: str

    @property
    def one_line(self) -> bool:
        loc = self.location
        first, last = loc.text_lines or (loc.start_line, loc.end_line)
        return first == last

    def to_dict(self) -> dict[str, Any]:
        return {"in": self.side, "what": self.what, **self.location.to_dict(), "text": self.text}

    def __str__(self) -> str:
        return f"{self.location} “{self.text}”"


#: How :attr:`Difference.summary` names each kind of differing line.
_DIFFERING = {"text": "", "furniture": "furniture ", "repeated": "repeated "}


@dataclass(frozen=True, slots=True)
class Difference:
    """What keeps a near copy whose scores all read 1.00 from being an exact duplicate
    (exact duplicates compare whole bodies, furniture and repeats included): the body
    paragraphs that only one of the two copies has, in reading order, kept copy first."""

    lines: tuple[DifferingLine, ...]

    @property
    def summary(self) -> str:
        """``identical apart from 1 furniture line``, ``differs only in 2 lines and 1
        repeated line``: per kind, the larger of the counts on either side (a line changed
        in both copies counts once)."""
        noun = "line" if all(line.one_line for line in self.lines) else "paragraph"
        parts = []
        for what, adjective in _DIFFERING.items():
            n = max(
                sum(1 for line in self.lines if line.what == what and line.side == side)
                for side in ("kept", "copy")
            )
            if n:
                parts.append(f"{n} {adjective}{noun}{'s' if n != 1 else ''}")
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        if any(line.what == "text" for line in self.lines):
            return f"differs only in {listed}"
        return f"identical apart from {listed}"

    def to_dict(self) -> dict[str, Any]:
        return {"summary": self.summary, "lines": [line.to_dict() for line in self.lines]}

    def __str__(self) -> str:
        """The summary, then every line: ``identical apart from 1 furniture line: b.txt:8
        “Read more”``."""
        return f"{self.summary}: " + "; ".join(str(line) for line in self.lines)


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding: a group of places that hold the same (or nearly the same) text.

    ``locations`` lists every place, ``canonical`` included (the copy a cleaner keeps);
    ``member_scores[i]`` compares ``locations[i]`` with the canonical one (``None`` for the
    canonical itself and for exact findings, where every score is 1). ``scores`` is the
    weakest of them. Boilerplate findings carry the ``rule`` that matched and, for learned
    templates, the ``source`` they were learned from; ``part`` is ``prefix`` when only the
    start of the line is furniture (a dateline).
    """

    kind: str
    locations: tuple[Location, ...]
    canonical: Location
    excerpt: str
    refs: tuple[Ref, ...] = field(compare=False)
    canonical_ref: Ref = field(compare=False)
    member_scores: tuple[Scores | None, ...] = ()
    #: Near documents: per location, the passages it shares with the kept copy (words, text).
    member_passages: tuple[tuple[tuple[int, str], ...], ...] = ()
    #: Near documents: per location, what differs from the kept copy when every score reads
    #: 1.00 (``None`` otherwise, and for the kept copy).
    member_differences: tuple[Difference | None, ...] = ()
    rule: str | None = None
    template: str | None = None
    source: str | None = None
    part: str = "line"
    prefix_text: str | None = None

    @property
    def scores(self) -> Scores | None:
        present = [s for s in self.member_scores if s is not None]
        if not present:
            return None
        probabilities = [s.probability for s in present if s.probability is not None]
        return Scores(
            min(s.jaccard for s in present),
            min(s.containment for s in present),
            min(s.cosine for s in present),
            min(probabilities) if probabilities else None,
        )

    def places(self) -> Iterator[tuple[Location, Scores | None]]:
        """The places the finding is about, with their scores: every location but the kept
        copy (for boilerplate, which keeps nothing, every location)."""
        scores = self.member_scores or (None,) * len(self.locations)
        for location, score in zip(self.locations, scores, strict=True):
            if self.kind == "boilerplate" or location != self.canonical:
                yield location, score

    @property
    def id(self) -> str:
        c = self.canonical
        suffix = f"#{c.id}" if c.id is not None else ""
        rule = f"[{self.rule}]" if self.kind == "boilerplate" and self.rule else ""
        return f"{self.kind}{rule}:{c.path}:{c.start_line}{suffix}"

    def sort_key(self) -> tuple[Any, ...]:
        c = self.canonical
        return (
            KINDS.index(self.kind),
            c.path,
            c.start_line,
            c.text_lines or (0, 0),
            self.rule or "",
            [(loc.path, loc.start_line, loc.text_lines or (0, 0)) for loc in self.locations],
        )

    def to_dict(self) -> dict[str, Any]:
        locations = []
        passages = self.member_passages or ((),) * len(self.locations)
        for loc, scores, shared, difference in zip(
            self.locations,
            self.member_scores or [None] * len(self.locations),
            passages,
            self.member_differences or [None] * len(self.locations),
            strict=True,
        ):
            item = loc.to_dict()
            if scores is not None:
                item["scores"] = scores.to_dict()
            if shared:
                item["passages"] = [{"words": n, "text": text} for n, text in shared]
            if difference is not None:
                item["difference"] = difference.to_dict()
            locations.append(item)
        out: dict[str, Any] = {
            "kind": self.kind,
            "id": self.id,
            "locations": locations,
            "canonical": self.canonical.to_dict(),
            "scores": self.scores.to_dict() if self.scores is not None else {},
            "excerpt": self.excerpt,
        }
        if self.kind == "boilerplate":
            out["rule"] = self.rule
            out["part"] = self.part
            if self.template is not None:
                out["template"] = self.template
            if self.source is not None:
                out["source"] = self.source
            if self.prefix_text is not None:
                out["prefix"] = self.prefix_text
        return out


@dataclass(frozen=True, slots=True)
class ShownParagraph:
    """A paragraph of one side of a :class:`Comparison`: its place, its text as in the file
    (its lines joined by ``\n``), what it is (``title``, ``furniture``, ``body``, or
    ``context``: shown, not compared) and the character spans it shares with the other side
    (``marks``, sorted, disjoint). ``normalized``: the text is the typographic form that was
    compared (normalized but for case), the file's text being unreadable or changed."""

    location: Location
    text: str
    role: str
    marks: tuple[tuple[int, int], ...] = ()
    normalized: bool = False


@dataclass(frozen=True, slots=True)
class Side:
    """One of the two texts of a :class:`Comparison`: where it is, its source (outlet) and
    its paragraphs."""

    location: Location
    source: str
    paragraphs: tuple[ShownParagraph, ...]


@dataclass(frozen=True, slots=True)
class Comparison:
    """The kept copy of a finding beside one of its other places, passages shared marked."""

    kept: Side
    copy: Side


class Texts(Protocol):
    """The texts of a report's findings, read when a format shows them (the HTML page)."""

    def compare(self, finding: Finding, index: int) -> Comparison:
        """The kept copy of ``finding`` beside its place ``index`` (of ``locations``)."""
        ...

    def source(self, ref: Ref) -> str:
        """The source (outlet) of the article of ``ref``."""
        ...


@dataclass
class ScanReport:
    """Counters, findings and timings of one scan.

    ``return_code(check)`` is the process exit status: 0 when the scan ran (findings or
    not) without ``--check``; with ``check``, 1 when there is any finding and 0 when there is
    none. Errors that stop a run are exceptions, mapped to 2 by the CLI.
    """

    inputs: int = 0
    articles: int = 0
    paragraphs: int = 0
    skipped: int = 0
    clusters: int = 0
    candidate_pairs: dict[str, int] = field(default_factory=dict)
    warnings: list[InputWarning] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    #: How much work each stage did (candidates, pairs verified...): with the timings.
    steps: dict[str, dict[str, int]] = field(default_factory=dict)
    #: With a baseline: its path, how many findings it accepted, its stale entries.
    baseline: dict[str, Any] | None = None
    #: The articles read (:attr:`Document.article`; not part of the JSON).
    read: list[tuple[str, str | None]] = field(default_factory=list, repr=False)
    #: Findings left out by ``--select``/``--ignore`` (``ignored``) and places on lines
    #: marked allowed (``allowed``): see :mod:`dedup.app.selection`.
    hidden: dict[str, int] = field(default_factory=dict)
    #: How many findings fail a ``--check`` run (``--fail-on``); None: all of them.
    failing: int | None = None
    #: The findings' texts, for a format that shows them (not part of the JSON).
    texts: Texts | None = field(default=None, repr=False, compare=False)

    def counts(self) -> dict[str, int]:
        return {kind: sum(1 for f in self.findings if f.kind == kind) for kind in KINDS}

    def identical_copies(self) -> int:
        """Near copies whose scores all read 1.00 (each with what differs from its kept copy)."""
        return sum(1 for f in self.findings for d in f.member_differences if d is not None)

    def identical_note(self) -> str | None:
        """Why near copies that read 1.00 on every score are not counted as exact duplicates
        (``None`` when there are none)."""
        n = self.identical_copies()
        if not n:
            return None
        one = n == 1
        return (
            f"{n} near {'copy reads' if one else 'copies read'} 1.00 on every score but "
            f"{'is not an exact duplicate' if one else 'are not exact duplicates'}: exact "
            "duplicates compare whole bodies, furniture and repeated paragraphs included. "
            f"What differs is shown with {'it' if one else 'each'}."
        )

    def return_code(self, check: bool) -> int:
        failing = len(self.findings) if self.failing is None else self.failing
        return 1 if check and failing else 0

    def to_dict(self, timings: bool = False) -> dict[str, Any]:
        return self._to_dict(timings, [f.to_dict() for f in self.findings])

    def write_json(self, write: Callable[[str], object], timings: bool = False) -> None:
        """Write ``json.dumps(self.to_dict(timings), ensure_ascii=False, indent=2)`` and a
        newline through ``write``, a piece at a time: one finding's dict exists at a time,
        and the text of the whole report never does."""
        parts: list[str] = []
        _encode(self._to_dict(timings, _Findings(self.findings)), parts, "\n", write)
        parts.append("\n")
        write("".join(parts))

    def _to_dict(self, timings: bool, findings: object) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "dedup_version": __version__,
            "config": self.config,
            "stats": {
                "inputs": self.inputs,
                "articles": self.articles,
                "paragraphs": self.paragraphs,
                "skipped": self.skipped,
                "warnings": [w.to_dict() for w in self.warnings],
                "clusters": self.clusters,
                "candidate_pairs": dict(self.candidate_pairs),
                "findings": self.counts(),
            },
            "findings": findings,
        }
        if self.baseline is not None:
            out["baseline"] = self.baseline
        if self.hidden:
            out["hidden"] = dict(self.hidden)
        if timings:
            out["timings_s"] = {k: round(v, 3) for k, v in self.timings.items()}
            out["steps"] = {stage: dict(counts) for stage, counts in self.steps.items()}
        return out


_INF = float("inf")


class _Findings:
    """The findings of a report, turned into dicts one at a time as they are written."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings


#: Pieces of text gathered before they are written.
_WRITE_PIECES = 8192


def dumps_indented(obj: Any) -> str:
    """``json.dumps(obj, ensure_ascii=False, indent=2)``, byte for byte, several times
    faster: with an indent, ``json`` uses its pure-Python encoder, a generator per value.
    For the types a report holds (dicts with string keys, lists, tuples, strings, numbers,
    booleans, None); anything else goes to ``json.dumps`` itself."""
    parts: list[str] = []
    _encode(obj, parts, "\n", None)
    return "".join(parts)


def _encode(
    obj: Any, parts: list[str], newline: str, write: Callable[[str], object] | None
) -> None:
    """Append the JSON of ``obj`` to ``parts``; with ``write``, hand ``parts`` over to it
    every :data:`_WRITE_PIECES` pieces."""
    if isinstance(obj, str):
        parts.append(_encode_str(obj))
    elif obj is None:
        parts.append("null")
    elif obj is True:
        parts.append("true")
    elif obj is False:
        parts.append("false")
    elif type(obj) is int:
        parts.append(int.__repr__(obj))
    elif type(obj) is float and obj == obj and obj not in (_INF, -_INF):
        parts.append(float.__repr__(obj))
    elif type(obj) is dict and all(type(k) is str for k in obj):
        if not obj:
            parts.append("{}")
            return
        inner = newline + "  "
        first = True
        for key, value in obj.items():
            parts.append(("{" if first else ",") + inner + _encode_str(key) + ": ")
            first = False
            _encode(value, parts, inner, write)
        parts.append(newline + "}")
    elif type(obj) in (list, tuple) or type(obj) is _Findings:
        items = obj.findings if type(obj) is _Findings else obj
        if not items:
            parts.append("[]")
            return
        inner = newline + "  "
        first = True
        for value in items:
            parts.append(("[" if first else ",") + inner)
            first = False
            _encode(value.to_dict() if type(obj) is _Findings else value, parts, inner, write)
            if write is not None and len(parts) >= _WRITE_PIECES:
                write("".join(parts))
                parts.clear()
        parts.append(newline + "]")
    else:
        text = json.dumps(obj, ensure_ascii=False, indent=2)
        parts.append(text.replace("\n", newline))
