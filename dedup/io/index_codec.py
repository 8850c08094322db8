"""How an index is written: articles, postings and their keys, as bytes (no pickle).

An article is one JSON value (its record and paragraphs: lines, title flag, normalized text
compressed); a postings bucket is two raw arrays (sorted uint64 keys, int64 article ids).
The posting keys of articles are computed here from their typed tables (:func:`postings`):
what the index can find, the same three ways a scan finds candidates. So are the
parameters they depend on (:func:`index_params`), which an index stores and a check of it
must share.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from dedup.config import (
    NORMALIZATION_VERSION,
    SETTING,
    SETTINGS,
    ScanConfig,
    setting_value,
    shown,
)
from dedup.errors import DedupError
from dedup.io.store import IndexError_
from dedup.records import Document, Segment
from dedup.stages import fingerprint
from dedup.stages.furniture import pattern_furniture
from dedup.stages.hashmix import fold
from dedup.tables import DocTable, ParTable

#: Postings buckets: the top 16 bits of a posting key.
BUCKET_BITS = 16
N_BUCKETS = 1 << BUCKET_BITS
#: Bands of a long paragraph's LSH signature that the index posts (see :func:`postings`).
PARAGRAPH_POSTING_BANDS = 8
#: Kinds of postings, folded into their keys.
DOC_BAND, PAR_HASH, PAR_BAND = 1, 2, 3


#: What a damaged value raises when it is decoded (a JSON, zlib or numeric blob).
_DAMAGE = (ValueError, TypeError, KeyError, IndexError, AttributeError, zlib.error)


@contextmanager
def decoding(location: str, what: str) -> Iterator[None]:
    """Decoding stored values: one that does not decode is damage, said in one line."""
    try:
        yield
    except _DAMAGE as exc:
        raise IndexError_(
            f"{location}: the index is damaged ({what}: {type(exc).__name__}); "
            "rebuild it with: dedup index build PATH..."
        ) from None


_DOC_FIELDS = (
    "path", "format", "id", "first_line", "offset", "source", "title", "url", "date",
    "title_in_text",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ParagraphLines:
    """Where an article's paragraphs are: the first and last line of each (``starts``,
    ``ends``), and which of them are titles (their positions)."""

    starts: list[int]
    ends: list[int]
    titles: list[int]


def encode_doc(doc: Document, lines: ParagraphLines, packed_norms: bytes, sha: str) -> bytes:
    """An article's record: a JSON header (metadata, paragraph lines, which paragraph is the
    title), then its normalized paragraphs, one a line, zlib-compressed."""
    head = {name: getattr(doc, name) for name in _DOC_FIELDS}
    head.update(sha256=sha, starts=lines.starts, ends=lines.ends, titles=lines.titles)
    header = _COMPACT.encode(head).encode("utf-8")
    return len(header).to_bytes(4, "little") + header + packed_norms


def decode_doc(value: bytes) -> tuple[Document, list[Segment], str]:
    size = int.from_bytes(value[:4], "little")
    head = json.loads(value[4 : 4 + size].decode("utf-8"))
    texts = zlib.decompress(value[4 + size :]).decode("utf-8").split("\n")
    titles = set(head["titles"])
    n = len(head["starts"])
    segs = [
        Segment(head["starts"][i], head["ends"][i], texts[i] if i < len(texts) else "", i in titles)
        for i in range(n)
    ]
    doc = Document(text="", **{name: head[name] for name in _DOC_FIELDS})
    return doc, segs, head["sha256"]


#: One encoder for every record (``json.dumps`` with options builds one per call).
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def compact_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8")


def encode_postings(keys: np.ndarray, docs: np.ndarray) -> bytes:
    return np.asarray(keys, "<u8").tobytes() + np.asarray(docs, "<i4").tobytes()


def decode_postings(value: bytes) -> tuple[np.ndarray, np.ndarray]:
    if len(value) % 12:
        raise ValueError(f"a postings value of {len(value)} bytes")
    n = len(value) // 12
    return (
        np.frombuffer(value, "<u8", n).astype(np.uint64),
        np.frombuffer(value, "<i4", n, offset=8 * n).astype(np.int64),
    )


# --------------------------------------------------------------------------- postings


def postings(
    pars: ParTable, docs: DocTable, config: ScanConfig, whole: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Posting keys of a batch of fingerprinted documents (their paragraphs and articles):
    ``(keys uint64, local doc)``.

    Document band keys of every document with a body; the exact hash of every paragraph of
    at least ``min_exact_paragraph_tokens`` words that is not furniture (``whole``, or a
    built-in whole-line pattern); the band keys of every long body paragraph (longer than
    any boilerplate line), through which briefs and light rewrites are found: the first
    :data:`PARAGRAPH_POSTING_BANDS` of them, which find a paragraph copied with light edits
    (Jaccard 0.7 and up: nine times in ten for each such paragraph, and a brief has several)
    for a quarter of the postings that all the bands would cost.
    """
    keys: list[np.ndarray] = []
    owners: list[np.ndarray] = []
    bands = docs.bands
    has_body = np.flatnonzero(docs.tokens > 0)
    if has_body.size and bands.size:
        b = bands.shape[1]
        keys.append(_key(DOC_BAND, np.tile(np.arange(b), has_body.size), bands[has_body].ravel()))
        owners.append(np.repeat(has_body, b))
    furniture = pattern_furniture(pars.pattern, config) if whole is None else whole
    exact = np.flatnonzero((pars.tokens >= config.verify.min_exact_paragraph_tokens) & ~furniture)
    if exact.size:
        keys.append(_key(PAR_HASH, np.zeros(exact.size, np.int64), pars.hash[exact]))
        owners.append(pars.doc[exact])
    long_par = np.flatnonzero(
        (pars.tokens > config.boilerplate.max_tokens) & ~pars.title & ~furniture
    )
    if long_par.size and pars.bands.size:
        b = min(pars.bands.shape[1], PARAGRAPH_POSTING_BANDS)
        keys.append(
            _key(
                PAR_BAND,
                np.tile(np.arange(b), long_par.size),
                pars.bands[long_par, :b].ravel(),
            )
        )
        owners.append(np.repeat(pars.doc[long_par], b))
    if not keys:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    return np.concatenate(keys), np.concatenate(owners).astype(np.int64)


