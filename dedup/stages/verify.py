"""Stage 6, verify: candidate pairs -> scored pairs that pass the duplicate rules.

MinHash LSH proposes; this stage decides, on exact measures:

- **Jaccard** of the word n-gram sets, ``|A ∩ B| / |A ∪ B|``;
- **containment**, ``|A ∩ B| / min(|A|, |B|)``: a brief inside a longer article scores high
  here while its Jaccard stays low (Broder 1997);
- **cosine** of TF-IDF word vectors (scikit-learn's ``TfidfTransformer``), with document
  frequencies counted over the whole corpus: a rewrite keeps the words of the story (names,
  numbers, rare terms) while reordering and rephrasing destroys most of its n-grams.

For paragraphs, the rules that combine them are in :class:`~dedup.config.VerifyConfig`;
documents are decided on richer evidence (:mod:`dedup.stages.evidence`,
:mod:`dedup.stages.verifier`).
Vectors use the same 64-bit word hashes as the fingerprints, folded into ``2**20`` features
(the hashing trick, as scikit-learn's ``HashingVectorizer``), so document frequencies can be
summed shard by shard.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from dedup.config import VerifyConfig
from dedup.stages.csr import Rows, gather, intersections

N_FEATURES = 1 << 20
#: Pairs scored per step (bounds the memory of the sparse row slices).
PAIR_CHUNK = 4096


@dataclass(frozen=True, slots=True)
class Scores:
    """Similarity of a pair; each in [0, 1]. For documents, also the verifier's
    ``probability`` that the pair is a copy and the ``evidence`` it weighed (name, value)."""

    jaccard: float
    containment: float
    cosine: float
    probability: float | None = None
    evidence: tuple[tuple[str, float], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "jaccard": round(self.jaccard, 4),
            "containment": round(self.containment, 4),
            "cosine": round(self.cosine, 4),
        }
        if self.probability is not None:
            out["probability"] = round(self.probability, 4)
        if self.evidence:
            out["evidence"] = {name: round(value, 4) for name, value in self.evidence}
        return out


def exact_jaccard(sets: Rows, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Jaccard and containment (of the smaller set) of each pair of rows of ``sets`` (each
    row's hashes distinct), for all pairs at once.

    Two empty sets score 0, never 1: emptiness is not similarity.

    >>> sets = Rows(np.array([0, 4, 6]), np.array([1, 2, 3, 4, 3, 4], dtype=np.uint64))
    >>> [x.tolist() for x in exact_jaccard(sets, np.array([[0, 1]]))]
    [[0.5], [1.0]]
    """
    shared, size_a, size_b = intersections(sets, pairs[:, 0], pairs[:, 1])
    union = (size_a + size_b).astype(np.float64) - shared
    smaller = np.minimum(size_a, size_b).astype(np.float64)
    zeros = np.zeros(shared.shape, dtype=np.float64)
    return (
        np.divide(shared, union, out=zeros.copy(), where=union > 0),
        np.divide(shared, smaller, out=zeros, where=smaller > 0),
    )


def token_buckets(word_hashes: np.ndarray) -> np.ndarray:
    """Feature index of each word hash (the hashing trick); feature indices map to
    themselves, so a bag may hold either."""
    return (word_hashes % word_hashes.dtype.type(N_FEATURES)).astype(np.int64)


