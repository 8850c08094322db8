"""Stage 6, verify (documents): evidence of copying for candidate pairs of articles.

Two articles about one event share names, quotes and many words; two instances of one
recurring format (a dividend notice, a market report) share almost all their wording. Neither
is a copy. What a copy has that they lack is measured here, for every candidate pair at once:

- **Shared passages**: how much of each article lies in runs of eight or more words that the
  other has too (runs of six consecutive shared word 3-grams), and how much of it lies in
  *spans*: shared 3-grams joined across gaps of at most six unshared ones. A misspelt word
  breaks three 3-grams, so a noisy reprint is one span from end to end, while a sentence
  the other article lacks is a gap too long to join (and a shared quote after an unshared
  lead is no more than the quote). The spans survive OCR-like noise and merged or split
  paragraphs; the runs do not, and say how much is copied verbatim. Both are counted for
  the shorter and the longer article, and for the lead (the first 40 word 3-grams) of each.
- **Facts agree**: the share of the shorter article's *facts* (figures, and capitalised words
  it never writes in lower case: names, places, tickers), title included, that the longer one
  has, and of its facts' order (each body fact with the next one: a rewrite keeps it, two
  stories that share names do not); and how often a fact differs where the wording around it
  is the same (two words before, two after; the three before, as in a line of a results
  table; the three after, for the first words of a body; any figure among them read as "a
  figure", so that "108,6 milliards" and "65,5 milliards" are one slot): a slot filled
  differently, the mark of a template. Ordinals ("11e", "3rd") are figures. Facts are
  compared by two keys (their start; their first byte, end and length), one of which
  survives a wrong letter; and where both keys differ at one slot, two names spelt within
  one edit in four letters of each other (:func:`near_spellings`: "Bartepen", "Btepen")
  are one name misread, not two (figures must be equal). A correction (``CORRECTED -``,
  ``RECTIFICATIF -``) changes a figure on purpose: it is not counted there.
- **Titles**: the Jaccard of the titles' words, alone (not used by the decision: a
  re-headlined long article still is a copy) and weighted by shortness (a two-line notice is
  a copy only with the same subject); and the title conflict, one headline wording with other
  facts in it (see :func:`_title_conflict`).
- The word 3-gram containment and Jaccard, the TF-IDF cosine, the shorter article's length
  and the length ratio; and the *topic* measure: how much the cosine exceeds the shared
  spans, the vocabulary two articles share without sharing its sentences (two stories on
  one subject), which counts against a copy.

Every measure is computed over whole chunks of pairs with numpy (sorts and searches over the
concatenated pairs, never a Python call per pair). The decision that combines them is
:class:`dedup.stages.verifier.Verifier`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from types import ModuleType

import numpy as np

from dedup.stages.candidates import sorted_unique
from dedup.stages.csr import gather, intersections, member, salt
from dedup.stages.hashmix import fold
from dedup.stages.jit_switch import load_kernels
from dedup.stages.kernel_tables import kernel_tables
from dedup.stages.material import NGRAM, SPELL, Prepared
from dedup.stages.verify import TfidfCosine

#: Word 3-grams of a pair compared at once (bounds the transient arrays).
CHUNK_SHINGLES = 1 << 16
#: A shared passage is a run of at least this many consecutive shared word 3-grams (eight
#: words).
MIN_RUN = 6
#: Shared 3-grams are joined into one span across at most this many unshared ones (two
#: misspelt words close together).
GAP = 6
#: Shared sampled character 8-grams (:data:`dedup.stages.material.CHAR_GRAM`) are joined
#: into spans across at most this many unshared ones (a wrong letter breaks eight grams,
#: two of them kept).
CHAR_GAP = 6
#: The lead: this many word 3-grams.
LEAD = 40
#: A document of this many words weighs as much as its title ("short" is 1 / (1 + n / 40)).
SHORT_WORDS = 40
#: The direction in which each measure may move the decision: +1, more of it makes a copy
#: more likely; -1, less likely (a figure filled differently); 0, it is not used (length
#: says nothing of copying by itself; the plain title Jaccard would hold a new headline
#: against a long reprint, and a re-headlined long article is still a copy: the title
#: counts weighted by shortness, and by its conflicts). The verifier is fitted
#: under these signs, so that a pair without shared text can never become a copy however the
#: other measures fall.
SIGNS = {
    "containment": 1, "jaccard": 1, "cosine": 1, "passages_short": 1, "passages_long": 1,
    "spans_short": 1, "spans_long": 1, "chars_short": 1, "chars_long": 1, "lead_short": 1,
    "lead_long": 1, "facts": 1, "fact_order": 1, "conflicts": -1, "topic": -1, "title": 0,
    "title_short": 1, "title_conflict": -1, "length": 0, "ratio": 1,
}  # fmt: skip
#: The columns the compiled kernel writes, in order (the others are derived from them).
COMPILED_COLUMNS = (
    "containment", "jaccard", "cosine", "passages_short", "passages_long", "spans_short",
    "spans_long", "lead_short", "lead_long", "facts", "fact_order", "conflicts", "title",
    "title_short", "length", "ratio", "chars_short", "chars_long",
)  # fmt: skip


# --------------------------------------------------------------------------- pairs


@dataclass(frozen=True, slots=True)
class Evidence:
    """The measures of each pair, one column each (see the module docstring); ``short`` is
    the article of the pair with fewer body words, ``long`` the other."""

    containment: np.ndarray
    jaccard: np.ndarray
    cosine: np.ndarray
    passages_short: np.ndarray
    passages_long: np.ndarray
    spans_short: np.ndarray
    spans_long: np.ndarray
    chars_short: np.ndarray
    chars_long: np.ndarray
    lead_short: np.ndarray
    lead_long: np.ndarray
    facts: np.ndarray
    fact_order: np.ndarray
    conflicts: np.ndarray
    topic: np.ndarray
    title: np.ndarray
    title_short: np.ndarray
    title_conflict: np.ndarray
    length: np.ndarray
    ratio: np.ndarray

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def matrix(self) -> np.ndarray:
        """``float64[pairs, features]`` in :meth:`names` order."""
        return np.column_stack([getattr(self, name) for name in self.names()])

    def row(self, i: int) -> dict[str, float]:
        return {name: float(getattr(self, name)[i]) for name in self.names()}

    @classmethod
    def concat(cls, parts: Sequence[Evidence]) -> Evidence:
        if not parts:
            return cls(*(np.zeros(0) for _ in cls.names()))
        return cls(*(np.concatenate([getattr(p, n) for p in parts]) for n in cls.names()))


def evidence(
    prep: Prepared, pairs: np.ndarray, tfidf: TfidfCosine, compiled: bool = False
) -> Evidence:
    """The measures of every pair (rows of ``pairs``, article indices into ``prep``).

    With ``compiled``, the compiled kernel (:func:`dedup.stages._jit.pair_evidence`, a merge of
    sorted columns per pair: a few microseconds each) computes the same measures, when numba
    is installed; the numpy code is for the few pairs of a small scan or a check, where
    loading the compiler would cost more than it saves.
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    kernels = load_kernels() if compiled else None
    if kernels is not None and pairs.size:
        return _compiled(kernels, prep, pairs, tfidf)
    lengths = np.diff(prep.shingles.start)
    total = np.cumsum(lengths[pairs[:, 0]] + lengths[pairs[:, 1]])
    parts, lo = [], 0
    while lo < pairs.shape[0]:
        before = int(total[lo - 1]) if lo else 0
        hi = max(lo + 1, int(np.searchsorted(total, before + CHUNK_SHINGLES, "right")))
        parts.append(_chunk(prep, pairs[lo:hi], tfidf))
        lo = hi
    return Evidence.concat(parts)


