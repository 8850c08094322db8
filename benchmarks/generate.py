"""Seeded synthetic news corpus with planted duplicates, repeated paragraphs and boilerplate.

Usage::

    python benchmarks/generate.py --articles 10000 --seed 1 --out benchmarks/work/c10k

writes ``corpus.jsonl`` (one article a line: ``id``, ``title``, ``text``, ``source``, ``url``,
``date``; ``text`` has one paragraph a line) and ``truth.json`` (what was planted).

The text is made of pronounceable pseudo-words (French-looking, with é è à ç ê) drawn from a
Zipfian vocabulary whose head is real French function words, mixed with topic words, named
entities of the topic and numbers. Unrelated stories on one topic therefore share names and
common words, but not sentences.

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
import json
import math
import re
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

GENERATOR_VERSION = 1

# ----------------------------------------------------------------------------- parameters

N_OUTLETS = 40
N_TOPICS = 150
N_PSEUDO_WORDS = 40_000
SYNDICATED_SHARE = 0.08
COPIES_WEIGHTS = (0.45, 0.30, 0.15, 0.10)  # 1, 2, 3 or 4 copies
COPY_KINDS = ("exact", "rewrite", "brief")
COPY_KIND_WEIGHTS = (0.35, 0.45, 0.20)
REPEAT_SHARE = 0.03
#: Token mixture: general vocabulary, topic words, entities, numbers.
MIX = (0.80, 0.13, 0.055, 0.015)
#: Rewrite intensity: per-word edit rate, drawn uniformly per rewrite.
REWRITE_EDIT_RATE = (0.06, 0.26)
REWRITE_DROP_RATE = (0.0, 0.15)
REWRITE_LEAD_REWORD = 0.8

FUNCTION_WORDS = [
    "de",
    "la",
    "le",
    "et",
    "les",
    "des",
    "en",
    "un",
    "une",
    "du",
    "à",
    "est",
    "pour",
    "que",
    "qui",
    "dans",
    "a",
    "par",
    "sur",
    "au",
    "il",
    "pas",
    "plus",
    "ne",
    "se",
    "ce",
    "avec",
    "son",
    "sa",
    "ses",
    "elle",
    "mais",
    "ont",
    "été",
    "sont",
    "aux",
    "cette",
    "comme",
    "ou",
    "leur",
    "nous",
    "y",
    "lui",
    "tout",
    "ils",
    "on",
    "était",
    "fait",
    "selon",
    "après",
    "avant",
    "deux",
    "entre",
    "depuis",
    "sans",
    "sous",
    "aussi",
    "très",
    "bien",
    "où",
    "même",
    "encore",
    "ces",
    "dont",
    "peut",
    "lors",
    "contre",
    "trois",
    "alors",
    "déjà",
    "ainsi",
    "donc",
    "toujours",
    "chez",
    "vers",
    "leurs",
]

SECTIONS = (
    "politique",
    "économie",
    "sport",
    "culture",
    "santé",
    "justice",
    "environnement",
    "international",
    "faits divers",
    "technologie",
    "éducation",
    "agriculture",
    "transports",
    "société",
    "sciences",
    "météo",
)

OUTLET_NOUNS = (
    ("Le", "Courrier"),
    ("La", "Gazette"),
    ("Le", "Journal"),
    ("Le", "Républicain"),
    ("Le", "Progrès"),
    ("La", "Dépêche"),
    ("L'", "Écho"),
    ("Le", "Matin"),
    ("Le", "Quotidien"),
    ("La", "Tribune"),
    ("Le", "Nouvelliste"),
    ("Le", "Messager"),
    ("Le", "Réveil"),
    ("L'", "Indépendant"),
    ("L'", "Observateur"),
    ("La", "Vigie"),
    ("La", "Semaine"),
    ("La", "Presse"),
    ("Le", "Phare"),
    ("La", "Voix"),
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
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)

_ONSETS = [
    "b",
    "c",
    "d",
    "f",
    "g",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "ch",
    "tr",
    "pr",
    "gr",
    "br",
    "pl",
    "cl",
    "fr",
    "qu",
    "j",
    "z",
    "vr",
    "dr",
] + [""] * 3
_ONSET_W = np.array(
    [3, 3, 4, 2, 2, 4, 4, 3, 4, 4, 4, 4, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.5, 0.5, 2, 2, 2],
    dtype=float,
)
_VOWELS = [
    "a",
    "e",
    "i",
    "o",
    "u",
    "é",
    "è",
    "ou",
    "ai",
    "au",
    "eu",
    "on",
    "an",
    "in",
    "ê",
    "oi",
    "ia",
]
_VOWEL_W = np.array([6, 4, 4, 3, 2, 3, 1, 2, 1.5, 1, 1, 2, 2, 1.5, 0.5, 1, 0.5], dtype=float)
_CODAS = ["", "n", "r", "s", "l", "t", "x", "c"]
_CODA_W = np.array([12, 1, 2, 1.5, 1, 1, 0.3, 0.4], dtype=float)
_FINAL = ["", "e", "s", "es", "ent", "ère", "ès", "ion", "té", "ment", "ique", "age", "ça"]
_FINAL_W = np.array([10, 3, 2, 1, 0.6, 0.5, 0.3, 1, 0.6, 0.4, 0.5, 0.4, 0.15], dtype=float)


def _p(weights: np.ndarray) -> np.ndarray:
    return weights / weights.sum()


def _cdf(weights: np.ndarray) -> np.ndarray:
    c = np.cumsum(weights, dtype=float)
    return c / c[-1]


def _draw(rng: np.random.Generator, cdf: np.ndarray, n: int) -> np.ndarray:
    """``n`` indices drawn from the distribution of ``cdf`` (fast: one searchsorted)."""
    return np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(cdf) - 1)


def _zipf(n: int, s: float = 1.0, q: float = 2.7) -> np.ndarray:
    return 1.0 / (np.arange(n) + q) ** s


def slugify(text: str) -> str:
    """ASCII slug of ``text`` for URLs.

    >>> slugify("L'Écho de Vèrançon : ça va")
    'l-echo-de-verancon-ca-va'
    """
    flat = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", flat.lower()).strip("-")


# ----------------------------------------------------------------------------- lexicon


class _Syllables:
    """Pronounceable pseudo-words from weighted onsets, vowels, codas and endings."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def words(self, n: int, min_syl: int, max_syl: int, taken: set[str]) -> list[str]:
        rng, out = self.rng, []
        while len(out) < n:
            batch = 2 * (n - len(out)) + 16
            nsyl = rng.integers(min_syl, max_syl + 1, size=batch)
            total = int(nsyl.sum())
            on = rng.choice(len(_ONSETS), size=total, p=_p(_ONSET_W))
            vo = rng.choice(len(_VOWELS), size=total, p=_p(_VOWEL_W))
            co = rng.choice(len(_CODAS), size=total, p=_p(_CODA_W))
            fi = rng.choice(len(_FINAL), size=batch, p=_p(_FINAL_W))
            k = 0
            for i in range(batch):
                parts = []
                for _ in range(int(nsyl[i])):
                    onset, vowel = _ONSETS[on[k]], _VOWELS[vo[k]]
                    if onset == "ç" and vowel[0] not in "aou":
                        onset = "s"
                    parts.append(onset + vowel + _CODAS[co[k]])
                    k += 1
                word = "".join(parts)
                ending = _FINAL[fi[i]]
                if ending and word[-1] in "aeiouéèê" and ending[0] in "aeiouéèê":
                    ending = "r" + ending
                word += ending
                if len(word) >= 2 and word not in taken:
                    taken.add(word)
                    out.append(word)
                    if len(out) == n:
                        break
        return out


