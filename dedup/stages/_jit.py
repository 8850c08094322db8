"""Compiled kernels for the fingerprint stage (numba), used when numba is installed.

Imported lazily by :mod:`dedup.stages.jit_switch` (never by ``dedup --version`` or the CLI's
start-up): numba costs a few tenths of a second to import, which pays only when there are
articles to hash. Every kernel computes exactly what the numpy code it replaces computes;
``tests/test_fingerprint.py`` compares both.

Compiled code is cached on disk (``cache=True``: next to this file when it is writable, else
in numba's user cache directory, or ``NUMBA_CACHE_DIR``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

if TYPE_CHECKING:
    from dedup.stages.kernel_tables import KernelTables


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
    """:func:`dedup.stages.fingerprint.word_hashes` on the joined UTF-8 ``buffer``, in one pass:
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
    """:func:`dedup.stages.fingerprint.shingles`: the folded hash of every run of ``ngram_size``
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


@njit(cache=True, nogil=True, inline="always")
def _merge_count(a: np.ndarray, b: np.ndarray) -> int:  # pragma: no cover - compiled
    """How many values of ``a`` are in ``b`` (both sorted, ``b`` without repeats). The
    merge is branch-free (a comparison's outcome is added, not branched on): on hashes,
    whose order is random, a branch would be mispredicted half the time."""
    i = j = found = 0
    na, nb = a.size, b.size
    while i < na and j < nb:
        x, y = a[i], b[j]
        found += x == y
        i += x <= y
        j += x > y
    return found


@njit(cache=True, nogil=True, inline="always")
def _hits(
    ordered: np.ndarray, order: np.ndarray, other: np.ndarray, out: np.ndarray
) -> None:  # pragma: no cover - compiled
    """``out[order[i]] = ordered[i] in other`` (``out`` all False on entry): a branch-free
    merge of the body's shingles in sorted order (``ordered``; ``order`` their positions in
    the body) with the other body's sorted distinct shingles. The last write to a position is
    made when the merge moves past it, with the right answer."""
    i = j = 0
    n, m = order.size, other.size
    while i < n and j < m:
        x, y = ordered[i], other[j]
        out[order[i]] = x == y
        i += x <= y
        j += x > y


@njit(cache=True, nogil=True, inline="always")
def _spans(hit: np.ndarray, gap: int) -> int:  # pragma: no cover - compiled
    """:func:`dedup.stages.evidence._spans` of one body: positions in spans of hits joined across at
    most ``gap`` misses."""
    covered = 0
    last = -1
    for p in range(hit.size):
        if hit[p]:
            if last >= 0 and p - last - 1 <= gap:
                covered += p - last - 1
            covered += 1
            last = p
    return covered


@njit(cache=True, nogil=True)
def _coverage(
    hit: np.ndarray, words: int, params: tuple
) -> tuple[float, float, float]:  # pragma: no cover - compiled
    """:func:`dedup.stages.evidence._coverage` of one body: passages, spans, lead (``params``:
    min run, n-gram, gap, lead)."""
    min_run, ngram, gap, lead = params
    n = hit.size
    covered = 0
    run = 0
    for p in range(n):
        if hit[p]:
            run += 1
        else:
            if run >= min_run:
                covered += run + ngram - 1
            run = 0
    if run >= min_run:
        covered += run + ngram - 1
    passages = min(covered / words, 1.0) if words > 0 else 0.0
    spans = _spans(hit, gap) / n if n > 0 else 0.0
    m = min(lead, n)
    shared_lead = 0
    for p in range(m):
        shared_lead += hit[p]
    return passages, spans, (shared_lead / m if m > 0 else 0.0)


@njit(cache=True, nogil=True, inline="always")
def _near(x: np.ndarray, y: np.ndarray, row: np.ndarray) -> bool:  # pragma: no cover - compiled
    """:func:`dedup.stages.evidence.near_spellings` of two spelling rows (``row``: scratch space of
    one more than the longest spelling)."""
    spell = x.size - 1
    la, lb = np.int64(x[spell]), np.int64(y[spell])  # int() keeps uint8 unsigned
    limit = max(la, lb) // 4
    if la == 0 or lb == 0 or limit == 0 or abs(la - lb) > limit:
        return False
    for j in range(lb + 1):
        row[j] = j
    for i in range(1, la + 1):
        diagonal = row[0]
        row[0] = i
        for j in range(1, lb + 1):
            above = row[j]
            row[j] = min(min(above, row[j - 1]) + 1, diagonal + (x[i - 1] != y[j - 1]))
            diagonal = above
    return row[lb] <= limit


@njit(cache=True, nogil=True)
def _near_agreements(
    a: int, b: int, slot: np.ndarray, s_slot: np.ndarray, spell: tuple
) -> int:  # pragma: no cover - compiled
    """How many of article ``a``'s slots that ``spell[2]`` leaves open (context shared, no
    key agreeing) article ``b`` fills with a nearly equal spelling in a slot of the same
    context: ``slot``, the slots sorted per article, ``spell``: their positions in that
    order, the spelling rows, the open marks and a scratch row."""
    order, rows, open_, scratch = spell
    i, hi = s_slot[a], s_slot[a + 1]
    j, bhi = s_slot[b], s_slot[b + 1]
    near = 0
    while i < hi and j < bhi:
        x, y = slot[i], slot[j]
        if x < y:
            i += 1
        elif x > y:
            j += 1
        else:
            end = j
            while end < bhi and slot[end] == x:
                end += 1
            while i < hi and slot[i] == x:
                k = order[i]
                if open_[k]:
                    for t in range(j, end):
                        if _near(rows[s_slot[a] + k], rows[s_slot[b] + order[t]], scratch):
                            near += 1
                            break
                i += 1
            j = end
    return near


@njit(cache=True, nogil=True)
def pair_evidence(
    pairs: np.ndarray, t: KernelTables, constants: np.ndarray, out: np.ndarray
) -> None:  # pragma: no cover - compiled
    """:func:`dedup.stages.evidence.evidence` for every pair, one row of ``out`` per pair (the
    columns in :data:`dedup.stages.evidence.COMPILED_COLUMNS` order), on the articles' tables
    ``t`` (:class:`dedup.stages.kernel_tables.KernelTables`); ``constants``: min run, n-gram,
    gap, lead, short words, character gap. One pass over the pairs per group of measures."""
    pairs = _short_first(pairs, t.lengths)
    _shared_words(pairs, t, out)
    _passages(pairs, t, constants, out)
    _facts_agree(pairs, t, out)
    _conflicts(pairs, t, out)
    _title_and_length(pairs, t, constants[4], out)


@njit(cache=True, nogil=True)
def _short_first(pairs: np.ndarray, lengths: np.ndarray) -> np.ndarray:  # pragma: no cover
    """Each pair with the article of fewer body words first (the first one on a tie)."""
    out = np.empty_like(pairs)
    for r in range(pairs.shape[0]):
        a, b = pairs[r, 0], pairs[r, 1]
        if lengths[a] > lengths[b]:
            a, b = b, a
        out[r, 0] = a
        out[r, 1] = b
    return out


@njit(cache=True, nogil=True, inline="always")
def _row(start: np.ndarray, values: np.ndarray, i: int) -> np.ndarray:  # pragma: no cover
    """Row ``i`` of a CSR column (:class:`dedup.stages.csr.Rows`)."""
    return values[start[i] : start[i + 1]]


@njit(cache=True, nogil=True)
def _longest(start: np.ndarray) -> int:  # pragma: no cover - compiled
    """The length of the longest row of a CSR column (at least 1)."""
    longest = 1
    for i in range(start.size - 1):
        longest = max(longest, start[i + 1] - start[i])
    return longest


@njit(cache=True, nogil=True, inline="always")
def _jaccard(inter: int, size_a: int, size_b: int) -> float:  # pragma: no cover - compiled
    union = size_a + size_b - inter
    return inter / union if union > 0 else 0.0


@njit(cache=True, nogil=True)
def _shared_words(pairs: np.ndarray, t: KernelTables, out: np.ndarray) -> None:  # pragma: no cover
    """Containment and Jaccard of each pair's distinct 3-grams, and the TF-IDF cosine."""
    s_uni, uni = t.shingles.unique
    s_vec, vec = t.vectors
    weights = t.weights
    for r in range(pairs.shape[0]):
        a, b = pairs[r, 0], pairs[r, 1]
        ua, ub = _row(s_uni, uni, a), _row(s_uni, uni, b)
        inter = _merge_count(ua, ub)
        out[r, 0] = inter / ua.size if ua.size > 0 else 0.0
        out[r, 1] = _jaccard(inter, ua.size, ub.size)
        # cosine: TF-IDF rows, sorted by column
        ca, cb = _row(s_vec, vec, a), _row(s_vec, vec, b)
        va, vb = _row(s_vec, weights, a), _row(s_vec, weights, b)
        dot = 0.0
        i = j = 0
        while i < ca.size and j < cb.size:
            x, y = ca[i], cb[j]
            if x == y:
                dot += va[i] * vb[j]
            i += x <= y
            j += x >= y
        out[r, 2] = min(max(dot, 0.0), 1.0)


