"""Boilerplate removal on real labelled pages: dedup beside jusText and trafilatura.

The boilerplate part of ``make eval``::

    python benchmarks/eval_boilerplate.py [--datasets ../shared/datasets] [--keep]

For each labelled set read by ``benchmarks/datasets.py`` (L3S-GN1, CleanPortalEval), every page
becomes naive text lines (one per block element) grouped by site, and the systems are
scored on the same pages against the gold main text:

- **naive**: the naive lines unchanged (the floor: all of the page's text);
- **dedup (naive)**: the naive lines through ``python -m dedup clean`` (a JSON Lines corpus,
  one record per page, ``source`` = site, one line per paragraph), text read back from the
  cleaned corpus;
- **jusText**: ``justext.justext(html, get_stoplist("English"))``, non-boilerplate paragraphs;
- **trafilatura**: ``trafilatura.extract(html, include_comments=False)``, other settings at
  their defaults (neither ``favor_precision`` nor ``favor_recall``);
- **trafilatura + dedup**: trafilatura's lines, same site grouping, through ``dedup clean``;
- each dedup system again with ``dedup clean --keep-duplicates``: at its defaults ``dedup clean``
  also drops every page it finds to be a copy of another page (the syndication task), which
  empties that page's output; with ``--keep-duplicates`` it removes lines only.

jusText and trafilatura read the page as crawled (``input/``). ``DEFINITIONS`` below, also
printed into the report, defines the scores. The datasets are read in place; only figures are
written (``--out``, default ``benchmarks/work/eval-boilerplate.md``, and ``--json``). The
dedup corpora, outputs and the L3S line labels (``{"path", "id", "line", "boilerplate"}``, the
format ``dedup eval --lines`` will read) go to a temporary directory, kept with ``--keep``.
``--samples N`` prints N seeded examples of each kind of error to stderr (dataset text: for
reading, never for committing). Without the datasets, it exits 0 with a "skipped" message.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import justext  # type: ignore[import-untyped, unused-ignore]
import trafilatura

if __package__:  # imported as benchmarks.eval_boilerplate (the tests)
    from benchmarks.datasets import READERS, Page, iter_words, read
else:  # run as a script: benchmarks/ is sys.path[0]
    from datasets import READERS, Page, iter_words, read

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_DATASETS = REPO.parent / "shared" / "datasets"
SET_TITLES = {"l3s-gn1": "L3S-GN1", "cleanportaleval": "CleanPortalEval"}
KEEP = "--keep-duplicates"
SYSTEMS = (
    "naive",
    "dedup (naive)",
    f"dedup (naive) {KEEP}",
    "jusText",
    "trafilatura",
    "trafilatura + dedup",
    f"trafilatura + dedup {KEEP}",
)
#: dedup runs: the system name -> (the system whose lines it cleans, dedup clean arguments).
#: ``dedup clean`` at its defaults also drops every page it finds to be a copy of another
#: (syndication, the third benchmark); with ``--keep-duplicates`` it removes lines only, which
#: is the boilerplate task alone.
DEDUP_RUNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "dedup (naive)": ("naive", ()),
    f"dedup (naive) {KEEP}": ("naive", (KEEP,)),
    "trafilatura + dedup": ("trafilatura", ()),
    f"trafilatura + dedup {KEEP}": ("trafilatura", (KEEP,)),
}
#: The run whose errors are broken down by site size and by L3S label.
ANALYSED_RUN = f"dedup (naive) {KEEP}"
#: Pages-per-site buckets (pages of the site in the set) for the breakdown by site size.
SITE_BUCKETS = ((1, 1), (2, 2), (3, 5), (6, 10**9))
#: L3S labels, for the breakdown of the non-main text dedup keeps.
L3S_LABEL_NAMES = {
    -1: "outside any span",
    0: "sel0 boilerplate",
    3: "sel3 supplemental",
    4: "sel4 related content",
    5: "sel5 user comments",
}
ACTIONS = ("drop_boilerplate", "drop_paragraph", "drop_document")
#: A line of an unlabelled page counts as main text for error samples when it is a gold block,
#: or a run of at least this many words of one.
MIN_RUN_WORDS = 4

DEFINITIONS = """\
- Words are `\\w+` tokens, lower-cased; a page's **overlap** is the size of the multiset
  intersection of its output's words and its gold main text's words (L3S: headline + full
  text, sel1 + sel2; CleanPortalEval: the CleanEval gold text).
