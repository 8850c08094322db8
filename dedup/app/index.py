"""A persistent index of a corpus, and checks of new articles against it.

``build``/``update`` store what a check needs, per article: its path and record, content hash
and metadata, its paragraphs (lines, title flag, normalized text, compressed), and, for
lookups, *postings*: its document LSH band keys, the exact hashes of its paragraphs and the
LSH band keys of its long paragraphs (the three ways a scan finds candidates). Corpus-wide:
document frequencies (for TF-IDF), the boilerplate templates learned per source, the stock
phrases counted by the build (:mod:`dedup.stages.stock`: every article, indexed or checked,
is fingerprinted with the same ones), and the parameters the index was built with. Nothing
is pickled: values are JSON and raw arrays.

``check`` fingerprints the new articles, looks their keys up in the postings, and runs the
scan's own stages (:func:`dedup.flow.pipeline.analyse`) on the new articles plus the indexed ones
they collide with, with the index's document frequencies and templates; it keeps the
findings that involve a new article. Indexed articles come first in that small corpus, so
that, dates being equal, the copy already in the corpus is the one kept.

Postings are grouped into :data:`~dedup.io.index_codec.N_BUCKETS` buckets by the top bits of
their 64-bit key; a bucket is one value (sorted keys and article ids), so a lookup reads a few
small values and an update rewrites only the buckets it touches. Articles are keyed by
``(path, content hash)``: an update adds what is new, removes what is gone, and leaves the
rest alone (its plan and writes: :mod:`dedup.app.index_update`).
"""

from __future__ import annotations

import json
import os
import time
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from dedup.app import index_update as up
from dedup.app.freshness import (
    Staleness,
    Stamp,
    decode_stamps,
    encode_stamps,
    renamed,
    staleness,
    stamp_files,
)
from dedup.config import DEFAULT_INDEX, LoadConfig, ScanConfig
from dedup.corpus import Corpus, Frequencies, Progress, ShardOutput
from dedup.flow import pipeline
from dedup.flow.executor import map_shards, sampled_map, thread_map, total_articles
from dedup.flow.shards import fingerprint_documents
from dedup.io import inputs
from dedup.io.index_codec import (
    IndexMismatchError,
    bucket_of,
    check_params,
    compact_json,
    decode_doc,
    decode_postings,
    decoding,
    index_params,
    postings,
)
from dedup.io.store import Store, WriteBatch, is_redis, open_store
from dedup.output.report import ScanReport
from dedup.records import InputWarning
from dedup.stages import boilerplate as bp
from dedup.stages import candidates
from dedup.stages.documents import document_clusters
from dedup.stages.furniture import boilerplate_stage
from dedup.stages.stock import StockShingles


@dataclass
class IndexStats:
    location: str
    articles: int
    sources: int
    templates: int
    postings: int
    params: dict[str, Any]
    built_at: str | None = None
    updated_at: str | None = None
    size_bytes: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


#: A build commits its private file every this many bytes of values, to bound its memory.
BUILD_BATCH_BYTES = 64 << 20