@njit(cache=True, nogil=True)
def _passages(
    pairs: np.ndarray, t: KernelTables, constants: np.ndarray, out: np.ndarray
) -> None:  # pragma: no cover - compiled
    """Passages, spans and lead of each side of each pair (:func:`_coverage`), and the spans
    of its sampled character grams."""
    coverage = (int(constants[0]), int(constants[1]), int(constants[2]), int(constants[3]))
    char_gap = int(constants[5])
    s_sh, order, ordered = t.shingles.start, t.shingles.order, t.shingles.ordered
    s_uni, uni = t.shingles.unique
    s_chars, char_order, char_sorted = t.chars.start, t.chars.order, t.chars.ordered
    s_uchars, uchars = t.chars.unique
    lengths = t.lengths
    hit = np.zeros(_longest(s_sh), dtype=np.bool_)
    char_hit = np.zeros(_longest(s_chars), dtype=np.bool_)
    for r in range(pairs.shape[0]):
        for side in range(2):
            x, y = (pairs[r, 0], pairs[r, 1]) if side == 0 else (pairs[r, 1], pairs[r, 0])
            lo, hi = s_sh[x], s_sh[x + 1]
            h = hit[: hi - lo]
            h[:] = False
            _hits(ordered[lo:hi], order[lo:hi], _row(s_uni, uni, y), h)
            passages, spans, in_lead = _coverage(h, lengths[x], coverage)
            out[r, 3 + side] = passages
            out[r, 5 + side] = spans
            out[r, 7 + side] = in_lead
            lo, hi = s_chars[x], s_chars[x + 1]
            h = char_hit[: hi - lo]
            h[:] = False
            _hits(char_sorted[lo:hi], char_order[lo:hi], _row(s_uchars, uchars, y), h)
            out[r, 16 + side] = _spans(h, char_gap) / h.size if h.size > 0 else 0.0


