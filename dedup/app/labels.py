"""Reading labelled files, the LABELS of ``dedup eval``: JSON Lines or TSV records (TSV with
a header row), label values, texts inline or in files relative to the labels file; a bad
record is a warning naming its line, not an end. What fields each task reads is said where
the task is (:func:`dedup.app.evaluate.read_pairs` and the other readers).
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from dedup.errors import InputError
from dedup.records import InputWarning


@dataclass(frozen=True, slots=True)
class LabelledPair:
    """Two texts (for documents: article bodies, one paragraph a line, and their titles)."""

    a: str
    b: str
    label: bool
    a_title: str = ""
    b_title: str = ""


@dataclass(frozen=True, slots=True)
class LabelledArticle:
    """One article of a cluster set: its text inline, or a file to read."""

    cluster: str
    text: str | None = None
    path: str | None = None
    title: str | None = None
    source: str | None = None
    date: str | None = None


@dataclass(frozen=True, slots=True)
class LabelledLine:
    """Line ``line`` of ``path`` (of record ``id``'s text, for JSON Lines) is boilerplate?"""

    path: str
    line: int
    boilerplate: bool
    id: str | None = None


#: Labels of a pair, as ``bbc-news-pairs`` spells them: only a copy is a duplicate.
PAIR_LABELS = {"copy": True, "related": False, "template": False, "unrelated": False}


def label_value(value: object) -> bool:
    """A label: 0 or 1 (a number, a string or a boolean), or a pair label of
    :data:`PAIR_LABELS`."""
    if value in (0, 1, "0", "1", True, False):
        return value in (1, "1", True)
    if isinstance(value, str) and value in PAIR_LABELS:
        return PAIR_LABELS[value]
    raise ValueError(f"label must be 0 or 1 (or copy, related, template), not {value!r}")


def records(path: str) -> Iterable[tuple[int, dict[str, Any]]]:
    """(line number, record) of a JSON Lines or TSV file; TSV needs a header row."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            if path.lower().endswith((".tsv", ".tab", ".txt")):
                reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
                header = next(reader, [])
                for number, row in enumerate(reader, start=2):
                    yield number, dict(zip(header, row, strict=False))
                return
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield number, {"__error__": f"malformed JSON ({exc.msg})"}
                    continue
                yield number, record if isinstance(record, dict) else {"__error__": "not an object"}
    except OSError as exc:
        raise InputError(path, f"cannot read labels: {exc.strerror or exc}") from None


def resolve(base: str, path: str) -> str:
    """A path in a labels file is relative to that file's folder."""
    return path if os.path.isabs(path) else os.path.join(os.path.dirname(base) or ".", path)


def read_side(record: dict[str, Any], side: str, base: str) -> str:
    """The text of one side (``a`` or ``b``) of a pair record: inline, or read from
    ``{side}_path`` (relative to the labels file ``base``)."""
    if isinstance(record.get(side), str):
        return str(record[side])
    path = record.get(f"{side}_path")
    if not isinstance(path, str):
        raise ValueError(f"needs '{side}' (text) or '{side}_path'")
    with open(resolve(base, path), encoding="utf-8-sig") as handle:
        return handle.read()


_T = TypeVar("_T")


def read_labelled(
    path: str, parse: Callable[[dict[str, Any]], _T]
) -> tuple[list[_T], list[InputWarning]]:
    """Parse every record of ``path``; a bad one is a warning naming its line, not an end."""
    items, warnings = [], []
    for number, record in records(path):
        try:
            if "__error__" in record:
                raise ValueError(record["__error__"])
            items.append(parse(record))
        except (ValueError, OSError, UnicodeDecodeError) as exc:
            warnings.append(InputWarning(path, number, f"skipped: {exc}"))
    return items, warnings
