"""Where the stages meet: ``scan(paths, config=...) -> ScanResult``.

The per-article stages (load, normalize, segment, fingerprint, boilerplate keys) run as a map
over shards, in worker processes; what comes back is compact numpy arrays. The corpus-wide
stages then run once, on those arrays, in this order:

    candidates -> verify -> cluster        (documents, scored without furniture: built-in
                                            patterns and templates learned with exact
                                            copies as the clusters)
    boilerplate                            (needs the document clusters)
    candidates -> verify -> cluster        (paragraphs: the same machinery)
    report

Each stage is timed under its name in ``ScanReport.timings``.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial

import numpy as np

from dedup.config import ScanConfig
from dedup.corpus import Corpus, Progress, ShardOutput
from dedup.output.findings import boilerplate_findings, document_findings, paragraph_finding
from dedup.output.report import Finding, ScanReport
from dedup.records import Document, InputWarning, Segment
from dedup.stages import boilerplate as bp
from dedup.stages import candidates, fingerprint, load, verify
from dedup.stages import evidence as evidence_stage
from dedup.stages.cluster import Cluster, clusters_from_pairs
from dedup.stages.evidence import Evidence
from dedup.stages.normalize import fold_case, typographic_lines
from dedup.stages.patterns import PatternSet
from dedup.stages.segment import normalized_paragraphs
from dedup.stages.verifier import Verifier
from dedup.tables import DocTable, ParTable

#: Prefix patterns (datelines) are tried on this many paragraphs at the start of an article.
PREFIX_PARAGRAPHS = 2
#: Articles per worker process from which the compiled kernels are used (when installed).
JIT_MIN_ARTICLES = 2000
#: Articles from which the main process uses them too, for the corpus-wide stages (about
#: 150 MiB more memory there, and a second of loading, repaid from this size on).
MAIN_JIT_MIN_ARTICLES = 50_000


# --------------------------------------------------------------------------- per-shard map


@lru_cache(maxsize=4)
def _patterns(langs: tuple[str, ...]) -> tuple[PatternSet, dict[object, int]]:
    patterns = PatternSet.load(langs)
    return patterns, {p: i for i, p in enumerate(patterns.patterns)}


def process_shard(shard: load.Shard, config: ScanConfig) -> ShardOutput:
    """Load, segment, normalize and fingerprint one shard (runs in a worker)."""
    result = load.read_shard(shard, config.load)
    docs: list[Document] = []
    segs: list[list[Segment]] = []
    for doc in result.documents:
        # One article that the text stages cannot take must not stop the run: it is
        # skipped with a warning naming it.
        try:
            segs.append(normalized_paragraphs(doc, config.load.segment))
        except Exception as exc:  # reported, never silent
            line = doc.first_line if doc.format == "jsonl" else None
            result.warnings.append(
                InputWarning(doc.path, line, f"cannot segment: {type(exc).__name__}, skipped")
            )
            result.skipped += 1
            continue
        docs.append(doc)
    return fingerprint_documents(docs, segs, config, result.warnings, result.skipped)


def fingerprint_documents(
    docs: list[Document],
    segs: list[list[Segment]],
    config: ScanConfig,
    warnings: list[InputWarning] | None = None,
    skipped: int = 0,
) -> ShardOutput:
    """Fingerprint documents already segmented into normalized paragraphs (``segs[i]`` are
    the paragraphs of ``docs[i]``): what a worker does after reading, and what an index does
    with the paragraphs it stored."""
    counts = np.array([len(s) for s in segs], dtype=np.int64)
    flat = [s for ss in segs for s in ss]
    forms = [s.text for s in flat]  # the typographic form, case kept (packed for the verifier)
    norms = fold_case("\n".join(forms)).split("\n") if forms else []  # what is compared
    par_doc = np.repeat(np.arange(len(docs), dtype=np.int64), counts)
    par_title = np.array([s.is_title for s in flat], dtype=bool)
    fp = fingerprint.fingerprint_paragraphs(norms, par_doc, par_title, len(docs), config.minhash)
    patterns, index = _patterns(config.boilerplate.patterns)
    pattern = np.full(len(flat), -1, dtype=np.int32)
    # Datelines (prefix templates) are glued to the start of an article: only its first
    # PREFIX_PARAGRAPHS paragraphs are tried against them.
    ordinal = np.arange(len(flat)) - np.repeat(np.cumsum(counts) - counts, counts)
    for i, text in enumerate(norms):
        match = patterns.match(text, prefixes=ordinal[i] < PREFIX_PARAGRAPHS) if text else None
        if match is not None:
            pattern[i] = index[match.pattern]
    df = verify.document_frequencies(fp.words.hashes, par_doc[fp.words.paragraph])
    df_index = np.flatnonzero(df).astype(np.int32)
    return ShardOutput(
        # Text goes back only for standard input, which cannot be read twice.
        documents=[d if d.from_stdin else replace(d, text="") for d in docs],
        packed_norms=_pack_norms(forms, counts),
        warnings=warnings or [],
        skipped=skipped,
        pars=ParTable(
            doc=par_doc,
            start=np.array([s.start for s in flat], dtype=np.int32),
            end=np.array([s.end for s in flat], dtype=np.int32),
            title=par_title,
            tokens=fp.words.counts,
            hash=fp.par_hash,
            bands=fp.par_bands,
            pattern=pattern,
        ),
        docs=DocTable(bands=fp.doc_bands, hash=fp.doc_hash, tokens=fp.doc_tokens),
        within_pairs=fp.within_pairs,
        keys=bp.paragraph_keys(fp.words),
        df_index=df_index,
        df_count=df[df_index].astype(np.int32),
    )


def _pack_norms(norms: list[str], counts: np.ndarray) -> list[bytes]:
    """Each document's normalized paragraphs, one per line, compressed."""
    out, start = [], 0
    for count in counts.tolist():
        out.append(zlib.compress("\n".join(norms[start : start + count]).encode("utf-8"), 1))
        start += count
    return out


