"""Built-in boilerplate patterns: data files of templates, compiled to one regex per set.

The lists live in ``dedup/data/patterns/<lang>.txt``, not in code, so that adding a pattern
is a one-line change a non-programmer can review. File format::

    # a comment
    [category]              sections name what the furniture is (comment-prompt, share, ...)
    laisser un commentaire  a whole-line template
    ^date #                 a prefix template: only the start of the line is furniture

Templates are matched against *normalized* lines (see :mod:`dedup.normalize`: lower case,
plain ``'`` and ``"``, collapsed spaces), and are normalized themselves when loaded, so they
may be written with any quotes. In a template:

- a word matches itself;
- ``…`` (or ``...``) is a slot: one to twelve words of anything;
- ``#`` is a number (digits, possibly with ``. , : / -`` inside: ``2025-02``, ``12:30``).

A whole-line template must cover the whole line, give or take surrounding punctuation
(bullets, ``. : ! ? | » " '``). A prefix template matches the start of a line (a dateline
glued to the first paragraph); the match reports where the prefix ends.

Rule ids are ``<lang>/<category>`` (for example ``fr/comment-prompt``): stable as long as the
category keeps its name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from dedup.errors import ConfigError
from dedup.normalize import normalize_text

_SLOT = r"\S+(?: \S+){0,11}"
_NUMBER = r"\d+(?:[.,:/-]\d+)*"
_EDGE = r"[\s\"'.:!?|»«*>·•()\[\]-]*"
_EDGE_CHARS = " \t\"'.:!?|»«*>·•()[]-"


def _key(token: str) -> str:
    """A template's or a line's first word, as the index files it."""
    return normalize_text(token).strip(_EDGE_CHARS)


#: Whole-line templates are tried on lines of at most this many words and characters
#: (furniture is short); prefix templates on the first PREFIX_CHARS characters.
MAX_WORDS = 40
MAX_CHARS = 400
PREFIX_CHARS = 120


@dataclass(frozen=True, slots=True)
class Pattern:
    """One template of a pattern list."""

    lang: str
    category: str
    template: str
    line: int
    prefix: bool

    @property
    def rule_id(self) -> str:
        return f"{self.lang}/{self.category}"


@dataclass(frozen=True, slots=True)
class PatternMatch:
    """A match: the pattern, and where it ends in the normalized line."""

    pattern: Pattern
    end: int


def _compile(template: str) -> str:
    parts = []
    for token in template.split():
        if token in ("…", "..."):
            parts.append(_SLOT)
        elif token == "#":
            parts.append(_NUMBER)
        else:
            parts.append(re.escape(normalize_text(token)))
    return " ".join(parts)


class PatternSet:
    """The patterns of some languages, compiled; :meth:`match` finds the first that fits."""

    def __init__(self, patterns: Sequence[Pattern]) -> None:
        self.patterns = tuple(patterns)
        # Each template is compiled on its own and filed under its first literal word, so a
        # line is tried only against the few templates that can start it; templates that
        # start with a slot or a number are filed under the first literal word they contain,
        # which the line must contain too.
        self._by_first: dict[tuple[bool, str], list[tuple[int, re.Pattern[str]]]] = {}
        self._anywhere: dict[bool, list[tuple[str, int, re.Pattern[str]]]] = {
            False: [],
            True: [],
        }
        for i, p in enumerate(self.patterns):
            body = _compile(p.template.lstrip("^"))
            tail = r"(?=\W|\Z)" if p.prefix else _EDGE + r"\Z"
            regex = re.compile(_EDGE + body + tail)
            tokens = p.template.lstrip("^").split()
            first = _key(tokens[0])
            if first and tokens[0] not in ("…", "...", "#"):
                self._by_first.setdefault((p.prefix, first), []).append((i, regex))
            else:
                literal = next(normalize_text(t) for t in tokens if t not in ("…", "...", "#"))
                self._anywhere[p.prefix].append((literal, i, regex))

    @classmethod
    def load(cls, langs: Sequence[str]) -> PatternSet:
        """The built-in lists of ``langs`` (``dedup/data/patterns/<lang>.txt``)."""
        patterns: list[Pattern] = []
        folder = resources.files("dedup") / "data" / "patterns"
        available = sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".txt"))
        for lang in langs:
            if lang not in available:
                raise ConfigError(
                    "patterns",
                    lang,
                    "no built-in pattern list for this "
                    f"language; available: {', '.join(available)}",
                )
            text = (folder / f"{lang}.txt").read_text(encoding="utf-8")
            patterns.extend(cls.parse(lang, text))
        return cls(patterns)

    @classmethod
    def from_text(cls, lang: str, text: str) -> PatternSet:
        return cls(cls.parse(lang, text))

    @staticmethod
    def parse(lang: str, text: str) -> list[Pattern]:
        """Parse a data file; a malformed line raises ValueError naming it."""
        out: list[Pattern] = []
        category: str | None = None
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("["):
                if not re.fullmatch(r"\[[a-z0-9-]+\]", line):
                    raise ValueError(f"{lang}.txt:{number}: a category is [lower-case-name]")
                category = line[1:-1]
                continue
            if category is None:
                raise ValueError(f"{lang}.txt:{number}: template before any [category]")
            prefix = line.startswith("^")
            body = line.lstrip("^").strip()
            if not body or all(t in ("…", "...", "#") for t in body.split()):
                raise ValueError(f"{lang}.txt:{number}: a template needs a literal word")
            out.append(Pattern(lang, category, line, number, prefix))
        return out

    def match(self, normalized_line: str) -> PatternMatch | None:
        """The first pattern (whole-line first, then prefix) matching the line, if any."""
        line = normalized_line
        first = line[:64].lstrip(_EDGE_CHARS).split(" ", 1)[0].strip(_EDGE_CHARS)
        if line.count(" ", 0, MAX_CHARS) < MAX_WORDS and len(line) < MAX_CHARS:
            found = self._first_match(False, first, line)
            if found is not None:
                return PatternMatch(self.patterns[found[0]], len(line))
        # A dateline sits at the very start: the head of the line is all a prefix can need.
        found = self._first_match(True, first, line[:PREFIX_CHARS])
        return PatternMatch(self.patterns[found[0]], found[1]) if found is not None else None

    def _first_match(self, prefix: bool, first: str, text: str) -> tuple[int, int] | None:
        tries = list(self._by_first.get((prefix, first), ()))
        tries += [(i, r) for lit, i, r in self._anywhere[prefix] if lit in text]
        for i, regex in sorted(tries, key=lambda t: t[0]) if len(tries) > 1 else tries:
            m = regex.match(text)
            if m is not None:
                return i, m.end()
        return None

    def __len__(self) -> int:
        return len(self.patterns)
