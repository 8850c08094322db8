"""Measure detection quality on labelled data: precision, recall, F1, and a threshold sweep.

Three kinds of labels, one per decision dedup makes (formats in the README, "Evaluating"):

- **pairs** (``a``, ``b``, ``label``): the verification rules alone, at paragraph level (the
  ``near_paragraph`` decision) or document level (``near_document``). Every pair is scored with
  the same features as a scan (word n-gram sets, TF-IDF with document frequencies over all
  the texts of the file); candidate generation is not involved.
- **clusters** (``id``, ``text`` or ``path``, ``cluster``): a whole scan, candidates included;
  the predicted clusters are the document clusters of the scan (exact and near).
- **lines** (``path``, ``line``, ``boilerplate``, ``id`` for JSON Lines corpora): a whole scan
  of the labelled files; a line is predicted boilerplate when the cleaner would remove it as
  such (a learned template or a whole-line pattern).

Each evaluation reports the metrics at the configured thresholds, then sweeps every threshold
of the decision one at a time (the others at their configured values) and gives the best
value of each. The core never prints: the CLI renders an :class:`Evaluation`.

Here are the tasks: the fields each reads from a labels file, and its evaluation. Reading
labels files is :mod:`dedup.app.labels`; scoring and deciding pairs,
:mod:`dedup.app.pair_scores`; the metrics and the sweep, :mod:`dedup.app.metrics`.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import numpy as np

from dedup.app.labels import (
    LabelledArticle,
    LabelledLine,
    LabelledPair,
    label_value,
    read_labelled,
    read_side,
    records,
    resolve,
)
from dedup.app.metrics import Metrics, SweepPoint, binary_metrics, cluster_metrics, sweep_thresholds
from dedup.app.pair_scores import copy_threshold, decide_pairs, document_evidence, score_pairs
from dedup.config import BoilerplateConfig, ScanConfig, VerifyConfig
from dedup.errors import InputError
from dedup.flow import pipeline
from dedup.records import InputWarning
from dedup.stages.documents import document_clusters
from dedup.stages.furniture import boilerplate_stage
from dedup.stages.verifier import Verifier

TASKS = ("pairs", "clusters", "lines")
LEVELS = ("paragraph", "document")
#: Values tried for every threshold in [0, 1].
UNIT_SWEEP = tuple(round(0.05 * i, 2) for i in range(1, 20))
#: Values tried for ``min_docs``.
COUNT_SWEEP = tuple(range(2, 11))

PARAGRAPH_KNOBS = ("paragraph_jaccard", "paragraph_cosine", "paragraph_rewrite_jaccard")
DOCUMENT_KNOBS = ("copy_probability",)
LINE_KNOBS = ("min_fraction", "min_docs")

_C = TypeVar("_C", VerifyConfig, BoilerplateConfig)


@dataclass
class Evaluation:
    """The result of one evaluation; ``best[knob]`` is the sweep point with the best
    ``metric`` for that threshold (ties go to the value nearest the configured one)."""

    task: str
    level: str | None
    items: int
    metric: str
    configured: dict[str, float]
    metrics: Metrics
    sweep: list[SweepPoint]
    best: dict[str, SweepPoint]
    warnings: list[InputWarning] = field(default_factory=list)
    #: With ``--fit-verifier``: the model fitted (see :func:`fit_verifier`); the metrics
    #: are then of held-out probabilities.
    fitted: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "level": self.level,
            "items": self.items,
            "metric": self.metric,
            "configured": self.configured,
            "metrics": self.metrics.to_dict(),
            "best": {k: p.to_dict() for k, p in self.best.items()},
            "sweep": [p.to_dict() for p in self.sweep],
            "warnings": [w.to_dict() for w in self.warnings],
            **({"fitted": self.fitted} if self.fitted is not None else {}),
        }


def _configured(config: VerifyConfig, knobs: Sequence[str]) -> dict[str, float]:
    """The value of each threshold, the verifier's own where the configuration has none."""
    return {
        k: copy_threshold(config) if k == "copy_probability" else getattr(config, k) for k in knobs
    }


