"""Terminal rendering for the CLI (rich). The core never imports this module.

Corpus text is untrusted and full of ``[...]``, which rich reads as markup: every piece of
corpus text or path is passed as a :class:`rich.text.Text` (never parsed for markup), and
markup is used only in literals written here. Control characters in it are escaped
(:func:`~dedup.escape.printable`): an article cannot clear the screen or fake a line.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from dedup.config import SETTING
from dedup.escape import printable
from dedup.output.report import KINDS, TITLES, Finding, ScanReport
from dedup.records import InputWarning

if TYPE_CHECKING:
    from dedup.app.evaluate import Evaluation


#: Reports wrap on word boundaries at this many columns at most (a wider terminal too).
REPORT_WIDTH = 80


def _console(color: str, **kwargs: Any) -> Console:
    """A console that never reads markup; ``color``: ``auto`` (on a terminal, unless
    ``NO_COLOR`` is set), ``always`` or ``never``."""
    if color == "always":
        kwargs.update(force_terminal=True, color_system="standard", no_color=False)
    elif color == "never":
        kwargs.update(color_system=None, no_color=True)
    return Console(highlight=False, markup=False, emoji=False, **kwargs)


def output_console(color: str = "auto", file: IO[str] | None = None) -> Console:
    """The report's console: stdout (or ``file``), at most :data:`REPORT_WIDTH` wide."""
    out = _console("never" if file is not None else color, file=file)
    out.width = min(out.width, REPORT_WIDTH) if file is None else REPORT_WIDTH
    return out


def error_console(color: str = "auto") -> Console:
    return _console(color, stderr=True)


