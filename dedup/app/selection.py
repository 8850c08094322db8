"""What a report shows and what fails a run: ``--select``, ``--ignore``, ``--fail-on`` and the
inline allow marker.

A *selector* names findings the way a user thinks of them:

- a kind: ``exact_document``, ``near-document`` (either spelling), ...;
- a group: ``document`` (exact and near copies of articles), ``paragraph``, ``boilerplate``;
- a rule code of the SARIF and GitHub reports: ``DEDUP001`` ... ``DEDUP005``;
- a boilerplate pattern id or a prefix of one, cut at ``/`` or ``:``: ``fr``,
  ``fr/comment-prompt``, ``fr/comment-prompt:laisser-un-commentaire``, ``learned``.

A line that holds the marker ``dedup: allow`` (in a comment, ``<!-- dedup: allow -->``) is
meant to be there: the places of findings on it are left out (the kept copy of a repeat
stays reported only if another copy is). JSON Lines records have no comments: the marker is
read in text and Markdown files.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from dedup.config import PATTERN_LISTS
from dedup.errors import ConfigError
from dedup.io.inputs import JSONL_SUFFIXES, STDIN
from dedup.output.formats import RULES
from dedup.output.report import KINDS, Finding, ScanReport

#: The groups of kinds a selector may name.
GROUPS = {
    "document": ("exact_document", "near_document"),
    "paragraph": ("exact_paragraph", "near_paragraph"),
    "boilerplate": ("boilerplate",),
}
#: The rule codes of the SARIF and GitHub reports.
CODES = {rule.id: (rule.kind,) for rule in RULES}
#: Pattern-id prefixes that name no folder: the built-in lists, and learned templates.
LIST_NAMES = (*PATTERN_LISTS, "learned")
#: The marker of a line that is meant to be there.
ALLOW = re.compile(r"dedup:\s*allow\b", re.IGNORECASE)


def _names() -> dict[str, tuple[str, ...]]:
    names: dict[str, tuple[str, ...]] = {kind: (kind,) for kind in KINDS}
    names.update({kind.replace("_", "-"): (kind,) for kind in KINDS})
    names.update(GROUPS)
    names.update(CODES)
    return names


@dataclass(frozen=True, slots=True)
class Selector:
    """One selector: the kinds it names, or a boilerplate pattern id prefix."""

    text: str
    kinds: tuple[str, ...] = ()
    rule: str | None = None

    @classmethod
    def parse(cls, text: str, option: str) -> Selector:
        names = _names()
        key = text.strip()
        if key in names or key.upper() in CODES:
            return cls(key, names.get(key) or CODES[key.upper()])
        if "/" in key or key in LIST_NAMES:
            return cls(key, rule=key)
        close = difflib.get_close_matches(key, list(names), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ConfigError(
            option,
            key,
            f"is not a finding kind, group, code or pattern id{hint}; "
            "kinds: " + ", ".join(KINDS) + "; groups: " + ", ".join(GROUPS),
        )

    def matches(self, finding: Finding) -> bool:
        if self.rule is None:
            return finding.kind in self.kinds
        rule = finding.rule or ""
        return finding.kind == "boilerplate" and (
            rule == self.rule or rule.startswith((self.rule + "/", self.rule + ":"))
        )


def parse_selectors(values: Iterable[str], option: str) -> tuple[Selector, ...]:
    """Selectors given as repeated options or comma-separated lists (``a,b``)."""
    return tuple(
        Selector.parse(part, option)
        for value in values
        for part in str(value).split(",")
        if part.strip()
    )


@dataclass(frozen=True, slots=True)
class Selection:
    """What a run reports (``select`` minus ``ignore``; nothing selected: everything) and
    what fails it under ``--check`` (``fail_on``; nothing: every finding reported)."""

    select: tuple[Selector, ...] = ()
    ignore: tuple[Selector, ...] = ()
    fail_on: tuple[Selector, ...] = ()

    @classmethod
    def of(cls, select: Sequence[str], ignore: Sequence[str], fail_on: Sequence[str]) -> Selection:
        return cls(
            parse_selectors(select, "select"),
            parse_selectors(ignore, "ignore"),
            parse_selectors(fail_on, "fail-on"),
        )

    def reports(self, finding: Finding) -> bool:
        if self.select and not any(s.matches(finding) for s in self.select):
            return False
        return not any(s.matches(finding) for s in self.ignore)

    def fails(self, finding: Finding) -> bool:
        return not self.fail_on or any(s.matches(finding) for s in self.fail_on)


def select(report: ScanReport, selection: Selection, marks: AllowedLines) -> None:
    """Leave out of ``report`` the findings ``selection`` does not report and the places
    marked allowed (see the module docstring), counting both in ``report.hidden``; mark
    which findings fail the run."""
    kept: list[Finding] = []
    ignored = allowed = 0
    for finding in report.findings:
        if not selection.reports(finding):
            ignored += 1
            continue
        narrowed = _without_allowed(finding, marks)
        if narrowed is None:
            allowed += 1
            continue
        allowed += narrowed is not finding
        kept.append(narrowed)
    report.findings = kept
    hidden = {"ignored": ignored, "allowed": allowed}
    report.hidden = {k: v for k, v in hidden.items() if v} or report.hidden
    report.failing = sum(1 for f in kept if selection.fails(f))


#: Whether one of lines ``start..end`` (1-based, inclusive) of a file holds the allow
#: marker (False when it cannot say: standard input, JSON Lines, a file gone).
AllowedLines = Callable[[str, int, int], bool]


def allow_marks() -> AllowedLines:
    """An :data:`AllowedLines` over the files on disk: each is read once, and only the
    numbers of its marked lines are kept (a scan of many files holds none of their text)."""
    marked: dict[str, list[int]] = {}

    def allowed(path: str, start: int, end: int) -> bool:
        if path == STDIN or path.lower().endswith(JSONL_SUFFIXES):
            return False
        if path not in marked:
            try:
                with open(path, encoding="utf-8", errors="replace") as handle:
                    text = handle.read()
            except OSError:
                text = ""
            marked[path] = (
                [i for i, line in enumerate(text.splitlines(), 1) if ALLOW.search(line)]
                if ALLOW.search(text)
                else []
            )
        return any(start <= i <= end for i in marked[path])

    return allowed


def _without_allowed(finding: Finding, marks: AllowedLines) -> Finding | None:
    """``finding`` without its places on allowed lines; None when nothing is left to say
    (no place, or a repeat down to its kept copy)."""
    drop = set()
    for i, location in enumerate(finding.locations):
        if finding.kind != "boilerplate" and location == finding.canonical:
            continue
        if marks(location.path, location.start_line, location.end_line):
            drop.add(i)
    if not drop:
        return finding
    keep = [i for i in range(len(finding.locations)) if i not in drop]
    if not keep or (finding.kind != "boilerplate" and len(keep) < 2):
        return None

    def pick(values: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(values[i] for i in keep) if values else values

    return replace(
        finding,
        locations=pick(finding.locations),
        refs=pick(finding.refs),
        member_scores=pick(finding.member_scores),
        member_passages=pick(finding.member_passages),
        member_differences=pick(finding.member_differences),
    )