def _set(config: _C, knob: str, value: float) -> _C:
    """``config`` with one threshold changed (a count stays an integer)."""
    current = getattr(config, knob)
    changes: dict[str, Any] = {knob: int(value) if isinstance(current, int) else value}
    return replace(config, **changes)


# --------------------------------------------------------------------------- readers


def read_pairs(path: str) -> tuple[list[LabelledPair], list[InputWarning]]:
    """Labelled pairs: ``a``, ``b`` (texts) or ``a_path``, ``b_path``, and ``label``."""

    def parse(record: dict[str, Any]) -> LabelledPair:
        titles = [record.get(f"{side}_title") for side in "ab"]
        return LabelledPair(
            read_side(record, "a", path),
            read_side(record, "b", path),
            label_value(record.get("label")),
            *(t if isinstance(t, str) else "" for t in titles),
        )

    return read_labelled(path, parse)


def read_clusters(path: str) -> tuple[list[LabelledArticle], list[InputWarning]]:
    """Labelled clusters: ``cluster`` and ``text`` (or ``path``), optional metadata."""

    def parse(record: dict[str, Any]) -> LabelledArticle:
        cluster = record.get("cluster")
        if cluster is None or isinstance(cluster, (dict, list)):
            raise ValueError("needs 'cluster'")
        text, file = record.get("text"), record.get("path")
        if not isinstance(text, str) and not isinstance(file, str):
            raise ValueError("needs 'text' or 'path'")
        meta = {k: record.get(k) for k in ("title", "source", "date")}
        return LabelledArticle(
            cluster=str(cluster),
            text=text if isinstance(text, str) else None,
            path=None if isinstance(text, str) else resolve(path, str(file)),
            **{k: str(v) if v is not None else None for k, v in meta.items()},
        )

    return read_labelled(path, parse)


def read_line_labels(path: str) -> tuple[list[LabelledLine], list[InputWarning]]:
    """Labelled lines: ``path``, ``line`` (1-based), ``boilerplate``, and ``id`` for a
    JSON Lines corpus (then ``line`` counts inside that record's text)."""

    def parse(record: dict[str, Any]) -> LabelledLine:
        file, line = record.get("path"), record.get("line")
        if not isinstance(file, str):
            raise ValueError("needs 'path'")
        if isinstance(line, str) and line.isdigit():
            line = int(line)
        if not isinstance(line, int) or isinstance(line, bool) or line < 1:
            raise ValueError("'line' must be a positive integer")
        doc_id = record.get("id")
        return LabelledLine(
            resolve(path, file),
            line,
            label_value(record.get("boilerplate")),
            None if doc_id is None else str(doc_id),
        )

    return read_labelled(path, parse)


def detect_task(path: str) -> str:
    """``pairs``, ``clusters`` or ``lines``, from the fields of the first valid record."""
    for _number, record in records(path):
        if "label" in record:
            return "pairs"
        if "cluster" in record:
            return "clusters"
        if "boilerplate" in record:
            return "lines"
    raise InputError(
        path, "cannot tell the task: no record has 'label', 'cluster' or 'boilerplate'"
    )


# --------------------------------------------------------------------------- pairs


def evaluate_pairs(
    pairs: Sequence[LabelledPair], level: str, config: ScanConfig, metric: str = "f1"
) -> Evaluation:
    scores = score_pairs(pairs, level, config)
    gold = np.array([p.label for p in pairs], dtype=bool)
    knobs = PARAGRAPH_KNOBS if level == "paragraph" else DOCUMENT_KNOBS
    configured = _configured(config.verify, knobs)

    def score(knob: str, value: float) -> Metrics:
        return binary_metrics(decide_pairs(scores, level, _set(config.verify, knob, value)), gold)

    sweep, best = sweep_thresholds(knobs, lambda _k: UNIT_SWEEP, configured, score, metric)
    return Evaluation(
        task="pairs",
        level=level,
        items=len(pairs),
        metric=metric,
        configured=configured,
        metrics=binary_metrics(decide_pairs(scores, level, config.verify), gold),
        sweep=sweep,
        best=best,
    )


