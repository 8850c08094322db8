"""Where a scan spends its time: per-stage wall time, the work of each step (candidate
pairs, pairs verified, articles prepared, copies), peak memory, and optionally the functions
that cost most (cProfile).

    python benchmarks/profile.py --articles 10000 [--variant phrase-heavy] [--functions 25]
    python benchmarks/profile.py --corpus path/to/corpus.jsonl

The corpus is a generated one (cached under ``benchmarks/work``, as ``bench.py`` makes it)
unless ``--corpus`` names one. The scan runs as its own process (``dedup scan --format json
--timings``), measured like the benchmark's; with ``--functions N`` a second, profiled run
prints the N functions of largest own time (cProfile slows the run down: its times are for
reading the proportions, not the speed).
"""

from __future__ import annotations

import argparse
import json
import pstats
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench import ensure_corpus, run_measured

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _table(report: dict, articles: int, wall: float, rss: float) -> list[str]:
    lines = [
        f"articles: {articles:,}   wall: {wall:.1f} s   articles/s: {articles / wall:,.0f}"
        f"   peak RSS (process tree): {rss:,.0f} MiB",
        "",
        "| stage | seconds | share |",
        "|---|---:|---:|",
    ]
    timings = report.get("timings_s", {})
    total = sum(timings.values()) or 1.0
    for stage, seconds in timings.items():
        lines.append(f"| {stage} | {seconds:.2f} | {seconds / total:.0%} |")
    lines += ["", "| step | count |", "|---|---:|"]
    for stage, counts in report.get("steps", {}).items():
        for name, value in counts.items():
            lines.append(f"| {stage}: {name} | {value:,} |")
    for kind, value in report["stats"]["findings"].items():
        lines.append(f"| findings: {kind} | {value:,} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10000, help="generated corpus size")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--variant", default="standard", help="standard or phrase-heavy")
    parser.add_argument("--corpus", type=Path, help="profile this JSON Lines file instead")
    parser.add_argument("--functions", type=int, default=0, help="also print the top N")
    parser.add_argument("--out", type=Path, help="also write the tables to this file")
    args = parser.parse_args(argv)
    work = HERE / "work"
    work.mkdir(exist_ok=True)
    if args.corpus is None:
        directory, _, _ = ensure_corpus(
            sys.executable, args.articles, args.seed, work, args.variant
        )
        corpus = directory / "corpus.jsonl"
    else:
        corpus = args.corpus
    with tempfile.TemporaryDirectory(prefix="dedup-profile-") as tmp:
        out, err = Path(tmp) / "report.json", Path(tmp) / "stderr"
        cmd = [sys.executable, "-m", "dedup", "scan", str(corpus), "--format", "json"]
        stats = run_measured([*cmd, "--quiet", "--timings"], out, err, ROOT, label="scan")
        if stats.returncode != 0:
            sys.stderr.write(err.read_text())
            return 2
        report = json.loads(out.read_text())
        lines = [f"# profile of `dedup scan {corpus}`", ""]
        lines += _table(report, report["stats"]["articles"], stats.wall_s, stats.peak_rss_tree_mib)
        if args.functions:
            prof = Path(tmp) / "scan.prof"
            subprocess.run(
                [sys.executable, "-m", "cProfile", "-o", str(prof), *cmd[1:], "--quiet"],
                cwd=ROOT,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            listing = Path(tmp) / "functions.txt"
            with listing.open("w") as stream:
                pstats.Stats(str(prof), stream=stream).sort_stats("tottime").print_stats(
                    args.functions
                )
            listed = listing.read_text().strip().splitlines()
            head = next(i for i, line in enumerate(listed) if "ncalls" in line)
            lines += ["", "```", *listed[head:], "```"]
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if args.out:
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
