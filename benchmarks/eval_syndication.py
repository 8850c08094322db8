"""Syndication evaluation: dedup against a MinHash-only baseline on labelled clusters (issue 5).

Usage::

    python benchmarks/eval_syndication.py [--seed 1] [--out benchmarks/work/eval-syndication.md]
        [--json FILE] [--keep DIR] [--dataset FILE]

**The set.** The originals are the human-annotated article bodies (``articleBody``) of the
Scrapinghub article extraction benchmark (``../shared/datasets/scrapinghub-article-extraction-
benchmark/ground-truth.json``: 181 pages captured in 2019, mostly English news and blogs, some
Portuguese, Russian, Korean, German...). The pages are third-party: they are read in place and
written only to a temporary directory (or ``--keep DIR``), never into the repository; the
report holds ids and figures, no text. Articles under ``MIN_WORDS`` words are left out. Each
original gets 0 to 4 syndicated variants (``VARIANTS_WEIGHTS``; half of the originals get
none and stay as unrelated negatives), each in another outlet (``OUTLETS``), each combining
one or more transformations modelled on how wire copy is republished (see :data:`KINDS`).
Everything is drawn from ``random.Random`` seeded by ``--seed`` and the article id, so a given
seed always gives the same set.

**The systems.** ``python -m dedup scan CORPUS --format json --quiet`` as a subprocess;
predicted clusters are the connected components of the ``exact_document``/``near_document``
findings (articles in none are singletons). The baseline is plain datasketch at the settings
text-dedup published for NEWS-COPY: lowercased ``\\w+`` tokens, word 2-grams over the whole
text, ``MinHash(num_perm=256, seed=1)``, ``MinHashLSH(threshold=0.45)``, no verification,
clusters = connected components of the candidate pairs (also run at word 3-grams).

**Scores.** Adjusted Rand index (scikit-learn) over all articles; pairwise precision, recall
and F1 (unordered pairs in one predicted cluster against pairs in one gold cluster); recall of
the (original, variant) pairs by transformation kind; wall time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.parse
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from itertools import combinations, pairwise
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from benchmarks.common import components, jaccard, ngrams, word_tokens  # noqa: E402

DATASET = (
    REPO.parent
    / "shared"
    / "datasets"
    / "scrapinghub-article-extraction-benchmark"
    / "ground-truth.json"
)
DEFAULT_OUT = HERE / "work" / "eval-syndication.md"
DOC_KINDS = ("exact_document", "near_document")

#: Originals shorter than this (``\\w+`` tokens) are left out: too short to be a story.
MIN_WORDS = 80
#: Probability of 0, 1, 2, 3 or 4 syndicated variants per original.
VARIANTS_WEIGHTS = (0.5, 0.2, 0.15, 0.1, 0.05)
#: A brief is at least this many words (wire briefs run 50-150 words).
BRIEF_MIN_WORDS = 40
#: Character error rate of OCR-like noise, drawn per variant (good print OCR: 1-2 %).
OCR_RATE = (0.01, 0.02)

#: Transformation kinds, in the order they are applied.
KINDS = {
    "abridged": "trailing paragraphs dropped (40-85 % of the paragraphs kept, at least 2)",
    "brief": f"the first 1-3 paragraphs only (extended to {BRIEF_MIN_WORDS} words at least)",
    "reordered": "1-2 paragraphs after the lead moved elsewhere after the lead",
    "lead_rewrite": "new headline and reworded first paragraph (clauses swapped, synonyms and "
    "paraphrases from a built-in English list, words dropped, a phrase inserted)",
    "boilerplate": "the outlet's furniture lines (byline, date, share, read more, copyright...)",
    "ocr_noise": "a print copy: OCR-like character errors at 1-2 % (rn/m, l/1, dropped accents, "
    "deletions, merged words); no web furniture",
    "quotes": "the outlet's house style of quotes and apostrophes (straight, curly, « »)",
}

NUMBER_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
#: Synonyms and paraphrases of common news words, for lower-case occurrences only (so names
#: such as "New York" are left alone). Longer keys are tried first.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "according to": ("as reported by", "citing"),
    "a lot of": ("many", "plenty of"),
    "more than": ("over", "upwards of"),
    "in order to": ("to",),
    "plans to": ("intends to", "is set to"),
    "as well as": ("and", "along with"),
    "because of": ("due to", "owing to"),
    "said": ("stated", "told reporters", "explained"),
    "says": ("states", "explains", "notes"),
    "announced": ("unveiled", "revealed"),
    "launched": ("rolled out", "introduced"),
    "people": ("residents", "individuals"),
    "company": ("firm", "group"),
    "companies": ("firms", "groups"),
    "government": ("administration", "authorities"),
    "officials": ("authorities",),
    "help": ("support",),
    "problems": ("issues", "difficulties"),
    "including": ("such as", "among them"),
    "many": ("numerous", "a number of"),
    "several": ("a number of", "various"),
    "around": ("about", "roughly"),
    "nearly": ("almost", "close to"),
    "almost": ("nearly",),
    "because": ("since", "as"),
    "however": ("though",),
    "but": ("yet", "though"),
    "could": ("might",),
    "important": ("key", "significant"),
    "major": ("significant", "big"),
    "big": ("large", "major"),
    "large": ("big", "sizeable"),
    "small": ("modest",),
    "new": ("latest", "fresh"),
    "children": ("kids",),
    "kids": ("children",),
    "car": ("vehicle",),
    "cars": ("vehicles",),
    "money": ("funds", "cash"),
    "price": ("cost",),
    "prices": ("costs",),
    "increase": ("rise",),
    "decided": ("chose",),
    "began": ("started",),
    "try": ("attempt",),
    "tried": ("attempted",),
    "want": ("wish",),
    "wants": ("wishes",),
    "find": ("discover",),
    "found": ("discovered",),
    "bought": ("purchased",),
    "told": ("informed",),
    "recently": ("lately",),
    "currently": ("at present",),
    "expected": ("anticipated", "set"),
    "during": ("in the course of", "throughout"),
    "after": ("following",),
    "before": ("prior to",),
    "despite": ("in spite of",),
    "biggest": ("largest",),
    "percent": ("per cent",),
    "which": ("that",),
    "when": ("as",),
    "last": ("previous", "past"),
    "next": ("coming",),
    "now": ("currently",),
    "only": ("just",),
    "such as": ("including",),
    "known as": ("called",),
    "need to": ("have to",),
    "going to": ("set to",),
    "huge": ("enormous", "massive"),
    "great": ("excellent",),
    "good": ("solid",),
    "best": ("finest", "top"),
    "popular": ("well-liked",),
    "available": ("on offer",),
    "different": ("various",),
    "team": ("squad", "side"),
    "game": ("match", "contest"),
    "won": ("claimed",),
    "players": ("athletes",),
    "fans": ("supporters",),
    "country": ("nation",),
    "users": ("customers",),
    "customers": ("clients",),
    "data": ("information",),
    "study": ("research",),
    "research": ("study",),
    "think": ("believe",),
    "believe": ("think",),
    **{w: (str(n),) for n, w in enumerate(NUMBER_WORDS, 2)},
    **{f"on {day}": (day,) for day in WEEKDAYS},
    "also": ("",),
    "very": ("",),
    "really": ("",),
    "just": ("",),
    "still": ("",),
    "even": ("",),
    "already": ("",),
}
#: Share of the lower-case words of a reworded lead that are dropped (twice as many when
#: there is no word list for the language).
DROP_RATE = 0.1
#: Phrases a reworded English lead may gain before the end of a sentence.
INSERTIONS = ("officials said", "reports said", "it was announced", "sources say", "this week")
#: Abbreviations whose full stop does not end a sentence.
ABBREVIATION = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Prof|Co|Inc|Corp|Ltd|St|Jr|Sr|Gov|Sen|Rep|Gen|Col|Sgt|No|vs|Jan|Feb|"
    r"Aug|Sept|Oct|Nov|Dec|[A-Z]|[A-Z](?:\.[A-Z])+)\.$"
)
#: Words that start a sentence and are not names (lower-cased when a clause moves).
STARTERS = frozenset({
    "the", "a", "an", "in", "on", "at", "after", "before", "with", "when", "while", "as", "for",
    "this", "that", "these", "those", "it", "its", "since", "during", "despite", "although",
    "though", "if", "by", "from", "according", "more", "many", "some", "most", "one", "two",
    "three", "last", "earlier", "later", "now", "today", "yesterday", "there", "their", "our",
    "we", "they", "he", "she", "i", "you",
})  # fmt: skip
#: Common English words: an article is English when they make up 8 % of its words or more.
ENGLISH_MARKERS = frozenset(
    {"the", "and", "of", "to", "in", "is", "that", "for", "on", "with", "was"}
)

#: Quote styles: opening and closing double quote, opening single quote, apostrophe/closing.
QUOTE_STYLES = {
    "straight": ('"', '"', "'", "'"),
    "curly": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "guillemets": ("\u00ab\u202f", "\u202f\u00bb", "\u2018", "\u2019"),
}
DOUBLE_QUOTES = '"\u201c\u201d\u00ab\u00bb\u201e'
SINGLE_QUOTES = "'\u2018\u2019"
OPENERS = " \t\n([{/-\u2014\u2013\u202f\u00a0"

#: OCR confusions of glyphs that look alike: character pairs first, then single characters.
OCR_BIGRAMS = {"rn": "m", "cl": "d", "li": "h", "ri": "n", "vv": "w"}
OCR_CHARS = {
    "m": "rn", "w": "vv", "d": "cl", "l": "1", "1": "l", "I": "l", "i": "l", "O": "0", "0": "O",
    "e": "c", "c": "e", "h": "b", "b": "h", "t": "f", "f": "t", "a": "o", "o": "a", "n": "u",
    "u": "n", "r": "n", "g": "q", "q": "g", "v": "y", "y": "v", "S": "5", "5": "S", "B": "8",
    "C": "G", "G": "C", "E": "F", "F": "E", "D": "O", "P": "F", ",": ".", ".": ",",
}  # fmt: skip
#: Share of the OCR errors on characters with a look-alike that lose the character instead.
OCR_DELETE = 0.1


@dataclass(frozen=True)
class Outlet:
    """A republishing site: its name, house quote style and furniture lines.

    Furniture lines may hold ``{date}``, ``{year}``, ``{minutes}`` and ``{headline}`` (the
    headline of another story), filled per article.
    """

    name: str
    quotes: str
    head: tuple[str, ...] = ()
    tail: tuple[str, ...] = ()
    middle: tuple[str, ...] = ()


OUTLETS = (
    Outlet(
        "The Lakeside Herald",
        "curly",
        head=("By Lakeside Herald staff and wire reports", "Published {date}"),
        tail=("Share this article", "Read more: {headline}", "© {year} The Lakeside Herald"),
    ),
    Outlet(
        "Northern Daily Post",
        "straight",
        head=("{minutes} min read",),
        tail=("Related: {headline}", "Sign up for our morning newsletter"),
        middle=("Advertisement",),
    ),
    Outlet(
        "Metro Wire",
        "curly",
        tail=("Share on Facebook | Share on Twitter | Email", "Copyright {year} Metro Wire"),
    ),
    Outlet(
        "Le Courrier du Soir",
        "guillemets",
        head=("Publié le {date_fr}",),
        tail=("Partager cet article", "Lire aussi : {headline}", "© Le Courrier du Soir {year}"),
    ),
    Outlet(
        "Valley News Network",
        "straight",
        head=("Updated {date}",),
        tail=("Have a news tip? Email us.", "Read more: {headline}"),
    ),
    Outlet(
        "Coastal Times",
        "curly",
        tail=("More from Coastal Times: {headline}", "Comments are closed."),
        middle=("Advertisement",),
    ),
    Outlet(
        "The Evening Chronicle",
        "straight",
        head=("Published {date}",),
        tail=("This story was provided by a wire service.", "Follow us on Twitter @EveChronicle"),
    ),
    Outlet(
        "Riverside Gazette",
        "guillemets",
        tail=("Share this story", "Copyright © {year} Riverside Gazette. All rights reserved."),
    ),
)
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)  # fmt: skip


# ----------------------------------------------------------------------------- the set


@dataclass
class Article:
    """One article of the set: an original (``kinds`` empty) or a syndicated variant."""

    id: str
    title: str
    paragraphs: list[str]
    source: str
    cluster: str
    kinds: tuple[str, ...] = ()
    jaccard: float | None = None
    lead_jaccard: float | None = None
    ocr_rate: float | None = None

    @property
    def text(self) -> str:
        """The body, one paragraph a line."""
        return "\n".join(self.paragraphs)


def jaccard3(a: str, b: str) -> float:
    r"""Jaccard of the word 3-grams (lowercased ``\w+`` tokens) of two texts.

    >>> jaccard3("one two three four", "one two three")
    0.5
    """
    return jaccard(ngrams(word_tokens(a), 3), ngrams(word_tokens(b), 3))


def title_from_url(url: str, paragraphs: Sequence[str]) -> str:
    """A headline from the URL's slug (at least three words), else the lead's first words.

    >>> title_from_url("https://x.com/news/2019/band-tour-north-america.html", [])
    'Band tour north america'
    >>> title_from_url("https://x.com/view.php?idx=1", ["One two three. Four."])
    'One two three'
    """
    path = urllib.parse.urlsplit(url).path
    for segment in reversed([s for s in path.split("/") if s]):
        stem = re.sub(r"\.(html?|php|aspx?)$", "", segment)
        words = [w for w in re.split(r"[-_+]", stem) if w and not w.isdigit()]
        if sum(w.isalpha() for w in words) >= 3:
            return " ".join(words).capitalize()
    first = re.split(r"(?<=[.!?])\s", paragraphs[0])[0] if paragraphs else ""
    return " ".join(first.rstrip(".!?").split()[:12])


def load_originals(path: Path) -> tuple[list[Article], int]:
    """The gold articles (sorted by id) and how many were left out as too short."""
    data = json.loads(path.read_text(encoding="utf-8"))
    originals, short = [], 0
    for key in sorted(data):
        body = data[key]["articleBody"]
        if len(word_tokens(body)) < MIN_WORDS:
            short += 1
            continue
        paragraphs = [" ".join(p.split()) for p in body.split("\n") if p.strip()]
        url = data[key].get("url", "")
        source = urllib.parse.urlsplit(url).hostname or "unknown"
        source = source.removeprefix("www.")
        art_id = key[:10]
        originals.append(
            Article(art_id, title_from_url(url, paragraphs), paragraphs, source, art_id)
        )
    return originals, short


# ----------------------------------------------------------------------------- transforms


def is_english(text: str) -> bool:
    """Whether common English function words make up at least 8 % of the words."""
    words = word_tokens(text)
    return bool(words) and sum(w in ENGLISH_MARKERS for w in words) / len(words) >= 0.08


def _lower_first(clause: str) -> str:
    first = clause.split(" ", 1)[0]
    return clause[0].lower() + clause[1:] if first.lower() in STARTERS else clause


def swap_clauses(sentence: str) -> str:
    """Swap the two halves of a sentence around its first comma (each of 4 words or more).

    >>> swap_clauses("After a long night of talks, the two sides signed the deal.")
    'The two sides signed the deal, after a long night of talks.'
    """
    match = re.match(r"^(.+?), (.+?)([.!?]?)$", sentence)
    if not match:
        return sentence
    left, right, end = match.groups()
    if len(left.split()) < 4 or len(right.split()) < 4:
        return sentence
    return right[0].upper() + right[1:] + ", " + _lower_first(left) + end


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences (not after ``Mr.``, ``Co.``, ``U.S.`` or an initial).

    >>> sentences("Walt Disney Co. said so. Then it rained.")
    ['Walt Disney Co. said so.', 'Then it rained.']
    """
    out: list[str] = []
    for piece in re.split(r"(?<=[.!?])\s+(?=[A-Z\"\u201c\u2018\u00ab])", text):
        if out and ABBREVIATION.search(out[-1]):
            out[-1] += " " + piece
        else:
            out.append(piece)
    return out


