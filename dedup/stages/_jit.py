"""Compiled kernels for the fingerprint stage (numba), used when numba is installed.

Imported lazily by :mod:`dedup.stages.jit_switch` (never by ``dedup --version`` or the CLI's
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
    hit: np.ndarray, words: int, min_run: int, ngram: int, gap: int, lead: int
) -> tuple[float, float, float]:  # pragma: no cover - compiled
    """:func:`dedup.stages.evidence._coverage` of one body: passages, spans, lead."""
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
    pairs: np.ndarray,
    starts: tuple,
    values: tuple,
    lengths: np.ndarray,
    corrected: np.ndarray,
    vec_val: np.ndarray,
    constants: np.ndarray,
    out: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """:func:`dedup.stages.evidence.evidence` for every pair, one row of ``out`` per pair (the
    columns in :meth:`dedup.stages.evidence.Evidence.names` order). ``starts`` and ``values`` hold
    the CSR columns of :class:`dedup.stages.material.Prepared` in this order: shingles, their
    sorted order, distinct shingles, words, facts, fact pairs, slots, slot facts, distinct
    slots, distinct slot facts, distinct title words, TF-IDF columns (``vec_val`` their
    weights), then sampled character grams in sorted order, their order and distinct ones,
    then the slot facts' positions in sorted order, the slot facts by their last bytes
    sorted, their positions, and distinct ones, the fact pairs by their last bytes, the
    slots' positions in sorted order and the spelling of each slot's fact;
    ``constants``: min run, n-gram, gap, lead, short words, character gap."""
    s_sh, s_ord, _, s_uni, s_words, s_facts, s_seq, s_slot, _, s_uslot, s_ukv, s_title, s_vec = (
        starts[:13]
    )
    _, order, ordered, uni, words, facts, seq, slot, slot_kv, uslot, ukv, title, vec = values[:13]
    s_chars, _, s_uchars = starts[13:16]
    char_order, char_sorted, uchars = values[13:16]
    kv_order, end_sorted, end_order, uend, seq_end, slot_order, slot_spell = values[16:]
    s_uend, s_seq_end = starts[19], starts[20]
    min_run, ngram, gap = int(constants[0]), int(constants[1]), int(constants[2])
    lead, short_words, char_gap = int(constants[3]), constants[4], int(constants[5])
    longest = 1
    for i in range(lengths.size):
        longest = max(longest, s_sh[i + 1] - s_sh[i])
    hit = np.zeros(longest, dtype=np.bool_)
    most_chars = 1
    for k in range(lengths.size):
        most_chars = max(most_chars, s_chars[k + 1] - s_chars[k])
    char_hit = np.zeros(most_chars, dtype=np.bool_)
    most_slots = 1
    for k in range(lengths.size):
        most_slots = max(most_slots, s_slot[k + 1] - s_slot[k])
    agree_start = np.zeros(most_slots, dtype=np.bool_)
    agree_end = np.zeros(most_slots, dtype=np.bool_)
    open_slot = np.zeros(most_slots, dtype=np.bool_)
    scratch = np.zeros(slot_spell.shape[1], dtype=np.int64)
    for r in range(pairs.shape[0]):
        a, b = pairs[r, 0], pairs[r, 1]
        if lengths[a] > lengths[b]:
            a, b = b, a
        ua, ub = uni[s_uni[a] : s_uni[a + 1]], uni[s_uni[b] : s_uni[b + 1]]
        inter = _merge_count(ua, ub)
        out[r, 0] = inter / ua.size if ua.size > 0 else 0.0
        union = ua.size + ub.size - inter
        out[r, 1] = inter / union if union > 0 else 0.0
        # cosine: TF-IDF rows, sorted by column
        ca, cb = vec[s_vec[a] : s_vec[a + 1]], vec[s_vec[b] : s_vec[b + 1]]
        va, vb = vec_val[s_vec[a] : s_vec[a + 1]], vec_val[s_vec[b] : s_vec[b + 1]]
        dot = 0.0
        i = j = 0
        while i < ca.size and j < cb.size:
            x, y = ca[i], cb[j]
            if x == y:
                dot += va[i] * vb[j]
            i += x <= y
            j += x >= y
        out[r, 2] = min(max(dot, 0.0), 1.0)
        for side in range(2):
            x, y = (a, b) if side == 0 else (b, a)
            n = s_sh[x + 1] - s_sh[x]
            h = hit[:n]
            h[:] = False
            lo, hi = s_ord[x], s_ord[x + 1]
            _hits(ordered[lo:hi], order[lo:hi], uni[s_uni[y] : s_uni[y + 1]], h)
            passages, spans, in_lead = _coverage(h, lengths[x], min_run, ngram, gap, lead)
            out[r, 3 + side] = passages
            out[r, 5 + side] = spans
            out[r, 7 + side] = in_lead
        fa = facts[s_facts[a] : s_facts[a + 1]]
        out[r, 9] = (_merge_count(fa, words[s_words[b] : s_words[b + 1]]) + 0.5) / (fa.size + 1.0)
        qa = seq[s_seq[a] : s_seq[a + 1]]
        qe = seq_end[s_seq_end[a] : s_seq_end[a + 1]]
        in_order = max(
            _merge_count(qa, seq[s_seq[b] : s_seq[b + 1]]),
            _merge_count(qe, seq_end[s_seq_end[b] : s_seq_end[b + 1]]),
        )
        out[r, 10] = (in_order + 0.5) / (qa.size + 1.0)
        # A fact whose context and fact the other has agrees (and so does its context):
        # conflicts are the shared contexts less the agreements.
        conflicts = agreements = 0
        if not (corrected[a] or corrected[b]):
            lo, hi = s_slot[a], s_slot[a + 1]
            shared = _merge_count(slot[lo:hi], uslot[s_uslot[b] : s_uslot[b + 1]])
            # a fact agrees by its first bytes or by its last ones
            first, last = agree_start[: hi - lo], agree_end[: hi - lo]
            first[:] = False
            last[:] = False
            _hits(slot_kv[lo:hi], kv_order[lo:hi], ukv[s_ukv[b] : s_ukv[b + 1]], first)
            _hits(end_sorted[lo:hi], end_order[lo:hi], uend[s_uend[b] : s_uend[b + 1]], last)
            opened = open_slot[: hi - lo]
            for k in range(hi - lo):
                agreements += first[k] or last[k]
                opened[k] = not (first[k] or last[k])
            if shared > agreements:  # a misread name is no conflict
                marks = (slot_order, slot_spell, opened, scratch)
                agreements += _near_agreements(a, b, slot, s_slot, marks)
            conflicts = shared - agreements
        out[r, 11] = conflicts / (conflicts + agreements + 1.0)
        ta, tb = title[s_title[a] : s_title[a + 1]], title[s_title[b] : s_title[b + 1]]
        t_inter = _merge_count(ta, tb)
        t_union = ta.size + tb.size - t_inter
        out[r, 12] = t_inter / t_union if t_union > 0 else 0.0
        for side in range(2):
            x, y = (a, b) if side == 0 else (b, a)
            lo, hi = s_chars[x], s_chars[x + 1]
            h = char_hit[: hi - lo]
            h[:] = False
            _hits(char_sorted[lo:hi], char_order[lo:hi], uchars[s_uchars[y] : s_uchars[y + 1]], h)
            out[r, 16 + side] = _spans(h, char_gap) / h.size if h.size > 0 else 0.0
        words_a = float(lengths[a])
        out[r, 13] = out[r, 12] / (1.0 + words_a / short_words)
        out[r, 14] = np.log1p(words_a)
        out[r, 15] = words_a / lengths[b] if lengths[b] > 0 else 0.0