@dataclass
class Topic:
    """A story subject: its section, its words and its named entities (token ids)."""

    section: str
    words: np.ndarray
    words_cdf: np.ndarray
    entities: np.ndarray
    entities_cdf: np.ndarray


@dataclass
class Lexicon:
    """Every token the generator can emit, as one object array indexed by token id."""

    table: np.ndarray  # object array of str
    n_words: int
    words_cdf: np.ndarray
    synonyms: np.ndarray  # (n_words, 3) int32
    is_word: np.ndarray  # bool, per token id
    is_entity: np.ndarray  # bool, per token id
    numbers: tuple[int, int]  # [start, end) of number tokens
    topics: list[Topic]
    outlets: list[str]
    outlet_weights: np.ndarray
    places: list[str]
    comma: int
    ends: np.ndarray  # sentence-final punctuation ids
    ends_p: np.ndarray


def build_lexicon(rng: np.random.Generator) -> Lexicon:
    """Vocabulary, entities, topics and outlets, all from ``rng``."""
    taken = set(FUNCTION_WORDS)
    syl = _Syllables(rng)
    words = list(FUNCTION_WORDS)
    words += syl.words(2000, 1, 2, taken)
    words += syl.words(N_PSEUDO_WORDS - 2000, 2, 4, taken)
    n_words = len(words)
    words_cdf = _cdf(_zipf(n_words))
    # Synonyms: words of a similar rank (function words map to function words).
    ranks = np.arange(n_words)
    spread = np.maximum(5, ranks // 4)
    syn = (
        ranks[:, None]
        + rng.integers(-1, 2, size=(n_words, 3))
        * rng.integers(1, 1 << 30, size=(n_words, 3))
        % spread[:, None]
    )
    syn = np.clip(syn, 0, n_words - 1)
    nf = len(FUNCTION_WORDS)
    syn[:nf] = rng.integers(0, nf, size=(nf, 3))
    syn = np.where(syn == ranks[:, None], (syn + 1) % n_words, syn).astype(np.int32)

    def proper(n: int, lo: int, hi: int) -> list[str]:
        return [w[0].upper() + w[1:] for w in syl.words(n, lo, hi, taken)]

    first = proper(300, 1, 2)
    last = proper(3000, 2, 3)
    places = proper(600, 2, 3)
    org_heads = (
        "Ministère de",
        "Union",
        "Agence",
        "Conseil de",
        "Fédération",
        "Groupe",
        "Banque",
        "Association",
        "Syndicat",
        "Institut",
    )
    entities: list[str] = []
    topic_entities: list[list[int]] = []
    for t in range(N_TOPICS + 1):  # the last list is the global one
        ids: list[int] = []
        n_people = 30 if t < N_TOPICS else 40
        for _ in range(n_people):
            full = f"{first[rng.integers(len(first))]} {last[rng.integers(len(last))]}"
            ids += [len(entities), len(entities) + 1]
            entities += [full, full.split(" ", 1)[1]]
        for _ in range(8 if t < N_TOPICS else 30):
            ids.append(len(entities))
            entities.append(places[rng.integers(len(places))])
        for _ in range(6):
            ids.append(len(entities))
            head = org_heads[rng.integers(len(org_heads))]
            entities.append(f"{head} {places[rng.integers(len(places))]}")
        topic_entities.append(ids)
    numbers = [str(x) for x in rng.integers(2, 100, size=300)]
    numbers += [str(x) for x in rng.integers(100, 100_000, size=500)]
    numbers += [f"{x // 10},{x % 10}" for x in rng.integers(11, 999, size=200)]
    numbers += [f"{x} %" for x in rng.integers(1, 100, size=100)]
    numbers += [str(y) for y in range(1990, 2026)]
    punct = [",", ".", "?", "!"]

    table = np.array(words + entities + numbers + punct, dtype=object)
    e0 = n_words
    n0 = e0 + len(entities)
    p0 = n0 + len(numbers)
    is_word = np.zeros(len(table), dtype=bool)
    is_word[:n_words] = True
    is_entity = np.zeros(len(table), dtype=bool)
    is_entity[e0:n0] = True

    topics = []
    glob = np.array(topic_entities[-1], dtype=np.int64) + e0
    for t in range(N_TOPICS):
        tw = rng.choice(np.arange(150, n_words), size=250, replace=False).astype(np.int64)
        own = np.array(topic_entities[t], dtype=np.int64) + e0
        ents = np.concatenate([rng.permutation(own), rng.choice(glob, 20, replace=False)])
        ent_w = np.concatenate([_zipf(len(own), 1.1, 1.0), np.full(20, 0.02)])
        topics.append(
            Topic(
                SECTIONS[t % len(SECTIONS)], tw, _cdf(_zipf(len(tw), 1.0, 1.5)), ents, _cdf(ent_w)
            )
        )

    outlet_names: list[str] = []
    while len(outlet_names) < N_OUTLETS:
        art, noun = OUTLET_NOUNS[rng.integers(len(OUTLET_NOUNS))]
        place = places[rng.integers(len(places))]
        name = f"{art}{noun} de {place}" if art == "L'" else f"{art} {noun} de {place}"
        if name not in outlet_names:
            outlet_names.append(name)
    return Lexicon(
        table=table,
        n_words=n_words,
        words_cdf=words_cdf,
        synonyms=syn,
        is_word=is_word,
        is_entity=is_entity,
        numbers=(n0, p0),
        topics=topics,
        outlets=outlet_names,
        outlet_weights=_p(_zipf(N_OUTLETS, 0.7, 1.0)),
        places=places,
        comma=p0,
        ends=np.array([p0 + 1, p0 + 2, p0 + 3]),
        ends_p=np.array([0.95, 0.035, 0.015]),
    )


# ----------------------------------------------------------------------------- text


@dataclass
class Body:
    """An article body as token ids: sentences are ``ids[offsets[k]:offsets[k + 1]]``."""

    ids: np.ndarray
    offsets: np.ndarray
    par_sizes: list[int]  # sentences per paragraph

    def sentences(self) -> list[np.ndarray]:
        o = self.offsets
        return [self.ids[o[k] : o[k + 1]] for k in range(len(o) - 1)]

    def paragraphs(self) -> list[list[np.ndarray]]:
        sents, out, k = self.sentences(), [], 0
        for n in self.par_sizes:
            out.append(sents[k : k + n])
            k += n
        return out

    @classmethod
    def from_paragraphs(cls, paragraphs: list[list[np.ndarray]]) -> Body:
        sents = [s for p in paragraphs for s in p]
        lens = np.array([len(s) for s in sents], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(lens)])
        return cls(np.concatenate(sents), offsets, [len(p) for p in paragraphs])