def _substitute(text: str, rng: random.Random) -> str:
    """Replace lower-case occurrences of :data:`SYNONYMS` keys (90 % of them)."""
    keys = sorted(SYNONYMS, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, keys)) + r")\b")

    def replace(m: re.Match[str]) -> str:
        return rng.choice(SYNONYMS[m.group(0)]) if rng.random() < 0.9 else m.group(0)

    return re.sub(r" {2,}", " ", pattern.sub(replace, text)).replace(" ,", ",").strip()


def _drop_words(text: str, rng: random.Random, rate: float) -> str:
    """Drop lower-case words (never the first, a name, a number, or a word with punctuation)."""
    kept = [
        w
        for i, w in enumerate(text.split(" "))
        if not (i and w.isalpha() and w.islower() and rng.random() < rate)
    ]
    return " ".join(kept)


def _cut_clause(sentence: str) -> str:
    """Cut one inner clause between commas (an apposition, an aside) of 2-12 words.

    >>> _cut_clause("The mayor, who took office in May, resigned on Friday.")
    'The mayor resigned on Friday.'
    """
    parts = sentence.split(", ")
    inner = [i for i in range(1, len(parts) - 1) if 2 <= len(parts[i].split()) <= 12]
    if not inner:
        return sentence
    i = inner[0]
    return ", ".join(parts[:i]) + (", " if i > 1 else " ") + ", ".join(parts[i + 1 :])