def document_frequencies(word_hashes: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """How many owners (documents) contain each feature: ``int64[N_FEATURES]``."""
    if word_hashes.size == 0:
        return np.zeros(N_FEATURES, dtype=np.int64)
    keys = np.sort(owner.astype(np.int64) * N_FEATURES + token_buckets(word_hashes))
    keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    return np.bincount(keys % N_FEATURES, minlength=N_FEATURES).astype(np.int64)


class TfidfCosine:
    """TF-IDF cosine between bags of word hashes, with corpus-wide document frequencies.

    Follows scikit-learn's conventions: configuration in ``__init__``, learned state
    (``idf_``) set by :meth:`fit` only.
    """

    def __init__(self, sublinear_tf: bool = True) -> None:
        self.sublinear_tf = sublinear_tf

    def fit(self, df: np.ndarray, n_documents: int) -> TfidfCosine:
        """Set the IDF from document frequencies (smooth IDF, as scikit-learn computes it)."""
        self.idf_ = np.log((1.0 + n_documents) / (1.0 + df)) + 1.0
        return self

    def vectors(self, bags: Sequence[np.ndarray]) -> TfidfRows:
        """L2-normalized TF-IDF rows, one per bag of word hashes, each row's columns sorted.

        The same arithmetic, operation by operation, as scikit-learn's
        ``TfidfTransformer(norm="l2", sublinear_tf=...).transform`` with ``idf_`` set, on
        the counts scipy's ``csr_matrix.sum_duplicates`` gives (``tests/test_verify.py``
        checks that the rows are equal bit for bit), without importing scikit-learn or
        scipy, which cost most of a ``dedup check``.
        """
        n = len(bags)
        if n == 0:
            return TfidfRows(np.zeros(1, np.int64), _EMPTY_COLUMNS, np.zeros(0))
        lengths = np.array([bag.size for bag in bags], dtype=np.int64)
        rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
        keys = rows * N_FEATURES + token_buckets(np.concatenate(bags))
        keys, counts = np.unique(keys, return_counts=True)
        row_of = keys // N_FEATURES
        start = np.searchsorted(row_of, np.arange(n + 1)).astype(np.int64)
        columns = keys - row_of * N_FEATURES
        data = counts.astype(np.float64)
        if self.sublinear_tf:
            np.log(data, data)
            data += 1.0
        data *= self.idf_[columns]
        _normalize_rows_l2(data, start)
        return TfidfRows(start, columns, data)

    def cosine(self, bags: Sequence[np.ndarray], pairs: np.ndarray) -> np.ndarray:
        """Cosine for each pair of bag indices (rows of ``pairs``): the products of the
        weights of the columns both rows have, summed in column order by
        ``np.add.reduceat``, as scipy's ``left.multiply(right).sum(axis=1)`` sums them."""
        if pairs.size == 0:
            return np.zeros(0)
        matrix = self.vectors(bags)
        out = np.zeros(pairs.shape[0])
        # In chunks: gathering the rows of every pair at once costs more memory than the
        # vectors themselves.
        for lo in range(0, pairs.shape[0], PAIR_CHUNK):
            chunk = pairs[lo : lo + PAIR_CHUNK]
            out[lo : lo + chunk.shape[0]] = _dot(matrix, chunk[:, 0], chunk[:, 1])
        return out.clip(0.0, 1.0)


class TfidfRows(NamedTuple):
    """TF-IDF rows as CSR columns: row ``i`` has weights ``weights[start[i]:start[i + 1]]``
    at feature columns ``columns[...]`` (sorted within the row)."""

    start: np.ndarray  # int64[rows + 1]
    columns: np.ndarray  # int64
    weights: np.ndarray  # float64


_EMPTY_COLUMNS = np.zeros(0, dtype=np.int64)


def _dot(matrix: TfidfRows, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Dot product of rows ``left[k]`` and ``right[k]`` of ``matrix``, for each ``k``."""
    l_cols, l_owner, l_pos = gather(matrix.start, matrix.columns, left)
    r_cols, r_owner, r_pos = gather(matrix.start, matrix.columns, right)
    out = np.zeros(left.size)
    if l_cols.size == 0 or r_cols.size == 0:
        return out
    held = r_owner * N_FEATURES + r_cols  # sorted: by pair, then by column
    wanted = l_owner * N_FEATURES + l_cols
    found = np.searchsorted(held, wanted)
    found[found == held.size] = 0
    hit = np.flatnonzero(held[found] == wanted)
    if hit.size == 0:
        return out
    l_weight = matrix.weights[matrix.start[left][l_owner[hit]] + l_pos[hit]]
    r_at = found[hit]
    r_weight = matrix.weights[matrix.start[right][r_owner[r_at]] + r_pos[r_at]]
    products = l_weight * r_weight
    owner = l_owner[hit]
    first = np.flatnonzero(np.concatenate(([True], owner[1:] != owner[:-1])))
    out[owner[first]] = np.add.reduceat(products, first)
    return out


#: Rows summed at a time by :func:`_normalize_rows_l2` (rows of similar length together).
_NORM_ROWS = 256


def _normalize_rows_l2(data: np.ndarray, indptr: np.ndarray) -> None:
    """Divide each CSR row of ``data`` by its L2 norm, in place, as scikit-learn's
    ``inplace_csr_row_normalize_l2`` does: the squares are summed in row order, one by one
    (numpy's pairwise sums would round differently), and an all-zero row is left alone.

    The sequential sums are running sums (``cumsum`` along rows padded with zeros at the
    end, which add nothing), for a few hundred rows of similar length at a time.
    """
    lengths = np.diff(indptr)
    squares = data * data
    sums = np.zeros(lengths.size)
    order = np.argsort(lengths, kind="stable")
    order = order[lengths[order] > 0]
    for lo in range(0, order.size, _NORM_ROWS):
        rows = order[lo : lo + _NORM_ROWS]
        width = int(lengths[rows[-1]])  # the longest of these rows
        columns = np.arange(width)
        inside = columns[None, :] < lengths[rows, None]
        positions = np.where(inside, indptr[rows, None] + columns[None, :], 0)
        padded = np.where(inside, squares[positions], 0.0)
        sums[rows] = np.cumsum(padded, axis=1)[:, -1]
    norms = np.sqrt(sums)
    norms[sums == 0.0] = 1.0
    data /= np.repeat(norms, lengths)


def is_near_paragraph(s: Scores, config: VerifyConfig) -> bool:
    """The paragraph rules of :class:`~dedup.config.VerifyConfig`."""
    if s.jaccard >= config.paragraph_jaccard:
        return True
    return s.cosine >= config.paragraph_cosine and s.jaccard >= config.paragraph_rewrite_jaccard


def near_paragraph_mask(
    jaccard: np.ndarray, cosine: np.ndarray, config: VerifyConfig
) -> np.ndarray:
    """:func:`is_near_paragraph` over arrays of scores (for evaluation sweeps)."""
    return (jaccard >= config.paragraph_jaccard) | (
        (cosine >= config.paragraph_cosine) & (jaccard >= config.paragraph_rewrite_jaccard)
    )
