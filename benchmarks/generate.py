"""Seeded synthetic news corpus with planted duplicates, repeated paragraphs and boilerplate.

Usage::

    python benchmarks/generate.py --articles 10000 --seed 1 --out benchmarks/work/c10k

writes ``corpus.jsonl`` (one article a line: ``id``, ``title``, ``text``, ``source``, ``url``,
``date``; ``text`` has one paragraph a line), ``truth.json`` (what was planted) and
``phrases.json`` (how often unrelated articles share stock phrases, see below). Only the
standard library and numpy are used, and no data is downloaded. ``--variant phrase-heavy``
makes short wire copy full of stock phrases instead (below); ``python benchmarks/generate.py
--measure PATH [--pairs N]`` prints the phrase share of any JSON Lines corpus.

The text is made of pronounceable pseudo-words (French-looking, with é è à ç ê) drawn from a
Zipfian vocabulary whose head is real French function words, mixed with topic words, named
entities of the topic and numbers. Unrelated stories on one topic therefore share names and
common words, but not sentences. Article lengths are log-normal (median 400 words, mean about
480, from 80 to 2,500 words; briefs can be shorter), in 4-25 paragraphs of 1-5 sentences. The
template stories (below) are real French sentences around pseudo-word names.

What is planted (all deterministic for a given ``--seed`` and ``--articles``):

- **Syndication**: about 8 % of the ordinary stories are republished by 1-4 other outlets,
  each copy being (weights in ``COPY_KIND_WEIGHTS``)

  - *exact*: the same text, sometimes under another title;
  - *rewrite*: new headline, reworded lead, synonym substitutions, word insertions/deletions,
    sentences dropped or reordered (word 3-gram Jaccard with the original about 0.3, see
    ``rewrite_jaccard_mean``);
  - *brief*: the first 2-3 paragraphs of a longer story;
  - *noisy* (a reprint, as scanned or re-keyed): any combination of a cut from the bottom
    (40-100 % of the paragraphs kept, at least 2 and 40 words), a new headline, the lead's
    first clause dropped (up to its first comma), two adjacent paragraphs merged into one
    line, and OCR-like character noise (rn->m, m->rn, l->1, e->c, ... confusions, dropped
    accents, deleted characters, two words merged by a lost space, a word split by a stray
    space) at a rate per character drawn from ``NOISE_RATES`` (a copy that would otherwise be
    unchanged gets a non-zero rate); the title gets the same noise unless it is new;
  - *correction*: by the original's outlet, the title prefixed with ``RECTIFICATIF - `` (or
    ``CORRECTED - ``), one digit of one figure of the body changed and a last line
    ``(Corrige le montant au 2e paragraphe)`` (``le pourcentage`` for a percentage) appended;
    at most one a story, about 3 per 1,000 articles.

  Each story with copies is one entry of ``doc_clusters`` (corrections included: a correction
  is a copy of what it corrects); ``copy_kinds`` says which article is the original and what
  each copy is. ``copy_details`` describes the noisy copies and the corrections, by id:
  ``{"kind": "noisy", "of": ORIGINAL_ID, "noise": 0.01, "kept": 0.62, "transforms": ["cut",
  "title", "lead_clause", "merge", "ocr"]}`` (``kept``: share of the original's body words
  kept, before the character noise; ``transforms``: those applied, in that order) and
  ``{"kind": "correction", "of": ORIGINAL_ID, "paragraph": 2, "line": 3, "old": "4500",
  "new": "4800"}`` (``paragraph``: as named in the note, counted in the body; ``line``: the
  1-based text line, furniture included).
- **Template stories** (``TEMPLATE_SHARE``, 3 % of the articles): recurring formats filled
  with other facts, as wire copy is: a quarterly dividend notice, quarterly results (a small
  table of "Chiffre d'affaires 655 M€ contre 742 M€" lines, 35 % of them followed by 2-4
  paragraphs of ordinary commentary), a money-market tender result, a daily market report
  (20 % with commentary), football results of one round of a league, and an appointment
  (``FORMATS``). The wording of a format is fixed (some sentences are optional, drawn per
  instance); the slots take company, person, place, team and bank names, figures and dates.
  A format's instances come from its two home outlets (55 % and 25 %) or any outlet, and no
  two are equal; titles follow the format too. None has copies or a repeated paragraph.
  ``template_groups`` lists, per format, the ids of all its instances (one group per format,
  every outlet together; ``template_formats`` names the format of each group).
- **Related stories** (``RELATED_SHARE``, 3 % of the articles, in groups of 2-4): separate
  articles about one event, by distinct outlets a few days apart: ordinary bodies (at least
  200 words) written independently, all naming the event's 2-4 names (a speaker and other
  people, places or organisations of the topic), sharing one verbatim quote sentence
  (``« ... », a déclaré NAME.``) and, in half of the groups, one background sentence; their
  headlines differ but name the event. In 35 % of the groups the second article is a
  follow-up of the first (1-3 days later, often by the same outlet): after its own lead it
  reuses a run of the first article's sentences as background, at most 35 % of the first
  one's words and 40 % of its own. None has copies or a repeated paragraph. ``related_groups``
  lists the groups' ids; ``related_followups`` gives ``{"id": FOLLOWUP, "of": FIRST,
  "reused": 0.31}`` (share of the follow-up's body words taken from the first).
- **Repeated paragraphs**: about 3 % of the articles (taken among the ordinary stories without
  copies) carry one paragraph twice, half exactly, half with 1-3 words changed.
  ``repeated_paragraphs`` gives the 1-based paragraph (= text line) numbers of both copies.
- **Site furniture**: every outlet appends 1-4 lines at the end (or puts them at the start)
  of most of its articles. ``boilerplate`` lists them per outlet; a ``{field}`` in a line is
  filled per article (``{topic}``, ``{date}``, ``{time}``, ``{year}``, ``{minutes}``,
  ``{headline}``); the outlet's name is filled in already.

**Phrase share.** ``phrases.json`` gives, for the generated corpus, the share of random
article pairs (20,000 pairs of distinct articles among at most 3,000, seeded:
:func:`common.phrase_share`) whose word 3-gram Jaccard (lowercased ``\\w+`` tokens) is above
0.02 and above 0.05, of the texts and (``body_``) of the texts without the outlet's furniture
lines, and the mean words a text. The standard variant, whose unrelated stories share names
and common words but no sentence, has about 0.006 and 0.0003 (0.0002 and 0.0001 for the
bodies) at 465 words a text; BBC news stories (2,225, 379 words) have 0.0003 and 0.0001.

**The phrase-heavy variant** (``--variant phrase-heavy``; ``VARIANTS``) imitates agency wire
copy, short and formulaic, where unrelated stories share many 3-grams: the same corpus (same
planted cases, drawn the same way) with shorter bodies (log-normal, median 88 words, 40-700;
related stories at least 130; template commentary 50-120) and the stock phrases of six
agencies (``AGENCIES``; 45 % of the articles English, Reuters, AP or Bloomberg, the others
French, AFP, Reuters or Belga), each with its own stream of random numbers (:class:`Wire`):

- a dateline (``PARIS, March 3 (Reuters) - ``, ``Bruxelles (AFP) - ``) opening the lead, on
  about 9 articles in 10, the city one of a few capitals (most often Paris) or any place;
- attribution clauses ending 60 % of the paragraphs (``CLAUSES``: ``, X said in a
  statement.``, ``, according to people familiar with the matter.``, ``, a-t-on appris de
  source proche du dossier.``, ``, a indiqué à l'AFP X.``, ...);
- stock sentences (``SENTENCES``, each with its rate per article, four times higher in its
  section: ``X did not immediately respond to a request for comment.`` 40 %, ``L'AFP n'a pas
  pu vérifier ces informations de source indépendante.``, market and weather boilerplate with
  their figures, ...), appended to a paragraph or on a line of their own;
- a sign-off (``(Reporting by X; Editing by Y)``, ``Associated Press writer X in CITY
  contributed to this report.``, AFP's ``abc/de/fgh``, ``(Reportage X, édité par Y)``), the
  names drawn from each agency's desk, a few of whom sign often.

Slots (``{org}``, ``{person}``, ``{weekday}``, figures) are filled and alternatives
(``[a|b]``) drawn per use, so that the phrases are near-identical rather than identical. An
original gets its phrases before it is copied: exact copies, briefs, noisy reprints and
corrections carry them as they carry the rest of the text, and a rewrite gets them again but
for the sign-off (the rewrite Jaccard mean, 0.31-0.35 for seeds 1-6, is a little higher than
the standard variant's 0.29-0.30). Template instances get a French dateline and sign-off
only (their wording is the format's), related stories their own phrases, no clause changing
a sentence another article of the group has. The truth is that of the standard variant, with
``variant``, ``counts.stock_phrases`` and ``phrase_share`` (as in ``phrases.json``) added;
the standard variant's truth has none of them, and its output is byte for byte what it was
before there were variants.

*The aim is an assumption*, as the agency feed issue 13 was measured on (19,775 stories, 132
words on average) is not available here: for the bodies, 5-15 % of random pairs above 0.02
and 0.5-3 % above 0.05. In 130 words (some 260 distinct 3-grams in a pair), 0.02 takes about
5 shared 3-grams and 0.05 about 13: a pair of wire stories with the same attribution or
no-comment formula and one editor in common gets past the first, two shared formulas past
the second; so a minority of pairs should pass 0.02, and a few in a hundred 0.05, an order of
magnitude above the BBC's edited prose and the standard variant (below 1 % and 0.1 %). The
aim is for the bodies since an agency feed has no site furniture. The furniture lines, as
long as a sentence and shared by outlets, add to the texts' share, for some seeds more than
the phrases do, as they weigh more in short texts; the bodies' share hardly changes with the
seed. At 2,000 articles and seeds 1-6 the bodies measure 0.073-0.083 and 0.0061-0.0080, the
texts 0.11-0.14 and 0.011-0.022, at 149-157 words a text (136-140 a body). Unrelated pairs
stay far from copies: in 700,000 pairs of seed 1 their 3-gram Jaccard is at most 0.17 (0.13
for the bodies; rewrites: median 0.29, 5 % quantile 0.18).
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
from collections.abc import Callable
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import common

GENERATOR_VERSION = 3

# ----------------------------------------------------------------------------- parameters

N_OUTLETS = 40
N_TOPICS = 150
N_PSEUDO_WORDS = 40_000
TOPIC_WORDS = 250
SYNDICATED_SHARE = 0.08
COPIES_WEIGHTS = (0.45, 0.30, 0.15, 0.10)  # 1, 2, 3 or 4 copies
COPY_KINDS = ("exact", "rewrite", "brief", "noisy", "correction")
COPY_KIND_WEIGHTS = (0.29, 0.365, 0.165, 0.15, 0.03)
#: Noisy reprints: OCR-like character noise per character (one rate drawn per copy), and the
#: probability of each of the other transforms.
NOISE_RATES = (0.0, 0.005, 0.01, 0.02, 0.04)
NOISY_CUT, NOISY_TITLE, NOISY_CLAUSE, NOISY_MERGE = 0.5, 0.4, 0.3, 0.3
NOISY_KEEP = (0.4, 1.0)  # share of the paragraphs kept by a cut
NOISY_MIN_WORDS = 40
CORRECTION_PREFIXES = ("RECTIFICATIF - ", "CORRECTED - ")
#: Template stories (recurring formats filled with other facts), share of all articles.
TEMPLATE_SHARE = 0.03
#: Instances of a format published by its two home outlets (the rest: any outlet).
TEMPLATE_HOME = (0.55, 0.25)
#: Related stories (separate articles about one event), share of all articles.
RELATED_SHARE = 0.03
RELATED_SIZE_WEIGHTS = (0.5, 0.3, 0.2)  # groups of 2, 3 or 4 articles
RELATED_MIN_WORDS = 200
RELATED_BACKGROUND = 0.5  # groups that also share one background sentence
#: Related groups whose second article is a follow-up of the first: it reuses a run of the
#: first one's sentences, at most FOLLOWUP_REUSE[1] of the first's words and FOLLOWUP_MAX of
#: its own words.
FOLLOWUP_SHARE = 0.35
FOLLOWUP_REUSE = (0.2, 0.35)
FOLLOWUP_MAX = 0.4
N_COMPANIES = 400
COMPANY_SUFFIXES = ("", " SA", " Industries", " Groupe", " Holding", " Énergie", " & Cie")
COMPANY_SUFFIX_W = (10, 3, 1, 1, 1, 1, 0.5)
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
#: Random article pairs measured for the phrase share (:func:`phrase_summary`).
PHRASE_PAIRS = 20_000
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
WEEKDAYS = _split("lundi mardi mercredi jeudi vendredi samedi dimanche")
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
    return common.jaccard(
        common.ngrams(common.split_words(a), 3), common.ngrams(common.split_words(b), 3)
    )


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
    is_person: np.ndarray  # entities that are a full name (first name and surname)
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
    first_names: list[str]
    surnames: list[str]
    places: list[str]
    companies: list[str]  # names for the template stories (not tokens of the table)


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
    people: list[int] = []  # entities that are a full name

    def add(name: str) -> int:
        entities.append(name)
        return len(entities) - 1

    def entity_set(n_people: int, n_places: int, n_orgs: int) -> list[int]:
        ids = []
        for _ in range(n_people):
            surname = last[rng.integers(len(last))]
            ids += [add(f"{first[rng.integers(len(first))]} {surname}"), add(surname)]
            people.append(ids[-2])
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
    is_person = np.zeros(len(tokens), dtype=bool)
    is_person[np.array(people) + e0] = True

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
    companies = [
        name + COMPANY_SUFFIXES[k]
        for name, k in zip(
            proper(N_COMPANIES, (2, 3)),
            _draw(rng, _cdf(COMPANY_SUFFIX_W), N_COMPANIES).tolist(),
            strict=True,
        )
    ]
    assert all(t.isprintable() for t in companies + places + first + last)

    return Lexicon(
        table=table,
        n_tokens=len(tokens),
        n_words=n_words,
        words_lut=lut,
        synonyms=syn,
        is_word=is_word,
        is_entity=is_entity,
        is_person=is_person,
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
        first_names=first,
        surnames=last,
        places=places,
        companies=companies,
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

    def docs(self) -> list[list[list[np.ndarray]]]:
        """Sentences per paragraph of every article (views into ``ids``)."""
        o = self.offsets.tolist()
        sents = [self.ids[o[k] : o[k + 1]] for k in range(len(o) - 1)]
        sizes = self.par_sizes.tolist()
        pars = [
            sents[s : s + n] for s, n in zip(_starts(self.par_sizes).tolist(), sizes, strict=True)
        ]
        return [
            pars[s : s + n]
            for s, n in zip(_starts(self.n_par).tolist(), self.n_par.tolist(), strict=True)
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

    # ------------------------------------------------------------------------- reprints

    def ocr(self, text: str, rate: float) -> str:
        """``text`` with OCR-like errors at about ``rate`` per character: confusions (rn->m,
        m->rn, l->1, e->c, ...), dropped accents, deleted characters, two words merged by a lost
        space, a word split by a stray space. Newlines are left alone."""
        py = self.py
        n = len(text)
        k = int(self.rng.binomial(n, rate)) if n else 0
        out: list[str] = []
        last = 0
        for p in sorted(py.sample(range(n), k)):
            ch = text[p]
            if p < last or ch == "\n":
                continue
            width = 1
            if ch == " ":
                rep = ""
            elif text.startswith("rn", p):
                rep, width = "m", 2
            elif ch in _OCR_SUB and (ch in _ACCENTED or py.random() < 0.6):
                rep = _OCR_SUB[ch]
            elif ch.isalpha() and text[p + 1 : p + 2].isalpha() and py.random() < 0.35:
                rep = ch + " "
            else:
                rep = ""
            out += (text[last:p], rep)
            last = p + width
        out.append(text[last:])
        return "".join(out)

    def noisy(self, text: str, title: str) -> tuple[str, str, dict[str, object]]:
        """A noisy reprint of ``text`` (one paragraph a line) and ``title``: any of a cut
        from the bottom, the lead's first clause dropped, two adjacent paragraphs merged and
        OCR noise; ``"title"`` in the transforms asks the caller for a new headline."""
        py = self.py
        pars = text.split("\n")
        words = [p.count(" ") + 1 for p in pars]
        transforms: list[str] = []
        if len(pars) > 2 and py.random() < NOISY_CUT:
            keep = max(2, math.ceil(py.uniform(*NOISY_KEEP) * len(pars)))
            while keep < len(pars) and sum(words[:keep]) < NOISY_MIN_WORDS:
                keep += 1
            if keep < len(pars):
                pars = pars[:keep]
                transforms.append("cut")
        if py.random() < NOISY_TITLE:
            transforms.append("title")
        if py.random() < NOISY_CLAUSE:
            lead = pars[0]
            ends = [i for i in (lead.find(". "), lead.find("? "), lead.find("! ")) if i >= 0]
            comma = lead.find(", ")
            if 0 < comma < min(ends, default=len(lead)):
                rest = lead[comma + 2 :]
                pars[0] = rest[0].upper() + rest[1:]
                transforms.append("lead_clause")
        if len(pars) >= 3 and py.random() < NOISY_MERGE:
            j = py.randrange(len(pars) - 1)
            pars[j : j + 2] = [pars[j] + " " + pars[j + 1]]
            transforms.append("merge")
        rate = py.choice(NOISE_RATES)
        if not rate and not transforms:
            rate = py.choice(NOISE_RATES[1:])
        kept = sum(p.count(" ") + 1 for p in pars) / sum(words)
        body = "\n".join(pars)
        if rate:
            transforms.append("ocr")
            body = self.ocr(body, rate)
            if "title" not in transforms:
                title = self.ocr(title, rate)
        return body, title, {"noise": rate, "kept": round(kept, 3), "transforms": transforms}

    def correct(self, text: str) -> tuple[str, dict[str, object]] | None:
        """``text`` with one figure changed (one digit) and the correction note appended, and
        what was changed; None when the text has no figure but years."""
        py = self.py
        pars = text.split("\n")
        found = [
            (j, m)
            for j, par in enumerate(pars)
            for m in _FIGURE.finditer(par)
            if not _YEAR.fullmatch(m.group(1))
        ]
        if not found:
            return None
        j, m = found[py.randrange(len(found))]
        old = m.group(1)
        at = py.choice([i for i, c in enumerate(old) if c.isdigit()])
        digit = py.choice([d for d in "0123456789" if d != old[at] and (d != "0" or at > 0)])
        new = old[:at] + digit + old[at + 1 :]
        pars[j] = pars[j][: m.start(1)] + new + pars[j][m.end(1) :]
        what = "le pourcentage" if m.group(2) else "le montant"
        pars.append(f"(Corrige {what} au {_ordinal(j + 1)} paragraphe)")
        return "\n".join(pars), {"paragraph": j + 1, "old": old, "new": new}

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


#: OCR confusions (one character read as another, or as two).
_OCR_SUB = dict(
    zip(
        _split("m l e c i n u o h t 0 1 5 é è ê à ç É"),
        _split("rn 1 c e l u n c b f o l S e e e a c E"),  # the last six: dropped accents
        strict=True,
    )
)
_ACCENTED = frozenset("éèêàçÉ")
#: A figure of the text (``12``, ``3,5``, ``45 %``) not glued to a word.
_FIGURE = re.compile(r"(?<!\w)(\d+(?:,\d+)?)(?!\w|,\d)( %)?")
_YEAR = re.compile(r"(?:19|20)\d\d")


def _ordinal(n: int) -> str:
    return "1er" if n == 1 else f"{n}e"


# ----------------------------------------------------------------------------- variants


@dataclass(frozen=True)
class Variant:
    """What a corpus variant (``--variant``) changes."""

    name: str
    #: Ordinary bodies: words drawn log-normal (median, sigma), clipped to [min, max].
    words: tuple[float, float, int, int]
    related_min_words: int
    commentary_words: tuple[int, int]  # template commentary: [lo, hi) words
    wire: bool  # stock phrases of agency copy (:class:`Wire`)


STANDARD = Variant("standard", (400, 0.55, 80, 2500), RELATED_MIN_WORDS, (150, 400), False)
PHRASE_HEAVY = Variant("phrase-heavy", (88, 0.45, 40, 700), 130, (50, 120), True)
VARIANTS = {v.name: v for v in (STANDARD, PHRASE_HEAVY)}


@dataclass(frozen=True)
class Agency:
    """A news agency whose copy the phrase-heavy variant imitates (``french``: its stock
    phrases are French)."""

    name: str
    french: bool
    weight: float
    datelines: tuple[str, ...]
    dateline_rate: float
    sign_offs: tuple[str, ...]
    sign_off_rate: float
    to: str = ""  # "à {to}", "par {to}" in French attributions


#: Stock phrases are templates: ``{slot}`` is filled per use (see :meth:`Wire._slot`),
#: ``[a|b|c]`` is one of the alternatives, drawn per use.
AGENCIES = (
    Agency(
        "Reuters",
        False,
        0.30,
        ("{CITY}, {month} {d} (Reuters) - ",),
        0.92,
        (
            "(Reporting by {reporter}[ in {City}|]; [Additional reporting by {reporter}; |]"
            "[Writing by {writer}; |]Editing by {editor}[ and {editor}|])",
        ),
        0.85,
    ),
    Agency(
        "AP",
        False,
        0.08,
        ("{CITY} (AP) — ",),
        0.9,
        ("Associated Press writer {reporter} in {City} contributed to this report.",),
        0.35,
    ),
    Agency(
        "Bloomberg",
        False,
        0.07,
        ("(Bloomberg) -- ",),
        0.8,
        ("--With assistance from {reporter}[ and {reporter}|].",),
        0.5,
    ),
    Agency(
        "AFP",
        True,
        0.35,
        ("{City} (AFP) - ", "{CITY}, {d} {mois} {year} (AFP) - "),
        0.9,
        ("{desk}/{desk}/{desk}", "{desk}-{desk}/{desk}"),
        0.8,
        "l'AFP",
    ),
    Agency(
        "Reuters (French)",
        True,
        0.15,
        ("{CITY}, {d} {mois} (Reuters) - ",),
        0.9,
        (
            "(Reportage {reporter}[, avec {reporter}|], [version française {writer}, |]"
            "édité par {editor})",
        ),
        0.8,
        "Reuters",
    ),
    Agency(
        "Belga",
        True,
        0.05,
        ("{CITY}, {d} {mois} (Belga) - ",),
        0.85,
        ("({desk})",),
        0.5,
        "Belga",
    ),
)
#: Attribution clauses (weight, template): each replaces the final mark of a paragraph.
CLAUSES = {
    False: (
        (4, ", {org} said in a statement."),
        (3, ", {person} told reporters [on {weekday}|in {City}|after the meeting]."),
        (4, ", {person} said [on {weekday}|in an interview|in a statement]."),
        (2, ", according to [people|two people|three sources|a person] familiar with the matter."),
        (2, ", [a spokesperson|a spokesman|a spokeswoman] for {org} said[ on {weekday}|]."),
        (1, ", {org} said in a [filing|regulatory filing|statement on its website]."),
        (2, ", [he|she] [added|said]."),
        (1, ", according to [data|figures] [released|published] on {weekday} by {org}."),
        (
            1,
            ", the [sources|people] said, declining to be identified because the matter is "
            "[private|confidential].",
        ),
    ),
    True: (
        (
            3,
            ", a-t-on appris [de source proche du dossier|de source policière|de source "
            "judiciaire|de sources concordantes|auprès de {org}].",
        ),
        (3, ", selon un communiqué [de {org}|publié {jour}|diffusé {jour} soir]."),
        (3, ", a indiqué à {to} {person}[, porte-parole de {org}|]."),
        (2, ", a [déclaré|indiqué|précisé] {person} lors d'une conférence de presse[ à {City}|]."),
        (
            2,
            ", selon [des sources proches du dossier|une source proche de l'enquête|plusieurs "
            "sources concordantes].",
        ),
        (2, ", a [annoncé|indiqué|précisé] {org} dans un communiqué[ publié {jour}|]."),
        (2, ", a-t-[il|elle] [ajouté|précisé|souligné]."),
        (1, ", selon [les chiffres publiés|les données publiées] {jour} par {org}."),
    ),
}
#: Stock sentences (rate per article, template, section where the rate is
#: WIRE_SECTION_BOOST times higher): appended to a paragraph or put on a line of their own.
SENTENCES = {
    False: (
        (
            0.4,
            "{org} did not immediately respond to [a request|requests] for comment"
            "[ on {weekday}|].",
            "",
        ),
        (
            0.1,
            "Representatives for {org} did not immediately respond to a request for comment "
            "outside regular business hours.",
            "",
        ),
        (0.12, "{agency} could not immediately verify the [report|information|figures].", ""),
        (
            0.1,
            "The [sources|officials] spoke on condition of anonymity because they were not "
            "authorised to speak to the media.",
            "",
        ),
        (0.08, "It was not immediately clear [whether|when|how] {org} would respond.", ""),
        (
            0.1,
            "Shares in {company} [rose|fell] {pct}% to {price} euros by {gmt} GMT"
            "[, while the broader market was flat|].",
            "économie",
        ),
        (
            0.08,
            "Brent crude futures [rose|fell] {cents} cents, or {pct}%, to ${price} a barrel by "
            "{gmt} GMT.",
            "économie",
        ),
        (0.08, "($1 = {fx} euros)", "économie"),
        (
            0.06,
            "Temperatures are expected to reach {celsius} degrees Celsius on {weekday}, the "
            "national weather service said.",
            "météo",
        ),
    ),
    True: (
        (
            0.4,
            "Contacté par {to}, {org} n'a pas [souhaité faire de commentaire|donné suite|"
            "répondu dans l'immédiat].",
            "",
        ),
        (0.12, "Sollicité par {to}, {person} n'était pas joignable dans l'immédiat.", ""),
        (
            0.1,
            "{To} n'a pas pu vérifier ces informations de source indépendante.",
            "",
        ),
        (
            0.08,
            "Une enquête a été ouverte et confiée à [la police judiciaire|la gendarmerie|"
            "la brigade criminelle] de {City}.",
            "faits-divers",
        ),
        (
            0.1,
            "À la Bourse de Paris, le CAC 40 [gagnait|perdait] {pct} % à {level} points vers "
            "{hh}h{mm}.",
            "économie",
        ),
        (
            0.08,
            "Le baril de Brent de la mer du Nord pour livraison en {mois_suivant} "
            "[valait|cédait] {price} dollars sur l'Intercontinental Exchange de Londres.",
            "économie",
        ),
        (
            0.06,
            "Météo-France a placé {n} départements en vigilance orange [aux orages|"
            "à la canicule|pluie-inondation|aux vents violents].",
            "météo",
        ),
    ),
}
#: Share of the paragraphs that end with an attribution clause.
WIRE_CLAUSE_RATE = 0.6
WIRE_SECTION_BOOST = 4.0
#: Stock sentences put on a line of their own (the others end a paragraph).
WIRE_OWN_LINE = 0.4
#: Dateline cities (English, French), most frequent first; the rest are places of the lexicon.
WIRE_CITIES = (
    ("Paris", "Paris"),
    ("London", "Londres"),
    ("Brussels", "Bruxelles"),
    ("Washington", "Washington"),
    ("Berlin", "Berlin"),
    ("Geneva", "Genève"),
    ("New York", "New York"),
    ("Frankfurt", "Francfort"),
    ("Moscow", "Moscou"),
    ("Beijing", "Pékin"),
    ("Rome", "Rome"),
    ("Madrid", "Madrid"),
    ("Tokyo", "Tokyo"),
    ("Lyon", "Lyon"),
    ("Marseille", "Marseille"),
    ("Montreal", "Montréal"),
    ("Dakar", "Dakar"),
    ("Abidjan", "Abidjan"),
)
WIRE_LEXICON_CITIES = 0.3  # datelines naming a place of the lexicon
MONTHS_EN = _split(
    "January February March April May June July August September October November December"
)
WEEKDAYS_EN = _split("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
_SENTENCE_END = re.compile(r"(?<=[.!?]) ")
_ALTERNATIVES = re.compile(r"\[([^\[\]]*)\]")
_SLOT = re.compile(r"\{(\w+)\}")


@dataclass
class Stock:
    """The stock phrases planned for one article, applied to its text by :meth:`apply` (and
    again to a rewrite of it, which has as many paragraphs, but for the sign-off)."""

    dateline: str
    clauses: list[tuple[int, str]]  # (paragraph, clause replacing its final mark)
    sentences: list[tuple[int, str, bool]]  # (paragraph, sentence, on a line of its own)
    sign_off: str

    def apply(self, text: str, sign_off: bool = True) -> str:
        """``text`` (one paragraph a line) with the stock phrases.

        >>> Stock("PARIS (AFP) - ", [(1, ", a-t-il ajouté.")], [(0, "Vu.", False),
        ...     (0, "Lu.", True)], "abc/de").apply("Un.\\nDeux.")
        'PARIS (AFP) - Un. Vu.\\nLu.\\nDeux, a-t-il ajouté.\\nabc/de'
        """
        pars = text.split("\n")
        for k, clause in self.clauses:
            p = pars[k]
            pars[k] = p.rstrip(".?! ") + clause
        lines: list[list[str]] = [[p] for p in pars]
        for k, sentence, own in self.sentences:
            if own:
                lines[k].append(sentence)
            else:
                lines[k][0] += " " + sentence
        if self.dateline:
            lines[0][0] = self.dateline + lines[0][0]
        out = [line for group in lines for line in group]
        if sign_off and self.sign_off:
            out.append(self.sign_off)
        return "\n".join(out)


class Wire:
    """Plans the stock phrases of agency copy for the phrase-heavy variant: a dateline, an
    attribution clause ending some paragraphs, stock sentences (no comment, could not verify,
    market and weather boilerplate) and a sign-off, English or French after the agency, with
    their slots filled per use so that they are near-identical rather than identical.

    It draws from its own generator (seeded from the corpus seed), so the rest of the corpus
    is drawn as in the standard variant, but for the article lengths.
    """

    def __init__(self, lex: Lexicon, seed: int) -> None:
        self.lex = lex
        py = self.py = random.Random(f"wire-{seed}")
        self.agency_w = [a.weight for a in AGENCIES]
        self.french = [k for k, a in enumerate(AGENCIES) if a.french]
        # Each agency's desk: reporters, writers and editors, a few of them signing often.
        self.desks = []
        for _ in AGENCIES:
            people = [f"{py.choice(lex.first_names)} {py.choice(lex.surnames)}" for _ in range(190)]
            initials = [
                "".join(py.choice("abcdefghijlmnoprstv") for _ in range(py.randint(2, 3)))
                for _ in range(40)
            ]
            self.desks.append(
                {
                    "reporter": people[:120],
                    "writer": people[120:160],
                    "editor": people[160:],
                    "desk": initials,
                }
            )
        self.desk_w = {
            role: _zipf(len(names), 1.0, 2.0).tolist() for role, names in self.desks[0].items()
        }
        heads = (
            "Ministère de l'Intérieur de",
            "Ministère des Finances de",
            "Préfecture de",
            "Parquet de",
            "Mairie de",
            *(h.replace("_", " ") for h in ORG_HEADS),
        )
        self.orgs = [f"{py.choice(heads)} {py.choice(lex.places)}" for _ in range(300)]
        self.orgs += lex.companies
        self.cities_w = _zipf(len(WIRE_CITIES), 1.0, 1.0).tolist()
        self.counts = {"datelines": 0, "clauses": 0, "sentences": 0, "sign_offs": 0}

    def plan(
        self,
        n_pars: int,
        day: int,
        topic: int,
        french: bool | None = None,
        phrases: bool = True,
        avoid: frozenset[int] = frozenset(),
    ) -> Stock:
        """The stock phrases of an article of ``n_pars`` paragraphs published on ``day``:
        ``french`` forces the language; without ``phrases``, only a dateline and a sign-off;
        no clause ends a paragraph of ``avoid``."""
        py = self.py
        if french:
            agency = py.choices(self.french, weights=[AGENCIES[k].weight for k in self.french])[0]
        else:
            agency = py.choices(range(len(AGENCIES)), weights=self.agency_w)[0]
        a = AGENCIES[agency]
        date = START + dt.timedelta(days=day)
        if py.random() < WIRE_LEXICON_CITIES:
            city = py.choice(self.lex.places)
        else:
            city = py.choices(WIRE_CITIES, weights=self.cities_w)[0][a.french]
        ctx = _Context(a, self.desks[agency], date, city)
        dateline = ""
        if py.random() < a.dateline_rate:
            dateline = self._expand(py.choice(a.datelines), ctx)
        clauses: list[tuple[int, str]] = []
        sentences: list[tuple[int, str, bool]] = []
        if phrases:
            pool = CLAUSES[a.french]
            weights = [w for w, _ in pool]
            for k in range(n_pars):
                if k not in avoid and py.random() < WIRE_CLAUSE_RATE:
                    clauses.append((k, self._expand(py.choices(pool, weights)[0][1], ctx)))
            section = self.lex.topic_sections[topic]
            for rate, template, where in SENTENCES[a.french]:
                if py.random() < rate * (WIRE_SECTION_BOOST if where == section else 1.0):
                    k = py.randrange(n_pars)
                    sentences.append((k, self._expand(template, ctx), py.random() < WIRE_OWN_LINE))
        sign_off = ""
        if py.random() < a.sign_off_rate:
            sign_off = self._expand(py.choice(a.sign_offs), ctx)
        c = self.counts
        c["datelines"] += bool(dateline)
        c["clauses"] += len(clauses)
        c["sentences"] += len(sentences)
        c["sign_offs"] += bool(sign_off)
        return Stock(dateline, clauses, sentences, sign_off)

    def _expand(self, template: str, ctx: _Context) -> str:
        py = self.py
        text = _ALTERNATIVES.sub(lambda m: py.choice(m.group(1).split("|")), template)
        return _SLOT.sub(lambda m: _SLOTS[m.group(1)](self, ctx), text)


@dataclass(frozen=True)
class _Context:
    """What the slots of one article's stock phrases depend on."""

    agency: Agency
    desk: dict[str, list[str]]
    date: dt.date
    city: str


