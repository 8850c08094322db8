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
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, TypeVar

import numpy as np

from dedup.config import BoilerplateConfig, ScanConfig, VerifyConfig
from dedup.errors import InputError
from dedup.flow import pipeline
from dedup.records import InputWarning
from dedup.stages import fingerprint, verify
from dedup.stages.documents import document_clusters
from dedup.stages.evidence import Evidence
from dedup.stages.furniture import boilerplate_stage
from dedup.stages.normalize import fold_case, normalize_text, typographic_lines
from dedup.stages.paragraphs import PairScorer
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


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class LabelledPair:
    """Two texts (for documents: article bodies, one paragraph a line, and their titles)."""

    a: str
    b: str
    label: bool
    a_title: str = ""
    b_title: str = ""


@dataclass(frozen=True, slots=True)
class LabelledArticle:
    """One article of a cluster set: its text inline, or a file to read."""

    cluster: str
    text: str | None = None
    path: str | None = None
    title: str | None = None
    source: str | None = None
    date: str | None = None


@dataclass(frozen=True, slots=True)
class LabelledLine:
    """Line ``line`` of ``path`` (of record ``id``'s text, for JSON Lines) is boilerplate?"""

    path: str
    line: int
    boilerplate: bool
    id: str | None = None


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


#: Labels of a pair, as ``bbc-news-pairs`` spells them: only a copy is a duplicate.
PAIR_LABELS = {"copy": True, "related": False, "template": False, "unrelated": False}


def _label(value: object) -> bool:
    if value in (0, 1, "0", "1", True, False):
        return value in (1, "1", True)
    if isinstance(value, str) and value in PAIR_LABELS:
        return PAIR_LABELS[value]
    raise ValueError(f"label must be 0 or 1 (or copy, related, template), not {value!r}")


def _records(path: str) -> Iterable[tuple[int, dict[str, Any]]]:
    """(line number, record) of a JSON Lines or TSV file; TSV needs a header row."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            if path.lower().endswith((".tsv", ".tab", ".txt")):
                reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
                header = next(reader, [])
                for number, row in enumerate(reader, start=2):
                    yield number, dict(zip(header, row, strict=False))
                return
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield number, {"__error__": f"malformed JSON ({exc.msg})"}
                    continue
                yield number, record if isinstance(record, dict) else {"__error__": "not an object"}
    except OSError as exc:
        raise InputError(path, f"cannot read labels: {exc.strerror or exc}") from None


def _resolve(base: str, path: str) -> str:
    """A path in a labels file is relative to that file's folder."""
    return path if os.path.isabs(path) else os.path.join(os.path.dirname(base) or ".", path)


def _read_side(record: dict[str, Any], side: str, base: str) -> str:
    if isinstance(record.get(side), str):
        return str(record[side])
    path = record.get(f"{side}_path")
    if not isinstance(path, str):
        raise ValueError(f"needs '{side}' (text) or '{side}_path'")
    with open(_resolve(base, path), encoding="utf-8-sig") as handle:
        return handle.read()


_T = TypeVar("_T")


def _read_labelled(
    path: str, parse: Callable[[dict[str, Any]], _T]
) -> tuple[list[_T], list[InputWarning]]:
    """Parse every record of ``path``; a bad one is a warning naming its line, not an end."""
    items, warnings = [], []
    for number, record in _records(path):
        try:
            if "__error__" in record:
                raise ValueError(record["__error__"])
            items.append(parse(record))
        except (ValueError, OSError, UnicodeDecodeError) as exc:
            warnings.append(InputWarning(path, number, f"skipped: {exc}"))
    return items, warnings


