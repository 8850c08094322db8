"""An update of the index (a build is an update of an empty index): what it has to do, and
the writes it makes.

:func:`plan` hashes every article of the inputs without parsing it (a file, or a JSON Lines
record) and compares the catalog, keyed by ``(path, content hash)``: the new articles are
read in shards cut by the one planner (:func:`dedup.io.inputs.shards_of`), the gone ones
removed. The ``write_*`` functions put the records, catalog entries, sources and postings
of an update (:class:`Change`) in a :class:`~dedup.io.store.WriteBatch`.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from dedup.app.freshness import Stamp, stamp_files
from dedup.config import LoadConfig, ScanConfig
from dedup.corpus import Corpus, ShardOutput
from dedup.errors import InputError
from dedup.io import inputs
from dedup.io.index_codec import (
    BUCKET_BITS,
    ParagraphLines,
    bucket_of,
    compact_json,
    decode_postings,
    encode_doc,
    encode_postings,
    postings,
)
from dedup.io.store import WriteBatch
from dedup.records import Document, InputWarning, Segment
from dedup.stages import boilerplate as bp
from dedup.stages import load
from dedup.stages.stock import StockShingles

#: An indexed article read back: its id, record, paragraphs and content hash.
IndexedRecord = tuple[int, Document, list[Segment], str]


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


# --------------------------------------------------------------------------- planning


@dataclass(frozen=True, slots=True)
class CatalogUnit:
    """An article of the inputs as the catalog knows it: its unit, content hash and key."""

    unit: inputs.Unit
    sha: str
    key: str


@dataclass
class Plan:
    """What an update has to do (see :func:`plan`)."""

    new_units: list[CatalogUnit]
    gone: list[int]  # indexed article ids
    gone_keys: list[str]  # their catalog keys
    unchanged: int
    warnings: list[InputWarning]
    skipped: int
    #: The paths given, normalized, and the stamp of each file read (taken before reading
    #: it: a change made meanwhile shows at the next check).
    roots: list[str] = field(default_factory=list)
    stamps: dict[str, Stamp] = field(default_factory=dict)

    def shards(self, batch_size: int) -> list[inputs.Shard]:
        """Shards that read exactly the new articles."""
        units = (u.unit for u in self.new_units)
        return list(inputs.shards_of(units, batch_size, defer_runs=True))


def plan(paths: Sequence[str], catalog: dict[str, int], config: LoadConfig) -> Plan:
    """What an update has to do: the inputs' articles that are not in ``catalog`` (key ->
    article id), the catalogued ones that are gone (from a file given, or whose file no
    longer exists)."""
    files, warnings = inputs.expand_paths(paths, config=config)
    stamps = stamp_files(files)
    units, unreadable = catalog_units(files, config.max_input_bytes)
    present = {u.key for u in units}
    given = {os.path.normpath(f) for f in files}
    gone: dict[str, int] = {}
    for key, doc in catalog.items():
        path = key.split("\0", 1)[0]
        if key not in present and (path in given or not os.path.exists(path)):
            gone[key] = doc
    new_units = [u for u in units if u.key not in catalog]
    return Plan(
        new_units=new_units,
        gone=sorted(gone.values()),
        gone_keys=sorted(gone),
        unchanged=len(units) - len(new_units),
        warnings=warnings + unreadable,
        skipped=len(warnings) + len(unreadable),
        roots=[os.path.normpath(p) for p in paths],
        stamps=stamps,
    )


def catalog_units(files: Sequence[str], limit: int) -> tuple[list[CatalogUnit], list[InputWarning]]:
    """Hash every article of the inputs (a file, or a JSON Lines record) without parsing;
    what cannot be read (or is larger than ``limit`` bytes) is a warning."""
    units: list[CatalogUnit] = []
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
                            units.append(CatalogUnit(unit, sha, f"{norm}\0{sha}\0{n}"))
            else:
                sha = hashlib.sha256(inputs.read_input(path, limit)).hexdigest()
                units.append(CatalogUnit(inputs.Unit(path), sha, f"{norm}\0{sha}\0{1}"))
        except InputError as error:
            warnings.append(InputWarning(error.path, error.line, error.reason))
        except OSError as exc:
            warnings.append(InputWarning(path, None, f"cannot read: {exc.strerror or exc}"))
    return units, warnings


# --------------------------------------------------------------------------- writing


@dataclass
class Change:
    """What an update writes. ``corpus`` holds the new articles, then ``kept_ids``: the
    indexed articles kept of the sources the update touches (``kept``, fingerprinted
    again), so that their templates are learned on all of their articles; ``removed`` are
    the records of the gone articles (``removed_out``, fingerprinted again). All of them are
    fingerprinted with the index's stock phrases ``stock`` (counted by its build)."""

    plan: Plan
    corpus: Corpus
    kept_ids: list[int]
    kept: ShardOutput
    removed: list[IndexedRecord]
    removed_out: ShardOutput
    sources: set[str]
    stock: StockShingles

    @property
    def n_new(self) -> int:
        return len(self.corpus.documents) - len(self.kept_ids)

    def ids(self, next_id: int) -> np.ndarray:
        """The article id of each article of the corpus: the new ones numbered from
        ``next_id``, then the kept ones."""
        new_ids = np.arange(next_id, next_id + self.n_new, dtype=np.int64)
        return np.concatenate([new_ids, np.array(self.kept_ids, dtype=np.int64)])