def _dec(w: Wire, c: _Context, lo: float, hi: float, digits: int = 2) -> str:
    x = f"{w.py.uniform(lo, hi):.{digits}f}"
    return x.replace(".", ",") if c.agency.french else x


def _desk(role: str) -> Callable[[Wire, _Context], str]:
    return lambda w, c: w.py.choices(c.desk[role], weights=w.desk_w[role])[0]


#: The slots of the stock phrases: what fills ``{name}``.
_SLOTS: dict[str, Callable[[Wire, _Context], str]] = {
    **{role: _desk(role) for role in ("reporter", "writer", "editor", "desk")},
    "CITY": lambda w, c: c.city.upper(),
    "City": lambda w, c: c.city,
    "month": lambda w, c: MONTHS_EN[c.date.month - 1],
    "mois": lambda w, c: MONTHS[c.date.month - 1],
    "mois_suivant": lambda w, c: MONTHS[c.date.month % 12],
    "d": lambda w, c: str(c.date.day),
    "year": lambda w, c: str(c.date.year),
    "weekday": lambda w, c: WEEKDAYS_EN[c.date.weekday()],
    "jour": lambda w, c: WEEKDAYS[c.date.weekday()],
    "agency": lambda w, c: c.agency.name.split(" ")[0],
    "to": lambda w, c: c.agency.to,
    "To": lambda w, c: c.agency.to[0].upper() + c.agency.to[1:],
    "person": lambda w, c: f"{w.py.choice(w.lex.first_names)} {w.py.choice(w.lex.surnames)}",
    "org": lambda w, c: w.py.choice(w.orgs),
    "company": lambda w, c: w.py.choice(w.lex.companies),
    "pct": lambda w, c: _dec(w, c, 0.1, 3.5),
    "price": lambda w, c: _dec(w, c, 40, 95),
    "level": lambda w, c: _dec(w, c, 6800, 8200),
    "fx": lambda w, c: _dec(w, c, 0.88, 0.96, 4),
    "cents": lambda w, c: str(w.py.randint(3, 150)),
    "gmt": lambda w, c: f"{w.py.randint(7, 17):02d}{w.py.choice(('00', '15', '30', '45'))}",
    "hh": lambda w, c: str(w.py.randint(9, 17)),
    "mm": lambda w, c: f"{w.py.randrange(0, 60, 5):02d}",
    "n": lambda w, c: str(w.py.randint(2, 40)),
    "celsius": lambda w, c: str(w.py.randint(24, 42)),
}


