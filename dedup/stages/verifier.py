"""The document decision: a calibrated logistic regression over the evidence of copying.

Each measure of :class:`dedup.stages.evidence.Evidence` is standardized, weighed and summed; the
logistic function turns the sum into the probability that the two articles are one story
copied (exact, re-headlined, edited, abridged, extended, or corrected) rather than two
stories that look alike (the same event written twice, a recurring format with other facts).
A pair is a copy when the probability reaches the threshold, and never when less than
:data:`MIN_COVERAGE` of the shorter article is shared (in passages, spans or character
grams): every copy of the BBC and generated pairs covers at least 0.70 of its shorter
article, while two articles with other leads that share a quote or a format often share
half, and on short texts the other measures cannot tell those apart.

The model is data, not code: ``dedup/data/verifier.json`` holds the feature names, their
means and scales, the coefficients, the intercept and the threshold, and how and on what
they were fitted. Nothing is unpickled. :func:`fit` (scikit-learn's ``LogisticRegression``)
is what ``benchmarks/fit_verifier.py`` and ``dedup eval --fit-verifier`` use to fit one; only
numpy is needed to apply it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from dedup.errors import ConfigError
from dedup.stages.evidence import SIGNS, Evidence

FORMAT = "dedup-verifier/1"
#: The least share of the shorter article a copy shares with the other (see above).
MIN_COVERAGE = 0.6
#: The measures of that share.
COVERAGE = ("passages_short", "spans_short", "chars_short")


def coverage(matrix: np.ndarray) -> np.ndarray:
    """The share of each pair's shorter article that the other has (rows of ``matrix``, in
    :meth:`Evidence.names` order): the largest of :data:`COVERAGE`."""
    names = Evidence.names()
    return matrix[:, [names.index(name) for name in COVERAGE]].max(axis=1)


@dataclass(frozen=True)
class Verifier:
    """A fitted decision (see the module docstring)."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float
    meta: dict[str, Any] = field(default_factory=dict)
    min_coverage: float = MIN_COVERAGE

    def logit(self, matrix: np.ndarray) -> np.ndarray:
        return ((matrix - self.mean) / self.scale) @ self.coef + self.intercept

    def probability(self, evidence: Evidence) -> np.ndarray:
        """The probability that each pair is a copy. A pair whose shorter body is empty (all
        furniture, say) is never one (emptiness is not similarity), nor one that shares less
        than :attr:`min_coverage` of it."""
        return self.probabilities(evidence.matrix())

    def probabilities(self, matrix: np.ndarray) -> np.ndarray:
        """:meth:`probability` of the rows of an evidence matrix."""
        p = 1.0 / (1.0 + np.exp(-self.logit(matrix)))
        p[matrix[:, Evidence.names().index("length")] <= 0] = 0.0
        p[coverage(matrix) < self.min_coverage] = 0.0
        return p

    def contributions(self, evidence: Evidence, i: int) -> dict[str, float]:
        """What each measure adds to pair ``i``'s log-odds (for explaining a decision)."""
        row = evidence.matrix()[i]
        parts = (row - self.mean) / self.scale * self.coef
        return {name: float(v) for name, v in zip(self.features, parts, strict=True)}

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "features": list(self.features),
            "mean": [float(x) for x in self.mean],
            "scale": [float(x) for x in self.scale],
            "coef": [float(x) for x in self.coef],
            "intercept": float(self.intercept),
            "threshold": float(self.threshold),
            "min_coverage": float(self.min_coverage),
            "meta": self.meta,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"

    @property
    def digest(self) -> str:
        """What identifies the decision (an index records it: another model, other pairs)."""
        body = {k: v for k, v in self.to_dict().items() if k != "meta"}
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str = "the model") -> Verifier:
        try:
            if data.get("format") != FORMAT:
                raise ValueError(f"format is {data.get('format')!r}, not {FORMAT!r}")
            features = tuple(str(x) for x in data["features"])
            if features != Evidence.names():
                raise ValueError(f"features {list(features)} are not {list(Evidence.names())}")
            mean, scale, coef = (
                np.array(data[k], dtype=np.float64) for k in ("mean", "scale", "coef")
            )
            if any(a.shape != (len(features),) for a in (mean, scale, coef)) or (scale <= 0).any():
                raise ValueError("mean, scale and coef need one value per feature, scale > 0")
            threshold = float(data["threshold"])
            if not 0.0 < threshold < 1.0:
                raise ValueError(f"threshold {threshold} is not in (0, 1)")
            floor = float(data["min_coverage"])
            if not 0.0 <= floor < 1.0:
                raise ValueError(f"min_coverage {floor} is not in [0, 1)")
            meta = dict(data.get("meta", {}))
            return cls(
                features, mean, scale, coef, float(data["intercept"]), threshold, meta, floor
            )
        except (KeyError, TypeError, ValueError) as exc:
            reason = f"{where} is not a dedup verifier model: {exc}"
            raise ConfigError("verifier", where, reason) from None

    @classmethod
    def load(cls, path: str | None = None) -> Verifier:
        """The model in ``path``, or the built-in one (read once while the file is
        unchanged)."""
        if not path:
            return _load("", None)
        try:
            info = os.stat(path)
        except OSError as exc:
            reason = f"cannot read {path}: {exc.strerror or exc}"
            raise ConfigError("verifier", path, reason) from None
        return _load(path, (info.st_mtime_ns, info.st_size))


