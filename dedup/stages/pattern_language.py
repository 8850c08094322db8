"""The template language of the built-in pattern lists: tokenizer and compiler.

The syntax is documented with the lists (:mod:`dedup.stages.patterns`). A template is
tokenized (words, punctuation, ``...`` slots, ``#`` numbers, ``{a|b}`` choices), then compiled
to what the matcher needs (:class:`CompiledTemplate`): a regex fragment, the keys a matching
line can start or end with, and the *needle*, a text every matching line contains. The rule
id's slug (:func:`slug`) is derived from the template's text here too.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from dedup.stages.normalize import normalize_text

#: A slot matches 1 to this many words in a whole-line template...
SLOT_WORDS = 12
#: ...and 1 to this many words in a prefix template.
PREFIX_SLOT_WORDS = 3

#: Characters allowed (and ignored) before a template: bullets, quotes, punctuation.
LEAD_CHARS = " -*+>|\"'.,:;!?/~=(["
#: Characters allowed (and ignored) after a whole-line template.
TRAIL_CHARS = " .,:;!?|\"')]"

_ATOMIC = sys.version_info >= (3, 11)  # atomic groups (?>...) are new in Python 3.11
_NUMBER = r"\d+(?:[.,:/h-]\d+)*h?"
_SPACE_SEP = r"(?: ?[.,:;|/-])? "
_PUNCT_SEP = " ?"
_CHOICE = re.compile(r"\{([^{}]*)\}")
_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<slot>\.\.\.)
      | (?P<number>\#)
      | (?P<choice>\{[^{}]*\})
      | (?P<word>\w+(?:['-]\w+)*)
      | (?P<punct>[^\w\s{}\\^])
      | (?P<bad>.)""",
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "slot", "number", "choice", "word", "punct"
    text: str
    spaced: bool  # white space before it in the template
    alts: tuple[tuple[_Token, ...], ...] = ()

    @property
    def optional(self) -> bool:
        return self.kind == "choice" and any(not alt for alt in self.alts)

    @property
    def left_punct(self) -> bool:
        if self.kind == "choice":
            return any(alt and alt[0].kind == "punct" for alt in self.alts)
        return self.kind == "punct"

    @property
    def right_punct(self) -> bool:
        if self.kind == "choice":
            return any(alt and alt[-1].kind == "punct" for alt in self.alts)
        return self.kind == "punct"


@dataclass(frozen=True, slots=True)
class CompiledTemplate:
    """What the matcher needs of one template (see :func:`compile_template`)."""

    regex: str
    head: frozenset[str] | None  # edge keys a matching line can start with; None: any
    tail: frozenset[str] | None  # edge keys a matching line can end with; None: any
    needle: str  # a matching line contains this text (see _needle)


def _tokenize(text: str, *, inner: bool = False) -> tuple[_Token, ...]:
    tokens: list[_Token] = []
    spaced = False
    for m in _TOKEN.finditer(text):
        kind, value = m.lastgroup or "bad", m.group()
        if kind == "space":
            spaced = True
            continue
        if kind == "bad":
            raise ValueError(f"unexpected character {value!r}")
        if inner and kind in ("slot", "choice"):
            raise ValueError(f"{value!r} is not allowed inside a choice {{...}}")
        alts: tuple[tuple[_Token, ...], ...] = ()
        if kind == "choice":
            alts = tuple(_tokenize(alt, inner=True) for alt in value[1:-1].split("|"))
            if len(alts) < 2:
                raise ValueError(f"a choice needs at least two alternatives: {value!r}")
        glued = tokens and not spaced
        if glued and "slot" in (kind, tokens[-1].kind) and "punct" not in (kind, tokens[-1].kind):
            raise ValueError("'...' must be separated from the words around it by spaces")
        tokens.append(_Token(kind, value, spaced, alts))
        spaced = False
    if not tokens and not inner:
        raise ValueError("empty template")
    return tuple(tokens)


def _separator(left: _Token, right: _Token) -> str:
    if left.right_punct or right.left_punct:
        return _PUNCT_SEP
    return _SPACE_SEP if right.spaced else ""


def _token_regex(token: _Token, slot_words: int, atomic: bool = False) -> str:
    if token.kind in ("word", "punct"):
        return re.escape(token.text)
    if token.kind == "number":
        return _NUMBER
    if token.kind == "slot":
        # A slot's words are atomic (never given back character by character) when what
        # follows starts after a space anyway: the same matches, without the backtracking.
        word = r"(?>\S+)" if atomic and _ATOMIC else r"\S+"
        return rf"{word}(?: {word}){{0,{slot_words - 1}}}"
    alts = [_sequence_regex(alt, slot_words) for alt in token.alts if alt]
    return "(?:" + "|".join(alts) + ")"


