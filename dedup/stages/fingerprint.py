"""Stage 4, fingerprint: normalized paragraphs -> word hashes, shingles, MinHash signatures.

Everything here works on a whole batch of paragraphs at once, with numpy, never with a
Python loop per word or per shingle:

1. **Words.** The batch is joined into one UTF-8 buffer. A word is a run of ASCII letters and
   digits or non-ASCII bytes (accented letters; typographic punctuation was mapped to ASCII by
   the normalizer). Each word is hashed with a polynomial hash computed from prefix sums over
   the buffer (``sum c_i P^i mod 2^64``, shifted to the word's start by the inverse of ``P``),
   then avalanched with the MurmurHash3 64-bit finalizer.
2. **Shingles** are runs of ``ngram_size`` consecutive words inside one paragraph, folded into
   one 64-bit hash. A paragraph shorter than ``ngram_size`` words is one shingle (the policy
   of text-dedup); a paragraph with no word has no shingle and an *empty* signature, which
   never matches anything.
3. **MinHash** follows datasketch's ``affine32`` scheme exactly (datasketch >= 2.0): the low 32
   bits of the shingle hash are the input hash, pre-mixed with the 32-bit MurmurHash3
   finalizer, then permuted by ``a * h + b mod 2^32`` with datasketch's own permutation
   parameters for ``(num_perm, seed)``. A signature from here equals
   ``datasketch.MinHash(num_perm, seed, hashfunc=shingle_hash32)`` updated shingle by shingle
   (see ``tests/test_fingerprint.py``), so it can be handed to ``MinHashLSH`` or stored.
4. A **document's** signature is the element-wise minimum of its body paragraphs' signatures:
   the MinHash of the union of their shingles, for free.
5. **Band keys** hash each band of ``r`` rows to 64 bits, for LSH as a group-by.

The hash mixing is :mod:`dedup.stages.hashmix`, the exact hashes of paragraphs and bodies
:mod:`dedup.stages.exact_hashes`, and whether the compiled kernels (:mod:`dedup.stages._jit`)
run, :mod:`dedup.stages.jit_switch`.

References: Broder, "On the resemblance and containment of documents" (1997); Leskovec,
Rajaraman and Ullman, *Mining of Massive Datasets*, ch. 3 (banding).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from dedup.config import MinHashConfig
from dedup.stages.exact_hashes import exact_hashes
from dedup.stages.hashmix import FOLD, U32, U64, fmix32, fmix64, fold
from dedup.stages.jit_switch import jit_kernels
from dedup.stages.stock import StockShingles, kept_shingles

MAX32 = np.uint32(0xFFFFFFFF)

#: Odd multiplier of the polynomial word hash (the 64-bit FNV prime).
_P = 0x100000001B3

_WORD_BYTES = np.zeros(256, dtype=bool)
for _c in b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789":
    _WORD_BYTES[_c] = True
_WORD_BYTES[0x80:] = True


def _powers(n: int) -> np.ndarray:
    """``P^i`` modulo 2^64 for ``i < n`` (a read-only prefix of a cached table)."""
    return _power_table(1 << max(0, (n - 1).bit_length()))[:n]


@lru_cache(maxsize=8)
def _power_table(size: int) -> np.ndarray:
    """``P^i`` modulo 2^64 for ``i < size``, computed once per size and read-only (safe to
    share between threads)."""
    with np.errstate(over="ignore"):
        table = np.cumprod(np.full(size, _P, dtype=U64), dtype=U64)
    table = np.concatenate(([U64(1)], table[:-1]))
    table.flags.writeable = False
    return table


@dataclass(frozen=True, slots=True)
class Words:
    """The words of a batch of paragraphs: 64-bit hashes and the paragraph each belongs to."""

    hashes: np.ndarray  # uint64, one per word, in text order
    paragraph: np.ndarray  # int64, paragraph index of each word (non-decreasing)
    counts: np.ndarray  # int64, words per paragraph
    numeric: np.ndarray  # bool, the word starts with a digit


def word_hashes(texts: Sequence[str]) -> Words:
    """Hash every word of every text (normalized paragraphs, no ``\\n`` inside).

    >>> w = word_hashes(["le chat", "", "le"])
    >>> w.counts.tolist(), w.paragraph.tolist(), bool(w.hashes[0] == w.hashes[2])
    ([2, 0, 1], [0, 0, 2], True)
    """
    return _word_hashes(np.frombuffer("\n".join(texts).encode("utf-8"), dtype=np.uint8), len(texts))


def _word_hashes(buffer: np.ndarray, n_texts: int) -> Words:
    """:func:`word_hashes` of ``n_texts`` texts joined by ``\n`` and encoded in ``buffer``."""
    if buffer.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Words(
            np.zeros(0, dtype=U64),
            empty,
            np.zeros(n_texts, dtype=np.int64),
            np.zeros(0, dtype=bool),
        )
    kernels = jit_kernels()
    if kernels is not None:
        return Words(*kernels.word_hashes(buffer, _WORD_BYTES, n_texts))
    is_word = _WORD_BYTES[buffer].view(np.int8)
    edges = np.diff(is_word, prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    # Column by column: step k adds byte k of every word longer than k, times P^k. Each word
    # byte is read once and no array is larger than the number of words.
    lengths = ends - starts
    raw = np.zeros(starts.size, dtype=U64)
    active = np.arange(starts.size)
    power = U64(1)
    k = 0
    with np.errstate(over="ignore"):
        while active.size:
            if k >= 32 and active.size <= 16:
                # A few very long tokens (a URL, an encoded blob) remain: one product each.
                pos = _powers(int(lengths[active].max()))
                for w in active.tolist():
                    rest = buffer[starts[w] + k : ends[w]].astype(U64)
                    raw[w] += np.sum(rest * pos[k : k + rest.size], dtype=U64)
                break
            raw[active] += buffer[starts[active] + k].astype(U64) * power
            k += 1
            power = power * U64(_P)
            active = active[lengths[active] > k]
        raw ^= lengths.astype(U64) * FOLD
    newlines = np.flatnonzero(buffer == 10)
    paragraph = np.searchsorted(newlines, starts).astype(np.int64)
    counts = np.bincount(paragraph, minlength=n_texts).astype(np.int64)
    first_byte = buffer[starts]
    numeric = (first_byte >= 48) & (first_byte <= 57)
    return Words(fmix64(raw), paragraph, counts, numeric)


def word_hash(word: str) -> int:
    """Pure-Python reference of one word's hash (for tests and documentation).

    >>> word_hash("chat") == int(word_hashes(["chat"]).hashes[0])
    True
    """
    data = word.encode("utf-8")
    mask = (1 << 64) - 1
    raw = sum(c * pow(_P, i, 1 << 64) for i, c in enumerate(data)) & mask
    raw ^= (len(data) * int(FOLD)) & mask
    return int(fmix64(np.array([raw], dtype=U64))[0])


def sequence_keys(words: Words, hashes: np.ndarray | None = None) -> np.ndarray:
    """One 64-bit key per paragraph for its whole word sequence (0 for no word).

    A polynomial over the word hashes, computed for every paragraph at once.
    """
    h = words.hashes if hashes is None else hashes
    n = words.counts.size
    keys = np.zeros(n, dtype=U64)
    if h.size == 0:
        return keys
    first = np.concatenate(([0], np.cumsum(words.counts)[:-1])).astype(np.int64)
    relative = np.arange(h.size) - first[words.paragraph]
    pos = _powers(int(relative.max()) + 1)
    with np.errstate(over="ignore"):
        terms = h * pos[relative]
        present = np.flatnonzero(words.counts > 0)
        keys[present] = fmix64(np.add.reduceat(terms, first[present])) | U64(1)
    return keys


@dataclass(frozen=True, slots=True)
class Shingles:
    """Shingle hashes of a batch, grouped by paragraph (``paragraph`` is non-decreasing)."""

    hashes: np.ndarray  # uint64
    paragraph: np.ndarray  # int64


def shingles(words: Words, ngram_size: int) -> Shingles:
    """Word ``ngram_size``-grams inside each paragraph; a shorter paragraph is one shingle."""
    kernels = jit_kernels()
    if kernels is not None:
        return Shingles(*kernels.shingles(words.hashes, words.counts, ngram_size))
    w, para, counts = words.hashes, words.paragraph, words.counts
    n = ngram_size
    if w.size >= n:
        valid = para[: w.size - n + 1] == para[n - 1 :]
        grams = fold([w[k : w.size - n + 1 + k] for k in range(n)])[valid]
        gram_para = para[: w.size - n + 1][valid]
    else:
        grams = np.zeros(0, dtype=U64)
        gram_para = np.zeros(0, dtype=np.int64)
    short = np.flatnonzero((counts > 0) & (counts < n))
    if short.size == 0:
        return Shingles(grams, gram_para)
    first = np.concatenate(([0], np.cumsum(counts)[:-1]))
    extra = np.array(
        [fold([w[first[p] + k : first[p] + k + 1] for k in range(counts[p])])[0] for p in short],
        dtype=U64,
    )
    hashes = np.concatenate((grams, extra))
    paragraph = np.concatenate((gram_para, short.astype(np.int64)))
    order = np.argsort(paragraph, kind="stable")
    return Shingles(hashes[order], paragraph[order])


def shingle_hash32(shingle_hash: int) -> int:
    """The 32-bit input hash datasketch sees for a shingle: the low half of its 64-bit hash."""
    return shingle_hash & 0xFFFFFFFF


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's ``affine32`` permutation parameters ``(a, b)`` for ``(num_perm, seed)``.

    Reproduces ``MinHash(num_perm, seed).permutations`` without importing datasketch, which
    costs more than half a second at start-up (the hot path and the pre-commit hook need only
    these two arrays); ``tests/test_fingerprint.py`` checks that they are equal.
    """
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=U32) * U32(2) + U32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=U32)
    return a, b