def reword(text: str, rng: random.Random, english: bool) -> str:
    """Reword a lead as a rewriting desk would.

    An inner clause of the first sentence cut (half the time) and its two halves swapped, the
    first two sentences swapped (half the time), lower-case words dropped (``DROP_RATE``); in
    English, synonyms, paraphrases and house-style numbers from :data:`SYNONYMS` and
    attribution phrases inserted in up to two sentences. Other languages have no word list:
    they get the structural edits and twice as many dropped words.
    """
    parts = sentences(text)
    parts[0] = swap_clauses(_cut_clause(parts[0]) if rng.random() < 0.5 else parts[0])
    if len(parts) > 1 and rng.random() < 0.5:
        parts[0], parts[1] = parts[1], parts[0]
    if not english:
        return " ".join(_drop_words(p, rng, 2 * DROP_RATE) for p in parts)
    out = [_substitute(_drop_words(p, rng, DROP_RATE), rng) for p in parts]
    for i in rng.sample(range(len(out)), min(2, len(out))):
        match = re.match(r"^(.*\w)([.!?]?)$", out[i])  # not after a closing quote
        if match and len(match.group(1).split()) >= 6:
            out[i] = f"{match.group(1)}, {rng.choice(INSERTIONS)}{match.group(2) or '.'}"
    return " ".join(p for p in out if p)


