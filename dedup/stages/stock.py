"""Stock phrases: the shingles many unrelated articles share, kept out of the signatures.

Wire stories share stock phrases ("said in a statement", "did not immediately respond to a
request for comment"). The document bands are tuned for a Jaccard of 0.2, which rewrites
need, so two unrelated stories that share a few stock phrases collide, and the candidates
grow with the square of the corpus. A syndicated story shares *long runs* of shingles with
its copies; a stock phrase is a short run inside text of its own.

So before the map, the shingles of a sample of the corpus are counted
(:func:`article_shingles` in each worker, :func:`frequent_shingles` once): a shingle held by
more than ``stock_articles`` of the sampled articles is *frequent*. While fingerprinting, a
frequent shingle is left out of the MinHash signatures when it lies in a run of fewer than
``stock_run`` frequent shingles (:func:`kept_shingles`). A paragraph made of one such run
only (a stock sentence on its own) keeps its paragraph signature, so that it is still found
as a repeated paragraph, but gives nothing to its article's signature.

Exact hashes, the evidence of verification and the boilerplate stage see every shingle:
only which pairs become candidates changes. An index stores the frequent shingles it was
built with (:meth:`StockShingles.encode`), so that a check fingerprints new articles as the
indexed ones were.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from dedup.stages.candidates import sorted_counts, sorted_unique
from dedup.stages.hashmix import U64

_EMPTY = np.zeros(0, dtype=U64)
_EMPTY.flags.writeable = False


@dataclass(frozen=True, slots=True)
class StockShingles:
    """The frequent shingles (sorted, distinct, read-only) and the run length from which a
    run of them stays in the signatures."""

    hashes: np.ndarray = field(default_factory=lambda: _EMPTY)
    run: int = 15

    def __len__(self) -> int:
        return int(self.hashes.size)

    def encode(self) -> bytes:
        """The hashes as stored in an index: little-endian uint64, compressed."""
        return zlib.compress(self.hashes.astype("<u8").tobytes(), 1)

    @classmethod
    def decode(cls, blob: bytes, run: int) -> StockShingles:
        """What :meth:`encode` stored (raises ``ValueError`` on a damaged blob)."""
        try:
            raw = zlib.decompress(blob)
        except zlib.error as error:
            raise ValueError(f"damaged stock shingles: {error}") from None
        if len(raw) % 8:
            raise ValueError("damaged stock shingles: not a whole number of hashes")
        hashes = np.frombuffer(raw, dtype="<u8").astype(U64)
        if hashes.size > 1 and not (hashes[1:] > hashes[:-1]).all():
            raise ValueError("damaged stock shingles: not sorted")
        return of_hashes(hashes, run)


def of_hashes(hashes: np.ndarray, run: int) -> StockShingles:
    """The stock shingles ``hashes`` (made distinct, sorted and read-only; by a sort, not
    ``np.unique``, which imports ``numpy.ma`` at a check's start-up)."""
    distinct = sorted_unique(np.asarray(hashes, dtype=U64))
    distinct.flags.writeable = False
    return StockShingles(distinct, run)


def article_shingles(hashes: np.ndarray, article: np.ndarray) -> np.ndarray:
    """The distinct shingles of each article, concatenated (``article[i]`` holds shingle
    ``hashes[i]``): what a worker sends back for the count of a sample."""
    if hashes.size == 0:
        return _EMPTY
    # One lexsort of (article, hash) then the first of each run: five times faster than
    # ``np.unique(axis=0)`` over the pairs.
    order = np.lexsort((hashes, article))
    hashes, article = hashes[order].astype(U64), article[order]
    first = np.ones(hashes.size, dtype=bool)
    first[1:] = (hashes[1:] != hashes[:-1]) | (article[1:] != article[:-1])
    return hashes[first]


def frequent_shingles(parts: Iterable[np.ndarray], min_articles: int, run: int) -> StockShingles:
    """The shingles held by more than ``min_articles`` articles, counted over ``parts``
    (each the :func:`article_shingles` of some articles; 0 turns stock phrases off)."""
    if min_articles <= 0:
        return StockShingles(run=run)
    chunks = [p for p in parts if p.size]
    if not chunks:
        return StockShingles(run=run)
    values, counts = sorted_counts(np.concatenate(chunks))
    return of_hashes(values[counts > min_articles], run)


@dataclass(frozen=True, slots=True)
class Kept:
    """Which shingles the signatures take: ``shingle`` for the paragraph signatures, and
    ``paragraph_only`` for the paragraphs that are one short stock run (their own signature
    keeps it; their article's leaves them out)."""

    shingle: np.ndarray  # bool, one per shingle
    paragraph_only: np.ndarray  # bool, one per paragraph


def kept_shingles(
    hashes: np.ndarray, paragraph: np.ndarray, n_paragraphs: int, stock: StockShingles
) -> Kept:
    """Leave out of the signatures the frequent shingles in runs of fewer than
    ``stock.run`` (``paragraph`` is non-decreasing: the paragraph of each shingle).

    >>> s = of_hashes(np.array([5, 6], dtype=np.uint64), run=3)
    >>> k = kept_shingles(np.array([1, 5, 6, 2, 5, 6], dtype=np.uint64),
    ...                   np.array([0, 0, 0, 0, 1, 1]), 2, s)
    >>> k.shingle.tolist(), k.paragraph_only.tolist()
    ([True, False, False, True, True, True], [False, True])
    """
    none = np.zeros(n_paragraphs, dtype=bool)
    if len(stock) == 0 or hashes.size == 0:
        return Kept(np.ones(hashes.size, dtype=bool), none)
    at = np.minimum(np.searchsorted(stock.hashes, hashes), stock.hashes.size - 1)
    frequent = stock.hashes[at] == hashes
    if not frequent.any():
        return Kept(np.ones(hashes.size, dtype=bool), none)
    # Runs of equal ``frequent`` inside one paragraph, and the length of each.
    change = np.ones(hashes.size, dtype=bool)
    change[1:] = (frequent[1:] != frequent[:-1]) | (paragraph[1:] != paragraph[:-1])
    run_of = np.cumsum(change) - 1
    length = np.bincount(run_of)[run_of]
    dropped = frequent & (length < stock.run)
    per_paragraph = np.bincount(paragraph, minlength=n_paragraphs)
    whole = np.bincount(paragraph, weights=dropped, minlength=n_paragraphs)
    paragraph_only = (per_paragraph > 0) & (whole == per_paragraph)
    return Kept(~dropped | paragraph_only[paragraph], paragraph_only)