def pair_groups(pairs: Sequence[LabelledPair]) -> list[int]:
    """The connected component of each pair, its articles the nodes (pairs that share an
    article, directly or not, stay in one cross-validation fold), numbered in the order the
    pairs first reach them."""
    from dedup.stages.cluster import components

    node: dict[str, int] = {}

    def number_of(title: str, text: str) -> int:
        return node.setdefault(title + "\n" + text, len(node))

    edges = [(number_of(p.a_title, p.a), number_of(p.b_title, p.b)) for p in pairs]
    component = {n: k for k, group in enumerate(components(edges)) for n in group}
    number: dict[int, int] = {}
    return [number.setdefault(component[a], len(number)) for a, _ in edges]


def fit_verifier(
    pairs: Sequence[LabelledPair], path: str, metric: str = "f1", folds: int = 5
) -> tuple[Verifier, Evaluation]:
    """A verifier fitted on labelled document pairs (:func:`dedup.stages.verifier.fit`, copies and
    the rest weighing alike), and its evaluation on held-out probabilities: each pair scored
    by a model fitted on the folds without its connected component; the threshold chosen on
    those (max F0.5), then a sweep of it."""
    from dedup.stages import verifier as fitting

    found, equal = document_evidence(pairs)
    gold = np.array([p.label for p in pairs], dtype=bool)
    groups = pair_groups(pairs)
    if gold.all() or not gold.any() or len(set(groups)) < 2:
        raise InputError(path, "a fit needs copies and other pairs, in two stories at least")
    weights = fitting.balanced(gold)
    matrix = found.matrix()
    held_out = fitting.cross_validated(matrix, gold, groups, folds=folds, weights=weights)
    threshold = fitting.choose_threshold(held_out, gold, weights)
    model = fitting.fit(
        matrix,
        gold,
        weights=weights,
        threshold=threshold,
        meta={
            "by": "dedup eval --fit-verifier",
            "pairs": int(gold.size),
            "copies": int(gold.sum()),
        },
    )
    short = found.length > 0

    def decide(t: float) -> np.ndarray:
        return (equal & short) | (short & (held_out >= t))

    configured = {"copy_probability": threshold}
    sweep, best = sweep_thresholds(
        DOCUMENT_KNOBS,
        lambda _k: UNIT_SWEEP,
        configured,
        lambda _k, t: binary_metrics(decide(t), gold),
        metric,
    )
    evaluation = Evaluation(
        task="pairs",
        level="document",
        items=len(pairs),
        metric=metric,
        configured=configured,
        metrics=binary_metrics(decide(threshold), gold),
        sweep=sweep,
        best=best,
        fitted={
            "threshold": threshold,
            "folds": min(folds, len(set(groups))),
            "coefficients": dict(zip(model.features, model.coef.tolist(), strict=True)),
        },
    )
    return model, evaluation


# --------------------------------------------------------------------------- clusters


