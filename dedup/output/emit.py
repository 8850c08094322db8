"""A scan's report in the machine formats, and the warnings that go with it.

The CLI chooses the writer (standard output) and renders the text format itself (with
:mod:`dedup.output.console`); here is what every other format writes, a piece at a time.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from dedup.records import InputWarning

if TYPE_CHECKING:
    from dedup.output.report import ScanReport

#: The output formats of a report (``--format``); ``text`` is the console's.
FORMATS = ("text", "json", "jsonl", "github", "sarif", "html")


def report_warnings(report: ScanReport, quiet: bool) -> list[InputWarning]:
    """The warnings to show with ``report`` (none when ``quiet``): the scan's, then one per
    stale baseline entry."""
    if quiet:
        return []
    warnings = list(report.warnings)
    if report.baseline is not None:
        warnings += [
            InputWarning(
                report.baseline["path"],
                None,
                f"stale entry {e['key']} ({e['kind']}: {', '.join(e['paths'])}) matches no finding",
            )
            for e in report.baseline["stale"]
        ]
    return warnings


def write_report(
    report: ScanReport, fmt: str, timings: bool, write: Callable[[str], object]
) -> None:
    """Write ``report`` through ``write`` in ``fmt`` (json, jsonl, github, sarif or html);
    for github, also append its summary to ``$GITHUB_STEP_SUMMARY`` when that is set."""
    if fmt == "json":
        report.write_json(write, timings)
    elif fmt == "jsonl":
        for finding in report.findings:
            write(json.dumps(finding.to_dict(), ensure_ascii=False) + "\n")
    elif fmt == "github":
        from dedup.output import formats

        write(formats.render_github(report))
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            with open(summary, "a", encoding="utf-8", errors="backslashreplace") as handle:
                handle.write(formats.github_summary(report))
    elif fmt == "sarif":
        from dedup.output import formats

        write(formats.render_sarif(report))
    elif fmt == "html":
        from dedup.output import html

        write(html.render_html(report, timings, report_warnings(report, quiet=False)))
    else:
        raise ValueError(f"not a machine format: {fmt}")
