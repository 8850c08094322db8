"""Seeded synthetic news corpus with planted duplicates, repeated paragraphs and boilerplate.

Usage::

    python benchmarks/generate.py --articles 10000 --seed 1 --out benchmarks/work/c10k

writes ``corpus.jsonl`` (one article a line: ``id``, ``title``, ``text``, ``source``, ``url``,
``date``; ``text`` has one paragraph a line) and ``truth.json`` (what was planted). Only the
standard library and numpy are used, and no data is downloaded.

The text is made of pronounceable pseudo-words (French-looking, with é è à ç ê) drawn from a
Zipfian vocabulary whose head is real French function words, mixed with topic words, named
entities of the topic and numbers. Unrelated stories on one topic therefore share names and
common words, but not sentences. Article lengths are log-normal (median 400 words, mean about
480, from 80 to 2,500 words; briefs can be shorter), in 4-25 paragraphs of 1-5 sentences.

What is planted (all deterministic for a given ``--seed`` and ``--articles``):

- **Syndication**: about 8 % of stories are republished by 1-4 other outlets, each copy being
  an *exact* copy (sometimes under another title), a *rewrite* (new headline, reworded lead,
  synonym substitutions, word insertions/deletions, sentences dropped or reordered; word
  3-gram Jaccard with the original about 0.3, see ``rewrite_jaccard_mean``) or a *brief* (the
  first 2-3 paragraphs of a longer story). Each story with copies is one entry of
  ``doc_clusters``; ``copy_kinds`` says which article is the original and what each copy is.
- **Repeated paragraphs**: about 3 % of the articles (taken among those that belong to no
  cluster) carry one paragraph twice, half exactly, half with 1-3 words changed.
  ``repeated_paragraphs`` gives the 1-based paragraph (= text line) numbers of both copies.
- **Site furniture**: every outlet appends 1-4 lines at the end (or puts them at the start)
  of most of its articles. ``boilerplate`` lists them per outlet; a ``{field}`` in a line is
  filled per article (``{topic}``, ``{date}``, ``{time}``, ``{year}``, ``{minutes}``,
  ``{headline}``); the outlet's name is filled in already.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import re
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from pathlib import Path

import numpy as np

GENERATOR_VERSION = 2

# ----------------------------------------------------------------------------- parameters

N_OUTLETS = 40
N_TOPICS = 150
N_PSEUDO_WORDS = 40_000
TOPIC_WORDS = 250
SYNDICATED_SHARE = 0.08
COPIES_WEIGHTS = (0.45, 0.30, 0.15, 0.10)  # 1, 2, 3 or 4 copies
COPY_KINDS = ("exact", "rewrite", "brief")
COPY_KIND_WEIGHTS = (0.35, 0.45, 0.20)
REPEAT_SHARE = 0.03
#: Token mixture: general vocabulary, topic words, entities, numbers.
MIX = (0.80, 0.13, 0.055, 0.015)
TITLE_MIX = (0.70, 0.13, 0.155, 0.015)
#: Rewrite intensity: per-word edit rate and sentence drop rate, drawn uniformly per rewrite.
REWRITE_EDIT_RATE = (0.09, 0.31)
REWRITE_DROP_RATE = (0.0, 0.15)
REWRITE_LEAD_REWORD = 0.8
#: At most this many rewrite/original pairs are measured for ``rewrite_jaccard_mean``.
JACCARD_SAMPLE = 2000
#: Stories generated per vectorized batch.
CHUNK = 4096
#: Resolution of the inverse-CDF lookup used to draw vocabulary words.
LUT_BITS = 22


def _split(words: str) -> tuple[str, ...]:
    return tuple(words.split())


FUNCTION_WORDS = _split(
    "de la le et les des en un une du à est pour que qui dans a par sur au il pas plus ne se ce "
    "avec son sa ses elle mais ont été sont aux cette comme ou leur nous y lui tout ils on "
    "était fait selon après avant deux entre depuis sans sous aussi très bien où même encore "
    "ces dont peut lors contre trois alors déjà ainsi donc toujours chez vers leurs"
)
SECTIONS = _split(
    "politique économie sport culture santé justice environnement international société "
    "technologie éducation agriculture transports sciences météo faits-divers"
)
OUTLET_NOUNS = _split(
    "Le_Courrier La_Gazette Le_Journal Le_Républicain Le_Progrès La_Dépêche L'Écho Le_Matin "
    "Le_Quotidien La_Tribune Le_Nouvelliste Le_Messager Le_Réveil L'Indépendant "
    "L'Observateur La_Vigie La_Semaine La_Presse Le_Phare La_Voix"
)
ORG_HEADS = _split(
    "Ministère_de Union Agence Conseil_de Fédération Groupe Banque Association Syndicat Institut"
)
MONTHS = _split(
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
)
#: Site furniture; ``{outlet}`` is filled per outlet, the other fields per article.
FURNITURE_TAIL = (
    "Laisser un commentaire",
    "Partager sur Facebook",
    "Partager sur X",
    "Partager par e-mail",
    "Abonnez-vous à notre newsletter",
    "Recevez chaque matin l'essentiel de l'actualité",
    "Cet article vous a plu ? Soutenez le journalisme indépendant.",
    "Signaler une erreur",
    "Réagir à cet article",
    "Vous avez aimé cet article ? Partagez-le !",
    "Téléchargez notre application gratuite",
    "Tous droits de reproduction réservés",
    "Pour en savoir plus sur {topic}, consultez {outlet}.",
    "Retrouvez toute l'actualité {topic} sur {outlet}.",
    "© {outlet} {year} – Tous droits réservés",
    "Suivez {outlet} sur Facebook et Instagram",
    "Lire aussi : {headline}",
)
FURNITURE_HEAD = (
    "Publié le {date} à {time}",
    "Par la rédaction de {outlet}",
    "Mis à jour le {date}",
    "Temps de lecture : {minutes} min",
)

_ONSETS = (*_split("b c d f g l m n p r s t v ch tr pr gr br pl cl fr qu j z vr dr ç"), "")
_ONSET_W = (3, 3, 4, 2, 2, 4, 4, 3, 4, 4, 4, 4, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 6)
_VOWELS = _split("a e i o u é è ou ai au eu on an in ê oi ia")
_VOWEL_W = (6, 5, 4, 3, 2, 1.5, 1, 2, 1.5, 1, 1, 2, 2, 1.5, 0.5, 1, 0.5)
_CODAS = ("", *_split("n r s l t x c"))
_CODA_W = (12, 1, 2, 1.5, 1, 1, 0.3, 0.4)
_FINALS = ("", *_split("e s es ent ère ès ion té ment ique age ça"))
_FINAL_W = (18, 3, 2, 1, 0.6, 0.5, 0.3, 1, 0.6, 0.4, 0.5, 0.4, 0.15)
_VOWEL_START = "aeiouéèê"


def _p(weights: tuple[float, ...] | np.ndarray) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return w / w.sum()


def _cdf(weights: tuple[float, ...] | np.ndarray) -> np.ndarray:
    c = np.cumsum(np.asarray(weights, dtype=float))
    return c / c[-1]


def _draw(rng: np.random.Generator, cdf: np.ndarray, n: int) -> np.ndarray:
    """``n`` indices drawn from the distribution of ``cdf``."""
    return np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(cdf) - 1)


def _zipf(n: int, s: float = 1.0, q: float = 2.7) -> np.ndarray:
    """Zipf-Mandelbrot weights ``1 / (rank + q) ** s``."""
    return 1.0 / (np.arange(n) + q) ** s


def _starts(sizes: np.ndarray) -> np.ndarray:
    """Start offsets of consecutive runs of the given sizes."""
    return np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)


_ASCII = str.maketrans("àâäéèêëîïôöùûüçÀÂÄÉÈÊËÎÏÔÖÙÛÜÇ", "aaaeeeeiioouuucAAAEEEEIIOOUUUC")
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """ASCII slug of ``text`` for URLs.

    >>> slugify("L'Écho de Vèrançon : ça va")
    'l-echo-de-verancon-ca-va'
    """
    flat = text.translate(_ASCII)
    if not flat.isascii():
        flat = unicodedata.normalize("NFKD", flat).encode("ascii", "ignore").decode()
    return _NON_SLUG.sub("-", flat.lower()).strip("-")


def jaccard(a: str, b: str) -> float:
    """Word 3-gram Jaccard similarity after lowercasing (the baseline's shingles).

    >>> round(jaccard("a b c d", "A b c e"), 2)
    0.33
    """
    wa, wb = a.lower().split(), b.lower().split()
    sa = set(zip(wa, wa[1:], wa[2:], strict=False))
    sb = set(zip(wb, wb[1:], wb[2:], strict=False))
    union = len(sa | sb)
    return len(sa & sb) / union if union else 1.0


# ----------------------------------------------------------------------------- lexicon


def _pseudo_words(
    rng: np.random.Generator, n: int, syllables: tuple[int, int], taken: set[str]
) -> list[str]:
    """``n`` new pronounceable pseudo-words of ``syllables`` (min, max) syllables."""
    out: list[str] = []
    while len(out) < n:
        batch = 2 * (n - len(out)) + 16
        nsyl = rng.integers(syllables[0], syllables[1] + 1, size=batch)
        total = int(nsyl.sum())
        on = rng.choice(len(_ONSETS), size=total, p=_p(_ONSET_W)).tolist()
        vo = rng.choice(len(_VOWELS), size=total, p=_p(_VOWEL_W)).tolist()
        co = rng.choice(len(_CODAS), size=total, p=_p(_CODA_W)).tolist()
        fi = rng.choice(len(_FINALS), size=batch, p=_p(_FINAL_W)).tolist()
        k = 0
        for i, count in enumerate(nsyl.tolist()):
            parts = []
            for _ in range(count):
                onset, vowel = _ONSETS[on[k]], _VOWELS[vo[k]]
                if onset == "ç" and vowel[0] not in "aou":
                    onset = "s"
                parts.append(onset + vowel + _CODAS[co[k]])
                k += 1
            word = "".join(parts)
            ending = _FINALS[fi[i]]
            if ending and word[-1] in _VOWEL_START and ending[0] in _VOWEL_START:
                ending = "r" + ending
            word += ending
            if len(word) >= 2 and word not in taken:
                taken.add(word)
                out.append(word)
                if len(out) == n:
                    break
    return out


@dataclass
class Lexicon:
    """Every token the generator can emit, in one object array indexed by token id.

    Token ``t`` renders as ``table[t + n_tokens * (cap + 2 * suffix)]``: ``cap`` 1 for the
    capitalised form (sentence starts), ``suffix`` 1 or 2 for the token followed by a comma or
    a full stop (glued at render time, which is cheaper than fixing spaces afterwards).
    """

    table: np.ndarray
    n_tokens: int
    n_words: int
    words_lut: np.ndarray  # inverse CDF of the Zipfian vocabulary, 2**LUT_BITS entries
    synonyms: np.ndarray  # (n_words, 3): words of a similar rank
    is_word: np.ndarray
    is_entity: np.ndarray
    numbers: tuple[int, int]  # [start, end) of the number tokens
    topic_words: np.ndarray  # (N_TOPICS, TOPIC_WORDS)
    topic_words_cdf: np.ndarray
    topic_entities: np.ndarray  # (N_TOPICS, entities per topic)
    topic_entities_cdf: np.ndarray
    topic_sections: list[str]
    outlets: list[str]
    outlets_cdf: np.ndarray
    comma: int
    ends: np.ndarray  # sentence-final marks
    ends_cdf: np.ndarray
    newline: int
    separator: int


SEPARATOR = "\x1e"


def build_lexicon(rng: np.random.Generator) -> Lexicon:
    """Vocabulary, entities, topics and outlets, all drawn from ``rng``."""
    taken = set(FUNCTION_WORDS)
    words = list(FUNCTION_WORDS)
    words += _pseudo_words(rng, 2000, (1, 2), taken)
    words += _pseudo_words(rng, N_PSEUDO_WORDS - 2000, (2, 3), taken)
    n_words = len(words)
    cdf = _cdf(_zipf(n_words))
    lut = np.searchsorted(cdf, (np.arange(1 << LUT_BITS) + 0.5) / (1 << LUT_BITS))
    lut = np.minimum(lut, n_words - 1).astype(np.int32)
    ranks = np.arange(n_words)
    spread = np.maximum(5, ranks // 4)[:, None]
    sign = rng.choice(np.array([-1, 1]), size=(n_words, 3))
    syn = np.clip(ranks[:, None] + sign * rng.integers(1, spread + 1), 0, n_words - 1)
    nf = len(FUNCTION_WORDS)
    syn[:nf] = rng.integers(0, nf, size=(nf, 3))
    syn = np.where(syn == ranks[:, None], (syn + 1) % n_words, syn).astype(np.int32)

    def proper(n: int, syllables: tuple[int, int]) -> list[str]:
        return [w[0].upper() + w[1:] for w in _pseudo_words(rng, n, syllables, taken)]

    first, last, places = proper(300, (1, 2)), proper(3000, (2, 3)), proper(600, (2, 3))
    entities: list[str] = []

    def add(name: str) -> int:
        entities.append(name)
        return len(entities) - 1

    def entity_set(n_people: int, n_places: int, n_orgs: int) -> list[int]:
        ids = []
        for _ in range(n_people):
            surname = last[rng.integers(len(last))]
            ids += [add(f"{first[rng.integers(len(first))]} {surname}"), add(surname)]
        ids += [add(places[rng.integers(len(places))]) for _ in range(n_places)]
        for _ in range(n_orgs):
            head = ORG_HEADS[rng.integers(len(ORG_HEADS))].replace("_", " ")
            ids.append(add(f"{head} {places[rng.integers(len(places))]}"))
        return ids

    own = [entity_set(30, 8, 6) for _ in range(N_TOPICS)]
    shared = np.array(entity_set(40, 30, 6))
    numbers = [str(x) for x in rng.integers(2, 100, size=300)]
    numbers += [str(x) for x in rng.integers(100, 100_000, size=500)]
    numbers += [f"{x // 10},{x % 10}" for x in rng.integers(11, 999, size=200)]
    numbers += [f"{x} %" for x in rng.integers(1, 100, size=100)]
    numbers += [str(y) for y in range(1990, 2026)]
    marks = [",", ".", "?", "!", "\n", SEPARATOR]

    outlets: list[str] = []
    while len(outlets) < N_OUTLETS:
        noun = OUTLET_NOUNS[rng.integers(len(OUTLET_NOUNS))].replace("_", " ")
        name = f"{noun} de {places[rng.integers(len(places))]}"
        if name not in outlets:
            outlets.append(name)
    tokens = words + entities + numbers + marks
    capitalised = [t[0].upper() + t[1:] for t in tokens]
    table = np.array(
        [t + suffix for suffix in ("", ",", ".") for t in tokens + capitalised], dtype=object
    )
    plain = tokens[: -len(marks)] + list(FURNITURE_HEAD + FURNITURE_TAIL) + outlets
    assert all(t.isprintable() for t in plain), "generated text must be printable"
    e0, n0 = n_words, n_words + len(entities)
    p0 = n0 + len(numbers)
    is_word = np.zeros(len(tokens), dtype=bool)
    is_word[:n_words] = True
    is_entity = np.zeros(len(tokens), dtype=bool)
    is_entity[e0:n0] = True

    topic_words = np.stack(
        [
            rng.choice(np.arange(150, n_words), size=TOPIC_WORDS, replace=False)
            for _ in range(N_TOPICS)
        ]
    )
    topic_entities = np.stack(
        [
            np.concatenate([rng.permutation(o), rng.choice(shared, 20, replace=False)]) + e0
            for o in own
        ]
    )
    n_own = len(own[0])
    entity_w = np.concatenate([_zipf(n_own, 1.1, 1.0), np.full(20, 0.02)])

    return Lexicon(
        table=table,
        n_tokens=len(tokens),
        n_words=n_words,
        words_lut=lut,
        synonyms=syn,
        is_word=is_word,
        is_entity=is_entity,
        numbers=(n0, p0),
        topic_words=topic_words.astype(np.int64),
        topic_words_cdf=_cdf(_zipf(TOPIC_WORDS, 1.0, 4.0)),
        topic_entities=topic_entities.astype(np.int64),
        topic_entities_cdf=_cdf(entity_w),
        topic_sections=[SECTIONS[t % len(SECTIONS)] for t in range(N_TOPICS)],
        outlets=outlets,
        outlets_cdf=_cdf(_zipf(N_OUTLETS, 0.7, 1.0)),
        comma=p0,
        ends=np.array([p0 + 1, p0 + 2, p0 + 3]),
        ends_cdf=_cdf((0.95, 0.035, 0.015)),
        newline=p0 + 4,
        separator=p0 + 5,
    )


# ----------------------------------------------------------------------------- text


@dataclass
class Bodies:
    """Article bodies as token ids, for one article or a batch.

    Sentence ``k`` is ``ids[offsets[k]:offsets[k + 1]]``; ``par_sizes`` counts sentences per
    paragraph and ``n_par`` paragraphs per article.
    """

    ids: np.ndarray
    offsets: np.ndarray
    par_sizes: np.ndarray
    n_par: np.ndarray

    def body(self, i: int) -> Bodies:
        """Article ``i`` alone."""
        p0 = int(self.n_par[:i].sum())
        p1 = p0 + int(self.n_par[i])
        s0 = int(self.par_sizes[:p0].sum())
        s1 = s0 + int(self.par_sizes[p0:p1].sum())
        o = self.offsets[s0 : s1 + 1]
        return Bodies(self.ids[o[0] : o[-1]], o - o[0], self.par_sizes[p0:p1], np.array([p1 - p0]))

    def paragraphs(self) -> list[list[np.ndarray]]:
        """Sentences per paragraph (of a single article)."""
        o = self.offsets
        sents = [self.ids[o[k] : o[k + 1]] for k in range(len(o) - 1)]
        starts = _starts(self.par_sizes)
        return [
            sents[s : s + n] for s, n in zip(starts.tolist(), self.par_sizes.tolist(), strict=True)
        ]

    @classmethod
    def from_docs(cls, docs: list[list[list[np.ndarray]]]) -> Bodies:
        """Articles from their sentences per paragraph."""
        sents = [s for doc in docs for p in doc for s in p]
        lens = np.array([len(s) for s in sents], dtype=np.int64)
        return cls(
            np.concatenate(sents),
            np.concatenate([[0], np.cumsum(lens)]),
            np.array([len(p) for doc in docs for p in doc], dtype=np.int64),
            np.array([len(doc) for doc in docs], dtype=np.int64),
        )


class Writer:
    """Makes token ids for bodies and titles, rewrites them, and renders them as text."""

    def __init__(self, lex: Lexicon, rng: np.random.Generator) -> None:
        self.lex = lex
        self.rng = rng
        #: For scalar draws, much cheaper than numpy's one at a time.
        self.py = random.Random(int(rng.integers(1 << 62)))

    def tokens(self, topics: np.ndarray, mix: tuple[float, ...] = MIX) -> np.ndarray:
        """One content token (no punctuation) per entry of ``topics`` (topic per token)."""
        rng, lex = self.rng, self.lex
        n = len(topics)
        ids = lex.words_lut[rng.integers(0, 1 << LUT_BITS, size=n)].astype(np.int64)
        cat = np.searchsorted(_cdf(mix), rng.random(n), side="right")
        m = np.flatnonzero(cat == 1)
        ids[m] = lex.topic_words[topics[m], _draw(rng, lex.topic_words_cdf, len(m))]
        m = np.flatnonzero(cat == 2)
        ids[m] = lex.topic_entities[topics[m], _draw(rng, lex.topic_entities_cdf, len(m))]
        m = np.flatnonzero(cat >= 3)
        ids[m] = rng.integers(lex.numbers[0], lex.numbers[1], size=len(m))
        return ids

    def punctuate(self, ids: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Insert commas and a final mark into consecutive sentences of ``lengths`` words.

        Returns the new ids and the sentence offsets into them.
        """
        rng, lex = self.rng, self.lex
        n = len(lengths)
        starts = _starts(lengths)
        ok1 = (lengths >= 8) & (rng.random(n) < 0.45)
        ok2 = (lengths >= 18) & (rng.random(n) < 0.35)
        # A comma after word 2..len/2 (first half) or len/2+1..len-3 (second half).
        c1 = starts + 2 + (rng.random(n) * np.maximum(1, lengths // 2 - 2)).astype(np.int64)
        c2 = (
            starts
            + lengths // 2
            + 1
            + (rng.random(n) * np.maximum(1, lengths // 2 - 3)).astype(np.int64)
        )
        commas = np.concatenate([c1[ok1], c2[ok2]])
        marks = lex.ends[_draw(rng, lex.ends_cdf, n)]
        pos = np.concatenate([commas, starts + lengths])
        val = np.concatenate([np.full(len(commas), lex.comma), marks])
        order = np.argsort(pos, kind="stable")
        out = np.insert(ids, pos[order], val[order])
        new_len = lengths + 1 + ok1 + ok2
        return out, np.concatenate([[0], np.cumsum(new_len)])

    def bodies(self, topics: np.ndarray, n_words: np.ndarray) -> Bodies:
        """One body per article of about ``n_words`` words, 4-25 paragraphs of 1-5 sentences."""
        rng = self.rng
        n = len(topics)
        n_sent = np.maximum(4, np.rint(n_words / rng.uniform(15.0, 24.0, n))).astype(np.int64)
        n_par = np.clip(np.rint(n_sent / rng.uniform(1.8, 3.5, n)), 4, 25).astype(np.int64)
        n_sent = np.clip(n_sent, n_par, 5 * n_par)
        # Each sentence beyond the first of each paragraph goes to a random paragraph.
        extra_art = np.repeat(np.arange(n), n_sent - n_par)
        extra_par = _starts(n_par)[extra_art] + (
            rng.random(len(extra_art)) * n_par[extra_art]
        ).astype(np.int64)
        par_sizes = np.minimum(5, 1 + np.bincount(extra_par, minlength=int(n_par.sum())))
        par_art = np.repeat(np.arange(n), n_par)
        n_sent = np.bincount(par_art, weights=par_sizes, minlength=n).astype(np.int64)
        sent_art = np.repeat(np.arange(n), n_sent)
        raw = rng.lognormal(0.0, 0.35, len(sent_art))
        total = np.bincount(sent_art, weights=raw, minlength=n)
        lengths = np.maximum(4, np.rint(raw / total[sent_art] * n_words[sent_art]))
        lengths = lengths.astype(np.int64)
        ids = self.tokens(np.repeat(topics[sent_art], lengths))
        ids, offsets = self.punctuate(ids, lengths)
        return Bodies(ids, offsets, par_sizes, n_par)

    def render(self, b: Bodies) -> list[str]:
        """The text of each article of ``b``: paragraphs joined by newlines."""
        lex = self.lex
        n = lex.n_tokens
        seq = b.ids.copy()
        first = b.offsets[:-1][b.offsets[:-1] < len(seq)]
        seq[first] += n  # capitalise sentence starts
        par_end = b.offsets[np.cumsum(b.par_sizes)]
        mark = np.full(len(par_end), lex.newline)
        mark[np.cumsum(b.n_par) - 1] = lex.separator
        seq = np.insert(seq, par_end, mark)
        # Glue full stops, then commas, to the token before them.
        glued = np.zeros(len(seq), dtype=bool)
        for mark_id, suffix in ((lex.ends[0], 2), (lex.comma, 1)):
            at = np.flatnonzero(seq[1:] == mark_id) + 1
            seq[at - 1] += 2 * n * suffix
            glued[at] = True
        text = " ".join(lex.table[seq[~glued]].tolist()).replace(" \n ", "\n")
        return [t.strip(" ") for t in text.split(SEPARATOR)[:-1]]

    def titles(self, topics: np.ndarray) -> tuple[list[str], np.ndarray, np.ndarray]:
        """One headline of 5-12 words per topic; returns texts, token ids and offsets."""
        lengths = self.rng.integers(5, 13, size=len(topics))
        ids = self.tokens(np.repeat(topics, lengths), TITLE_MIX)
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        return self.render_titles(ids, offsets), ids, offsets

    def render_titles(self, ids: np.ndarray, offsets: np.ndarray) -> list[str]:
        """Headlines from consecutive runs of ids (capitalised, no final mark)."""
        lex = self.lex
        seq = ids.copy()
        seq[offsets[:-1]] += lex.n_tokens
        seq = np.insert(seq, offsets[1:], lex.separator)
        text = " ".join(lex.table[seq].tolist())
        return [t.strip(" ") for t in text.split(SEPARATOR)[:-1]]

    def retitles(self, topics: list[int], keeps: list[np.ndarray]) -> list[str]:
        """New headlines for ``topics``, each naming the entities of its ``keeps`` entry."""
        if not topics:
            return []
        lengths = self.rng.integers(5, 13, size=len(topics))
        ids = self.tokens(np.repeat(np.array(topics), lengths), TITLE_MIX)
        for start, n, keep in zip(_starts(lengths).tolist(), lengths.tolist(), keeps, strict=True):
            if len(keep):
                keep = keep[:n]
                ids[start + np.array(self.py.sample(range(n), len(keep)))] = keep
        return self.render_titles(ids, np.concatenate([[0], np.cumsum(lengths)]))

    # ------------------------------------------------------------------------- rewrites

    def rewrites(self, bodies: list[Bodies], topics: list[int]) -> list[str]:
        """Rewrites of single-article ``bodies``: reworded lead, dropped and reordered
        sentences, word-level edits (batched: the per-article part is plain Python)."""
        lex, py = self.lex, self.py
        if not bodies:
            return []
        docs = []
        redo: list[tuple[int, int]] = []  # (doc, sentence of the lead)
        redo_len: list[int] = []
        redo_entities: list[np.ndarray] = []
        redo_topic: list[int] = []
        for d, (body, topic) in enumerate(zip(bodies, topics, strict=True)):
            paragraphs = body.paragraphs()
            for k, s in enumerate(paragraphs[0]):
                if py.random() < REWRITE_LEAD_REWORD:
                    content = s[s < lex.comma]
                    redo.append((d, k))
                    redo_len.append(max(4, len(content) + py.randint(-3, 3)))
                    redo_entities.append(content[lex.is_entity[content]])
                    redo_topic.append(topic)
            drop = py.uniform(*REWRITE_DROP_RATE)
            for i in range(1, len(paragraphs)):
                p = paragraphs[i]
                kept = [s for s in p if py.random() >= drop] or [p[0]]
                if len(kept) >= 2 and py.random() < 0.3:
                    a, b = py.sample(range(len(kept)), 2)
                    kept[a], kept[b] = kept[b], kept[a]
                paragraphs[i] = kept
            if len(paragraphs) >= 4 and py.random() < 0.3:
                a, b = py.sample(range(1, len(paragraphs)), 2)
                paragraphs[a], paragraphs[b] = paragraphs[b], paragraphs[a]
            docs.append(paragraphs)
        if redo:
            lengths = np.array(redo_len, dtype=np.int64)
            new = self.tokens(np.repeat(np.array(redo_topic), lengths))
            for start, n, entities in zip(
                _starts(lengths).tolist(), redo_len, redo_entities, strict=True
            ):
                if len(entities):
                    keep = entities[:n]
                    new[start + np.array(py.sample(range(n), len(keep)))] = keep
            ids, offsets = self.punctuate(new, lengths)
            for (d, k), a, b in zip(redo, offsets[:-1].tolist(), offsets[1:].tolist(), strict=True):
                docs[d][0][k] = ids[a:b]
        rates = np.array([py.uniform(*REWRITE_EDIT_RATE) for _ in docs])
        return self.render(self._edit(Bodies.from_docs(docs), rates))

    def _edit(self, b: Bodies, rates: np.ndarray) -> Bodies:
        """Substitute (70 %), delete (15 %) or insert (15 %) words, at ``rates[article]`` per
        word of each article."""
        rng, lex = self.rng, self.lex
        ids = b.ids.copy()
        sid = np.repeat(np.arange(len(b.offsets) - 1), np.diff(b.offsets))
        sent_per_doc = np.bincount(
            np.repeat(np.arange(len(b.n_par)), b.n_par), weights=b.par_sizes, minlength=len(b.n_par)
        ).astype(np.int64)
        rate = rates[np.repeat(np.arange(len(b.n_par)), sent_per_doc)][sid]
        hit = lex.is_word[ids] & (rng.random(len(ids)) < rate)
        op = rng.random(len(ids))
        sub = np.flatnonzero(hit & (op < 0.7))
        ids[sub] = lex.synonyms[ids[sub], rng.integers(0, 3, size=len(sub))]
        keep = ~(hit & (op >= 0.7) & (op < 0.85))
        ins = np.flatnonzero(hit & (op >= 0.85))
        new = lex.words_lut[rng.integers(0, 1 << LUT_BITS, size=len(ins))]
        ids = np.insert(ids, ins, new)
        sid = np.insert(sid, ins, sid[ins])
        keep = np.insert(keep, ins, True)
        ids, sid = ids[keep], sid[keep]
        lens = np.bincount(sid, minlength=len(b.offsets) - 1)
        return Bodies(ids, np.concatenate([[0], np.cumsum(lens)]), b.par_sizes, b.n_par)

    def near_repeat(self, paragraph: str) -> str:
        """``paragraph`` with 1-3 of its lower-case words replaced by other words."""
        rng, lex = self.rng, self.lex
        tokens = paragraph.split(" ")
        candidates = [i for i, t in enumerate(tokens) if t.isalpha() and t.islower()]
        n = min(len(candidates), int(rng.integers(1, 4)))
        for i in rng.choice(candidates, size=n, replace=False).tolist():
            old = tokens[i]
            while tokens[i] == old:
                tokens[i] = str(lex.table[lex.words_lut[rng.integers(0, 1 << LUT_BITS)]])
        return " ".join(tokens)


# ----------------------------------------------------------------------------- corpus


@dataclass(slots=True)
class Article:
    """One article before ids are assigned (the corpus is shuffled at the end)."""

    story: int
    kind: str  # original, exact, rewrite, brief
    outlet: int
    topic: int
    day: int  # days since 2024-01-01
    title: str
    text: str
    head: int = 0  # furniture lines put before the body


@dataclass
class Furniture:
    """One line of an outlet's site furniture."""

    template: str
    head: bool
    rate: float
    fields: bool = field(init=False)

    def __post_init__(self) -> None:
        self.fields = "{" in self.template


START = dt.date(2024, 1, 1)


def _stories(
    n_articles: int, lex: Lexicon, w: Writer, rng: np.random.Generator
) -> tuple[list[Article], int]:
    """Originals and their syndicated copies, until there are ``n_articles``."""
    articles: list[Article] = []
    story = 0
    py = w.py
    outlet_w = np.diff(lex.outlets_cdf, prepend=0.0).tolist()
    while len(articles) < n_articles:
        m = min(CHUNK, n_articles - len(articles) + 64)
        topics = rng.integers(N_TOPICS, size=m)
        outlets = _draw(rng, lex.outlets_cdf, m).tolist()
        days = rng.integers(0, 366, size=m).tolist()
        n_words = np.clip(rng.lognormal(math.log(400), 0.55, m), 80, 2500).astype(np.int64)
        syndicated = (rng.random(m) < SYNDICATED_SHARE).tolist()
        batch = w.bodies(topics, n_words)
        texts = w.render(batch)
        titles, title_ids, title_off = w.titles(topics)
        rewrite_jobs: list[tuple[Article, Bodies, int]] = []
        title_jobs: list[tuple[Article, int, np.ndarray]] = []
        for i in range(m):
            if len(articles) >= n_articles:
                break
            topic, outlet, day = int(topics[i]), outlets[i], days[i]
            title, text = titles[i], texts[i]
            articles.append(Article(story, "original", outlet, topic, day, title, text))
            if syndicated[i] and len(articles) < n_articles:
                n_copies = py.choices(range(1, 5), weights=COPIES_WEIGHTS)[0]
                n_copies = min(n_copies, n_articles - len(articles))
                targets: list[int] = []
                while len(targets) < n_copies:
                    t = py.choices(range(N_OUTLETS), weights=outlet_w)[0]
                    if t != outlet and t not in targets:
                        targets.append(t)
                t_ids = title_ids[title_off[i] : title_off[i + 1]]
                body = batch.body(i)
                for target in targets:
                    kind = py.choices(COPY_KINDS, weights=COPY_KIND_WEIGHTS)[0]
                    if kind == "brief" and batch.n_par[i] < 5:
                        kind = "exact" if py.random() < 0.5 else "rewrite"
                    copy = Article(story, kind, target, topic, day + py.randint(0, 2), title, text)
                    if kind == "rewrite":
                        rewrite_jobs.append((copy, body, topic))
                        title_jobs.append((copy, topic, t_ids[lex.is_entity[t_ids]]))
                    else:
                        if py.random() < 0.5:
                            title_jobs.append((copy, topic, t_ids[:0]))
                        if kind == "brief":
                            k = py.randint(2, 3)
                            copy.text = "\n".join(text.split("\n", k)[:k])
                    articles.append(copy)
            story += 1
        new_texts = w.rewrites([b for _, b, _ in rewrite_jobs], [t for _, _, t in rewrite_jobs])
        for (a, _, _), new_text in zip(rewrite_jobs, new_texts, strict=True):
            a.text = new_text
        new_titles = w.retitles([t for _, t, _ in title_jobs], [k for _, _, k in title_jobs])
        for (a, _, _), new_title in zip(title_jobs, new_titles, strict=True):
            a.title = new_title
    return articles, story


def _plant_repeats(
    articles: list[Article], w: Writer, rng: np.random.Generator
) -> dict[int, tuple[int, int, str]]:
    """Repeat one paragraph in ~3 % of the articles; returns 0-based (first, copy, kind)."""
    sizes = np.bincount([a.story for a in articles])
    eligible = [
        i for i, a in enumerate(articles) if sizes[a.story] == 1 and a.text.count("\n") >= 2
    ]
    n_rep = min(len(eligible), round(REPEAT_SHARE * len(articles)))
    repeats = {}
    for k, i in enumerate(rng.choice(eligible, size=n_rep, replace=False).tolist()):
        pars = articles[i].text.split("\n")
        long = [j for j, p in enumerate(pars) if p.count(" ") >= 9] or list(range(len(pars)))
        src = int(rng.choice(long))
        dst = int(rng.integers(src + 1, len(pars) + 1))
        kind = "exact" if k % 2 == 0 else "near"
        pars.insert(dst, pars[src] if kind == "exact" else w.near_repeat(pars[src]))
        articles[i].text = "\n".join(pars)
        repeats[i] = (src, dst, kind)
    return repeats


def _furniture(lex: Lexicon, rng: np.random.Generator) -> list[list[Furniture]]:
    """1-4 furniture lines per outlet (a head line for about 30 % of them)."""
    out = []
    for name in lex.outlets:
        n = int(rng.integers(1, 5))
        n_head = int(rng.random() < 0.3)
        heads = rng.choice(len(FURNITURE_HEAD), size=n_head, replace=False).tolist()
        tails = rng.choice(len(FURNITURE_TAIL), size=n - n_head, replace=False).tolist()
        lines = [
            Furniture(
                FURNITURE_HEAD[h].replace("{outlet}", name), True, float(rng.uniform(0.7, 0.97))
            )
            for h in heads
        ]
        lines += [
            Furniture(
                FURNITURE_TAIL[t].replace("{outlet}", name), False, float(rng.uniform(0.7, 0.97))
            )
            for t in tails
        ]
        out.append(lines)
    return out


def _add_furniture(
    articles: list[Article],
    furniture: list[list[Furniture]],
    lex: Lexicon,
    rng: np.random.Generator,
) -> None:
    n = len(articles)
    draws = rng.random((n, 4)).tolist()
    hours = rng.integers(6, 23, size=n).tolist()
    minutes = rng.integers(0, 60, size=n).tolist()
    headlines = rng.integers(0, n, size=n).tolist()
    for i, a in enumerate(articles):
        head: list[str] = []
        tail: list[str] = []
        for line, u in zip(furniture[a.outlet], draws[i], strict=False):
            if u >= line.rate:
                continue
            text = line.template
            if line.fields:
                date = START + dt.timedelta(days=a.day)
                text = text.format(
                    topic=lex.topic_sections[a.topic],
                    date=f"{date.day} {MONTHS[date.month - 1]} {date.year}",
                    time=f"{hours[i]}h{minutes[i]:02d}",
                    year=date.year,
                    minutes=max(1, round((a.text.count(" ") + 1) / 230)),
                    headline=articles[headlines[i]].title,
                )
            (head if line.head else tail).append(text)
        if head or tail:
            a.text = "\n".join([*head, a.text, *tail])
            a.head = len(head)


def generate(n_articles: int, seed: int) -> tuple[list[dict[str, str]], dict[str, object]]:
    """The corpus records (in output order) and the truth."""
    rng = np.random.default_rng(seed)
    lex = build_lexicon(rng)
    w = Writer(lex, rng)
    articles, n_stories = _stories(n_articles, lex, w, rng)
    repeats = _plant_repeats(articles, w, rng)
    furniture = _furniture(lex, rng)
    _add_furniture(articles, furniture, lex, rng)

    order = rng.permutation(len(articles)).tolist()
    ids = [""] * len(articles)
    for k, i in enumerate(order):
        ids[i] = f"n{k + 1:06d}"
    outlet_slugs = [slugify(o) for o in lex.outlets]
    section_slugs = [slugify(s) for s in lex.topic_sections]
    records = []
    dates = [(START + dt.timedelta(days=d)).isoformat() for d in range(400)]
    for i in order:
        a = articles[i]
        date = dates[a.day]
        slug = "-".join(slugify(a.title).split("-")[:8])
        url = (
            f"https://www.{outlet_slugs[a.outlet]}.fr/{section_slugs[a.topic]}/"
            f"{date.replace('-', '/')}/{slug}-{ids[i]}.html"
        )
        records.append(
            {
                "id": ids[i],
                "title": a.title,
                "text": a.text,
                "source": lex.outlets[a.outlet],
                "url": url,
                "date": date,
            }
        )

    clusters: dict[int, list[int]] = {}
    for i, a in enumerate(articles):
        clusters.setdefault(a.story, []).append(i)
    multi = [c for c in clusters.values() if len(c) >= 2]
    pairs = [(c[0], i) for c in multi for i in c[1:] if articles[i].kind == "rewrite"]
    if len(pairs) > JACCARD_SAMPLE:  # evenly spaced: the mean is what matters
        pairs = [pairs[k] for k in np.linspace(0, len(pairs) - 1, JACCARD_SAMPLE).astype(int)]
    rewrite_j = [jaccard(articles[a].text, articles[b].text) for a, b in pairs]
    kinds = [a.kind for a in articles]
    truth: dict[str, object] = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "articles": len(articles),
        "stories": n_stories,
        "doc_clusters": sorted(sorted(ids[i] for i in c) for c in multi),
        "copy_kinds": dict(sorted((ids[i], articles[i].kind) for c in multi for i in c)),
        "repeated_paragraphs": sorted(
            (
                {
                    "id": ids[i],
                    "paragraphs": [src + 1 + articles[i].head, dst + 1 + articles[i].head],
                    "kind": kind,
                }
                for i, (src, dst, kind) in repeats.items()
            ),
            key=lambda r: str(r["id"]),
        ),
        "boilerplate": {
            lex.outlets[o]: [f.template for f in lines] for o, lines in enumerate(furniture)
        },
        "boilerplate_detail": {
            lex.outlets[o]: [
                {
                    "line": f.template,
                    "position": "head" if f.head else "tail",
                    "rate": round(f.rate, 3),
                }
                for f in lines
            ]
            for o, lines in enumerate(furniture)
        },
        "rewrite_jaccard_mean": round(float(np.mean(rewrite_j)), 4) if rewrite_j else None,
        "rewrite_jaccard_quantiles": (
            {
                str(q): round(float(np.quantile(rewrite_j, q)), 4)
                for q in (0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0)
            }
            if rewrite_j
            else None
        ),
        "rewrite_jaccard_pairs": len(rewrite_j),
        "rewrite_jaccard_definition": "word 3-gram Jaccard of the lowercased, whitespace-split "
        "text (furniture included), rewrite vs original",
        "counts": {
            "clusters": len(multi),
            "clustered_articles": sum(len(c) for c in multi),
            "copies": {k: kinds.count(k) for k in COPY_KINDS},
            "repeated_paragraphs": len(repeats),
            "furniture_lines": sum(len(lines) for lines in furniture),
        },
    }
    return records, truth


def _json_str(s: str) -> str:
    """``json.dumps(s, ensure_ascii=False)``, fast for the generator's strings.

    Those have no control character but the newline (:func:`build_lexicon` checks it), so
    only quotes and backslashes send a string to the general encoder.

    >>> _json_str('a\\nb "c"') == json.dumps('a\\nb "c"', ensure_ascii=False)
    True
    """
    if '"' in s or "\\" in s:
        return encode_basestring(s)
    return '"' + s.replace("\n", "\\n") + '"'


def write(records: list[dict[str, str]], truth: dict[str, object], out: Path) -> None:
    """Write ``corpus.jsonl`` and ``truth.json`` into ``out`` (created if needed)."""
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "corpus.jsonl", "w", encoding="utf-8") as f:
        f.writelines(
            "{" + ", ".join(f'"{k}": {_json_str(v)}' for k, v in r.items()) + "}\n" for r in records
        )
    with open(out / "truth.json", "w", encoding="utf-8") as f:
        json.dump(truth, f, ensure_ascii=False, indent=1)
        f.write("\n")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description="Generate a seeded synthetic news corpus with planted duplicates."
    )
    parser.add_argument("--articles", type=int, required=True, help="number of articles")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.error("--articles must be at least 1")
    t0 = time.perf_counter()
    records, truth = generate(args.articles, args.seed)
    write(records, truth, args.out)
    print(
        f"generate: {len(records)} articles in {time.perf_counter() - t0:.1f} s -> {args.out}; "
        f"{truth['counts']}; rewrite Jaccard mean {truth['rewrite_jaccard_mean']}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
