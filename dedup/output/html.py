"""A scan's report as one self-contained HTML page (``--format html``).

The page works offline and loads nothing: its style is inline, its charts are inline SVG,
it has no script, and its Content-Security-Policy forbids any other resource, so that text
taken from the corpus can do nothing but be read. It shows the summary, a chart of the
findings by kind and one of their places by source (outlet), then, for each document and
paragraph finding, the kept copy beside each other place with the passages they share
marked (``<mark>``) and their scores; boilerplate is a table.

Every piece of corpus text (paragraphs, paths, ids, sources, templates) is untrusted: control
characters are made visible (:func:`~dedup.escape.printable`), then the text is escaped
(:func:`html.escape`), and the page is written in ASCII, every other character as a
character reference, so it reads the same whatever the encoding of the stream it goes to.

Large reports are cut (:data:`FULL_FINDINGS`, :data:`PAIRS`, :data:`PARAGRAPHS`,
:data:`LISTED`, :data:`BOILERPLATE_ROWS`), and the page says where. Output is deterministic:
the same report gives the same bytes; timings are shown only when asked for.
"""

from __future__ import annotations

import html
import os
from collections import Counter
from collections.abc import Iterator, Sequence

from dedup import __version__
from dedup.escape import printable
from dedup.output.report import (
    DOCUMENT_KINDS,
    KINDS,
    TITLES,
    Comparison,
    Difference,
    Finding,
    ScanReport,
    ShownParagraph,
    Side,
)
from dedup.records import InputWarning, Location
from dedup.stages.verify import Scores

#: Document and paragraph findings shown with their texts side by side; the rest are listed.
FULL_FINDINGS = 100
#: Places of one finding shown beside its kept copy; its other places are listed.
PAIRS = 5
#: Paragraphs shown of one text; the rest are counted.
PARAGRAPHS = 400
#: Findings listed (without their texts) after those shown in full.
LISTED = 2000
#: Rows of the boilerplate table, and files named in one row.
BOILERPLATE_ROWS = 1000
FILES_PER_ROW = 5
#: Warnings listed.
WARNINGS = 200
#: Sources in the chart of places by source; the others are summed in one bar.
CHART_SOURCES = 12

COLOURS = {
    "exact_document": "#b03a2e",
    "near_document": "#e67e22",
    "exact_paragraph": "#1f618d",
    "near_paragraph": "#5dade2",
    "boilerplate": "#7f8c8d",
}
#: A finding's kind, singular.
NAMES = {
    "exact_document": "Exact duplicate article",
    "near_document": "Near-duplicate article",
    "exact_paragraph": "Repeated paragraph",
    "near_paragraph": "Near-repeated paragraph",
    "boilerplate": "Boilerplate",
}

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

STYLE = """
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  margin: 0 auto; max-width: 1400px; padding: 0 1.2em 3em; color: #1c2833; background: #fdfefe; }
h1 { font-size: 1.6em; margin: .8em 0 .2em; }
h2 { font-size: 1.3em; margin-top: 1.6em; border-bottom: 2px solid #d5d8dc; }
h3 { font-size: 1.05em; margin: 0 0 .4em; }
h4 { font-size: .95em; margin: 0 0 .3em; font-weight: 600; }
code, .ln, .loc { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: .88em; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: .4em 0; }
th, td { border: 1px solid #d5d8dc; padding: .2em .6em; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
nav a { margin-right: 1em; }
.note { background: #fef9e7; border-left: 4px solid #f4d03f; padding: .4em .8em; }
.cut { color: #6e2c00; font-style: italic; }
.charts { display: flex; flex-wrap: wrap; gap: 1em 3em; margin-top: 1em; }
figure { margin: 0; }
figcaption { margin-bottom: .3em; }
.finding { border: 1px solid #d5d8dc; border-radius: 6px; padding: .8em 1em; margin: 1em 0;
  background: #fff; }
.pair { margin-top: .8em; }
.scores { margin: .2em 0; }
.scores b { font-variant-numeric: tabular-nums; }
.difference { margin: .2em 0; color: #7e5109; }
.columns { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }
.side { border: 1px solid #eaeded; border-radius: 4px; padding: .5em; min-width: 0; }
.side.kept { background: #f4f9f4; }
.side.copy { background: #fbf7f3; }
.par { display: grid; grid-template-columns: 4.2em 1fr; gap: .4em; padding: .1em 0;
  white-space: pre-wrap; overflow-wrap: anywhere; }
.par .ln { color: #808b96; text-align: right; }
.par.title .tx { font-weight: 700; }
.par.furniture .tx, .par.context .tx { color: #808b96; }
.par.differs { outline: 2px solid #e74c3c; outline-offset: -1px; }
.tag { font-size: .75em; color: #fff; background: #808b96; border-radius: 3px; padding: 0 .3em;
  margin-left: .4em; white-space: nowrap; }
.par.differs .tag { background: #e74c3c; }
mark { background: #f9e79f; padding: 0; }
ul.places { margin: .4em 0; }
footer { margin-top: 3em; color: #808b96; font-size: .85em; }
"""