def _sequence_regex(tokens: Sequence[_Token], slot_words: int) -> str:
    parts: list[str] = []
    started = False
    for i, token in enumerate(tokens):
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        atomic = after is None or (not after.optional and _separator(token, after) == _SPACE_SEP)
        body = _token_regex(token, slot_words, atomic)
        if not started:
            if token.optional:  # a leading optional choice takes the separator after it
                sep = _separator(token, after) if after is not None else ""
                parts.append(f"(?:{body}{sep})?")
                continue
            started = True
            parts.append(body)
            continue
        sep = _separator(tokens[i - 1], token)
        parts.append(f"(?:{sep}{body})?" if token.optional else sep + body)
    if not started:
        raise ValueError("a template made of optional choices only matches nothing")
    return "".join(parts)


def word_key(word: str) -> str:
    """Dispatch key of a word: the word itself, or ``#`` for anything that starts a number."""
    return "#" if word[0].isdigit() else word


def _edge_keys(tokens: Sequence[_Token], *, from_end: bool) -> set[str] | None:
    """Keys (see :func:`word_key`) a line matching ``tokens`` can start (or end) with.

    None when that edge can be anything: a slot, or a word glued to what follows it.
    """
    skip = TRAIL_CHARS if from_end else LEAD_CHARS
    order = range(len(tokens) - 1, -1, -1) if from_end else range(len(tokens))
    out: set[str] = set()
    for i in order:
        token = tokens[i]
        if token.kind == "punct" and token.text in skip:
            continue
        if token.kind == "slot":
            return None
        if token.kind != "punct":
            # A word glued to its inner neighbour ("réservé{e|}") is not a whole word.
            if from_end:
                inner, glued = (tokens[i - 1] if i else None), not token.spaced
            else:
                inner = tokens[i + 1] if i + 1 < len(tokens) else None
                glued = inner is not None and not inner.spaced
            if glued and inner is not None and inner.kind != "punct":
                return None
        if token.kind == "punct":
            return out | {token.text}
        if token.kind == "word":
            return out | {word_key(token.text)}
        if token.kind == "number":
            return out | {"#"}
        optional = False
        for alt in token.alts:
            sub = _edge_keys(alt, from_end=from_end) if alt else set()
            if sub is None:
                return None
            optional = optional or not sub
            out |= sub
        if not optional:
            return out
    return None


def _needle(tokens: Sequence[_Token]) -> str:
    """The longest run of words and punctuation written without spaces in ``tokens``
    (``(afp)`` in ``... (afp) -``): every line that matches contains it, give or take
    spacing. Empty when there is none."""
    runs: list[str] = []
    run = ""
    for token in tokens:
        if token.kind not in ("word", "punct"):
            runs.append(run)
            run = ""
        elif token.spaced:
            runs.append(run)
            run = token.text
        else:
            run += token.text
    runs.append(run)
    return max(runs, key=len)


@lru_cache(maxsize=4096)
def _compile_body(body: str, prefix: bool) -> CompiledTemplate:
    """Compile one normalized template body (without its ``^``) to a regex fragment."""
    tokens = _tokenize(body)
    regex = _sequence_regex(tokens, PREFIX_SLOT_WORDS if prefix else SLOT_WORDS)
    head = _edge_keys(tokens, from_end=False)
    tail = None if prefix else _edge_keys(tokens, from_end=True)
    needle = _needle(tokens)
    if head is None and tail is None and not needle:
        raise ValueError("a template that begins with '...' must contain a plain word")
    return CompiledTemplate(
        regex,
        frozenset(head) if head is not None else None,
        frozenset(tail) if tail is not None else None,
        needle,
    )


@lru_cache(maxsize=4096)
def compile_template(template: str) -> CompiledTemplate:
    """Compile a template as written in a pattern file (with its ``^`` if any); raise
    ValueError, with the reason, when it is malformed. Cached (the result is frozen): a
    pattern file is checked when it is read, and compiled again for its matcher."""
    return _compile_body(*_split(template))


def _split(template: str) -> tuple[str, bool]:
    """The normalized body of a template as written, and whether it is a prefix template."""
    prefix = template.startswith("^")
    body = template[1:].strip() if prefix else template
    if body.startswith("\\#"):
        body = body[1:]
    return normalize_text(body), prefix


def _first_alternative(m: re.Match[str]) -> str:
    return next((alt for alt in m.group(1).split("|") if alt.strip()), "")


def slug(template: str) -> str:
    """The slug of a template's rule id (how it is made: :mod:`dedup.stages.patterns`)."""
    body, prefix = _split(template)
    body = _CHOICE.sub(_first_alternative, body)
    body = body.replace("...", " X ").replace("#", " N ").replace("©", " c ")
    body = "".join(c for c in unicodedata.normalize("NFKD", body) if not unicodedata.combining(c))
    return ("^" if prefix else "") + re.sub(r"[^0-9A-Za-z]+", "-", body).strip("-")