@njit(cache=True, nogil=True)
def _facts_agree(pairs: np.ndarray, t: KernelTables, out: np.ndarray) -> None:  # pragma: no cover
    """The share of the short article's facts among the long one's words, and of its facts'
    order (by either key)."""
    s_facts, facts = t.facts
    s_words, words = t.words
    s_seq, seq = t.sequence
    s_seq_end, seq_end = t.sequence_end
    for r in range(pairs.shape[0]):
        a, b = pairs[r, 0], pairs[r, 1]
        fa = _row(s_facts, facts, a)
        out[r, 9] = (_merge_count(fa, _row(s_words, words, b)) + 0.5) / (fa.size + 1.0)
        qa = _row(s_seq, seq, a)
        in_order = max(
            _merge_count(qa, _row(s_seq, seq, b)),
            _merge_count(_row(s_seq_end, seq_end, a), _row(s_seq_end, seq_end, b)),
        )
        out[r, 10] = (in_order + 0.5) / (qa.size + 1.0)


@njit(cache=True, nogil=True)
def _conflicts(pairs: np.ndarray, t: KernelTables, out: np.ndarray) -> None:  # pragma: no cover
    """A fact whose context and fact the other has agrees (and so does its context):
    conflicts are the shared contexts less the agreements (none for a correction)."""
    s_slot, slot, slot_order = t.slots.start, t.slots.ordered, t.slots.order
    s_uslot, uslot = t.slots.unique
    slot_kv, kv_order = t.slot_facts.ordered, t.slot_facts.order
    s_ukv, ukv = t.slot_facts.unique
    end_sorted, end_order = t.slot_ends.ordered, t.slot_ends.order
    s_uend, uend = t.slot_ends.unique
    corrected, slot_spell = t.corrected, t.slot_spell
    most_slots = _longest(s_slot)
    agree_start = np.zeros(most_slots, dtype=np.bool_)
    agree_end = np.zeros(most_slots, dtype=np.bool_)
    open_slot = np.zeros(most_slots, dtype=np.bool_)
    scratch = np.zeros(slot_spell.shape[1], dtype=np.int64)
    for r in range(pairs.shape[0]):
        a, b = pairs[r, 0], pairs[r, 1]
        conflicts = agreements = 0
        if not (corrected[a] or corrected[b]):
            lo, hi = s_slot[a], s_slot[a + 1]
            shared = _merge_count(slot[lo:hi], _row(s_uslot, uslot, b))
            # a fact agrees by its first bytes or by its last ones
            first, last = agree_start[: hi - lo], agree_end[: hi - lo]
            first[:] = False
            last[:] = False
            _hits(slot_kv[lo:hi], kv_order[lo:hi], _row(s_ukv, ukv, b), first)
            _hits(end_sorted[lo:hi], end_order[lo:hi], _row(s_uend, uend, b), last)
            opened = open_slot[: hi - lo]
            for k in range(hi - lo):
                agreements += first[k] or last[k]
                opened[k] = not (first[k] or last[k])
            if shared > agreements:  # a misread name is no conflict
                marks = (slot_order, slot_spell, opened, scratch)
                agreements += _near_agreements(a, b, slot, s_slot, marks)
            conflicts = shared - agreements
        out[r, 11] = conflicts / (conflicts + agreements + 1.0)