def read_pairs(path: str) -> tuple[list[LabelledPair], list[InputWarning]]:
    """Labelled pairs: ``a``, ``b`` (texts) or ``a_path``, ``b_path``, and ``label``."""

    def parse(record: dict[str, Any]) -> LabelledPair:
        titles = [record.get(f"{side}_title") for side in "ab"]
        return LabelledPair(
            _read_side(record, "a", path),
            _read_side(record, "b", path),
            _label(record.get("label")),
            *(t if isinstance(t, str) else "" for t in titles),
        )

    return _read_labelled(path, parse)


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
            path=None if isinstance(text, str) else _resolve(path, str(file)),
            **{k: str(v) if v is not None else None for k, v in meta.items()},
        )

    return _read_labelled(path, parse)


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
            _resolve(path, file),
            line,
            _label(record.get("boilerplate")),
            None if doc_id is None else str(doc_id),
        )

    return _read_labelled(path, parse)


def detect_task(path: str) -> str:
    """``pairs``, ``clusters`` or ``lines``, from the fields of the first valid record."""
    for _number, record in _records(path):
        if "label" in record:
            return "pairs"
        if "cluster" in record:
            return "clusters"
        if "boilerplate" in record:
            return "lines"
    raise InputError(
        path, "cannot tell the task: no record has 'label', 'cluster' or 'boilerplate'"
    )


# --------------------------------------------------------------------------- metrics


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


def _sweep(
    knobs: Sequence[str],
    values: Callable[[str], Sequence[float]],
    configured: dict[str, float],
    score: Callable[[str, float], Metrics],
    metric: str,
) -> tuple[list[SweepPoint], dict[str, SweepPoint]]:
    points, best = [], {}
    for knob in knobs:
        mine = [SweepPoint(knob, v, score(knob, v)) for v in values(knob)]
        points.extend(mine)
        best[knob] = max(
            mine, key=lambda p: (p.metrics.get(metric), -abs(p.value - configured[knob]))
        )
    return points, best


# --------------------------------------------------------------------------- pairs


@dataclass(frozen=True)
class PairScores:
    """Per pair: exact measures, the smaller side's word count, exact equality, and for
    documents the verifier's probability."""

    jaccard: np.ndarray
    containment: np.ndarray
    cosine: np.ndarray
    small_tokens: np.ndarray
    equal: np.ndarray
    probability: np.ndarray | None = None
    evidence: Evidence | None = None


def _texts_of(texts: Sequence[list[str]], items: list[int]) -> dict[int, list[str]]:
    """The paragraphs of each of ``items`` (for the pair scorer: a function that pickles)."""
    return {i: texts[i] for i in items}


def score_pairs(pairs: Sequence[LabelledPair], level: str, config: ScanConfig) -> PairScores:
    """Score text pairs as a scan would: a text is one paragraph (``paragraph``) or the
    body of an article, one paragraph per line, with its title (``document``)."""
    if level == "document":
        return _score_documents(pairs, config)
    texts: list[list[str]] = []
    index: dict[str, int] = {}

    def text_id(text: str) -> int:
        if text not in index:
            index[text] = len(texts)
            texts.append([normalize_text(text)])
        return index[text]

    ids = np.array([[text_id(p.a), text_id(p.b)] for p in pairs], dtype=np.int64).reshape(-1, 2)
    words = fingerprint.word_hashes([p for paragraphs in texts for p in paragraphs])
    owner = np.repeat(np.arange(len(texts)), [len(t) for t in texts])
    df = verify.document_frequencies(words.hashes, owner[words.paragraph])
    scorer = PairScorer(
        partial(_texts_of, texts),
        config.minhash.ngram_size,
        verify.TfidfCosine().fit(df, len(texts)),
    )
    distinct = ids[ids[:, 0] != ids[:, 1]]
    scorer.score_all(np.unique(np.sort(distinct, axis=1), axis=0).reshape(-1, 2))
    tokens = np.bincount(owner[words.paragraph], minlength=len(texts))
    scores = [scorer(int(a), int(b)) if a != b else verify.Scores(1, 1, 1) for a, b in ids]
    return PairScores(
        jaccard=np.array([s.jaccard for s in scores]),
        containment=np.array([s.containment for s in scores]),
        cosine=np.array([s.cosine for s in scores]),
        small_tokens=np.minimum(tokens[ids[:, 0]], tokens[ids[:, 1]]),
        equal=np.array([texts[a] == texts[b] for a, b in ids], dtype=bool),
    )