# ----------------------------------------------------------------------------- corpus


@dataclass(slots=True)
class Article:
    """One article before ids are assigned (the corpus is shuffled at the end)."""

    story: int
    kind: str  # original, a copy kind of COPY_KINDS, template or related
    outlet: int
    topic: int
    day: int  # days since 2024-01-01
    title: str
    text: str
    head: int = 0  # furniture lines put before the body
    tail: int = 0  # furniture lines put after it
    detail: dict[str, object] | None = None  # what a noisy copy or a correction changed


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
    n_articles: int,
    lex: Lexicon,
    w: Writer,
    rng: np.random.Generator,
    variant: Variant = STANDARD,
    wire: Wire | None = None,
) -> tuple[list[Article], int]:
    """Originals and their syndicated copies, until there are ``n_articles``; with ``wire``,
    every original gets its stock phrases before it is copied (a rewrite keeps them, but
    for the sign-off)."""
    articles: list[Article] = []
    story = 0
    py = w.py
    outlet_w = np.diff(lex.outlets_cdf, prepend=0.0).tolist()
    while len(articles) < n_articles:
        m = min(CHUNK, n_articles - len(articles) + 64)
        topics = rng.integers(N_TOPICS, size=m)
        outlets = _draw(rng, lex.outlets_cdf, m).tolist()
        days = rng.integers(0, 366, size=m).tolist()
        median, sigma, lo, hi = variant.words
        n_words = np.clip(rng.lognormal(math.log(median), sigma, m), lo, hi).astype(np.int64)
        syndicated = (rng.random(m) < SYNDICATED_SHARE).tolist()
        batch = w.bodies(topics, n_words)
        texts = w.render(batch)
        titles, title_ids, title_off = w.titles(topics)
        rewrite_jobs: list[tuple[Article, Bodies, int, Stock | None]] = []
        title_jobs: list[tuple[Article, int, np.ndarray]] = []
        for i in range(m):
            if len(articles) >= n_articles:
                break
            topic, outlet, day = int(topics[i]), outlets[i], days[i]
            title, text = titles[i], texts[i]
            stock = None
            n_par = batch.n_par[i]
            if wire is not None:
                stock = wire.plan(int(n_par), day, topic)
                text = stock.apply(text)
                n_par = text.count("\n") + 1
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
                corrected = False
                for target in targets:
                    kind = py.choices(COPY_KINDS, weights=COPY_KIND_WEIGHTS)[0]
                    if kind == "brief" and n_par < 5:
                        kind = "exact" if py.random() < 0.5 else "rewrite"
                    fixed = None
                    if kind == "correction":  # one a story, by the original's outlet
                        fixed = None if corrected else w.correct(text)
                        kind = "correction" if fixed else "exact"
                    copy = Article(story, kind, target, topic, day + py.randint(0, 2), title, text)
                    if kind == "rewrite":
                        rewrite_jobs.append((copy, body, topic, stock))
                        title_jobs.append((copy, topic, t_ids[lex.is_entity[t_ids]]))
                    elif kind == "noisy":
                        copy.text, copy.title, copy.detail = w.noisy(text, title)
                        transforms = copy.detail["transforms"]
                        if isinstance(transforms, list) and "title" in transforms:
                            title_jobs.append((copy, topic, t_ids[lex.is_entity[t_ids]]))
                    elif fixed:
                        corrected = True
                        copy.text, copy.detail = fixed
                        copy.outlet, copy.day = outlet, day + py.randint(0, 1)
                        prefix = CORRECTION_PREFIXES[int(py.random() < 0.3)]
                        copy.title = prefix + title
                    else:
                        if py.random() < 0.5:
                            title_jobs.append((copy, topic, t_ids[:0]))
                        if kind == "brief":
                            k = py.randint(2, 3)
                            copy.text = "\n".join(text.split("\n", k)[:k])
                    articles.append(copy)
            story += 1
        new_texts = w.rewrites([j[1] for j in rewrite_jobs], [j[2] for j in rewrite_jobs])
        for (a, _, _, stock), new_text in zip(rewrite_jobs, new_texts, strict=True):
            a.text = new_text if stock is None else stock.apply(new_text, sign_off=False)
        new_titles = w.retitles([t for _, t, _ in title_jobs], [k for _, _, k in title_jobs])
        for (a, _, _), new_title in zip(title_jobs, new_titles, strict=True):
            a.title = new_title
    return articles, story


