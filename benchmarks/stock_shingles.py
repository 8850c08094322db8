"""Experiment (not used by dedup): how many document candidates stock phrases make, and what
leaving them out of the document signatures would cost in recall.

Unrelated wire stories that share stock phrases collide in the document LSH bands (the
bands are tuned for a Jaccard of 0.2, so that rewrites collide too). This script rebuilds
the document signatures of a generated corpus from its body shingles, leaving out the
shingles found in more than ``T`` articles when they lie in a run of fewer than ``L`` such
shingles (a stock phrase or sentence; a syndicated story's paragraphs are long runs and
stay), and reports for each ``(T, L)`` the document LSH candidates, the candidates with the
pairs of shared long paragraphs, those left after the containment screen, and the share of
the planted copy pairs each set holds.

    python benchmarks/stock_shingles.py --articles 10000 --variant phrase-heavy

It reads the whole corpus in one process; a real implementation needs the corpus-wide
shingle frequencies before the signatures (a second pass over the shards) and, for
``dedup check``, the frequent shingles stored in the index.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench import ensure_corpus
from dedup.config import ScanConfig
from dedup.corpus import Corpus
from dedup.flow.executor import map_shards
from dedup.io import inputs
from dedup.stages import candidates
from dedup.stages import fingerprint as fp
from dedup.stages.normalize import fold_case

HERE = Path(__file__).resolve().parent
SETTINGS = [(None, 0), (50, 0), (50, 15), (20, 15)]


def _run_lengths(flag: np.ndarray, group: np.ndarray) -> np.ndarray:
    """The length of the run of equal ``flag`` (within one ``group``) each element is in."""
    change = np.ones(flag.size, dtype=bool)
    change[1:] = (flag[1:] != flag[:-1]) | (group[1:] != group[:-1])
    run = np.cumsum(change) - 1
    return np.bincount(run)[run]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--variant", default="phrase-heavy")
    args = parser.parse_args()
    directory, _, _ = ensure_corpus(
        sys.executable, args.articles, args.seed, HERE / "work", args.variant
    )
    cfg = ScanConfig()
    files, _ = inputs.expand_paths([str(directory / "corpus.jsonl")], False)
    shards = list(inputs.plan_shards(files, cfg.load, cfg.batch_size, None, "-"))
    corpus = Corpus.gather(map_shards(shards, cfg), None, 0, cfg.load)
    n = len(corpus.documents)
    ids = np.arange(n)
    max_bucket = cfg.minhash.max_bucket
    long_par = np.flatnonzero(
        (corpus.pars.tokens > cfg.boilerplate.max_tokens) & ~corpus.pars.title
    )
    shared = np.sort(
        corpus.pars.doc[candidates.lsh_pairs(corpus.pars.bands, max_bucket, long_par)], axis=1
    )
    from_paragraphs = candidates.unique_pairs([shared[shared[:, 0] != shared[:, 1]]])

    index = {d.id: i for i, d in enumerate(corpus.documents)}
    truth = json.loads((directory / "truth.json").read_text(encoding="utf-8"))
    planted = set()
    for cluster in truth["doc_clusters"]:
        members = sorted(index[a] for a in cluster if a in index)
        planted |= {(a, b) for k, a in enumerate(members) for b in members[k + 1 :]}

    def recall(pairs: np.ndarray) -> float:
        return len(planted & set(map(tuple, pairs.tolist()))) / max(len(planted), 1)

    norms, owner = [], []
    for d in range(n):
        base = int(corpus.first_par[d])
        for k, form in enumerate(corpus.forms(d)):
            if not corpus.pars.title[base + k]:
                norms.append(fold_case(form))
                owner.append(d)
    sh = fp.shingles(fp.word_hashes(norms), cfg.minhash.ngram_size)
    sh_doc = np.array(owner, dtype=np.int64)[sh.paragraph]
    distinct = np.unique(np.stack([sh_doc.astype(np.uint64), sh.hashes], axis=1), axis=0)
    values, df = np.unique(distinct[:, 1], return_counts=True)
    occurrence_df = df[np.searchsorted(values, sh.hashes)]
    bands, rows = fp.lsh_params(cfg.minhash.doc_threshold, cfg.minhash.num_perm)
    print(
        f"{n:,} articles, {len(planted):,} planted copy pairs; "
        f"{from_paragraphs.shape[0]:,} pairs from shared long paragraphs"
    )
    print(
        "| left out | kept shingles | doc LSH pairs (recall) | with paragraphs (recall) "
        "| screened (recall) |"
    )
    print("|---|---:|---:|---:|---:|")
    for most, run in SETTINGS:
        frequent = occurrence_df > most if most is not None else np.zeros(sh.hashes.size, bool)
        keep = ~frequent | (_run_lengths(frequent, sh.paragraph) >= run) if run else ~frequent
        kept = fp.Shingles(sh.hashes[keep], sh_doc[keep])
        signature = fp.signatures(kept, n, cfg.minhash.num_perm, cfg.minhash.seed)
        lsh = candidates.lsh_pairs(
            fp.band_keys(signature, bands, rows, dtype=np.uint32), max_bucket, ids
        )
        both = candidates.unique_pairs([lsh, from_paragraphs])
        words = np.maximum(np.bincount(kept.paragraph, minlength=n), 1)
        estimate = candidates.estimated_containment(signature, words, both)
        screened = both[estimate >= cfg.minhash.screen_containment]
        label = "nothing" if most is None else f"df > {most}" + (f", runs < {run}" if run else "")
        print(
            f"| {label} | {keep.mean():.1%} | {lsh.shape[0]:,} ({recall(lsh):.3f}) | "
            f"{both.shape[0]:,} ({recall(both):.3f}) | {screened.shape[0]:,} "
            f"({recall(screened):.3f}) |"
        )


if __name__ == "__main__":
    main()
