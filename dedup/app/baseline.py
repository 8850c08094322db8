"""Accepted findings: a committed baseline file that scan and check leave out of their reports.

A newsroom republishes a story on purpose, an archive keeps two editions: such findings are
accepted once (``dedup baseline update``), and later runs report only what is new. The file
(``.dedup-baseline.jsonl`` by default) is JSON Lines, one accepted *pair* a line, sorted, so
it diffs well in review:

``{"key": "...", "kind": "near_document", "paths": ["a.txt", "b.txt"], "excerpt": "..."}``

A finding is broken into pairs: each of its locations with its canonical one (for a
boilerplate finding, each location alone). A pair is keyed by its kind, the two articles
(path, and record id for JSON Lines; in sorted order, so it does not matter which copy was
kept) and, except for whole documents, the normalized text of the excerpt; line numbers are
left out, so an edit elsewhere in a file does not unaccept its findings. A finding is left out
when all its pairs are accepted; an entry that matches no finding of a run that read its
articles is *stale* and is reported, so the baseline can be pruned.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dedup.config import DEFAULT_BASELINE
from dedup.errors import InputError
from dedup.output.report import DOCUMENT_KINDS, Finding, ScanReport
from dedup.records import Location
from dedup.stages.normalize import normalize_text


def _article(loc: Location) -> str:
    path = os.path.normpath(loc.path)
    return f"{path}#{loc.id}" if loc.id is not None else path


@dataclass(frozen=True, slots=True)
class Entry:
    key: str
    kind: str
    paths: tuple[str, ...]
    excerpt: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "paths": list(self.paths),
            "excerpt": self.excerpt,
        }


def entries(finding: Finding) -> list[Entry]:
    """The pairs a finding consists of (see the module docstring)."""
    text = (
        ""
        if finding.kind in DOCUMENT_KINDS
        else normalize_text(finding.template or finding.excerpt)
    )
    canonical = _article(finding.canonical)
    out = []
    for loc, _ in finding.places():
        if finding.kind == "boilerplate":
            paths: tuple[str, ...] = (_article(loc),)
        else:
            paths = tuple(sorted((canonical, _article(loc))))
        tag = f"{finding.kind}[{finding.rule}]" if finding.rule else finding.kind
        digest = hashlib.sha256("\0".join((tag, *paths, text)).encode("utf-8")).hexdigest()[:24]
        out.append(Entry(digest, finding.kind, paths, finding.excerpt[:120]))
    return out


@dataclass
class Baseline:
    path: str
    accepted: dict[str, Entry] = field(default_factory=dict)

    @classmethod
    def read(cls, path: str) -> Baseline:
        """Read a baseline file; a malformed line is an error naming the file and line."""
        out = cls(path)
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(path, f"cannot read the baseline: {exc}") from None
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                entry = Entry(
                    item["key"], item["kind"], tuple(item["paths"]), item.get("excerpt", "")
                )
            except (ValueError, KeyError, TypeError) as exc:
                raise InputError(path, f"not a baseline entry: {exc}", number) from None
            out.accepted[entry.key] = entry
        return out

    @classmethod
    def from_findings(cls, path: str, findings: Iterable[Finding]) -> Baseline:
        out = cls(path)
        for f in findings:
            for e in entries(f):
                out.accepted.setdefault(e.key, e)
        return out

    def text(self) -> str:
        rows = sorted(self.accepted.values(), key=lambda e: (e.kind, e.paths, e.key))
        return "".join(json.dumps(e.to_dict(), ensure_ascii=False) + "\n" for e in rows)

    def apply(self, report: ScanReport) -> None:
        """Leave the accepted findings out of ``report`` and record, in ``report.baseline``,
        how many were accepted and which entries are stale: those about articles the run
        read (``report.read``) that match none of its findings."""
        seen: set[str] = set()
        kept: list[Finding] = []
        accepted = 0
        for f in report.findings:
            keys = [e.key for e in entries(f)]
            seen.update(keys)
            if keys and all(k in self.accepted for k in keys):
                accepted += 1
            else:
                kept.append(f)
        read = {article_name(path, record) for path, record in report.read}
        stale = [
            e
            for key, e in sorted(self.accepted.items())
            if key not in seen and all(p in read for p in e.paths)
        ]
        report.findings = kept
        report.baseline = {
            "path": self.path,
            "accepted": accepted,
            "stale": [e.to_dict() for e in stale],
        }


def apply_baseline(report: ScanReport, path: str | None, optional: bool = False) -> None:
    """Apply the baseline at ``path`` to ``report`` (see :meth:`Baseline.apply`); None: the
    default one (``.dedup-baseline.jsonl``), if it exists. ``optional``: a missing file at
    ``path`` is no baseline (where a project's configuration keeps it, before any finding is
    accepted), not an error."""
    if path is None or optional:
        path = path or DEFAULT_BASELINE
        if not Path(path).is_file():
            return
    Baseline.read(path).apply(report)


def article_name(path: str, record_id: str | None) -> str:
    """How the baseline names an article (what :func:`entries` uses)."""
    return _article(Location(path, 1, 1, record_id))