@contextmanager
def progress(err: Console, enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A transient progress bar on stderr, only on a terminal and outside CI."""
    if not enabled or not err.is_terminal or os.environ.get("CI"):
        yield None
        return
    bar = Progress(
        TextColumn("scanning"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    task = bar.add_task("scan", total=None)
    with bar:

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def safe(text: str, style: str = "") -> Text:
    """Untrusted text (corpus text, a path, an id) for rich: literal, controls escaped."""
    return Text(printable(text), style=style)


def print_warnings(err: Console, warnings: Sequence[InputWarning]) -> None:
    for warning in warnings:
        err.print(Text("warning: ", style="yellow") + safe(str(warning)), soft_wrap=True)


def print_message(err: Console, text: str) -> None:
    """One line of information on stderr (it may name files: escaped)."""
    err.print(safe(text), soft_wrap=True)


def print_timings(err: Console, timings: dict[str, float]) -> None:
    if timings:
        parts = ", ".join(f"{stage} {seconds:.2f}s" for stage, seconds in timings.items())
        err.print(Text(f"time: {parts}", style="dim"), soft_wrap=True)


def render_report(out: Console, report: ScanReport, title: str = "dedup scan") -> None:
    """Summary, then findings grouped by kind, with excerpts printed literally, and one
    closing line."""
    counts = report.counts()
    out.print(Text(title, style="italic"))
    summary = Table(show_header=False)
    summary.add_column("what")
    summary.add_column("count", justify="right")
    for label, value in (
        ("inputs", report.inputs),
        ("articles", report.articles),
        ("paragraphs", report.paragraphs),
        ("skipped inputs", report.skipped),
        *((TITLES[k].split(" (")[0].lower(), counts[k]) for k in KINDS),
    ):
        summary.add_row(Text(label), Text(str(value)))
    out.print(summary)
    note = report.identical_note()
    if note:
        out.print(Text(note, style="dim"), soft_wrap=True)
    for kind in KINDS:
        group = [f for f in report.findings if f.kind == kind]
        if not group:
            continue
        out.print()
        out.print(Text(f"{TITLES[kind]} ({len(group)})", style="bold"))
        for finding in group:
            _render_finding(out, finding)
    out.print()
    out.print(closing_line(report), style="green" if not report.findings else "bold")


#: What the closing line calls the places of each kind of finding (singular, plural).
_PLACES = {
    "document": ("duplicate article", "duplicate articles"),
    "paragraph": ("repeated paragraph", "repeated paragraphs"),
    "boilerplate": ("boilerplate line", "boilerplate lines"),
}


def closing_line(report: ScanReport) -> str:
    """``Found 3 duplicate articles, 12 repeated paragraphs and 4 boilerplate lines.``, or
    that nothing was found; with what the baseline and the selection left out."""
    places = dict.fromkeys(_PLACES, 0)
    for finding in report.findings:
        group = finding.kind.split("_")[-1]
        places[group] += sum(1 for _ in finding.places())
    parts = [f"{n} {_PLACES[g][n != 1]}" for g, n in places.items() if n]
    if parts:
        head = "Found " + (
            ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
        )
    else:
        head = "No duplicates or boilerplate found"
    hidden = []
    if report.baseline is not None and report.baseline.get("accepted"):
        hidden.append(f"{report.baseline['accepted']} hidden by the baseline")
    if report.hidden.get("ignored"):
        hidden.append(f"{report.hidden['ignored']} left out by --select/--ignore")
    if report.hidden.get("allowed"):
        hidden.append(f"{report.hidden['allowed']} on lines marked allowed")
    return head + (f" ({'; '.join(hidden)})" if hidden else "") + "."


def _render_finding(out: Console, finding: Finding) -> None:
    head = Text("• ")
    if finding.kind == "boilerplate":
        head += safe(f"{finding.rule}", style="cyan")
        if finding.template:
            head += Text("  ") + safe(finding.template, style="italic")
    else:
        scores = finding.scores
        head += Text(f"{len(finding.locations)} places", style="cyan")
        if scores is not None:
            head += Text(
                f"  jaccard {scores.jaccard:.2f}  containment {scores.containment:.2f}"
                f"  cosine {scores.cosine:.2f}",
                style="dim",
            )
    _print_wrapped(out, head)
    differences = finding.member_differences or (None,) * len(finding.locations)
    for location, difference in zip(finding.locations, differences, strict=True):
        if finding.kind == "boilerplate":
            mark = "  at    "
        else:
            mark = "  kept  " if location == finding.canonical else "  also  "
        out.print(Text(mark, style="dim") + safe(str(location)), soft_wrap=True)
        if difference is not None:
            out.print(Text("        ") + safe(str(difference), style="yellow"), soft_wrap=True)
    shown = finding.prefix_text if finding.part == "prefix" and finding.prefix_text else None
    _print_wrapped(out, Text("“") + safe(shown or finding.excerpt) + Text("”"), indent=4)


def _print_wrapped(out: Console, text: Text, indent: int = 0) -> None:
    """``text`` wrapped on word boundaries to the console's width, each line after
    ``indent`` spaces, with no trailing blanks (rich pads what it wraps to the width)."""
    for line in text.wrap(out, max(out.width - indent, 20)):
        line.rstrip()
        out.print(Text(" " * indent) + line, soft_wrap=True)


def render_evaluation(out: Console, result: Evaluation) -> None:
    """Metrics at the configured thresholds, then the best value of each swept threshold."""
    m = result.metrics
    title = f"dedup eval: {result.task}" + (f" ({result.level})" if result.level else "")
    table = Table(title=title, title_justify="left")
    for name in ("items", "precision", "recall", "F1", "accuracy", "ARI"):
        table.add_column(name, justify="right")
    table.add_row(
        str(result.items),
        f"{m.precision:.3f}",
        f"{m.recall:.3f}",
        f"{m.f1:.3f}",
        "-" if m.accuracy is None else f"{m.accuracy:.3f}",
        "-" if m.ari is None else f"{m.ari:.3f}",
    )
    out.print(table)
    if result.fitted is not None:
        out.print(
            Text(
                f"verifier written to {printable(str(result.fitted.get('path', '')))}: "
                f"threshold {result.fitted['threshold']:g}; the figures above are held out "
                f"({result.fitted['folds']} folds by story)"
            )
        )
    sweep = Table(
        title=f"best value of each threshold (others as configured), by {result.metric}",
        title_justify="left",
    )
    for name, justify in (("option", "left"), ("configured", "right"), ("best", "right")):
        sweep.add_column(name, justify=justify)  # type: ignore[arg-type]
    for name in ("precision", "recall", "F1") + (() if result.metric == "f1" else (result.metric,)):
        sweep.add_column(name, justify="right")
    for knob, point in result.best.items():
        bm = point.metrics
        cells = [f"{bm.precision:.3f}", f"{bm.recall:.3f}", f"{bm.f1:.3f}"]
        if result.metric != "f1":
            cells.append(f"{bm.get(result.metric):.3f}")
        sweep.add_row(
            Text(SETTING[knob].option if knob in SETTING else knob),
            f"{result.configured[knob]:g}",
            f"{point.value:g}",
            *cells,
        )
    out.print(sweep)
