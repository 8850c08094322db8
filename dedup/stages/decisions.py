"""The document pairs decided so far, as a table: one row per pair, its evidence and the
verifier's probability, in arrays.

A scan of 100,000 articles decides some 300,000 pairs; kept as Python objects (a tuple of
(name, value) per measure and pair), their evidence took most of a gigabyte. Here a pair
costs its row of floats, rows are found for many pairs at once (one binary search), and
the :class:`~dedup.stages.verify.Scores` of a pair are built only for the pairs a report
shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dedup.stages.evidence import Evidence
from dedup.stages.verify import Scores

_NAMES = Evidence.names()
_JACCARD, _CONTAINMENT, _COSINE = (_NAMES.index(k) for k in ("jaccard", "containment", "cosine"))


@dataclass
class Decisions:
    """Decided pairs ``(a, b)``, ``a < b``, of ``n`` articles: their evidence (``matrix``, in
    :meth:`Evidence.names` order) and probability. Rows are added a batch at a time and
    sorted by pair when they are looked up."""

    n: int
    _parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)
    _keys: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    _matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, len(_NAMES))))
    _probability: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def add(self, pairs: np.ndarray, matrix: np.ndarray, probability: np.ndarray) -> None:
        """Record the evidence and probability of ``pairs`` (none of them decided yet)."""
        if pairs.shape[0]:
            self._parts.append((self._key(pairs), matrix, probability))

    def __len__(self) -> int:
        return int(self._keys.size) + sum(part[0].size for part in self._parts)

    def rows(self, pairs: np.ndarray) -> np.ndarray:
        """The row of each of ``pairs`` (``a < b``), or -1 for a pair not decided."""
        self._sort()
        if self._keys.size == 0:
            return np.full(pairs.shape[0], -1, dtype=np.int64)
        keys = self._key(pairs)
        at = np.searchsorted(self._keys, keys)
        at[at == self._keys.size] = 0
        return np.where(self._keys[at] == keys, at, -1)

    def probability(self, rows: np.ndarray) -> np.ndarray:
        """The probability of each of ``rows`` (found by :meth:`rows`)."""
        self._sort()
        return self._probability[rows]

    def scores(self, row: int) -> Scores:
        """The scores of one decided pair, as a report shows them."""
        self._sort()
        values = self._matrix[row]
        return Scores(
            float(values[_JACCARD]),
            float(values[_CONTAINMENT]),
            float(values[_COSINE]),
            float(self._probability[row]),
            tuple(zip(_NAMES, values.tolist(), strict=True)),
        )

    def pairs(self) -> np.ndarray:
        """Every decided pair (rows ``a, b``), in pair order."""
        self._sort()
        return np.stack([self._keys // self.n, self._keys % self.n], axis=1)

    def subset(self, keep: np.ndarray) -> Decisions:
        """The decisions of the rows where ``keep`` (in :meth:`pairs` order) is True."""
        self._sort()
        return Decisions(
            self.n,
            _keys=self._keys[keep],
            _matrix=self._matrix[keep],
            _probability=self._probability[keep],
        )

    def _key(self, pairs: np.ndarray) -> np.ndarray:
        return pairs[:, 0].astype(np.int64) * self.n + pairs[:, 1].astype(np.int64)

    def _sort(self) -> None:
        if not self._parts:
            return
        keys = np.concatenate([self._keys, *(p[0] for p in self._parts)])
        matrix = np.concatenate([self._matrix, *(p[1] for p in self._parts)])
        probability = np.concatenate([self._probability, *(p[2] for p in self._parts)])
        order = np.argsort(keys, kind="stable")
        self._keys, self._matrix = keys[order], matrix[order]
        self._probability = probability[order]
        self._parts = []
