"""The comparison material of articles, computed once per article for the verifier.

:func:`items` reads articles (body paragraphs and title, in their typographic form) into
columns: word hashes, which words are facts (figures, names), each word's two keys and each
fact's spelling, sampled character 8-grams. :func:`prepare` derives from them, per article,
what every pair needs (see :mod:`dedup.stages.evidence`): sorted and distinct word 3-grams,
facts and their order, the slots of the facts (the wording around each), title frames.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dedup.stages.csr import Rows, SortedRows, member, sorted_column, unique_rows
from dedup.stages.fingerprint import _WORD_BYTES, Words, shingles, word_hashes
from dedup.stages.hashmix import U64, fmix64, fold
from dedup.stages.normalize import fold_case

NGRAM = 3
#: A word's key is its first this many bytes (and its length).
KEY_BYTES = 3
#: Character n-grams (bytes of the case-folded text) for the measure that survives OCR-like
#: noise; one in CHAR_SAMPLE is kept (by hash), and shared ones are joined into spans across
#: at most CHAR_GAP unshared ones (a wrong letter breaks eight grams, two of them kept).
CHAR_GRAM = 8  # one 64-bit word: 8 bytes
CHAR_SAMPLE = 4
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
    spell: np.ndarray  # uint8[facts of the bodies, SPELL + 1]: see :func:`spellings`

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
    bodies or reads the line break after one."""
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
    # The byte after a gram is in its body too: the line break that ends a body when
    # another follows it in the batch is no part of it, so that an article's grams are the
    # same whatever is prepared with it.
    end_body = np.searchsorted(body_start, offset + CHAR_GRAM, "right") - 1
    keep = (body == end_body) & (body >= 0) & (body < n)
    return grams[offset[keep]], body[keep].astype(np.int64)


