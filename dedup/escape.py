"""Untrusted text on its way out: corpus text, ids and file names are never shown raw.

Two hazards, two functions:

- :func:`printable` for terminals and CI logs: control characters (C0 and C1, DEL), line
  and paragraph separators, bidirectional overrides and lone surrogates are written as
  visible escapes (``\\x1b``, ``\\u202e``), so that an article cannot clear the screen,
  set the window title, emit a hyperlink, or start a line that a CI runner reads as a
  workflow command. JSON and SARIF escape these characters themselves.
- :func:`replace_surrogates` for text that must encode as UTF-8: an undecodable byte of an
  input is kept as a lone surrogate (``surrogateescape``) so that a cleaned file gets it back
  unchanged, and a JSON Lines string may hold an escaped lone surrogate (``"\\ud800"``);
  comparisons and excerpts see U+FFFD instead.
"""

from __future__ import annotations

import re

_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SURROGATES = re.compile("[\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every character a terminal or a CI log would act on made visible.

    >>> printable("a\\x1b[2Jb\\n::warning::c\\u202e")
    'a\\\\x1b[2Jb\\\\x0a::warning::c\\\\u202e'
    >>> printable("l'été, « oui »")
    "l'été, « oui »"
    """
    if text.isascii() and text.isprintable():
        return text
    return _UNPRINTABLE.sub(_escape, text)


def replace_surrogates(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD (REPLACEMENT CHARACTER).

    >>> replace_surrogates("caf\\udce9 \\ud800")
    'caf\\ufffd \\ufffd'
    """
    if text.isascii():
        return text
    return _SURROGATES.sub("\ufffd", text)


def has_surrogates(text: str) -> bool:
    return not text.isascii() and _SURROGATES.search(text) is not None
