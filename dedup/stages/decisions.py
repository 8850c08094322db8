"""Pairs scored so far, as tables: one row per pair and its values in arrays.

A scan of 100,000 articles decides some 300,000 document pairs and scores as many paragraph
pairs; kept as Python objects (a tuple of (name, value) per measure and pair), their
evidence took most of a gigabyte. Here a pair costs its row of floats, rows are found for
many pairs at once (one binary search), and the :class:`~dedup.stages.verify.Scores` of a
pair are built only for the pairs a report shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dedup.stages.evidence import Evidence
from dedup.stages.verify import Scores

_NAMES = Evidence.names()
_JACCARD, _CONTAINMENT, _COSINE = (_NAMES.index(k) for k in ("jaccard", "containment", "cosine"))


@dataclass
class PairTable:
    """Pairs ``(a, b)``, ``a < b``, of ``n`` items, with a row of ``width`` values each. Rows
    are added a batch at a time and sorted by pair when they are looked up."""

    n: int
    width: int
    _parts: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    _keys: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    _values: np.ndarray | None = None

    def add(self, pairs: np.ndarray, values: np.ndarray) -> None:
        """Record the values of ``pairs`` (none of them recorded yet)."""
        if pairs.shape[0]:
            self._parts.append((self._key(pairs), values.reshape(pairs.shape[0], self.width)))

    def __len__(self) -> int:
        return int(self._keys.size) + sum(part[0].size for part in self._parts)

    def rows(self, pairs: np.ndarray) -> np.ndarray:
        """The row of each of ``pairs`` (``a < b``), or -1 for a pair not recorded."""
        self._sort()
        if self._keys.size == 0:
            return np.full(pairs.shape[0], -1, dtype=np.int64)
        keys = self._key(pairs)
        at = np.searchsorted(self._keys, keys)
        at[at == self._keys.size] = 0
        return np.where(self._keys[at] == keys, at, -1)

    def values(self, rows: np.ndarray | None = None) -> np.ndarray:
        """The values of ``rows`` (found by :meth:`rows`), or of every row."""
        self._sort()
        assert self._values is not None
        return self._values if rows is None else self._values[rows]

    def pairs(self) -> np.ndarray:
        """Every pair recorded (rows ``a, b``), in pair order."""
        self._sort()
        return np.stack([self._keys // self.n, self._keys % self.n], axis=1)

    def subset(self, keep: np.ndarray) -> PairTable:
        """The rows where ``keep`` (in :meth:`pairs` order) is True."""
        return PairTable(self.n, self.width, _keys=self._keys[keep], _values=self.values()[keep])

    def _key(self, pairs: np.ndarray) -> np.ndarray:
        return pairs[:, 0].astype(np.int64) * self.n + pairs[:, 1].astype(np.int64)

    def _sort(self) -> None:
        if self._values is None:
            self._values = np.zeros((0, self.width))
        if not self._parts:
            return
        keys = np.concatenate([self._keys, *(p[0] for p in self._parts)])
        values = np.concatenate([self._values, *(p[1] for p in self._parts)])
        order = np.argsort(keys, kind="stable")
        self._keys, self._values = keys[order], values[order]
        self._parts = []


class Decisions(PairTable):
    """Decided document pairs: their evidence (in :meth:`Evidence.names` order), then the
    verifier's probability, per row."""

    def __init__(self, n: int) -> None:
        super().__init__(n, len(_NAMES) + 1)

    def decide(self, pairs: np.ndarray, matrix: np.ndarray, probability: np.ndarray) -> None:
        """Record the evidence ``matrix`` and ``probability`` of ``pairs``."""
        self.add(pairs, np.column_stack([matrix, probability]))

    def probability(self, rows: np.ndarray) -> np.ndarray:
        """The probability of each of ``rows`` (found by :meth:`rows`)."""
        return self.values(rows)[:, -1]

    def scores(self, row: int) -> Scores:
        """The scores of one decided pair, as a report shows them."""
        values = self.values(np.array([row]))[0]
        return Scores(
            float(values[_JACCARD]),
            float(values[_CONTAINMENT]),
            float(values[_COSINE]),
            float(values[-1]),
            tuple(zip(_NAMES, values[:-1].tolist(), strict=True)),
        )

    def kept(self, keep: np.ndarray) -> Decisions:
        """The decisions of the rows where ``keep`` (in :meth:`pairs` order) is True."""
        out = Decisions(self.n)
        out._keys, out._values = self._keys[keep], self.values()[keep]
        return out


def score_table(n: int) -> PairTable:
    """A table of paragraph pair scores: Jaccard, containment, cosine per row."""
    return PairTable(n, 3)


def scores_of(table: PairTable, row: int) -> Scores:
    """The :class:`Scores` of one row of a :func:`score_table`."""
    jaccard, containment, cosine = table.values(np.array([row]))[0].tolist()
    return Scores(jaccard, containment, cosine)
