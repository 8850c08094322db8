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

import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from types import ModuleType

import numpy as np

from dedup.stages.candidates import sorted_unique
from dedup.stages.fingerprint import (
    _WORD_BYTES,
    U64,
    Words,
    fmix64,
    fold,
    load_kernels,
    shingles,
    word_hashes,
)
from dedup.stages.normalize import fold_case
from dedup.stages.verify import TfidfCosine

#: Word 3-grams of a pair compared at once (bounds the transient arrays).
CHUNK_SHINGLES = 1 << 16
NGRAM = 3
#: A shared passage is a run of at least this many consecutive shared word 3-grams (eight
#: words).
MIN_RUN = 6
#: Shared 3-grams are joined into one span across at most this many unshared ones (two
#: misspelt words close together).
GAP = 6
#: A word's key is its first this many bytes (and its length).
KEY_BYTES = 3
#: Character n-grams (bytes of the case-folded text) for the measure that survives OCR-like
#: noise; one in CHAR_SAMPLE is kept (by hash), and shared ones are joined into spans across
#: at most CHAR_GAP unshared ones (a wrong letter breaks eight grams, two of them kept).
CHAR_GRAM = 8  # one 64-bit word: 8 bytes
CHAR_SAMPLE = 4
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
#: Title prefixes of a correction (normalized).
CORRECTION_PREFIXES = ("corrected", "correction", "rectificatif", "corrige", "corrigé")

_EMPTY_U64 = np.zeros(0, dtype=U64)
#: What any figure reads as in the context of a fact.
_A_FIGURE = U64(0x5BD1E9955BD1E995)
#: An ordinal, case folded (bytes of a whole word): 1er, 2e, 11e, 3ème, 1st, 22nd, 3rd, 4th.
_ORDINAL = re.compile(
    rb"(?<![0-9a-z\x80-\xff])[0-9]+(?:e|er|re|eme|\xc3\xa8me|\xc3\xa8re|st|nd|rd|th)"
    rb"(?![0-9a-z\x80-\xff])"
)
#: Bytes of a fact's spelling kept (its first and last eight when it is longer).
SPELL = 16
#: What a context of the words after (before) a fact starts with.
_AFTER, _BEFORE = U64(0x2545F4914F6CDD1D), U64(0x9E3779B97F4A7C15)
_EMPTY_I64 = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class Items:
    """Comparison material of a batch of articles, as columns: article ``i``'s body words are
    ``words[start[i]:start[i + 1]]`` (titles and furniture left out), its title's words
    ``title[title_start[i]:title_start[i + 1]]``.
    """

    start: np.ndarray  # int64[n + 1]
    words: np.ndarray  # uint64 word hashes (case folded), body order
    fact: np.ndarray  # bool, per body word
    numeric: np.ndarray  # bool, per body word: it starts with a digit
    title_start: np.ndarray  # int64[n + 1]
    title: np.ndarray  # uint64
    title_fact: np.ndarray  # bool, per title word
    keys: np.ndarray  # uint64, per body word: its key (first bytes)
    end_keys: np.ndarray  # uint64, per body word: its last bytes
    title_keys: np.ndarray  # uint64, per title word
    title_end_keys: np.ndarray  # uint64, per title word: its last bytes
    corrected: np.ndarray  # bool[n]
    chars_start: np.ndarray  # int64[n + 1] into chars: each body's sampled character 8-grams
    chars: np.ndarray  # uint64 hashes, body order
    spell: np.ndarray  # uint8[facts of the bodies, SPELL + 1]: see :func:`_spellings`

    @property
    def size(self) -> int:
        return int(self.start.size - 1)

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.start)


