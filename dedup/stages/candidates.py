"""Stage 5, candidates: band keys (or exact hashes) -> candidate pairs, as a group-by.

LSH banding is a group-by on ``(band, key)``: items that share a key in any band are
candidates. Each band is sorted once (numpy), so the stage is a sort per band plus the pairs
of the (few) buckets with more than one member; on a distributed engine the same stage is a
shuffle on the band key. Candidates are *not* findings: every pair is verified next.

A bucket larger than ``max_bucket`` (thousands of copies of one text, or a degenerate key)
would emit a quadratic number of pairs; it emits star edges from its ``max_bucket`` smallest
members to every member instead, which still connects the bucket for clustering.
"""

from __future__ import annotations

import numpy as np


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)`` for a 1-d array, by a sort: numpy 2's ``np.unique`` hashes
    first and is many times slower on the integer arrays of this package."""
    out = np.sort(values)
    if out.size > 1:
        out = out[np.concatenate(([True], out[1:] != out[:-1]))]
    return out


def sorted_counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ``values`` of a 1-d array, sorted, and how often each occurs:
    ``np.unique(values, return_counts=True)`` by a sort (see :func:`sorted_unique`).

    >>> [a.tolist() for a in sorted_counts(np.array([3, 1, 3, 3]))]
    [[1, 3], [1, 3]]
    """
    ordered = np.sort(values)
    if ordered.size == 0:
        return ordered, np.zeros(0, dtype=np.int64)
    first = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    return ordered[first], np.diff(np.append(first, ordered.size))


