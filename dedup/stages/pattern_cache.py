"""The on-disk cache of the compiled built-in patterns (:mod:`dedup.stages.patterns`): the
parsed templates and their compiled form as JSON rows, keyed by what they depend on, so
that a ``dedup check`` from a hook does not compile the lists on every run. Reading a row
runs no code (JSON, never pickle); a row of another shape is a miss.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dedup.io.cache import read_cached, write_cached
from dedup.stages import normalize, pattern_language
from dedup.stages.pattern_language import CompiledTemplate

if TYPE_CHECKING:
    from dedup.stages.patterns import Pattern

_CACHE_NAME = "patterns"
_CacheRow = list[Any]


def cached_templates(texts: dict[str, str]) -> tuple[list[Pattern], list[CompiledTemplate]] | None:
    """The patterns and compiled templates of the pattern files ``texts`` (by language, in
    order) if the cache holds them."""
    return _from_cache(read_cached(_CACHE_NAME, _cache_key(texts)))


def cache_templates(
    texts: dict[str, str], patterns: list[Pattern], compiled: list[CompiledTemplate]
) -> None:
    """Store the patterns and compiled templates of ``texts`` (a folder that cannot be
    written is skipped)."""
    rows = [_cache_row(p, c) for p, c in zip(patterns, compiled, strict=True)]
    write_cached(_CACHE_NAME, _cache_key(texts), rows)


def _cache_key(texts: dict[str, str]) -> str:
    """A digest of what the compiled templates depend on: the pattern files, in order, and
    the source of the template compiler and of the normalization it applies."""
    digest = hashlib.sha256()
    for module in (pattern_language, normalize):
        digest.update(Path(str(module.__file__)).read_bytes())
    digest.update(json.dumps(list(texts.items()), ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


def _cache_row(p: Pattern, c: CompiledTemplate) -> _CacheRow:
    head = sorted(c.head) if c.head is not None else None
    tail = sorted(c.tail) if c.tail is not None else None
    return [p.lang, p.category, p.template, p.line, p.prefix, c.regex, head, tail, c.needle]


def _from_cache(rows: Any) -> tuple[list[Pattern], list[CompiledTemplate]] | None:
    """The patterns and compiled templates of cached ``rows``, or None if they are not
    exactly what :func:`_cache_row` writes."""
    from dedup.stages.patterns import Pattern  # the module that imports this one

    if not isinstance(rows, list):
        return None
    patterns, compiled = [], []
    for row in rows:
        if not (isinstance(row, list) and len(row) == 9):
            return None
        lang, category, template, line, prefix, regex, head, tail, needle = row
        texts = (lang, category, template, regex, needle)
        if not all(isinstance(t, str) for t in texts) or not isinstance(prefix, bool):
            return None
        if not isinstance(line, int) or not all(_keys_ok(k) for k in (head, tail)):
            return None
        patterns.append(Pattern(lang, category, template, line, prefix))
        compiled.append(
            CompiledTemplate(
                regex,
                frozenset(head) if head is not None else None,
                frozenset(tail) if tail is not None else None,
                needle,
            )
        )
    return patterns, compiled


def _keys_ok(keys: Any) -> bool:
    return keys is None or (isinstance(keys, list) and all(isinstance(k, str) for k in keys))
