"""Stages 5 to 7 for paragraphs: exact and near repeats, inside an article or across.

Candidates from the paragraph LSH bands and the pairs inside one article; exact Jaccard and
TF-IDF cosine (:mod:`dedup.stages.verify`) computed on demand, a batch of items at a time;
clusters whose every member is close to the representative.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache, partial

import numpy as np

from dedup.config import ScanConfig
from dedup.corpus import Corpus
from dedup.stages import candidates, csr, fingerprint, verify
from dedup.stages.cluster import clusters_from_pairs
from dedup.stages.decisions import score_table, scores_of
from dedup.stages.documents import DocumentClusters
from dedup.stages.furniture import Boilerplate


@dataclass
class Features:
    """Exact comparison material for some items (documents or paragraphs), computed lazily."""

    shingle_sets: dict[int, np.ndarray] = field(default_factory=dict)
    bags: dict[int, np.ndarray] = field(default_factory=dict)
    tokens: dict[int, int] = field(default_factory=dict)


#: Text hashed per batch when computing features: bounds the transient arrays (a few bytes of
#: numpy per byte of text) whatever the number of candidates.
FEATURE_BATCH_BYTES = 1 << 20

#: Articles whose normalized paragraphs the paragraph stage keeps decompressed, the last read.
ARTICLES_CACHED = 4096
#: Paragraphs whose features (a few hundred bytes each) stay after use: clustering asks the
#: members of a large group again, round after round, against each new representative.
FEATURES_KEPT = 65536


def _features(texts: dict[int, list[str]], ngram_size: int, into: Features) -> None:
    """Shingle sets and word bags of each item, from its normalized paragraphs."""
    batch: dict[int, list[str]] = {}
    size = 0
    for item, paragraphs in texts.items():
        if item in into.shingle_sets:
            continue
        batch[item] = paragraphs
        size += sum(len(p) for p in paragraphs)
        if size >= FEATURE_BATCH_BYTES:
            _features_batch(batch, ngram_size, into)
            batch, size = {}, 0
    if batch:
        _features_batch(batch, ngram_size, into)


def _features_batch(texts: dict[int, list[str]], ngram_size: int, into: Features) -> None:
    items = list(texts)
    norms: list[str] = []
    owner: list[int] = []
    for pos, item in enumerate(items):
        norms.extend(texts[item])
        owner.extend([pos] * len(texts[item]))
    owners = np.array(owner, dtype=np.int64)
    words = fingerprint.word_hashes(norms)
    sh = fingerprint.shingles(words, ngram_size)
    sh_owner = owners[sh.paragraph] if sh.paragraph.size else sh.paragraph
    w_owner = owners[words.paragraph] if words.paragraph.size else words.paragraph
    # Items come in order (owners are non-decreasing): each item's shingles and words are one
    # run. A sort per item is cheaper than one lexsort by (owner, hash) over the batch.
    cuts = np.arange(1, len(items))
    sh_bounds = np.concatenate(([0], np.searchsorted(sh_owner, cuts), [sh.hashes.size]))
    buckets = verify.token_buckets(words.hashes).astype(np.int32)  # TF-IDF features
    w_bounds = np.concatenate(([0], np.searchsorted(w_owner, cuts), [buckets.size]))
    sh_list, w_list = sh_bounds.tolist(), w_bounds.tolist()
    for pos, item in enumerate(items):
        into.shingle_sets[item] = candidates.sorted_unique(
            sh.hashes[sh_list[pos] : sh_list[pos + 1]]
        )
        # Sorted, so that the sparse rows built from the bags need no sort of their own.
        into.bags[item] = np.sort(buckets[w_list[pos] : w_list[pos + 1]])
        into.tokens[item] = w_list[pos + 1] - w_list[pos]


def _score(pairs: np.ndarray, feats: Features, tfidf: verify.TfidfCosine) -> np.ndarray:
    """The scores of each row of ``pairs``: exact Jaccard and containment of the shingle
    sets (one membership search for all pairs), TF-IDF cosine of the word bags; one row
    ``(jaccard, containment, cosine)`` per pair."""
    if pairs.size == 0:
        return np.zeros((0, 3))
    items, index = np.unique(pairs, return_inverse=True)
    index = index.reshape(pairs.shape)
    item_list = items.tolist()
    cos = tfidf.cosine([feats.bags[i] for i in item_list], index)
    sets = [feats.shingle_sets[i] for i in item_list]
    start = np.concatenate(([0], np.cumsum([s.size for s in sets]))).astype(np.int64)
    values = np.concatenate(sets) if sets else np.zeros(0, dtype=np.uint64)
    jaccard, containment = verify.exact_jaccard(csr.Rows(start, values), index)
    return np.column_stack([jaccard, containment, cos])


class PairScorer:
    """Exact scores of pairs of items (documents or paragraphs), computed on demand, cached.

    ``texts(items)`` returns each item's normalized paragraphs; features (shingle sets, word
    bags) are computed once per item, for a whole batch of items at a time. Once no pending
    pair needs them, the features of the last ``keep`` items used stay (for the pairs that
    clustering asks next), the others are dropped.
    """

    def __init__(
        self,
        texts: Callable[[list[int]], dict[int, list[str]]],
        ngram_size: int,
        tfidf: verify.TfidfCosine,
        items: int,
        keep: int = 0,
    ) -> None:
        self.texts = texts
        self.ngram_size = ngram_size
        self.tfidf = tfidf
        self.features = Features()
        #: The scores of the pairs scored so far (items ``0..items-1``).
        self.scores = score_table(items)
        self.keep = keep
        #: Items whose features no pending pair needs, the least recently used first.
        self._idle: dict[int, None] = {}

    def score_all(self, pairs: np.ndarray) -> None:
        """Score every row of ``pairs`` (``i < j``), a chunk of pairs at a time.

        An item's shingle set and word bag are dropped after the last chunk that needs them
        (its token count stays): only the items of pending chunks are held at once.
        """
        if pairs.size == 0:
            return
        step = verify.PAIR_CHUNK
        items = pairs.ravel()
        # The last chunk each item occurs in (items in order of their last occurrence).
        order = np.argsort(items, kind="stable")
        ends = np.flatnonzero(np.append(items[order][1:] != items[order][:-1], True))
        last_item = items[order[ends]]
        last_chunk = order[ends] // 2 // step
        by_chunk = np.argsort(last_chunk, kind="stable")
        last_item, last_chunk = last_item[by_chunk], last_chunk[by_chunk]
        bounds = np.searchsorted(last_chunk, np.arange(0, (pairs.shape[0] + step - 1) // step + 1))
        feats = self.features
        for number, lo in enumerate(range(0, pairs.shape[0], step)):
            chunk = pairs[lo : lo + step]
            missing = [
                int(i)
                for i in candidates.sorted_unique(chunk.ravel())
                if int(i) not in feats.shingle_sets
            ]
            _features(self.texts(missing), self.ngram_size, feats)
            self.scores.add(chunk, _score(chunk, feats, self.tfidf))
            self._set_idle(last_item[bounds[number] : bounds[number + 1]].tolist())

    def _set_idle(self, items: list[int]) -> None:
        """Items no pending pair needs: the least recently used beyond ``keep`` lose their
        features."""
        idle, feats = self._idle, self.features
        for item in items:
            idle.pop(item, None)
            idle[item] = None
        while len(idle) > self.keep:
            item = next(iter(idle))
            del idle[item]
            feats.shingle_sets.pop(item, None)
            feats.bags.pop(item, None)

    def values(self, pairs: np.ndarray) -> np.ndarray:
        """The ``(jaccard, containment, cosine)`` of each row of ``pairs`` (``i < j``), those
        not scored yet scored first, all at once."""
        rows = self.scores.rows(pairs)
        if (rows < 0).any():
            self.score_all(pairs[rows < 0])
            rows = self.scores.rows(pairs)
        return self.scores.values(rows)

    def __call__(self, a: int, b: int) -> verify.Scores:
        pair = np.array([[min(a, b), max(a, b)]], dtype=np.int64)
        self.values(pair)
        return scores_of(self.scores, int(self.scores.rows(pair)[0]))

    def tokens(self, item: int) -> int:
        return self.features.tokens.get(item, 0)


@dataclass
class ParagraphRepeats:
    """Repeated paragraphs: each group's kind (``exact_paragraph``, ``near_paragraph``), its
    members (global paragraph indices, the canonical one first) and, for a near group, each
    member's scores against the first (None for the first); and the candidate pairs."""

    groups: list[tuple[str, list[int], list[verify.Scores | None] | None]]
    candidate_pairs: int


