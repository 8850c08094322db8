"""Speed and quality benchmark: ``dedup scan`` against a plain datasketch pipeline.

Run by ``make bench``::

    python benchmarks/bench.py --sizes 10000,100000 --out benchmarks/RESULTS-bench.md

For each size (and each ``--variants`` variant of the generator, default ``standard``) it
generates a seeded synthetic corpus (``benchmarks/generate.py``, cached in the work
directory), runs ``python -m dedup scan CORPUS --format json --quiet > findings.json`` and
``python benchmarks/baseline.py CORPUS`` as subprocesses, measuring wall time, CPU time and
peak memory (the sum of the resident set sizes of the process tree, sampled every 50 ms with
psutil: dedup runs a process pool), and scores both against the planted truth. It writes a
Markdown report and the raw figures as JSON next to it (same name, ``.json``).

With ``--text-dedup PYTHON`` (the interpreter of a virtualenv holding text-dedup 0.4.0, which
brings ``datasets`` and cannot share dedup's), each corpus is also deduplicated by the peer's
``python -m text_dedup.minhash`` (timed the same way, offline, with a fresh cache and output
directory removed afterwards). Its ``--debug`` mode pickles its union-find with the article ids
(``--idx_column id``) into the output directory: those clusters are scored like the baseline's,
and the kept rows (read with ``datasets.load_from_disk`` by the peer's interpreter) give the
articles it removed.

Quality measures (see ``DEFINITIONS`` below, which is also printed into the report):

- document pairs: precision, recall and F1 of the unordered article pairs predicted as
  duplicates (all pairs inside each ``exact_document``/``near_document`` finding, or each
  baseline cluster) against all pairs inside each planted story cluster;
- repeated paragraphs (dedup only): share of planted in-article repeats found;
- boilerplate (dedup only): share of planted furniture lines, and of their occurrences, found.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import random
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import psutil  # type: ignore[import-untyped, unused-ignore]

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DOC_KINDS = ("exact_document", "near_document")
PARAGRAPH_KINDS = ("exact_paragraph", "near_paragraph")
#: Above this many predicted pairs, pairs are counted per cluster instead of listed.
MAX_LISTED_PAIRS = 30_000_000
#: Lines at the start and end of an article searched for planted furniture.
HEAD_LINES, TAIL_LINES = 3, 6

DEFINITIONS = """\
- **articles/s** and **MB/s**: articles, and input bytes (10^6) of `corpus.jsonl`, divided by
  the wall time of the whole subprocess (start-up, loading and writing the output included).
- **peak RSS**: the largest sum of the resident set sizes of the process and all its
  descendants, sampled every 50 ms with psutil (pages shared between a parent and its forked
  workers are counted once per process, so this overstates the memory actually used). **max
  single RSS** is `ru_maxrss` from `wait4()`: the largest single process, exact.
- **CPU** is user + system time of the process and the children it waited for; **CPU/wall**
  above 1 means parallel work.
- **document pairs**: truth = every unordered pair of articles inside one planted story
  cluster (original + exact copies, rewrites and briefs). Predicted = every pair inside one
  `exact_document` or `near_document` finding (ids from `locations[*].id`), or inside one
  baseline cluster (union-find of LSH candidates, transitive). Precision, recall and F1 over
  these pairs; **recall (original, kind)** counts only the pairs of an original with its copies
  of that kind.
- **repeated paragraphs** (dedup only): a planted repeat (two paragraphs of one article, equal
  or with 1-3 words changed) is *found* when one `exact_paragraph`/`near_paragraph` finding has
  at least two locations with that article's id; *found exactly* when those locations' text
  lines are the two planted paragraphs (needs `text_lines` in the locations).
- **boilerplate** (dedup only): a planted occurrence is one furniture line in one article (found
  by matching each outlet's planted lines, whose `{fields}` vary per article, against the first
  3 and last 6 lines of its articles). **line recall**: share of planted (outlet, line) pairs of
  which at least one occurrence is covered by a location of a `boilerplate` finding (without
  `text_lines` in the output: a finding whose excerpt matches the line and that has a location
  in that outlet). **occurrence recall**: share of planted occurrences covered by a boilerplate
  location; **occurrence precision**: share of boilerplate locations that are planted
  occurrences (the generator plants no other furniture).
"""
TEXT_DEDUP_DEFINITIONS = """\
- **text-dedup**: timed like the others (its wall time includes its start-up, loading the JSON
  Lines into a `datasets` cache and saving the kept rows). Its **document pairs** are every
  pair inside one cluster of the union-find that `--debug` pickles into its output directory
  (`uf.pkl`, keyed by article id with `--idx_column id`), read afterwards by the peer's
  interpreter, untimed. **articles removed**: corpus articles not among the rows it kept
  (`datasets.load_from_disk`); of them, the planted copies (any planted kind but the original)
  and those in no planted story cluster (unique articles lost). It keeps one article of each
  cluster, not necessarily the original, so a correct run removes planted copies and
  originals alike.
