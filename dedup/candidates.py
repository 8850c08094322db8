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

from collections.abc import Iterable

import numpy as np


def groups(keys: np.ndarray, ids: np.ndarray | None = None) -> list[np.ndarray]:
    """Members (``ids``, default positions) of every key shared by two or more items.

    Key 0 means "no key" and is ignored. Groups come out sorted by their smallest member.
    """
    ids = np.arange(keys.size) if ids is None else ids
    keep = keys != 0
    keys, ids = keys[keep], ids[keep]
    order = np.lexsort((ids, keys))
    keys, ids = keys[order], ids[order]
    if keys.size < 2:
        return []
    boundaries = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    starts = np.concatenate(([0], boundaries))
    ends = np.concatenate((boundaries, [keys.size]))
    multi = np.flatnonzero(ends - starts >= 2)
    out = [ids[starts[i] : ends[i]] for i in multi]
    out.sort(key=lambda g: int(g[0]))
    return out


def pairs_in_groups(members: Iterable[np.ndarray], max_bucket: int) -> np.ndarray:
    """All pairs ``(i, j)``, ``i < j``, inside each group (star edges for large groups)."""
    chunks: list[np.ndarray] = []
    twos: list[np.ndarray] = []
    for group in members:
        group = np.unique(group)
        k = group.size
        if k < 2:
            continue
        if k == 2:
            twos.append(group)
            continue
        if k <= max_bucket:
            i, j = np.triu_indices(k, 1)
        else:
            hubs = np.arange(min(max_bucket, k))
            i = np.repeat(hubs, k)
            j = np.tile(np.arange(k), hubs.size)
            keep = i < j
            i, j = i[keep], j[keep]
        chunks.append(np.stack((group[i], group[j]), axis=1))
    if twos:
        chunks.append(np.array(twos, dtype=np.int64).reshape(-1, 2))
    return unique_pairs(chunks)


def unique_pairs(chunks: list[np.ndarray]) -> np.ndarray:
    """Concatenate pair arrays and drop repeats; rows sorted, ``i < j``, dtype int64."""
    if not chunks:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.concatenate(chunks).astype(np.int64)
    pairs = np.sort(pairs, axis=1)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    return np.unique(pairs, axis=0)


def lsh_pairs(band_keys: np.ndarray, max_bucket: int, ids: np.ndarray | None = None) -> np.ndarray:
    """Candidate pairs from banded keys ``uint64[n, bands]`` (a pair per shared bucket)."""
    chunks = [
        pairs_in_groups(groups(band_keys[:, band], ids), max_bucket)
        for band in range(band_keys.shape[1])
    ]
    return unique_pairs(chunks)