@njit(cache=True, nogil=True)
def _title_and_length(
    pairs: np.ndarray, t: KernelTables, short_words: float, out: np.ndarray
) -> None:  # pragma: no cover - compiled
    """The titles' Jaccard, alone and weighted by shortness; the short article's length, and
    the ratio of the lengths."""
    s_title, title = t.title
    lengths = t.lengths
    for r in range(pairs.shape[0]):
        a, b = pairs[r, 0], pairs[r, 1]
        ta, tb = _row(s_title, title, a), _row(s_title, title, b)
        out[r, 12] = _jaccard(_merge_count(ta, tb), ta.size, tb.size)
        words_a = float(lengths[a])
        out[r, 13] = out[r, 12] / (1.0 + words_a / short_words)
        out[r, 14] = np.log1p(words_a)
        out[r, 15] = words_a / lengths[b] if lengths[b] > 0 else 0.0


@njit(cache=True, nogil=True)
def unique_rows(
    start: np.ndarray, values: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """Each CSR row's values sorted and without repeats (:func:`dedup.stages.csr.unique_rows`)."""
    n = start.size - 1
    out = np.empty_like(values)
    out_start = np.zeros(n + 1, dtype=np.int64)
    k = 0
    for i in range(n):
        out_start[i] = k
        row = np.sort(values[start[i] : start[i + 1]])
        for j in range(row.size):
            if j == 0 or row[j] != row[j - 1]:
                out[k] = row[j]
                k += 1
    out_start[n] = k
    return out_start, out[:k].copy()


@njit(cache=True, nogil=True)
def sorted_rows(
    start: np.ndarray, values: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """Each CSR row's values sorted, equal ones in their order, and their positions in the
    row (:func:`dedup.stages.csr.sorted_rows`)."""
    order = np.empty(values.size, dtype=np.int64)
    ordered = np.empty_like(values)
    for i in range(start.size - 1):
        lo, hi = start[i], start[i + 1]
        row_order = np.argsort(values[lo:hi], kind="mergesort")
        for j in range(row_order.size):
            order[lo + j] = row_order[j]
            ordered[lo + j] = values[lo + row_order[j]]
    return order, ordered
