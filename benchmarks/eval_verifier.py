"""Copy or look-alike: the document verifier on real and generated pairs (issue 11).

Usage::

    python benchmarks/eval_verifier.py [--sizes 10000,100000] [--seed 1] [--json FILE]
        [--out FILE]

Two parts, both on pairs no model they score was fitted on:

1. **BBC** (``../shared/datasets/bbc-news-pairs``): for each of 5 folds of the labelled
   pairs (split by connected component), a model fitted as the shipped one is (generated
   pairs, and the BBC pairs of the other folds) clusters all 2,225 stories; a pair is
   predicted a copy when its two stories land in one cluster. Beside it: the shipped model on
   every pair (fitted on them: not a held-out figure), exact 5-gram Jaccard >= 0.8 (the
   text-dedup/datatrove setting), and how many predicted pairs fall outside the labelled ones.
2. **Generated** corpora (``--seed``, not a training seed), scanned whole with the shipped
   model: pairs joined among template instances and among related stories (should be 0),
   recall of every copy kind, and of noisy reprints by noise level and by share kept.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks import verifier_pairs as vp  # noqa: E402
from benchmarks.common import jaccard as set_jaccard  # noqa: E402
from benchmarks.common import ngrams, word_tokens  # noqa: E402
from dedup.flow import pipeline  # noqa: E402
from dedup.stages.documents import document_clusters, document_pairs  # noqa: E402

_WORD = re.compile(r"\w+")


def _row(label: str, m: dict[str, Any]) -> str:
    return (
        f"| {label} | {m['precision']:.3f} | {m['recall']:.3f} | {m['tp']} | {m['fp']} "
        f"| {m['fn']} |"
    )


def bbc_section(config: Any) -> dict[str, Any]:
    generated = vp.training_pairs(config)
    held_out = vp.bbc_held_out(generated, config)
    bbc, corpus, records = vp.bbc_pairs(config)
    docs = document_clusters(corpus, config)
    index = {d.id: i for i, d in enumerate(corpus.documents)}
    rows = np.array([[index[r["a"]], index[r["b"]]] for r in records])
    same = docs.cluster_of[rows[:, 0]] == docs.cluster_of[rows[:, 1]]
    gold = bbc.labels
    texts = {d.id: corpus.document(i).text for i, d in enumerate(corpus.documents)}
    shingles = {k: ngrams(word_tokens(v), 5) for k, v in texts.items()}
    jaccard = np.array([set_jaccard(shingles[r["a"]], shingles[r["b"]]) for r in records])
    labelled = {frozenset((r["a"], r["b"])) for r in records}
    groups: dict[int, list[str]] = defaultdict(list)
    for i, c in enumerate(docs.cluster_of.tolist()):
        groups[c].append(corpus.documents[i].id)
    predicted = [frozenset(p) for g in groups.values() for p in combinations(g, 2)]
    sure = np.array([bool(r["sure"]) for r in records])
    return {
        "held_out": held_out,
        "held_out_sure": _sure_figures(held_out, records),
        "shipped_in_sample": _metrics(same, gold),
        "minhash_5gram_jaccard_0.8": _metrics(jaccard >= 0.8, gold),
        "predicted_pairs": len(predicted),
        "predicted_outside_labelled": sum(1 for p in predicted if p not in labelled),
        "sure_pairs": int(sure.sum()),
    }


def _sure_figures(held_out: dict[str, Any], records: list[dict]) -> dict[str, Any]:
    """The held-out figures on the pairs the labeller was sure of."""
    wrong = {(e["a"], e["b"]) for e in held_out["errors"]}
    tp = fp = fn = 0
    for r in records:
        if not r["sure"]:
            continue
        error = (r["a"], r["b"]) in wrong
        copy = r["label"] == "copy"
        tp += copy and not error
        fn += copy and error
        fp += (not copy) and error
    return {"tp": tp, "fp": fp, "fn": fn, **_pr(tp, fp, fn)}


def _pr(tp: int, fp: int, fn: int) -> dict[str, float]:
    return {
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
    }


def _metrics(predicted: np.ndarray, gold: np.ndarray) -> dict[str, Any]:
    tp = int((predicted & gold).sum())
    fp = int((predicted & ~gold).sum())
    fn = int((~predicted & gold).sum())
    return {"tp": tp, "fp": fp, "fn": fn, **_pr(tp, fp, fn)}


def generated_section(articles: int, seed: int, config: Any) -> dict[str, Any]:
    from benchmarks import generate

    records, truth = generate.generate(articles, seed)
    with tempfile.TemporaryDirectory(prefix="dedup-eval-verifier-") as tmp:
        generate.write(records, truth, Path(tmp))
        start = time.perf_counter()
        result = pipeline.scan([str(Path(tmp) / "corpus.jsonl")], config=config)
        wall = time.perf_counter() - start
    docs = result.corpus.documents
    cluster = dict(zip((d.id for d in docs), result.documents.cluster_of.tolist(), strict=True))

    def joined(group: list[str]) -> int:
        return sum(1 for a, b in combinations(group, 2) if cluster[a] == cluster[b])

    kinds = truth["copy_kinds"]
    details = truth.get("copy_details", {})
    # What the candidate stage itself proposes (before any decision), for the noisy reprints.
    _, unit, pairs, _ = document_pairs(result.corpus, config)
    proposed = set(map(tuple, pairs.tolist()))
    row_of = {d.id: i for i, d in enumerate(docs)}

    def candidate(a: str, b: str) -> bool:
        i, j = sorted((int(unit[row_of[a]]), int(unit[row_of[b]])))
        return i == j or (i, j) in proposed

    offered: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    noise: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    kept: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for members in truth["doc_clusters"]:
        original = next(m for m in members if kinds[m] == "original")
        for m in members:
            if m == original:
                continue
            found = cluster[m] == cluster[original]
            by_kind[kinds[m]][0] += found
            by_kind[kinds[m]][1] += 1
            if kinds[m] == "noisy":
                d = details[m]
                noise[f"{d['noise']:.3f}"][0] += found
                offered[f"{d['noise']:.3f}"][0] += candidate(original, m)
                offered[f"{d['noise']:.3f}"][1] += 1
                noise[f"{d['noise']:.3f}"][1] += 1
                bucket = "<0.5" if d["kept"] < 0.5 else "0.5-0.8" if d["kept"] < 0.8 else ">=0.8"
                kept[bucket][0] += found
                kept[bucket][1] += 1
    templates = truth.get("template_groups", [])
    related = truth.get("related_groups", [])
    noisy_found = sum(v[0] for v in noise.values())
    noisy_all = sum(v[1] for v in noise.values())
    return {
        "articles": articles,
        "seed": seed,
        "scan_wall_s": round(wall, 1),
        "template_instances": sum(len(g) for g in templates),
        "template_pairs_joined": sum(joined(g) for g in templates),
        "related_stories": sum(len(g) for g in related),
        "related_pairs_joined": sum(joined(g) for g in related),
        "recall_by_kind": {k: {"found": f, "copies": n} for k, (f, n) in sorted(by_kind.items())},
        "noisy_by_noise": {k: {"found": f, "copies": n} for k, (f, n) in sorted(noise.items())},
        "noisy_by_kept": {k: {"found": f, "copies": n} for k, (f, n) in sorted(kept.items())},
        "noisy_recall": noisy_found / noisy_all if noisy_all else None,
        "noisy_candidates": {k: {"found": f, "copies": n} for k, (f, n) in sorted(offered.items())},
        "candidate_pairs": result.report.candidate_pairs,
        "timings_s": {k: round(v, 2) for k, v in result.report.timings.items()},
    }


def render(results: dict[str, Any]) -> list[str]:
    """The Markdown section for ``benchmarks/RESULTS.md``."""
    out = ["## Copy or look-alike: the document verifier (issue 11)", ""]
    bbc = results.get("bbc")
    if bbc is not None:
        h, s = bbc["held_out"], bbc["held_out_sure"]
        out += [
            "BBC labelled pairs (246: 76 copies), each scored by a model fitted without it "
            f"({h['folds']} folds by story; thresholds {h['thresholds']}):",
            "",
            "| system | precision | recall | TP | FP | FN |",
            "|---|---:|---:|---:|---:|---:|",
            _row("dedup, held out", h),
            _row(f"...pairs labelled sure ({bbc['sure_pairs']})", s),
        ]
        for name, label in (
            ("shipped_in_sample", "dedup, shipped model (fitted on these pairs: not held out)"),
            ("minhash_5gram_jaccard_0.8", "exact word 5-gram Jaccard >= 0.8"),
        ):
            out.append(_row(label, bbc[name]))
        out += [
            "",
            f"The shipped model puts {bbc['predicted_pairs']} pairs of the 2,225 stories in "
            f"one cluster; {bbc['predicted_outside_labelled']} of them are not labelled pairs.",
            "",
            "Held-out errors:",
            "",
            "| pair | label | labeller sure | predicted copy |",
            "|---|---|---|---|",
        ]
        out += [
            f"| {e['a']} / {e['b']} | {e['label']} | {'yes' if e['sure'] else 'no'} | "
            f"{'yes' if e['predicted'] else 'no'} |"
            for e in h["errors"]
        ]
        out.append("")
    for g in results.get("generated", []):
        out += [
            f"Generated corpus, {g['articles']:,} articles (seed {g['seed']}), scanned whole "
            f"({g['scan_wall_s']} s):",
            "",
            f"- template instances: {g['template_instances']:,}, pairs joined: "
            f"**{g['template_pairs_joined']}**; related stories: {g['related_stories']:,}, "
            f"pairs joined: **{g['related_pairs_joined']}**",
            "- recall by copy kind: "
            + ", ".join(
                f"{k} {v['found']}/{v['copies']} ({v['found'] / v['copies']:.3f})"
                for k, v in g["recall_by_kind"].items()
            ),
            "- noisy reprints by character noise: "
            + ", ".join(f"{k}: {v['found']}/{v['copies']}" for k, v in g["noisy_by_noise"].items()),
            "- noisy reprints by share of words kept: "
            + ", ".join(f"{k}: {v['found']}/{v['copies']}" for k, v in g["noisy_by_kept"].items()),
            f"- noisy reprints, all: recall **{g['noisy_recall']:.3f}**",
            "- ...proposed by the candidate stage (LSH bands of documents and of long "
            "paragraphs), by character noise: "
            + ", ".join(
                f"{k}: {v['found']}/{v['copies']}" for k, v in g["noisy_candidates"].items()
            )
            + f"; all: {sum(v['found'] for v in g['noisy_candidates'].values())}/"
            f"{sum(v['copies'] for v in g['noisy_candidates'].values())}",
            "",
        ]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--out", type=Path, help="write the Markdown here (default: stdout)")
    parser.add_argument("--no-bbc", action="store_true")
    args = parser.parse_args(argv)
    config = vp.default_config()
    results: dict[str, Any] = {}
    if not args.no_bbc and vp.bbc_available():
        results["bbc"] = bbc_section(config)
    results["generated"] = [
        generated_section(int(n), args.seed, config) for n in args.sizes.split(",") if n
    ]
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    command = "python benchmarks/eval_verifier.py " + " ".join(argv or sys.argv[1:])
    text = "\n".join(
        [*render(results), "", f"`{command.strip()}`, {time.strftime('%Y-%m-%d')}.", ""]
    )
    if args.out is None:
        print(text)
    else:
        temp = args.out.with_name(f".{args.out.name}.tmp")
        temp.write_text(text, encoding="utf-8")
        temp.replace(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