def _compiled(
    kernels: ModuleType, prep: Prepared, pairs: np.ndarray, tfidf: TfidfCosine
) -> Evidence:
    constants = np.array([MIN_RUN, NGRAM, GAP, LEAD, SHORT_WORDS, CHAR_GAP], np.float64)
    out = np.empty((pairs.shape[0], len(COMPILED_COLUMNS)), dtype=np.float64)
    kernels.pair_evidence(pairs, kernel_tables(prep, tfidf), constants, out)
    columns = {name: out[:, k].copy() for k, name in enumerate(COMPILED_COLUMNS)}
    columns["topic"] = np.maximum(columns["cosine"] - columns["spans_short"], 0.0)
    columns["title_conflict"] = _title_conflict(prep, *_short_long(prep.items.lengths, pairs))
    return Evidence(**columns)


def _short_long(lengths: np.ndarray, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The article of each pair with fewer body words (the first on a tie), and the other."""
    swap = lengths[pairs[:, 0]] > lengths[pairs[:, 1]]
    return np.where(swap, pairs[:, 1], pairs[:, 0]), np.where(swap, pairs[:, 0], pairs[:, 1])


def _title_conflict(prep: Prepared, short: np.ndarray, long_: np.ndarray) -> np.ndarray:
    """How much two titles are one wording with other facts in it ("Dupont : dividende de
    12 centimes", "Durand : dividende de 15 centimes"): the share of the shorter title's
    frame (pairs of words, facts read as one) that the longer one has, times the share of the
    two titles' facts that the other title lacks (by both keys: a misspelt name is no other
    name). Two headlines that share no wording are no conflict (a re-headlined reprint); nor
    is a correction."""
    n = short.size
    inter, size_s, size_l = intersections(prep.title_frame, short, long_)
    wording = _ratio(inter, np.minimum(size_s, size_l).astype(np.float64))
    found = np.zeros(n, dtype=np.float64)
    start = prep.title_fact_keys.start
    for a, b in ((short, long_), (long_, short)):
        keys, owner, _ = gather(*prep.title_fact_keys, a)
        ends, _, _ = gather(*prep.title_fact_ends, a)
        held, held_owner, _ = gather(*prep.title_fact_keys, b)
        held_ends, _, _ = gather(*prep.title_fact_ends, b)
        hit = member(keys, owner, held, held_owner) | member(ends, owner, held_ends, held_owner)
        found += _per_pair(owner, hit, n)
    facts = np.diff(start)
    total = (facts[short] + facts[long_]).astype(np.float64)
    conflict = wording * (1.0 - _ratio(found, total))
    conflict[total == 0] = 0.0
    conflict[prep.items.corrected[short] | prep.items.corrected[long_]] = 0.0
    return conflict


def near_spellings(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Whether each row of ``a`` spells nearly what the same row of ``b`` spells (rows from
    :func:`dedup.stages.material.spellings`): within one edit (a letter changed, dropped or
    added) per four bytes of the longer one. Never for a number, nor for words under four
    bytes ("UK", "US"), which one edit makes another word.

    >>> from dedup.stages.material import spellings
    >>> row = lambda w: spellings(np.frombuffer(w, np.uint8), np.array([0]), np.array([len(w)]))
    >>> near_spellings(np.vstack([row(b"bartepen"), row(b"dupont")]),
    ...                np.vstack([row(b"btepen"), row(b"durant")])).tolist()
    [True, False]
    """
    la, lb = a[:, SPELL].astype(np.int64), b[:, SPELL].astype(np.int64)
    limit = np.maximum(la, lb) // 4
    near = (la > 0) & (lb > 0) & (np.abs(la - lb) <= limit) & (limit > 0)
    rows = np.flatnonzero(near)
    if rows.size == 0:
        return near
    x, y = a[rows, :SPELL], b[rows, :SPELL]
    # Levenshtein over all rows at once: table[:, i, j], the distance of the first i bytes
    # of x to the first j of y.
    table = np.zeros((rows.size, SPELL + 1, SPELL + 1), dtype=np.int64)
    table[:, :, 0] = np.arange(SPELL + 1)
    table[:, 0, :] = np.arange(SPELL + 1)
    for i in range(1, SPELL + 1):
        for j in range(1, SPELL + 1):
            table[:, i, j] = np.minimum(
                np.minimum(table[:, i - 1, j], table[:, i, j - 1]) + 1,
                table[:, i - 1, j - 1] + (x[:, i - 1] != y[:, j - 1]),
            )
    near[rows] = table[np.arange(rows.size), la[rows], lb[rows]] <= limit[rows]
    return near


def _near_agreements(
    prep: Prepared, mine: tuple[np.ndarray, ...], theirs: tuple[np.ndarray, ...], open_: np.ndarray
) -> np.ndarray:
    """For each slot of the short articles that ``open_`` marks (its context shared, its fact
    not agreeing by a key), whether the long article has a fact nearly spelt the same
    (:func:`near_spellings`) in a slot of that context. ``mine`` and ``theirs``: the short
    and the long article of each pair, and their slots as :func:`gather` lists them."""
    short, ctx, ctx_owner, ctx_pos = mine
    long_, other, other_owner, other_pos = theirs
    near = np.zeros(ctx.size, dtype=bool)
    asked = np.flatnonzero(open_)
    if asked.size == 0 or other.size == 0:
        return near
    keys = other ^ salt(other_owner)
    by_key = np.argsort(keys, kind="stable")
    keys = keys[by_key]
    query = ctx[asked] ^ salt(ctx_owner[asked])
    lo, hi = np.searchsorted(keys, query, "left"), np.searchsorted(keys, query, "right")
    count = hi - lo
    which = np.repeat(np.arange(asked.size), count)
    offsets = np.repeat(np.cumsum(count) - count, count)
    match = by_key[np.repeat(lo, count) + np.arange(which.size) - offsets]
    start = prep.slots.start
    at_mine = start[short[ctx_owner[asked[which]]]] + ctx_pos[asked[which]]
    at_theirs = start[long_[other_owner[match]]] + other_pos[match]
    hit = near_spellings(prep.slot_spell[at_mine], prep.slot_spell[at_theirs])
    near[asked] = np.bincount(which, weights=hit, minlength=asked.size) > 0
    return near


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return np.divide(num, den, out=np.zeros(num.shape, dtype=np.float64), where=den > 0)


def _per_pair(owner: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(owner, weights=weights, minlength=n).astype(np.float64)


def _coverage(prep: Prepared, rows: np.ndarray, other: np.ndarray) -> tuple[np.ndarray, ...]:
    """Passages, spans and lead of the bodies ``rows`` against the bodies ``other``
    (pairwise): shares of each body's words in runs of shared 3-grams, in spans,
    and the shared share of its lead."""
    n = rows.size
    needles, owner, position = gather(prep.shingles.start, prep.shingles.values, rows)
    values, value_owner, _ = gather(*prep.shingles.unique, other)
    hit = member(needles, owner, values, value_owner)
    words = prep.items.lengths[rows].astype(np.float64)
    # Runs of consecutive shared 3-grams, inside one body.
    same_prev = np.concatenate(([False], owner[1:] == owner[:-1]))
    same_next = np.concatenate((owner[1:] == owner[:-1], [False]))
    prev_hit = np.concatenate(([False], hit[:-1])) & same_prev
    next_hit = np.concatenate((hit[1:], [False])) & same_next
    starts = np.flatnonzero(hit & ~prev_hit)
    ends = np.flatnonzero(hit & ~next_hit)
    run = ends - starts + 1
    long_run = run >= MIN_RUN
    covered = _per_pair(owner[starts[long_run]], run[long_run] + NGRAM - 1, n)
    passages = np.minimum(_ratio(covered, words), 1.0)
    spans = _ratio(_spans(hit, owner, n, GAP), np.bincount(owner, minlength=n).astype(float))
    in_lead = position < LEAD
    lead = _ratio(_per_pair(owner, hit & in_lead, n), _per_pair(owner, in_lead, n))
    return passages, spans, lead


def _spans(hit: np.ndarray, owner: np.ndarray, n: int, gap: int) -> np.ndarray:
    """Per body (``owner`` of each position, bodies contiguous): how many positions lie in
    spans of hits joined across at most ``gap`` misses.

    >>> hit = np.array([1, 0, 0, 1, 0, 0, 0, 0, 1, 1], bool)
    >>> _spans(hit, np.zeros(10, np.int64), 1, 2).tolist()
    [6.0]
    """
    at = np.flatnonzero(hit)
    between = np.diff(at) - 1
    joined = (owner[at[1:]] == owner[at[:-1]]) & (between <= gap)
    filled = np.bincount(owner[at[1:]], weights=np.where(joined, between, 0), minlength=n)
    return filled + np.bincount(owner[at], minlength=n)


def _char_coverage(prep: Prepared, rows: np.ndarray, other: np.ndarray) -> np.ndarray:
    """The share of each body's sampled character 8-grams that lie in spans of grams the other
    body has too, joined across at most :data:`CHAR_GAP` others."""
    n = rows.size
    needles, owner, _ = gather(prep.chars.start, prep.chars.values, rows)
    values, value_owner, _ = gather(*prep.chars.unique, other)
    hit = member(needles, owner, values, value_owner)
    return _ratio(_spans(hit, owner, n, CHAR_GAP), np.bincount(owner, minlength=n).astype(float))


def _chunk(prep: Prepared, pairs: np.ndarray, tfidf: TfidfCosine) -> Evidence:
    lengths = prep.items.lengths
    short, long_ = _short_long(lengths, pairs)
    inter, size_s, size_l = intersections(prep.shingles.unique, short, long_)
    containment = _ratio(inter, size_s.astype(np.float64))
    jaccard = _ratio(inter, (size_s + size_l - inter).astype(np.float64))
    passages_s, spans_s, lead_s = _coverage(prep, short, long_)
    passages_l, spans_l, lead_l = _coverage(prep, long_, short)
    facts, fact_order = _facts(prep, short, long_)
    title_inter, title_s, title_l = intersections(prep.title, short, long_)
    title = _ratio(title_inter, (title_s + title_l - title_inter).astype(np.float64))
    words_s = lengths[short].astype(np.float64)
    items_in = sorted_unique(pairs.ravel())
    index = np.searchsorted(items_in, pairs)
    cosine = tfidf.cosine([prep.bags[i] for i in items_in.tolist()], index)
    return Evidence(
        containment=containment,
        jaccard=jaccard,
        cosine=cosine,
        passages_short=passages_s,
        passages_long=passages_l,
        spans_short=spans_s,
        spans_long=spans_l,
        chars_short=_char_coverage(prep, short, long_),
        chars_long=_char_coverage(prep, long_, short),
        lead_short=lead_s,
        lead_long=lead_l,
        facts=facts,
        fact_order=fact_order,
        conflicts=_conflicts(prep, short, long_),
        topic=np.maximum(cosine - spans_s, 0.0),
        title=title,
        title_short=title / (1.0 + words_s / SHORT_WORDS),
        title_conflict=_title_conflict(prep, short, long_),
        length=np.log1p(words_s),
        ratio=_ratio(words_s, lengths[long_].astype(np.float64)),
    )


def _facts(prep: Prepared, short: np.ndarray, long_: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per pair: the share of the short article's facts found among the words of the long
    one, and of its pairs of consecutive facts (by either key: see
    :func:`dedup.stages.material.items`), both smoothed."""
    needles, owner, _ = gather(*prep.facts, short)
    held, held_owner, _ = gather(*prep.words, long_)
    found = _per_pair(owner, member(needles, owner, held, held_owner), short.size)
    facts = (found + 0.5) / (np.diff(prep.facts.start)[short] + 1.0)
    in_order, order_s, _ = intersections(prep.sequence, short, long_)
    in_order_end, _, _ = intersections(prep.sequence_end, short, long_)
    in_order = np.maximum(in_order, in_order_end)  # by either key (see _keys)
    return facts, (in_order + 0.5) / (order_s + 1.0)


def _conflicts(prep: Prepared, short: np.ndarray, long_: np.ndarray) -> np.ndarray:
    """Per pair: how often a slot of the short article that the long one has (the same
    context) holds another fact there, against how often it holds the same one (by either
    key, or nearly spelt the same); 0 for a correction."""
    n = short.size
    ctx, ctx_owner, ctx_pos = gather(prep.slots.start, prep.slots.values, short)
    other_ctx, other_owner, other_pos = gather(prep.slots.start, prep.slots.values, long_)
    shared_ctx = member(ctx, ctx_owner, other_ctx, other_owner)
    agree = np.zeros(ctx.size, dtype=bool)
    for column in (prep.slot_facts, prep.slot_ends):  # a fact agrees by either key
        kv, _, _ = gather(column.start, column.values, short)
        other_kv, _, _ = gather(column.start, column.values, long_)
        agree |= member(kv, ctx_owner, other_kv, other_owner)
    agree |= _near_agreements(
        prep,
        (short, ctx, ctx_owner, ctx_pos),
        (long_, other_ctx, other_owner, other_pos),
        shared_ctx & ~agree,
    )
    conflicts = _per_pair(ctx_owner, shared_ctx & ~agree, n)
    agreements = _per_pair(ctx_owner, agree, n)
    conflict = conflicts / (conflicts + agreements + 1.0)
    conflict[prep.items.corrected[short] | prep.items.corrected[long_]] = 0.0
    return conflict


def shared_runs(a: np.ndarray, b: np.ndarray, min_run: int = MIN_RUN) -> list[tuple[int, int]]:
    """The runs of ``a``'s words (word hashes, in order) that lie in passages shared with
    ``b``, as ``(first word, end)`` spans: for showing the evidence of one finding. A run is
    ``min_run`` word n-grams or more (by default those the evidence counts as passages).

    >>> a = np.arange(20, dtype=np.uint64); b = np.concatenate([a[5:15], a[:2]])
    >>> shared_runs(a, b)
    [(5, 15)]
    """
    if a.size < NGRAM or b.size < NGRAM:
        return []
    ga = fold([a[k : a.size - NGRAM + 1 + k] for k in range(NGRAM)])
    gb = sorted_unique(fold([b[k : b.size - NGRAM + 1 + k] for k in range(NGRAM)]))
    found = np.searchsorted(gb, ga)
    found[found == gb.size] = 0
    hit = gb[found] == ga
    edges = np.diff(np.concatenate(([0], hit.view(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return [
        (int(s), int(e) + NGRAM - 1) for s, e in zip(starts, ends, strict=True) if e - s >= min_run
    ]