def _key(kind: int, band: np.ndarray, value: np.ndarray) -> np.ndarray:
    return fold(
        [
            np.full(value.size, kind, dtype=np.uint64),
            band.astype(np.uint64),
            value.astype(np.uint64),
        ]
    )


def bucket_of(keys: np.ndarray) -> np.ndarray:
    return (keys >> np.uint64(64 - BUCKET_BITS)).astype(np.int64)


# --------------------------------------------------------------------------- parameters

SCHEMA_VERSION = 3


class IndexMismatchError(DedupError):
    """The index was built with parameters other than the ones asked for."""


#: Settings an index stores as what they make: the LSH bands of a threshold.
_AS_BANDS = {"doc_threshold": "doc_bands", "paragraph_threshold": "paragraph_bands"}


def index_params(config: ScanConfig) -> dict[str, Any]:
    """What the stored fingerprints and templates depend on (the settings marked ``index``,
    :data:`dedup.config.SETTINGS`): a check with any other value would silently miss
    matches, so it is refused."""
    params: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "normalization_version": NORMALIZATION_VERSION,
        "paragraph_posting_bands": PARAGRAPH_POSTING_BANDS,
    }
    for setting in SETTINGS:
        if not setting.index:
            continue
        value = setting_value(config, setting)
        if setting.name in _AS_BANDS:
            bands = fingerprint.lsh_params(value, config.minhash.num_perm)
            params[_AS_BANDS[setting.name]] = list(bands)
        else:
            params[setting.name] = list(value) if isinstance(value, tuple) else value
    return params


#: The LSH bands an index stores, by the threshold option that makes them.
_BANDS_OF = {bands: threshold for threshold, bands in _AS_BANDS.items()}


def _difference(param: str, wanted: Any, stored: Any, config: ScanConfig) -> str:
    """One parameter that differs, as the user knows it: by its option and value (the LSH
    bands, by the threshold that makes them), else by what it is."""
    setting = SETTING.get(_BANDS_OF.get(param, param))
    if setting is None:  # the schema or normalization version...
        return f"{param.replace('_', ' ')} {shown(wanted)} (index: {shown(stored)})"
    option = setting.option.split("/")[0]
    if param in _BANDS_OF:
        value = setting_value(config, setting)
        return f"{option} {value} (LSH bands {_bands(wanted)}; the index's: {_bands(stored)})"
    return f"{option} {shown(wanted)} (index: {shown(stored)})"


def _bands(value: Any) -> str:
    return "x".join(map(str, value)) if isinstance(value, list) else shown(value)


def check_params(stored: dict[str, Any], config: ScanConfig, location: str) -> None:
    """Refuse ``config`` unless it makes the parameters ``stored`` (of the index at
    ``location``)."""
    wanted = index_params(config)
    diff = [
        _difference(k, wanted.get(k), stored.get(k), config)
        for k in sorted(set(stored) | set(wanted))
        if stored.get(k) != wanted.get(k)
    ]
    if diff:
        raise IndexMismatchError(
            f"{location}: built with other parameters: {'; '.join(diff)}; "
            "use the index's parameters or rebuild it (dedup index build)"
        )