def esc(text: object) -> str:
    """Untrusted text for an HTML text node or a quoted attribute: control characters made
    visible, then ``&``, ``<``, ``>``, ``"`` and ``'`` escaped.

    >>> esc('<script>alert("1")</script> & \\x1b[31m')
    '&lt;script&gt;alert(&quot;1&quot;)&lt;/script&gt; &amp; \\\\x1b[31m'
    """
    return html.escape(printable(str(text)), quote=True)


def render_html(
    report: ScanReport, timings: bool = False, warnings: Sequence[InputWarning] | None = None
) -> str:
    """The page of ``report`` (``warnings``: those to list, by default the scan's), in ASCII,
    ending with a newline."""
    counts = report.counts()
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="dedup {esc(__version__)}">',
        '<link rel="icon" href="data:,">',
        "<title>dedup report</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<h1>dedup report</h1>",
        _nav(counts),
        *_summary(report, report.warnings if warnings is None else warnings),
        *_charts(report),
    ]
    parts += _findings(report)
    if timings and report.timings:
        parts += ['<section id="timings">', "<h2>Timings</h2>", "<table>"]
        parts += [
            f'<tr><td>{esc(stage)}</td><td class="n">{seconds:.3f} s</td></tr>'
            for stage, seconds in report.timings.items()
        ]
        parts += ["</table>", "</section>"]
    parts += [
        "<footer>",
        f"<p>dedup {esc(__version__)}. Marked passages are shared with the other text. "
        "Line numbers are those of the files (for JSON Lines, of the record's text). A "
        "paragraph tagged <i>as compared</i> shows the text dedup compared (typography "
        "normalized), its file being unreadable or changed since. Control characters are "
        "shown as escapes (<code>\\x1b</code>).</p>",
        "</footer>",
        "</body>",
        "</html>",
    ]
    page = "\n".join(parts) + "\n"
    return page.encode("ascii", "xmlcharrefreplace").decode("ascii")


def _nav(counts: dict[str, int]) -> str:
    links = ['<a href="#summary">Summary</a>']
    links += [
        f'<a href="#{kind}">{esc(_short(kind))} ({counts[kind]})</a>'
        for kind in KINDS
        if counts[kind]
    ]
    return "<nav>" + "".join(links) + "</nav>"


def _short(kind: str) -> str:
    return TITLES[kind].split(" (")[0]


def _summary(report: ScanReport, warnings: Sequence[InputWarning]) -> list[str]:
    counts = report.counts()
    rows = [
        ("inputs", report.inputs),
        ("articles", report.articles),
        ("paragraphs", report.paragraphs),
        ("skipped inputs", report.skipped),
        ("warnings", len(warnings)),
    ]
    out = ['<section id="summary">', "<h2>Summary</h2>", '<table class="summary">']
    out += [f'<tr><th>{label}</th><td class="n">{value}</td></tr>' for label, value in rows]
    out += [
        f'<tr class="kind" data-kind="{kind}"><th>'
        + (f'<a href="#{kind}">{esc(_short(kind))}</a>' if counts[kind] else esc(_short(kind)))
        + f'</th><td class="n">{counts[kind]}</td></tr>'
        for kind in KINDS
    ]
    out.append("</table>")
    note = report.identical_note()
    if note:
        out.append(f'<p class="note">{esc(note)}</p>')
    if report.baseline is not None:
        baseline = report.baseline
        accepted = baseline.get("accepted", 0)
        out.append(
            f"<p>Baseline <code>{esc(baseline.get('path', ''))}</code>: {esc(accepted)} "
            f"accepted findings left out, {len(baseline.get('stale', []))} stale entries.</p>"
        )
    if not report.findings:
        out.append("<p>No duplicates or boilerplate found.</p>")
    if warnings:
        out += ['<details class="warnings">', f"<summary>{len(warnings)} warnings</summary>"]
        out.append("<ul>")
        out += [f"<li><code>{esc(w)}</code></li>" for w in warnings[:WARNINGS]]
        out.append("</ul>")
        if len(warnings) > WARNINGS:
            out.append(f'<p class="cut">The first {WARNINGS} warnings are listed.</p>')
        out.append("</details>")
    out.append("</section>")
    return out