def evaluate_clusters(
    items: Sequence[LabelledArticle], config: ScanConfig, metric: str = "ari"
) -> Evaluation:
    """Scan the articles once, then re-cluster the candidates for each swept threshold."""
    warnings: list[InputWarning] = []
    with tempfile.TemporaryDirectory(prefix="dedup-eval-") as tmp:
        corpus_path = os.path.join(tmp, "clusters.jsonl")
        with open(corpus_path, "w", encoding="utf-8") as handle:
            for i, item in enumerate(items):
                if item.text is not None:
                    record = {"id": str(i), "text": item.text, "title": item.title}
                    record.update(source=item.source, date=item.date)
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        files = sorted({item.path for item in items if item.path is not None})
        # The temporary corpus uses the default field names, whatever the options say.
        fields: dict[str, Any] = {
            f"{k}_field": k for k in ("id", "text", "title", "source", "date")
        }
        config = replace(config, load=replace(config.load, **fields))
        result = pipeline.scan([corpus_path, *files], config=config)
        warnings.extend(result.report.warnings)
        where: dict[tuple[str, str | None], int] = {}
        for d, doc in enumerate(result.corpus.documents):
            key = (doc.path, doc.id) if doc.path == corpus_path else (doc.path, None)
            where.setdefault(key, d)
        position = []
        for i, item in enumerate(items):
            key = (corpus_path, str(i)) if item.text is not None else (str(item.path), None)
            position.append(where.get(key, -1))
        known = [i for i, d in enumerate(position) if d >= 0]
        for i, d in enumerate(position):
            if d < 0:
                warnings.append(InputWarning(str(items[i].path), None, "not read; not scored"))
        names = {name: n for n, name in enumerate(sorted({items[i].cluster for i in known}))}
        gold = [names[items[i].cluster] for i in known]
        rows = np.array([position[i] for i in known], dtype=np.int64)

        def measure(verify_config: VerifyConfig) -> Metrics:
            docs = document_clusters(result.corpus, replace(config, verify=verify_config))
            return cluster_metrics(docs.cluster_of[rows].tolist(), gold)

        configured = _configured(config.verify, DOCUMENT_KNOBS)
        sweep, best = sweep_thresholds(
            DOCUMENT_KNOBS,
            lambda _k: UNIT_SWEEP,
            configured,
            lambda knob, value: measure(_set(config.verify, knob, value)),
            metric,
        )
        return Evaluation(
            task="clusters",
            level="document",
            items=len(known),
            metric=metric,
            configured=configured,
            metrics=cluster_metrics(result.documents.cluster_of[rows].tolist(), gold),
            sweep=sweep,
            best=best,
            warnings=warnings,
        )


# --------------------------------------------------------------------------- lines


def _predicted_lines(
    result: pipeline.ScanResult, whole: np.ndarray
) -> set[tuple[str, str | None, int]]:
    """(path, id for JSON Lines, line) of every line the cleaner removes as boilerplate."""
    pars, documents = result.corpus.pars, result.corpus.documents
    out: set[tuple[str, str | None, int]] = set()
    for p in np.flatnonzero(whole).tolist():
        doc = documents[int(pars.doc[p])]
        for line in range(int(pars.start[p]), int(pars.end[p]) + 1):
            if doc.format == "jsonl":
                out.add((doc.path, doc.id, line))
            else:
                out.add((doc.path, None, doc.first_line + line - 1))
    return out


def evaluate_lines(
    labels: Sequence[LabelledLine], config: ScanConfig, metric: str = "f1"
) -> Evaluation:
    """Scan the labelled files once, then re-learn templates for each swept threshold."""
    files = sorted({item.path for item in labels})
    result = pipeline.scan(files, config=config)
    keys = [(item.path, item.id, item.line) for item in labels]
    gold = np.array([item.boilerplate for item in labels], dtype=bool)

    def measure(boilerplate: BoilerplateConfig) -> Metrics:
        stage = boilerplate_stage(
            result.corpus, replace(config, boilerplate=boilerplate), result.documents.cluster_of
        )
        predicted = _predicted_lines(result, stage.whole)
        return binary_metrics(np.array([k in predicted for k in keys], dtype=bool), gold)

    configured: dict[str, float] = {k: getattr(config.boilerplate, k) for k in LINE_KNOBS}
    sweep, best = sweep_thresholds(
        LINE_KNOBS,
        lambda knob: COUNT_SWEEP if knob == "min_docs" else UNIT_SWEEP,
        configured,
        lambda knob, value: measure(_set(config.boilerplate, knob, value)),
        metric,
    )
    predicted = _predicted_lines(result, result.boilerplate.whole)
    return Evaluation(
        task="lines",
        level=None,
        items=len(labels),
        metric=metric,
        configured=configured,
        metrics=binary_metrics(np.array([k in predicted for k in keys], dtype=bool), gold),
        sweep=sweep,
        best=best,
        warnings=list(result.report.warnings),
    )