"""


# ----------------------------------------------------------------------------- running


@dataclass
class RunStats:
    """How one measured subprocess went."""

    command: str
    returncode: int
    wall_s: float
    cpu_s: float
    peak_rss_tree_mib: float
    max_rss_single_mib: float
    peak_processes: int
    samples: int


class _Sampler(threading.Thread):
    """Samples the summed RSS of a process tree every ``interval`` seconds, and says every
    ``heartbeat`` seconds that the run is still going."""

    def __init__(self, pid: int, interval: float, label: str, heartbeat: float = 60.0) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.label = label
        self.heartbeat = heartbeat
        self.stop = threading.Event()
        self.peak = 0
        self.peak_processes = 0
        self.samples = 0

    def run(self) -> None:
        t0 = next_beat = time.monotonic()
        next_beat += self.heartbeat
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self.stop.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                break
            total = 0
            for p in procs:
                with contextlib.suppress(psutil.Error):
                    total += p.memory_info().rss
            self.samples += 1
            self.peak = max(self.peak, total)
            self.peak_processes = max(self.peak_processes, len(procs))
            if time.monotonic() >= next_beat:
                next_beat += self.heartbeat
                _log(
                    f"{self.label}: running for {time.monotonic() - t0:.0f} s, "
                    f"RSS {total / 2**20:.0f} MiB in {len(procs)} processes"
                )
            self.stop.wait(self.interval)


def run_measured(
    cmd: Sequence[str],
    stdout: Path,
    stderr: Path,
    cwd: Path,
    interval: float = 0.05,
    label: str = "run",
    env: dict[str, str] | None = None,
) -> RunStats:
    """Run ``cmd`` with stdout and stderr to files; measure wall, CPU and peak memory."""
    shown = shlex.join(cmd) + f" > {shlex.quote(str(stdout))}"
    with open(stdout, "wb") as out, open(stderr, "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err, cwd=cwd, env=env)
        sampler = _Sampler(proc.pid, interval, label)
        sampler.start()
        # wait4 reaps the child and returns its own resource usage (with that of the workers
        # it waited for), unlike RUSAGE_CHILDREN which accumulates over every child run so far.
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        sampler.stop.set()
        sampler.join()
    return RunStats(
        command=shown,
        returncode=proc.returncode,
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        peak_rss_tree_mib=sampler.peak / 2**20,
        max_rss_single_mib=usage.ru_maxrss / 1024,  # KiB on Linux
        peak_processes=sampler.peak_processes,
        samples=sampler.samples,
    )


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _generator_key() -> str:
    return hashlib.sha1((HERE / "generate.py").read_bytes()).hexdigest()[:8]


def _variant_prefix(variant: str) -> str:
    """What names the corpora and runs of a generator variant apart (nothing for the
    standard one, whose names are those from before there were variants)."""
    return "" if variant == "standard" else f"{variant}-"


def ensure_corpus(
    python: str, n: int, seed: int, work: Path, variant: str = "standard"
) -> tuple[Path, str, float | None]:
    """The cached corpus directory for (variant, n, seed, generator), generated if missing."""
    name = f"corpus-{_variant_prefix(variant)}{n}-seed{seed}-gen"
    out = work / f"{name}{_generator_key()}"
    cmd = [
        python,
        str(HERE / "generate.py"),
        "--articles",
        str(n),
        "--seed",
        str(seed),
        *(["--variant", variant] if variant != "standard" else []),
        "--out",
        str(out),
    ]
    stamp = out / ".complete"
    if stamp.exists():
        _log(f"corpus {n}: cached in {out}")
        return out, shlex.join(cmd), None
    for stale in work.glob(f"{name}*"):  # made by another generate.py
        if stale != out and (stale / ".complete").exists():
            _log(f"corpus {n}: removing {stale} (older generator)")
            shutil.rmtree(stale)
    _log(f"corpus {n}: generating into {out}")
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True)
    elapsed = time.perf_counter() - t0
    stamp.write_text(f"{elapsed:.2f}\n")
    return out, shlex.join(cmd), elapsed


# ----------------------------------------------------------------------------- scoring


@dataclass
class Corpus:
    """What scoring needs from the corpus and its truth."""

    ids: list[str]
    index: dict[str, int]
    sources: list[str]
    bytes: int
    truth: dict[str, Any]
    furniture: dict[tuple[int, int], tuple[str, int]]  # (article, line) -> (source, line #)


def _pattern(template: str) -> re.Pattern[str]:
    """A planted furniture line as a regex: ``{field}`` matches any text."""
    parts = re.split(r"\{[a-z]+\}", template)
    return re.compile(".+?".join(re.escape(p) for p in parts))


def load_corpus(directory: Path) -> Corpus:
    """Read ``corpus.jsonl`` and ``truth.json``; locate every planted furniture occurrence."""
    truth = json.loads((directory / "truth.json").read_text(encoding="utf-8"))
    patterns = {
        source: [(k, _pattern(t)) for k, t in enumerate(lines)]
        for source, lines in truth["boilerplate"].items()
    }
    ids: list[str] = []
    sources: list[str] = []
    furniture: dict[tuple[int, int], tuple[str, int]] = {}
    path = directory / "corpus.jsonl"
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            record = json.loads(line)
            ids.append(record["id"])
            source = record["source"]
            sources.append(source)
            lines = record["text"].split("\n")
            edge = set(range(min(HEAD_LINES, len(lines))))
            edge |= set(range(max(0, len(lines) - TAIL_LINES), len(lines)))
            for j in sorted(edge):
                for k, pattern in patterns.get(source, ()):
                    if pattern.fullmatch(lines[j]):
                        furniture[(i, j + 1)] = (source, k)
                        break
    return Corpus(
        ids, {x: i for i, x in enumerate(ids)}, sources, path.stat().st_size, truth, furniture
    )


def _pair_codes(clusters: Iterable[Sequence[int]], n: int) -> np.ndarray:
    """Unique codes ``a * n + b`` (a < b) of all pairs inside each cluster."""
    parts = []
    for c in clusters:
        members = np.unique(np.asarray(c, dtype=np.int64))
        if len(members) >= 2:
            a, b = np.triu_indices(len(members), 1)
            parts.append(members[a] * n + members[b])
    return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)


def _prf(tp: int, predicted: int, true: int) -> dict[str, Any]:
    p = tp / predicted if predicted else None
    r = tp / true if true else None
    f1 = 2 * p * r / (p + r) if p is not None and r is not None and p + r else 0.0
    return {
        "precision": p,
        "recall": r,
        "f1": f1,
        "tp": tp,
        "predicted_pairs": predicted,
        "true_pairs": true,
    }


def score_pairs(corpus: Corpus, clusters: list[list[str]]) -> dict[str, Any]:
    """Document-pair precision/recall/F1 of predicted clusters (lists of ids)."""
    n = len(corpus.ids)
    idx = corpus.index
    pred_clusters = [[idx[x] for x in c if x in idx] for c in clusters]
    unknown = sum(1 for c in clusters for x in c if x not in idx)
    truth_clusters = [[idx[x] for x in c] for c in corpus.truth["doc_clusters"]]
    true = _pair_codes(truth_clusters, n)
    listed = sum(len(c) * (len(c) - 1) // 2 for c in pred_clusters)
    if listed <= MAX_LISTED_PAIRS:
        pred = _pair_codes(pred_clusters, n)
        tp = int(np.isin(pred, true, assume_unique=True).sum())
        out = _prf(tp, len(pred), len(true))
        out["method"] = "listed"
        pred_set = pred
    else:  # too many to list: count per cluster (exact when clusters are disjoint)
        label = np.full(n, -1, dtype=np.int64)
        for k, c in enumerate(truth_clusters):
            label[c] = k
        tp = 0
        for c in pred_clusters:
            lab = label[np.asarray(c, dtype=np.int64)]
            counts = np.bincount(lab[lab >= 0])
            tp += int((counts * (counts - 1) // 2).sum())
        out = _prf(tp, listed, len(true))
        out["method"] = "counted (clusters assumed disjoint)"
        pred_set = None
    # Recall of the (original, copy) pairs, per kind of copy.
    kinds = corpus.truth.get("copy_kinds", {})
    codes: list[int] = []
    labels: list[str] = []
    for c in truth_clusters:
        for o in (i for i in c if kinds.get(corpus.ids[i]) == "original"):
            for i in c:
                if i != o and corpus.ids[i] in kinds:
                    codes.append(min(o, i) * n + max(o, i))
                    labels.append(kinds[corpus.ids[i]])
    by_kind: dict[str, dict[str, Any]] | None = None
    if pred_set is not None:
        pos = np.searchsorted(pred_set, np.asarray(codes, dtype=np.int64))
        hit = (pos < len(pred_set)) & (pred_set[np.minimum(pos, len(pred_set) - 1)] == codes)
        if not len(pred_set):
            hit = np.zeros(len(codes), dtype=bool)
        by_kind = {}
        for copy_kind, h in zip(labels, hit.tolist(), strict=True):
            entry = by_kind.setdefault(copy_kind, {"pairs": 0, "found": 0})
            entry["pairs"] += 1
            entry["found"] += int(h)
        for entry in by_kind.values():
            entry["recall"] = entry["found"] / entry["pairs"]
    out["recall_by_copy_kind"] = by_kind
    out["predicted_clusters"] = sum(1 for c in pred_clusters if len(c) >= 2)
    out["unknown_ids"] = unknown
    return out


def _location_lines(loc: dict[str, Any]) -> range | None:
    lines = loc.get("text_lines")
    if isinstance(lines, list) and len(lines) == 2:
        return range(int(lines[0]), int(lines[1]) + 1)
    return None


def score_paragraphs(corpus: Corpus, findings: list[dict[str, Any]]) -> dict[str, Any]:
    """Recall of the planted in-article repeated paragraphs."""
    # article id -> list of (finding #, lines of one location)
    where: dict[str, list[tuple[int, range | None]]] = defaultdict(list)
    for k, f in enumerate(findings):
        if f.get("kind") in PARAGRAPH_KINDS:
            for loc in f.get("locations", []):
                if loc.get("id") is not None:
                    where[str(loc["id"])].append((k, _location_lines(loc)))
    planted = corpus.truth["repeated_paragraphs"]
    found = exact = 0
    has_lines = False
    by_kind: dict[str, dict[str, int]] = defaultdict(lambda: {"planted": 0, "found": 0})
    for rep in planted:
        per_finding: dict[int, list[range | None]] = defaultdict(list)
        for k, lines in where.get(rep["id"], []):
            per_finding[k].append(lines)
        hit = any(len(v) >= 2 for v in per_finding.values())
        i, j = rep["paragraphs"]
        hit_exact = False
        for v in per_finding.values():
            ranges = [r for r in v if r is not None]
            has_lines = has_lines or bool(ranges)
            if any(i in r for r in ranges) and any(j in r for r in ranges):
                hit_exact = True
        found += hit
        exact += hit_exact
        entry = by_kind[rep.get("kind", "?")]
        entry["planted"] += 1
        entry["found"] += int(hit)
    total = len(planted)
    return {
        "planted": total,
        "found": found,
        "recall": found / total if total else None,
        "found_exactly": exact if has_lines else None,
        "recall_exact": (exact / total if total else None) if has_lines else None,
        "by_kind": {k: {**v, "recall": v["found"] / v["planted"]} for k, v in by_kind.items()},
    }


def score_boilerplate(corpus: Corpus, findings: list[dict[str, Any]]) -> dict[str, Any]:
    """Line and occurrence recall, and occurrence precision, of the planted furniture."""
    flagged: set[tuple[int, int]] = set()
    no_lines = 0
    by_excerpt: set[tuple[str, str]] = set()  # (source, excerpt) for the fallback
    idx = corpus.index
    for f in findings:
        if f.get("kind") != "boilerplate":
            continue
        excerpt = str(f.get("excerpt", ""))
        for loc in f.get("locations", []):
            i = idx.get(str(loc.get("id")))
            if i is None:
                continue
            by_excerpt.add((corpus.sources[i], excerpt))
            lines = _location_lines(loc)
            if lines is None:
                no_lines += 1
                continue
            flagged.update((i, line) for line in lines)
    planted_lines = {
        (s, k) for s, lines in corpus.truth["boilerplate"].items() for k in range(len(lines))
    }
    occurrences = corpus.furniture
    covered = [key for key in occurrences if key in flagged]
    lines_found = {occurrences[key] for key in covered}
    method = "text_lines"
    if not flagged and no_lines:  # no text_lines in the output: match excerpts instead
        method = "excerpt"
        patterns = {
            (s, k): _pattern(t)
            for s, lines in corpus.truth["boilerplate"].items()
            for k, t in enumerate(lines)
        }
        lines_found = {
            key
            for key, p in patterns.items()
            if any(src == key[0] and p.fullmatch(ex) for src, ex in by_excerpt)
        }
    out: dict[str, Any] = {
        "planted_lines": len(planted_lines),
        "lines_found": len(lines_found & planted_lines),
        "line_recall": len(lines_found & planted_lines) / len(planted_lines)
        if planted_lines
        else None,
        "method": method,
        "planted_occurrences": len(occurrences),
    }
    if method == "text_lines":
        out.update(
            occurrences_found=len(covered),
            occurrence_recall=len(covered) / len(occurrences) if occurrences else None,
            flagged_lines=len(flagged),
            occurrence_precision=len(covered) / len(flagged) if flagged else None,
        )
    return out


# ----------------------------------------------------------------------------- report


def machine_info() -> dict[str, Any]:
    """CPU, memory and software versions of this machine."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions: dict[str, str | None] = {}
    for package in ("numpy", "datasketch", "psutil", "scikit-learn", "scipy"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    commit: str | None
    dirty: bool | None
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = bool(
            subprocess.run(
                ["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True
            ).stdout.strip()
        )
    except (OSError, subprocess.CalledProcessError):
        commit, dirty = None, None
    return {
        "nproc": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu,
        "ram_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "python_executable": sys.executable,
        "versions": versions,
        "git_commit": commit,
        "git_dirty": dirty,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _fmt(x: Any, digits: int = 3) -> str:
    if x is None:
        return "n/a"
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    if isinstance(x, int):
        return f"{x:,}"
    return str(x)


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f} %"


def _cell(run: dict[str, Any] | None, path: str, fmt: Callable[[Any], str]) -> str:
    """Format ``run[a][b]...`` for ``path`` ``"a.b"``; "skipped" for a run not made."""
    if run is None:
        return "skipped"
    if run.get("error"):
        return "failed"
    x: Any = run
    for key in path.split("."):
        x = x.get(key) if isinstance(x, dict) else None
    return fmt(x)


def _digits(n: int) -> Callable[[Any], str]:
    return lambda x: _fmt(x, n)


SPEED_ROWS: list[tuple[str, str, Callable[[Any], str]]] = [
    ("wall time (s)", "wall_s", _digits(1)),
    ("articles/s", "articles_per_s", _digits(0)),
    ("MB/s", "mb_per_s", _digits(2)),
    ("peak RSS, process tree (MiB)", "peak_rss_tree_mib", _digits(0)),
    ("max single-process RSS (MiB)", "max_rss_single_mib", _digits(0)),
    ("CPU time (s)", "cpu_s", _digits(1)),
    ("CPU / wall", "cpu_per_wall", _digits(2)),
]
QUALITY_ROWS: list[tuple[str, str, Callable[[Any], str]]] = [
    ("document pairs: precision", "documents.precision", _fmt),
    ("document pairs: recall", "documents.recall", _fmt),
    ("document pairs: F1", "documents.f1", _fmt),
    ("predicted pairs", "documents.predicted_pairs", _fmt),
    ("true pairs", "documents.true_pairs", _fmt),
    *(
        (f"recall (original, {kind} copy)", f"documents.recall_by_copy_kind.{kind}.recall", _fmt)
        for kind in ("exact", "rewrite", "brief")
    ),
]


def _index_markdown(index: dict[str, Any] | None) -> list[str]:
    """The index and check rows of one corpus size."""
    if not index:
        return []
    if index.get("error"):
        return ["**index build failed:**", "", "```", index["error"].rstrip(), "```", ""]
    b = index["build"]
    rows = [
        ("`dedup index build`: wall time (s)", f"{b['wall_s']:.1f}"),
        ("index build / scan (wall)", f"{index.get('build_over_scan', 0):.2f}×"),
        ("index build: peak RSS, process tree (MiB)", f"{b['peak_rss_tree_mib']:.0f}"),
        ("index size (MiB)", f"{index['size_mib']:.0f}"),
        ("`dedup check` of one new article (s, median)", f"{index['check_s']:.3f}"),
        ("`dedup --version` (s, median)", f"{index['version_s']:.3f}"),
        ("check / --version", f"{index['check_over_version']:.2f}×"),
        ("check found the article it copies", "yes" if index["check_found_original"] else "no"),
        ("`dedup index update` adding it (s)", f"{index['update_one_s']:.1f}"),
    ]
    held = index.get("held_out")
    if held:
        rows += [
            (
                f"held-out copies matched by `dedup check` (of {held['held_out']})",
                f"{held['check_matched']} ({held['check_wrong']} wrong matches)",
            ),
            ("...matched by the scan of the whole corpus", f"{held['scan_matched']}"),
        ]
    return [
        "| index and check | |",
        "|---|---:|",
        *(f"| {label} | {value} |" for label, value in rows),
        "",
    ]


def _document_stage_markdown(
    stage: dict[str, Any] | None, before: dict[str, Any] | None
) -> list[str]:
    if not stage:
        return []
    line = (
        f"Documents stage (candidates, verification, clustering): {stage['seconds']:.1f} s "
        f"for {stage['pairs']:,} candidate pairs, **{stage['us_per_pair']:.0f} µs a pair**"
    )
    old = (before or {}).get("document_stage")
    if old:
        line += (
            f"; before (git {before['rev']}, same corpus, same run): {old['seconds']:.1f} s for "
            f"{old['pairs']:,} pairs, {old['us_per_pair']:.0f} µs a pair"
        )
    elif before:
        line += f"; before (git {before['rev']}): {before.get('error', 'n/a')}"
    return [line + "."]


def _heading(size: dict[str, Any]) -> str:
    """The heading of one corpus: its size, its variant if not the standard one, and how
    often its unrelated articles share stock phrases (``phrases.json``), if known."""
    variant = size.get("variant") or "standard"
    kind = "articles" if variant == "standard" else f"articles, {variant} variant"
    out = f"{size['articles']:,} {kind} ({size['corpus_mb']:.1f} MB of JSON Lines"
    p = size.get("phrases")
    if p:

        def share(key: str) -> str:
            return f"{100 * p[key]:.2f} %"

        out += (
            "; random pairs above word 3-gram Jaccard 0.02 and 0.05: "
            f"{share('jaccard_above_0.02')}, {share('jaccard_above_0.05')}"
        )
        if "body_jaccard_above_0.02" in p:
            out += (
                f" (without the furniture {share('body_jaccard_above_0.02')}, "
                f"{share('body_jaccard_above_0.05')})"
            )
        out += f"; {p['mean_words']:.0f} words an article"
    return out + ")"


def _baseline_kind(baseline_args: str) -> str:
    """The shingles and the way the baseline hashes them, from its arguments.

    >>> _baseline_kind("--bulk --ngram 5"), _baseline_kind("")
    ('5-grams, `MinHash.bulk`', '3-grams, one `update` per shingle')
    """
    words = shlex.split(baseline_args)
    ngram = words[words.index("--ngram") + 1] if "--ngram" in words else "3"
    how = "`MinHash.bulk`" if "--bulk" in words else "one `update` per shingle"
    return f"{ngram}-grams, {how}"


def _text_dedup_heading(peer: dict[str, Any] | None, threshold: float) -> list[str]:
    """The line of the report's heading that says what text-dedup ran (none without it)."""
    if not peer:
        return []
    if peer.get("error") and not peer.get("version"):
        return [f"- text-dedup ({peer.get('python')}): version unknown ({peer['error'].strip()})"]
    lsh = (
        f"{peer['bands']} bands of {peer['rows']} rows (its `optimal_param` for threshold "
        f"{threshold})"
        if peer.get("bands")
        else f"threshold {threshold}"
    )
    return [
        f"- text-dedup: `python -m text_dedup.minhash` of text-dedup {peer['version']} "
        f"(datasets {peer.get('datasets') or 'n/a'}, `{peer['python']}`): MinHash(num_perm="
        f"{TEXT_DEDUP_NUM_PERM}, sha1) on word {TEXT_DEDUP_NGRAM}-grams of the lowercased text "
        f"split at every non-word character, LSH of {lsh}, no verification, union-find; keeps "
        f"one article of each cluster and drops texts of fewer than 5 tokens; "
        f"{TEXT_DEDUP_NUM_PROC} processes, `--debug --idx_column id` to get its clusters"
    ]


def _removals_cell(peer: dict[str, Any] | None) -> str:
    """The articles text-dedup removed, and how many of them are planted copies."""
    r = (peer or {}).get("removals")
    if not r:
        return _cell(peer, "removals", _fmt)
    return (
        f"{r['removed']:,} ({r['planted_copies']:,} of the {r['planted_copies_total']:,} "
        f"planted copies; {r['outside_planted_clusters']:,} in no planted cluster)"
    )


def render_markdown(results: dict[str, Any]) -> str:
    """The report as Markdown."""
    m = results["machine"]
    v = m["versions"]
    schemes = (
        ", ".join(
            sorted(
                {str(s["baseline"].get("scheme")) for s in results["sizes"] if s.get("baseline")}
            )
        )
        or "n/a"
    )
    peer_info = results.get("text_dedup")
    peer_version = f"; text-dedup {peer_info.get('version') or 'n/a'}" if peer_info else ""
    out = [
        "# dedup benchmark",
        "",
        f"Generated {results['date']} by `benchmarks/bench.py` (seed {results['seed']}).",
        "",
        f"- Machine: {m['nproc']} CPUs ({m['cpu_model']}), {m['ram_gib']} GiB RAM, "
        f"{m['platform']}; load average at start {m['load_average_at_start']}",
        f"- Python {m['python']}, numpy {v['numpy']}, datasketch {v['datasketch']}, "
        f"psutil {v['psutil']}; dedup {results.get('dedup_version') or 'n/a'} "
        f"(git {m['git_commit'] or 'no commit'}{', dirty tree' if m['git_dirty'] else ''})"
        f"{peer_version}",
        f"- Baseline: datasketch MinHash(num_perm=128, seed=1, scheme {schemes}) on word "
        f"{_baseline_kind(results.get('baseline_args', ''))}, MinHashLSH(threshold="
        f"{results['baseline_threshold']}), no verification, union-find",
        *_text_dedup_heading(peer_info, results["baseline_threshold"]),
        "",
    ]
    for size in results["sizes"]:
        d, b = size["dedup"], size.get("baseline")
        with_peer = "text_dedup" in size
        t = size.get("text_dedup")
        out += [f"## {_heading(size)}", ""]
        if d.get("error"):
            out += ["**dedup failed:**", "", "```", d["error"].rstrip(), "```", ""]
        if b and b.get("error"):
            out += ["**baseline failed:**", "", "```", b["error"].rstrip(), "```", ""]
        if t and t.get("error"):
            out += ["**text-dedup failed:**", "", "```", t["error"].rstrip(), "```", ""]
        cols = ["dedup", f"baseline (T={results['baseline_threshold']})"]
        if with_peer:
            version = (peer_info or {}).get("version")
            cols.append(
                f"text-dedup{f' {version}' if version else ''} (T={results['baseline_threshold']})"
            )
        rows: list[list[str]] = []
        for label, path, fmt in SPEED_ROWS + QUALITY_ROWS:
            rows.append([label, _cell(d, path, fmt), _cell(b, path, fmt)])
            if with_peer:
                rows[-1].append(_cell(t, path, fmt))
        if with_peer:
            rows.append(["articles removed", "n/a", "n/a", _removals_cell(t)])
        para = d.get("paragraphs") or {}
        rows.append(
            [
                "repeated paragraphs: recall (exact location)",
                f"{_pct(para.get('recall'))} ({_pct(para.get('recall_exact'))})",
                "n/a",
            ]
        )
        for kind in ("exact", "near"):
            k = (para.get("by_kind") or {}).get(kind)
            rows.append(
                [
                    f"repeated paragraphs, {kind} repeats: recall",
                    _pct(k["recall"]) if k else "n/a",
                    "n/a",
                ]
            )
        bp = d.get("boilerplate") or {}
        rows.append(
            [
                "boilerplate: line recall",
                f"{_pct(bp.get('line_recall'))} "
                f"({bp.get('lines_found', 'n/a')}/{bp.get('planted_lines', 'n/a')})",
                "n/a",
            ]
        )
        rows.append(["boilerplate: occurrence recall", _pct(bp.get("occurrence_recall")), "n/a"])
        rows.append(
            ["boilerplate: occurrence precision", _pct(bp.get("occurrence_precision")), "n/a"]
        )
        for row in rows:
            row += ["n/a"] * (len(cols) + 1 - len(row))  # dedup-only rows: n/a for the peer
        out += ["| | " + " | ".join(cols) + " |", "|---|" + "---:|" * len(cols)]
        out += ["| " + " | ".join(row) + " |" for row in rows]
        out.append("")
        ratio = size.get("speed_ratio")
        out.append(
            f"Speed ratio dedup/baseline (articles/s): **{ratio:.2f}×**."
            if ratio
            else "Speed ratio dedup/baseline: n/a (baseline skipped or failed)."
        )
        if with_peer:
            ratio = size.get("speed_ratio_text_dedup")
            out.append(
                f"Speed ratio dedup/text-dedup (wall): **{ratio:.2f}×** (text-dedup's wall time "
                "over dedup's)."
                if ratio
                else "Speed ratio dedup/text-dedup (wall): n/a (text-dedup or dedup failed)."
            )
            stages = (t or {}).get("timings")
            if stages:
                out.append(
                    "text-dedup stages (its own log): "
                    + ", ".join(f"{k} {x:.1f} s" for k, x in stages.items())
                    + "."
                )
            if t and not t.get("error") and t.get("documents") is None:
                out.append(
                    "text-dedup wrote no clusters (`uf.pkl`): its document pairs are not "
                    "scored, only the articles it removed."
                )
        out += _document_stage_markdown(d.get("document_stage"), size.get("before"))
        counts = d.get("finding_counts")
        if counts:
            out.append(f"dedup findings: {', '.join(f'{k} {v:,}' for k, v in counts.items())}.")
        truth = size["truth"]
        out.append(
            f"Planted: {truth['clusters']:,} story clusters ("
            f"{', '.join(f'{v:,} {k}' for k, v in truth['copies'].items())} copies), "
            f"{truth['repeated_paragraphs']:,} repeated paragraphs, "
            f"{truth['furniture_lines']} furniture lines; rewrite 3-gram Jaccard mean "
            f"{truth['rewrite_jaccard_mean']}."
        )
        out.append("")
        out += _index_markdown(size.get("index"))
    out += ["## Commands", "", f"From `{REPO}`:", "", "```"]
    for size in results["sizes"]:
        out += [c for c in size["commands"] if c]
        out += [(size.get("before") or {}).get("command")] if size.get("before") else []
        out += (size.get("index") or {}).get("commands", [])
        out += ((size.get("index") or {}).get("held_out") or {}).get("commands", [])
    with_peer = any("text_dedup" in size for size in results["sizes"])
    out += [
        "```",
        "",
        "## Definitions",
        "",
        DEFINITIONS + (TEXT_DEDUP_DEFINITIONS if with_peer else ""),
    ]
    return "\n".join(out).rstrip("\n") + "\n"


# ----------------------------------------------------------------------------- main


def _speed(stats: RunStats, n: int, corpus_bytes: int) -> dict[str, Any]:
    d = asdict(stats)
    d["articles_per_s"] = n / stats.wall_s if stats.wall_s else None
    d["mb_per_s"] = corpus_bytes / 1e6 / stats.wall_s if stats.wall_s else None
    d["cpu_per_wall"] = stats.cpu_s / stats.wall_s if stats.wall_s else None
    return d


def _median_wall(
    cmd: Sequence[str], env: dict[str, str], runs: int
) -> tuple[float, list[float], int]:
    """Median wall time of ``runs`` runs of ``cmd`` (output discarded), and its exit status."""
    walls, code = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        code = subprocess.run(
            list(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO, env=env
        ).returncode
        walls.append(time.perf_counter() - t0)
    return statistics.median(walls), walls, code


def new_article(corpus_path: Path, run_dir: Path) -> tuple[Path, str]:
    """A new article for ``dedup check``: the corpus's first article under a new headline
    and id, as a one-record JSON Lines file. Returns the file and the original's id."""
    with corpus_path.open(encoding="utf-8") as handle:
        record = json.loads(handle.readline())
    original = str(record["id"])
    record = {**record, "id": f"new-{original}", "title": "A new headline for an old story"}
    path = run_dir / "new-article.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return path, original


def bench_index(
    n: int,
    args: argparse.Namespace,
    corpus_path: Path,
    run_dir: Path,
    env: dict[str, str],
    scan: dict[str, Any],
) -> dict[str, Any]:
    """Build an index of the corpus (timed like the scan), then time ``dedup check`` of one
    new article against it beside ``dedup --version``, and an update that adds it.

    The two short commands run with bytecode caching on, after one warm-up run each, as an
    installed dedup runs (pip compiles a package's modules when it installs it): with
    ``PYTHONDONTWRITEBYTECODE`` set, every run would compile dedup's sources again.
    """
    location = run_dir / "index.sqlite"
    build_cmd = [args.python, "-m", "dedup", "index", "build", str(corpus_path)]
    build_cmd += ["--index", str(location), "--quiet", *shlex.split(args.dedup_args)]
    _log(f"index {n}: {shlex.join(build_cmd)}")
    stats = run_measured(
        build_cmd,
        run_dir / "index-build.out",
        run_dir / "index-build.stderr",
        REPO,
        interval=args.interval,
        label=f"index {n}",
        env=env,
    )
    out: dict[str, Any] = {"build": _speed(stats, n, corpus_path.stat().st_size)}
    if stats.returncode != 0:
        tail = (run_dir / "index-build.stderr").read_text(errors="replace")[-2000:]
        out["error"] = f"index build exit {stats.returncode}: {tail}"
        _log(f"index {n}: FAILED: {out['error']}")
        return out
    out["size_mib"] = location.stat().st_size / 2**20
    if scan.get("wall_s"):
        out["build_over_scan"] = stats.wall_s / scan["wall_s"]
    new, original = new_article(corpus_path, run_dir)
    check_cmd = [args.python, "-m", "dedup", "check", str(new), "--index", str(location)]
    check_cmd += ["--format", "json", "--quiet"]
    version_cmd = [args.python, "-m", "dedup", "--version"]
    runs = args.check_runs
    warm = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    _median_wall(check_cmd, warm, 1)
    _median_wall(version_cmd, warm, 1)
    check_s, check_all, check_code = _median_wall(check_cmd, warm, runs)
    version_s, version_all, _ = _median_wall(version_cmd, warm, runs)
    found = subprocess.run(check_cmd, capture_output=True, cwd=REPO, env=warm, text=True)
    try:
        findings = json.loads(found.stdout)["findings"]
    except (ValueError, KeyError):
        findings = []
    matched = sorted(
        {
            str(loc.get("id"))
            for f in findings
            if f.get("kind") in DOC_KINDS
            for loc in f.get("locations", [])
        }
    )
    update_cmd = [args.python, "-m", "dedup", "index", "update", str(corpus_path), str(new)]
    update_cmd += ["--index", str(location), "--quiet", *shlex.split(args.dedup_args)]
    t0 = time.perf_counter()
    update_code = subprocess.run(update_cmd, capture_output=True, cwd=REPO, env=env).returncode
    update_s = time.perf_counter() - t0
    out.update(
        {
            "check_s": check_s,
            "check_runs_s": check_all,
            "check_exit": check_code,
            "version_s": version_s,
            "version_runs_s": version_all,
            "check_over_version": check_s / version_s if version_s else None,
            "check_matched": matched,
            "check_found_original": original in matched,
            "update_one_s": update_s,
            "update_exit": update_code,
            "commands": [
                shlex.join(build_cmd),
                shlex.join(check_cmd) + f"  # x{runs}, median",
                shlex.join(version_cmd) + f"  # x{runs}, median",
                shlex.join(update_cmd),
            ],
        }
    )
    _log(
        f"index {n}: build {stats.wall_s:.1f} s ({out.get('build_over_scan', 0):.2f}x the scan), "
        f"check {check_s:.3f} s ({out['check_over_version']:.2f}x dedup --version "
        f"{version_s:.3f} s), matched {matched}, update +1 {update_s:.1f} s"
    )
    return out


def held_out_check(
    args: argparse.Namespace,
    corpus: Corpus,
    corpus_path: Path,
    run_dir: Path,
    env: dict[str, str],
    scan_clusters: list[list[str]],
) -> dict[str, Any]:
    """Recall of ``dedup check``: hold out one copy from each of ``args.held_out`` planted
    clusters (seeded), index the rest, check the held-out articles in one call, and count
    those matched to an article of their cluster (and matches outside it), beside what the
    scan of the whole corpus matched them to."""
    rng = random.Random(args.seed)
    clusters = [c for c in corpus.truth["doc_clusters"] if len(c) > 1]
    chosen = rng.sample(clusters, min(args.held_out, len(clusters)))
    held = {rng.choice(c[1:]) for c in chosen}
    cluster_of = {m: set(c) for c in clusters for m in c}
    rest, new = run_dir / "held-rest.jsonl", run_dir / "held-out.jsonl"
    with (
        corpus_path.open(encoding="utf-8") as src,
        rest.open("w", encoding="utf-8") as a,
        new.open("w", encoding="utf-8") as b,
    ):
        for line in src:
            (b if json.loads(line)["id"] in held else a).write(line)
    location = run_dir / "held-index.sqlite"
    build = [args.python, "-m", "dedup", "index", "build", str(rest), "--index", str(location)]
    subprocess.run([*build, "--quiet"], check=True, cwd=REPO, env=env, capture_output=True)
    check = [args.python, "-m", "dedup", "check", str(new), "--index", str(location)]
    check += ["--format", "json", "--quiet"]
    out = subprocess.run(check, cwd=REPO, env=env, capture_output=True, text=True)
    matched: dict[str, set[str]] = {}
    for f in json.loads(out.stdout)["findings"]:
        if f["kind"] in DOC_KINDS:
            ids = {str(loc.get("id")) for loc in f["locations"]}
            for i in ids & held:
                matched.setdefault(i, set()).update(ids - {i})
    by_scan: dict[str, set[str]] = {}
    for c in scan_clusters:
        for i in set(c) & held:
            by_scan.setdefault(i, set()).update(set(c) - {i})

    def hits(found: dict[str, set[str]]) -> int:
        return sum(1 for i in held if found.get(i, set()) & (cluster_of[i] - {i}))

    return {
        "held_out": len(held),
        "check_matched": hits(matched),
        "check_wrong": sum(1 for i in held for j in matched.get(i, ()) if j not in cluster_of[i]),
        "scan_matched": hits(by_scan),
        "commands": [shlex.join(build), shlex.join(check)],
    }


def read_phrases(corpus_dir: Path) -> dict[str, Any] | None:
    """The phrase share the generator wrote beside the corpus (``phrases.json``), if any."""
    path = corpus_dir / "phrases.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


# ----------------------------------------------------------------------------- text-dedup

#: The settings of the text-dedup runs besides ``--threshold`` (that of the baseline).
TEXT_DEDUP_NGRAM, TEXT_DEDUP_NUM_PERM, TEXT_DEDUP_NUM_PROC = 5, 128, 2
#: Offline: the corpus is a local file, and nothing may be fetched from the Hub.
TEXT_DEDUP_ENV = {"HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}
#: Run by the peer's interpreter: its version, that of datasets, and the LSH bands and rows
#: it derives from the threshold (``optimal_param``, as ``text_dedup.minhash`` does).
_TEXT_DEDUP_INFO = """\
import json, sys
from importlib import metadata
out = {"version": metadata.version("text-dedup")}
try:
    out["datasets"] = metadata.version("datasets")
    from text_dedup.utils import optimal_param
    out["bands"], out["rows"] = optimal_param(float(sys.argv[1]), int(sys.argv[2]),
                                              false_positive_weight=0.5, false_negative_weight=0.5)
except Exception as e:
    out["note"] = repr(e)
json.dump(out, sys.stdout)
"""
#: Run by the peer's interpreter on an output directory: the union-find that ``--debug``
#: pickles there (its keys and parents are article ids with ``--idx_column id``; the pickle
#: names text-dedup's class, hence the peer's interpreter), and the ids of the kept rows.
_TEXT_DEDUP_READER = """\
import json, os, pickle, sys
from datasets import load_from_disk
out = sys.argv[1]
path = os.path.join(out, "uf.pkl")
parent = None
if os.path.isfile(path):
    with open(path, "rb") as f:
        parent = {str(k): str(v) for k, v in pickle.load(f).parent.items()}
kept = [str(x) for x in load_from_disk(out)["id"]]
json.dump({"parent": parent, "kept_ids": kept}, sys.stdout)
"""
_TEXT_DEDUP_STAGES = ("Loading", "MinHashing", "Clustering", "Filtering", "Saving", "Cleaning")
_TEXT_DEDUP_TIMING = re.compile(
    # rich wraps a long line: the value may come after the source location, on the next line
    rf"\b({'|'.join((*_TEXT_DEDUP_STAGES, 'Total'))})\s*:\s*(?:\S+\.py:\d+\s+)?"
    r"([0-9]+(?:\.[0-9]*)?)s\b"
)


def text_dedup_info(python: str, threshold: float) -> dict[str, Any]:
    """What the peer's interpreter says of its text-dedup (``version``, ``datasets``,
    ``bands``, ``rows``), or ``error``."""
    cmd = [python, "-c", _TEXT_DEDUP_INFO, str(threshold), str(TEXT_DEDUP_NUM_PERM)]
    out: dict[str, Any] = {"python": python}
    env = {**os.environ, **TEXT_DEDUP_ENV}
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    except (OSError, subprocess.TimeoutExpired) as e:
        out["error"] = str(e)
        return out
    try:
        out.update(json.loads(done.stdout))
    except ValueError:
        out["error"] = f"exit {done.returncode}; stderr: {done.stderr[-2000:]}"
    return out


def parse_text_dedup_timings(stdout: str) -> dict[str, float]:
    r"""The stage times text-dedup logs (on stdout, through rich) at the end of a run.

    >>> parse_text_dedup_timings("  INFO  Loading     : 1.13s timer.py:65\n  INFO  Total : 4.46s")
    {'Loading': 1.13, 'Total': 4.46}
    """
    return {m[1]: float(m[2]) for m in _TEXT_DEDUP_TIMING.finditer(stdout)}


def clusters_from_parents(parent: dict[str, str]) -> list[list[str]]:
    """The clusters (sorted lists of two ids or more, sorted) of a union-find's parent map,
    following each chain to its root (the map need not be path-compressed)."""
    root: dict[str, str] = {}
    for x in parent:
        chain = [x]
        while chain[-1] not in root and parent.get(chain[-1], chain[-1]) != chain[-1]:
            if len(chain) > len(parent):
                raise ValueError(f"not a union-find: a cycle through {x!r}")
            chain.append(parent[chain[-1]])
        top = root.get(chain[-1], chain[-1])
        root.update(dict.fromkeys(chain, top))
    groups: dict[str, list[str]] = defaultdict(list)
    for x, r in root.items():
        groups[r].append(x)
    return sorted(sorted(g) for g in groups.values() if len(g) >= 2)


def text_dedup_removals(
    ids: Sequence[str],
    kept_ids: Iterable[str],
    clusters: list[list[str]] | None,
    truth: dict[str, Any],
) -> dict[str, Any]:
    """What the peer removed from the corpus, against the planted truth.

    ``removed``: articles not among the kept rows; ``planted_copies``: those of them that are
    planted copies (any kind but the original) — of ``planted_copies_total``;
    ``outside_planted_clusters``: those in no planted story cluster (unique articles lost);
    with the clusters, ``removed_as_duplicates`` (all but one of each cluster) and
    ``removed_otherwise`` (the rest: text-dedup drops texts of fewer than 5 tokens).
    """
    kinds = truth.get("copy_kinds", {})
    clustered = {x for c in truth.get("doc_clusters", []) if len(c) > 1 for x in c}
    kept = set(kept_ids)
    removed = [x for x in ids if x not in kept]
    copies = {x for x, kind in kinds.items() if kind != "original"}
    out: dict[str, Any] = {
        "articles": len(ids),
        "kept": len(ids) - len(removed),
        "removed": len(removed),
        "planted_copies": sum(1 for x in removed if x in copies),
        "planted_copies_total": len(copies),
        "outside_planted_clusters": sum(1 for x in removed if x not in clustered),
        "unknown_kept_ids": len(kept - set(ids)),
    }
    if clusters is not None:
        out["removed_as_duplicates"] = sum(len(c) - 1 for c in clusters)
        out["removed_otherwise"] = out["removed"] - out["removed_as_duplicates"]
    return out


def bench_text_dedup(
    n: int, args: argparse.Namespace, corpus: Corpus, corpus_path: Path, run_dir: Path
) -> tuple[dict[str, Any], str]:
    """Deduplicate the corpus with text-dedup's MinHash (``args.text_dedup``, the peer's
    interpreter), timed like the other tools, and score its clusters; the figures (with
    ``error`` if it failed) and the command as the report shows it."""
    cache, output = run_dir / "text-dedup-cache", run_dir / "text-dedup-out"
    stdout, stderr = run_dir / "text-dedup.stdout", run_dir / "text-dedup.stderr"
    cmd = [
        args.text_dedup,
        "-m",
        "text_dedup.minhash",
        "--path",
        "json",
        "--data_files",
        str(corpus_path),
        "--split",
        "train",
        "--cache_dir",
        str(cache),
        "--output",
        str(output),
        "--column",
        "text",
        "--num_proc",
        str(TEXT_DEDUP_NUM_PROC),
        "--threshold",
        str(args.threshold),
        "--ngram",
        str(TEXT_DEDUP_NGRAM),
        "--num_perm",
        str(TEXT_DEDUP_NUM_PERM),
        "--debug",  # pickles the union-find into the output directory: the clusters
        "--idx_column",
        "id",  # ... keyed by article id
    ]
    env = {**os.environ, **TEXT_DEDUP_ENV}
    shown = " ".join(f"{k}={v}" for k, v in TEXT_DEDUP_ENV.items())
    shown += f" {shlex.join(cmd)} > {shlex.quote(str(stdout))}"
    for d in (cache, output):  # fresh: nothing reused from an earlier run
        shutil.rmtree(d, ignore_errors=True)
    _log(f"text-dedup {n}: {shown}")
    try:
        stats = run_measured(
            cmd, stdout, stderr, REPO, interval=args.interval, label=f"text-dedup {n}", env=env
        )
    except OSError as e:  # no such interpreter
        shutil.rmtree(cache, ignore_errors=True)
        _log(f"text-dedup {n}: FAILED: {e}")
        return {"command": shown, "error": f"could not start: {e}"}, shown
    peer = _speed(stats, n, corpus.bytes)
    peer["command"] = shown
    _log(
        f"text-dedup {n}: {stats.wall_s:.1f} s, {n / stats.wall_s:.0f} articles/s, "
        f"peak RSS {stats.peak_rss_tree_mib:.0f} MiB, exit {stats.returncode}"
    )
    peer["timings"] = parse_text_dedup_timings(stdout.read_text(errors="replace"))
    try:
        if stats.returncode != 0:
            raise ValueError("no output read")
        read = subprocess.run(
            [args.text_dedup, "-c", _TEXT_DEDUP_READER, str(output)],
            capture_output=True,
            text=True,
            cwd=REPO,
            env=env,
        )
        if read.returncode != 0:
            raise ValueError(f"reading it failed: {read.stderr[-1500:]}")
        payload = json.loads(read.stdout)
    except (OSError, ValueError) as e:
        tail = stderr.read_text(errors="replace")[-2000:]
        peer["error"] = f"exit {stats.returncode}; unreadable output ({e}); stderr: {tail}"
        _log(f"text-dedup {n}: FAILED: {peer['error']}")
    else:
        parent = payload.get("parent")
        clusters = clusters_from_parents(parent) if parent is not None else None
        peer["removals"] = text_dedup_removals(
            corpus.ids, payload["kept_ids"], clusters, corpus.truth
        )
        if clusters is not None:
            peer["documents"] = score_pairs(corpus, clusters)
            _log(f"text-dedup {n}: document F1 {_fmt(peer['documents']['f1'])}")
        else:
            peer["documents"] = None
            _log(f"text-dedup {n}: no uf.pkl in {output}: removals counted, pairs not scored")
    finally:
        for d in (cache, output):  # they can be big
            shutil.rmtree(d, ignore_errors=True)
    return peer, shown


def bench_size(
    n: int, args: argparse.Namespace, work: Path, variant: str = "standard"
) -> dict[str, Any]:
    """Generate (or reuse) the corpus of ``n`` articles, run both tools, score them."""
    corpus_dir, gen_cmd, gen_s = ensure_corpus(args.python, n, args.seed, work, variant)
    corpus_path = corpus_dir / "corpus.jsonl"
    run_dir = work / f"run-{_variant_prefix(variant)}{n}-seed{args.seed}"
    run_dir.mkdir(parents=True, exist_ok=True)
    _log(f"corpus {n}: loading truth")
    corpus = load_corpus(corpus_dir)
    result: dict[str, Any] = {
        "articles": n,
        "variant": variant,
        "phrases": read_phrases(corpus_dir),
        "corpus": str(corpus_dir),
        "corpus_bytes": corpus.bytes,
        "corpus_mb": corpus.bytes / 1e6,
        "generate_s": gen_s,
        "truth": {
            **corpus.truth["counts"],
            "rewrite_jaccard_mean": corpus.truth.get("rewrite_jaccard_mean"),
        },
    }

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    dedup_cmd = [
        args.python,
        "-m",
        "dedup",
        "scan",
        str(corpus_path),
        "--format",
        "json",
        "--quiet",
        "--timings",
        *shlex.split(args.dedup_args),
    ]
    findings_path = run_dir / "findings.json"
    _log(f"dedup {n}: {shlex.join(dedup_cmd)}")
    stats = run_measured(
        dedup_cmd,
        findings_path,
        run_dir / "dedup.stderr",
        REPO,
        interval=args.interval,
        label=f"dedup {n}",
        env=env,
    )
    dedup: dict[str, Any] = _speed(stats, n, corpus.bytes)
    _log(
        f"dedup {n}: {stats.wall_s:.1f} s, {n / stats.wall_s:.0f} articles/s, "
        f"peak RSS {stats.peak_rss_tree_mib:.0f} MiB, exit {stats.returncode}"
    )
    doc_clusters: list[list[str]] = []
    try:
        report = json.loads(findings_path.read_text(encoding="utf-8"))
        findings = report["findings"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        tail = (run_dir / "dedup.stderr").read_text(errors="replace")[-2000:]
        dedup["error"] = f"exit {stats.returncode}; unreadable output ({e}); stderr: {tail}"
        _log(f"dedup {n}: FAILED: {dedup['error']}")
    else:
        if stats.returncode != 0:
            dedup["warning"] = f"exit status {stats.returncode}"
        result["dedup_version"] = report.get("dedup_version")
        dedup["stats"] = report.get("stats")
        dedup["document_stage"] = _document_stage(report)
        dedup["finding_counts"] = {
            k: sum(1 for f in findings if f.get("kind") == k)
            for k in (*DOC_KINDS, *PARAGRAPH_KINDS, "boilerplate")
        }
        doc_clusters = [
            sorted({str(loc["id"]) for loc in f.get("locations", []) if loc.get("id") is not None})
            for f in findings
            if f.get("kind") in DOC_KINDS
        ]
        dedup["documents"] = score_pairs(corpus, doc_clusters)
        dedup["paragraphs"] = score_paragraphs(corpus, findings)
        dedup["boilerplate"] = score_boilerplate(corpus, findings)
        _log(
            f"dedup {n}: document F1 {_fmt(dedup['documents']['f1'])}, repeated paragraphs "
            f"{_pct(dedup['paragraphs']['recall'])}, boilerplate lines "
            f"{_pct(dedup['boilerplate']['line_recall'])}"
        )
    result["dedup"] = dedup
    if args.before:
        result["before"] = bench_before(args, corpus_path, run_dir, env)
    if not args.skip_index:
        result["index"] = bench_index(n, args, corpus_path, run_dir, env, dedup)
        if n <= args.held_out_max and not dedup.get("error"):
            result["index"]["held_out"] = held_out_check(
                args, corpus, corpus_path, run_dir, env, doc_clusters
            )

    baseline_out = run_dir / "baseline.json"
    base_cmd = [
        args.python,
        str(HERE / "baseline.py"),
        str(corpus_path),
        "--threshold",
        str(args.threshold),
        "--quiet",
        *shlex.split(args.baseline_args),
    ]
    skip = args.skip_baseline_above is not None and n > args.skip_baseline_above
    if skip:
        _log(f"baseline {n}: skipped (--skip-baseline-above {args.skip_baseline_above})")
        result["baseline"] = None
    else:
        _log(f"baseline {n}: {shlex.join(base_cmd)}")
        stats = run_measured(
            base_cmd,
            baseline_out,
            run_dir / "baseline.stderr",
            REPO,
            interval=args.interval,
            label=f"baseline {n}",
        )
        baseline = _speed(stats, n, corpus.bytes)
        _log(
            f"baseline {n}: {stats.wall_s:.1f} s, {n / stats.wall_s:.0f} articles/s, "
            f"peak RSS {stats.peak_rss_tree_mib:.0f} MiB, exit {stats.returncode}"
        )
        try:
            payload = json.loads(baseline_out.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            tail = (run_dir / "baseline.stderr").read_text(errors="replace")[-2000:]
            baseline["error"] = f"exit {stats.returncode}; unreadable output ({e}); stderr: {tail}"
            _log(f"baseline {n}: FAILED: {baseline['error']}")
        else:
            baseline["timings"] = payload.get("timings")
            baseline["scheme"] = payload.get("scheme")
            baseline["candidate_pairs"] = payload.get("candidate_pairs")
            baseline["documents"] = score_pairs(corpus, payload["clusters"])
            _log(f"baseline {n}: document F1 {_fmt(baseline['documents']['f1'])}")
        result["baseline"] = baseline
        if not dedup.get("error") and not baseline.get("error"):
            result["speed_ratio"] = baseline["wall_s"] / dedup["wall_s"]
    result["commands"] = [
        gen_cmd,
        shlex.join(dedup_cmd) + f" > {shlex.quote(str(findings_path))}",
        None if skip else shlex.join(base_cmd) + f" > {shlex.quote(str(baseline_out))}",
    ]
    if args.text_dedup:
        peer, peer_cmd = bench_text_dedup(n, args, corpus, corpus_path, run_dir)
        result["text_dedup"] = peer
        if not dedup.get("error") and not peer.get("error"):
            result["speed_ratio_text_dedup"] = peer["wall_s"] / dedup["wall_s"]
        result["commands"].append(peer_cmd)
    return result


def _document_stage(report: dict[str, Any]) -> dict[str, Any] | None:
    """The documents stage's time, its candidate pairs and the time per pair, from a scan's
    JSON report written with ``--timings``."""
    seconds = (report.get("timings_s") or {}).get("documents")
    pairs = ((report.get("stats") or {}).get("candidate_pairs") or {}).get("documents")
    if seconds is None or not pairs:
        return None
    return {"seconds": seconds, "pairs": pairs, "us_per_pair": 1e6 * seconds / pairs}


def bench_before(
    args: argparse.Namespace, corpus_path: Path, run_dir: Path, env: dict[str, str]
) -> dict[str, Any]:
    """The same scan by the code of commit ``args.before`` (a git worktree in the work
    directory), for the documents stage's time per candidate pair before and after."""
    tree = args.work_dir / f"before-{args.before}"
    if not tree.exists():
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(tree), args.before],
            cwd=REPO,
            check=True,
            capture_output=True,
        )
    out = run_dir / "before.json"
    cmd = [args.python, "-m", "dedup", "scan", str(corpus_path), "--format", "json"]
    cmd += ["--quiet", "--timings"]
    _log(f"before ({args.before}): {shlex.join(cmd)} (in {tree})")
    stats = run_measured(cmd, out, run_dir / "before.stderr", tree, interval=args.interval,
                         label=f"before {args.before}", env=env)  # fmt: skip
    try:
        stage = _document_stage(json.loads(out.read_text(encoding="utf-8")))
    except (OSError, ValueError) as e:
        return {"rev": args.before, "error": f"exit {stats.returncode}: {e}"}
    return {"rev": args.before, "wall_s": stats.wall_s, "document_stage": stage,
            "command": f"(cd {shlex.quote(str(tree))} && {shlex.join(cmd)})"}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description="Speed and quality benchmark of dedup against a plain datasketch pipeline."
    )
    parser.add_argument(
        "--sizes",
        default="10000,100000",
        help="comma-separated corpus sizes in articles (default: 10000,100000)",
    )
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default: 1)")
    parser.add_argument(
        "--variants",
        default="standard",
        help="comma-separated generator variants, each size run with each (default: standard; "
        "also: phrase-heavy)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=HERE / "RESULTS-bench.md",
        help="Markdown report; the raw figures go next to it as .json",
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=HERE / "work",
        help="corpora and run outputs (default: benchmarks/work)",
    )
    parser.add_argument(
        "--skip-baseline-above",
        type=int,
        default=None,
        metavar="N",
        help="do not run the baseline on corpora of more than N articles",
    )
    parser.add_argument(
        "--threshold", type=float, default=0.5, help="baseline MinHashLSH threshold (default: 0.5)"
    )
    parser.add_argument(
        "--skip-index", action="store_true", help="do not benchmark dedup index and dedup check"
    )
    parser.add_argument(
        "--held-out",
        type=int,
        default=300,
        help="planted copies held out of the index and checked against it (default: 300)",
    )
    parser.add_argument(
        "--held-out-max",
        type=int,
        default=20000,
        help="run the held-out check on corpora of at most this many articles (default: 20000)",
    )
    parser.add_argument(
        "--check-runs",
        type=int,
        default=7,
        help="runs of dedup check and of dedup --version, for their medians (default: 7)",
    )
    parser.add_argument(
        "--dedup-args", default="", help="extra arguments for dedup scan (one shell-quoted string)"
    )
    parser.add_argument(
        "--baseline-args",
        default="",
        help="extra arguments for baseline.py, e.g. '--scheme legacy' (one shell-quoted string)",
    )
    parser.add_argument(
        "--before",
        metavar="REV",
        help="also scan each corpus with the code of git commit REV, for the documents "
        "stage's time per candidate pair before and after",
    )
    parser.add_argument(
        "--text-dedup",
        metavar="PYTHON",
        default=None,
        help="the interpreter of a virtualenv with text-dedup 0.4.0: also deduplicate each "
        f"corpus with its MinHash (threshold --threshold, word {TEXT_DEDUP_NGRAM}-grams, "
        f"{TEXT_DEDUP_NUM_PERM} permutations, {TEXT_DEDUP_NUM_PROC} processes) (default: not run)",
    )
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="interpreter for the subprocesses (default: this one)",
    )
    parser.add_argument(
        "--interval",
        type=float,
        default=0.05,
        help="RSS sampling interval in seconds (default: 0.05)",
    )
    args = parser.parse_args(argv)
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes: not a list of integers: {args.sizes!r}")
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    known = ("standard", "phrase-heavy")  # generate.VARIANTS (not imported: a subprocess runs it)
    if not variants or any(v not in known for v in variants):
        parser.error(f"--variants: not a list of {', '.join(known)}: {args.variants!r}")
    work = args.work_dir
    work.mkdir(parents=True, exist_ok=True)

    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "seed": args.seed,
        "variants": variants,
        "baseline_threshold": args.threshold,
        "dedup_args": args.dedup_args,
        "baseline_args": args.baseline_args,
        "machine": machine_info(),
        "sizes": [],
    }
    if args.text_dedup:
        results["text_dedup"] = text_dedup_info(args.text_dedup, args.threshold)
        _log(f"text-dedup: {results['text_dedup']}")
    failed = False
    for variant, n in ((v, n) for v in variants for n in sizes):
        size = bench_size(n, args, work, variant)
        results["sizes"].append(size)
        results["dedup_version"] = results.get("dedup_version") or size.get("dedup_version")
        failed = failed or bool(size["dedup"].get("error"))
        failed = failed or bool((size.get("baseline") or {}).get("error"))
        failed = failed or bool((size.get("text_dedup") or {}).get("error"))
        args.out.parent.mkdir(parents=True, exist_ok=True)  # write after every size
        args.out.write_text(render_markdown(results), encoding="utf-8")
        args.out.with_suffix(".json").write_text(
            json.dumps(results, indent=1) + "\n", encoding="utf-8"
        )
    _log(f"wrote {args.out} and {args.out.with_suffix('.json')}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