def signatures(
    sh: Shingles, n_rows: int, num_perm: int, seed: int, chunk_elements: int = 1 << 18
) -> np.ndarray:
    """MinHash signatures, one row per paragraph: ``uint32[n_rows, num_perm]``.

    A row with no shingle keeps the all-``MAX32`` sentinel (an *empty* signature).
    """
    a, b = permutations(num_perm, seed)
    out = np.full((n_rows, num_perm), MAX32, dtype=U32)
    if sh.hashes.size == 0:
        return out
    hv = fmix32((sh.hashes & U64(0xFFFFFFFF)).astype(U32))
    kernels = jit_kernels()
    if kernels is not None:
        kernels.minhash_into(hv, np.ascontiguousarray(sh.paragraph, dtype=np.int64), a, b, out)
        return out
    step = max(1, chunk_elements // num_perm)
    buf = np.empty((step, num_perm), dtype=U32)
    with np.errstate(over="ignore"):
        for lo in range(0, hv.size, step):
            hi = min(lo + step, hv.size)
            block = buf[: hi - lo]
            np.multiply(hv[lo:hi, None], a[None, :], out=block)
            block += b
            local = sh.paragraph[lo:hi]
            starts = np.flatnonzero(np.concatenate(([True], local[1:] != local[:-1])))
            rows = local[starts]
            np.minimum(
                out[rows], np.minimum.reduceat(block, starts, axis=0), out=block[: rows.size]
            )
            out[rows] = block[: rows.size]
    return out


def reduce_rows(
    rows: np.ndarray, groups: np.ndarray, n_groups: int, include: np.ndarray | None = None
) -> np.ndarray:
    """Element-wise minimum of signature rows per group (``groups`` non-decreasing).

    Rows where ``include`` is False are left out; a group with no row is empty (all MAX32).
    """
    out = np.full((n_groups, rows.shape[1]), MAX32, dtype=U32)
    if include is not None:
        rows, groups = rows[include], groups[include]
    if groups.size == 0:
        return out
    starts = np.flatnonzero(np.concatenate(([True], groups[1:] != groups[:-1])))
    out[groups[starts]] = np.minimum.reduceat(rows, starts, axis=0)
    return out


def band_keys(sigs: np.ndarray, bands: int, rows: int, dtype: type = U64) -> np.ndarray:
    """``dtype[n, bands]``: one key per band of ``rows`` signature values.

    Empty signatures get key 0 in every band, which the candidate stage ignores. 32-bit keys
    halve the memory of paragraph bands; two paragraphs then share a key by chance about once
    per 2^32 pairs, which only adds a candidate that verification rejects.
    """
    keys: np.ndarray = np.empty((sigs.shape[0], bands), dtype=dtype)
    for j in range(bands):
        block = sigs[:, j * rows : (j + 1) * rows]
        folded = fold([block[:, k] for k in range(rows)])
        if dtype is U32:
            folded = (folded >> U64(32)).astype(U32)
        keys[:, j] = folded | dtype(1)
    empty = (sigs == MAX32).all(axis=1)
    keys[empty] = 0
    return keys


def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """Bands and rows for ``threshold``: datasketch's own optimiser (``MinHashLSH.b, .r``)."""
    return _lsh_params(round(threshold, 6), num_perm)


#: ``MinHashLSH(threshold, num_perm).b, .r`` for thresholds 0.05, 0.10, ... 0.95 (keys in
#: hundredths), as datasketch 2.0's optimiser (default weights) computes them; importing
#: datasketch costs half a second per run. ``tests/test_fingerprint.py`` checks every entry.
_LSH_TABLE: dict[int, dict[int, tuple[int, int]]] = {
    64: {
        5: (32, 1), 10: (15, 1), 15: (32, 2), 20: (28, 2), 25: (18, 2), 30: (21, 3),
        35: (21, 3), 40: (16, 4), 45: (16, 4), 50: (14, 4), 55: (12, 5), 60: (10, 6),
        65: (9, 7), 70: (8, 8), 75: (7, 9), 80: (5, 11), 85: (4, 15), 90: (3, 21), 95: (2, 32),
    },
    128: {
        5: (32, 1), 10: (64, 2), 15: (51, 2), 20: (28, 2), 25: (42, 3), 30: (37, 3),
        35: (32, 4), 40: (32, 4), 45: (25, 5), 50: (25, 5), 55: (21, 6), 60: (18, 7),
        65: (16, 8), 70: (14, 9), 75: (11, 11), 80: (9, 13), 85: (8, 16), 90: (5, 25),
        95: (3, 42),
    },
    256: {
        5: (32, 1), 10: (117, 2), 15: (51, 2), 20: (85, 3), 25: (64, 3), 30: (64, 4),
        35: (61, 4), 40: (51, 5), 45: (47, 5), 50: (42, 6), 55: (36, 7), 60: (32, 8),
        65: (28, 9), 70: (25, 10), 75: (21, 12), 80: (17, 15), 85: (13, 19), 90: (9, 28),
        95: (5, 51),
    },
}  # fmt: skip


@lru_cache(maxsize=16)
def _lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    hundredths = round(threshold * 100)
    known = _LSH_TABLE.get(num_perm, {}).get(hundredths)
    if known is not None and abs(threshold * 100 - hundredths) < 1e-6:
        return known
    from datasketch import MinHashLSH  # imported here: 0.6 s, and only banding needs it

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return int(lsh.b), int(lsh.r)


@dataclass(frozen=True, slots=True)
class Batch:
    """A batch of paragraphs to fingerprint: ``norms[i]`` is paragraph ``i``, of document
    ``doc[i]`` (below ``n_docs``); ``title[i]``: it is that document's title."""

    norms: Sequence[str]
    doc: np.ndarray  # int64
    title: np.ndarray  # bool
    n_docs: int


@dataclass(frozen=True, slots=True)
class BatchFingerprints:
    """Fingerprints of a batch of documents and of their paragraphs."""

    words: Words
    doc_sig: np.ndarray  # uint32[n_docs, num_perm]
    doc_bands: np.ndarray  # uint32[n_docs, b]
    doc_hash: np.ndarray  # uint64[n_docs], 0 for a document with no body text
    doc_tokens: np.ndarray  # int64[n_docs], words in the body
    doc_shingles: np.ndarray  # int64[n_docs], shingles in the document's signature
    par_hash: np.ndarray  # uint64[n_par]
    par_bands: np.ndarray  # uint32[n_par, b]
    within_pairs: np.ndarray  # int64[m, 2], paragraph pairs inside one document (see below)


def fingerprint_paragraphs(
    batch: Batch, config: MinHashConfig, stock: StockShingles | None = None
) -> BatchFingerprints:
    """Fingerprint a batch of paragraphs and their documents.

    Titles take part in paragraph matching but not in the document's fingerprint, so that a
    syndicated copy under a new headline is still the same document. ``stock`` shingles in
    short runs stay out of the signatures (:mod:`dedup.stages.stock`).
    """
    norms, par_doc, par_title, n_docs = batch.norms, batch.doc, batch.title, batch.n_docs
    data = "\n".join(norms).encode("utf-8")
    buffer = np.frombuffer(data, dtype=np.uint8)
    words = _word_hashes(buffer, len(norms))
    sh = shingles(words, config.ngram_size)
    kept = kept_shingles(sh.hashes, sh.paragraph, len(norms), stock or StockShingles())
    if not kept.shingle.all():
        sh = Shingles(sh.hashes[kept.shingle], sh.paragraph[kept.shingle])
    par_sig = signatures(sh, len(norms), config.num_perm, config.seed)
    body = ~par_title
    # A paragraph that is one short stock run gives nothing to its document, unless the
    # document has nothing else.
    has_other = np.bincount(
        par_doc, weights=body & ~kept.paragraph_only & (words.counts > 0), minlength=n_docs
    )
    in_doc = body & (~kept.paragraph_only | (has_other[par_doc] == 0))
    doc_sig = reduce_rows(par_sig, par_doc, n_docs, include=in_doc)
    doc_tokens = np.bincount(par_doc[body], weights=words.counts[body], minlength=n_docs).astype(
        np.int64
    )
    doc_shingles = np.bincount(
        par_doc[sh.paragraph[in_doc[sh.paragraph]]], minlength=n_docs
    ).astype(np.int64)
    par_hash, doc_hash = exact_hashes(data, norms, par_doc, par_title, n_docs)
    return BatchFingerprints(
        words=words,
        doc_sig=doc_sig,
        doc_bands=band_keys(doc_sig, *lsh_params(config.doc_threshold, config.num_perm), dtype=U32),
        doc_hash=doc_hash,
        doc_tokens=doc_tokens,
        doc_shingles=doc_shingles,
        par_hash=par_hash,
        par_bands=band_keys(
            par_sig, *lsh_params(config.paragraph_threshold, config.num_perm), dtype=U32
        ),
        within_pairs=within_document_pairs(par_sig, par_doc, words.counts, config),
    )


def within_document_pairs(
    par_sig: np.ndarray, par_doc: np.ndarray, tokens: np.ndarray, config: MinHashConfig
) -> np.ndarray:
    """Paragraph pairs inside one document whose estimated Jaccard reaches
    ``within_threshold``.

    A reworded repeat inside an article (a lead restated at the end) shares too few n-grams
    for banding at the corpus-wide threshold, but an article has few paragraphs: comparing
    every pair of its signatures directly costs a few microseconds per article, and keeps
    candidate generation a per-article map.
    """
    # The group-by that LSH uses, keyed by document, and the one Jaccard estimate.
    from dedup.stages.candidates import estimated_jaccard, key_pairs

    eligible = np.flatnonzero(
        (tokens >= config.within_min_tokens) & ~(par_sig == MAX32).all(axis=1)
    )
    if eligible.size < 2:
        return np.zeros((0, 2), dtype=np.int64)
    docs = par_doc[eligible].astype(U64) + U64(1)
    pairs = key_pairs(docs, max_bucket=1 << 30, ids=eligible)
    if pairs.size == 0:
        return pairs
    return pairs[estimated_jaccard(par_sig, pairs) >= config.within_threshold]