def paragraph_repeats(
    corpus: Corpus, config: ScanConfig, docs: DocumentClusters, boiler: Boilerplate
) -> ParagraphRepeats:
    """Exact and near repeats of paragraphs, inside an article or across articles.

    Copies that the document stage already reported are left out: paragraphs of a dropped
    exact copy, and pairs across two articles of one duplicate cluster.
    """
    pars, cfg = corpus.pars, config.verify
    par_doc, tokens = pars.doc, pars.tokens
    usable = ~boiler.whole & ~_exact_copy(docs)[par_doc]
    cluster = docs.cluster_of[par_doc]

    def reportable(rows: np.ndarray) -> np.ndarray:
        """Pairs inside one article, or across two articles of different clusters."""
        a, b = rows[:, 0], rows[:, 1]
        return (par_doc[a] == par_doc[b]) | (cluster[a] != cluster[b])

    groups: list[tuple[str, list[int], list[verify.Scores | None] | None]] = []
    exact_ids = np.flatnonzero(usable & (tokens >= cfg.min_exact_paragraph_tokens))
    equal = candidates.groups(pars.hash[exact_ids], exact_ids)
    for members in _reportable_members(equal, par_doc, cluster):
        if len(members) >= 2:
            groups.append(("exact_paragraph", members, None))

    near_ids = np.flatnonzero(usable & (tokens >= cfg.min_paragraph_tokens))
    lsh = candidates.lsh_pairs(pars.bands, config.minhash.max_bucket, near_ids)
    within = corpus.within_pairs
    within = within[usable[within].all(axis=1)] if within.size else within
    pairs = candidates.unique_pairs([lsh, within.reshape(-1, 2)])
    hashes = pars.hash
    pairs = pairs.reshape(-1, 2)
    pairs = pairs[(hashes[pairs[:, 0]] != hashes[pairs[:, 1]]) & reportable(pairs)]
    # Clustering asks for pairs again, round after round, after their paragraphs' features
    # were dropped: the last articles read stay decompressed (a few megabytes).
    norms = lru_cache(maxsize=ARTICLES_CACHED)(corpus.norms)
    score = PairScorer(
        partial(_paragraph_texts, corpus.pars.doc, corpus.first_par, norms),
        config.minhash.ngram_size,
        corpus.tfidf(),
        int(par_doc.size),
        FEATURES_KEPT,
    )
    score.score_all(pairs)

    def close(rows: np.ndarray) -> np.ndarray:
        values = score.values(rows)
        return verify.near_paragraph_mask(values[:, 0], values[:, 2], cfg) & reportable(rows)

    def rank(p: int) -> tuple[object, ...]:
        return (int(par_doc[p]), p)

    near = clusters_from_pairs(pairs[close(pairs)], rank, close)
    # The scores of every member against its representative, looked up at once.
    sizes = [len(c.members) for c in near]
    member_ids = np.array([m for c in near for m in c.members], dtype=np.int64)
    reps = np.repeat(np.array([c.representative for c in near], dtype=np.int64), sizes)
    rows = np.sort(np.column_stack([reps, member_ids]), axis=1)[member_ids != reps]
    scores = iter([verify.Scores(*v) for v in score.values(rows).tolist()])
    for c in near:
        member_scores: list[verify.Scores | None] = [
            None if m == c.representative else next(scores) for m in c.members
        ]
        groups.append(("near_paragraph", list(c.members), member_scores))
    return ParagraphRepeats(groups, int(pairs.shape[0]))