def map_shards(shards: Sequence[load.Shard], config: ScanConfig) -> Iterator[ShardOutput]:
    """Run :func:`process_shard` over ``shards``, in order, on up to ``workers`` processes."""
    workers = min(config.effective_workers, len(shards))
    # Compiled kernels (numba) pay for their loading time (about a second per process) only
    # on large inputs; each worker loads them itself, so that the main process, which holds
    # the corpus, does not carry them.
    jit = _total(shards) >= JIT_MIN_ARTICLES * max(1, workers)
    if workers <= 1:
        fingerprint.use_jit(jit)
        try:
            for shard in shards:
                yield process_shard(shard, config)
        finally:
            fingerprint.use_jit(False)
        return
    # fork is the cheapest start and needs no importable __main__, but forking while another
    # thread runs (a progress bar's refresh thread) can copy a held lock into the child:
    # then the forkserver starts workers from a clean single-threaded process instead.
    # Warm what every worker needs (datasketch's banding optimiser, the compiled patterns)
    # once here, so that forked workers inherit it instead of each paying for it.
    fingerprint.lsh_params(config.minhash.doc_threshold, config.minhash.num_perm)
    fingerprint.lsh_params(config.minhash.paragraph_threshold, config.minhash.num_perm)
    _patterns(config.boilerplate.patterns)
    method = "fork" if threading.active_count() == 1 else "forkserver"
    if method not in multiprocessing.get_all_start_methods():
        method = "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        multiprocessing.set_forkserver_preload(["dedup.flow.pipeline"])
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=fingerprint.use_jit, initargs=(jit,)
    ) as pool:
        # The configuration goes with each shard (a few hundred bytes): workers hold no
        # state of their own but the compiled-kernel switch.
        yield from pool.map(partial(process_shard, config=config), shards)


# --------------------------------------------------------------------------- scan


@dataclass
class ScanResult:
    """The report, plus what a cleaner needs: documents, clusters and paragraph indices."""

    report: ScanReport
    corpus: Corpus
    documents: DocumentClusters
    boilerplate: Boilerplate


class Timer:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - start


