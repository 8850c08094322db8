"""Rows of values as CSR columns (``values[start[i]:start[i + 1]]`` is row ``i``'s), and
the few operations the verification stage does on them for whole batches at once: gather
rows, test membership within a row, sort and deduplicate each row. One sort or search over
all rows, never a Python call per row.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from dedup.stages.hashmix import U64, fmix64
from dedup.stages.jit_switch import jit_kernels

_EMPTY_I64 = np.zeros(0, dtype=np.int64)
_EMPTY_U64 = np.zeros(0, dtype=U64)


class Rows(NamedTuple):
    """A CSR column: row ``i``'s values are ``values[start[i]:start[i + 1]]``."""

    start: np.ndarray  # int64[rows + 1]
    values: np.ndarray


class SortedRows(NamedTuple):
    """A CSR column (``start``, ``values``, each row in its own order) with each row's values
    sorted (``ordered``, repeats kept) and their positions in the row (``order``), and each
    row's distinct values, sorted (``unique``). Named tuples of arrays, so that the compiled
    kernels take them as they are."""

    start: np.ndarray  # int64[rows + 1]
    values: np.ndarray
    order: np.ndarray  # int64
    ordered: np.ndarray
    unique: Rows


def salt(owner: np.ndarray) -> np.ndarray:
    """A 64-bit salt per owner index: ``value ^ salt`` keys a value by its pair."""
    return fmix64((owner.astype(U64) + U64(1)) * U64(0x9E3779B97F4A7C15))


def member(
    needles: np.ndarray, needle_owner: np.ndarray, values: np.ndarray, value_owner: np.ndarray
) -> np.ndarray:
    """For each needle, whether the values of the same owner hold it (one sort and one
    binary search for all owners; two keys collide by chance once in 2**64)."""
    if needles.size == 0 or values.size == 0:
        return np.zeros(needles.size, dtype=bool)
    keys = np.sort(values ^ salt(value_owner))
    query = needles ^ salt(needle_owner)
    found = np.searchsorted(keys, query)
    found[found == keys.size] = 0
    return keys[found] == query


def gather(start: np.ndarray, values: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, ...]:
    """The values of each of ``rows`` (a CSR slice per row), concatenated; which row (by
    position in ``rows``) each came from, and each one's position inside its row."""
    lo, hi = start[rows], start[rows + 1]
    lengths = hi - lo
    total = int(lengths.sum())
    if total == 0:
        return values[:0], _EMPTY_I64, _EMPTY_I64
    offsets = np.repeat(np.cumsum(lengths) - lengths, lengths)
    position = np.arange(total) - offsets
    return (
        values[np.repeat(lo, lengths) + position],
        np.repeat(np.arange(rows.size), lengths),
        position,
    )


def intersections(
    column: Rows, rows: np.ndarray, other: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pair (``rows[k]``, ``other[k]``, row indices of ``column``, each row's values
    distinct): how many values of the first row the second has (float64, as the ratios
    that use it), and both rows' sizes. One membership search for all pairs."""
    needles, owner, _ = gather(*column, rows)
    held, held_owner, _ = gather(*column, other)
    hit = member(needles, owner, held, held_owner)
    sizes = np.diff(column.start)
    shared = np.bincount(owner, weights=hit, minlength=rows.size).astype(np.float64)
    return shared, sizes[rows], sizes[other]


def _row_order(start: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The positions of ``values`` sorted by row, then by value, then by position (what
    ``np.lexsort((values, owner))`` gives): two stable sorts, the second one by row, a radix
    sort when there are few rows."""
    n = start.size - 1
    if n > 1 << 16:
        return np.lexsort((values, np.repeat(np.arange(n), np.diff(start))))
    owner = np.repeat(np.arange(n, dtype=np.uint16 if n else np.int64), np.diff(start))
    by_value = np.argsort(values, kind="stable")
    return by_value[np.argsort(owner[by_value], kind="stable")]


def unique_rows(start: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's values, sorted and without repeats (``start``, ``values`` of the result).

    >>> [a.tolist() for a in unique_rows(np.array([0, 3, 3, 5]), np.array([5, 2, 5, 1, 1]))]
    [[0, 2, 2, 3], [2, 5, 1]]
    """
    if values.size == 0:
        return np.zeros(start.size, dtype=np.int64), values
    kernels = jit_kernels()
    if kernels is not None:
        out_start, out = kernels.unique_rows(start.astype(np.int64), values)
        return out_start, out
    owner = np.repeat(np.arange(start.size - 1), np.diff(start))
    order = _row_order(start, values)
    v, o = values[order], owner[order]
    keep = np.concatenate(([True], (v[1:] != v[:-1]) | (o[1:] != o[:-1])))
    v, o = v[keep], o[keep]
    return np.searchsorted(o, np.arange(start.size)).astype(np.int64), v


def sorted_rows(start: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each item's values sorted, and their positions in the item (CSR by ``start``; equal
    values in the order they come).

    >>> [a.tolist() for a in sorted_rows(np.array([0, 3, 4]), np.array([5, 2, 5, 1]))]
    [[1, 0, 2, 0], [2, 5, 5, 1]]
    """
    if not values.size:
        return _EMPTY_I64, _EMPTY_U64
    kernels = jit_kernels()
    if kernels is not None:
        order, ordered = kernels.sorted_rows(start.astype(np.int64), values)
        return order, ordered
    order = _row_order(start, values).astype(np.int64)
    ordered = values[order]
    order -= np.repeat(start[:-1], np.diff(start))
    return order, ordered


def sorted_column(start: np.ndarray, values: np.ndarray) -> SortedRows:
    """``values`` as rows by ``start``, sorted and distinct too (:class:`SortedRows`)."""
    order, ordered = sorted_rows(start, values)
    return SortedRows(start, values, order, ordered, Rows(*unique_rows(start, values)))