def _reportable_members(
    groups: list[np.ndarray], par_doc: np.ndarray, cluster: np.ndarray
) -> list[list[int]]:
    """The members of each group of equal paragraphs (``par_doc``, ``cluster``: the article
    and document cluster of each paragraph) that another member makes a reportable pair
    with: one in the same article, or in another cluster. All groups at once.

    >>> _reportable_members([np.array([5, 6, 7, 8]), np.array([1, 9])],
    ...                     np.array([0, 0, 0, 0, 0, 1, 2, 3, 3, 4]), np.zeros(10, int))
    [[7, 8], []]
    """
    if not groups:
        return []
    sizes = np.array([g.size for g in groups], dtype=np.int64)
    members = np.concatenate(groups)
    group = np.repeat(np.arange(sizes.size, dtype=np.int64), sizes)
    in_doc = _run_counts(group * (int(par_doc.max()) + 1) + par_doc[members])
    in_cluster = _run_counts(group * (int(cluster.max()) + 1) + cluster[members])
    keep = (in_doc >= 2) | (in_cluster < sizes[group])
    kept = np.split(np.where(keep, members, -1), np.cumsum(sizes)[:-1])
    return [g[g >= 0].tolist() for g in kept]


def _run_counts(keys: np.ndarray) -> np.ndarray:
    """How many elements of ``keys`` equal each one."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    start = np.concatenate(([True], ordered[1:] != ordered[:-1]))
    run = np.cumsum(start) - 1
    out = np.empty(keys.size, dtype=np.int64)
    out[order] = np.bincount(run)[run]
    return out


def _exact_copy(docs: DocumentClusters) -> np.ndarray:
    """Documents that are a non-canonical member of an exact group."""
    out = np.zeros(docs.dropped.size, dtype=bool)
    for c in docs.exact:
        out[[m for m in c.members if m != c.representative]] = True
    return out


def _paragraph_texts(
    par_doc: np.ndarray,
    first_par: np.ndarray,
    norms: Callable[[int], list[str]],
    paragraphs: Iterable[int],
) -> dict[int, list[str]]:
    """Normalized text of each paragraph (by global index; ``par_doc``, ``first_par``: the
    corpus's), reading each document once with ``norms``."""
    by_doc: dict[int, list[int]] = {}
    for p in paragraphs:
        by_doc.setdefault(int(par_doc[p]), []).append(int(p))
    out: dict[int, list[str]] = {}
    for doc, pars in by_doc.items():
        texts = norms(doc)
        for p in pars:
            out[p] = [texts[p - int(first_par[doc])]]
    return out
