"""Typed tables: the columns that cross the map/reduce boundary, named.

A worker turns a shard of articles into a :class:`ParTable` (one row per paragraph) and a
:class:`DocTable` (one row per article); the corpus concatenates them. Every column is a
numpy array of one row per paragraph (or article), so adding a column is adding one field,
and a stage reads ``corpus.pars.tokens``, never a column looked up by a string.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T", bound="_Columns")


class _Columns:
    """Row operations shared by the tables: every field is a column with one row per item."""

    __slots__ = ()

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))  # type: ignore[arg-type]

    @classmethod
    def empty(cls: type[T]) -> T:
        """A table without rows."""
        return cls(**{name: np.zeros(0, dtype=np.int64) for name in cls.names()})

    @classmethod
    def gathered(cls: type[T], columns: dict[str, list[np.ndarray]]) -> T:
        """The table of the parts of each column (``columns[name]``: its parts in row
        order), concatenated one column at a time, each column's parts dropped as soon as it
        is whole: peak memory is the parts and one column, not twice the table."""
        out: dict[str, Any] = {}
        for name in cls.names():
            parts = columns.pop(name)
            out[name] = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
            parts.clear()
        return cls(**out)

    def head(self: T, n: int) -> T:
        """The first ``n`` rows."""
        return type(self)(**{name: getattr(self, name)[:n] for name in self.names()})

    def __len__(self) -> int:
        return int(getattr(self, self.names()[0]).shape[0])


@dataclass(frozen=True, slots=True)
class ParTable(_Columns):
    """One row per paragraph, in article order."""

    doc: np.ndarray  # int64: the article (its index in the shard, or in the corpus)
    start: np.ndarray  # int32: its first line (1-based, in the article's text)
    end: np.ndarray  # int32: its last line
    title: np.ndarray  # bool: it is the article's title
    tokens: np.ndarray  # int64: its words
    hash: np.ndarray  # uint64: exact key of its normalized text (0 when empty)
    bands: np.ndarray  # [paragraphs, bands]: MinHash LSH band keys
    pattern: np.ndarray  # int32: the built-in pattern it matches, -1 for none


@dataclass(frozen=True, slots=True)
class DocTable(_Columns):
    """One row per article."""

    bands: np.ndarray  # [articles, bands]: MinHash LSH band keys of its body
    hash: np.ndarray  # uint64: exact key of its body
    tokens: np.ndarray  # int64: words of its body
    shingles: np.ndarray  # int64: shingles its signature holds (stock phrases left out)
    signature: np.ndarray  # uint32[articles, num_perm]: MinHash of its body's shingles
