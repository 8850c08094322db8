"""Labelled pairs scored and decided as a scan would: a paragraph pair by the paragraph rules
(word n-gram sets, TF-IDF with document frequencies over all the texts of the file), an
article pair by the verifier's evidence and probability; candidate generation is not
involved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np

from dedup.app.labels import LabelledPair
from dedup.config import ScanConfig, VerifyConfig
from dedup.stages import fingerprint, verify
from dedup.stages.evidence import Evidence
from dedup.stages.normalize import fold_case, normalize_text, typographic_lines
from dedup.stages.paragraphs import PairScorer
from dedup.stages.verifier import Verifier


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
        len(texts),
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