def _char_grams(folded: bytes, par_item: np.ndarray, n: int) -> tuple[np.ndarray, ...]:
    """The sampled character 8-grams of each body (``folded``: the case-folded paragraphs
    joined by ``\n``, ``par_item`` the body of each paragraph): hashes and their body. A gram
    is the 8 bytes at an offset (a line break reads as a space); one in :data:`CHAR_SAMPLE`
    is kept, by hash, so that both sides of a pair keep the same ones; none spans two
    bodies."""
    buffer = np.frombuffer(folded, dtype=np.uint8).copy()
    if buffer.size < CHAR_GRAM:
        return _EMPTY_U64, _EMPTY_I64
    newlines = np.flatnonzero(buffer == 10)
    buffer[newlines] = 32
    # The byte where each paragraph starts, and so where each body starts.
    par_start = np.concatenate(([0], newlines + 1))
    body_start = np.full(n + 1, buffer.size + 1, dtype=np.int64)
    first_par = np.searchsorted(par_item, np.arange(n + 1))
    has = first_par < par_item.size
    body_start[has] = par_start[first_par[has]]
    body_start = np.minimum.accumulate(body_start[::-1])[::-1]
    count = buffer.size - CHAR_GRAM + 1
    grams = np.zeros(count, dtype=U64)
    for k in range(CHAR_GRAM):
        grams |= buffer[k : k + count].astype(U64) << U64(8 * k)
    grams = fmix64(grams)
    offset = np.flatnonzero(grams % U64(CHAR_SAMPLE) == 0)
    body = np.searchsorted(body_start, offset, "right") - 1
    end_body = np.searchsorted(body_start, offset + CHAR_GRAM - 1, "right") - 1
    keep = (body == end_body) & (body >= 0) & (body < n)
    return grams[offset[keep]], body[keep].astype(np.int64)


def _spellings(buffer: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Each word's spelling (case folded) as a row of :data:`SPELL` bytes, zero padded (the
    first and last eight of a longer word), and its length in bytes in the last column, 0
    for a number (compared only whole)."""
    length = ends - starts
    kept = np.minimum(length, SPELL)
    out = np.zeros((starts.size, SPELL + 1), dtype=np.uint8)
    if buffer.size == 0:
        return out
    half = SPELL // 2
    for k in range(SPELL):
        at = np.where((length > SPELL) & (k >= half), ends - SPELL + k, starts + k)
        out[:, k] = np.where(k < kept, buffer[np.minimum(at, buffer.size - 1)], 0)
    out[:, SPELL] = kept
    return out


def _keys(buffer: np.ndarray, n_words: int) -> tuple[np.ndarray, ...]:
    """Each word's two *keys*, hashed: its first :data:`KEY_BYTES` bytes, and its first byte,
    last :data:`KEY_BYTES` bytes and length; whether it is a number (digits only), and where it
    starts and ends in ``buffer``. Facts
    are compared by key: a name or figure that character noise changed keeps one of its keys
    ("Dupont", "Dvpont" share the second; "185" and "187" share neither, nor do "Monday" and
    "Sunday"), two other names or figures rarely do; and "la" read as "1a" is no figure."""
    is_word = _WORD_BYTES[buffer].view(np.int8)
    edges = np.diff(is_word, prepend=np.int8(0), append=np.int8(0))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    if starts.size != n_words:  # pragma: no cover - the same rule as the word hashes
        zeros = np.zeros(n_words, dtype=U64)
        nothing = np.zeros(n_words, dtype=np.int64)
        return zeros, zeros, np.zeros(n_words, dtype=bool), nothing, nothing
    digit = ((buffer >= 48) & (buffer <= 57)).astype(np.int64)
    digits = np.concatenate(([0], np.cumsum(digit)))
    number = digits[ends] - digits[starts] == ends - starts
    # An ordinal is a figure too ("la 11e journée", "the 3rd round").
    ordinal = [m.start() for m in _ORDINAL.finditer(buffer.tobytes())]
    number[np.searchsorted(starts, np.array(ordinal, dtype=np.int64))] = True
    key = np.zeros(n_words, dtype=U64)
    end_key = np.zeros(n_words, dtype=U64)
    last = max(buffer.size - 1, 0)
    for k in range(KEY_BYTES):
        head, tail = starts + k, ends - 1 - k
        key |= np.where(head < ends, buffer[np.minimum(head, last)], 0).astype(U64) << U64(8 * k)
        end_key |= np.where(tail >= starts, buffer[np.maximum(tail, 0)], 0).astype(U64) << U64(
            8 * k
        )
    end_key |= buffer[np.minimum(starts, last)].astype(U64) << U64(8 * KEY_BYTES)
    end_key |= np.minimum(ends - starts, 255).astype(U64) << U64(8 * KEY_BYTES + 8)
    return fmix64(key), fmix64(end_key ^ U64(0xA5A5A5A5A5A5A5A5)), number, starts, ends


def _folded(texts: Sequence[str]) -> tuple[Words, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Word hashes of the case-folded texts, which words are facts (read from the texts as
    given: a digit first, or a capital), each word's keys (see :func:`_keys`) and each
    fact's spelling (:func:`_spellings`, one row per fact)."""
    folded = fold_case("\n".join(texts)) if texts else ""
    words = word_hashes(folded.split("\n") if texts else [])
    folded_bytes = np.frombuffer(folded.encode("utf-8"), dtype=np.uint8)
    keys, end_keys, number, word_start, word_end = _keys(folded_bytes, words.hashes.size)

    def spelt(facts: np.ndarray) -> np.ndarray:
        spell = _spellings(folded_bytes, word_start[facts], word_end[facts])
        spell[number[facts], SPELL] = 0
        return spell

    buffer = np.frombuffer("\n".join(texts).encode("utf-8"), dtype=np.uint8)
    if buffer.size == 0:
        return words, np.zeros(0, dtype=bool), keys, end_keys, spelt(np.zeros(0, dtype=bool))
    is_word = _WORD_BYTES[buffer].view(np.int8)
    starts = np.flatnonzero(np.diff(is_word, prepend=np.int8(0)) == 1)
    if starts.size != words.hashes.size:  # pragma: no cover - folding keeps word boundaries
        return words, number, keys, end_keys, spelt(number)
    first = buffer[starts]
    second = buffer[np.minimum(starts + 1, buffer.size - 1)]
    capital = (
        ((first >= 65) & (first <= 90))  # A-Z
        | ((first == 0xC3) & (second >= 0x80) & (second <= 0x9E) & (second != 0x97))  # À-Þ
        | ((first == 0xCE) & (second >= 0x91) & (second <= 0xA9))  # Greek capitals
        | ((first == 0xD0) & (second >= 0x80) & (second <= 0xAF))  # Cyrillic capitals
    )
    facts = (capital & ~words.numeric) | number
    return words, facts, keys, end_keys, spelt(facts)


