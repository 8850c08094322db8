"""The "plain datasketch pipeline" that ``dedup`` is compared with.

Per article: normalize (lowercase, collapse whitespace), take word 3-gram shingles, build a
``MinHash(num_perm=128, seed=1)`` with one ``m.update(shingle.encode("utf-8"))`` call per
shingle (deliberately the per-token pure-Python way, as most tutorials do it), insert every
MinHash into a ``MinHashLSH(threshold=T, num_perm=128)`` through an insertion session, query
each article for candidates (no verification), and union-find the candidate pairs into
clusters. The predicted duplicate pairs are all the pairs inside each cluster.

Usage::

    python benchmarks/baseline.py CORPUS.jsonl [--threshold 0.5] [--out pairs.json]

reads JSON Lines records with ``id`` and ``text`` and writes (to ``--out``, else stdout) a
JSON object with ``clusters`` (lists of ids), ``pairs`` (sorted id pairs) and ``timings``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from datasketch import MinHash, MinHashLSH

from dedup.stages.cluster import components

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import ngrams, split_words

NUM_PERM = 128
DEFAULT_THRESHOLD = 0.5


def normalize(text: str) -> list[str]:
    """Lowercase and split on whitespace.

    >>> normalize("  Le  CHAT\\n dort ")
    ['le', 'chat', 'dort']
    """
    return split_words(text)


def shingles(words: list[str], n: int = 3) -> set[str]:
    """Word ``n``-gram shingles; a text shorter than ``n`` words is one shingle.

    >>> sorted(shingles(["a", "b", "c", "d"]))
    ['a b c', 'b c d']
    >>> shingles(["a", "b"])
    {'a b'}
    """
    return ngrams(words, n)


def minhash(text: str, scheme: str | None = None, ngram: int = 3) -> MinHash:
    """The MinHash of an article's shingles, one ``update`` call per shingle.

    ``scheme`` is datasketch's permutation scheme (``None``: the library's default, which is
    ``affine32`` in datasketch 2.0; ``legacy`` is the scheme of datasketch 1.x).
    """
    m = MinHash(num_perm=NUM_PERM, seed=1, **({"scheme": scheme} if scheme else {}))
    for shingle in shingles(normalize(text), ngram):
        m.update(shingle.encode("utf-8"))
    return m


@dataclass
class BaselineResult:
    """Clusters (lists of ids), the pairs inside them, and how long each stage took."""

    clusters: list[list[str]]
    pairs: set[tuple[str, str]]
    candidate_pairs: int
    articles: int
    scheme: str
    timings: dict[str, float] = field(default_factory=dict)


def read_jsonl(path: Path) -> Iterator[tuple[str, str]]:
    """``(id, text)`` of every record of a JSON Lines file (blank lines skipped)."""
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if line.strip():
                record = json.loads(line)
                yield str(record.get("id", number)), record.get("text") or ""


@dataclass(frozen=True)
class Peer:
    """How the MinHashes are made: ``bulk`` (``MinHash.bulk`` over every article's shingles,
    datasketch's fast path) or one ``update`` per shingle, on word ``ngram``-grams."""

    bulk: bool = False
    ngram: int = 3
    scheme: str | None = None


#: MinHashes made by one ``MinHash.bulk`` call.
BULK_ARTICLES = 2000


def _minhashes(texts: list[str], peer: Peer) -> list[MinHash]:
    if not peer.bulk:
        return [minhash(text, peer.scheme, peer.ngram) for text in texts]
    sets = [[s.encode("utf-8") for s in shingles(normalize(t), peer.ngram)] for t in texts]
    extra = {"scheme": peer.scheme} if peer.scheme else {}
    return list(MinHash.bulk(sets, num_perm=NUM_PERM, seed=1, **extra))


def run_baseline(
    articles: Iterable[tuple[str, str]],
    threshold: float = DEFAULT_THRESHOLD,
    progress: bool = False,
    peer: Peer = Peer(),
) -> BaselineResult:
    """Run the plain MinHash-LSH pipeline over ``(id, text)`` pairs."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    ids: list[str] = []
    hashes: list[MinHash] = []
    batch: list[str] = []
    for doc_id, text in articles:
        ids.append(doc_id)
        batch.append(text)
        if len(batch) == BULK_ARTICLES:
            hashes.extend(_minhashes(batch, peer))
            batch = []
            if progress and len(ids) % 10_000 == 0:
                rate = len(ids) / (time.perf_counter() - t0)
                print(f"baseline: {len(ids)} MinHashes ({rate:.0f}/s)", file=sys.stderr)
    hashes.extend(_minhashes(batch, peer))
    timings["minhash"] = time.perf_counter() - t0

    t = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    with lsh.insertion_session() as session:
        for key, m in enumerate(hashes):
            session.insert(key, m)
    timings["lsh_insert"] = time.perf_counter() - t

    t = time.perf_counter()
    edges: list[tuple[int, int]] = []
    for key, m in enumerate(hashes):
        edges.extend((key, other) for other in lsh.query(m) if other != key)
    candidates = len(edges)
    timings["lsh_query"] = time.perf_counter() - t

    t = time.perf_counter()
    # Union-find over the raw LSH candidates (no verification): dedup's own connected
    # components, which chain exactly as a plain union-find does.
    clusters = sorted(sorted(ids[i] for i in g) for g in components(edges))
    pairs = {pair for c in clusters for pair in combinations(c, 2)}
    timings["cluster"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0
    used = str(hashes[0].scheme) if hashes else (peer.scheme or "default")
    return BaselineResult(clusters, pairs, candidates // 2, len(ids), used, timings)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description="Plain datasketch MinHash-LSH near-duplicate baseline (JSON Lines input)."
    )
    parser.add_argument("corpus", type=Path, help="JSON Lines file with id and text fields")
    parser.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        help=f"MinHashLSH Jaccard threshold (default: {DEFAULT_THRESHOLD})",
    )
    parser.add_argument(
        "--scheme",
        help="datasketch MinHash permutation scheme (default: the library's; 2.0: affine32)",
    )
    parser.add_argument("--bulk", action="store_true", help="MinHash.bulk, not one update each")
    parser.add_argument("--ngram", type=int, default=3, help="word n-gram size (default: 3)")
    parser.add_argument("--out", type=Path, help="output JSON file (default: stdout)")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    result = run_baseline(
        read_jsonl(args.corpus),
        args.threshold,
        progress=not args.quiet,
        peer=Peer(args.bulk, args.ngram, args.scheme),
    )
    payload = {
        "threshold": args.threshold,
        "num_perm": NUM_PERM,
        "scheme": result.scheme,
        "bulk": args.bulk,
        "ngram": args.ngram,
        "articles": result.articles,
        "candidate_pairs": result.candidate_pairs,
        "clusters": result.clusters,
        "pairs": sorted(result.pairs),
        "timings": {k: round(v, 3) for k, v in result.timings.items()},
    }
    text = json.dumps(payload, ensure_ascii=False)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
    if not args.quiet:
        elapsed = time.perf_counter() - t0
        print(
            f"baseline: {result.articles} articles in {elapsed:.1f} s "
            f"({result.articles / max(elapsed, 1e-9):.0f} articles/s), "
            f"{len(result.clusters)} clusters, {len(result.pairs)} pairs",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