def scan(
    paths: Sequence[str],
    *,
    config: ScanConfig,
    stdin: bytes | None = None,
    stdin_name: str = load.STDIN,
    on_progress: Progress | None = None,
) -> ScanResult:
    """Scan ``paths`` for repeated paragraphs, syndicated articles and boilerplate
    (``stdin``: the bytes of the article named ``-``)."""
    timer = Timer()
    with timer("load"):
        files, warnings = load.expand_paths(paths, config.load.strict)
        # An empty shard when nothing was found: the stages then run on empty arrays.
        shards = list(
            load.plan_shards(files, config.load, config.batch_size, stdin, stdin_name)
        ) or [load.Shard()]
    with timer("fingerprint"):
        corpus = Corpus.gather(map_shards(shards, config), on_progress, _total(shards), config.load)
        warnings += load.duplicate_ids(corpus.documents)
    docs, boiler, findings, paragraph_pairs = analyse(corpus, config, timer)
    report = ScanReport(
        inputs=len(files),
        articles=len(corpus.documents),
        paragraphs=int(corpus.pars.doc.size),
        skipped=corpus.skipped + len(warnings),
        clusters=len(docs.exact) + len(docs.near),
        candidate_pairs={"documents": docs.candidate_pairs, "paragraphs": paragraph_pairs},
        warnings=warnings + corpus.warnings,
        findings=findings,
        timings=timer.timings,
        config=config.to_dict(),
        read=[d.article for d in corpus.documents],
    )
    return ScanResult(report, corpus, docs, boiler)


def analyse(
    corpus: Corpus,
    config: ScanConfig,
    timer: Timer,
    learned: Callable[[list[str]], list[bp.Template]] | None = None,
    first_reported: int = 0,
) -> tuple[DocumentClusters, Boilerplate, list[Finding], int]:
    """The corpus-wide stages: documents, boilerplate, paragraphs, findings (sorted).

    Boilerplate is reported in documents from ``first_reported`` on (a check reports the
    furniture of the new articles, not of the indexed ones it compares them with).
    """
    # The corpus-wide stages hash the words of candidate items again: with the compiled
    # kernels on very large corpora (worker processes are gone by now).
    fingerprint.use_jit(len(corpus.documents) >= MAIN_JIT_MIN_ARTICLES)
    try:
        if learned is None:
            with timer("documents"):
                docs = document_clusters(corpus, config)
            with timer("boilerplate"):
                boiler = boilerplate_stage(corpus, config, docs)
        else:
            # Templates learned earlier do not depend on this corpus's clusters: applied once,
            # they mask the furniture of the document pairs too.
            with timer("boilerplate"):
                boiler = _boilerplate(corpus, config, np.arange(len(corpus.documents)), learned)
            with timer("documents"):
                docs = document_clusters(corpus, config, boiler.whole)
        with timer("paragraphs"):
            paragraphs, paragraph_pairs = _paragraph_findings(corpus, config, docs, boiler)
    finally:
        fingerprint.use_jit(False)
    with timer("report"):
        reported = corpus.pars.doc >= first_reported
        findings = [
            *document_findings(corpus, docs.exact, docs.near, docs.scores, docs.left_out),
            *paragraphs,
            *boilerplate_findings(
                corpus,
                np.where(reported, boiler.template, -1),
                boiler.templates,
                np.where(reported, boiler.pattern, -1),
                _patterns(config.boilerplate.patterns)[0],
                config.load.segment,
            ),
        ]
        findings.sort(key=Finding.sort_key)
    return docs, boiler, findings, paragraph_pairs


def _total(shards: Sequence[load.Shard]) -> int:
    return sum(len(s.files) or s.count or 1 for s in shards)


# --------------------------------------------------------------------------- features


@dataclass
class Features:
    """Exact comparison material for some items (documents or paragraphs), computed lazily."""

    shingle_sets: dict[int, np.ndarray] = field(default_factory=dict)
    bags: dict[int, np.ndarray] = field(default_factory=dict)
    tokens: dict[int, int] = field(default_factory=dict)


#: Text hashed per batch when computing features: bounds the transient arrays (a few bytes of
#: numpy per byte of text) whatever the number of candidates.
FEATURE_BATCH_BYTES = 1 << 20


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