class Index:
    """An open index (see :func:`open_index`)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        meta = store.get(
            "meta", ["params", "documents", "next_id", "postings", "df", "stock", "roots", "files"]
        )
        with decoding(store.location, "metadata"):
            self.params: dict[str, Any] | None = (
                dict(json.loads(meta["params"])) if "params" in meta else None
            )
            self.documents = int(meta.get("documents", b"0"))
            self.next_id = int(meta.get("next_id", b"0"))
            self.postings = int(meta.get("postings", b"0"))
            self.roots: list[str] = [str(r) for r in json.loads(meta.get("roots", b"[]"))]
        self._files_blob = meta.get("files")
        self._df_blob = meta.get("df")
        self._stock_blob = meta.get("stock")

    @property
    def location(self) -> str:
        return self.store.location

    def df(self) -> np.ndarray:
        from dedup.stages.verify import N_FEATURES

        if self._df_blob is None:
            return np.zeros(N_FEATURES, dtype=np.int64)
        with decoding(self.location, "document frequencies"):
            df = np.frombuffer(zlib.decompress(self._df_blob), "<i4").astype(np.int64)
            if df.size != N_FEATURES:
                raise ValueError(f"{df.size} frequencies")
        return df

    def stock(self, config: ScanConfig) -> StockShingles | None:
        """The stock phrases the index was built with (None before its build has counted
        them)."""
        if self._stock_blob is None:
            return None
        with decoding(self.location, "stock phrases"):
            return StockShingles.decode(self._stock_blob, config.minhash.stock_run)

    def stamps(self) -> dict[str, Stamp]:
        """The size and modification time of every file when the index last read it."""
        with decoding(self.location, "file stamps"):
            return decode_stamps(self._files_blob)

    def staleness(self, config: LoadConfig, checked: Iterable[str] = ()) -> Staleness | None:
        """The files under the index's roots it does not describe as they are (leaving
        out ``checked``); None when it cannot tell (see :func:`freshness.staleness`)."""
        return staleness(self.roots, self.stamps(), config, checked)

    def renamed(self, files: Sequence[str], stale: Staleness | None) -> set[str]:
        """The ``files`` that are renames of indexed articles whose path is gone."""
        if stale is None or not stale.gone:
            return set()
        with decoding(self.location, "the catalog"):
            keys = [str(key) for key, _ in self.store.items("catalog")]
        return renamed(files, keys, stale.gone)

    def check_params(self, config: ScanConfig) -> None:
        if self.params is None:
            raise IndexMismatchError(f"{self.location}: the index is empty or incomplete")
        check_params(self.params, config, self.location)

    # ----------------------------------------------------------------- reading

    def records(self, ids: Iterable[int]) -> list[up.IndexedRecord]:
        wanted = sorted(set(ids))
        values = self.store.get("docs", wanted)
        out = []
        with decoding(self.location, "an article record"):
            for i in wanted:
                if i in values:
                    doc, segs, sha = decode_doc(values[i])
                    out.append((i, doc, segs, sha))
        return out

    def lookup(self, keys: np.ndarray, max_hits: int) -> np.ndarray:
        """Indexed article ids sharing a posting key with ``keys`` (at most ``max_hits`` per
        key, the smallest ids: a huge posting list is furniture, not a copy)."""
        if keys.size == 0:
            return np.zeros(0, np.int64)
        buckets = bucket_of(keys)
        values = self.store.get("postings", sorted(set(buckets.tolist())))
        hits: list[np.ndarray] = []
        for bucket, value in values.items():
            with decoding(self.location, "postings"):
                bkeys, bdocs = decode_postings(value)
            wanted = keys[buckets == bucket]
            lo = np.searchsorted(bkeys, wanted, "left")
            hi = np.searchsorted(bkeys, wanted, "right")
            for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
                if b > a:
                    hits.append(bdocs[a : min(b, a + max_hits)])
        return candidates.sorted_unique(np.concatenate(hits)) if hits else np.zeros(0, np.int64)

    def templates(self, names: Sequence[str]) -> list[bp.Template]:
        """The templates learned for ``names`` (sources), ``source`` an index into it."""
        values = self.store.get("sources", list(names))
        out: list[bp.Template] = []
        with decoding(self.location, "templates"):
            for i, name in enumerate(names):
                if name in values:
                    for key_type, position, key, docs in json.loads(values[name])["templates"]:
                        out.append(
                            bp.Template(i, int(key_type), int(position), int(key), int(docs))
                        )
        return out

    def stats(self) -> IndexStats:
        """What the index holds (after a quick integrity check of its file)."""
        self.store.verify()
        n_templates = n_sources = 0
        with decoding(self.location, "sources"):
            for _, value in self.store.items("sources"):
                n_sources += 1
                n_templates += len(json.loads(value)["templates"])
        meta = self.store.get("meta", ["built_at", "updated_at"])
        return IndexStats(
            location=self.location,
            articles=self.documents,
            sources=n_sources,
            templates=n_templates,
            postings=self.postings,
            params=self.params or {},
            built_at=meta["built_at"].decode() if "built_at" in meta else None,
            updated_at=meta["updated_at"].decode() if "updated_at" in meta else None,
            size_bytes=os.path.getsize(self.location) if os.path.isfile(self.location) else None,
        )

    # ----------------------------------------------------------------- writing

    def update(
        self,
        paths: Sequence[str],
        config: ScanConfig,
        on_progress: Progress | None = None,
        *,
        building: bool = False,
    ) -> up.UpdateResult:
        """Add the new and changed articles of ``paths``, remove the indexed articles that
        are gone (from a file given, or whose file no longer exists), relearn the templates
        of the sources that changed, and commit it all in one transaction (a build, written
        to a private file, commits as it goes)."""
        timer = pipeline.Timer()
        if self.params is not None:
            check_params(self.params, config, self.location)
        with timer("load"):
            with decoding(self.location, "the catalog"):
                catalog = {str(key): int(value) for key, value in self.store.items("catalog")}
            plan = up.plan(paths, catalog, config.load)
        with timer("fingerprint"):
            change = self._gather(plan, config, on_progress)
        with timer("documents"):
            docs = document_clusters(
                change.corpus, config, None, thread_map(config.effective_workers)
            )
        with timer("boilerplate"):
            boiler = boilerplate_stage(change.corpus, config, docs.cluster_of)
        batch = WriteBatch(self.store, flush_bytes=BUILD_BATCH_BYTES if building else None)
        ids_of = change.ids(self.next_id)
        with timer("write documents"):
            up.write_documents(batch, change, ids_of)
        with timer("postings"):
            add_keys, add_docs = up.corpus_postings(
                change.corpus, change.n_new, config, boiler.whole
            )
            rm_keys, _ = postings(change.removed_out.pars, change.removed_out.docs, config)
            added = up.PostingsChange(add_keys, ids_of[add_docs], rm_keys, plan.gone)
            del add_keys, add_docs
        with timer("write postings"):
            delta = up.write_postings(batch, added, indexed=bool(self.documents))
            del added
        with timer("write"):
            up.write_sources(batch, change, ids_of, boiler.templates)
            self._write_meta(batch, change, config, delta, building)
        return up.UpdateResult(
            added=change.n_new,
            removed=len(change.removed),
            unchanged=plan.unchanged,
            articles=self.documents,
            warnings=plan.warnings + change.corpus.warnings,
            skipped=plan.skipped + change.corpus.skipped,
            timings=timer.timings,
        )

    def _gather(self, plan: up.Plan, config: ScanConfig, on_progress: Progress | None) -> up.Change:
        """The articles of an update, fingerprinted: the new ones (streamed), then the
        indexed ones of their sources (on which templates are learned as they will be).
        A build counts the stock phrases on a sample of its inputs first; an update keeps
        the index's."""
        shards = plan.shards(config.batch_size)
        stock = self.stock(config)
        if stock is None:
            stock, new = sampled_map(shards, config)
        else:
            new = map_shards(shards, config, stock)
        removed = self.records(plan.gone)
        removed_out = _fingerprint_records(removed, config, stock)
        sources = {doc.source for _, doc, _, _ in removed}
        kept: list[ShardOutput] = []
        kept_ids: list[int] = []

        def outputs() -> Iterator[ShardOutput]:
            total, done = total_articles(shards), 0
            for out in new:
                sources.update(d.source for d in out.documents)
                done += len(out.documents) + out.skipped
                if on_progress is not None:
                    on_progress(done, total)
                yield out
            kept_ids.extend(sorted(self._members(sources) - set(plan.gone)))
            kept.append(_fingerprint_records(self.records(kept_ids), config, stock))
            yield kept[0]

        corpus = Corpus.gather(outputs(), None, 0, config.load)
        return up.Change(plan, corpus, kept_ids, kept[0], removed, removed_out, sources, stock)

    def _write_meta(
        self,
        batch: WriteBatch,
        change: up.Change,
        config: ScanConfig,
        delta: int,
        building: bool,
    ) -> None:
        """Corpus-wide, last: document frequencies and counters; then commit, and hold
        what was committed."""
        df = self.df()
        df += change.corpus.df
        df[change.kept.df_index] -= change.kept.df_count  # counted already
        df[change.removed_out.df_index] -= change.removed_out.df_count
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()).encode()
        documents = self.documents + change.n_new - len(change.removed)
        plan = change.plan
        # What the files were when they were read: those given are replaced, those gone
        # dropped. A build's paths are the roots of the index; an update keeps them.
        given = set(plan.roots) | set(plan.stamps)
        stamps = {
            path: stamp
            for path, stamp in ({} if building else self.stamps()).items()
            if path not in given and os.path.exists(path)
        }
        stamps.update(plan.stamps)
        roots = plan.roots if building or not self.roots else self.roots
        meta = {
            "params": compact_json(index_params(config)),
            "documents": str(documents).encode(),
            "next_id": str(self.next_id + change.n_new).encode(),
            "postings": str(self.postings + delta).encode(),
            "df": zlib.compress(df.astype("<i4").tobytes(), 1),
            "stock": change.stock.encode(),
            "roots": json.dumps(roots).encode("ascii"),
            "files": encode_stamps(stamps),
            "updated_at": now,
            **({"built_at": now} if building else {}),
        }
        for key, value in meta.items():
            batch.put("meta", key, value)
        batch.flush()
        self.params = index_params(config)
        self.documents, self.next_id = documents, self.next_id + change.n_new
        self.postings += delta
        self._df_blob = meta["df"]
        self._stock_blob = meta["stock"]
        self.roots, self._files_blob = roots, meta["files"]

    def _members(self, sources: Iterable[str]) -> set[int]:
        """The indexed articles of ``sources``."""
        rows = self.store.get("sources", sorted(sources))
        with decoding(self.location, "sources"):
            return {int(i) for value in rows.values() for i in json.loads(value)["docs"]}

    # ----------------------------------------------------------------- checking

    def check(
        self,
        paths: Sequence[str],
        config: ScanConfig,
        stdin: inputs.StdinArticle | None = None,
        refreshed: set[str] | None = None,
    ) -> ScanReport:
        """Findings that involve the articles of ``paths``: against each other and against
        the indexed corpus. ``refreshed``: the index was just brought up to date (see
        :func:`refresh`), and these files of ``paths`` are renames; else the stale files
        are named in a warning and the gone ones and the renames found here."""
        self.check_params(config)
        timer = pipeline.Timer()
        with timer("load"):
            files, warnings = inputs.expand_paths(paths, config.load.strict, config.load)
            # A file gone from the corpus is no copy source, and a renamed article brings
            # no new text: neither is a finding.
            gone: set[str] = set()
            moved = refreshed or set()
            if refreshed is None:
                stale = self.staleness(config.load, files)
                if stale:
                    warnings.append(InputWarning(self.location, None, stale.message(self.roots)))
                gone = set(stale.gone) if stale is not None else set()
                moved = self.renamed(files, stale)
            shards = list(
                inputs.plan_shards(
                    [f for f in files if f not in moved],
                    config.load,
                    config.batch_size,
                    stdin.data if stdin is not None else None,
                    stdin.name if stdin is not None else inputs.STDIN,
                )
            )
        stock = self.stock(config)
        with timer("fingerprint"):
            outputs = list(map_shards(shards, config, stock)) if shards else []
        with timer("lookup"):
            checked = {d.article for out in outputs for d in out.documents}
            keys = [postings(out.pars, out.docs, config)[0] for out in outputs]
            found = self.lookup(
                np.concatenate(keys) if keys else np.zeros(0, np.uint64),
                config.minhash.max_bucket,
            )
            records = [
                r
                for r in self.records(found.tolist())
                if r[1].article not in checked and r[1].article[0] not in gone
            ]
            indexed = _fingerprint_records(records, config, stock)
        # Words are weighed by the indexed corpus and the new articles (the indexed articles
        # compared again are counted in the index already).
        df = self.df()
        for out in outputs:
            df[out.df_index] += out.df_count
        new_documents = sum(len(out.documents) for out in outputs)
        frequencies = Frequencies(df, self.documents + new_documents)
        corpus = Corpus.gather([indexed, *outputs], None, 0, config.load, frequencies)
        n_indexed = corpus.indexed = len(indexed.documents)
        analysis = pipeline.analyse(
            corpus, config, timer, learned=self.templates, first_reported=n_indexed
        )
        config_reported = {**config.to_dict(), "index": self.location}
        facts = pipeline.RunFacts(len(files), warnings, timer.timings, config_reported, n_indexed)
        return pipeline.build_report(corpus, analysis, facts)