def spellings(buffer: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
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
    fact's spelling (:func:`spellings`, one row per fact)."""
    folded = fold_case("\n".join(texts)) if texts else ""
    words = word_hashes(folded.split("\n") if texts else [])
    folded_bytes = np.frombuffer(folded.encode("utf-8"), dtype=np.uint8)
    keys, end_keys, number, word_start, word_end = _keys(folded_bytes, words.hashes.size)

    def spelt(facts: np.ndarray) -> np.ndarray:
        spell = spellings(folded_bytes, word_start[facts], word_end[facts])
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
    common = member(hashes, owner, hashes[lower], owner[lower])
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


@dataclass(frozen=True, slots=True)
class Prepared:
    """What every pair of a batch needs from its articles, computed once per article: CSR
    columns of a row per article (:mod:`dedup.stages.csr`)."""

    items: Items
    shingles: SortedRows  # word 3-grams of each body, in order
    words: Rows  # distinct words of body and title
    facts: Rows  # distinct facts of body and title
    sequence: Rows  # distinct pairs of consecutive facts of the body
    sequence_end: Rows  # ...by the facts' second keys
    slots: SortedRows  # per fact of the body: its context (the wording around it)...
    slot_facts: SortedRows  # ...its context with the fact, by its first bytes
    slot_ends: SortedRows  # ...and by its last bytes
    slot_spell: np.ndarray  # uint8[slots, SPELL + 1]: the spelling of each slot's fact
    title: Rows  # distinct title words
    title_frame: Rows  # distinct pairs of title words, facts read as one
    title_fact_keys: Rows  # title facts, by their first bytes
    title_fact_ends: Rows  # ...and by their last bytes
    chars: SortedRows  # each body's sampled character 8-grams
    bags: list[np.ndarray]  # TF-IDF features of each body (sorted)


def prepare(it: Items) -> Prepared:
    """Shingles, distinct words, facts and fact contexts of every article of ``it``."""
    from dedup.stages.verify import token_buckets

    n = it.size
    word_item = np.repeat(np.arange(n), it.lengths)
    title_item = np.repeat(np.arange(n), np.diff(it.title_start))
    words, facts = _words_and_facts(it, word_item, title_item)
    sequence, sequence_end = _fact_order(it, word_item)
    slots, slot_facts, slot_ends, slot_spell = _slots(it, word_item)
    title_facts = np.searchsorted(title_item[it.title_fact], np.arange(n + 1)).astype(np.int64)
    buckets = token_buckets(it.words)
    return Prepared(
        items=it,
        shingles=_shingles(it, word_item),
        words=words,
        facts=facts,
        sequence=sequence,
        sequence_end=sequence_end,
        slots=slots,
        slot_facts=slot_facts,
        slot_ends=slot_ends,
        slot_spell=slot_spell,
        title=Rows(*unique_rows(it.title_start, it.title)),
        title_frame=_title_frame(it, title_item),
        title_fact_keys=Rows(title_facts, it.title_keys[it.title_fact]),
        title_fact_ends=Rows(title_facts, it.title_end_keys[it.title_fact]),
        chars=sorted_column(it.chars_start, it.chars),
        bags=[np.sort(buckets[it.start[i] : it.start[i + 1]]) for i in range(n)],
    )


def _shingles(it: Items, word_item: np.ndarray) -> SortedRows:
    """The word 3-grams of each body (``word_item``: the article of each body word)."""
    sh = shingles(Words(it.words, word_item, it.lengths, np.zeros(0, bool)), NGRAM)
    start = np.searchsorted(sh.paragraph, np.arange(it.size + 1)).astype(np.int64)
    return sorted_column(start, sh.hashes)


def _words_and_facts(it: Items, word_item: np.ndarray, title_item: np.ndarray) -> tuple[Rows, Rows]:
    """The distinct words (their keys) of each article's body and title, and its distinct
    facts (``word_item``, ``title_item``: the article of each body and title word)."""
    n = it.size
    both = np.concatenate([it.keys, it.title_keys])
    both_item = np.concatenate([word_item, title_item])
    order = np.argsort(both_item, kind="stable")
    both, both_item = both[order], both_item[order]
    both_start = np.searchsorted(both_item, np.arange(n + 1))
    words = Rows(*unique_rows(both_start, both))
    is_fact = np.concatenate([it.fact, it.title_fact])[order]
    fact_item = both_item[is_fact]
    facts = Rows(*unique_rows(np.searchsorted(fact_item, np.arange(n + 1)), both[is_fact]))
    return words, facts


def _fact_order(it: Items, word_item: np.ndarray) -> tuple[Rows, Rows]:
    """The order of the facts: each body fact with the next one, by their keys and by their
    second keys (distinct pairs of each body)."""
    at_fact = np.flatnonzero(it.fact)
    follows = at_fact[1:][word_item[at_fact[1:]] == word_item[at_fact[:-1]]]
    before = at_fact[:-1][word_item[at_fact[1:]] == word_item[at_fact[:-1]]]
    pairs_of = fold([it.keys[before], it.keys[follows]]) if follows.size else _EMPTY_U64
    follow_start = np.searchsorted(word_item[follows], np.arange(it.size + 1))
    ends_of = fold([it.end_keys[before], it.end_keys[follows]]) if follows.size else _EMPTY_U64
    return Rows(*unique_rows(follow_start, pairs_of)), Rows(*unique_rows(follow_start, ends_of))


def _slots(
    it: Items, word_item: np.ndarray
) -> tuple[SortedRows, SortedRows, SortedRows, np.ndarray]:
    """The slots of the body facts (:func:`_contexts`): their contexts, the contexts with the
    fact by its first and by its last bytes, and the spelling of each slot's fact."""
    at, slot = _contexts(it, word_item)
    slot_fact = fold([slot, it.keys[at]]) if at.size else _EMPTY_U64
    slot_end = fold([slot, it.end_keys[at]]) if at.size else _EMPTY_U64
    slot_start = np.searchsorted(word_item[at], np.arange(it.size + 1)).astype(np.int64)
    return (
        sorted_column(slot_start, slot),
        sorted_column(slot_start, slot_fact),
        sorted_column(slot_start, slot_end),
        it.spell[np.searchsorted(np.flatnonzero(it.fact), at)],
    )


def _contexts(it: Items, word_item: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The body words of the facts that have a context (in body order, a fact twice when it
    has two) and each one's context, inside one body: two words before and two after; and the
    three words before (a line of a table: "FC Branré - FC Aipré 2-0"), or for the first words
    of a body, the three after (the subject of a first sentence: "Dupont a déclaré un")."""
    position = np.arange(it.words.size) - it.start[word_item]
    length = it.lengths[word_item]
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
    return at, slot


def _title_frame(it: Items, title_item: np.ndarray) -> Rows:
    """A title's frame: its distinct pairs of consecutive words, any fact read as "a fact"."""
    framed = np.where(it.title_fact, _A_FIGURE, it.title)
    joined = np.flatnonzero(title_item[1:] == title_item[:-1])
    return Rows(
        *unique_rows(
            np.searchsorted(title_item[joined], np.arange(it.size + 1)),
            fold([framed[joined], framed[joined + 1]]) if joined.size else _EMPTY_U64,
        )
    )
