"""CI renderings of a :class:`~dedup.output.report.ScanReport`: GitHub Actions and SARIF 2.1.0.

Both annotate every place that is not the canonical copy of a finding (the copy a cleaner
keeps), and every place of a boilerplate finding. Output is deterministic: findings come
sorted from the report, and nothing here depends on the time or the machine.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from dedup import __version__
from dedup.escape import printable
from dedup.output.report import (
    DOCUMENT_KINDS,
    KINDS,
    Difference,
    Finding,
    ScanReport,
    dumps_indented,
)
from dedup.records import Location
from dedup.stages.normalize import normalize_text
from dedup.stages.verify import Scores

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
#: Key of dedup's fingerprint in ``partialFingerprints``; bump the suffix if its input changes.
FINGERPRINT_KEY = "dedupFingerprint/v1"
#: GitHub keeps this many error and this many warning annotations per step.
GITHUB_LIMIT = 10


@dataclass(frozen=True, slots=True)
class Rule:
    """A SARIF rule: one per finding kind, with an id that never changes."""

    id: str
    kind: str
    name: str
    short: str
    full: str

    @property
    def level(self) -> str:
        return "error" if self.kind in DOCUMENT_KINDS else "warning"

    @property
    def title(self) -> str:
        """The annotation title, e.g. ``dedup/near-document``."""
        return "dedup/" + self.kind.replace("_", "-")


#: The rules, in :data:`dedup.output.report.KINDS` order. Ids are stable: never renumber them.
RULES: tuple[Rule, ...] = (
    Rule(
        "DEDUP001",
        "exact_document",
        "ExactDocument",
        "Exact duplicate article.",
        "The article is an exact copy (after normalization) of another article; the kept "
        "copy is the related location.",
    ),
    Rule(
        "DEDUP002",
        "near_document",
        "NearDocument",
        "Near-duplicate article (copy, rewrite or brief).",
        "The article is a near copy, a rewrite or a brief of another article, by word 3-gram "
        "Jaccard, containment or TF-IDF cosine; the kept copy is the related location.",
    ),
    Rule(
        "DEDUP003",
        "exact_paragraph",
        "ExactParagraph",
        "Repeated paragraph.",
        "The paragraph (or title) repeats another one exactly (after normalization), in the "
        "same article or in another; the kept copy is the related location.",
    ),
    Rule(
        "DEDUP004",
        "near_paragraph",
        "NearParagraph",
        "Near-repeated paragraph.",
        "The paragraph repeats another one with edits or in other words, by word 3-gram "
        "Jaccard or TF-IDF cosine; the kept copy is the related location.",
    ),
    Rule(
        "DEDUP005",
        "boilerplate",
        "Boilerplate",
        "Boilerplate line.",
        "The line is site furniture left by text extraction (comment prompts, read-more "
        "links, share buttons, credits, datelines), matched by a built-in pattern or a "
        "template learned from the outlet's articles.",
    ),
)
RULE_OF: dict[str, Rule] = {rule.kind: rule for rule in RULES}
assert tuple(RULE_OF) == KINDS


@dataclass(frozen=True, slots=True)
class Annotation:
    """One place to annotate: a location of a finding that is not its kept copy."""

    finding: Finding
    location: Location
    scores: Scores | None
    #: Among the finding's annotated places in the same file and record, which one (0-based,
    #: in line order): keeps fingerprints apart without using line numbers.
    ordinal: int

    @property
    def rule(self) -> Rule:
        return RULE_OF[self.finding.kind]

    @property
    def kept(self) -> Location | None:
        return None if self.finding.kind == "boilerplate" else self.finding.canonical

    @property
    def difference(self) -> Difference | None:
        """What differs from the kept copy, for a near copy whose scores all read 1.00."""
        differences = self.finding.member_differences
        if not differences:
            return None
        return differences[self.finding.locations.index(self.location)]


def annotated(report: ScanReport) -> Iterator[Annotation]:
    """Every annotated place, in report order (findings sorted, locations as listed)."""
    for finding in report.findings:
        seen: dict[tuple[str, str | None], int] = {}
        for location, score in finding.places():
            key = (location.path, location.id)
            ordinal = seen.get(key, 0)
            seen[key] = ordinal + 1
            yield Annotation(finding, location, score, ordinal)


def format_scores(scores: Scores) -> str:
    """``jaccard 0.61, containment 0.70, cosine 0.88``."""
    return (
        f"jaccard {scores.jaccard:.2f}, containment {scores.containment:.2f}, "
        f"cosine {scores.cosine:.2f}"
    )


def message(item: Annotation) -> str:
    """What the place is and where the kept copy is, with scores or the boilerplate rule."""
    finding = item.finding
    if finding.kind == "boilerplate":
        if finding.part == "prefix" and finding.prefix_text:
            what = f"boilerplate prefix “{finding.prefix_text}”"
        else:
            what = f"boilerplate “{finding.excerpt}”"
        text = f"{what} (rule {finding.rule}"
        if finding.template is not None:
            text += f", template “{finding.template}”"
        if finding.source is not None:
            text += f", learned from source {finding.source}"
        return text + ")"
    kept = finding.canonical
    text = {
        "exact_document": f"exact copy of {kept}",
        "near_document": f"near copy of {kept}",
        "exact_paragraph": f"exact repeat of {kept}",
        "near_paragraph": f"near repeat of {kept}",
    }[finding.kind]
    if item.scores is not None:
        text += f" ({format_scores(item.scores)})"
    if item.location.id is not None:
        text += f", here {item.location}"
    difference = item.difference
    if difference is not None:
        where = ", ".join(str(line.location) for line in difference.lines)
        text += f", {difference.summary} ({where})"
    return text + f" — “{finding.excerpt}”"


# --- GitHub Actions -----------------------------------------------------------------------


def escape_data(text: str) -> str:
    """A workflow command's message, escaped as actions/toolkit's ``escapeData``, and with
    every other control character made visible (:func:`~dedup.escape.printable`), so that
    corpus text cannot reach the runner's terminal as escape sequences."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return printable(text)


