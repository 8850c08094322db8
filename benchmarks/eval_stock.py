"""Stock phrases on real text: the BBC stories clustered with and without them.

Usage::

    python benchmarks/eval_stock.py [--out FILE]

The 2,225 BBC stories (``../shared/datasets/bbc-news-pairs``) are fewer than the default
sample (``--stock-sample``), so a scan of them counts no stock phrases at all. Here they are
counted anyway, on samples of 2,000 and 2,225 stories, at the default share (more than 10 of
5,000 sampled articles: 0.2 %) and at a looser one, and the document clusters are scored on
the 246 labelled pairs as ``benchmarks/eval_verifier.py`` scores the shipped model: a pair is
predicted a copy when its two stories land in one cluster. The figures say whether leaving
stock phrases out of the signatures loses a copy on real news, and how many candidates it
saves.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks import verifier_pairs as vp  # noqa: E402
from dedup.config import MinHashConfig, ScanConfig  # noqa: E402
from dedup.stages.documents import document_clusters  # noqa: E402

SETTINGS = [
    ("off (`--stock-articles 0`)", MinHashConfig(stock_articles=0)),
    ("sample 2,000, more than 4 (0.2 %)", MinHashConfig(stock_sample=2000, stock_articles=4)),
    ("sample 2,225, more than 4 (0.2 %)", MinHashConfig(stock_sample=2225, stock_articles=4)),
    ("sample 2,225, more than 10 (0.45 %)", MinHashConfig(stock_sample=2225, stock_articles=10)),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    if not vp.bbc_available():
        print("eval_stock: ../shared/datasets/bbc-news-pairs is not there; nothing to do")
        return 0
    records = [json.loads(line) for line in (vp.BBC / "pairs.jsonl").open(encoding="utf-8")]
    gold = np.array([r["label"] == "copy" for r in records])
    lines = [
        "## Stock phrases on the BBC stories",
        "",
        f"`python benchmarks/eval_stock.py`, {time.strftime('%Y-%m-%d')}: the 2,225 stories "
        "clustered by the shipped model; 246 labelled pairs (76 copies).",
        "",
        "| stock phrases | candidate pairs | verified | TP | FP | FN | stories in a cluster |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, minhash in SETTINGS:
        config = ScanConfig(minhash=minhash)
        corpus = vp.read_corpus(vp.BBC / "bbc.jsonl", config)
        docs = document_clusters(corpus, config)
        index = {d.id: i for i, d in enumerate(corpus.documents)}
        rows = np.array([[index[r["a"]], index[r["b"]]] for r in records])
        same = docs.cluster_of[rows[:, 0]] == docs.cluster_of[rows[:, 1]]
        clustered = int(np.bincount(docs.cluster_of)[docs.cluster_of].__gt__(1).sum())
        lines.append(
            f"| {label} | {docs.candidate_pairs:,} | {docs.steps.get('verified', 0):,} "
            f"| {int((same & gold).sum())} | {int((same & ~gold).sum())} "
            f"| {int((~same & gold).sum())} | {clustered:,} |"
        )
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