def items(bodies: Sequence[Sequence[str]], titles: Sequence[str]) -> Items:
    """The comparison material of articles: ``bodies[i]`` are article ``i``'s body
    paragraphs and ``titles[i]`` its title, in their typographic form (normalized, case kept;
    see :func:`dedup.stages.normalize.typographic_lines`).

    >>> it = items([["Le groupe Airbus a livré 12 avions, dit le groupe."]], ["Airbus livre"])
    >>> int(it.lengths[0]), it.fact.tolist()
    (10, [False, False, True, False, False, True, False, False, False, False])
    """
    n = len(bodies)
    counts = np.array([len(b) for b in bodies], dtype=np.int64)
    paragraphs = [p for b in bodies for p in b]
    body, body_fact, body_keys, body_end_keys, spell = _folded(paragraphs)
    title, title_fact, title_keys, title_end_keys, _ = _folded(list(titles))
    par_item = np.repeat(np.arange(n), counts)
    word_item = par_item[body.paragraph] if body.hashes.size else _EMPTY_I64
    chars, char_item = _char_grams(fold_case("\n".join(paragraphs)).encode("utf-8"), par_item, n)
    start = np.searchsorted(word_item, np.arange(n + 1)).astype(np.int64)
    title_start = np.searchsorted(title.paragraph, np.arange(n + 1)).astype(np.int64)
    # A capitalised word the article also writes in lower case is no name ("Le", "The").
    owner = np.concatenate([word_item, title.paragraph])
    hashes = np.concatenate([body.hashes, title.hashes])
    facts = np.concatenate([body_fact, title_fact])
    lower = ~facts
    common = _member(hashes, owner, hashes[lower], owner[lower])
    keep = facts & ~common  # a number is never written otherwise: it stays
    corrected = np.array(
        [fold_case(t).lstrip(" *([").startswith(CORRECTION_PREFIXES) for t in titles], dtype=bool
    )
    return Items(
        start=start,
        words=body.hashes,
        fact=keep[: body.hashes.size],
        numeric=body.numeric,
        title_start=title_start,
        title=title.hashes,
        title_fact=keep[body.hashes.size :],
        keys=body_keys,
        end_keys=body_end_keys,
        title_keys=title_keys,
        title_end_keys=title_end_keys,
        corrected=corrected,
        chars_start=np.searchsorted(char_item, np.arange(n + 1)).astype(np.int64),
        chars=chars,
        spell=spell[keep[: body.hashes.size][body_fact]],
    )


# --------------------------------------------------------------------------- helpers


def _salt(owner: np.ndarray) -> np.ndarray:
    """A 64-bit salt per owner index: ``value ^ salt`` keys a value by its pair."""
    return fmix64((owner.astype(U64) + U64(1)) * U64(0x9E3779B97F4A7C15))


