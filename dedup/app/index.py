"""A persistent index of a corpus, and checks of new articles against it.

``build``/``update`` store what a check needs, per article: its path and record, content hash
and metadata, its paragraphs (lines, title flag, normalized text, compressed), and, for
lookups, *postings*: its document LSH band keys, the exact hashes of its paragraphs and the
LSH band keys of its long paragraphs (the three ways a scan finds candidates). Corpus-wide:
document frequencies (for TF-IDF), the boilerplate templates learned per source, and the
parameters the index was built with. Nothing is pickled: values are JSON and raw arrays.

``check`` fingerprints the new articles, looks their keys up in the postings, and runs the
scan's own stages (:func:`dedup.flow.pipeline.analyse`) on the new articles plus the indexed ones
they collide with, with the index's document frequencies and templates; it keeps the
findings that involve a new article. Indexed articles come first in that small corpus, so
that, dates being equal, the copy already in the corpus is the one kept.

Postings are grouped into :data:`N_BUCKETS` buckets by the top bits of their 64-bit key; a
bucket is one value (sorted keys and article ids), so a lookup reads a few small values and
an update rewrites only the buckets it touches. Articles are keyed by ``(path, content
hash)``: an update adds what is new, removes what is gone, and leaves the rest alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from dedup.config import DEFAULT_INDEX, ScanConfig
from dedup.corpus import Corpus, Frequencies, Progress, ShardOutput
from dedup.errors import InputError
from dedup.flow import pipeline
from dedup.flow.executor import map_shards, total_articles
from dedup.flow.shards import fingerprint_documents
from dedup.io import inputs
from dedup.io.index_codec import (
    BUCKET_BITS,
    IndexMismatchError,
    ParagraphLines,
    bucket_of,
    check_params,
    compact_json,
    decode_doc,
    decode_postings,
    decoding,
    encode_doc,
    encode_postings,
    index_params,
    postings,
)
from dedup.io.store import Store, WriteBatch, open_store
from dedup.output.report import ScanReport
from dedup.records import Document, InputWarning, Segment
from dedup.stages import boilerplate as bp
from dedup.stages import candidates, load
from dedup.stages.documents import document_clusters
from dedup.stages.furniture import boilerplate_stage


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


@dataclass
class UpdateResult:
    """What an update did (a build is an update of an empty index)."""

    added: int = 0
    removed: int = 0
    unchanged: int = 0
    articles: int = 0
    warnings: list[InputWarning] = field(default_factory=list)
    skipped: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["warnings"] = [w.to_dict() for w in self.warnings]
        out.pop("timings")
        return out


@dataclass(frozen=True, slots=True)
class _CatalogUnit:
    """An article of the inputs as the catalog knows it: its unit, content hash and key."""

    unit: inputs.Unit
    sha: str
    key: str


@dataclass
class _Plan:
    """What an update has to do (see :meth:`Index._plan`)."""

    new_units: list[_CatalogUnit]
    gone: list[int]  # indexed article ids
    gone_keys: list[str]  # their catalog keys
    unchanged: int
    warnings: list[InputWarning]
    skipped: int


#: A build commits its private file every this many bytes of values, to bound its memory.
BUILD_BATCH_BYTES = 64 << 20


def _scan_units(files: Sequence[str], limit: int) -> tuple[list[_CatalogUnit], list[InputWarning]]:
    """Hash every article of the inputs (a file, or a JSON Lines record) without parsing;
    what cannot be read (or is larger than ``limit`` bytes) is a warning."""
    units: list[_CatalogUnit] = []
    warnings: list[InputWarning] = []
    for path in files:
        if path == inputs.STDIN:
            continue
        norm = os.path.normpath(path)
        seen: dict[str, int] = {}
        try:
            if path.lower().endswith(inputs.JSONL_SUFFIXES):
                with inputs.open_input(path) as handle:
                    for unit, size, raw in inputs.line_units(handle, path, limit):
                        if raw is None:
                            error = inputs.too_large(path, size, limit, unit.line)
                            warnings.append(InputWarning(path, unit.line, error.reason))
                        elif raw.strip():
                            sha = load.record_sha256(raw)
                            n = seen[sha] = seen.get(sha, 0) + 1
                            units.append(_CatalogUnit(unit, sha, f"{norm}\0{sha}\0{n}"))
            else:
                sha = hashlib.sha256(inputs.read_input(path, limit)).hexdigest()
                units.append(_CatalogUnit(inputs.Unit(path), sha, f"{norm}\0{sha}\0{1}"))
        except InputError as error:
            warnings.append(InputWarning(error.path, error.line, error.reason))
        except OSError as exc:
            warnings.append(InputWarning(path, None, f"cannot read: {exc.strerror or exc}"))
    return units, warnings


class Index:
    """An open index (see :func:`open_index`)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        meta = store.get("meta", ["params", "documents", "next_id", "postings", "df"])
        with decoding(store.location, "metadata"):
            self.params: dict[str, Any] | None = (
                dict(json.loads(meta["params"])) if "params" in meta else None
            )
            self.documents = int(meta.get("documents", b"0"))
            self.next_id = int(meta.get("next_id", b"0"))
            self.postings = int(meta.get("postings", b"0"))
        self._df_blob = meta.get("df")

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

    def check_params(self, config: ScanConfig) -> None:
        if self.params is None:
            raise IndexMismatchError(f"{self.location}: the index is empty or incomplete")
        check_params(self.params, config, self.location)

    # ----------------------------------------------------------------- reading

    def records(self, ids: Iterable[int]) -> list[tuple[int, Document, list[Segment], str]]:
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
    ) -> UpdateResult:
        """Add the new and changed articles of ``paths``, remove the indexed articles that
        are gone (from a file given, or whose file no longer exists), relearn the templates
        of the sources that changed, and commit it all in one transaction (a build, written
        to a private file, commits as it goes)."""
        timer = pipeline.Timer()
        if self.params is not None:
            check_params(self.params, config, self.location)
        with timer("load"):
            plan = self._plan(paths, config)
        with timer("fingerprint"):
            removed = self.records(plan.gone)
            removed_out = _fingerprint_records(removed, config)
            sources = {doc.source for _, doc, _, _ in removed}
            kept: list[ShardOutput] = []
            kept_ids: list[int] = []

            def outputs() -> Iterator[ShardOutput]:
                """The new articles (streamed), then the indexed ones of their sources."""
                units = (u.unit for u in plan.new_units)
                shards = list(inputs.shards_of(units, config.batch_size, defer_runs=True))
                total, done = total_articles(shards), 0
                for out in map_shards(shards, config):
                    sources.update(d.source for d in out.documents)
                    done += len(out.documents) + out.skipped
                    if on_progress is not None:
                        on_progress(done, total)
                    yield out
                kept_ids.extend(sorted(self._members(sources) - set(plan.gone)))
                kept.append(_fingerprint_records(self.records(kept_ids), config))
                yield kept[0]

            # Templates are learned on the sources as they will be after the update.
            corpus = Corpus.gather(outputs(), None, 0, config.load)
        n_new = len(corpus.documents) - len(kept_ids)
        with timer("documents"):
            docs = document_clusters(corpus, config)
        with timer("boilerplate"):
            boiler = boilerplate_stage(corpus, config, docs.cluster_of)
        batch = WriteBatch(self.store, flush_bytes=BUILD_BATCH_BYTES if building else None)
        new_ids = np.arange(self.next_id, self.next_id + n_new, dtype=np.int64)
        ids_of = np.concatenate([new_ids, np.array(kept_ids, dtype=np.int64)])
        with timer("write documents"):
            self._write_documents(batch, corpus, n_new, new_ids, plan, removed)
        with timer("postings"):
            add_keys, add_docs = _corpus_postings(corpus, n_new, config, boiler.whole)
            rm_keys, _ = postings(removed_out.pars, removed_out.docs, config)
        with timer("write postings"):
            delta = self._write_postings(batch, add_keys, ids_of[add_docs], rm_keys, plan.gone)
            del add_keys, add_docs
        with timer("write"):
            self._write_sources(batch, corpus, ids_of, sources, boiler.templates)
            # Corpus-wide, last: document frequencies and counters.
            df = self.df()
            df += corpus.df
            df[kept[0].df_index] -= kept[0].df_count  # counted already
            df[removed_out.df_index] -= removed_out.df_count
            now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()).encode()
            documents = self.documents + n_new - len(removed)
            meta = {
                "params": compact_json(index_params(config)),
                "documents": str(documents).encode(),
                "next_id": str(self.next_id + n_new).encode(),
                "postings": str(self.postings + delta).encode(),
                "df": zlib.compress(df.astype("<i4").tobytes(), 1),
                "updated_at": now,
                **({"built_at": now} if building else {}),
            }
            for key, value in meta.items():
                batch.put("meta", key, value)
            batch.flush()
        self.params = index_params(config)
        self.documents, self.next_id = documents, self.next_id + n_new
        self.postings += delta
        self._df_blob = meta["df"]
        return UpdateResult(
            added=n_new,
            removed=len(removed),
            unchanged=plan.unchanged,
            articles=documents,
            warnings=plan.warnings + corpus.warnings,
            skipped=plan.skipped + corpus.skipped,
            timings=timer.timings,
        )

    def _plan(self, paths: Sequence[str], config: ScanConfig) -> _Plan:
        """What an update has to do: the inputs' articles that are new, the indexed ones
        that are gone."""
        files, warnings = inputs.expand_paths(paths)
        units, unreadable = _scan_units(files, config.load.max_input_bytes)
        with decoding(self.location, "the catalog"):
            catalog = {str(key): int(value) for key, value in self.store.items("catalog")}
        present = {u.key for u in units}
        given = {os.path.normpath(f) for f in files}
        gone: dict[str, int] = {}
        for key, doc in catalog.items():
            path = key.split("\0", 1)[0]
            if key not in present and (path in given or not os.path.exists(path)):
                gone[key] = doc
        new_units = [u for u in units if u.key not in catalog]
        return _Plan(
            new_units=new_units,
            gone=sorted(gone.values()),
            gone_keys=sorted(gone),
            unchanged=len(units) - len(new_units),
            warnings=warnings + unreadable,
            skipped=len(warnings) + len(unreadable),
        )

    def _members(self, sources: Iterable[str]) -> set[int]:
        """The indexed articles of ``sources``."""
        rows = self.store.get("sources", sorted(sources))
        with decoding(self.location, "sources"):
            return {int(i) for value in rows.values() for i in json.loads(value)["docs"]}

    def _write_documents(
        self,
        batch: WriteBatch,
        corpus: Corpus,
        n_new: int,
        new_ids: np.ndarray,
        plan: _Plan,
        removed: Sequence[tuple[int, Document, list[Segment], str]],
    ) -> None:
        """Records and catalog entries of the new articles; removal of the gone ones."""
        by_place = {(u.unit.path, u.unit.offset): u for u in plan.new_units}
        starts = corpus.pars.start.tolist()
        ends = corpus.pars.end.tolist()
        titles = corpus.pars.title
        bounds = corpus.first_par.tolist()
        for local in range(n_new):
            doc = corpus.documents[local]
            unit = by_place.get((doc.path, doc.offset if doc.format == "jsonl" else 0))
            if unit is None:  # pragma: no cover - every document comes from a unit
                continue
            lo, hi = bounds[local], bounds[local + 1]
            doc_id = int(new_ids[local])
            lines = ParagraphLines(
                starts[lo:hi], ends[lo:hi], np.flatnonzero(titles[lo:hi]).tolist()
            )
            record = encode_doc(doc, lines, corpus.packed_norms[local], unit.sha)
            batch.put("docs", doc_id, record)
            batch.put("catalog", unit.key, str(doc_id).encode())
        for doc_id, *_ in removed:
            batch.put("docs", doc_id, None)
        for key in plan.gone_keys:
            batch.put("catalog", key, None)

    def _write_sources(
        self,
        batch: WriteBatch,
        corpus: Corpus,
        ids_of: np.ndarray,
        sources: set[str],
        templates: Sequence[bp.Template],
    ) -> None:
        """Each touched source's articles and templates (learned on ``corpus``, which holds
        all of their articles)."""
        names = sorted({d.source for d in corpus.documents})
        members: dict[str, list[int]] = {name: [] for name in sources}
        for local, doc in enumerate(corpus.documents):
            members.setdefault(doc.source, []).append(int(ids_of[local]))
        learned: dict[str, list[list[int]]] = {name: [] for name in names}
        for t in templates:
            learned[names[t.source]].append([t.key_type, t.position, t.key, t.documents])
        for name in sorted(sources):
            ids = sorted(members.get(name, []))
            value = compact_json({"docs": ids, "templates": learned.get(name, [])}) if ids else None
            batch.put("sources", name, value)

    def _write_postings(
        self,
        batch: WriteBatch,
        add_keys: np.ndarray,
        add_docs: np.ndarray,
        rm_keys: np.ndarray,
        gone: list[int],
    ) -> int:
        """Rewrite every bucket that gains ``add_keys`` or loses the ``gone`` articles'
        ``rm_keys`` (delete it when left empty); return how many postings that adds in all
        (negative when more are removed). Buckets are handled a range at a time, so a
        build sorts a sixteenth of its postings at once."""
        part_bits = 4
        add_part = (add_keys >> np.uint64(64 - part_bits)).astype(np.int8)
        rm_b = bucket_of(rm_keys)
        gone_arr = np.array(gone, dtype=np.int64)
        delta = int(add_keys.size)
        for part in range(1 << part_bits):
            pick = np.flatnonzero(add_part == part)
            # Within a key, ids stay in the order given (increasing: new articles get new ids).
            pick = pick[np.argsort(add_keys[pick], kind="stable")]
            keys, owners = add_keys[pick], add_docs[pick]
            buckets = bucket_of(keys)
            lo_b, hi_b = part << (BUCKET_BITS - part_bits), (part + 1) << (BUCKET_BITS - part_bits)
            touched = np.union1d(buckets, rm_b[(rm_b >= lo_b) & (rm_b < hi_b)]).tolist()
            existing = self.store.get("postings", touched) if touched and self.documents else {}
            lo = np.searchsorted(buckets, touched, "left").tolist()
            hi = np.searchsorted(buckets, touched, "right").tolist()
            # One buffer of keys and one of ids, sliced per bucket: a build touches them all.
            key_bytes = np.asarray(keys, "<u8").tobytes()
            doc_bytes = np.asarray(owners, "<i4").tobytes()
            for bucket, a, b in zip(touched, lo, hi, strict=True):
                if bucket not in existing:
                    batch.put(
                        "postings", bucket, key_bytes[8 * a : 8 * b] + doc_bytes[4 * a : 4 * b]
                    )
                    continue
                ek, ed = decode_postings(existing[bucket])
                keep = ~np.isin(ed, gone_arr)
                delta -= int(ed.size - keep.sum())
                k = np.concatenate([keys[a:b], ek[keep]])
                d = np.concatenate([owners[a:b], ed[keep]])
                o = np.lexsort((d, k))
                batch.put("postings", bucket, encode_postings(k[o], d[o]) if k.size else None)
        return delta

    # ----------------------------------------------------------------- checking

    def check(
        self,
        paths: Sequence[str],
        config: ScanConfig,
        stdin: bytes | None = None,
        stdin_name: str = inputs.STDIN,
    ) -> ScanReport:
        """Findings that involve the articles of ``paths``: against each other and against
        the indexed corpus."""
        self.check_params(config)
        timer = pipeline.Timer()
        with timer("load"):
            files, warnings = inputs.expand_paths(paths, config.load.strict)
            shards = list(
                inputs.plan_shards(files, config.load, config.batch_size, stdin, stdin_name)
            )
        with timer("fingerprint"):
            outputs = list(map_shards(shards, config)) if shards else []
        with timer("lookup"):
            checked = {d.article for out in outputs for d in out.documents}
            keys = [postings(out.pars, out.docs, config)[0] for out in outputs]
            found = self.lookup(
                np.concatenate(keys) if keys else np.zeros(0, np.uint64),
                config.minhash.max_bucket,
            )
            records = [r for r in self.records(found.tolist()) if r[1].article not in checked]
            indexed = _fingerprint_records(records, config)
        # Words are weighed by the indexed corpus and the new articles (the indexed articles
        # compared again are counted in the index already).
        df = self.df()
        for out in outputs:
            df[out.df_index] += out.df_count
        new_documents = sum(len(out.documents) for out in outputs)
        frequencies = Frequencies(df, self.documents + new_documents)
        corpus = Corpus.gather([indexed, *outputs], None, 0, config.load, frequencies)
        n_indexed = len(indexed.documents)
        analysis = pipeline.analyse(
            corpus, config, timer, learned=self.templates, first_reported=n_indexed
        )
        config_reported = {**config.to_dict(), "index": self.location}
        facts = pipeline.RunFacts(len(files), warnings, timer.timings, config_reported, n_indexed)
        return pipeline.build_report(corpus, analysis, facts)