# --- charts -------------------------------------------------------------------------------


def _places(finding: Finding) -> Iterator[int]:
    """The indices (in ``locations``) of the places a finding is about: every one but the
    kept copy (for boilerplate, every one)."""
    for k, location in enumerate(finding.locations):
        if finding.kind == "boilerplate" or location != finding.canonical:
            yield k


def _charts(report: ScanReport) -> list[str]:
    if not report.findings:
        return []
    counts = report.counts()
    by_kind = [(_short(kind), {kind: counts[kind]}) for kind in KINDS]
    by_source: dict[str, Counter[str]] = {}
    for finding in report.findings:
        for k in _places(finding):
            if report.texts is not None:
                source = report.texts.source(finding.refs[k])
            else:
                source = os.path.dirname(finding.locations[k].path) or "."
            by_source.setdefault(source, Counter())[finding.kind] += 1
    ranked = sorted(by_source.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    rows = [(source, dict(kinds)) for source, kinds in ranked[:CHART_SOURCES]]
    if len(ranked) > CHART_SOURCES:
        rest: Counter[str] = Counter()
        for _, kinds in ranked[CHART_SOURCES:]:
            rest.update(kinds)
        rows.append((f"{len(ranked) - CHART_SOURCES} other sources", dict(rest)))
    return [
        '<section id="charts" class="charts">',
        _bar_chart("Findings by kind", "chart-kinds", by_kind),
        _bar_chart("Places by source (outlet), by kind", "chart-sources", rows, legend=True),
        "</section>",
    ]


def _bar_chart(
    title: str, ident: str, rows: Sequence[tuple[str, dict[str, int]]], legend: bool = False
) -> str:
    """A horizontal bar chart in SVG: one bar per row, stacked by kind."""
    label_w, bar_w, row_h, top = 200, 260, 24, 4
    width = label_w + bar_w + 60
    legend_h = 22 * len(KINDS) + 8 if legend else 0
    height = top + row_h * len(rows) + legend_h + 8
    most = max((sum(kinds.values()) for _, kinds in rows), default=0) or 1
    out = [
        f'<figure id="{ident}">',
        f"<figcaption><b>{esc(title)}</b></figcaption>",
        f'<svg width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{esc(title)}" '
        'font-family="system-ui, sans-serif" font-size="13">',
    ]
    for i, (label, kinds) in enumerate(rows):
        y = top + i * row_h
        shown = label if len(label) <= 32 else label[:31] + "…"
        out.append(
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">'
            f"<title>{esc(label)}</title>{esc(shown)}</text>"
        )
        x = float(label_w)
        total = 0
        for kind in KINDS:
            n = kinds.get(kind, 0)
            if not n:
                continue
            w = bar_w * n / most
            out.append(
                f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" '
                f'fill="{COLOURS[kind]}"><title>{esc(label)}: {n} {esc(_short(kind).lower())}'
                "</title></rect>"
            )
            x += w
            total += n
        out.append(f'<text x="{x + 6:.1f}" y="{y + 16}">{total}</text>')
    if legend:
        y0 = top + row_h * len(rows) + 8
        for i, kind in enumerate(KINDS):
            y = y0 + 22 * i
            out.append(
                f'<rect x="{label_w}" y="{y}" width="14" height="14" fill="{COLOURS[kind]}"/>'
                f'<text x="{label_w + 20}" y="{y + 12}">{esc(_short(kind))}</text>'
            )
    out += ["</svg>", "</figure>"]
    return "\n".join(out)


# --- findings -----------------------------------------------------------------------------


def _findings(report: ScanReport) -> list[str]:
    out: list[str] = []
    shown = 0
    number = 0
    for kind in KINDS:
        group = [f for f in report.findings if f.kind == kind]
        if not group:
            continue
        out.append(f'<section id="{kind}" class="kind">')
        out.append(f"<h2>{esc(TITLES[kind])} ({len(group)})</h2>")
        if kind == "boilerplate":
            out += _boilerplate(group)
            out.append("</section>")
            continue
        listed: list[tuple[int, Finding]] = []
        for finding in group:
            number += 1
            if shown < FULL_FINDINGS:
                shown += 1
                out += _finding(report, finding, number)
            else:
                listed.append((number, finding))
        if listed:
            out += _listed(listed)
        out.append("</section>")
    return out


def _finding(report: ScanReport, finding: Finding, number: int) -> list[str]:
    places = list(_places(finding))
    out = [
        f'<article class="finding" id="f{number}" data-kind="{finding.kind}">',
        f"<h3>{esc(NAMES[finding.kind])}: kept copy "
        f'<span class="loc">{esc(finding.canonical)}</span>, '
        f"{len(places)} other place{'s' if len(places) != 1 else ''}</h3>",
    ]
    for k in places[:PAIRS]:
        out.append('<section class="pair">')
        out += _pair_heading(finding, k)
        if report.texts is not None:
            out += _comparison(report.texts.compare(finding, k), finding, k)
        else:
            out.append(f"<p>“{esc(finding.excerpt)}”</p>")
        out.append("</section>")
    if len(places) > PAIRS:
        out.append(
            f'<p class="cut">{PAIRS} places are shown beside the kept copy; the other '
            f"{len(places) - PAIRS}:</p>"
        )
        out.append('<ul class="places">')
        for k in places[PAIRS:]:
            out.append(
                f'<li><span class="loc">{esc(finding.locations[k])}</span> '
                f"{_scores_text(_scores(finding, k), finding.kind)}</li>"
            )
        out.append("</ul>")
    out.append("</article>")
    return out


def _scores(finding: Finding, k: int) -> Scores | None:
    return finding.member_scores[k] if finding.member_scores else None


def _difference(finding: Finding, k: int) -> Difference | None:
    return finding.member_differences[k] if finding.member_differences else None


def _scores_text(scores: Scores | None, kind: str) -> str:
    if scores is None:
        if kind == "exact_document":
            return "exact: the same body once normalized (every score 1.00)"
        return "exact: the same text once normalized (every score 1.00)"
    items = [
        ("Jaccard", scores.jaccard),
        ("containment", scores.containment),
        ("cosine", scores.cosine),
    ]
    if scores.probability is not None:
        items.append(("copy probability", scores.probability))
    return " · ".join(
        f'{name} <b class="score" data-score="{name}">{value:.2f}</b>' for name, value in items
    )


def _pair_heading(finding: Finding, k: int) -> list[str]:
    out = [f'<p class="scores">{_scores_text(_scores(finding, k), finding.kind)}</p>']
    difference = _difference(finding, k)
    if difference is not None:
        out.append(f'<p class="difference">{esc(difference.summary)}: ')
        out.append(
            "; ".join(
                f'{esc(line.side)} <span class="loc">{esc(line.location)}</span> '
                f"({esc(line.what)}) “{esc(line.text)}”"
                for line in difference.lines
            )
            + "</p>"
        )
    return out


def _comparison(comparison: Comparison, finding: Finding, k: int) -> list[str]:
    difference = _difference(finding, k)
    differing = {(line.side, line.location) for line in (difference.lines if difference else ())}
    other = "copy" if finding.kind in DOCUMENT_KINDS else "repeat"
    out = ['<div class="columns">']
    for side, name, label in ((comparison.kept, "kept", "kept"), (comparison.copy, "copy", other)):
        out += _side(side, name, label, differing)
    out.append("</div>")
    return out


def _side(side: Side, name: str, label: str, differing: set[tuple[str, Location]]) -> list[str]:
    out = [
        f'<div class="side {name}">',
        f'<h4>{label} <span class="loc">{esc(side.location)}</span>'
        + (f" · source {esc(side.source)}" if side.source else "")
        + "</h4>",
    ]
    for paragraph in side.paragraphs[:PARAGRAPHS]:
        out.append(_paragraph(paragraph, (name, paragraph.location) in differing))
    if len(side.paragraphs) > PARAGRAPHS:
        out.append(
            f'<p class="cut">The first {PARAGRAPHS} paragraphs are shown; '
            f"{len(side.paragraphs) - PARAGRAPHS} more follow in the file.</p>"
        )
    out.append("</div>")
    return out


def _paragraph(paragraph: ShownParagraph, differs: bool) -> str:
    loc = paragraph.location
    first, last = loc.text_lines or (loc.start_line, loc.end_line)
    line = str(first) if first == last else f"{first}-{last}"
    classes = f"par {paragraph.role}" + (" differs" if differs else "")
    tags = [paragraph.role] if paragraph.role in ("title", "furniture", "context") else []
    if differs:
        tags.insert(0, "differs")
    if paragraph.normalized:
        tags.append("as compared")
    tag = ", ".join(tags)
    return (
        f'<div class="{classes}"><span class="ln">{line}</span><span class="tx">'
        + _marked(paragraph.text, paragraph.marks)
        + (f'<span class="tag">{tag}</span>' if tag else "")
        + "</span></div>"
    )


def _marked(text: str, marks: Sequence[tuple[int, int]]) -> str:
    """``text`` escaped, its ``marks`` spans in ``<mark>``.

    >>> _marked("a <b>\\nc", [(2, 5)])
    'a <mark>&lt;b&gt;</mark>\\nc'
    """
    out, at = [], 0
    for a, b in marks:
        out.append(_lines(text[at:a]))
        out.append(f"<mark>{_lines(text[a:b])}</mark>")
        at = b
    out.append(_lines(text[at:]))
    return "".join(out)


def _lines(text: str) -> str:
    """:func:`esc` but for line breaks, kept (the lines of one paragraph)."""
    return "\n".join(esc(line) for line in text.split("\n"))


def _listed(listed: Sequence[tuple[int, Finding]]) -> list[str]:
    out = [
        f'<p class="cut">The first {FULL_FINDINGS} document and paragraph findings are shown '
        f"with their texts; {len(listed)} more of this kind are listed"
        + (f" (the first {LISTED} of them)" if len(listed) > LISTED else "")
        + ". The JSON report (<code>--format json</code>) has every one.</p>",
        '<table class="listed">',
        "<tr><th>#</th><th>kept copy</th><th>other places</th><th>weakest scores</th>"
        "<th>excerpt</th></tr>",
    ]
    for number, finding in listed[:LISTED]:
        others = [finding.locations[k] for k in _places(finding)]
        out.append(
            f'<tr id="f{number}" data-kind="{finding.kind}"><td class="n">{number}</td>'
            f'<td class="loc">{esc(finding.canonical)}</td>'
            f'<td class="loc">{"<br>".join(esc(loc) for loc in others[:PAIRS])}'
            + (f"<br>and {len(others) - PAIRS} more" if len(others) > PAIRS else "")
            + f"</td><td>{_scores_text(finding.scores, finding.kind)}</td>"
            f"<td>{esc(finding.excerpt)}</td></tr>"
        )
    out.append("</table>")
    return out


def _boilerplate(group: Sequence[Finding]) -> list[str]:
    out = [
        '<table class="boilerplate">',
        "<tr><th>rule</th><th>pattern or template</th><th>line</th><th>places</th>"
        "<th>files</th></tr>",
    ]
    for finding in group[:BOILERPLATE_ROWS]:
        files = sorted({loc.path for loc in finding.locations})
        line = (
            finding.prefix_text if finding.part == "prefix" and finding.prefix_text else None
        ) or finding.excerpt
        learned = f"<br>learned from source {esc(finding.source)}" if finding.source else ""
        named = "<br>".join(f"<code>{esc(path)}</code>" for path in files[:FILES_PER_ROW])
        if len(files) > FILES_PER_ROW:
            named += f"<br>and {len(files) - FILES_PER_ROW} more"
        out.append(
            f'<tr data-kind="boilerplate"><td><code>{esc(finding.rule or "")}</code></td>'
            f"<td>{esc(finding.template or '')}{learned}</td>"
            f"<td>{esc(line)}</td>"
            f'<td class="n">{len(finding.locations)}</td>'
            f'<td><span class="n">{len(files)}</span>: {named}</td></tr>'
        )
    out.append("</table>")
    if len(group) > BOILERPLATE_ROWS:
        out.append(
            f'<p class="cut">The first {BOILERPLATE_ROWS} of {len(group)} boilerplate findings '
            "are listed; the JSON report has every one.</p>"
        )
    return out