def reword_headline(title: str, rng: random.Random, english: bool) -> str:
    """A new headline: the halves around a comma swapped and, in English, synonyms.

    >>> reword_headline("After the storm, the big clean-up", random.Random(1), True)
    'The large clean-up, following the storm'
    """
    head, comma, tail = title.partition(", ")
    if comma:
        title = f"{tail[0].upper()}{tail[1:]}, {_lower_first(head)}"
    return _substitute(title, rng) if english else title


def restyle_quotes(text: str, style: str) -> str:
    """Every quote mark and apostrophe in one house style.

    >>> restyle_quotes('He said "it\\'s fine".', "curly")
    'He said \u201cit\u2019s fine\u201d.'
    >>> restyle_quotes("\u201cOui\u201d", "guillemets")
    '\u00ab\u202fOui\u202f\u00bb'
    """
    text = re.sub("\u00ab[\u00a0\u202f ]?", "\u00ab", text)
    text = re.sub("[\u00a0\u202f ]?\u00bb", "\u00bb", text)
    open_d, close_d, open_s, apos = QUOTE_STYLES[style]
    out = []
    for i, ch in enumerate(text):
        prev = text[i - 1] if i else " "
        opening = prev in OPENERS or prev in DOUBLE_QUOTES
        if ch in DOUBLE_QUOTES:
            out.append(open_d if opening else close_d)
        elif ch in SINGLE_QUOTES:
            out.append(open_s if opening else apos)
        else:
            out.append(ch)
    return "".join(out)


def ocr_noise(text: str, rng: random.Random, rate: float) -> tuple[str, int]:
    """OCR-like errors on a share ``rate`` of the characters, and how many were made.

    An error confuses glyphs that look alike (rn/m, cl/d, l/1, e/c, :data:`OCR_CHARS`) or
    loses an accent; a letter with no look-alike listed, or ``OCR_DELETE`` of the others, is
    lost; a space is lost (two words glued together).
    """
    out: list[str] = []
    errors = i = 0
    while i < len(text):
        ch, pair = text[i], text[i : i + 2]
        draw = rng.random()
        if draw >= rate or not (ch.isalnum() or ch in " ,."):
            out.append(ch)
            i += 1
            continue
        errors += 1
        if pair in OCR_BIGRAMS:
            out.append(OCR_BIGRAMS[pair])
            i += 1
        elif (bare := unicodedata.normalize("NFD", ch)[0]) != ch:
            out.append(bare)
        elif ch in OCR_CHARS and draw >= rate * OCR_DELETE:
            out.append(OCR_CHARS[ch])
        i += 1
    return "".join(out), errors


def _furniture(outlet: Outlet, rng: random.Random, headlines: Sequence[str]) -> dict[str, str]:
    day = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(365))
    return {
        "date": f"{MONTHS_EN[day.month - 1]} {day.day}, {day.year}",
        "date_fr": f"{day.day} {MONTHS_FR[day.month - 1]} {day.year}",
        "year": str(day.year),
        "minutes": str(rng.randint(2, 9)),
        "headline": rng.choice(headlines),
    }


def add_boilerplate(
    paragraphs: list[str], outlet: Outlet, rng: random.Random, headlines: Sequence[str]
) -> list[str]:
    """The outlet's furniture: head lines, a line in the middle, tail lines (each 85 %)."""
    fields = _furniture(outlet, rng, headlines)
    head = [line.format(**fields) for line in outlet.head if rng.random() < 0.85]
    tail = [line.format(**fields) for line in outlet.tail if rng.random() < 0.85]
    body = list(paragraphs)
    for line in outlet.middle:
        if len(body) >= 4 and rng.random() < 0.85:
            body.insert(rng.randint(2, min(4, len(body) - 1)), line.format(**fields))
    return head + body + tail