- **macro P/R**: per page, P = overlap / output words and R = overlap / gold words, averaged
  over the pages with output (P) or with gold text (R), as the scrapinghub benchmark's
  `evaluate.py` does; **macro F1** = 2PR/(P+R) of the averages. **micro**: the same from the
  counts summed over all pages. **pages**: pages with any output / all pages.
- **removed by dedup**: lines and words each `dedup clean` action removed, and the gold
  main-text words that removal cost (overlap with the removed lines given back, minus overlap
  without them). `drop_document` pages are split by whether the copy kept instead is a page
  of the same site or of another site (syndication). A page dropped for a page of the same
  site is a false positive unless the set holds the article twice. **if given back**: macro
  scores with every dropped page given back as it was (its other removals not applied).
- **lines (L3S)**: a naive line is gold boilerplate when most of its characters are outside
  the sel1/sel2 spans, and predicted boilerplate when `dedup clean` removed it (any action);
  precision, recall and F1 of the boilerplate class over all lines.
- **by site size**: macro scores over the pages whose site has that many pages in the set
  (dedup learns a template from a line repeated in at least `--min-docs` = 3 pages of a site).
- **non-main text kept (L3S)**: the words of the naive lines outside sel1/sel2, by the label of
  their nearest span, and how many of them dedup kept; "long lines" are lines of more than 25
  words (dedup never calls a line that long boilerplate), "small sites" are sites with fewer
  than 3 pages in the set.
"""


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- systems


def justext_text(html: str) -> str:
    """jusText's non-boilerplate paragraphs, one a line."""
    stoplist = justext.get_stoplist("English")
    paragraphs = justext.justext(html.encode("utf-8"), stoplist, encoding="utf-8")
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def trafilatura_text(html: str) -> str:
    """trafilatura's main text, comments excluded, other settings at their defaults."""
    return trafilatura.extract(html, include_comments=False) or ""


