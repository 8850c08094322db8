"""Stages 5 to 7 for articles: candidates, verification and clusters of documents.

Exact groups by body hash; candidate pairs among one article per group from the document
LSH bands and from shared long paragraphs; each pair decided by the verifier on its
evidence of copying, on the body paragraphs that are not furniture; clusters whose every
member is a copy of the representative (the copy a cleaner keeps).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from dedup.config import ScanConfig
from dedup.corpus import Corpus
from dedup.stages import candidates, jit_switch, material, verify
from dedup.stages import evidence as evidence_stage
from dedup.stages.cluster import Cluster, clusters_from_pairs, component_labels
from dedup.stages.decisions import Decisions
from dedup.stages.evidence import Evidence
from dedup.stages.furniture import boilerplate_stage
from dedup.stages.normalize import fold_case, typographic_lines
from dedup.stages.verifier import Verifier


def _doc_rank(
    corpus: Corpus, prefer_sources: Sequence[str] = (), tokens: np.ndarray | None = None
) -> Callable[[int], tuple[object, ...]]:
    """Which copy is canonical: one already in the corpus (``corpus.indexed``: a check
    reports the new copy, never the one committed before it), then the earliest ``date``
    (ISO 8601 strings compare in time order; an article without a date comes after those
    with one), then the first source of ``prefer_sources``, then the most complete text
    (the longer one, which contains the other: ``tokens`` words, by default its body's),
    then input order."""
    docs, indexed = corpus.documents, corpus.indexed
    length = corpus.docs.tokens if tokens is None else tokens
    priority = {source: i for i, source in enumerate(prefer_sources)}

    def rank(d: int) -> tuple[object, ...]:
        date = docs[d].date
        source = priority.get(docs[d].source, len(priority))
        return (d >= indexed, date is None, date or "", source, -int(length[d]), d)

    return rank


@dataclass
class DocumentClusters:
    """Result of the document stages.

    ``exact`` groups identical bodies; ``near`` clusters one representative per exact group.
    ``cluster_of[d]`` is the representative of the cluster ``d`` ends up in (itself if none),
    ``dropped[d]`` says ``d`` is a non-canonical copy, and ``scores[(rep, member)]`` compares
    each near-cluster member with its representative.
    """

    exact: list[Cluster]
    near: list[Cluster]
    scores: dict[tuple[int, int], verify.Scores]
    cluster_of: np.ndarray
    dropped: np.ndarray
    candidate_pairs: int
    #: Paragraphs the comparison left out (titles and furniture).
    left_out: np.ndarray | None = None
    #: How much work each step did (see :meth:`DocumentDecider.steps`).
    steps: dict[str, int] = field(default_factory=dict)


def document_clusters(
    corpus: Corpus,
    config: ScanConfig,
    furniture: np.ndarray | None = None,
    chunk_map: ChunkMap = map,
) -> DocumentClusters:
    """Exact groups, then near clusters among one representative per exact group.

    Near pairs are decided on the body paragraphs that are not furniture (``furniture``, one
    flag per paragraph): two pages of one site that share their navigation and footers but
    not their story are not copies. Without ``furniture``, it is the built-in whole-line
    patterns and the templates learned with exact groups as the clusters, then, once, with
    the near clusters found (see below). Exact groups compare whole bodies, furniture
    included. ``chunk_map`` computes the evidence of chunks of pairs (in order; the
    executor's threads, say).
    """
    n = len(corpus.documents)
    exact, unit, candidate_array, left_out = document_pairs(corpus, config, furniture)
    # Screened: pairs that share too little of the shorter article to be a copy are not
    # verified (stock phrases and templates make many; see MinHashConfig).
    shared = candidates.estimated_containment(
        corpus.docs.signature, corpus.docs.shingles, candidate_array
    )
    pair_array = candidate_array[shared >= config.minhash.screen_containment]
    decide = DocumentDecider(corpus, config, left_out, chunk_map)
    near, cluster_of = _near_clusters(corpus, config, unit, pair_array, decide)
    if furniture is None:
        # The templates the report (and clean) will use are learned with these clusters: a
        # line that looked like furniture while near copies counted apart may be none. Pairs
        # of articles whose furniture changed are decided once more on what clean keeps, so
        # that cleaning the output finds nothing new.
        again = corpus.pars.title | boilerplate_stage(corpus, config, cluster_of).whole
        if (again != left_out).any():
            left_out = again
            decide = decide.again(left_out)
            near, cluster_of = _near_clusters(corpus, config, unit, pair_array, decide)
    return DocumentClusters(
        exact=exact,
        near=near,
        scores={
            (c.representative, m): decide.scores(c.representative, m)
            for c in near
            for m in c.members
            if m != c.representative
        },
        cluster_of=cluster_of,
        dropped=cluster_of != np.arange(n),
        candidate_pairs=int(candidate_array.shape[0]),
        left_out=left_out,
        steps={
            "candidate_pairs": int(candidate_array.shape[0]),
            "screened": int(pair_array.shape[0]),
            **decide.steps(),
            "near": len(near),
        },
    )


def _near_clusters(
    corpus: Corpus,
    config: ScanConfig,
    unit: np.ndarray,
    pair_array: np.ndarray,
    decide: DocumentDecider,
) -> tuple[list[Cluster], np.ndarray]:
    """The near clusters of the pairs ``decide`` calls copies, and the cluster of every
    document."""
    n = len(corpus.documents)
    # Length without furniture: a copy longer only by a "Laisser un commentaire" line is not
    # the more complete one.
    body = np.bincount(
        corpus.pars.doc,
        weights=np.where(decide.left_out, 0, corpus.pars.tokens),
        minlength=n,
    )
    near_rank = _doc_rank(corpus, config.prefer_sources, body)
    copies = decide.pairs(pair_array)
    near = clusters_from_pairs(copies, near_rank, decide.close)
    near_rep = np.arange(n)
    for c in near:
        near_rep[list(c.members)] = c.representative
    return near, near_rep[unit]


def document_pairs(
    corpus: Corpus, config: ScanConfig, furniture: np.ndarray | None = None
) -> tuple[list[Cluster], np.ndarray, np.ndarray, np.ndarray]:
    """What the verifier is asked about: the exact groups, the group of each document
    (``unit``), the candidate pairs among one document per group, and the paragraphs left
    out of the comparison (titles and furniture; see :func:`document_clusters`)."""
    n = len(corpus.documents)
    rank = _doc_rank(corpus, config.prefer_sources)
    hashes, tokens = corpus.docs.hash, corpus.docs.tokens
    exact = [
        Cluster(min(g.tolist(), key=rank), tuple(sorted(g.tolist())))
        for g in candidates.groups(hashes)
    ]
    unit = np.arange(n)
    for c in exact:
        unit[list(c.members)] = c.representative
    is_unit = (unit == np.arange(n)) & (tokens > 0)
    pair_array = _document_candidates(corpus, config, unit, is_unit)
    if furniture is None:
        furniture = boilerplate_stage(corpus, config, unit).whole
    return exact, unit, pair_array, corpus.pars.title | furniture


#: How the evidence of chunks of pairs is computed: ``chunk_map(function, chunks)`` gives
#: ``function(chunk)`` for each chunk, in order (the builtin ``map``, or the executor's threads).
ChunkMap = Callable[[Callable[[np.ndarray], Evidence], Sequence[np.ndarray]], Iterable[Evidence]]

#: Document pairs whose evidence is computed at once (the articles of a chunk are prepared
#: together, so memory is bounded by the chunk, not by the candidates; the executor may run
#: a chunk per core side by side: at 100k articles, 1,024 pairs a chunk on two threads keep
#: the peak at 1.4 GB where 2,048 took 1.5).
EVIDENCE_PAIRS = 1024
#: Candidate pairs from which their evidence is computed by the compiled kernel: about 0.4 ms
#: a pair of numpy against a second to load the kernels, then some 10-30 us a pair.
EVIDENCE_JIT_PAIRS = 3000


class DocumentDecider:
    """Copy or look-alike, for pairs of documents of ``corpus``: the evidence of each pair
    (on the body paragraphs that ``left_out`` does not mark), the verifier's probability,
    and the decision; kept for the pairs decided (:class:`Decisions`), so clustering asks
    again for free."""

    def __init__(
        self, corpus: Corpus, config: ScanConfig, left_out: np.ndarray, chunk_map: ChunkMap = map
    ) -> None:
        self.corpus, self.config, self.left_out, self.chunk_map = (
            corpus,
            config,
            left_out,
            chunk_map,
        )
        self.verifier = Verifier.load(config.verify.verifier)
        chosen = config.verify.copy_probability
        self.threshold = self.verifier.threshold if chosen is None else chosen
        self.decided = Decisions(len(corpus.documents))
        self.verified = self.prepared = 0

    def pairs(self, pairs: np.ndarray) -> np.ndarray:
        """Decide every row of ``pairs`` (``i < j``) not decided yet; return the rows that
        are copies."""
        return pairs[self.close(pairs)]

    def _decide(self, pairs: np.ndarray) -> None:
        """Compute the evidence and probability of every row.

        The rows are taken in chunks of articles that are linked (:func:`local_order`): an
        article is prepared once per chunk it is in, so that is mostly once."""
        compiled = pairs.shape[0] >= EVIDENCE_JIT_PAIRS
        order = local_order(pairs)
        chunks = [
            pairs[order[lo : lo + EVIDENCE_PAIRS]] for lo in range(0, order.size, EVIDENCE_PAIRS)
        ]
        self.corpus.tfidf()  # computed once, before the chunks may run side by side
        evidence_of = partial(
            document_evidence, self.corpus, left_out=self.left_out, compiled=compiled
        )
        for chunk, found in zip(chunks, self.chunk_map(evidence_of, chunks), strict=True):
            self.verified += int(chunk.shape[0])
            self.prepared += int(candidates.sorted_unique(chunk.ravel()).size)
            matrix = found.matrix()
            self.decided.decide(chunk, matrix, self.verifier.probabilities(matrix))

    def again(self, left_out: np.ndarray) -> DocumentDecider:
        """A decider on other paragraphs left out, which keeps the decisions of the pairs
        whose two articles leave out what they did (and counts the work done so far)."""
        changed = np.zeros(len(self.corpus.documents), dtype=bool)
        changed[self.corpus.pars.doc[left_out != self.left_out]] = True
        done = self.decided.pairs()
        out = DocumentDecider(self.corpus, self.config, left_out, self.chunk_map)
        out.decided = self.decided.kept(~(changed[done[:, 0]] | changed[done[:, 1]]))
        out.verified, out.prepared = self.verified, self.prepared
        return out

    def steps(self) -> dict[str, int]:
        """The pairs whose evidence was computed (decisions reused are not counted again;
        pairs decided again on other furniture are), the articles prepared for them (once
        per chunk an article is in), the copies."""
        everything = np.arange(len(self.decided))
        copies = int((self.decided.probability(everything) >= self.threshold).sum())
        return {"verified": self.verified, "prepared": self.prepared, "copies": copies}

    def close(self, pairs: np.ndarray) -> np.ndarray:
        """Whether each row of ``pairs`` (``i < j``) is a copy, decided for all rows at once."""
        if pairs.shape[0] == 0:
            return np.zeros(0, dtype=bool)
        rows = self.decided.rows(pairs)
        if (rows < 0).any():
            self._decide(pairs[rows < 0])
            rows = self.decided.rows(pairs)
        return self.decided.probability(rows) >= self.threshold

    def scores(self, a: int, b: int) -> verify.Scores:
        pair = np.array([[min(a, b), max(a, b)]], dtype=np.int64)
        self.close(pair)
        return self.decided.scores(int(self.decided.rows(pair)[0]))


#: Pairs from which :func:`local_order` orders the articles by scipy's reverse Cuthill-McKee
#: (below it, the order of connected groups does as well, without importing scipy).
BANDED_ORDER_PAIRS = 3000


def local_order(pairs: np.ndarray) -> np.ndarray:
    """The rows of ``pairs`` in an order where consecutive rows share articles, so that a
    chunk of consecutive rows holds few articles, most of them in no other chunk.

    The articles are numbered by the reverse Cuthill-McKee order of the graph of pairs
    (``scipy.sparse.csgraph``: neighbours get near numbers) and the rows sorted by the
    smaller number of their two articles, then the larger. At 100k generated articles,
    283,460 pairs among 22,725 articles, chunks of 1,024 rows prepared 218,010 articles in
    the order of connected groups and 95,885 in this one: template families make groups of
    thousands of articles. Fewer than :data:`BANDED_ORDER_PAIRS` rows keep the groups'
    order (groups by their first row, each group's rows in their order).

    >>> local_order(np.array([[0, 1], [2, 3], [1, 4], [3, 5]])).tolist()
    [0, 2, 1, 3]
    """
    if pairs.shape[0] < 2:
        return np.arange(pairs.shape[0])
    nodes, index = np.unique(pairs, return_inverse=True)
    index = index.reshape(pairs.shape)
    if pairs.shape[0] >= BANDED_ORDER_PAIRS:
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import reverse_cuthill_mckee

        ones = np.ones(2 * pairs.shape[0], dtype=np.int8)
        rows, cols = (
            np.concatenate([index[:, 0], index[:, 1]]),
            np.concatenate([index[:, 1], index[:, 0]]),
        )
        graph = coo_matrix((ones, (rows, cols)), shape=(nodes.size, nodes.size)).tocsr()
        rank = np.empty(nodes.size, dtype=np.int64)
        rank[reverse_cuthill_mckee(graph, symmetric_mode=True)] = np.arange(nodes.size)
        a, b = rank[index[:, 0]], rank[index[:, 1]]
        return np.lexsort((np.maximum(a, b), np.minimum(a, b)))
    label = component_labels(index, nodes.size)
    group = label[index[:, 0]]
    # Groups in the order of their first row; stable, so rows keep their order in a group.
    first = np.full(nodes.size, pairs.shape[0], dtype=np.int64)
    np.minimum.at(first, group, np.arange(pairs.shape[0]))
    return np.argsort(first[group], kind="stable")


def document_evidence(
    corpus: Corpus, pairs: np.ndarray, left_out: np.ndarray, compiled: bool = False
) -> Evidence:
    """The evidence of copying of each pair of documents, on their body paragraphs that
    ``left_out`` does not mark (titles and furniture), each once (``clean`` keeps the first
    of a paragraph repeated in one article: evidence on what it keeps makes a second clean
    find nothing), their titles apart (``compiled``: see :func:`dedup.stages.evidence.evidence`)."""
    if pairs.size == 0:
        return Evidence.concat([])
    docs = candidates.sorted_unique(pairs.ravel())
    first, is_title = corpus.first_par, corpus.pars.title
    bodies, titles = [], []
    for d in docs.tolist():
        forms, base = corpus.forms(d), int(first[d])
        norms = fold_case("\n".join(forms)).split("\n") if forms else []
        seen: set[str] = set()
        body = []
        for k, (form, norm) in enumerate(zip(forms, norms, strict=True)):
            if not left_out[base + k] and norm not in seen:
                seen.add(norm)
                body.append(form)
        bodies.append(body)
        title = [t for k, t in enumerate(forms) if is_title[base + k]]
        titles.append(
            title[0] if title else " ".join(typographic_lines(corpus.documents[d].title or ""))
        )
    # The material too is computed by the compiled kernels when the pairs are many enough for
    # them (the same arrays: the numpy code is for a few pairs).
    with jit_switch.compiled(compiled):
        prepared = material.prepare(material.items(bodies, titles))
    index = np.searchsorted(docs, pairs)
    return evidence_stage.evidence(prepared, index, corpus.tfidf(), compiled)


def _document_candidates(
    corpus: Corpus, config: ScanConfig, unit: np.ndarray, is_unit: np.ndarray
) -> np.ndarray:
    """LSH pairs among exact-group representatives, plus pairs that share a long paragraph.

    A brief made of the first paragraphs of a longer story, or a rewrite that keeps a few
    paragraphs nearly intact, has a document Jaccard low enough for banding to miss it; but
    its paragraphs collide with the story's in the paragraph bands. Only paragraphs longer
    than any boilerplate line (``max_tokens``) count, so furniture cannot link articles.
    """
    ids = np.flatnonzero(is_unit)
    max_bucket = config.minhash.max_bucket
    lsh = candidates.lsh_pairs(corpus.docs.bands, max_bucket, ids)
    long_par = np.flatnonzero(
        (corpus.pars.tokens > config.boilerplate.max_tokens) & ~corpus.pars.title
    )
    par_pairs = candidates.lsh_pairs(corpus.pars.bands, max_bucket, long_par)
    shared = unit[corpus.pars.doc[par_pairs]]
    pairs = candidates.unique_pairs([lsh, shared])
    return pairs[is_unit[pairs[:, 0]] & is_unit[pairs[:, 1]]]