def document_evidence(pairs: Sequence[LabelledPair]) -> tuple[Evidence, np.ndarray]:
    """The verifier's evidence for article pairs, with TF-IDF weights from all their texts;
    and whether each pair's bodies are equal once normalized."""
    from dedup.stages import evidence as ev
    from dedup.stages import material

    texts: list[tuple[tuple[str, ...], str]] = []
    index: dict[tuple[tuple[str, ...], str], int] = {}

    def text_id(text: str, title: str) -> int:
        key = (tuple(line for line in typographic_lines(text) if line), title)
        if key not in index:
            index[key] = len(texts)
            texts.append(key)
        return index[key]

    ids = np.array(
        [[text_id(p.a, p.a_title), text_id(p.b, p.b_title)] for p in pairs], dtype=np.int64
    ).reshape(-1, 2)
    titles = [" ".join(typographic_lines(title)) for _, title in texts]
    items = material.items([list(body) for body, _ in texts], titles)
    owner = np.repeat(np.arange(items.size), items.lengths)
    tfidf = verify.TfidfCosine().fit(verify.document_frequencies(items.words, owner), items.size)
    found = ev.evidence(material.prepare(items), ids, tfidf)
    bodies = [fold_case("\n".join(body)) for body, _ in texts]
    equal = np.array([bodies[a] == bodies[b] for a, b in ids.tolist()], dtype=bool)
    return found, equal


def _score_documents(pairs: Sequence[LabelledPair], config: ScanConfig) -> PairScores:
    found, equal = document_evidence(pairs)
    probability = Verifier.load(config.verify.verifier).probability(found)
    return PairScores(
        jaccard=found.jaccard,
        containment=found.containment,
        cosine=found.cosine,
        small_tokens=np.expm1(found.length).round().astype(np.int64),
        equal=equal,
        probability=probability,
        evidence=found,
    )


def copy_threshold(config: VerifyConfig) -> float:
    """The probability from which a pair of documents is a copy."""
    if config.copy_probability is not None:
        return config.copy_probability
    return Verifier.load(config.verifier).threshold


def decide_pairs(s: PairScores, level: str, config: VerifyConfig) -> np.ndarray:
    """The scan's decision for each pair (see :mod:`dedup.stages.verify`)."""
    if level == "paragraph":
        exact = s.equal & (s.small_tokens >= config.min_exact_paragraph_tokens)
        near = (s.small_tokens >= config.min_paragraph_tokens) & verify.near_paragraph_mask(
            s.jaccard, s.cosine, config
        )
        return exact | near
    if s.probability is None:
        raise ValueError("document pairs are scored with score_pairs(level='document')")
    exact = s.equal & (s.small_tokens > 0)
    return exact | ((s.small_tokens > 0) & (s.probability >= copy_threshold(config)))


def evaluate_pairs(
    pairs: Sequence[LabelledPair], level: str, config: ScanConfig, metric: str = "f1"
) -> Evaluation:
    scores = score_pairs(pairs, level, config)
    gold = np.array([p.label for p in pairs], dtype=bool)
    knobs = PARAGRAPH_KNOBS if level == "paragraph" else DOCUMENT_KNOBS
    configured = _configured(config.verify, knobs)

    def score(knob: str, value: float) -> Metrics:
        return binary_metrics(decide_pairs(scores, level, _set(config.verify, knob, value)), gold)

    sweep, best = _sweep(knobs, lambda _k: UNIT_SWEEP, configured, score, metric)
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
    sweep, best = _sweep(
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
        sweep, best = _sweep(
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
    sweep, best = _sweep(
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