def text_lines(text: str) -> list[str]:
    """The non-blank lines of an extractor's output, stripped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


@dataclass
class DedupRun:
    """What ``dedup clean`` did to a corpus of pages.

    Attributes:
        corpus: the JSON Lines corpus given to dedup.
        kept: page id -> the text read back from the cleaned corpus ("" if not written).
        removed: page id -> {1-based line -> manifest record that removed it}.
        seconds: wall time of the subprocess.
    """

    corpus: Path
    kept: dict[str, str]
    removed: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)
    seconds: float = 0.0


def run_dedup(
    pages: Sequence[tuple[str, str, list[str]]],
    directory: Path,
    *,
    python: str,
    extra_args: Sequence[str],
) -> DedupRun:
    """Write ``(id, site, lines)`` pages as ``directory/corpus.jsonl``, run ``dedup clean``
    on it, and read back the kept text and the manifest.

    Raises:
        RuntimeError: dedup failed, or its output disagrees with its manifest.
    """
    directory.mkdir(parents=True, exist_ok=True)
    corpus = directory / "corpus.jsonl"
    with corpus.open("w", encoding="utf-8") as f:
        for page_id, site, lines in pages:
            record = {"id": page_id, "source": site, "text": "\n".join(lines)}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    out = directory / "clean"
    command = [python, "-m", "dedup", "clean", str(corpus), "--out", str(out), "--quiet"]
    start = time.perf_counter()
    done = subprocess.run([*command, *extra_args], capture_output=True, text=True, encoding="utf-8")
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"dedup clean failed ({done.returncode}): {done.stderr.strip()}")
    cleaned = out / corpus.name
    kept = {page_id: "" for page_id, _, _ in pages}
    if cleaned.exists():
        for line in cleaned.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            kept[record["id"]] = record["text"]
    run = DedupRun(corpus, kept, seconds=seconds)
    for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        location = record["location"]
        first, last = location["text_lines"]
        lines_removed = run.removed.setdefault(location["id"], {})
        for number in range(first, last + 1):
            lines_removed.setdefault(number, record)
    for page_id, _, lines in pages:
        removed = run.removed.get(page_id, {})
        expected = [x for i, x in enumerate(lines, start=1) if i not in removed]
        if text_lines(kept[page_id]) != expected:
            raise RuntimeError(f"{page_id}: dedup's output and manifest disagree")
    return run


# --------------------------------------------------------------------------- scoring


def overlap(output: Counter[str], gold: Counter[str]) -> int:
    """Size of the multiset intersection."""
    return sum((output & gold).values())


def word_scores(outputs: Mapping[str, str], gold: Mapping[str, Counter[str]]) -> dict[str, Any]:
    """Macro and micro word precision, recall and F1 of ``outputs`` against ``gold``
    (both keyed by page id; see ``DEFINITIONS``)."""
    precisions, recalls = [], []
    total_overlap = total_output = total_gold = with_output = 0
    for page_id, gold_words in gold.items():
        words = Counter(iter_words(outputs.get(page_id, "")))
        common, n_out, n_gold = overlap(words, gold_words), sum(words.values()), gold_words.total()
        if n_out:
            precisions.append(common / n_out)
            with_output += 1
        if n_gold:
            recalls.append(common / n_gold)
        total_overlap += common
        total_output += n_out
        total_gold += n_gold
    macro_p = sum(precisions) / len(precisions) if precisions else 0.0
    macro_r = sum(recalls) / len(recalls) if recalls else 0.0
    return {
        "macro": _prf(macro_p, macro_r),
        "micro": _prf(
            total_overlap / total_output if total_output else 0.0,
            total_overlap / total_gold if total_gold else 0.0,
        ),
        "pages": len(gold),
        "pages_with_output": with_output,
        "words": {"overlap": total_overlap, "output": total_output, "gold": total_gold},
    }


def _prf(precision: float, recall: float) -> dict[str, float]:
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"p": precision, "r": recall, "f1": f1}


def removal_breakdown(
    run: DedupRun,
    lines: Mapping[str, list[str]],
    gold: Mapping[str, Counter[str]],
    sites: Mapping[str, str],
) -> dict[str, Any]:
    """Lines, words and gold main-text words removed by each ``dedup clean`` action, the
    dropped pages by where their kept copy is, and the word scores with the dropped pages
    given back unchanged (see ``DEFINITIONS``)."""
    out: dict[str, Any] = {a: {"lines": 0, "words": 0, "gold_words": 0} for a in ACTIONS}
    dropped: dict[str, Any] = {"pages": 0, "kept_same_site": 0, "kept_other_site": 0, "pairs": []}
    dropped_ids: set[str] = set()
    for page_id, removed in run.removed.items():
        kept_words = Counter(iter_words(run.kept[page_id]))
        base = overlap(kept_words, gold[page_id])
        for action in ACTIONS:
            numbers = [n for n, record in removed.items() if record["action"] == action]
            if not numbers:
                continue
            words = Counter(w for n in numbers for w in iter_words(lines[page_id][n - 1]))
            out[action]["lines"] += len(numbers)
            out[action]["words"] += words.total()
            out[action]["gold_words"] += overlap(kept_words + words, gold[page_id]) - base
        document = next((r for r in removed.values() if r["action"] == "drop_document"), None)
        if document is not None:
            other = document["kept"]["id"]
            same = sites[other] == sites[page_id]
            dropped["pages"] += 1
            dropped["kept_same_site" if same else "kept_other_site"] += 1
            dropped["pairs"].append([page_id, other, document["reason"]["kind"]])
            dropped_ids.add(page_id)
    out["dropped_pages"] = dropped
    given_back = {
        page_id: "\n".join(lines[page_id]) if page_id in dropped_ids else text
        for page_id, text in run.kept.items()
    }
    out["pages_given_back"] = word_scores(given_back, gold)
    return out


def line_scores(run: DedupRun, pages: Sequence[Page]) -> dict[str, Any]:
    """Precision, recall and F1 of dedup's removals as boilerplate-line predictions."""
    tp = predicted = actual = 0
    for page in pages:
        removed = run.removed.get(page.id, {})
        for number, line in enumerate(page.lines, start=1):
            tp += bool(line.boilerplate) and number in removed
            predicted += number in removed
            actual += bool(line.boilerplate)
    precision = tp / predicted if predicted else 0.0
    recall = tp / actual if actual else 0.0
    scores = _prf(precision, recall)
    return {**scores, "lines": sum(len(p.lines) for p in pages), "boilerplate": actual}