# ----------------------------------------------------------------------------- templates

QUARTERS = ("quatrième", "premier", "deuxième", "troisième")  # reported in quarter q + 1
TEAM_HEADS = _split("FC AS Stade Olympique US Racing SC Sporting")
ROLES = (
    "directeur financier",
    "directeur général",
    "directeur général délégué",
    "directeur des opérations",
    "directeur commercial",
    "président du directoire",
    "directeur de la stratégie",
)
PREVIOUS_ROLES = (
    "directeur financier adjoint",
    "associé",
    "directeur des opérations pour l'Europe",
    "directeur du développement",
    "secrétaire général",
    "directeur de l'audit interne",
)
SPEECH_VERBS = _split("déclaré affirmé souligné assuré estimé indiqué prévenu")


class Slots:
    """Draws the facts that fill a template: names, figures and dates, French-formatted.

    ``day`` (days since :data:`START`) is the instance's publication day; dates are drawn
    relative to it.
    """

    def __init__(self, lex: Lexicon, py: random.Random) -> None:
        self.lex = lex
        self.py = py
        self.day = 0
        places = py.sample(lex.places, 3 + 3 + 3 * 12)
        self.banks = [f"Banque centrale de {p}" for p in places[:3]]
        self.markets = [
            (p, f"{self.pseudo()} {py.choice((20, 30, 40, 50, 100))}") for p in places[3:6]
        ]
        self.leagues = [
            (
                f"Ligue {self.pseudo()}",
                [f"{py.choice(TEAM_HEADS)} {p}" for p in places[6 + 12 * k : 18 + 12 * k]],
            )
            for k in range(3)
        ]

    def pseudo(self) -> str:
        return self.py.choice(self.lex.places)

    def company(self) -> str:
        return self.py.choice(self.lex.companies)

    def person(self) -> tuple[str, str]:
        surname = self.py.choice(self.lex.surnames)
        return f"{self.py.choice(self.lex.first_names)} {surname}", surname

    def place(self) -> str:
        return self.py.choice(self.lex.places)

    def num(self, lo: int, hi: int) -> str:
        return str(self.py.randint(lo, hi))

    def dec(self, lo: float, hi: float, digits: int = 1) -> str:
        return f"{self.py.uniform(lo, hi):.{digits}f}".replace(".", ",")

    def near(self, value: str, spread: float = 0.15) -> str:
        """A figure of the same format as ``value``, within ``spread`` of it (a prior period)."""
        x = float(value.replace(",", "."))
        y = x * self.py.uniform(1 - spread, 1 + spread)
        if "," in value:
            return f"{y:.{len(value) - value.index(',') - 1}f}".replace(".", ",")
        return str(max(1, round(y)))

    def date(self, lo: int = 0, hi: int = 0) -> str:
        d = START + dt.timedelta(days=self.day + self.py.randint(lo, hi))
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"

    def weekday(self) -> str:
        return WEEKDAYS[(START + dt.timedelta(days=self.day)).weekday()]

    def move(self) -> tuple[str, str]:
        """A market move: direction (hausse, baisse) and percentage."""
        return self.py.choice(("hausse", "baisse")), self.dec(0.1, 4.5, 2)