def escape_property(text: str) -> str:
    """A workflow command's property value, escaped as actions/toolkit's ``escapeProperty``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(command: str, properties: dict[str, str | int], text: str) -> str:
    """``::command key=value,key=value::text``, escaped."""
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{command}{' ' + props if props else ''}::{escape_data(text)}"


def render_github(report: ScanReport, *, limit: int = GITHUB_LIMIT, log: bool = True) -> str:
    """GitHub Actions workflow commands: an ``::error`` (duplicate articles) or ``::warning``
    (paragraphs, boilerplate) per annotated place, at most ``limit`` of each, then a
    ``::notice`` counting those left out. With ``log``, every place follows as plain log
    lines in a collapsed group, so the full report is in the log. Ends with a newline."""
    lines: list[str] = []
    shown = {"error": 0, "warning": 0}
    left_out = {"error": 0, "warning": 0}
    everything: list[str] = []
    for item in annotated(report):
        rule = item.rule
        text = message(item)
        if log:
            everything.append(_log_line(f"{rule.level}: {item.location}: [{rule.title}] {text}"))
        if shown[rule.level] >= limit:
            left_out[rule.level] += 1
            continue
        shown[rule.level] += 1
        loc = item.location
        properties: dict[str, str | int] = {
            "file": loc.path,
            "line": loc.start_line,
            "endLine": loc.end_line,
            "title": rule.title,
        }
        lines.append(workflow_command(rule.level, properties, text))
    if left_out["error"] or left_out["warning"]:
        parts = [f"{n} more {level}{'s' if n != 1 else ''}" for level, n in left_out.items() if n]
        where = "in the log" if log else "in the full report"
        lines.append(
            workflow_command(
                "notice",
                {"title": "dedup"},
                f"{' and '.join(parts)} not annotated (at most {limit} of each are; GitHub "
                f"keeps {GITHUB_LIMIT} per step); every finding is {where}",
            )
        )
    if everything:
        counts = report.counts()
        total = ", ".join(f"{counts[kind]} {kind}" for kind in KINDS if counts[kind])
        lines.append(
            workflow_command("group", {}, f"dedup: {len(report.findings)} findings ({total})")
        )
        lines.extend(everything)
        lines.append("::endgroup::")
    return "".join(line + "\n" for line in lines)


def _log_line(text: str) -> str:
    """A plain log line that the runner never reads as a workflow command."""
    return "dedup " + escape_data(text)


_MARKDOWN_ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        "|": "\\|",
        "`": "\\`",
        "[": "\\[",
        "]": "\\]",
        "*": "\\*",
        "_": "\\_",
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        "\r": " ",
        "\n": " ",
    }
)


def escape_markdown(text: str) -> str:
    """Text for a Markdown table cell: no markup, no HTML, no line breaks.

    >>> escape_markdown("a|b `c` <d> [e](f)")
    'a\\\\|b \\\\`c\\\\` &lt;d&gt; \\\\[e\\\\](f)'
    """
    return printable(text.translate(_MARKDOWN_ESCAPES))


def github_summary(report: ScanReport, *, max_rows: int = 500) -> str:
    """A Markdown job summary for ``$GITHUB_STEP_SUMMARY``: counts per kind, then the
    annotated places as a table (at most ``max_rows`` rows). Ends with a newline."""
    counts = report.counts()
    out = [
        "## dedup",
        "",
        f"{report.articles} articles, {report.paragraphs} paragraphs from {report.inputs} "
        f"inputs ({report.skipped} skipped).",
        "",
        "| kind | rule | findings |",
        "|---|---|---:|",
    ]
    out += [f"| {kind} | {RULE_OF[kind].id} | {counts[kind]} |" for kind in KINDS]
    items = list(annotated(report))
    if items:
        out += ["", "| level | kind | location | kept copy | details | excerpt |"]
        out.append("|---|---|---|---|---|---|")
        for item in items[:max_rows]:
            finding = item.finding
            if finding.kind == "boilerplate":
                details = f"rule {finding.rule}" + (
                    f", source {finding.source}" if finding.source is not None else ""
                )
            else:
                details = format_scores(item.scores) if item.scores is not None else "exact"
                if item.difference is not None:
                    details += f"; {item.difference.summary}"
            excerpt = (
                finding.prefix_text
                if finding.part == "prefix" and finding.prefix_text
                else finding.excerpt
            )
            cells = [
                item.rule.level,
                finding.kind,
                str(item.location),
                str(item.kept) if item.kept is not None else "",
                details,
                excerpt,
            ]
            out.append("| " + " | ".join(escape_markdown(c) for c in cells) + " |")
        if len(items) > max_rows:
            out += ["", f"… and {len(items) - max_rows} more; the full report is in the log."]
    else:
        out += ["", "No duplicates or boilerplate found."]
    return "\n".join(out) + "\n"


# --- SARIF 2.1.0 --------------------------------------------------------------------------


def sarif_uri(path: str) -> dict[str, str]:
    """An ``artifactLocation`` for a path: relative to ``%SRCROOT%``, or a ``file://`` URI
    for an absolute path; percent-encoded (spaces, ``#``, ``:``, non-ASCII).

    >>> sarif_uri("seeds/a b#1.txt")
    {'uri': 'seeds/a%20b%231.txt', 'uriBaseId': '%SRCROOT%'}
    >>> sarif_uri("/tmp/é.txt")
    {'uri': 'file:///tmp/%C3%A9.txt'}
    """
    pure = PurePath(path)
    if pure.is_absolute():
        return {"uri": pure.as_uri()}
    return {"uri": quote(pure.as_posix(), safe="/"), "uriBaseId": "%SRCROOT%"}


def _physical(location: Location) -> dict[str, Any]:
    return {
        "artifactLocation": sarif_uri(location.path),
        "region": {"startLine": location.start_line, "endLine": location.end_line},
    }


def fingerprint(item: Annotation) -> str:
    """sha256 of what the place is, never of its line numbers: kind, rule, path and record,
    the kept copy's path and record, the normalized excerpt and the ordinal."""
    finding = item.finding
    kept = item.kept
    parts = [
        finding.kind,
        finding.rule or "",
        item.location.path,
        item.location.id or "",
        kept.path if kept is not None else "",
        (kept.id or "") if kept is not None else "",
        normalize_text(finding.excerpt),
        str(item.ordinal),
    ]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def _result(item: Annotation) -> dict[str, Any]:
    finding = item.finding
    rule = item.rule
    location: dict[str, Any] = {"physicalLocation": _physical(item.location)}
    result: dict[str, Any] = {
        "ruleId": rule.id,
        "ruleIndex": RULES.index(rule),
        "level": rule.level,
        "message": {"text": message(item)},
        "locations": [location],
    }
    if item.kept is not None:
        result["relatedLocations"] = [
            {"id": 1, "physicalLocation": _physical(item.kept), "message": {"text": "kept copy"}}
        ]
    result["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint(item)}
    properties: dict[str, Any] = {"kind": finding.kind}
    if item.scores is not None:
        properties.update(item.scores.to_dict())
    if item.location.id is not None:
        properties["recordId"] = item.location.id
    if item.location.text_lines is not None:
        properties["textLines"] = list(item.location.text_lines)
    if finding.kind == "boilerplate":
        properties["rule"] = finding.rule
        properties["part"] = finding.part
        for key, value in (
            ("template", finding.template),
            ("source", finding.source),
            ("prefix", finding.prefix_text),
        ):
            if value is not None:
                properties[key] = value
    result["properties"] = properties
    return result


def _rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.short},
        "fullDescription": {"text": rule.full},
        "defaultConfiguration": {"level": rule.level},
        "properties": {"kind": rule.kind, "title": rule.title},
    }


def sarif_log(report: ScanReport) -> dict[str, Any]:
    """The SARIF 2.1.0 log as a dict (one run)."""
    notifications = []
    for warning in report.warnings:
        notification: dict[str, Any] = {"level": "warning", "message": {"text": warning.message}}
        region = {"region": {"startLine": warning.line}} if warning.line else {}
        notification["locations"] = [
            {"physicalLocation": {"artifactLocation": sarif_uri(warning.path), **region}}
        ]
        notifications.append(notification)
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "dedup",
                        "version": __version__,
                        "rules": [_rule(rule) for rule in RULES],
                    }
                },
                "invocations": [invocation],
                "results": [_result(item) for item in annotated(report)],
            }
        ],
    }


def render_sarif(report: ScanReport) -> str:
    """SARIF 2.1.0 JSON: indent 2, non-ASCII kept, a trailing newline; byte-identical for
    the same report."""
    return dumps_indented(sarif_log(report)) + "\n"