def _fingerprint_records(
    records: Sequence[up.IndexedRecord], config: ScanConfig, stock: StockShingles | None
) -> ShardOutput:
    return fingerprint_documents([r[1] for r in records], [r[2] for r in records], config, stock)


# --------------------------------------------------------------------------- entry points


def open_index(location: str, *, readonly: bool = False) -> Index:
    return Index(open_store(location, readonly=readonly))


def build(
    paths: Sequence[str],
    config: ScanConfig,
    location: str = DEFAULT_INDEX,
    on_progress: Progress | None = None,
) -> tuple[up.UpdateResult, IndexStats]:
    """A new index of ``paths`` at ``location``, replacing any index there only once it is
    complete. It holds the writer lock throughout, as an update does: an update running
    meanwhile would be lost, and one killed after its commit has left a journal that the
    publication must not inherit (see :meth:`dedup.io.store.SQLiteStore.close`)."""
    store = open_store(location, create=True)
    with store.writer():
        try:
            index = Index(store)
            result = index.update(paths, config, on_progress, building=True)
        except BaseException:
            store.close(publish=False)  # type: ignore[call-arg]
            raise
        store.close()
    opened = open_index(location, readonly=True)
    try:
        return result, opened.stats()
    finally:
        opened.store.close()


def update(
    paths: Sequence[str],
    config: ScanConfig,
    location: str = DEFAULT_INDEX,
    on_progress: Progress | None = None,
) -> up.UpdateResult:
    store = open_store(location)
    try:
        with store.writer():
            store.verify()
            # Read the index again under the lock: it may have changed since it was opened.
            return Index(store).update(paths, config, on_progress)
    finally:
        store.close()


