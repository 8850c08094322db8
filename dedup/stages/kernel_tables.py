"""The verifier's material as the compiled evidence kernel reads it.

:func:`dedup.stages._jit.pair_evidence` takes one named tuple of arrays (numba compiles named
tuples of arrays, nested, as they are): the CSR columns of a batch's
:class:`dedup.stages.material.Prepared` material that the measures compare, the articles'
lengths and corrections, and their TF-IDF rows.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from dedup.stages.csr import Rows, SortedRows
from dedup.stages.material import Prepared
from dedup.stages.verify import TfidfCosine


class KernelTables(NamedTuple):
    """What :func:`dedup.stages._jit.pair_evidence` reads of a batch, every array C-contiguous
    (the columns as :class:`dedup.stages.material.Prepared` names them)."""

    lengths: np.ndarray  # int64, body words of each article
    corrected: np.ndarray  # bool, the article is a correction
    shingles: SortedRows
    words: Rows
    facts: Rows
    sequence: Rows
    sequence_end: Rows
    slots: SortedRows
    slot_facts: SortedRows
    slot_ends: SortedRows
    slot_spell: np.ndarray
    title: Rows
    vectors: Rows  # TF-IDF columns of each body, sorted...
    weights: np.ndarray  # ...and their weights (float64)
    chars: SortedRows


def kernel_tables(prep: Prepared, tfidf: TfidfCosine) -> KernelTables:
    """The kernel's tables of ``prep``, with its bodies' TF-IDF rows by ``tfidf``."""
    it = prep.items
    vectors = tfidf.vectors(prep.bags)
    tables = KernelTables(
        lengths=it.lengths.astype(np.int64),
        corrected=it.corrected,
        shingles=prep.shingles,
        words=prep.words,
        facts=prep.facts,
        sequence=prep.sequence,
        sequence_end=prep.sequence_end,
        slots=prep.slots,
        slot_facts=prep.slot_facts,
        slot_ends=prep.slot_ends,
        slot_spell=prep.slot_spell,
        title=prep.title,
        vectors=Rows(vectors.start, vectors.columns),
        weights=vectors.weights,
        chars=prep.chars,
    )
    contiguous: KernelTables = _contiguous(tables)
    return contiguous


def _contiguous(table: Any) -> Any:
    """``table`` (named tuples of arrays, nested) with every array C-contiguous (the same
    array when it is already)."""
    if isinstance(table, np.ndarray):
        return np.ascontiguousarray(table)
    return type(table)(*(_contiguous(column) for column in table))