def _runs(keys: np.ndarray, ids: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sort by key (ids ascending within a key) and return ``ids, run starts, run ends`` of
    the keys shared by two or more items; key 0 means "no key" and is ignored."""
    ids = np.arange(keys.size) if ids is None else ids
    keep = keys != 0
    keys, ids = keys[keep], ids[keep]
    packed: np.ndarray | None = None
    if keys.dtype == np.uint32 and (ids.size == 0 or int(ids.max()) < (1 << 32)):
        # One plain sort of (key << 32 | id): ids come out ascending within each key, and a
        # plain sort of integers is several times faster than a stable argsort.
        packed = (keys.astype(np.uint64) << np.uint64(32)) | ids.astype(np.uint64)
        packed.sort()
        keys = packed >> np.uint64(32)
    else:
        order = np.lexsort((ids, keys))
        keys, ids = keys[order], ids[order]
    empty = np.zeros(0, dtype=np.int64)
    if keys.size < 2:
        return (ids if packed is None else empty), empty, empty
    # Runs of a shared key: where "same key as the next item" switches on and off. Most keys
    # are not shared, so only the ids inside runs are unpacked, compacted.
    same = np.concatenate(([False], keys[1:] == keys[:-1], [False]))
    edges = np.diff(same.view(np.int8))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1) + 1
    if packed is None:
        return ids, starts, ends
    inside = _ranges(starts, ends)
    runs = (packed[inside] & np.uint64(0xFFFFFFFF)).astype(np.int64)
    new_ends = np.cumsum(ends - starts)
    return runs, new_ends - (ends - starts), new_ends


def groups(keys: np.ndarray, ids: np.ndarray | None = None) -> list[np.ndarray]:
    """Members (``ids``, default positions) of every key shared by two or more items.

    Groups come out sorted by their smallest member.
    """
    ids, starts, ends = _runs(keys, ids)
    out = [ids[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]
    out.sort(key=lambda g: int(g[0]))
    return out


def key_pairs(keys: np.ndarray, max_bucket: int, ids: np.ndarray | None = None) -> np.ndarray:
    """All pairs of items that share a key (star edges for buckets over ``max_bucket``).

    Vectorized over all buckets at once: for each distance ``d`` below the largest bucket
    size, every item is paired with the item ``d`` places after it in its bucket.
    """
    ids, starts, ends = _runs(keys, ids)
    if starts.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    sizes = ends - starts
    small = sizes <= max_bucket
    chunks: list[np.ndarray] = []
    if small.any():
        s_starts, s_ends = starts[small], ends[small]
        run_end = np.repeat(s_ends, s_ends - s_starts)
        position = _ranges(s_starts, s_ends)
        for d in range(1, int((s_ends - s_starts).max())):
            ok = position + d < run_end
            chunks.append(np.stack((ids[position[ok]], ids[position[ok] + d]), axis=1))
    for a, b in zip(starts[~small].tolist(), ends[~small].tolist(), strict=True):
        chunks.append(_star(ids[a:b], max_bucket))
    return unique_pairs(chunks)


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """``concatenate([arange(a, b) for a, b in zip(starts, ends)])``, vectorized."""
    lengths = ends - starts
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    return np.arange(int(lengths.sum())) + offsets


def _star(group: np.ndarray, max_bucket: int) -> np.ndarray:
    """Edges from the ``max_bucket`` smallest members of a large bucket to every member."""
    group = sorted_unique(group)
    hubs = group[:max_bucket]
    i = np.repeat(hubs, group.size)
    j = np.tile(group, hubs.size)
    keep = i < j
    return np.stack((i[keep], j[keep]), axis=1)


def unique_pairs(chunks: list[np.ndarray]) -> np.ndarray:
    """Concatenate pair arrays and drop repeats; rows sorted, ``i < j``, dtype int64."""
    if not chunks:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.concatenate(chunks).astype(np.int64).reshape(-1, 2)
    pairs = np.sort(pairs, axis=1)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    if pairs.size == 0:
        return pairs
    width = int(pairs.max()) + 1
    packed = sorted_unique(pairs[:, 0] * width + pairs[:, 1])
    return np.stack((packed // width, packed % width), axis=1)


def lsh_pairs(band_keys: np.ndarray, max_bucket: int, ids: np.ndarray | None = None) -> np.ndarray:
    """Candidate pairs from banded keys ``[n, bands]``: a pair per shared bucket.

    ``ids`` selects the rows that take part (and names them in the pairs); rows are read one
    band at a time, so no copy of the whole key matrix is made.
    """
    chunks = []
    for band in range(band_keys.shape[1]):
        column = band_keys[:, band] if ids is None else band_keys[ids, band]
        chunks.append(key_pairs(column, max_bucket, ids))
    return unique_pairs(chunks)


#: Candidate pairs whose signatures are compared at once (bounds the temporary matches).
SCREEN_PAIRS = 1 << 16


def estimated_jaccard(signature: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Each pair's Jaccard estimated from its MinHash signatures (rows of ``signature``):
    the share of equal minima, a chunk of pairs at a time.

    >>> sig = np.array([[1, 2, 3, 4], [1, 2, 9, 9]], dtype=np.uint32)
    >>> estimated_jaccard(sig, np.array([[0, 1]])).tolist()
    [0.5]
    """
    out = np.zeros(pairs.shape[0])
    for lo in range(0, pairs.shape[0], SCREEN_PAIRS):
        a, b = pairs[lo : lo + SCREEN_PAIRS, 0], pairs[lo : lo + SCREEN_PAIRS, 1]
        out[lo : lo + a.size] = (signature[a] == signature[b]).mean(axis=1)
    return out


def estimated_containment(
    signature: np.ndarray, sizes: np.ndarray, pairs: np.ndarray
) -> np.ndarray:
    """The share of each pair's shorter article that the longer one holds, estimated from
    their MinHash signatures: Jaccard ``J`` is the share of equal minima, and the shorter
    set (``a`` of the ``a + b`` shingles, ``sizes`` of the signatures) holds
    ``J (a + b) / (1 + J)`` of them. Vectorized over all pairs, a chunk at a time.

    >>> sig = np.array([[1, 2, 3, 4], [1, 2, 9, 9], [7, 8, 9, 9]], dtype=np.uint32)
    >>> estimated_containment(sig, np.array([100, 100, 50]), np.array([[0, 1], [0, 2]])).round(3)
    array([0.667, 0.   ])
    """
    if signature.ndim != 2 or signature.shape[1] == 0:
        return np.zeros(pairs.shape[0])
    jaccard = estimated_jaccard(signature, pairs)
    size_a, size_b = sizes[pairs[:, 0]].astype(np.float64), sizes[pairs[:, 1]].astype(np.float64)
    shorter = np.maximum(np.minimum(size_a, size_b), 1.0)
    return np.minimum(jaccard * (size_a + size_b) / ((1.0 + jaccard) * shorter), 1.0)