def site_bucket(pages_of_site: int) -> str:
    """The :data:`SITE_BUCKETS` label of a site with this many pages: "1", "3-5", "6+"."""
    for low, high in SITE_BUCKETS:
        if low <= pages_of_site <= high:
            return str(low) if low == high else f"{low}+" if high >= 10**9 else f"{low}-{high}"
    raise ValueError(pages_of_site)


def by_site_size(
    pages: Sequence[Page],
    outputs: Mapping[str, Mapping[str, str]],
    gold: Mapping[str, Counter[str]],
) -> dict[str, Any]:
    """Macro scores of every system over the pages of each site-size bucket."""
    size = Counter(p.site for p in pages)
    buckets: dict[str, list[str]] = {site_bucket(low): [] for low, _ in SITE_BUCKETS}
    for page in pages:
        buckets[site_bucket(size[page.site])].append(page.id)
    out: dict[str, Any] = {}
    for bucket, ids in buckets.items():
        if not ids:
            continue
        subset = {i: gold[i] for i in ids}
        out[bucket] = {
            "pages": len(ids),
            "sites": len({p.site for p in pages if p.id in subset}),
            "systems": {s: word_scores(outputs[s], subset)["macro"] for s in SYSTEMS},
        }
    return out


def kept_by_label(run: DedupRun, pages: Sequence[Page]) -> dict[str, dict[str, int]]:
    """L3S: words of the naive lines under each non-main-text label, and how many dedup kept
    (all, in lines of more than 25 words, on sites with fewer than 3 pages)."""
    size = Counter(p.site for p in pages)
    fields = ("words", "kept", "long", "small")
    out = {name: dict.fromkeys(fields, 0) for name in L3S_LABEL_NAMES.values()}
    for page in pages:
        removed = run.removed.get(page.id, {})
        for number, line in enumerate(page.lines, start=1):
            long = sum(1 for _ in iter_words(line.text)) > 25
            for label, words in line.labels:
                if label not in L3S_LABEL_NAMES:
                    continue
                counts = out[L3S_LABEL_NAMES[label]]
                counts["words"] += words
                if number not in removed:
                    counts["kept"] += words
                    counts["long"] += words * long
                    counts["small"] += words * (size[page.site] < 3)
    return out


def write_line_labels(path: Path, run: DedupRun, pages: Sequence[Page]) -> None:
    """The gold label of every line of the naive corpus, for ``dedup eval --lines``."""
    with path.open("w", encoding="utf-8") as f:
        for page in pages:
            for number, line in enumerate(page.lines, start=1):
                label = {
                    "path": str(run.corpus),
                    "id": page.id,
                    "line": number,
                    "boilerplate": int(bool(line.boilerplate)),
                }
                f.write(json.dumps(label) + "\n")


