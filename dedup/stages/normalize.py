"""Stage 2, normalize: map a paragraph to the form every comparison is made on.

Consumes one paragraph of original text, produces its normalized text. Findings never show
normalized text: they point at the original file and lines, so the normalizer is free to be
aggressive about typography and conservative about letters.

Steps, in order (the order matters):

1. Unicode NFKC: ligatures (``ﬁ`` -> ``fi``), no-break and narrow no-break spaces,
   full-width forms, the ellipsis character (``…`` -> ``...``).
2. Typography: every apostrophe and single quote (’ ‘ ʼ ‛ ′ ´) becomes ``'``; every double
   quote and guillemet (« » “ ” „ ‟ ″ ‹ ›) becomes ``"``; dashes and the minus sign become
   ``-``; bullets become spaces; zero-width characters and soft hyphens are removed.
3. Case folding (``str.casefold``), then NFKC again: folding can produce sequences that are
   not in normal form, and normalizing twice is what makes the whole function idempotent.
4. Whitespace: runs of white space collapse to one space, and the ends are stripped.

Segments carry the *typographic form* (every step but case folding): comparisons fold its
case (:func:`fold_case`, which maps it word for word onto the normalized form), and the
verifier reads facts from it (capitalised names).

Accents are kept: ``é`` and ``e`` stay different letters (NFKC composes them, it never
strips them), because in French they distinguish words (``côte``, ``cote``, ``côté``).
"""

from __future__ import annotations

import unicodedata

from dedup.escape import replace_surrogates

_SINGLE_QUOTES = "\u2019\u2018\u02bc\u201b\u2032\u00b4\u0060"
_DOUBLE_QUOTES = "\u00ab\u00bb\u201c\u201d\u201e\u201f\u2033\u2039\u203a"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_BULLETS = "\u2022\u00b7\u2023\u2043\u25e6\u25aa\u25ab\u25a0\u25a1\u25ba\u25b6\u2219\u27a2"
_REMOVED = "\u200b\u200c\u200d\u2060\ufeff\u00ad"

#: White space other than " " and "\n": every character for which ``str.isspace`` holds
#: (the set that both ``\s`` in ``re`` and ``str.split()`` use; a test checks this list).
#: A text without any, without two spaces in a row and without a space at the start or end
#: of a line is already collapsed.
_ODD_SPACES = (
    "\t\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)

#: (character, replacement) pairs. ``str.replace`` guarded by ``in`` is several times faster
#: than ``str.translate`` with a dict on non-ASCII text, and most paragraphs need few of them.
_REPLACEMENTS: tuple[tuple[str, str], ...] = (
    *((c, "'") for c in _SINGLE_QUOTES),
    *((c, '"') for c in _DOUBLE_QUOTES),
    *((c, "-") for c in _DASHES),
    *((c, " ") for c in _BULLETS),
    *((c, "") for c in _REMOVED),
)


def normalize_text(text: str) -> str:
    """Return the normalized form of ``text`` (see the module docstring for the steps).

    >>> normalize_text("Poutine prêt pour une rencontre “inconditionnelle”")
    'poutine prêt pour une rencontre "inconditionnelle"'
    >>> normalize_text("l’armée\u00a0: « pure invention »")
    'l\\'armée : " pure invention "'
    >>> normalize_text("Une ﬁn  — enﬁn…")
    'une fin - enfin...'
    """
    return " ".join(fold_case(_typography(text)).split())


def _typography(text: str) -> str:
    """Steps 1 and 2 (Unicode forms and typography: everything but case and white space),
    on any text, line breaks included.

    A lone surrogate (an undecodable byte kept by the reader, or an escaped one in a JSON
    string) compares as U+FFFD."""
    text = replace_surrogates(text)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    for char, replacement in _REPLACEMENTS:
        if char in text:
            text = text.replace(char, replacement)
    return text


def fold_case(text: str) -> str:
    """Step 3: case folding, then NFKC again (folding can produce sequences that are not in
    normal form, and normalizing twice is what makes the whole function idempotent). It
    never creates or removes a line break or a space, so it maps the typographic form of a
    text (:func:`typographic_lines`) word for word onto its normalized form.

    >>> fold_case("Le Monde ÉCRIT")
    'le monde écrit'
    """
    text = text.casefold()
    if not text.isascii() and not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text


def typographic_lines(text: str) -> list[str]:
    """Steps 1, 2 and 4 of a whole text at once (case kept), one line per line: the form
    segments carry, from which facts (capitalised names, figures) are read; comparisons
    apply :func:`fold_case` to it.

    Line breaks are ``\\r\\n``, ``\\r`` or ``\\n``; normalization never creates or removes
    one, so line numbers still point into the original.

    >>> typographic_lines("L’Été\\r\\n« Oui »\\n")
    ["L'Été", '" Oui "', '']
    """
    # Line breaks become "\n" first: removing a zero-width character between "\r" and "\n"
    # must not merge two line breaks into one. ("\r\n" first, then a lone "\r": the same as
    # substituting the regex "\r\n|\r|\n", without a regex pass over every text.)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _typography(text)
    if (
        "  " in text
        or " \n" in text
        or "\n " in text
        or text.startswith(" ")
        or text.endswith(" ")
        or any(c in text for c in _ODD_SPACES)
    ):
        # Runs of white space (other than "\n") become one space, and each line is stripped.
        return [" ".join(line.split()) for line in text.split("\n")]
    return text.split("\n")


def normalize_lines(text: str) -> list[str]:
    """Normalize a whole text at once and return its lines, one normalized line per line.

    Equal to ``[normalize_text(line) for line in split_lines(text)]``, with one call per text
    instead of one per line.

    >>> normalize_lines("L’été\\r\\n« Oui »\\n")
    ["l'été", '" oui "', '']
    """
    return fold_case("\n".join(typographic_lines(text))).split("\n")


def typographic_offsets(original: str, form: str) -> list[int] | None:
    """Where each character of ``form``, the typographic form of ``original`` (steps 1, 2
    and 4; its lines joined by one space), comes from in ``original``, then
    ``len(original)``: so that a span found in the form can be shown in the original.
    ``None`` if ``form`` is not the typographic form of ``original`` character by character
    (a combining accent composed by NFKC, a Markdown marker left out, another text).

    >>> typographic_offsets("l’ﬁn  «x»", "l'fin \\"x\\"")
    [0, 1, 2, 2, 3, 4, 6, 7, 8, 9]
    >>> typographic_offsets("abc", "abd") is None
    True
    """
    out: list[int] = []
    i = 0
    for j, char in enumerate(original):
        if i < len(form) and form[i] == char:
            out.append(j)
            i += 1
            continue
        image = _typography(char)
        if not image:  # removed (zero-width, soft hyphen)
            continue
        if image.isspace():  # white space: one space between words, none at the ends
            if i < len(form) and form[i] == " ":
                out.append(j)
                i += 1
            continue
        if not form.startswith(image, i):
            return None
        out += [j] * len(image)
        i += len(image)
    if i != len(form):
        return None
    out.append(len(original))
    return out