def words_in(paragraphs: Iterable[str]) -> int:
    """Number of ``\\w+`` tokens."""
    return sum(len(word_tokens(p)) for p in paragraphs)


def shorten(paragraphs: list[str], kind: str, rng: random.Random) -> list[str]:
    """An abridged copy (trailing paragraphs dropped) or a brief (the first 1-3 paragraphs)."""
    n = len(paragraphs)
    if kind == "abridged":
        keep = min(n - 1, max(2, round(n * rng.uniform(0.4, 0.85))))
    else:
        keep = rng.randint(1, 3)
        while keep < n - 1 and words_in(paragraphs[:keep]) < BRIEF_MIN_WORDS:
            keep += 1
    return paragraphs[:keep]


def reorder(paragraphs: list[str], rng: random.Random) -> list[str]:
    """Move 1-2 paragraphs after the lead to another place after the lead."""
    body = list(paragraphs)
    for _ in range(rng.randint(1, 2)):
        moved = body.pop(rng.randrange(1, len(body)))
        body.insert(rng.randrange(1, len(body) + 1), moved)
    return body


def make_variant(
    original: Article, number: int, outlet: Outlet, rng: random.Random, headlines: Sequence[str]
) -> Article:
    """One syndicated copy of ``original`` in ``outlet``, with at least one transformation
    that changes its text."""
    english = is_english(original.text)
    for _ in range(20):
        paras, title, kinds = list(original.paragraphs), original.title, []
        lead_jaccard = ocr_rate = None
        length = rng.choices(("full", "abridged", "brief"), (0.4, 0.35, 0.25))[0]
        if length != "full" and len(paras) >= 4:
            paras = shorten(paras, length, rng)
            kinds.append(length)
        if len(paras) >= 4 and rng.random() < 0.2:
            moved = reorder(paras, rng)
            if moved != paras:
                paras = moved
                kinds.append("reordered")
        if rng.random() < 0.4:
            lead = reword(paras[0], rng, english)
            if lead != paras[0]:
                lead_jaccard = round(jaccard3(paras[0], lead), 4)
                paras[0], title = lead, reword_headline(original.title, rng, english)
                kinds.append("lead_rewrite")
        print_copy = rng.random() < 0.15
        if not print_copy and rng.random() < 0.6:
            paras = add_boilerplate(paras, outlet, rng, headlines)
            kinds.append("boilerplate")
        if rng.random() < 0.6:
            styled = [restyle_quotes(p, outlet.quotes) for p in paras]
            if styled != paras:
                paras = styled
                kinds.append("quotes")
        if print_copy:
            rate = rng.uniform(*OCR_RATE)
            noisy = [ocr_noise(p, rng, rate) for p in paras]
            paras = [p for p, _ in noisy]
            ocr_rate = sum(e for _, e in noisy) / max(1, sum(map(len, paras)))
            kinds.append("ocr_noise")
        if kinds and paras != original.paragraphs:
            return Article(
                f"{original.id}-v{number}",
                title,
                paras,
                outlet.name,
                original.cluster,
                tuple(kinds),
                jaccard=round(jaccard3(original.text, "\n".join(paras)), 4),
                lead_jaccard=lead_jaccard,
                ocr_rate=ocr_rate,
            )
    raise RuntimeError(f"no variant of {original.id} after 20 draws")


def build_set(originals: list[Article], seed: int) -> list[Article]:
    """Originals and their variants, shuffled (the input order must not give the answer)."""
    headlines = [a.title for a in originals]
    out: list[Article] = []
    for original in originals:
        rng = random.Random(f"{seed}:{original.id}")
        count = rng.choices(range(len(VARIANTS_WEIGHTS)), VARIANTS_WEIGHTS)[0]
        out.append(original)
        for number, outlet in enumerate(rng.sample(OUTLETS, count), start=1):
            out.append(make_variant(original, number, outlet, rng, headlines))
    random.Random(seed).shuffle(out)
    return out


