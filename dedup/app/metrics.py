"""Decisions measured against labels: precision, recall, F1 (and accuracy, or the adjusted
Rand index of clusters), and the sweep of a threshold that finds its best value."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True, slots=True)
class Metrics:
    """Binary decisions against labels (``ari`` for clusters only)."""

    tp: int
    fp: int
    fn: int
    tn: int | None = None
    ari: float | None = None

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float | None:
        if self.tn is None:
            return None
        return (self.tp + self.tn) / (self.tp + self.fp + self.fn + self.tn)

    def get(self, metric: str) -> float:
        value = getattr(self, metric)
        return -1.0 if value is None else float(value)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }
        if self.tn is not None:
            out["accuracy"] = round(self.accuracy or 0.0, 4)
        if self.ari is not None:
            out["ari"] = round(self.ari, 4)
        out.update(tp=self.tp, fp=self.fp, fn=self.fn)
        if self.tn is not None:
            out["tn"] = self.tn
        return out


@dataclass(frozen=True, slots=True)
class SweepPoint:
    knob: str
    value: float
    metrics: Metrics

    def to_dict(self) -> dict[str, Any]:
        return {"knob": self.knob, "value": self.value, **self.metrics.to_dict()}


def binary_metrics(predicted: np.ndarray, gold: np.ndarray) -> Metrics:
    predicted, gold = predicted.astype(bool), gold.astype(bool)
    return Metrics(
        tp=int((predicted & gold).sum()),
        fp=int((predicted & ~gold).sum()),
        fn=int((~predicted & gold).sum()),
        tn=int((~predicted & ~gold).sum()),
    )


def _pair_count(sizes: np.ndarray) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def cluster_metrics(predicted: Sequence[int], gold: Sequence[int]) -> Metrics:
    """Pairwise precision/recall (pairs of items put together) and adjusted Rand index."""
    from sklearn.metrics import adjusted_rand_score

    pred, true = np.asarray(predicted, np.int64), np.asarray(gold, np.int64)
    both = np.unique(np.stack([pred, true]), axis=1, return_counts=True)[1]
    tp = _pair_count(both)
    pred_pairs = _pair_count(np.unique(pred, return_counts=True)[1])
    gold_pairs = _pair_count(np.unique(true, return_counts=True)[1])
    return Metrics(
        tp=tp,
        fp=pred_pairs - tp,
        fn=gold_pairs - tp,
        ari=float(adjusted_rand_score(true, pred)),
    )


def sweep_thresholds(
    knobs: Sequence[str],
    values: Callable[[str], Sequence[float]],
    configured: dict[str, float],
    score: Callable[[str, float], Metrics],
    metric: str,
) -> tuple[list[SweepPoint], dict[str, SweepPoint]]:
    """Every knob's ``values`` scored one at a time, and each knob's best point by
    ``metric`` (ties go to the value nearest the ``configured`` one)."""
    points, best = [], {}
    for knob in knobs:
        mine = [SweepPoint(knob, v, score(knob, v)) for v in values(knob)]
        points.extend(mine)
        best[knob] = max(
            mine, key=lambda p: (p.metrics.get(metric), -abs(p.value - configured[knob]))
        )
    return points, best