def _fingerprint_records(
    records: Sequence[tuple[int, Document, list[Segment], str]], config: ScanConfig
) -> ShardOutput:
    return fingerprint_documents([r[1] for r in records], [r[2] for r in records], config)


def _corpus_postings(
    corpus: Corpus, n_docs: int, config: ScanConfig, whole: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Posting keys of the first ``n_docs`` documents of ``corpus`` (local ids)."""
    n_par = int(corpus.first_par[n_docs])
    return postings(corpus.pars.head(n_par), corpus.docs.head(n_docs), config, whole[:n_par])


# --------------------------------------------------------------------------- entry points


def open_index(location: str, *, readonly: bool = False) -> Index:
    return Index(open_store(location, readonly=readonly))


def build(
    paths: Sequence[str],
    config: ScanConfig,
    location: str = DEFAULT_INDEX,
    on_progress: Progress | None = None,
) -> tuple[UpdateResult, IndexStats]:
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
) -> UpdateResult:
    store = open_store(location)
    try:
        with store.writer():
            store.verify()
            # Read the index again under the lock: it may have changed since it was opened.
            return Index(store).update(paths, config, on_progress)
    finally:
        store.close()


def check(
    paths: Sequence[str],
    config: ScanConfig,
    location: str = DEFAULT_INDEX,
    stdin: bytes | None = None,
    stdin_name: str = inputs.STDIN,
) -> ScanReport:
    index = open_index(location, readonly=True)
    try:
        return index.check(paths, config, stdin, stdin_name)
    finally:
        index.store.close()


__all__ = [
    "DEFAULT_INDEX",
    "Index",
    "IndexStats",
    "UpdateResult",
    "build",
    "check",
    "open_index",
    "update",
]