def _member(
    needles: np.ndarray, needle_owner: np.ndarray, values: np.ndarray, value_owner: np.ndarray
) -> np.ndarray:
    """For each needle, whether the values of the same owner hold it (one sort and one
    binary search for all owners; two keys collide by chance once in 2**64)."""
    if needles.size == 0 or values.size == 0:
        return np.zeros(needles.size, dtype=bool)
    keys = np.sort(values ^ _salt(value_owner))
    query = needles ^ _salt(needle_owner)
    found = np.searchsorted(keys, query)
    found[found == keys.size] = 0
    return keys[found] == query


def _gather(start: np.ndarray, values: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, ...]:
    """The values of each of ``rows`` (a CSR slice per row), concatenated; which row (by
    position in ``rows``) each came from, and each one's position inside its row."""
    lo, hi = start[rows], start[rows + 1]
    lengths = hi - lo
    total = int(lengths.sum())
    if total == 0:
        return values[:0], _EMPTY_I64, _EMPTY_I64
    offsets = np.repeat(np.cumsum(lengths) - lengths, lengths)
    position = np.arange(total) - offsets
    return (
        values[np.repeat(lo, lengths) + position],
        np.repeat(np.arange(rows.size), lengths),
        position,
    )


def _csr_unique(start: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's values, sorted and without repeats (``start``, ``values`` of the result)."""
    owner = np.repeat(np.arange(start.size - 1), np.diff(start))
    if values.size == 0:
        return np.zeros(start.size, dtype=np.int64), values
    order = np.lexsort((values, owner))
    v, o = values[order], owner[order]
    keep = np.concatenate(([True], (v[1:] != v[:-1]) | (o[1:] != o[:-1])))
    v, o = v[keep], o[keep]
    return np.searchsorted(o, np.arange(start.size)).astype(np.int64), v


@dataclass(frozen=True, slots=True)
class Prepared:
    """What every pair of a batch needs from its articles, computed once per article."""

    items: Items
    shingle_start: np.ndarray  # word 3-grams of each body, in order
    shingles: np.ndarray
    shingle_order: np.ndarray  # positions of each body's 3-grams, in the order of their hashes
    shingle_sorted: np.ndarray  # ...and those hashes, in that order
    unique_start: np.ndarray  # ...distinct, sorted
    unique: np.ndarray
    words_start: np.ndarray  # distinct words of body and title
    all_words: np.ndarray
    facts_start: np.ndarray  # distinct facts of body and title
    facts: np.ndarray
    sequence_start: np.ndarray  # distinct pairs of consecutive facts of the body
    sequence: np.ndarray
    sequence_end_start: np.ndarray  # ...by the facts' second keys
    sequence_end: np.ndarray
    slot_start: np.ndarray  # per fact of the body: its context, and context with the fact
    slot: np.ndarray  # (by its first and by its last bytes)
    slot_fact: np.ndarray
    slot_end: np.ndarray
    slot_sorted: np.ndarray  # ...each sorted (repeats kept), with the positions
    slot_order: np.ndarray
    slot_fact_sorted: np.ndarray
    slot_fact_order: np.ndarray
    slot_end_sorted: np.ndarray
    slot_end_order: np.ndarray
    slot_unique_start: np.ndarray  # ...distinct, sorted
    slot_unique: np.ndarray
    slot_fact_unique_start: np.ndarray
    slot_fact_unique: np.ndarray
    slot_end_unique_start: np.ndarray
    slot_end_unique: np.ndarray
    slot_spell: np.ndarray  # uint8[slots, SPELL + 1]: the spelling of each slot's fact
    title_unique_start: np.ndarray
    title_unique: np.ndarray
    title_frame_start: np.ndarray  # distinct pairs of title words, facts read as one
    title_frame: np.ndarray
    title_facts_start: np.ndarray  # title facts, by their first and by their last bytes
    title_fact_keys: np.ndarray
    title_fact_ends: np.ndarray
    chars_unique_start: np.ndarray  # each body's distinct sampled character 8-grams
    chars_unique: np.ndarray
    chars_order: np.ndarray  # positions of each body's 8-grams, in the order of their hashes
    chars_sorted: np.ndarray
    bags: list[np.ndarray]  # TF-IDF features of each body (sorted)


def _sorted_in(
    start: np.ndarray, values: np.ndarray, owner: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each item's values sorted, and their positions in the item (CSR by ``start``)."""
    if not values.size:
        return _EMPTY_I64, _EMPTY_U64
    order = np.lexsort((values, owner)).astype(np.int64)
    ordered = values[order]
    order -= np.repeat(start[:-1], np.diff(start))
    return order, ordered


def prepare(it: Items) -> Prepared:
    """Shingles, distinct words, facts and fact contexts of every article of ``it``."""
    from dedup.stages.verify import token_buckets

    n = it.size
    lengths = it.lengths
    word_item = np.repeat(np.arange(n), lengths)
    sh = shingles(Words(it.words, word_item, lengths, np.zeros(0, bool)), NGRAM)
    shingle_start = np.searchsorted(sh.paragraph, np.arange(n + 1)).astype(np.int64)
    # Each body's 3-gram positions (in the body) in the order of their hashes.
    shingle_order = np.lexsort((sh.hashes, sh.paragraph)).astype(np.int64)
    shingle_sorted = sh.hashes[shingle_order]
    shingle_order -= np.repeat(shingle_start[:-1], np.diff(shingle_start))
    unique_start, unique = _csr_unique(shingle_start, sh.hashes)
    title_item = np.repeat(np.arange(n), np.diff(it.title_start))
    both = np.concatenate([it.keys, it.title_keys])
    both_item = np.concatenate([word_item, title_item])
    order = np.argsort(both_item, kind="stable")
    both, both_item = both[order], both_item[order]
    both_start = np.searchsorted(both_item, np.arange(n + 1))
    words_start, all_words = _csr_unique(both_start, both)
    is_fact = np.concatenate([it.fact, it.title_fact])[order]
    fact_item = both_item[is_fact]
    facts_start, facts = _csr_unique(np.searchsorted(fact_item, np.arange(n + 1)), both[is_fact])
    # The order of the facts: each body fact with the next one.
    at_fact = np.flatnonzero(it.fact)
    follows = at_fact[1:][word_item[at_fact[1:]] == word_item[at_fact[:-1]]]
    before = at_fact[:-1][word_item[at_fact[1:]] == word_item[at_fact[:-1]]]
    pairs_of = fold([it.keys[before], it.keys[follows]]) if follows.size else _EMPTY_U64
    follow_start = np.searchsorted(word_item[follows], np.arange(n + 1))
    sequence_start, sequence = _csr_unique(follow_start, pairs_of)
    ends_of = fold([it.end_keys[before], it.end_keys[follows]]) if follows.size else _EMPTY_U64
    sequence_end_start, sequence_end = _csr_unique(follow_start, ends_of)
    # Fact contexts, inside one body: two words before and two after; and the three words
    # before (a line of a table: "FC Branré - FC Aipré 2-0"), or for the first words of a
    # body, the three after (the subject of a first sentence: "Dupont a déclaré un").
    position = np.arange(it.words.size) - it.start[word_item]
    length = lengths[word_item]
    at = np.flatnonzero(it.fact & (position >= 2) & (position < length - 2))
    head = np.flatnonzero(it.fact & (position < 3) & (position < length - 3))
    tail = np.flatnonzero(it.fact & (position >= 3))
    # Figures in a context read as one word: a slot is the wording around a fact.
    w = np.where(it.numeric, _A_FIGURE, it.words)
    around = [
        fold([w[at - 2], w[at - 1], w[at + 1], w[at + 2]]),
        fold([np.full(head.size, _AFTER), w[head + 1], w[head + 2], w[head + 3]]),
        fold([np.full(tail.size, _BEFORE), w[tail - 3], w[tail - 2], w[tail - 1]]),
    ]
    by_word = np.argsort(np.concatenate([at, head, tail]), kind="stable")
    at = np.concatenate([at, head, tail])[by_word]
    slot = np.concatenate(around)[by_word] if at.size else _EMPTY_U64
    slot_fact = fold([slot, it.keys[at]]) if at.size else _EMPTY_U64
    slot_end = fold([slot, it.end_keys[at]]) if at.size else _EMPTY_U64
    slot_start = np.searchsorted(word_item[at], np.arange(n + 1)).astype(np.int64)
    slot_owner = word_item[at]
    slot_order, slot_sorted = _sorted_in(slot_start, slot, slot_owner)
    slot_spell = it.spell[np.searchsorted(np.flatnonzero(it.fact), at)]
    slot_fact_order, slot_fact_sorted = _sorted_in(slot_start, slot_fact, slot_owner)
    slot_end_order, slot_end_sorted = _sorted_in(slot_start, slot_end, slot_owner)
    slot_unique_start, slot_unique = _csr_unique(slot_start, slot)
    slot_fact_unique_start, slot_fact_unique = _csr_unique(slot_start, slot_fact)
    slot_end_unique_start, slot_end_unique = _csr_unique(slot_start, slot_end)
    title_unique_start, title_unique = _csr_unique(it.title_start, it.title)
    # A title's frame: its pairs of consecutive words, any fact read as "a fact".
    framed = np.where(it.title_fact, _A_FIGURE, it.title)
    joined = np.flatnonzero(title_item[1:] == title_item[:-1])
    title_frame_start, title_frame = _csr_unique(
        np.searchsorted(title_item[joined], np.arange(n + 1)),
        fold([framed[joined], framed[joined + 1]]) if joined.size else _EMPTY_U64,
    )
    title_facts_start = np.searchsorted(title_item[it.title_fact], np.arange(n + 1))
    chars_unique_start, chars_unique = _csr_unique(it.chars_start, it.chars)
    char_item = np.repeat(np.arange(n), np.diff(it.chars_start))
    chars_order = np.lexsort((it.chars, char_item)).astype(np.int64)
    chars_sorted = it.chars[chars_order]
    chars_order -= np.repeat(it.chars_start[:-1], np.diff(it.chars_start))
    buckets = token_buckets(it.words)
    bags = [np.sort(buckets[it.start[i] : it.start[i + 1]]) for i in range(n)]
    return Prepared(
        items=it,
        shingle_start=shingle_start,
        shingles=sh.hashes,
        shingle_order=shingle_order,
        shingle_sorted=shingle_sorted,
        unique_start=unique_start,
        unique=unique,
        words_start=words_start,
        all_words=all_words,
        facts_start=facts_start,
        facts=facts,
        sequence_start=sequence_start,
        sequence=sequence,
        sequence_end_start=sequence_end_start,
        sequence_end=sequence_end,
        slot_start=slot_start,
        slot=slot,
        slot_fact=slot_fact,
        slot_end=slot_end,
        slot_fact_order=slot_fact_order,
        slot_end_sorted=slot_end_sorted,
        slot_end_order=slot_end_order,
        slot_end_unique_start=slot_end_unique_start,
        slot_end_unique=slot_end_unique,
        slot_sorted=slot_sorted,
        slot_order=slot_order,
        slot_spell=slot_spell,
        slot_fact_sorted=slot_fact_sorted,
        slot_unique_start=slot_unique_start,
        slot_unique=slot_unique,
        slot_fact_unique_start=slot_fact_unique_start,
        slot_fact_unique=slot_fact_unique,
        title_unique_start=title_unique_start,
        title_unique=title_unique,
        title_frame_start=title_frame_start,
        title_frame=title_frame,
        title_facts_start=title_facts_start.astype(np.int64),
        title_fact_keys=it.title_keys[it.title_fact],
        title_fact_ends=it.title_end_keys[it.title_fact],
        chars_unique_start=chars_unique_start,
        chars_unique=chars_unique,
        chars_order=chars_order,
        chars_sorted=chars_sorted,
        bags=bags,
    )


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
    lengths = np.diff(prep.shingle_start)
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
    it = prep.items
    vectors = tfidf.vectors(prep.bags)
    vectors.sort_indices()
    order_start = prep.shingle_start
    csr = (
        (prep.shingle_start, prep.shingles),
        (order_start, prep.shingle_order),
        (order_start, prep.shingle_sorted),
        (prep.unique_start, prep.unique),
        (prep.words_start, prep.all_words),
        (prep.facts_start, prep.facts),
        (prep.sequence_start, prep.sequence),
        (prep.slot_start, prep.slot_sorted),
        (prep.slot_start, prep.slot_fact_sorted),
        (prep.slot_unique_start, prep.slot_unique),
        (prep.slot_fact_unique_start, prep.slot_fact_unique),
        (prep.title_unique_start, prep.title_unique),
        (vectors.indptr.astype(np.int64), vectors.indices.astype(np.int64)),
        (it.chars_start, prep.chars_order),
        (it.chars_start, prep.chars_sorted),
        (prep.chars_unique_start, prep.chars_unique),
        (prep.slot_start, prep.slot_fact_order),
        (prep.slot_start, prep.slot_end_sorted),
        (prep.slot_start, prep.slot_end_order),
        (prep.slot_end_unique_start, prep.slot_end_unique),
        (prep.sequence_end_start, prep.sequence_end),
        (prep.slot_start, prep.slot_order),
        (prep.slot_start, prep.slot_spell),
    )
    starts = tuple(np.ascontiguousarray(start, dtype=np.int64) for start, _ in csr)
    values = tuple(np.ascontiguousarray(v) for _, v in csr)
    constants = np.array([MIN_RUN, NGRAM, GAP, LEAD, SHORT_WORDS, CHAR_GAP], np.float64)
    out = np.empty((pairs.shape[0], len(COMPILED_COLUMNS)), dtype=np.float64)
    kernels.pair_evidence(
        pairs,
        starts,
        values,
        it.lengths.astype(np.int64),
        it.corrected,
        vectors.data.astype(np.float64),
        constants,
        out,
    )
    columns = {name: out[:, k].copy() for k, name in enumerate(COMPILED_COLUMNS)}
    columns["topic"] = np.maximum(columns["cosine"] - columns["spans_short"], 0.0)
    columns["title_conflict"] = _title_conflict(prep, *_short_long(it.lengths, pairs))
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
    inter, size_s, size_l = _sets(prep.title_frame_start, prep.title_frame, short, long_)
    wording = _ratio(inter, np.minimum(size_s, size_l).astype(np.float64))
    found = np.zeros(n, dtype=np.float64)
    start = prep.title_facts_start
    for a, b in ((short, long_), (long_, short)):
        keys, owner, _ = _gather(start, prep.title_fact_keys, a)
        ends, _, _ = _gather(start, prep.title_fact_ends, a)
        held, held_owner, _ = _gather(start, prep.title_fact_keys, b)
        held_ends, _, _ = _gather(start, prep.title_fact_ends, b)
        hit = _member(keys, owner, held, held_owner) | _member(ends, owner, held_ends, held_owner)
        found += _per_pair(owner, hit, n)
    facts = np.diff(start)
    total = (facts[short] + facts[long_]).astype(np.float64)
    conflict = wording * (1.0 - _ratio(found, total))
    conflict[total == 0] = 0.0
    conflict[prep.items.corrected[short] | prep.items.corrected[long_]] = 0.0
    return conflict


def near_spellings(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Whether each row of ``a`` spells nearly what the same row of ``b`` spells (rows from
    :func:`_spellings`): within one edit (a letter changed, dropped or added) per four
    bytes of the longer one. Never for a number, nor for words under four bytes ("UK",
    "US"), which one edit makes another word.

    >>> row = lambda w: _spellings(np.frombuffer(w, np.uint8), np.array([0]), np.array([len(w)]))
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
    prep: Prepared, short: np.ndarray, long_: np.ndarray, open_: np.ndarray
) -> np.ndarray:
    """For each slot of the short articles (as :func:`_gather` lists them) that ``open_``
    marks (its context shared, its fact not agreeing by a key), whether the long article
    has a fact nearly spelt the same (:func:`near_spellings`) in a slot of that context."""
    ctx, ctx_owner, ctx_pos = _gather(prep.slot_start, prep.slot, short)
    other, other_owner, other_pos = _gather(prep.slot_start, prep.slot, long_)
    near = np.zeros(ctx.size, dtype=bool)
    asked = np.flatnonzero(open_)
    if asked.size == 0 or other.size == 0:
        return near
    keys = other ^ _salt(other_owner)
    by_key = np.argsort(keys, kind="stable")
    keys = keys[by_key]
    query = ctx[asked] ^ _salt(ctx_owner[asked])
    lo, hi = np.searchsorted(keys, query, "left"), np.searchsorted(keys, query, "right")
    count = hi - lo
    which = np.repeat(np.arange(asked.size), count)
    offsets = np.repeat(np.cumsum(count) - count, count)
    match = by_key[np.repeat(lo, count) + np.arange(which.size) - offsets]
    mine = prep.slot_start[short[ctx_owner[asked[which]]]] + ctx_pos[asked[which]]
    theirs = prep.slot_start[long_[other_owner[match]]] + other_pos[match]
    hit = near_spellings(prep.slot_spell[mine], prep.slot_spell[theirs])
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
    needles, owner, position = _gather(prep.shingle_start, prep.shingles, rows)
    values, value_owner, _ = _gather(prep.unique_start, prep.unique, other)
    hit = _member(needles, owner, values, value_owner)
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
    it = prep.items
    n = rows.size
    needles, owner, _ = _gather(it.chars_start, it.chars, rows)
    values, value_owner, _ = _gather(prep.chars_unique_start, prep.chars_unique, other)
    hit = _member(needles, owner, values, value_owner)
    return _ratio(_spans(hit, owner, n, CHAR_GAP), np.bincount(owner, minlength=n).astype(float))


def _sets(
    start: np.ndarray, values: np.ndarray, rows: np.ndarray, other: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pair: how many distinct values of ``rows`` the ``other`` has, and both sizes."""
    needles, owner, _ = _gather(start, values, rows)
    held, held_owner, _ = _gather(start, values, other)
    hit = _member(needles, owner, held, held_owner)
    n = rows.size
    return _per_pair(owner, hit, n), np.diff(start)[rows], np.diff(start)[other]


def _chunk(prep: Prepared, pairs: np.ndarray, tfidf: TfidfCosine) -> Evidence:
    it = prep.items
    lengths = it.lengths
    short, long_ = _short_long(lengths, pairs)
    n = pairs.shape[0]
    inter, size_s, size_l = _sets(prep.unique_start, prep.unique, short, long_)
    containment = _ratio(inter, size_s.astype(np.float64))
    jaccard = _ratio(inter, (size_s + size_l - inter).astype(np.float64))
    passages_s, spans_s, lead_s = _coverage(prep, short, long_)
    passages_l, spans_l, lead_l = _coverage(prep, long_, short)
    chars_s = _char_coverage(prep, short, long_)
    chars_l = _char_coverage(prep, long_, short)
    # Facts of the shorter one found among the words of the longer one.
    needles, owner, _ = _gather(prep.facts_start, prep.facts, short)
    held, held_owner, _ = _gather(prep.words_start, prep.all_words, long_)
    found = _per_pair(owner, _member(needles, owner, held, held_owner), n)
    facts = (found + 0.5) / (np.diff(prep.facts_start)[short] + 1.0)
    in_order, order_s, _ = _sets(prep.sequence_start, prep.sequence, short, long_)
    in_order_end, _, _ = _sets(prep.sequence_end_start, prep.sequence_end, short, long_)
    in_order = np.maximum(in_order, in_order_end)  # by either key (see _keys)
    fact_order = (in_order + 0.5) / (order_s + 1.0)
    # Slots: a fact whose context the other article has, with another fact in it.
    ctx, ctx_owner, _ = _gather(prep.slot_start, prep.slot, short)
    other_ctx, other_owner, _ = _gather(prep.slot_start, prep.slot, long_)
    shared_ctx = _member(ctx, ctx_owner, other_ctx, other_owner)
    agree = np.zeros(ctx.size, dtype=bool)
    for column in (prep.slot_fact, prep.slot_end):  # a fact agrees by either key
        kv, _, _ = _gather(prep.slot_start, column, short)
        other_kv, _, _ = _gather(prep.slot_start, column, long_)
        agree |= _member(kv, ctx_owner, other_kv, other_owner)
    agree |= _near_agreements(prep, short, long_, shared_ctx & ~agree)
    conflicts = _per_pair(ctx_owner, shared_ctx & ~agree, n)
    agreements = _per_pair(ctx_owner, agree, n)
    conflict = conflicts / (conflicts + agreements + 1.0)
    conflict[it.corrected[short] | it.corrected[long_]] = 0.0
    title_inter, title_s, title_l = _sets(prep.title_unique_start, prep.title_unique, short, long_)
    title = _ratio(title_inter, (title_s + title_l - title_inter).astype(np.float64))
    words_s = lengths[short].astype(np.float64)
    items_in = np.unique(pairs)
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
        chars_short=chars_s,
        chars_long=chars_l,
        lead_short=lead_s,
        lead_long=lead_l,
        facts=facts,
        fact_order=fact_order,
        conflicts=conflict,
        topic=np.maximum(cosine - spans_s, 0.0),
        title=title,
        title_short=title / (1.0 + words_s / SHORT_WORDS),
        title_conflict=_title_conflict(prep, short, long_),
        length=np.log1p(words_s),
        ratio=_ratio(words_s, lengths[long_].astype(np.float64)),
    )


def shared_runs(a: np.ndarray, b: np.ndarray) -> list[tuple[int, int]]:
    """The runs of ``a``'s words (word hashes, in order) that lie in passages shared with
    ``b``, as ``(first word, end)`` spans: for showing the evidence of one finding.

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
        (int(s), int(e) + NGRAM - 1) for s, e in zip(starts, ends, strict=True) if e - s >= MIN_RUN
    ]