class Writer:
    """Makes token ids for sentences, bodies and titles, and renders them as text."""

    def __init__(self, lex: Lexicon, rng: np.random.Generator) -> None:
        self.lex = lex
        self.rng = rng
        self.mix_cdf = _cdf(np.array(MIX))

    def tokens(self, topic: Topic, n: int, entity_boost: float = 1.0) -> np.ndarray:
        """``n`` content tokens of ``topic`` (no punctuation)."""
        rng, lex = self.rng, self.lex
        mix = self.mix_cdf
        if entity_boost != 1.0:
            w = np.array(MIX) * np.array([1.0, 1.0, entity_boost, 1.0])
            mix = _cdf(w)
        ids = _draw(rng, lex.words_cdf, n)
        cat = np.searchsorted(mix, rng.random(n), side="right")
        m = cat == 1
        if m.any():
            ids[m] = topic.words[_draw(rng, topic.words_cdf, int(m.sum()))]
        m = cat == 2
        if m.any():
            ids[m] = topic.entities[_draw(rng, topic.entities_cdf, int(m.sum()))]
        m = cat >= 3
        if m.any():
            ids[m] = rng.integers(lex.numbers[0], lex.numbers[1], size=int(m.sum()))
        return ids

    def punctuate(self, ids: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Insert commas and a final mark into each sentence; returns ids and offsets."""
        rng, lex = self.rng, self.lex
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        ok1 = (lengths >= 8) & (rng.random(len(lengths)) < 0.45)
        ok2 = (lengths >= 18) & (rng.random(len(lengths)) < 0.35)
        # A comma after word c (2 <= c <= len - 3) of the first or second half.
        c1 = (
            starts
            + 2
            + (rng.random(len(lengths)) * np.maximum(1, lengths // 2 - 2)).astype(np.int64)
        )
        c2 = (
            starts
            + lengths // 2
            + 1
            + (rng.random(len(lengths)) * np.maximum(1, lengths // 2 - 3)).astype(np.int64)
        )
        commas = np.concatenate([c1[ok1], c2[ok2]])
        ends = starts + lengths
        marks = lex.ends[_draw(rng, _cdf(lex.ends_p), len(lengths))]
        pos = np.concatenate([commas, ends])
        val = np.concatenate([np.full(len(commas), lex.comma), marks])
        order = np.argsort(pos, kind="stable")
        out = np.insert(ids, pos[order], val[order])
        new_len = lengths + 1 + ok1 + ok2
        return out, np.concatenate([[0], np.cumsum(new_len)])

    def body(self, topic: Topic, n_words: int) -> Body:
        """A body of about ``n_words`` words in 4-25 paragraphs of 1-5 sentences."""
        rng = self.rng
        mean_len = rng.uniform(15.0, 24.0)
        n_sent = max(4, round(n_words / mean_len))
        n_par = int(np.clip(round(n_sent / rng.uniform(1.8, 3.5)), 4, 25))
        n_sent = int(np.clip(n_sent, n_par, 5 * n_par))
        sizes = 1 + rng.multinomial(n_sent - n_par, np.full(n_par, 1.0 / n_par))
        while (sizes > 5).any():
            extra = int((sizes - 5).clip(0).sum())
            sizes = sizes.clip(max=5)
            room = np.flatnonzero(sizes < 5)
            np.add.at(sizes, rng.choice(room, size=min(extra, len(room)), replace=False), 1)
        raw = rng.lognormal(0.0, 0.35, n_sent)
        lengths = np.maximum(4, np.rint(raw / raw.sum() * n_words)).astype(np.int64)
        ids, offsets = self.punctuate(self.tokens(topic, int(lengths.sum())), lengths)
        return Body(ids, offsets, sizes.tolist())

    def title(self, topic: Topic, keep: np.ndarray | None = None) -> str:
        """A headline of 5-12 words; ``keep`` entity ids are worked into it."""
        ids = self.tokens(topic, int(self.rng.integers(5, 13)), entity_boost=5.0)
        if keep is not None and len(keep):
            pos = self.rng.choice(len(ids), size=min(len(ids), len(keep)), replace=False)
            ids[pos] = keep[: len(pos)]
        text = " ".join(self.lex.table[ids].tolist())
        return text[0].upper() + text[1:]

    def render(self, body: Body) -> list[str]:
        """The paragraphs of ``body`` as text lines."""
        words = self.lex.table[body.ids].tolist()
        off = body.offsets.tolist()
        paragraphs, k = [], 0
        for n in body.par_sizes:
            sents = []
            for s in range(k, k + n):
                t = " ".join(words[off[s] : off[s + 1]])
                if t:
                    sents.append(t[0].upper() + t[1:])
            k += n
            paragraphs.append(" ".join(sents).replace(" ,", ",").replace(" .", "."))
        return paragraphs

    # ------------------------------------------------------------------------- rewrites

    def rewrite(self, body: Body, topic: Topic) -> Body:
        """A rewrite: reworded lead, dropped/reordered sentences, word-level edits."""
        rng, lex = self.rng, self.lex
        paragraphs = body.paragraphs()
        lead = []
        for s in paragraphs[0]:
            if rng.random() >= REWRITE_LEAD_REWORD:
                lead.append(s)
                continue
            content = s[s < lex.comma]
            new = self.tokens(topic, max(4, len(content) + int(rng.integers(-3, 4))))
            ents = content[lex.is_entity[content]]
            if len(ents):
                pos = rng.choice(len(new), size=min(len(new), len(ents)), replace=False)
                new[pos] = ents[: len(pos)]
            ids, _ = self.punctuate(new, np.array([len(new)]))
            lead.append(ids)
        paragraphs[0] = lead
        drop = rng.uniform(*REWRITE_DROP_RATE)
        for i in range(1, len(paragraphs)):
            p = paragraphs[i]
            kept = [s for s in p if rng.random() >= drop] or [p[0]]
            if len(kept) >= 2 and rng.random() < 0.3:
                a, b = rng.choice(len(kept), size=2, replace=False)
                kept[a], kept[b] = kept[b], kept[a]
            paragraphs[i] = kept
        if len(paragraphs) >= 4 and rng.random() < 0.3:
            a, b = rng.choice(np.arange(1, len(paragraphs)), size=2, replace=False)
            paragraphs[a], paragraphs[b] = paragraphs[b], paragraphs[a]
        out = Body.from_paragraphs(paragraphs)
        return self._edit(out, rng.uniform(*REWRITE_EDIT_RATE))

    def _edit(self, body: Body, rate: float) -> Body:
        """Substitute (70 %), delete (15 %) or insert (15 %) a word at ``rate`` per word."""
        rng, lex = self.rng, self.lex
        ids = body.ids.copy()
        sid = np.repeat(np.arange(len(body.offsets) - 1), np.diff(body.offsets))
        hit = lex.is_word[ids] & (rng.random(len(ids)) < rate)
        op = rng.random(len(ids))
        sub = hit & (op < 0.7)
        ids[sub] = lex.synonyms[ids[sub], rng.integers(0, 3, size=int(sub.sum()))]
        keep = ~(hit & (op >= 0.7) & (op < 0.85))
        ins = np.flatnonzero(hit & (op >= 0.85))
        new = _draw(rng, lex.words_cdf, len(ins))
        ids = np.insert(ids, ins, new)
        sid = np.insert(sid, ins, sid[ins])
        keep = np.insert(keep, ins, True)
        ids, sid = ids[keep], sid[keep]
        lens = np.bincount(sid, minlength=len(body.offsets) - 1)
        return Body(ids, np.concatenate([[0], np.cumsum(lens)]), list(body.par_sizes))

    def near_repeat(self, paragraph: str) -> str:
        """``paragraph`` with 1-3 of its words replaced."""
        rng, lex = self.rng, self.lex
        tokens = paragraph.split(" ")
        candidates = [i for i, t in enumerate(tokens) if t.isalpha() and t.islower()]
        n = min(len(candidates), int(rng.integers(1, 4)))
        for i in rng.choice(candidates, size=n, replace=False):
            old = tokens[i]
            while tokens[i] == old:
                tokens[i] = lex.table[int(_draw(rng, lex.words_cdf, 1)[0])]
        return " ".join(tokens)


# ----------------------------------------------------------------------------- corpus


@dataclass
class Article:
    """One article before ids are assigned (the corpus is shuffled at the end)."""

    story: int
    kind: str  # original, exact, rewrite, brief
    outlet: int
    topic: int
    day: int  # days since 2024-01-01
    title: str
    paragraphs: list[str]
    head: int = 0  # furniture lines put before the body


def _date(day: int) -> tuple[int, int, int]:
    d = np.datetime64("2024-01-01") + np.timedelta64(day, "D")
    y, m, dd = (int(x) for x in str(d).split("-"))
    return y, m, dd


def _shingles(text: str) -> set[tuple[str, str, str]]:
    w = text.lower().split()
    return set(zip(w, w[1:], w[2:], strict=False))


def jaccard(a: str, b: str) -> float:
    """Word 3-gram Jaccard similarity after lowercasing (the baseline's shingles).

    >>> round(jaccard("a b c d", "a b c e"), 2)
    0.33
    """
    sa, sb = _shingles(a), _shingles(b)
    union = len(sa | sb)
    return len(sa & sb) / union if union else 1.0


def generate(n_articles: int, seed: int) -> tuple[list[dict[str, str]], dict[str, object]]:
    """The corpus records (in output order) and the truth."""
    rng = np.random.default_rng(seed)
    lex = build_lexicon(rng)
    w = Writer(lex, rng)
    outlets_cdf = _cdf(lex.outlet_weights)
    articles: list[Article] = []
    originals: dict[int, Body] = {}
    story = 0
    while len(articles) < n_articles:
        topic_i = int(rng.integers(N_TOPICS))
        topic = lex.topics[topic_i]
        outlet = int(_draw(rng, outlets_cdf, 1)[0])
        day = int(rng.integers(0, 366))
        n_words = int(np.clip(rng.lognormal(math.log(400), 0.55), 80, 2500))
        body = w.body(topic, n_words)
        title = w.title(topic)
        paragraphs = w.render(body)
        articles.append(Article(story, "original", outlet, topic_i, day, title, paragraphs))
        if rng.random() < SYNDICATED_SHARE and len(articles) < n_articles:
            n_copies = 1 + int(rng.choice(len(COPIES_WEIGHTS), p=COPIES_WEIGHTS))
            n_copies = min(n_copies, n_articles - len(articles))
            p = lex.outlet_weights.copy()
            p[outlet] = 0.0
            targets = rng.choice(N_OUTLETS, size=n_copies, replace=False, p=p / p.sum())
            title_ents = body.ids[:0]
            for target in targets.tolist():
                kind = COPY_KINDS[int(rng.choice(3, p=COPY_KIND_WEIGHTS))]
                if kind == "brief" and len(paragraphs) < 5:
                    kind = "exact" if rng.random() < 0.5 else "rewrite"
                cday = day + int(rng.integers(0, 3))
                if kind == "exact":
                    ctitle = title if rng.random() < 0.5 else w.title(topic)
                    cpars = list(paragraphs)
                elif kind == "brief":
                    ctitle = title if rng.random() < 0.5 else w.title(topic)
                    cpars = paragraphs[: int(rng.integers(2, 4))]
                else:
                    ctitle = w.title(topic, title_ents)
                    cpars = w.render(w.rewrite(body, topic))
                articles.append(Article(story, kind, target, topic_i, cday, ctitle, cpars))
            originals[story] = body
        story += 1

    # Repeated paragraphs, in articles that belong to no cluster.
    size = np.bincount([a.story for a in articles])
    eligible = [i for i, a in enumerate(articles) if size[a.story] == 1 and len(a.paragraphs) >= 3]
    n_rep = min(len(eligible), round(REPEAT_SHARE * len(articles)))
    repeats: dict[int, tuple[int, int, str]] = {}
    for k, i in enumerate(rng.choice(eligible, size=n_rep, replace=False).tolist()):
        pars = articles[i].paragraphs
        long = [j for j, p in enumerate(pars) if p.count(" ") >= 9] or list(range(len(pars)))
        src = int(rng.choice(long))
        dst = int(rng.integers(src + 1, len(pars) + 1))
        kind = "exact" if k % 2 == 0 else "near"
        copy = pars[src] if kind == "exact" else w.near_repeat(pars[src])
        pars.insert(dst, copy)
        repeats[i] = (src, dst, kind)

    furniture, lines_by_outlet = _furniture(lex, rng)
    titles = [a.title for a in articles]
    for a in articles:
        _add_furniture(a, furniture[a.outlet], lex, rng, titles)

    order = rng.permutation(len(articles))
    ids = {int(i): f"n{k + 1:06d}" for k, i in enumerate(order.tolist())}
    records = []
    for i in order.tolist():
        a = articles[i]
        y, m, d = _date(a.day)
        aid = ids[i]
        section = slugify(lex.topics[a.topic].section)
        url = (
            f"https://www.{slugify(lex.outlets[a.outlet])}.fr/{section}/{y}/{m:02d}/{d:02d}/"
            f"{'-'.join(slugify(a.title).split('-')[:8])}-{aid}.html"
        )
        records.append(
            {
                "id": aid,
                "title": a.title,
                "text": "\n".join(a.paragraphs),
                "source": lex.outlets[a.outlet],
                "url": url,
                "date": f"{y}-{m:02d}-{d:02d}",
            }
        )

    clusters: dict[int, list[int]] = {}
    for i, a in enumerate(articles):
        clusters.setdefault(a.story, []).append(i)
    doc_clusters = sorted(sorted(ids[i] for i in c) for c in clusters.values() if len(c) >= 2)
    copy_kinds = {ids[i]: articles[i].kind for c in clusters.values() if len(c) >= 2 for i in c}
    rewrite_j = []
    for c in clusters.values():
        if len(c) >= 2:
            orig = "\n".join(articles[c[0]].paragraphs)
            rewrite_j += [
                jaccard(orig, "\n".join(articles[i].paragraphs))
                for i in c[1:]
                if articles[i].kind == "rewrite"
            ]
    repeated = [
        {
            "id": ids[i],
            "paragraphs": [src + 1 + articles[i].head, dst + 1 + articles[i].head],
            "kind": kind,
        }
        for i, (src, dst, kind) in sorted(repeats.items(), key=lambda kv: ids[kv[0]])
    ]
    kinds = [a.kind for a in articles]
    truth: dict[str, object] = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "articles": len(articles),
        "stories": story,
        "doc_clusters": doc_clusters,
        "copy_kinds": copy_kinds,
        "repeated_paragraphs": repeated,
        "boilerplate": lines_by_outlet,
        "rewrite_jaccard_mean": round(float(np.mean(rewrite_j)), 4) if rewrite_j else None,
        "rewrite_jaccard_quantiles": (
            {
                str(q): round(float(np.quantile(rewrite_j, q)), 4)
                for q in (0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0)
            }
            if rewrite_j
            else None
        ),
        "rewrite_jaccard_definition": "word 3-gram Jaccard of lowercased, whitespace-split "
        "text (furniture included), rewrite vs original",
        "counts": {
            "clusters": len(doc_clusters),
            "clustered_articles": sum(len(c) for c in doc_clusters),
            "copies": {k: kinds.count(k) for k in COPY_KINDS},
            "repeated_paragraphs": len(repeated),
            "furniture_lines": sum(len(v) for v in lines_by_outlet.values()),
        },
    }
    return records, truth


@dataclass
class _Line:
    template: str
    head: bool
    rate: float


def _furniture(
    lex: Lexicon, rng: np.random.Generator
) -> tuple[list[list[_Line]], dict[str, list[str]]]:
    per_outlet, by_name = [], {}
    for name in lex.outlets:
        n = int(rng.integers(1, 5))
        n_head = int(rng.random() < 0.3)
        heads = rng.choice(len(FURNITURE_HEAD), size=n_head, replace=False).tolist()
        tails = rng.choice(len(FURNITURE_TAIL), size=n - n_head, replace=False).tolist()
        lines = [_Line(FURNITURE_HEAD[h].replace("{outlet}", name), True, 0.0) for h in heads]
        lines += [_Line(FURNITURE_TAIL[t].replace("{outlet}", name), False, 0.0) for t in tails]
        for line in lines:
            line.rate = float(rng.uniform(0.7, 0.97))
        per_outlet.append(lines)
        by_name[name] = [line.template for line in lines]
    return per_outlet, by_name


def _add_furniture(
    a: Article, lines: list[_Line], lex: Lexicon, rng: np.random.Generator, titles: list[str]
) -> None:
    y, m, d = _date(a.day)
    words = sum(p.count(" ") + 1 for p in a.paragraphs)
    fields = {
        "topic": lex.topics[a.topic].section,
        "date": f"{d} {MONTHS[m - 1]} {y}",
        "time": f"{int(rng.integers(6, 23))}h{int(rng.integers(0, 60)):02d}",
        "year": str(y),
        "minutes": str(max(1, round(words / 230))),
        "headline": titles[int(rng.integers(len(titles)))],
    }
    head, tail = [], []
    for line in lines:
        if rng.random() < line.rate:
            text = line.template.format(**fields) if "{" in line.template else line.template
            (head if line.head else tail).append(text)
    a.paragraphs = head + a.paragraphs + tail
    a.head = len(head)


def write(records: list[dict[str, str]], truth: dict[str, object], out: Path) -> None:
    """Write ``corpus.jsonl`` and ``truth.json`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "corpus.jsonl", "w", encoding="utf-8") as f:
        f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    with open(out / "truth.json", "w", encoding="utf-8") as f:
        json.dump(truth, f, ensure_ascii=False, indent=1)
        f.write("\n")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, required=True, help="number of articles")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.error("--articles must be at least 1")
    t0 = time.perf_counter()
    records, truth = generate(args.articles, args.seed)
    write(records, truth, args.out)
    counts = truth["counts"]
    print(
        f"generate: {len(records)} articles, {counts} , rewrite Jaccard mean "  # type: ignore[index]
        f"{truth['rewrite_jaccard_mean']}, {time.perf_counter() - t0:.1f} s -> {args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