def _score(pairs: np.ndarray, feats: Features, tfidf: verify.TfidfCosine) -> list[verify.Scores]:
    if pairs.size == 0:
        return []
    items = sorted({int(x) for x in pairs.ravel()})
    index = {item: i for i, item in enumerate(items)}
    cos = tfidf.cosine(
        [feats.bags[i] for i in items], np.array([[index[int(a)], index[int(b)]] for a, b in pairs])
    )
    out = []
    for (a, b), c in zip(pairs.tolist(), cos.tolist(), strict=True):
        j, k = verify.exact_jaccard(feats.shingle_sets[a], feats.shingle_sets[b])
        out.append(verify.Scores(j, k, float(c)))
    return out


class PairScorer:
    """Exact scores of pairs of items (documents or paragraphs), computed on demand, cached.

    ``texts(items)`` returns each item's normalized paragraphs; features (shingle sets, word
    bags) are computed once per item, for a whole batch of items at a time.
    """

    def __init__(
        self,
        texts: Callable[[list[int]], dict[int, list[str]]],
        ngram_size: int,
        tfidf: verify.TfidfCosine,
    ) -> None:
        self.texts = texts
        self.ngram_size = ngram_size
        self.tfidf = tfidf
        self.features = Features()
        self.scores: dict[tuple[int, int], verify.Scores] = {}

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
            scored = _score(chunk, feats, self.tfidf)
            self.scores.update(zip(map(tuple, chunk.tolist()), scored, strict=True))
            for item in last_item[bounds[number] : bounds[number + 1]].tolist():
                feats.shingle_sets.pop(item, None)
                feats.bags.pop(item, None)

    def __call__(self, a: int, b: int) -> verify.Scores:
        key = (min(a, b), max(a, b))
        if key not in self.scores:
            self.score_all(np.array([key], dtype=np.int64))
        return self.scores[key]

    def tokens(self, item: int) -> int:
        return self.features.tokens.get(item, 0)


def _doc_texts(
    corpus: Corpus, docs: Iterable[int], left_out: np.ndarray | None = None
) -> dict[int, list[str]]:
    """Normalized paragraphs of each document but those ``left_out`` marks (by default the
    titles: the body paragraphs)."""
    if left_out is None:
        left_out = corpus.pars.title
    first = corpus.first_par
    out = {}
    for d in docs:
        norms = corpus.norms(d)
        out[d] = [t for k, t in enumerate(norms) if not left_out[first[d] + k]]
    return out


# --------------------------------------------------------------------------- documents


def _doc_rank(
    corpus: Corpus, prefer_sources: Sequence[str] = (), tokens: np.ndarray | None = None
) -> Callable[[int], tuple[object, ...]]:
    """Which copy is canonical: the earliest ``date`` (ISO 8601 strings compare in time
    order; an article without a date comes after those with one), then the first source of
    ``prefer_sources``, then the most complete text (the longer one, which contains the
    other: ``tokens`` words, by default its body's), then input order."""
    docs = corpus.documents
    length = corpus.docs.tokens if tokens is None else tokens
    priority = {source: i for i, source in enumerate(prefer_sources)}

    def rank(d: int) -> tuple[object, ...]:
        date = docs[d].date
        source = priority.get(docs[d].source, len(priority))
        return (date is None, date or "", source, -int(length[d]), d)

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