@lru_cache(maxsize=4)
def _load(path: str, _stamp: tuple[int, int] | None) -> Verifier:
    where = path or "the built-in model"
    try:
        if path:
            text = Path(path).read_text(encoding="utf-8")
        else:
            text = resources.files("dedup").joinpath("data/verifier.json").read_text("utf-8")
        data = json.loads(text)
    except (OSError, ValueError) as exc:
        raise ConfigError("verifier", where, f"cannot read {where}: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError("verifier", where, f"{where} is not a dedup verifier model")
    return Verifier.from_dict(data, where)


# --------------------------------------------------------------------------- fitting


def fit(
    matrix: np.ndarray,
    labels: np.ndarray,
    *,
    weights: np.ndarray | None = None,
    c: float = 1.0,
    threshold: float = 0.5,
    meta: dict[str, Any] | None = None,
    min_coverage: float = MIN_COVERAGE,
) -> Verifier:
    """A logistic regression of ``labels`` (True: copy) on the evidence ``matrix``
    (standardized first), turned into a :class:`Verifier`. Pairs below ``min_coverage`` are
    decided by that floor and left out of the fit.

    The objective is scikit-learn's ``LogisticRegression(C=c)`` (weighted log-loss times
    ``c``, plus half the squared norm of the coefficients; the intercept free), with one
    constraint scikit-learn cannot express: each measure moves the decision one way only
    (:data:`dedup.stages.evidence.SIGNS`). Correlated measures (passages and windows, say) otherwise
    trade signs, and the model then says "copy" for a pair that shares nothing, in a region
    no training pair covers. It is solved with bounds by L-BFGS-B (scipy); without bounds
    that bind, the answer is scikit-learn's (``tests/test_evidence.py`` checks it).
    """
    from scipy.optimize import minimize

    keep = coverage(matrix) >= min_coverage
    if weights is not None:
        weights = np.asarray(weights)[keep]
    matrix, labels = matrix[keep], labels[keep]
    mean = matrix.mean(axis=0)
    scale = matrix.std(axis=0)
    scale[scale < 1e-9] = 1.0
    x = (matrix - mean) / scale
    y = np.where(labels.astype(bool), 1.0, -1.0)
    w = np.ones(y.size) if weights is None else np.asarray(weights, dtype=np.float64)
    signs = [SIGNS[name] for name in Evidence.names()]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        coef, intercept = theta[:-1], theta[-1]
        margin = y * (x @ coef + intercept)
        value = c * float(np.sum(w * np.logaddexp(0.0, -margin))) + 0.5 * float(coef @ coef)
        g = -c * w * y * 0.5 * (1.0 - np.tanh(margin / 2.0))  # d loss / d (x @ coef + b)
        return value, np.concatenate([x.T @ g + coef, [g.sum()]])

    bounds = [(0.0, None) if s > 0 else (None, 0.0) if s < 0 else (0.0, 0.0) for s in signs]
    start = np.zeros(len(signs) + 1)
    result = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=[*bounds, (None, None)],
                      options={"maxiter": 10_000, "gtol": 1e-10})  # fmt: skip
    return Verifier(
        Evidence.names(),
        mean,
        scale,
        result.x[:-1].copy(),
        float(result.x[-1]),
        threshold,
        meta or {},
        min_coverage,
    )


def cross_validated(
    matrix: np.ndarray,
    labels: np.ndarray,
    groups: Sequence[object],
    *,
    folds: int = 5,
    weights: np.ndarray | None = None,
    c: float = 1.0,
) -> np.ndarray:
    """Held-out probabilities: each pair scored by a model fitted on the folds that do not
    hold its group (a story: pairs of one connected component stay together)."""
    from sklearn.model_selection import GroupKFold

    out = np.zeros(labels.size)
    splitter = GroupKFold(n_splits=min(folds, len(set(groups))))
    for train, test in splitter.split(matrix, labels, groups):
        model = fit(
            matrix[train], labels[train], weights=None if weights is None else weights[train], c=c
        )
        out[test] = model.probabilities(matrix[test])
    return out


#: The threshold a fit chooses maximizes F-beta with this beta on held-out probabilities:
#: precision weighs more than recall (a false copy loses a story; a missed one keeps a copy).
BETA = 0.5


def balanced(labels: np.ndarray) -> np.ndarray:
    """Weights under which the copies weigh as much as the other pairs, mean 1."""
    labels = np.asarray(labels, dtype=bool)
    out = np.zeros(labels.size)
    for label in (True, False):
        rows = labels == label
        if rows.any():
            out[rows] = 1.0 / rows.sum()
    return out * out.size / out.sum() if out.sum() else np.ones(labels.size)


def choose_threshold(
    probability: np.ndarray, labels: np.ndarray, weights: np.ndarray, beta: float = BETA
) -> float:
    """The threshold (0.05 to 0.95, by 0.01) that maximizes weighted F-beta."""
    labels = np.asarray(labels, dtype=bool)
    best, chosen = -1.0, 0.5
    b2 = beta * beta
    for t in np.round(np.arange(0.05, 0.96, 0.01), 2):
        predicted = probability >= t
        tp = float(weights[predicted & labels].sum())
        fp = float(weights[predicted & ~labels].sum())
        fn = float(weights[~predicted & labels].sum())
        score = (1 + b2) * tp / ((1 + b2) * tp + b2 * fn + fp) if tp else 0.0
        if score > best + 1e-12:
            best, chosen = score, float(t)
    return chosen
