"""Built-in boilerplate patterns: site furniture that text extraction leaves in news pages.

The lists are data, one file per language (``dedup/data/patterns/<lang>.txt``), so that
adding a pattern is a one-line change a non-programmer can review. They are matched against
one *normalized* line (a paragraph, see :func:`dedup.stages.normalize.normalize_text`) at a time.

File format::

    # a comment line starts with '#'; blank lines are ignored
    [comment-prompt]              <- a category: the templates below belong to it
    laisser un commentaire        <- a whole-line template
    ^date #                       <- a prefix template (leading '^')

Template syntax:

- Words match literally. Templates are normalized like the text (lower case, plain ``'``
  and ``"``, ``…`` becomes ``...``), so they may be written in any case or typography.
- ``...`` (or ``…``) is a *slot*: 1 to 12 words of anything (1 to 3 in a prefix template).
- ``#`` is a *number*: digits, possibly with ``. , : / - h`` between digits
  (``2025``, ``2025-02``, ``12:30``, ``12h30``, ``1,234``). A line beginning with ``#`` is
  a comment, so a template that begins with a number is written ``\\#`` (``\\# comments``).
- ``{a|b|c}`` is a *choice* of words or short phrases; an empty alternative makes it
  optional (``{à|a} lire aussi``, ``share {this|} article``). Outside braces, ``|`` is
  ordinary punctuation.
- Punctuation in a template matches with or without spaces around it (``lire aussi :``
  matches ``lire aussi: x`` and ``lire aussi : x``). Where a template has a space between
  two words, the line may also have one of ``. , : ; | / -`` before that space.
- Leading bullets and punctuation (``- * + > | " ' . , : ; ! ? / ~ = ( [``) and trailing
  punctuation (``. , : ; ! ? | " ' ) ]``) around a template are always allowed.
- A whole-line template must match the whole line. Lines of more than
  :data:`MAX_WHOLE_LINE_WORDS` words are never tried against whole-line templates (site
  furniture is short).
- A *prefix* template (leading ``^``) matches the start of a line and must end at a word
  boundary. It is for datelines glued to the first paragraph: ``^date #`` matches the start
  of ``date 2025-02 le kremlin a indiqué ...``, and the rest of the line is content.
- A template that begins with ``...`` is tried only on lines that end like it (with its
  last word); if it also ends with ``...``, or is a prefix template, only on lines that
  contain its longest run of words and punctuation written without spaces (``(afp)`` in
  ``^... (afp) -``; for a prefix template, in the first :data:`PREFIX_WINDOW` characters).

Matching rule: whole-line templates are tried first, then prefix templates. Within each
kind, templates that begin with a word, a number or a symbol are tried before those that
begin with ``...``; within each of these groups the first template that matches wins, in
the order of the languages given to :meth:`PatternSet.load`, then of the lines of each file.

Rule ids (:attr:`Pattern.rule_id`) are ``<lang>/<category>:<slug>``. The slug is the
template with each choice replaced by its first alternative, accents removed, ``...``
written ``X``, a number ``N``, ``©`` ``c``, a leading ``^`` kept, and every other run of
characters that are not ASCII letters or digits written ``-``:
``fr/comment-prompt:laisser-un-commentaire``, ``fr/read-more:pour-en-savoir-plus-X-consultez-X``,
``fr/published-updated:^date-N``. Ids depend on the template's text only, not on its line,
so they survive edits elsewhere in the file; two templates of one category of one file
with the same slug are an error (reorder the choice, or merge the two lines).

The template language (tokenizer, compiler) is :mod:`dedup.stages.pattern_language`.

Speed: each template is filed under the words a matching line can start with (``#`` for
any number); the templates filed under one word are compiled to one alternation regex, one
capturing group per template (``m.lastindex`` names the template). A line is tried only
against the templates of its first word, so most lines cost a dictionary lookup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from dedup.config import PATTERN_LISTS, unknown_pattern_list
from dedup.errors import ConfigError
from dedup.stages.pattern_cache import cache_templates, cached_templates
from dedup.stages.pattern_language import (
    LEAD_CHARS,
    TRAIL_CHARS,
    CompiledTemplate,
    compile_template,
    slug,
    word_key,
)

#: Languages with a built-in pattern list.
LANGUAGES: tuple[str, ...] = PATTERN_LISTS
#: Lines with more words than this are never tried against whole-line templates.
MAX_WHOLE_LINE_WORDS = 40
#: A prefix template that begins with a slot is tried on a line only when its longest run of
#: words and punctuation occurs in this many first characters of the line.
PREFIX_WINDOW = 100

_LEAD = "[" + re.escape(LEAD_CHARS) + "]*"
_TRAIL = "[" + re.escape(TRAIL_CHARS) + "]*"
_CATEGORY = re.compile(r"\[([a-z0-9]+(?:-[a-z0-9]+)*)\]")


@dataclass(frozen=True, slots=True)
class Pattern:
    """One template of a built-in pattern list.

    Attributes:
        lang: language of the list (``"fr"``).
        category: category the template is listed under (``"comment-prompt"``).
        template: the template as written in the file, with its ``^`` if any.
        line: 1-based line of the template in the data file.
        prefix: True for a prefix template (``^``), which marks only the start of a line.
    """

    lang: str
    category: str
    template: str
    line: int
    prefix: bool

    @property
    def rule_id(self) -> str:
        """Stable, readable id ``<lang>/<category>:<slug>`` (see the module docstring)."""
        return f"{self.lang}/{self.category}:{slug(self.template)}"


@dataclass(frozen=True, slots=True)
class PatternMatch:
    """A template that matched a normalized line.

    Attributes:
        pattern: the template.
        end: end offset of the match in the normalized line: ``len(line)`` for a whole-line
            template; for a prefix template, the end of the dateline (the content is
            ``line[end:].strip()``).
    """

    pattern: Pattern
    end: int


def _parse(lang: str, text: str) -> list[Pattern]:
    patterns: list[Pattern] = []
    category: str | None = None
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{lang}.txt:{number}"
        if line.startswith("["):
            m = _CATEGORY.fullmatch(line)
            if m is None:
                raise ValueError(f"{where}: a category header is [lower-case-name]: {line!r}")
            category = m.group(1)
            continue
        if category is None:
            raise ValueError(f"{where}: template before any [category] header: {line!r}")
        pattern = Pattern(lang, category, line, number, line.startswith("^"))
        try:
            compile_template(line)
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}: {line!r}") from None
        rule = pattern.rule_id
        if rule in seen:
            raise ValueError(f"{where}: same rule id {rule!r} as line {seen[rule]}: {line!r}")
        seen[rule] = number
        patterns.append(pattern)
    return patterns


_Entry = tuple[re.Pattern[str], tuple[Pattern, ...]]
_WORD = re.compile(r"\w+(?:['-]\w+)*")
_WORD_END = re.compile(r"\w+(?:['-]\w+)*$")


def _head_key(line: str) -> str:
    """Dispatch key of the start of a normalized line, after its lead characters: its first
    word, ``#`` when that word starts with a digit, or its first character if it is a symbol.
    """
    start = line.lstrip(LEAD_CHARS)
    m = _WORD.match(start)
    if m is None:
        return start[:1]
    return word_key(m.group())


def _tail_key(end: str) -> str:
    """Dispatch key of the end of a normalized line stripped of its trail characters."""
    chunk = end[end.rfind(" ") + 1 :]
    m = _WORD_END.search(chunk)
    return word_key(m.group()) if m else chunk[-1:]


class _Matcher:
    """Templates of one kind (whole-line or prefix), dispatched on a line's edge words.

    Each template is filed under the keys (see :func:`_head_key`) its matches can start
    with; a template that begins with a slot, under the keys its matches can end with; a
    template with a slot at both ends, under its needle (:class:`CompiledTemplate`). A line is
    tried against the templates of its first key, then of its last key, then of the needles
    it contains (in the first :data:`PREFIX_WINDOW` characters, for prefix templates). The
    templates of each key are compiled to one alternation, one capturing group per template.
    """

    def __init__(self, templates: Sequence[tuple[Pattern, CompiledTemplate]], prefix: bool) -> None:
        self._prefix = prefix
        patterns = [p for p, _ in templates]
        compiled = [c for _, c in templates]
        heads: dict[str, list[int]] = {}
        tails: dict[str, list[int]] = {}
        needles: dict[str, list[int]] = {}
        for i, c in enumerate(compiled):
            if c.head is not None:
                for key in c.head:
                    heads.setdefault(key, []).append(i)
            elif c.tail is not None:
                for key in c.tail:
                    tails.setdefault(key, []).append(i)
            else:
                needles.setdefault(c.needle, []).append(i)
        # Each key's alternation is compiled the first time a line needs it: a corpus uses a
        # few dozen of the hundreds of head keys, and compiling them all costs half a second.
        self._patterns, self._compiled = patterns, compiled
        self._head_ids, self._tail_ids, self._needle_ids = heads, tails, needles
        self._heads: dict[str, _Entry] = {}
        self._tails: dict[str, _Entry] = {}
        # A cheap test before computing a line's tail key: the texts tail keys end with.
        self._tail_ends = tuple(
            k for key in tails for k in (tuple("0123456789") if key == "#" else (key,))
        )
        self._needles: dict[str, _Entry] = {}
        self._find_needle = (
            re.compile("|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True)))
            if needles
            else None
        )

    def _build(
        self, patterns: Sequence[Pattern], compiled: Sequence[CompiledTemplate], chosen: list[int]
    ) -> _Entry:
        # Each branch has its own lead, so that the first template in file order wins even
        # when a later one needs fewer lead characters.
        branches = "|".join(f"({_LEAD}{compiled[i].regex})" for i in chosen)
        tail = r"(?!\w)" if self._prefix else _TRAIL
        regex = re.compile(f"(?:{branches}){tail}")
        # Group n (1-based) is the template patterns[chosen[n - 1]]; item 0 is never read.
        return regex, (patterns[chosen[0]], *(patterns[i] for i in chosen))

    def _entry(
        self, ids: dict[str, list[int]], built: dict[str, _Entry], key: str
    ) -> _Entry | None:
        entry = built.get(key)
        if entry is None:
            chosen = ids.get(key)
            if chosen is None:
                return None
            entry = built[key] = self._build(self._patterns, self._compiled, chosen)
        return entry

    def find(self, line: str, head: str) -> PatternMatch | None:
        """The first template of this kind that matches ``line``, whose head key is ``head``.

        Whole-line templates are not tried on lines of more than
        :data:`MAX_WHOLE_LINE_WORDS` words (counted only when a template is to be tried).
        """
        entry = self._entry(self._head_ids, self._heads, head)
        if entry is not None:
            if self._too_long(line):
                return None
            found = self._try(entry, line)
            if found is not None:
                return found
        if self._tail_ends:
            end = line.rstrip(TRAIL_CHARS)
            if end.endswith(self._tail_ends):
                entry = self._entry(self._tail_ids, self._tails, _tail_key(end))
                if entry is not None and not self._too_long(line):
                    found = self._try(entry, line)
                    if found is not None:
                        return found
        if self._find_needle is not None:
            window = line[:PREFIX_WINDOW] if self._prefix else line
            if self._find_needle.search(window) is not None and not self._too_long(line):
                for m in self._find_needle.finditer(window):
                    needle = self._entry(self._needle_ids, self._needles, m.group())
                    found = self._try(needle, line) if needle is not None else None
                    if found is not None:
                        return found
        return None

    def _too_long(self, line: str) -> bool:
        return not self._prefix and line.count(" ") >= MAX_WHOLE_LINE_WORDS

    def _try(self, entry: _Entry, line: str) -> PatternMatch | None:
        regex, owners = entry
        m = regex.match(line) if self._prefix else regex.fullmatch(line)
        if m is None or m.lastindex is None:
            return None
        return PatternMatch(owners[m.lastindex], m.end(m.lastindex) if self._prefix else len(line))


class PatternSet:
    """Compiled built-in patterns of one or more languages.

    Attributes:
        patterns: the templates, in matching order (languages in the order given, then file
            order); an index into this tuple identifies a template within the set.
    """

    def __init__(
        self, patterns: Iterable[Pattern], compiled: Sequence[CompiledTemplate] | None = None
    ) -> None:
        """Compile ``patterns`` (parsed by :meth:`load` or :meth:`from_text`), unless their
        ``compiled`` templates are given (read from the cache)."""
        self.patterns: tuple[Pattern, ...] = tuple(patterns)
        if compiled is None:
            compiled = [compile_template(p.template) for p in self.patterns]
        kinds = [(p, c) for p, c in zip(self.patterns, compiled, strict=True)]
        self._whole = _Matcher([pc for pc in kinds if not pc[0].prefix], prefix=False)
        self._prefix = _Matcher([pc for pc in kinds if pc[0].prefix], prefix=True)

    @classmethod
    def load(cls, langs: Sequence[str]) -> PatternSet:
        """Load the built-in lists ``dedup/data/patterns/<lang>.txt`` of ``langs``, in order.

        Args:
            langs: language codes, for example ``("fr", "en")``; a repeated code loads once.

        Returns:
            The compiled set.

        Raises:
            ConfigError: a language has no built-in list.
        """
        texts: dict[str, str] = {}
        for lang in langs:
            if lang not in LANGUAGES:
                raise ConfigError("patterns", lang, unknown_pattern_list(lang))
            if lang not in texts:
                resource = resources.files("dedup").joinpath("data", "patterns", f"{lang}.txt")
                texts[lang] = resource.read_text(encoding="utf-8")
        cached = cached_templates(texts)
        if cached is not None:
            return cls(*cached)
        patterns = [p for lang, text in texts.items() for p in _parse(lang, text)]
        compiled = [compile_template(p.template) for p in patterns]
        cache_templates(texts, patterns, compiled)
        return cls(patterns, compiled)

    @classmethod
    def from_text(cls, lang: str, text: str) -> PatternSet:
        """Parse the text of a pattern file (format in the module docstring).

        Args:
            lang: language code the templates are reported under.
            text: the file's text.

        Returns:
            The compiled set.

        Raises:
            ValueError: a line is malformed; the message starts with ``<lang>.txt:<line>:``.
        """
        return cls(_parse(lang, text))

    def match(self, normalized_line: str, prefixes: bool = True) -> PatternMatch | None:
        """Return the first template that matches ``normalized_line``, or None.

        Whole-line templates are tried first (on lines of at most
        :data:`MAX_WHOLE_LINE_WORDS` words), then prefix templates.

        Args:
            normalized_line: one line, normalized by :func:`dedup.stages.normalize.normalize_text`.
            prefixes: also try prefix templates (datelines); the caller can skip them for
                lines that are not at the start of an article.

        Returns:
            The match, or None.
        """
        if not prefixes and normalized_line.count(" ") >= MAX_WHOLE_LINE_WORDS:
            return None  # what the whole-line matcher answers for a long line, sooner
        head = _head_key(normalized_line)
        found = self._whole.find(normalized_line, head)
        if found is not None or not prefixes:
            return found
        return self._prefix.find(normalized_line, head)

    def __len__(self) -> int:
        """Number of templates."""
        return len(self.patterns)


@lru_cache(maxsize=4)
def load_patterns(langs: tuple[str, ...]) -> tuple[PatternSet, dict[object, int]]:
    """The built-in lists of ``langs`` (:meth:`PatternSet.load`), loaded and compiled once per
    process, and each pattern's index in them."""
    patterns = PatternSet.load(langs)
    return patterns, {p: i for i, p in enumerate(patterns.patterns)}