def document_clusters(
    corpus: Corpus, config: ScanConfig, furniture: np.ndarray | None = None
) -> DocumentClusters:
    """Exact groups, then near clusters among one representative per exact group.

    Near pairs are decided on the body paragraphs that are not furniture (``furniture``, one
    flag per paragraph): two pages of one site that share their navigation and footers but
    not their story are not copies. Without ``furniture``, it is the built-in whole-line
    patterns and the templates learned with exact groups as the clusters, then, once, with
    the near clusters found (see below). Exact groups compare whole bodies, furniture
    included.
    """
    n = len(corpus.documents)
    exact, unit, pair_array, left_out = document_pairs(corpus, config, furniture)
    decide, near, cluster_of = _near_clusters(corpus, config, unit, pair_array, left_out)
    if furniture is None:
        # The templates the report (and clean) will use are learned with these clusters: a
        # line that looked like furniture while near copies counted apart may be none. Pairs
        # of articles whose furniture changed are decided once more on what clean keeps, so
        # that cleaning the output finds nothing new.
        again = corpus.pars.title | _boilerplate(corpus, config, cluster_of).whole
        if (again != left_out).any():
            changed = np.zeros(n, dtype=bool)
            changed[corpus.pars.doc[again != left_out]] = True
            kept = {k: v for k, v in decide.decided.items() if not (changed[k[0]] or changed[k[1]])}
            left_out = again
            decide, near, cluster_of = _near_clusters(
                corpus, config, unit, pair_array, left_out, kept
            )
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
        candidate_pairs=int(pair_array.shape[0]),
        left_out=left_out,
    )


def _near_clusters(
    corpus: Corpus,
    config: ScanConfig,
    unit: np.ndarray,
    pair_array: np.ndarray,
    left_out: np.ndarray,
    decided: dict[tuple[int, int], verify.Scores] | None = None,
) -> tuple[DocumentDecider, list[Cluster], np.ndarray]:
    """The decider, the near clusters and the cluster of every document, with the pairs in
    ``decided`` already decided."""
    n = len(corpus.documents)
    # Length without furniture: a copy longer only by a "Laisser un commentaire" line is not
    # the more complete one.
    body = np.bincount(
        corpus.pars.doc,
        weights=np.where(left_out, 0, corpus.pars.tokens),
        minlength=n,
    )
    near_rank = _doc_rank(corpus, config.prefer_sources, body)
    decide = DocumentDecider(corpus, config, left_out)
    decide.decided.update(decided or {})
    copies = decide.pairs(pair_array)
    near = clusters_from_pairs(copies, near_rank, decide)
    near_rep = np.arange(n)
    for c in near:
        near_rep[list(c.members)] = c.representative
    return decide, near, near_rep[unit]


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
        furniture = _boilerplate(corpus, config, unit).whole
    return exact, unit, pair_array, corpus.pars.title | furniture


#: Document pairs whose evidence is computed at once (the articles of a chunk are prepared
#: together, so memory is bounded by the chunk, not by the candidates).
EVIDENCE_PAIRS = 2048
#: Candidate pairs from which their evidence is computed by the compiled kernel: about 0.4 ms
#: a pair of numpy against a second to load the kernels, then some 10-30 us a pair.
EVIDENCE_JIT_PAIRS = 3000


class DocumentDecider:
    """Copy or look-alike, for pairs of documents of ``corpus``: the evidence of each pair
    (on the body paragraphs that ``left_out`` does not mark), the verifier's probability,
    and the decision; kept for the pairs decided, so clustering asks again for free."""

    def __init__(self, corpus: Corpus, config: ScanConfig, left_out: np.ndarray) -> None:
        self.corpus, self.left_out = corpus, left_out
        self.verifier = Verifier.load(config.verify.verifier)
        chosen = config.verify.copy_probability
        self.threshold = self.verifier.threshold if chosen is None else chosen
        self.decided: dict[tuple[int, int], verify.Scores] = {}

    def pairs(self, pairs: np.ndarray) -> np.ndarray:
        """Decide every row of ``pairs`` (``i < j``) not decided yet; return the rows that
        are copies."""
        if self.decided and pairs.size:
            todo = np.array([tuple(p) not in self.decided for p in pairs.tolist()], dtype=bool)
            self._decide(pairs[todo])
            return pairs[np.array([self(a, b) for a, b in pairs.tolist()], dtype=bool)]
        return self._decide(pairs)

    def _decide(self, pairs: np.ndarray) -> np.ndarray:
        """Compute the evidence and decision of every row; return the rows that are copies."""
        keep = np.zeros(pairs.shape[0], dtype=bool)
        compiled = pairs.shape[0] >= EVIDENCE_JIT_PAIRS
        for lo in range(0, pairs.shape[0], EVIDENCE_PAIRS):
            chunk = pairs[lo : lo + EVIDENCE_PAIRS]
            found = document_evidence(self.corpus, chunk, self.left_out, compiled)
            probability = self.verifier.probability(found)
            keep[lo : lo + chunk.shape[0]] = probability >= self.threshold
            names = found.names()
            matrix = found.matrix()
            for row, (a, b) in enumerate(chunk.tolist()):
                self.decided[(a, b)] = verify.Scores(
                    float(found.jaccard[row]),
                    float(found.containment[row]),
                    float(found.cosine[row]),
                    float(probability[row]),
                    tuple(zip(names, matrix[row].tolist(), strict=True)),
                )
        return pairs[keep]

    def scores(self, a: int, b: int) -> verify.Scores:
        key = (min(a, b), max(a, b))
        if key not in self.decided:
            self.pairs(np.array([key], dtype=np.int64))
        return self.decided[key]

    def __call__(self, a: int, b: int) -> bool:
        probability = self.scores(a, b).probability
        return probability is not None and probability >= self.threshold


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
    prepared = evidence_stage.prepare(evidence_stage.items(bodies, titles))
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