def _dividend(s: Slots) -> dict[str, str]:
    div = s.py.randint(5, 250)
    direction, pct = s.move()
    return {
        "company": s.company(),
        "div": str(div),
        "prev_div": str(max(1, div + s.py.choice((-10, -5, -2, 0, 0, 2, 5, 10)))),
        "pay_date": s.date(20, 60),
        "record_date": s.date(5, 19),
        "place": s.place(),
        "total": s.num(10, 900),
        "annual": str(4 * div),
        "buyback": s.num(50, 2000),
        "weekday": s.weekday(),
        "price": s.dec(5, 300, 2),
        "direction": direction,
        "pct": pct,
    }


def _results(s: Slots) -> dict[str, str]:
    rev, ebit, net = s.num(80, 9000), s.num(5, 900), s.num(1, 600)
    eps, margin = s.dec(0.1, 9.9, 2), s.dec(2, 25)
    year = (START + dt.timedelta(days=s.day)).year
    quarter = ((START + dt.timedelta(days=s.day)).month - 1) // 3
    outlook = s.py.choice(
        (
            f"confirme ses objectifs pour l'exercice {year}",
            f"relève sa prévision de chiffre d'affaires annuel à {4 * int(rev) + 150} M€",
            f"abaisse sa prévision de résultat opérationnel annuel à {3 * int(ebit)} M€",
        )
    )
    return {
        "company": s.company(),
        "weekday": s.weekday(),
        "quarter": QUARTERS[quarter],
        "year": str(year - (quarter == 0)),
        "verdict": s.py.choice(
            ("supérieurs aux attentes des analystes", "conformes aux attentes", "en recul")
        ),
        "rev": rev,
        "rev0": s.near(rev),
        "ebit": ebit,
        "ebit0": s.near(ebit, 0.3),
        "net": net,
        "net0": s.near(net, 0.4),
        "eps": eps,
        "eps0": s.near(eps, 0.4),
        "margin": margin,
        "margin0": s.near(margin),
        "outlook": outlook,
        "call_date": s.date(0, 2),
        "call_hour": s.num(8, 18),
    }