def gold_block_labels(lines: Sequence[str], gold: str) -> list[bool]:
    """For lines without labels: is each line main text? Yes when its words are those of a
    whole gold block (a line of ``gold``), or a run of at least ``MIN_RUN_WORDS`` words inside
    one. For error samples only: a short line such as "Politics" is content only when the gold
    has it as a block of its own."""
    blocks = [" ".join(iter_words(block)) for block in gold.splitlines()]
    whole = set(blocks)
    haystack = "\n".join(f" {block} " for block in blocks)
    labels = []
    for line in lines:
        words = list(iter_words(line))
        joined = " ".join(words)
        labels.append(
            bool(words)
            and (joined in whole or (len(words) >= MIN_RUN_WORDS and f" {joined} " in haystack))
        )
    return labels


def print_samples(
    name: str,
    system: str,
    run: DedupRun,
    lines: Mapping[str, list[str]],
    is_content: Mapping[str, list[bool]],
    sites: Mapping[str, str],
    count: int,
    rng: random.Random,
) -> None:
    """Print ``count`` random lines dedup kept though they are boilerplate, and ``count`` it
    removed though they are main text (with the rule or reason), to stderr."""
    kept_boilerplate, removed_content = [], []
    for page_id, page_lines in lines.items():
        removed = run.removed.get(page_id, {})
        for number, (text, content) in enumerate(
            zip(page_lines, is_content[page_id], strict=True), start=1
        ):
            where = f"{sites[page_id]} {page_id}:{number}"
            if number in removed and content:
                reason = removed[number]["reason"]
                removed_content.append(f"{where} [{reason.get('rule', reason['kind'])}] {text}")
            elif number not in removed and not content:
                kept_boilerplate.append(f"{where} {text}")
    for title, found in (
        ("kept, but boilerplate", kept_boilerplate),
        ("removed, but main text", removed_content),
    ):
        _log(f"--- {name} / {system}: {title} ({len(found)} lines; {count} sampled)")
        for sample in rng.sample(found, min(count, len(found))):
            _log("  " + sample[:200])


# --------------------------------------------------------------------------- one set


def evaluate_set(
    name: str, pages: Sequence[Page], work: Path, args: argparse.Namespace
) -> dict[str, Any]:
    """Run and score every system on one set; return the figures."""
    started = time.perf_counter()
    sites = {p.id: p.site for p in pages}
    gold_text = {p.id: p.gold for p in pages}
    gold = {i: Counter(iter_words(text)) for i, text in gold_text.items()}
    lines: dict[str, dict[str, list[str]]] = {
        "naive": {p.id: [line.text for line in p.lines] for p in pages}
    }
    outputs: dict[str, dict[str, str]] = {
        "naive": {i: "\n".join(x) for i, x in lines["naive"].items()}
    }
    timings: dict[str, float] = {}
    for system, extract in (("jusText", justext_text), ("trafilatura", trafilatura_text)):
        start = time.perf_counter()
        outputs[system] = {p.id: extract(p.html) for p in pages}
        timings[system] = time.perf_counter() - start
        _log(f"{name}: {system} in {timings[system]:.0f} s")
    lines["trafilatura"] = {i: text_lines(t) for i, t in outputs["trafilatura"].items()}

    runs: dict[str, DedupRun] = {}
    for number, (system, (source, extra)) in enumerate(DEDUP_RUNS.items()):
        corpus = [(p.id, p.site, lines[source][p.id]) for p in pages]
        folder = work / f"{name}-{number}-{source}"
        run_args = [*extra, *args.dedup_args]
        runs[system] = run_dedup(corpus, folder, python=args.python, extra_args=run_args)
        outputs[system] = runs[system].kept
        timings[system] = runs[system].seconds
        _log(f"{name}: {system} in {timings[system]:.0f} s ({runs[system].corpus})")

    result: dict[str, Any] = {
        "pages": len(pages),
        "sites": len(set(sites.values())),
        "pages_without_gold": sum(1 for g in gold.values() if not g),
        "systems": {s: word_scores(outputs[s], gold) for s in SYSTEMS},
        "removed": {
            s: removal_breakdown(run, lines[DEDUP_RUNS[s][0]], gold, sites)
            for s, run in runs.items()
        },
        "by_site_size": by_site_size(pages, outputs, gold),
        "seconds": timings,
    }
    naive_run = runs["dedup (naive)"]
    labelled = all(line.boilerplate is not None for p in pages for line in p.lines)
    if labelled:
        result["lines"] = {
            s: line_scores(run, pages) for s, run in runs.items() if DEDUP_RUNS[s][0] == "naive"
        }
        result["kept_by_label"] = kept_by_label(runs[ANALYSED_RUN], pages)
        labels = work / f"{name}-lines.jsonl"
        write_line_labels(labels, naive_run, pages)
        result["line_labels"] = str(labels)
    if args.samples:
        rng = random.Random(args.seed)
        for system, run in runs.items():
            source_lines = lines[DEDUP_RUNS[system][0]]
            if labelled and DEDUP_RUNS[system][0] == "naive":
                content = {p.id: [not line.boilerplate for line in p.lines] for p in pages}
            else:
                content = {i: gold_block_labels(x, gold_text[i]) for i, x in source_lines.items()}
            print_samples(name, system, run, source_lines, content, sites, args.samples, rng)
    result["seconds"]["total"] = time.perf_counter() - started
    return result