def corpus_postings(
    corpus: Corpus, n_docs: int, config: ScanConfig, whole: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Posting keys of the first ``n_docs`` documents of ``corpus`` (local ids)."""
    n_par = int(corpus.first_par[n_docs])
    return postings(corpus.pars.head(n_par), corpus.docs.head(n_docs), config, whole[:n_par])


def write_documents(batch: WriteBatch, change: Change, ids_of: np.ndarray) -> None:
    """Records and catalog entries of the new articles; removal of the gone ones."""
    corpus = change.corpus
    by_place = {(u.unit.path, u.unit.offset): u for u in change.plan.new_units}
    starts = corpus.pars.start.tolist()
    ends = corpus.pars.end.tolist()
    titles = corpus.pars.title
    bounds = corpus.first_par.tolist()
    for local in range(change.n_new):
        doc = corpus.documents[local]
        unit = by_place.get((doc.path, doc.offset if doc.format == "jsonl" else 0))
        if unit is None:  # pragma: no cover - every document comes from a unit
            continue
        lo, hi = bounds[local], bounds[local + 1]
        doc_id = int(ids_of[local])
        lines = ParagraphLines(starts[lo:hi], ends[lo:hi], np.flatnonzero(titles[lo:hi]).tolist())
        record = encode_doc(doc, lines, corpus.packed_norms[local], unit.sha)
        batch.put("docs", doc_id, record)
        batch.put("catalog", unit.key, str(doc_id).encode())
    for doc_id, *_ in change.removed:
        batch.put("docs", doc_id, None)
    for key in change.plan.gone_keys:
        batch.put("catalog", key, None)


def write_sources(
    batch: WriteBatch, change: Change, ids_of: np.ndarray, templates: Sequence[bp.Template]
) -> None:
    """Each touched source's articles and templates (learned on the change's corpus, which
    holds all of their articles)."""
    documents = change.corpus.documents
    names = sorted({d.source for d in documents})
    members: dict[str, list[int]] = {name: [] for name in change.sources}
    for local, doc in enumerate(documents):
        members.setdefault(doc.source, []).append(int(ids_of[local]))
    learned: dict[str, list[list[int]]] = {name: [] for name in names}
    for t in templates:
        learned[names[t.source]].append([t.key_type, t.position, t.key, t.documents])
    for name in sorted(change.sources):
        ids = sorted(members.get(name, []))
        value = compact_json({"docs": ids, "templates": learned.get(name, [])}) if ids else None
        batch.put("sources", name, value)


@dataclass
class PostingsChange:
    """The postings an update adds (``add_keys`` of articles ``add_docs``) and those it
    removes (``rm_keys`` of the ``gone`` articles)."""

    add_keys: np.ndarray
    add_docs: np.ndarray
    rm_keys: np.ndarray
    gone: list[int]


def write_postings(batch: WriteBatch, change: PostingsChange, indexed: bool) -> int:
    """Rewrite every bucket that gains keys or loses the gone articles' keys (delete it
    when left empty; ``indexed``: the store holds postings already); return how many
    postings that adds in all (negative when more are removed). Buckets are handled a range
    at a time, so a build sorts a sixteenth of its postings at once."""
    part_bits = 4
    add_keys, add_docs = change.add_keys, change.add_docs
    add_part = (add_keys >> np.uint64(64 - part_bits)).astype(np.int8)
    rm_b = bucket_of(change.rm_keys)
    gone_arr = np.array(change.gone, dtype=np.int64)
    delta = int(add_keys.size)
    for part in range(1 << part_bits):
        pick = np.flatnonzero(add_part == part)
        # Within a key, ids stay in the order given (increasing: new articles get new ids).
        pick = pick[np.argsort(add_keys[pick], kind="stable")]
        keys, owners = add_keys[pick], add_docs[pick]
        buckets = bucket_of(keys)
        lo_b, hi_b = part << (BUCKET_BITS - part_bits), (part + 1) << (BUCKET_BITS - part_bits)
        touched = np.union1d(buckets, rm_b[(rm_b >= lo_b) & (rm_b < hi_b)]).tolist()
        existing = batch.store.get("postings", touched) if touched and indexed else {}
        lo = np.searchsorted(buckets, touched, "left").tolist()
        hi = np.searchsorted(buckets, touched, "right").tolist()
        # One buffer of keys and one of ids, sliced per bucket: a build touches them all.
        key_bytes = np.asarray(keys, "<u8").tobytes()
        doc_bytes = np.asarray(owners, "<i4").tobytes()
        for bucket, a, b in zip(touched, lo, hi, strict=True):
            if bucket not in existing:
                batch.put("postings", bucket, key_bytes[8 * a : 8 * b] + doc_bytes[4 * a : 4 * b])
                continue
            ek, ed = decode_postings(existing[bucket])
            keep = ~np.isin(ed, gone_arr)
            delta -= int(ed.size - keep.sum())
            k = np.concatenate([keys[a:b], ek[keep]])
            d = np.concatenate([owners[a:b], ed[keep]])
            o = np.lexsort((d, k))
            batch.put("postings", bucket, encode_postings(k[o], d[o]) if k.size else None)
    return delta