def _tender(s: Slots) -> dict[str, str]:
    amount = s.dec(0.5, 250, 1)
    return {
        "bank": s.py.choice(s.banks),
        "amount": amount,
        "days": str(s.py.choice((7, 7, 7, 28, 91, 182, 364))),
        "rate": s.dec(0.05, 4.5, 2),
        "bids": s.near(amount, 0.6),
        "prev_bids": s.near(amount, 0.6),
        "bidders": s.num(12, 480),
        "marginal": s.dec(0.05, 4.5, 2),
        "mean_rate": s.dec(0.05, 4.5, 2),
        "maturity": s.date(7, 364),
        "next_date": s.date(1, 14),
    }


def _market(s: Slots) -> dict[str, str]:
    market, index = s.py.choice(s.markets)
    direction, pct = s.move()
    volume = s.num(800, 9000)
    up1, up2, down1 = (s.company() for _ in range(3))
    return {
        "market": market,
        "index": index,
        "date": s.date(),
        "direction": direction,
        "pct": pct,
        "level": s.dec(3000, 9000, 2),
        "volume": volume,
        "prev_volume": s.near(volume, 0.3),
        "up1": up1,
        "up1_pct": s.dec(2, 12, 2),
        "up2": up2,
        "up2_pct": s.dec(1, 6, 2),
        "down1": down1,
        "down1_pct": s.dec(1, 12, 2),
        "fx": s.dec(1.02, 1.2, 4),
        "oil": s.dec(60, 95, 2),
    }