# --------------------------------------------------------------------------- report


def versions() -> dict[str, str | None]:
    """Versions of the packages and of the repository the figures depend on."""
    found: dict[str, str | None] = {"python": sys.version.split()[0]}
    for package in ("dedup", "jusText", "trafilatura", "lxml"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = None
    try:
        commit = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = None
    found["git"] = commit
    return found


def _f(x: float) -> str:
    return f"{x:.3f}"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|---" + "|---:" * (len(header) - 1) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def render_markdown(results: dict[str, Any]) -> str:
    """The report: one section per set, then the definitions."""
    v = results["versions"]
    out = [
        "## Boilerplate removal on labelled pages",
        "",
        f"`{results['command']}`, {results['date']}, {results['seconds']:.0f} s; "
        f"dedup {v['dedup']} (git {v['git']}), jusText {v['jusText']}, "
        f"trafilatura {v['trafilatura']}, lxml {v['lxml']}, Python {v['python']}"
        + (f"; dedup arguments `{results['dedup_args']}`" if results["dedup_args"] else "")
        + ".",
    ]
    for name, r in results["datasets"].items():
        no_gold = (
            f" ({r['pages_without_gold']} without gold text)" if r["pages_without_gold"] else ""
        )
        out += ["", f"### {SET_TITLES[name]}: {r['pages']} pages{no_gold}, {r['sites']} sites", ""]
        rows = []
        for system in SYSTEMS:
            s = r["systems"][system]
            rows.append(
                [system]
                + [_f(s[avg][k]) for avg in ("macro", "micro") for k in ("p", "r", "f1")]
                + [f"{s['pages_with_output']}/{s['pages']}"]
            )
        header = ["system", "macro P", "macro R", "macro F1", "micro P", "micro R", "micro F1"]
        out += _table([*header, "pages"], rows)
        out += ["", "Removed by dedup clean (lines / words / gold main-text words):", ""]
        rows = []
        for system, removed in r["removed"].items():
            cells = [
                f"{removed[a]['lines']:,} / {removed[a]['words']:,} / {removed[a]['gold_words']:,}"
                for a in ACTIONS
            ]
            d, back = removed["dropped_pages"], removed["pages_given_back"]["macro"]
            rows.append(
                [
                    system,
                    *cells,
                    f"{d['pages']} ({d['kept_same_site']} / {d['kept_other_site']})",
                    " / ".join(_f(back[k]) for k in ("p", "r", "f1")),
                ]
            )
        header = ["pages dropped (kept: same site / other)", "macro P / R / F1 if given back"]
        out += _table(["system", *ACTIONS, *header], rows)
        for system, x in r.get("lines", {}).items():
            out += [
                "",
                f"Boilerplate lines, {system}: P {_f(x['p'])}, R {_f(x['r'])}, "
                f"F1 {_f(x['f1'])} ({x['boilerplate']:,} gold boilerplate of {x['lines']:,} "
                "lines).",
            ]
        if len(r["by_site_size"]) > 1:
            shown = ("naive", ANALYSED_RUN, "jusText", "trafilatura")
            out += ["", "Macro F1 by pages of the site in the set:", ""]
            rows = [
                [f"{bucket} ({b['pages']} pages, {b['sites']} sites)"]
                + [_f(b["systems"][s]["f1"]) for s in shown]
                for bucket, b in r["by_site_size"].items()
            ]
            out += _table(["pages of the site", *shown], rows)
        if "kept_by_label" in r:
            out += ["", f"Non-main text kept by {ANALYSED_RUN} (words):", ""]
            rows = [
                [label, f"{x['words']:,}", f"{x['kept']:,}", f"{x['long']:,}", f"{x['small']:,}"]
                for label, x in r["kept_by_label"].items()
            ]
            header = ["L3S label", "in the set", "kept", "kept in long lines", "kept, small sites"]
            out += _table(header, rows)
    out += ["", "Definitions:", "", DEFINITIONS]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--datasets",
        type=Path,
        default=DEFAULT_DATASETS,
        help="directory holding l3s-gn1/ and cleanportaleval/ (default: ../shared/datasets)",
    )
    parser.add_argument(
        "--sets",
        default=",".join(READERS),
        help=f"comma-separated sets to evaluate (default: {','.join(READERS)})",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=HERE / "work" / "eval-boilerplate.md",
        help="Markdown report (default: benchmarks/work/eval-boilerplate.md)",
    )
    parser.add_argument("--json", type=Path, help="also write the raw figures to this file")
    parser.add_argument(
        "--dedup-args",
        type=shlex.split,
        default=[],
        help="extra arguments for dedup clean (one shell-quoted string)",
    )
    parser.add_argument(
        "--python", default=sys.executable, help="interpreter that runs dedup (default: this one)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the corpora, outputs and line labels"
    )
    parser.add_argument(
        "--samples", type=int, default=0, metavar="N", help="print N examples of each error"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the samples (default: 1)")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.sets.split(",") if n.strip()]
    unknown = [n for n in names if n not in READERS]
    if unknown:
        parser.error(f"--sets: unknown set(s) {', '.join(unknown)}; known: {', '.join(READERS)}")
    missing = [n for n in names if not (args.datasets / n).is_dir()]
    if missing:
        _log(f"skipped: {', '.join(str(args.datasets / n) for n in missing)} not found")
        return 0

    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="dedup-eval-boilerplate-"))
    results: dict[str, Any] = {
        "command": shlex.join(["python", sys.argv[0], *(sys.argv[1:] if argv is None else argv)]),
        "date": dt.datetime.now(dt.timezone.utc).date().isoformat(),
        "versions": versions(),
        "dedup_args": shlex.join(args.dedup_args),
        "datasets": {},
    }
    try:
        for name in names:
            pages = read(name, args.datasets)
            _log(f"{name}: {len(pages)} pages read")
            results["datasets"][name] = evaluate_set(name, pages, work, args)
    finally:
        if args.keep:
            _log(f"kept {work}")
            for name, r in results["datasets"].items():
                if "line_labels" in r:
                    _log(f"{name} line labels: {r['line_labels']}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    results["seconds"] = time.perf_counter() - started
    report = render_markdown(results)
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
