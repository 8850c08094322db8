"""Compiled kernels for the fingerprint stage (numba), used when numba is installed.

Imported lazily by :mod:`dedup.fingerprint` (never by ``dedup --version`` or the CLI's
start-up): numba costs a few tenths of a second to import, which pays only when there are
articles to hash. Every kernel computes exactly what the numpy code it replaces computes;
``tests/test_fingerprint.py`` compares both.

Compiled code is cached on disk (``cache=True``: next to this file when it is writable, else
in numba's user cache directory, or ``NUMBA_CACHE_DIR``).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def minhash_into(
    hv: np.ndarray, paragraph: np.ndarray, a: np.ndarray, b: np.ndarray, out: np.ndarray
) -> None:  # pragma: no cover - compiled; tested against the numpy path
    """``out[paragraph[i], k] = min(out[paragraph[i], k], (a[k] * hv[i] + b[k]) mod 2**32)``
    for every shingle ``i`` and permutation ``k`` (``paragraph`` is non-decreasing): the
    numpy path's product, sum and ``minimum.reduceat``, fused, one row at a time."""
    n = hv.shape[0]
    perms = a.shape[0]
    row_min = np.empty(perms, dtype=np.uint32)
    i = 0
    while i < n:
        row = paragraph[i]
        for k in range(perms):
            row_min[k] = out[row, k]
        while i < n and paragraph[i] == row:
            h = hv[i]
            for k in range(perms):
                row_min[k] = min(row_min[k], np.uint32(a[k] * h + b[k]))
            i += 1
        for k in range(perms):
            out[row, k] = row_min[k]


_P = np.uint64(0x100000001B3)
_FOLD = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xFF51AFD7ED558CCD)
_M2 = np.uint64(0xC4CEB9FE1A85EC53)
_S33 = np.uint64(33)


@njit(cache=True, nogil=True, inline="always")
def _fmix64(h: np.uint64) -> np.uint64:  # pragma: no cover - compiled
    h ^= h >> _S33
    h *= _M1
    h ^= h >> _S33
    h *= _M2
    return h ^ (h >> _S33)


@njit(cache=True, nogil=True)
def word_hashes(
    buffer: np.ndarray, word_bytes: np.ndarray, n_texts: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """:func:`dedup.fingerprint.word_hashes` on the joined UTF-8 ``buffer``, in one pass:
    hashes, paragraph of each word, words per paragraph, and whether a word starts with a
    digit."""
    n = buffer.size
    room = n // 2 + 1
    hashes = np.empty(room, dtype=np.uint64)
    paragraph = np.empty(room, dtype=np.int64)
    numeric = np.empty(room, dtype=np.bool_)
    counts = np.zeros(n_texts, dtype=np.int64)
    w = 0
    p = 0
    i = 0
    while i < n:
        c = buffer[i]
        if c == 10:
            p += 1
            i += 1
            continue
        if not word_bytes[c]:
            i += 1
            continue
        start = i
        h = np.uint64(0)
        power = np.uint64(1)
        while i < n and word_bytes[buffer[i]]:
            h += np.uint64(buffer[i]) * power
            power *= _P
            i += 1
        h ^= np.uint64(i - start) * _FOLD
        hashes[w] = _fmix64(h)
        paragraph[w] = p
        numeric[w] = 48 <= c <= 57
        counts[p] += 1
        w += 1
    return hashes[:w].copy(), paragraph[:w].copy(), counts, numeric[:w].copy()


@njit(cache=True, nogil=True)
def shingles(
    hashes: np.ndarray, counts: np.ndarray, ngram_size: int
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """:func:`dedup.fingerprint.shingles`: the folded hash of every run of ``ngram_size``
    words inside a paragraph, or of all its words when it has fewer (and some)."""
    total = 0
    for p in range(counts.size):
        c = counts[p]
        if c >= ngram_size:
            total += c - ngram_size + 1
        elif c > 0:
            total += 1
    out = np.empty(total, dtype=np.uint64)
    owner = np.empty(total, dtype=np.int64)
    s = 0
    first = 0
    for p in range(counts.size):
        c = counts[p]
        width = ngram_size if c >= ngram_size else c
        for lo in range(first, first + c - width + 1 if c > 0 else first):
            h = hashes[lo]
            for k in range(1, width):
                h = h * _FOLD + hashes[lo + k]
            out[s] = _fmix64(h)
            owner[s] = p
            s += 1
        first += c
    return out, owner