def _sports(s: Slots) -> dict[str, str]:
    league, teams = s.py.choice(s.leagues)
    order = s.py.sample(teams, len(teams))
    out = {"league": league, "round": s.num(1, 34), "next_date": s.date(6, 8)}
    for k in range(len(teams) // 2):
        home, away = order[2 * k], order[2 * k + 1]
        out[f"match{k + 1}"] = f"{home} - {away} {s.num(0, 4)}-{s.num(0, 3)}"
    pts = sorted((s.py.randint(1, 80) for _ in range(3)), reverse=True)
    top = s.py.sample(teams, 3)
    for k, name in enumerate(("first", "second", "third")):
        out[name], out[f"pts{k + 1}"] = top[k], str(pts[k])
    return out


def _appointment(s: Slots) -> dict[str, str]:
    person, surname = s.person()
    predecessor, _ = s.person()
    leaving = s.py.choice(
        (
            "qui fait valoir ses droits à la retraite",
            "appelé à d'autres fonctions au sein du groupe",
            f"qui a quitté le groupe en {s.py.choice(MONTHS)}",
        )
    )
    return {
        "company": s.company(),
        "company2": s.company(),
        "person": person,
        "surname": surname,
        "predecessor": predecessor,
        "leaving": leaving,
        "role": s.py.choice(ROLES),
        "prev_role": s.py.choice(PREVIOUS_ROLES),
        "weekday": s.weekday(),
        "start_date": s.date(10, 90),
        "age": s.num(38, 63),
        "place": s.place(),
    }


def _paragraphs(body: str) -> tuple[tuple[tuple[float, str], ...], ...]:
    """Parse a format's body: paragraphs separated by blank lines, one sentence a line (an
    indented line continues the sentence above), a sentence kept with the probability that
    prefixes it as ``?0.5`` (1 without).

    >>> _paragraphs("?0.5 A b\\n  c.\\nD.\\n\\nE.")
    (((0.5, 'A b c.'), (1.0, 'D.')), ((1.0, 'E.'),))
    """
    out = []
    for block in body.strip("\n").split("\n\n"):
        sentences: list[list[str]] = []
        for line in block.split("\n"):
            if line.startswith(" "):
                sentences[-1].append(line.strip())
            else:
                sentences.append([line])
        par = []
        for words in sentences:
            text = " ".join(words)
            prob = 1.0
            if text.startswith("?"):
                head, text = text[1:].split(" ", 1)
                prob = float(head)
            par.append((prob, text))
        out.append(tuple(par))
    return tuple(out)


@dataclass(frozen=True)
class Format:
    """A recurring story format: headline and paragraphs as ``str.format`` templates.

    ``paragraphs`` lists, per paragraph, (probability, sentence) pairs (see
    :func:`_paragraphs`): an instance keeps each sentence with its probability and joins the
    kept sentences of a paragraph with a space (a paragraph left empty is left out). ``slots``
    draws the facts of one instance; ``commentary`` is the probability that 2-4 paragraphs of
    ordinary body text follow.
    """

    name: str
    section: str
    title: str
    paragraphs: tuple[tuple[tuple[float, str], ...], ...]
    slots: Callable[[Slots], dict[str, str]]
    commentary: float = 0.0


FORMATS = (
    Format(
        "dividend",
        "économie",
        "{company} : dividende trimestriel de {div} centimes",
        _paragraphs("""
{company} a déclaré un dividende trimestriel de {div} centimes par action, payable le
  {pay_date} aux actionnaires inscrits au {record_date}, contre {prev_div} centimes au
  trimestre précédent.

?0.5 Le groupe, dont le siège est à {place}, consacrera au total {total} millions d'euros à
  cette distribution.
?0.3 Le dividende annuel s'établit ainsi à {annual} centimes par action.

?0.35 Le conseil d'administration a également autorisé un programme de rachat d'actions de
  {buyback} millions d'euros.

?0.5 L'action {company} a clôturé {weekday} à {price} euros, en {direction} de {pct} %.
"""),
        _dividend,
    ),
    Format(
        "results",
        "économie",
        "{company} : chiffre d'affaires de {rev} M€ au {quarter} trimestre",
        _paragraphs("""
{company} a publié {weekday} ses résultats du {quarter} trimestre {year}, {verdict}.

Chiffre d'affaires {rev} M€ contre {rev0} M€

?0.8 Résultat opérationnel {ebit} M€ contre {ebit0} M€

Résultat net {net} M€ contre {net0} M€

?0.6 Bénéfice par action {eps} € contre {eps0} €

?0.4 Marge opérationnelle {margin} % contre {margin0} %

?0.6 Le groupe {outlook}.

?0.3 Les résultats seront présentés aux analystes le {call_date} à {call_hour} heures.
"""),
        _results,
        commentary=0.35,
    ),
    Format(
        "tender",
        "économie",
        "{bank} : {amount} milliards d'euros alloués à {days} jours",
        _paragraphs("""
La {bank} a injecté {amount} milliards d'euros dans le système bancaire lors de son
  opération de refinancement à {days} jours, au taux de {rate} %.

Les établissements de crédit ont soumissionné pour un total de {bids} milliards d'euros,
  contre {prev_bids} milliards lors de l'opération précédente.
?0.6 {bidders} banques ont participé à l'appel d'offres.

?0.5 Le taux marginal s'est établi à {marginal} % et le taux moyen pondéré à {mean_rate} %.

?0.4 L'opération arrive à échéance le {maturity}.
?0.3 La prochaine opération est prévue le {next_date}.
"""),
        _tender,
    ),
    Format(
        "market",
        "économie",
        "La Bourse de {market} termine en {direction} de {pct} %",
        _paragraphs("""
La Bourse de {market} a terminé la séance du {date} en {direction} de {pct} %, l'indice
  {index} clôturant à {level} points.

?0.7 Le volume des échanges a atteint {volume} millions d'euros, contre {prev_volume}
  millions la veille.

Parmi les plus fortes hausses, {up1} a gagné {up1_pct} % et {up2} {up2_pct} %.
?0.8 Du côté des baisses, {down1} a cédé {down1_pct} %.

?0.5 Sur le marché des changes, l'euro valait {fx} dollar.
?0.4 Le baril de Brent s'échangeait à {oil} dollars.
"""),
        _market,
        commentary=0.2,
    ),
    Format(
        "sports",
        "sport",
        "{league} : résultats de la {round}e journée",
        _paragraphs("""
Résultats de la {round}e journée de la {league} :

{match1}

{match2}

{match3}

{match4}

?0.85 {match5}

?0.85 {match6}

?0.6 Classement : 1. {first} {pts1} pts, 2. {second} {pts2} pts, 3. {third} {pts3} pts.

?0.4 Prochaine journée le {next_date}.
"""),
        _sports,
    ),
    Format(
        "appointment",
        "économie",
        "{company} nomme {person} {role}",
        _paragraphs("""
{company} a annoncé {weekday} la nomination de {person} au poste de {role}, avec effet au
  {start_date}.

?0.8 {surname}, {age} ans, était auparavant {prev_role} chez {company2}.
?0.6 {surname} succède à {predecessor}, {leaving}.

?0.4 {surname} sera basé à {place} et rapportera directement au président du conseil.
"""),
        _appointment,
    ),
)


def _templates(
    n: int,
    lex: Lexicon,
    w: Writer,
    rng: np.random.Generator,
    story: int,
    variant: Variant = STANDARD,
    wire: Wire | None = None,
) -> tuple[list[Article], list[list[int]]]:
    """``n`` template stories (story numbers from ``story``) and, per format of
    :data:`FORMATS`, the indices of its instances in the returned list; with ``wire``, a
    French dateline and sign-off (no other stock phrase: the wording is the format's)."""
    py = w.py
    slots = Slots(lex, py)
    outlet_w = np.diff(lex.outlets_cdf, prepend=0.0).tolist()
    homes = [py.sample(range(N_OUTLETS), 2) for _ in FORMATS]
    topics = [[t for t in range(N_TOPICS) if lex.topic_sections[t] == f.section] for f in FORMATS]
    articles: list[Article] = []
    groups: list[list[int]] = [[] for _ in FORMATS]
    commented: list[tuple[int, int]] = []  # (article, paragraphs of commentary)
    seen: set[str] = set()
    while len(articles) < n:
        k = py.randrange(len(FORMATS))
        f = FORMATS[k]
        slots.day = py.randrange(366)
        values = f.slots(slots)
        pars = []
        for sentences in f.paragraphs:
            kept = [t.format(**values) for prob, t in sentences if py.random() < prob]
            if kept:
                pars.append(" ".join(kept))
        text = "\n".join(pars)
        if text in seen:  # the same facts twice would be a copy
            continue
        seen.add(text)
        u = py.random()
        if u < TEMPLATE_HOME[0]:
            outlet = homes[k][0]
        elif u < TEMPLATE_HOME[0] + TEMPLATE_HOME[1]:
            outlet = homes[k][1]
        else:
            outlet = py.choices(range(N_OUTLETS), weights=outlet_w)[0]
        if py.random() < f.commentary:
            commented.append((len(articles), py.randint(2, 4)))
        groups[k].append(len(articles))
        articles.append(
            Article(
                story + len(articles),
                "template",
                outlet,
                py.choice(topics[k]),
                slots.day,
                f.title.format(**values),
                text,
            )
        )
    if commented:
        ts = np.array([articles[i].topic for i, _ in commented])
        words = rng.integers(*variant.commentary_words, size=len(commented))
        for (i, k), body in zip(commented, w.render(w.bodies(ts, words)), strict=True):
            articles[i].text += "\n" + "\n".join(body.split("\n")[:k])
    if wire is not None:
        for a in articles:
            n_par = a.text.count("\n") + 1
            a.text = wire.plan(n_par, a.day, a.topic, french=True, phrases=False).apply(a.text)
    return articles, groups


# ----------------------------------------------------------------------------- related


def _related_sizes(n: int, py: random.Random) -> list[int]:
    """Sizes of the related groups: 2-4 articles each, about ``n`` in all."""
    sizes: list[int] = []
    while sum(sizes) < n:
        sizes.append(py.choices((2, 3, 4), weights=RELATED_SIZE_WEIGHTS)[0])
    if sizes:
        sizes[-1] -= sum(sizes) - n
        if sizes[-1] < 2:
            sizes.pop()
    return sizes


def _followup(
    first: list[list[np.ndarray]], second: list[list[np.ndarray]], lex: Lexicon, py: random.Random
) -> float:
    """Insert a run of ``first``'s sentences (not its lead) after ``second``'s lead, at most
    :data:`FOLLOWUP_REUSE` of ``first``'s words and :data:`FOLLOWUP_MAX` of ``second``'s
    words after the insertion; returns that share of ``second``'s words (0: none fitted)."""

    def n_words(s: np.ndarray) -> int:
        return int(np.count_nonzero(s < lex.comma))

    run = [(p, s, n_words(s)) for p, par in enumerate(first[1:]) for s in par]
    w1 = sum(n_words(s) for par in first for s in par)
    w2 = sum(n_words(s) for par in second for s in par)
    budget = min(py.uniform(*FOLLOWUP_REUSE) * w1, FOLLOWUP_MAX / (1 - FOLLOWUP_MAX) * w2)
    starts = list(range(len(run)))
    py.shuffle(starts)
    for start in starts:
        taken, total = [], 0
        for p, s, n in run[start:]:
            if total + n > budget:
                break
            taken.append((p, s))
            total += n
        if taken:
            pars: list[list[np.ndarray]] = []
            for k, (p, s) in enumerate(taken):
                if k and p == taken[k - 1][0]:
                    pars[-1].append(s)
                else:
                    pars.append([s])
            second[1:1] = pars
            return total / (w2 + total)
    return 0.0


def _related(
    sizes: list[int],
    lex: Lexicon,
    w: Writer,
    rng: np.random.Generator,
    story: int,
    variant: Variant = STANDARD,
    wire: Wire | None = None,
) -> tuple[list[Article], list[list[int]], list[tuple[int, int, float]]]:
    """Groups of related stories of ``sizes`` (story numbers from ``story``): the indices of
    each group in the returned list, and the follow-ups as (follow-up, first, reused share).
    With ``wire``, each article gets its own stock phrases, no clause ending the quote."""
    py = w.py
    n = sum(sizes)
    if not n:
        return [], [], []
    outlet_w = np.diff(lex.outlets_cdf, prepend=0.0).tolist()
    g_topics = rng.integers(N_TOPICS, size=len(sizes))
    topics = np.repeat(g_topics, sizes)
    median, sigma, _, hi = variant.words
    n_words = np.clip(rng.lognormal(math.log(median), sigma, n), variant.related_min_words, hi)
    batch = w.bodies(topics, n_words.astype(np.int64))
    starts = _starts(np.array(sizes)).tolist()
    # The event: a speaker and 1-3 other names of the topic, put in every article.
    events: list[list[int]] = []
    for t in g_topics.tolist():
        row = lex.topic_entities[t].tolist()
        people = [e for e in row if lex.is_person[e]]
        speaker = py.choice(people)
        events.append([speaker, *py.sample([e for e in row if e != speaker], py.randint(1, 3))])
    sent_end = np.cumsum(np.add.reduceat(batch.par_sizes, _starts(batch.n_par)))
    tok_end = batch.offsets[sent_end].tolist()
    tok_start = [0, *tok_end[:-1]]
    for g, (s0, size) in enumerate(zip(starts, sizes, strict=True)):
        for i in range(s0, s0 + size):
            a, b = tok_start[i], tok_end[i]
            words = np.flatnonzero(lex.is_word[batch.ids[a:b]])[::2] + a  # never side by side
            m = min(len(words), len(events[g]) + (b - a) // 150)
            at = np.array(py.sample(words.tolist(), m), dtype=np.int64)
            batch.ids[at] = (events[g] * m)[:m]
    docs = batch.docs()
    followups: list[tuple[int, int, float]] = []
    for s0, size in zip(starts, sizes, strict=True):
        if size >= 2 and py.random() < FOLLOWUP_SHARE:
            share = _followup(docs[s0], docs[s0 + 1], lex, py)
            if share:
                followups.append((s0 + 1, s0, share))
    texts = w.render(Bodies.from_docs(docs))
    # The quote and the background sentence every article of a group shares.
    q_len = np.array([py.randint(8, 18) for _ in sizes], dtype=np.int64)
    quotes = w.render_titles(
        w.tokens(np.repeat(g_topics, q_len)), np.concatenate([[0], np.cumsum(q_len)])
    )
    has_bg = [py.random() < RELATED_BACKGROUND for _ in sizes]
    bg_groups = [g for g, b in enumerate(has_bg) if b]
    backgrounds: dict[int, str] = {}
    if bg_groups:
        bg_len = np.array([py.randint(14, 26) for _ in bg_groups], dtype=np.int64)
        ids = w.tokens(np.repeat(g_topics[bg_groups], bg_len))
        for g, s in zip(bg_groups, _starts(bg_len).tolist(), strict=True):
            ids[s + py.randrange(2, 10)] = py.choice(events[g])
        ids, offsets = w.punctuate(ids, bg_len)
        ones = np.ones(len(bg_groups), dtype=np.int64)
        rendered = w.render(Bodies(ids, offsets, ones, ones))
        backgrounds = dict(zip(bg_groups, rendered, strict=True))
    # Every headline names the speaker and the event's first other name.
    keeps = [
        np.array(events[g][:2], dtype=np.int64) for g, size in enumerate(sizes) for _ in range(size)
    ]
    titles = w.retitles(topics.tolist(), keeps)
    articles: list[Article] = []
    groups: list[list[int]] = []
    followed = {i: first for i, first, _ in followups}
    for g, (s0, size) in enumerate(zip(starts, sizes, strict=True)):
        speaker = str(lex.table[events[g][0]])
        quote = f"« {quotes[g]} », a {py.choice(SPEECH_VERBS)} {speaker}."
        day = py.randrange(363)
        outlets: list[int] = []
        while len(outlets) < size:
            o = py.choices(range(N_OUTLETS), weights=outlet_w)[0]
            if o not in outlets:
                outlets.append(o)
        for k, i in enumerate(range(s0, s0 + size)):
            pars = texts[i].split("\n")
            q = py.randrange(min(3, len(pars)))
            if g in backgrounds:
                b = py.randrange(len(pars))
                pars[b] += " " + backgrounds[g]
            if py.random() < 0.3:
                pars.insert(q + 1, quote)
            else:
                pars[q] += " " + quote
            a_day, outlet = day + py.randint(0, 3), outlets[k]
            if i in followed:
                first = articles[-1]
                a_day = first.day + py.randint(1, 3)
                if py.random() < 0.6:
                    outlet = first.outlet
            articles.append(
                Article(
                    story + i,
                    "related",
                    outlet,
                    int(topics[i]),
                    a_day,
                    titles[i],
                    "\n".join(pars),
                )
            )
        groups.append(list(range(s0, s0 + size)))
    if wire is not None:
        # No clause ends a paragraph with a sentence another article of the group has (the
        # quote, the background sentence, a follow-up's reused run): they stay verbatim.
        sentences = [[set(_SENTENCE_END.split(p)) for p in a.text.split("\n")] for a in articles]
        for s0, size in zip(starts, sizes, strict=True):
            for i in range(s0, s0 + size):
                others = set().union(
                    *(s for j in range(s0, s0 + size) if j != i for s in sentences[j])
                )
                avoid = frozenset(k for k, p in enumerate(sentences[i]) if p & others)
                a = articles[i]
                a.text = wire.plan(len(sentences[i]), a.day, a.topic, avoid=avoid).apply(a.text)
    return articles, groups, followups


def _plant_repeats(
    articles: list[Article], w: Writer, rng: np.random.Generator
) -> dict[int, tuple[int, int, str]]:
    """Repeat one paragraph in ~3 % of the articles (ordinary stories without copies);
    returns 0-based (first, copy, kind)."""
    sizes = np.bincount([a.story for a in articles])
    eligible = [
        i
        for i, a in enumerate(articles)
        if a.kind == "original" and sizes[a.story] == 1 and a.text.count("\n") >= 2
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
            a.head, a.tail = len(head), len(tail)


def generate(
    n_articles: int, seed: int, variant: str = "standard"
) -> tuple[list[dict[str, str]], dict[str, object]]:
    """The corpus records (in output order) and the truth, of ``variant`` (a key of
    :data:`VARIANTS`)."""
    records, truth, _ = generate_bodies(n_articles, seed, variant)
    return records, truth


def generate_bodies(
    n_articles: int, seed: int, variant: str = "standard"
) -> tuple[list[dict[str, str]], dict[str, object], list[str]]:
    """:func:`generate`, and the text of each record without its outlet's furniture lines."""
    v = VARIANTS[variant]
    rng = np.random.default_rng(seed)
    lex = build_lexicon(rng)
    w = Writer(lex, rng)
    wire = Wire(lex, seed) if v.wire else None
    n_templates = round(TEMPLATE_SHARE * n_articles)
    related_sizes = _related_sizes(round(RELATED_SHARE * n_articles), w.py)
    n_plain = n_articles - n_templates - sum(related_sizes)
    articles, n_stories = _stories(n_plain, lex, w, rng, v, wire)
    base = len(articles)
    templates, template_groups = _templates(n_templates, lex, w, rng, n_stories, v, wire)
    n_stories += len(templates)
    articles += templates
    related, related_groups, followups = _related(related_sizes, lex, w, rng, n_stories, v, wire)
    n_stories += len(related)
    articles += related
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
    details: dict[str, dict[str, object]] = {}
    for c in multi:
        for i in c:
            a = articles[i]
            if a.detail is not None:
                details[ids[i]] = {"kind": a.kind, "of": ids[c[0]], **a.detail}
                paragraph = a.detail.get("paragraph")
                if isinstance(paragraph, int):  # a correction: its text line, too
                    details[ids[i]]["line"] = paragraph + a.head
    t0 = base
    r0 = base + len(templates)
    truth: dict[str, object] = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "articles": len(articles),
        "stories": n_stories,
        "doc_clusters": sorted(sorted(ids[i] for i in c) for c in multi),
        "copy_kinds": dict(sorted((ids[i], articles[i].kind) for c in multi for i in c)),
        "copy_details": dict(sorted(details.items())),
        "template_groups": [sorted(ids[t0 + i] for i in g) for g in template_groups if g],
        "template_formats": [f.name for f, g in zip(FORMATS, template_groups, strict=True) if g],
        "related_groups": sorted(sorted(ids[r0 + i] for i in g) for g in related_groups),
        "related_followups": sorted(
            (
                {"id": ids[r0 + i], "of": ids[r0 + first], "reused": round(share, 3)}
                for i, first, share in followups
            ),
            key=lambda r: str(r["id"]),
        ),
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
            "template_stories": len(templates),
            "related_stories": len(related),
            "related_groups": len(related_groups),
            "related_followups": len(followups),
        },
    }
    if wire is not None:  # the standard variant's truth stays as it was
        truth["variant"] = v.name
        truth["counts"]["stock_phrases"] = dict(wire.counts)  # type: ignore[index]
    body = bodies(articles, order)
    if wire is not None:
        truth["phrase_share"] = phrase_summary(records, body)
    return records, truth, body


def bodies(articles: list[Article], order: list[int]) -> list[str]:
    """The texts of ``articles`` in output ``order`` without their outlet's furniture lines."""
    out = []
    for i in order:
        a = articles[i]
        lines = a.text.split("\n")
        out.append("\n".join(lines[a.head : len(lines) - a.tail]))
    return out


def phrase_summary(
    records: list[dict[str, str]], body: list[str] | None = None, pairs: int = PHRASE_PAIRS
) -> dict[str, object]:
    """How often random pairs of articles share stock phrases (:func:`common.phrase_share`)
    and their mean length in words (split on white space): of their ``text``, and of their
    ``body`` when given (the text without the outlet's furniture lines)."""
    out: dict[str, object] = {"articles": len(records), "pairs": pairs}
    texts = {"": [r["text"] for r in records], "body_": body}
    for prefix, values in texts.items():
        if values is None:
            continue
        above_002, above_005 = common.phrase_share(values, pairs)
        n_words = sum(len(t.split()) for t in values)
        out[f"{prefix}jaccard_above_0.02"] = round(above_002, 4)
        out[f"{prefix}jaccard_above_0.05"] = round(above_005, 4)
        out[f"{prefix}mean_words"] = round(n_words / len(values), 1) if values else None
    out["definition"] = (
        "share of random pairs of distinct articles (drawn among at most 3,000) whose word "
        "3-gram Jaccard (lowercased \\w+ tokens) is above 0.02 and 0.05, of the texts"
        + (" and (body_) of the texts without the outlet's furniture lines" if body else "")
    )
    return out


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


def write_phrases(summary: dict[str, object], out: Path, variant: str) -> None:
    """Write the phrase share of the corpus, ``phrases.json``, into ``out`` (beside
    ``corpus.jsonl``, for every variant: the standard variant's truth has no such field)."""
    with open(out / "phrases.json", "w", encoding="utf-8") as f:
        json.dump({"variant": variant, **summary}, f, ensure_ascii=False, indent=1)
        f.write("\n")


def measure(path: Path, pairs: int = PHRASE_PAIRS) -> dict[str, object]:
    """:func:`phrase_summary` of the ``text`` fields of a JSON Lines corpus."""
    with open(path, encoding="utf-8") as f:
        texts = [str(json.loads(line).get("text") or "") for line in f if line.strip()]
    return phrase_summary([{"text": t} for t in texts], pairs=pairs)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description="Generate a seeded synthetic news corpus with planted duplicates, or "
        "measure how often the articles of a corpus share stock phrases (--measure)."
    )
    parser.add_argument("--articles", type=int, help="number of articles")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    parser.add_argument("--out", type=Path, help="output directory")
    parser.add_argument(
        "--variant",
        choices=sorted(VARIANTS),
        default="standard",
        help="standard (default), or phrase-heavy: short wire copy with stock phrases",
    )
    parser.add_argument(
        "--measure",
        type=Path,
        metavar="PATH",
        help="print the phrase share of the JSON Lines corpus PATH (as JSON) and exit",
    )
    parser.add_argument(
        "--pairs",
        type=int,
        default=PHRASE_PAIRS,
        help=f"random article pairs measured (default: {PHRASE_PAIRS})",
    )
    args = parser.parse_args(argv)
    if args.measure is not None:
        print(json.dumps(measure(args.measure, args.pairs), ensure_ascii=False, indent=1))
        return 0
    if args.articles is None or args.out is None:
        parser.error("--articles and --out are required (unless --measure)")
    if args.articles < 1:
        parser.error("--articles must be at least 1")
    t0 = time.perf_counter()
    records, truth, body = generate_bodies(args.articles, args.seed, args.variant)
    write(records, truth, args.out)
    elapsed = time.perf_counter() - t0
    summary = truth.get("phrase_share")
    if not isinstance(summary, dict) or args.pairs != PHRASE_PAIRS:
        summary = phrase_summary(records, body, args.pairs)
    write_phrases(summary, args.out, args.variant)
    print(
        f"generate: {len(records)} {args.variant} articles in {elapsed:.1f} s -> {args.out}; "
        f"{truth['counts']}; rewrite Jaccard mean {truth['rewrite_jaccard_mean']}; "
        f"pairs above 3-gram Jaccard 0.02 and 0.05: {summary['jaccard_above_0.02']}, "
        f"{summary['jaccard_above_0.05']} (bodies {summary['body_jaccard_above_0.02']}, "
        f"{summary['body_jaccard_above_0.05']}); {summary['mean_words']} words a text",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