def refresh(
    paths: Sequence[str],
    config: ScanConfig,
    location: str = DEFAULT_INDEX,
    corpus: Sequence[str] = (".",),
) -> set[str]:
    """Bring the index at ``location`` up to date before a check of ``paths``: build it
    from ``corpus`` when there is none yet, then read its stale files and ``paths`` (the
    index describes the files as they are, those being checked included: the next check
    compares with them) and drop the gone ones. Returns the files of ``paths`` that are
    renames of indexed articles (see :meth:`Index.renamed`): they bring no new text, and
    once the index is updated nothing tells them from new files."""
    if not is_redis(location) and not os.path.isfile(location):
        build(corpus, config, location)
        return set()
    files = [f for f in inputs.expand_paths(paths, config=config.load)[0] if f != inputs.STDIN]
    index = open_index(location, readonly=True)
    try:
        stale, recorded = index.staleness(config.load, files), index.stamps()
        moved = index.renamed(files, stale)
    finally:
        index.store.close()
    changed = [f for f, s in stamp_files(files).items() if recorded.get(f) != s]
    if changed or stale:
        present = stale.present if stale is not None else []
        update(sorted(set(present) | set(changed)), config, location)
    return moved


def check(
    paths: Sequence[str],
    config: ScanConfig,
    location: str = DEFAULT_INDEX,
    stdin: inputs.StdinArticle | None = None,
    update_from: Sequence[str] | None = None,
) -> ScanReport:
    """Check ``paths`` (and ``stdin``) against the index at ``location``; with
    ``update_from``, bring the index up to date first (:func:`refresh`; a missing index is
    built from ``update_from``)."""
    files = [p for p in paths if p != inputs.STDIN]
    moved = None if update_from is None else refresh(files, config, location, update_from)
    index = open_index(location, readonly=True)
    try:
        return index.check(paths, config, stdin, moved)
    finally:
        index.store.close()


__all__ = [
    "DEFAULT_INDEX",
    "Index",
    "IndexStats",
    "build",
    "check",
    "open_index",
    "refresh",
    "update",
]