# --------------------------------------------------------------------------- boilerplate


@dataclass
class Boilerplate:
    """Per paragraph: the learned template (``template``) or built-in pattern (``pattern``)
    it matches, -1 for none; ``whole`` says the whole line is furniture."""

    template: np.ndarray
    pattern: np.ndarray
    whole: np.ndarray
    templates: list[bp.Template]


def boilerplate_stage(
    corpus: Corpus,
    config: ScanConfig,
    docs: DocumentClusters,
    learned: Callable[[list[str]], list[bp.Template]] | None = None,
) -> Boilerplate:
    """Built-in patterns and templates learned from ``corpus``; or, with ``learned``, the
    templates learned earlier for these sources (an index's), applied and not relearned.
    ``learned(names)`` returns them with ``source`` an index into ``names``."""
    return _boilerplate(corpus, config, docs.cluster_of, learned)


def _boilerplate(
    corpus: Corpus,
    config: ScanConfig,
    cluster_of: np.ndarray,
    learned: Callable[[list[str]], list[bp.Template]] | None = None,
) -> Boilerplate:
    """:func:`boilerplate_stage` with ``cluster_of[d]`` the cluster of document ``d`` (the
    articles of one cluster count once when templates are learned)."""
    par_doc, title = corpus.pars.doc, corpus.pars.title
    names = sorted({d.source for d in corpus.documents})
    source_id = {name: i for i, name in enumerate(names)}
    doc_source = np.array([source_id[d.source] for d in corpus.documents], dtype=np.int64)
    body = (~title).astype(np.int64)
    ordinal = np.cumsum(body) - body  # body paragraphs before this one, corpus-wide
    first = np.searchsorted(par_doc, np.arange(len(corpus.documents)))
    before_doc = ordinal[np.minimum(first, par_doc.size - 1)] if par_doc.size else ordinal
    from_start = ordinal - before_doc[par_doc]
    body_count = np.bincount(par_doc, weights=body, minlength=len(corpus.documents))
    from_end = body_count[par_doc].astype(np.int64) - 1 - from_start
    keys = corpus.keys or bp.paragraph_keys(fingerprint.word_hashes([]))
    if learned is None:
        template, templates = bp.learn_templates(
            keys=keys,
            source=doc_source[par_doc],
            cluster=cluster_of[par_doc],
            tokens=corpus.pars.tokens,
            is_title=title,
            from_start=from_start,
            from_end=from_end,
            config=config.boilerplate,
        )
    else:
        templates = learned(names) if config.boilerplate.learn else []
        template = bp.apply_templates(
            keys=keys,
            source=doc_source[par_doc],
            tokens=corpus.pars.tokens,
            is_title=title,
            from_start=from_start,
            from_end=from_end,
            templates=templates,
            config=config.boilerplate,
        )
    pattern = corpus.pars.pattern.astype(np.int64)
    whole = (template >= 0) | pattern_furniture(pattern, config)
    return Boilerplate(template, pattern, whole, templates)