def write_set(articles: Sequence[Article], directory: Path) -> Path:
    """Write ``clusters.jsonl`` (labelled) and ``corpus.jsonl`` (dedup's input, returned) in
    ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    clusters, corpus = directory / "clusters.jsonl", directory / "corpus.jsonl"
    with clusters.open("w", encoding="utf-8") as fc, corpus.open("w", encoding="utf-8") as fd:
        for a in articles:
            doc = {"id": a.id, "title": a.title, "text": a.text, "source": a.source}
            fd.write(json.dumps(doc, ensure_ascii=False) + "\n")
            fc.write(json.dumps({**doc, "cluster": a.cluster}, ensure_ascii=False) + "\n")
    return corpus


# ----------------------------------------------------------------------------- systems


@dataclass
class SystemRun:
    """Predicted cluster label per article id, and the wall time of the system."""

    name: str
    labels: dict[str, str]
    wall_s: float
    note: str
    candidate_pairs: int | None = None


def label_components(ids: Sequence[str], groups: Iterable[Sequence[str]]) -> dict[str, str]:
    """Cluster label of every id: connected components of ``groups``, singletons elsewhere."""
    label = components((pair for group in groups for pair in pairwise(group)), ids)
    return {i: label[i] for i in ids}


def run_dedup(
    corpus: Path, ids: Sequence[str], keep: Path | None, options: Sequence[str] = ()
) -> SystemRun:
    """``python -m dedup scan CORPUS --format json --quiet --config EMPTY [options]``;
    clusters from the document findings."""
    # An empty [tool.dedup] table: the defaults, whatever pyproject.toml is around.
    config = corpus.parent / "dedup-defaults.toml"
    config.write_text("[tool.dedup]\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "dedup", "scan", str(corpus), "--format", "json", "--quiet"]
    cmd += ["--config", str(config), *options]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"dedup scan failed ({proc.returncode}): {proc.stderr.strip()}")
    if keep:
        (keep / "findings.json").write_text(proc.stdout, encoding="utf-8")
    report = json.loads(proc.stdout)
    groups = [
        [loc["id"] for loc in f["locations"]] for f in report["findings"] if f["kind"] in DOC_KINDS
    ]
    return SystemRun(
        "dedup",
        label_components(ids, groups),
        wall,
        f"`dedup scan` subprocess, {shlex.join(options) or 'default options'} (start-up and "
        "JSON output included)",
        report["stats"]["candidate_pairs"]["documents"],
    )


def run_minhash(articles: Sequence[Article], ngram: int) -> SystemRun:
    r"""The plain datasketch baseline: lowercased ``\w+`` word n-grams of the whole text,
    ``MinHash(num_perm=256, seed=1)``, ``MinHashLSH(threshold=0.45)``, no verification,
    connected components of the candidate pairs."""
    from datasketch import MinHash, MinHashLSH

    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=0.45, num_perm=256)
    hashes = {}
    for a in articles:
        m = MinHash(num_perm=256, seed=1)
        m.update_batch([s.encode("utf-8") for s in ngrams(word_tokens(a.text), ngram)])
        lsh.insert(a.id, m)
        hashes[a.id] = m
    groups = [[key, *lsh.query(m)] for key, m in hashes.items()]
    labels = label_components([a.id for a in articles], groups)
    return SystemRun(
        f"MinHash-only, word {ngram}-grams",
        labels,
        time.perf_counter() - t0,
        f"datasketch in process: word {ngram}-grams, 256 permutations, LSH threshold 0.45, "
        "connected components, no verification",
    )


# ----------------------------------------------------------------------------- scoring


def pairs_of(labels: dict[str, str]) -> set[tuple[str, str]]:
    """Unordered pairs (sorted ids) of articles that share a label."""
    groups: dict[str, list[str]] = defaultdict(list)
    for i, label in labels.items():
        groups[label].append(i)
    return {pair for g in groups.values() for pair in combinations(sorted(g), 2)}


def score(run: SystemRun, articles: Sequence[Article]) -> dict[str, Any]:
    """ARI, pairwise precision/recall/F1, recall of (original, variant) pairs by kind."""
    from sklearn.metrics import adjusted_rand_score

    ids = [a.id for a in articles]
    gold = {a.id: a.cluster for a in articles}
    truth, predicted = pairs_of(gold), pairs_of(run.labels)
    tp = len(truth & predicted)
    precision = tp / len(predicted) if predicted else 1.0
    recall = tp / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for a in articles:
        if a.kinds:
            found = run.labels[a.id] == run.labels[a.cluster]
            for kind in (*a.kinds, "all variants"):
                by_kind[kind][0] += found
                by_kind[kind][1] += 1
            if len(a.kinds) == 1:
                by_kind[f"{a.kinds[0]} alone"][0] += found
                by_kind[f"{a.kinds[0]} alone"][1] += 1
    return {
        "ari": adjusted_rand_score([gold[i] for i in ids], [run.labels[i] for i in ids]),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "true_pairs": len(truth),
        "predicted_pairs": len(predicted),
        "missed": sorted(truth - predicted),
        "false": sorted(predicted - truth),
        "recall_by_kind": {k: {"found": v[0], "pairs": v[1]} for k, v in by_kind.items()},
        "wall_s": run.wall_s,
    }


class DedupScorer:
    """dedup's evidence and decision for any pair of the set, as the verifier sees it
    (:func:`dedup.app.pair_scores.document_evidence`: the pair's bodies and titles, TF-IDF weights
    from the two texts, so the cosine can differ slightly from the scan's)."""

    def __init__(self, articles: Sequence[Article]) -> None:
        from dedup.stages.verifier import Verifier

        self.by_id = {a.id: a for a in articles}
        self.verifier = Verifier.load()

    def __call__(self, a: str, b: str) -> dict[str, Any]:
        """Scores of a pair, the copy probability and whether it reaches the threshold."""
        from dedup.app.labels import LabelledPair
        from dedup.app.pair_scores import document_evidence

        x, y = self.by_id[a], self.by_id[b]
        found, _ = document_evidence([LabelledPair(x.text, y.text, True, x.title, y.title)])
        probability = float(self.verifier.probability(found)[0])
        row = found.row(0)
        return {
            "jaccard": round(row["jaccard"], 4),
            "containment": round(row["containment"], 4),
            "cosine": round(row["cosine"], 4),
            "probability": round(probability, 4),
            "passes": probability >= self.verifier.threshold,
        }


def error_rows(
    pairs: Sequence[tuple[str, str]],
    by_id: dict[str, Article],
    labels: dict[str, str],
    scorer: Callable[[str, str], dict[str, Any]],
) -> list[dict[str, Any]]:
    """Each pair with both sides' kinds (``original`` for an original), the predicted cluster
    of each side (the smallest id in it; ``-`` alone) and dedup's scores."""
    sizes = Counter(labels.values())
    rows = []
    for a, b in pairs:
        rows.append(
            {
                "pair": [a, b],
                "kinds": ["+".join(by_id[x].kinds) or "original" for x in (a, b)],
                "predicted": [labels[x] if sizes[labels[x]] > 1 else "-" for x in (a, b)],
                **scorer(a, b),
            }
        )
    return rows


def add_causes(missed: list[dict[str, Any]], false: Sequence[dict[str, Any]]) -> None:
    """Say why each missed pair was missed (``cause``): one side was drawn into a cluster that
    holds a false pair; the verifier calls the pair a copy but it was not clustered (split off by
    the no-chaining rule, or never a candidate); or the verifier says it is no copy."""
    polluted = {label for row in false for label in row["predicted"]}
    for row in missed:
        if polluted.intersection(row["predicted"]):
            row["cause"] = "false-pair cluster"
        elif row["passes"]:
            row["cause"] = "copy, not clustered"
        else:
            row["cause"] = "verifier: no copy"


# ----------------------------------------------------------------------------- report


def set_stats(articles: Sequence[Article], skipped_short: int) -> dict[str, Any]:
    """Size of the set, variants by kind, 3-gram Jaccard of variants with their originals."""
    variants = [a for a in articles if a.kinds]
    jac = [a.jaccard for a in variants if a.jaccard is not None]
    lead = [a.lead_jaccard for a in variants if a.lead_jaccard is not None]
    ocr = [a.ocr_rate for a in variants if a.ocr_rate is not None]
    per_cluster = Counter(a.cluster for a in articles)
    by_kind = {
        k: [a.jaccard for a in variants if k in a.kinds and a.jaccard is not None] for k in KINDS
    }
    return {
        "articles": len(articles),
        "originals": sum(not a.kinds for a in articles),
        "skipped_short": skipped_short,
        "clusters": len(per_cluster),
        "clusters_with_variants": sum(n > 1 for n in per_cluster.values()),
        "variants": len(variants),
        "cluster_sizes": dict(sorted(Counter(per_cluster.values()).items())),
        "variants_by_kind": {k: len(v) for k, v in by_kind.items()},
        "transformations_per_variant": dict(
            sorted(Counter(len(a.kinds) for a in variants).items())
        ),
        "jaccard_mean": statistics.fmean(jac),
        "jaccard_median": statistics.median(jac),
        "jaccard_deciles": [round(q, 3) for q in statistics.quantiles(jac, n=10)],
        "jaccard_by_kind": {
            k: {"mean": statistics.fmean(v), "median": statistics.median(v)}
            for k, v in by_kind.items()
            if v
        },
        "lead_jaccard_mean": statistics.fmean(lead) if lead else None,
        "ocr_error_rate_mean": statistics.fmean(ocr) if ocr else None,
    }


def _pct(found: int, pairs: int) -> str:
    return f"{found / pairs:.3f} ({found}/{pairs})" if pairs else "n/a"


#: Error rows shown in the Markdown (all of them are in the JSON).
MAX_ERROR_ROWS = 40


def render_errors(errors: dict[str, list[dict[str, Any]]]) -> list[str]:
    """dedup's missed and false pairs: counts by cause, then a table of each."""
    causes = Counter(r["cause"] for r in errors["missed"])
    with_original = Counter(r["cause"] for r in errors["missed"] if "original" in r["kinds"])
    lines = [
        "",
        f"dedup's errors: {len(errors['missed'])} missed pairs ({dict(causes)}; of them "
        f"(original, variant): {dict(with_original)}) and {len(errors['false'])} false pairs. "
        "Evidence recomputed by the verifier on the pair; `verifier`: its decision at the "
        "defaults; `predicted with`: the smallest id of each side's predicted cluster.",
    ]
    for label, rows in (("missed", errors["missed"]), ("false", errors["false"])):
        if not rows:
            continue
        shown = "" if len(rows) <= MAX_ERROR_ROWS else f", the first {MAX_ERROR_ROWS}"
        lines += [
            "",
            f"{label.capitalize()} pairs ({len(rows)}{shown}):",
            "",
            "| pair | kinds | predicted with | Jaccard | containment | cosine | P(copy) "
            "| verifier | cause |",
            "|---|---|---|---:|---:|---:|---:|---|---|",
        ]
        lines += [
            f"| {r['pair'][0]} {r['pair'][1]} | {r['kinds'][0]} / {r['kinds'][1]} | "
            f"{r['predicted'][0]} / {r['predicted'][1]} | {r['jaccard']:.3f} | "
            f"{r['containment']:.3f} | {r['cosine']:.3f} | {r['probability']:.3f} | "
            f"{'copy' if r['passes'] else 'no copy'} | {r.get('cause', '')} |"
            for r in rows[:MAX_ERROR_ROWS]
        ]
    return lines


def render(results: dict[str, Any]) -> str:
    """The Markdown section."""
    s, systems = results["set"], results["systems"]
    names = list(systems)
    lines = [
        "## Syndication: labelled clusters from real articles",
        "",
        f"{s['articles']} articles in {s['clusters']} gold clusters: {s['originals']} originals "
        f"(gold bodies of the Scrapinghub article extraction benchmark; {s['skipped_short']} "
        f"left out as under {MIN_WORDS} words) and {s['variants']} syndicated variants in "
        f"{s['clusters_with_variants']} clusters; the other originals are unrelated negatives.",
        "",
        "| system | ARI | pair precision | pair recall | pair F1 | predicted pairs | wall (s) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name in names:
        m = systems[name]
        lines.append(
            f"| {name} | {m['ari']:.4f} | {m['precision']:.3f} | {m['recall']:.3f} | "
            f"{m['f1']:.3f} | {m['predicted_pairs']} | {m['wall_s']:.2f} |"
        )
    lines += [
        "",
        f"Gold pairs: {systems[names[0]]['true_pairs']}. "
        + " ".join(f"**{n}**: {results['notes'][n]}." for n in names),
        "",
        "Recall of (original, variant) pairs by transformation (a variant counts under each of "
        "its kinds; *alone*: variants with that kind only):",
        "",
        "| transformation | variants | " + " | ".join(names) + " |",
        "|---|---:|" + "---:|" * len(names),
    ]
    first = systems[names[0]]["recall_by_kind"]
    order = ["all variants", *KINDS, *(f"{k} alone" for k in KINDS)]
    for kind in [k for k in order if k in first]:
        cells = [_pct(**systems[n]["recall_by_kind"][kind]) for n in names]
        lines.append(f"| {kind} | {first[kind]['pairs']} | " + " | ".join(cells) + " |")
    jk = s["jaccard_by_kind"]
    lines += [
        "",
        "Transformations:",
        "",
        *(f"- `{k}` ({s['variants_by_kind'][k]} variants): {desc}" for k, desc in KINDS.items()),
        "",
        f"Cluster sizes (articles: clusters): {s['cluster_sizes']}; transformations "
        f"per variant: {s['transformations_per_variant']}. Word 3-gram Jaccard (lowercased "
        f"`\\w+` tokens, whole text) of variants with their originals: mean "
        f"{s['jaccard_mean']:.3f}, median {s['jaccard_median']:.3f}, deciles "
        f"{s['jaccard_deciles']}; by kind (mean/median): "
        + ", ".join(f"{k} {v['mean']:.2f}/{v['median']:.2f}" for k, v in jk.items())
        + f". Reworded leads: mean 3-gram Jaccard {s['lead_jaccard_mean'] or 0:.3f} with the "
        f"original lead. OCR noise: {100 * (s['ocr_error_rate_mean'] or 0):.2f} % of the "
        "characters on average. Real wire rewrites share about 30 % of word 3-grams.",
    ]
    lines += render_errors(results["errors"])
    meta = results["meta"]
    lines += [
        "",
        f"`{meta['command']}`, {meta['date']}, seed {meta['seed']}, {meta['total_s']:.1f} s in "
        f"all; Python {meta['python']}, "
        + ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
        + f"; {meta['cpus']} cores.",
    ]
    return "\n".join(lines) + "\n"


def versions() -> dict[str, str]:
    """Versions of the packages that produce the figures."""
    out = {}
    for package in ("dedup", "datasketch", "scikit-learn", "numpy"):
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            out[package] = "not installed"
    return out


def evaluate(
    dataset: Path, seed: int, workdir: Path, keep: Path | None, scan_options: Sequence[str]
) -> dict[str, Any]:
    """Build the set, run the systems, score them."""
    originals, short = load_originals(dataset)
    articles = build_set(originals, seed)
    corpus = write_set(articles, workdir)
    ids = [a.id for a in articles]
    runs = [
        run_dedup(corpus, ids, keep, scan_options),
        run_minhash(articles, 2),
        run_minhash(articles, 3),
    ]
    systems = {run.name: score(run, articles) for run in runs}
    by_id = {a.id: a for a in articles}
    scorer = DedupScorer(articles)
    dedup_scores = systems["dedup"]
    errors = {
        "missed": error_rows(dedup_scores.pop("missed"), by_id, runs[0].labels, scorer),
        "false": error_rows(dedup_scores.pop("false"), by_id, runs[0].labels, scorer),
    }
    add_causes(errors["missed"], errors["false"])
    for run in runs[1:]:
        m = systems[run.name]
        m["missed_count"], m["false_count"] = len(m.pop("missed")), len(m.pop("false"))
    return {
        "set": set_stats(articles, short),
        "systems": systems,
        "notes": {run.name: run.note for run in runs},
        "errors": errors,
        "dedup_document_candidates": runs[0].candidate_pairs,
        "variants": [
            {
                "id": a.id,
                "cluster": a.cluster,
                "source": a.source,
                "kinds": list(a.kinds),
                "jaccard": a.jaccard,
                "lead_jaccard": a.lead_jaccard,
                "ocr_rate": a.ocr_rate,
            }
            for a in sorted(articles, key=lambda a: a.id)
            if a.kinds
        ],
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1, help="seed of the set (default: 1)")
    parser.add_argument("--dataset", type=Path, default=DATASET, help="ground-truth.json")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="Markdown report")
    parser.add_argument("--json", type=Path, help="raw figures (default: --out with .json)")
    parser.add_argument("--keep", type=Path, help="keep the set and findings in this directory")
    parser.add_argument(
        "--scan-options",
        default="",
        help="more options for dedup scan, one string (e.g. '--containment 0.7')",
    )
    args = parser.parse_args(argv)
    if not args.dataset.is_file():
        print(f"skipped: {args.dataset} not found", file=sys.stderr)
        return 0
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="eval-syndication-") as tmp:
        workdir = args.keep or Path(tmp)
        results = evaluate(
            args.dataset, args.seed, workdir, args.keep, shlex.split(args.scan_options)
        )
    given = argv if argv is not None else sys.argv[1:]
    results["meta"] = {
        "command": shlex.join(["python", "benchmarks/eval_syndication.py", *given]),
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "seed": args.seed,
        "total_s": time.perf_counter() - t0,
        "python": platform.python_version(),
        "versions": versions(),
        "cpus": len(os.sched_getaffinity(0)),
    }
    markdown = render(results)
    sys.stdout.write(markdown)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown, encoding="utf-8")
    json_path = args.json or args.out.with_suffix(".json")
    json_path.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
