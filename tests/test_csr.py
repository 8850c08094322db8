"""The per-row sorts of the verification stage: numpy and the compiled kernels agree with a
plain reference, empty rows and repeats included."""

from __future__ import annotations

import numpy as np
import pytest

from dedup.stages import csr
from dedup.stages.jit_switch import compiled, load_kernels


def _rows(seed: int, n_rows: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    lengths = rng.integers(0, 12, n_rows)
    lengths[::5] = 0  # empty rows
    start = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    values = rng.integers(0, 6, int(start[-1])).astype(np.uint64)  # many repeats
    return start, values


def _reference(start: np.ndarray, values: np.ndarray) -> tuple[list, list]:
    unique, order = [], []
    for i in range(start.size - 1):
        row = values[start[i] : start[i + 1]].tolist()
        unique.append(sorted(set(row)))
        order.append(sorted(range(len(row)), key=lambda k, row=row: (row[k], k)))
    return unique, order


@pytest.mark.parametrize("n_rows", [1, 7, 300, (1 << 16) + 3])
def test_rows_sorted_and_distinct_as_a_plain_sort_gives(n_rows):
    start, values = _rows(n_rows, n_rows)
    unique_start, unique = csr.unique_rows(start, values)
    order, ordered = csr.sorted_rows(start, values)
    want_unique, want_order = _reference(start, values)
    assert [unique[unique_start[i] : unique_start[i + 1]].tolist() for i in range(n_rows)] == (
        want_unique
    )
    assert [order[start[i] : start[i + 1]].tolist() for i in range(n_rows)] == want_order
    np.testing.assert_array_equal(ordered, values[order + np.repeat(start[:-1], np.diff(start))])


def test_the_compiled_row_sorts_compute_what_numpy_computes():
    if load_kernels() is None:
        pytest.skip("numba is not installed (or DEDUP_JIT=0): the kernels are not used")
    start, values = _rows(3, 500)
    with compiled(False):
        expected = (*csr.unique_rows(start, values), *csr.sorted_rows(start, values))
    with compiled(True):
        got = (*csr.unique_rows(start, values), *csr.sorted_rows(start, values))
    for a, b in zip(expected, got, strict=True):
        np.testing.assert_array_equal(a, b)
        assert a.dtype == b.dtype