def pattern_furniture(pattern: np.ndarray, config: ScanConfig) -> np.ndarray:
    """Paragraphs that a built-in whole-line pattern marks as furniture (``pattern``: the
    pattern each matches, -1 for none; a prefix pattern, a dateline, leaves the rest of its
    line)."""
    patterns, _ = _patterns(config.boilerplate.patterns)
    # One extra False at the end, so that index -1 (no pattern) reads as "not a prefix".
    prefix = np.array([p.prefix for p in patterns.patterns] + [False], dtype=bool)
    return (pattern >= 0) & ~prefix[pattern]


# --------------------------------------------------------------------------- paragraphs


def _paragraph_findings(
    corpus: Corpus, config: ScanConfig, docs: DocumentClusters, boiler: Boilerplate
) -> tuple[list[Finding], int]:
    """Exact and near repeats of paragraphs, inside an article or across articles.

    Copies that the document stage already reported are left out: paragraphs of a dropped
    exact copy, and pairs across two articles of one duplicate cluster.
    """
    pars, cfg = corpus.pars, config.verify
    par_doc, tokens = pars.doc, pars.tokens
    usable = ~boiler.whole & ~_exact_copy(docs)[par_doc]
    cluster = docs.cluster_of[par_doc]

    def reportable(a: int, b: int) -> bool:
        return par_doc[a] == par_doc[b] or cluster[a] != cluster[b]

    findings: list[Finding] = []
    exact_ids = np.flatnonzero(usable & (tokens >= cfg.min_exact_paragraph_tokens))
    for group in candidates.groups(pars.hash[exact_ids], exact_ids):
        members = [
            int(m) for m in group if any(reportable(int(m), int(o)) for o in group if o != m)
        ]
        if len(members) >= 2:
            findings.append(paragraph_finding(corpus, "exact_paragraph", members, None))

    near_ids = np.flatnonzero(usable & (tokens >= cfg.min_paragraph_tokens))
    lsh = candidates.lsh_pairs(pars.bands, config.minhash.max_bucket, near_ids)
    within = corpus.within_pairs
    within = within[usable[within].all(axis=1)] if within.size else within
    pairs = candidates.unique_pairs([lsh, within.reshape(-1, 2)])
    hashes = pars.hash
    keep = [
        i for i, (a, b) in enumerate(pairs.tolist()) if hashes[a] != hashes[b] and reportable(a, b)
    ]
    pairs = pairs[keep] if keep else np.zeros((0, 2), dtype=np.int64)
    score = PairScorer(
        lambda items: _paragraph_texts(corpus, items),
        config.minhash.ngram_size,
        corpus.tfidf(),
    )
    score.score_all(pairs)

    def close(a: int, b: int) -> bool:
        return reportable(a, b) and verify.is_near_paragraph(score(a, b), cfg)

    def rank(p: int) -> tuple[object, ...]:
        return (int(par_doc[p]), p)

    for c in clusters_from_pairs([p for p in list(score.scores) if close(*p)], rank, close):
        member_scores = [
            None if m == c.representative else score(c.representative, m) for m in c.members
        ]
        findings.append(paragraph_finding(corpus, "near_paragraph", list(c.members), member_scores))
    return findings, int(pairs.shape[0])


def _exact_copy(docs: DocumentClusters) -> np.ndarray:
    """Documents that are a non-canonical member of an exact group."""
    out = np.zeros(docs.dropped.size, dtype=bool)
    for c in docs.exact:
        out[[m for m in c.members if m != c.representative]] = True
    return out


def _paragraph_texts(corpus: Corpus, paragraphs: Iterable[int]) -> dict[int, list[str]]:
    """Normalized text of each paragraph (by global index), reading each document once."""
    by_doc: dict[int, list[int]] = {}
    for p in paragraphs:
        by_doc.setdefault(int(corpus.pars.doc[p]), []).append(int(p))
    first = corpus.first_par
    out: dict[int, list[str]] = {}
    for doc, pars in by_doc.items():
        norms = corpus.norms(doc)
        for p in pars:
            out[p] = [norms[p - int(first[doc])]]
    return out
