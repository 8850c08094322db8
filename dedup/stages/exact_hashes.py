"""Exact hashes of normalized paragraphs and of articles' bodies, for exact-duplicate
grouping: a cryptographic hash (BLAKE2b, 64 bits), hashing slices of a batch's joined
text rather than encoding each paragraph again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from dedup.stages.hashmix import U64


def exact_hash(text: str) -> int:
    """A 64-bit BLAKE2b hash of a normalized text, for exact-duplicate grouping.

    A keyed cryptographic hash rather than the fast polynomial one: corpus text is untrusted,
    and an engineered collision here would make the cleaner drop a paragraph.
    """
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def exact_hashes(
    data: bytes,
    norms: Sequence[str],
    par_doc: np.ndarray,
    par_title: np.ndarray,
    n_docs: int,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`exact_hash` of every paragraph ``norms[i]`` (0 if empty) and of every document's
    body (its non-empty body paragraphs joined by ``\n``; 0 if none), hashing slices of
    ``data`` (the paragraphs joined by ``\n`` and encoded) instead of encoding each text
    again. ``par_doc[i]`` is the document of paragraph ``i``, ``par_title[i]`` whether it is
    its title."""
    if not norms:  # an empty buffer would read as one empty paragraph
        return np.zeros(0, dtype=U64), np.zeros(n_docs, dtype=U64)
    buffer = np.frombuffer(data, dtype=np.uint8)
    view = memoryview(data)
    bounds = np.concatenate(([-1], np.flatnonzero(buffer == 10), [buffer.size]))
    starts, ends = (bounds[:-1] + 1).tolist(), bounds[1:].tolist()
    par_hash = np.array(
        [_blake64(view[a:b]) if b > a else 0 for a, b in zip(starts, ends, strict=True)],
        dtype=U64,
    )
    doc_hash = np.zeros(n_docs, dtype=U64)
    titles = par_title.tolist()
    if par_doc.size and bool((np.diff(par_doc) < 0).any()):  # not grouped by document
        bodies: list[list[str]] = [[] for _ in range(n_docs)]
        for text, doc, title in zip(norms, par_doc.tolist(), titles, strict=True):
            if not title and text:
                bodies[doc].append(text)
        doc_hash[:] = [exact_hash("\n".join(b)) if b else 0 for b in bodies]
        return par_hash, doc_hash
    cuts = np.searchsorted(par_doc, np.arange(n_docs + 1)).tolist()
    for doc in range(n_docs):
        lo, hi = cuts[doc], cuts[doc + 1]
        if lo < hi and titles[lo]:
            lo += 1  # a title is its article's first paragraph
        body = range(lo, hi)
        if any(titles[i] or ends[i] == starts[i] for i in body):
            texts = [norms[i] for i in body if not titles[i] and norms[i]]
            doc_hash[doc] = exact_hash("\n".join(texts)) if texts else 0
        elif lo < hi:  # the body is one run of the buffer
            doc_hash[doc] = _blake64(view[starts[lo] : ends[hi - 1]])
    return par_hash, doc_hash


def _blake64(data: bytes | memoryview) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")
