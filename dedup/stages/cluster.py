"""Stage 7, cluster: verified pairs -> clusters that cannot chain.

Union-find over verified pairs alone would chain: A~B and B~C put A and C together even when
A and C share nothing (a story rewritten twice drifts). Here every cluster has a
*representative* (the member that ranks first by ``rank``: for documents, the copy that
``dedup clean`` keeps) and every member must itself be close to it, as ``close(rep, member)``
decides. A connected component whose members are not all close to its representative is
split: the close ones stay, the others are re-clustered among themselves, recursively.

Cluster ids are deterministic: a cluster is reported by its representative, and clusters come
out sorted by their smallest member.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from dedup.stages.candidates import sorted_unique


def component_labels(edges: np.ndarray, n: int) -> np.ndarray:
    """For each node ``0..n-1``, the smallest node of its connected component by ``edges``
    (rows of two node indices), with arrays only: each round hooks every edge's larger
    root under its smaller one, then halves the paths until every node points at its root
    (a few rounds, about the logarithm of the longest chain).

    >>> component_labels(np.array([[3, 4], [0, 2], [2, 4]]), 6).tolist()
    [0, 1, 0, 0, 0, 5]
    """
    label = np.arange(n, dtype=np.int64)
    if edges.size == 0:
        return label
    a, b = edges[:, 0].astype(np.int64), edges[:, 1].astype(np.int64)
    while True:
        ra, rb = label[a], label[b]
        apart = ra != rb
        if not apart.any():
            return label
        low, high = np.minimum(ra[apart], rb[apart]), np.maximum(ra[apart], rb[apart])
        np.minimum.at(label, high, low)
        while True:
            jumped = label[label]
            if np.array_equal(jumped, label):
                break
            label = jumped


@dataclass(frozen=True, slots=True)
class Cluster:
    """A representative and the other members (each close to it), all as node ids."""

    representative: int
    members: tuple[int, ...]  # sorted, representative included

    @property
    def id(self) -> int:
        """The smallest member: stable whatever order the input came in."""
        return self.members[0]


def components(pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Connected components (sorted lists, sorted by first member) of the nodes in ``pairs``."""
    edges = np.array(list(pairs), dtype=np.int64).reshape(-1, 2)
    nodes, index = np.unique(edges, return_inverse=True)
    label = component_labels(index.reshape(edges.shape), nodes.size)
    order = np.argsort(label, kind="stable")  # by component, then by node
    bounds = np.flatnonzero(np.diff(label[order])) + 1
    groups = [part.tolist() for part in np.split(nodes[order], bounds)] if nodes.size else []
    return sorted(groups, key=lambda g: g[0])


def clusters_from_pairs(
    pairs: np.ndarray | Iterable[tuple[int, int]],
    rank: Callable[[int], tuple[object, ...]],
    close: Callable[[np.ndarray], np.ndarray],
) -> list[Cluster]:
    """Cluster the nodes of verified ``pairs``; see the module docstring.

    Args:
        pairs: verified pairs of node ids.
        rank: sort key; the smallest-ranking member of a cluster is its representative.
        close: for rows ``(a, b)`` with ``a < b``, whether the two may share a cluster (one
            flag per row). It is asked once per round of splitting, for every pair of a
            representative and a member not verified already, never for one pair at a time.

    Each round works on arrays over all the groups left (one row per node), never a Python
    step per pair or per member.
    """
    edges = np.asarray(list(pairs) if not isinstance(pairs, np.ndarray) else pairs)
    edges = edges.astype(np.int64).reshape(-1, 2)
    nodes, index = np.unique(edges, return_inverse=True)
    if nodes.size == 0:
        return []
    local = index.reshape(edges.shape)  # edges between positions in ``nodes``
    n = nodes.size
    # Every node's place in the ranking (one call of ``rank`` per node).
    position = np.empty(n, dtype=np.int64)
    by_position = np.array(sorted(range(n), key=lambda i: rank(int(nodes[i]))), dtype=np.int64)
    position[by_position] = np.arange(n)
    lo, hi = np.minimum(local[:, 0], local[:, 1]), np.maximum(local[:, 0], local[:, 1])
    verified = sorted_unique(lo * n + hi)
    group = component_labels(local, n)  # the group of each node; -1: in no group (any more)
    out: list[Cluster] = []
    while (group >= 0).any():
        active = np.flatnonzero(group >= 0)
        # The representative of each group: its best-ranked node.
        best = np.full(n, n, dtype=np.int64)
        np.minimum.at(best, group[active], position[active])
        labels = sorted_unique(group[active])
        rep_of_group = np.full(n, -1, dtype=np.int64)
        rep_of_group[labels] = by_position[best[labels]]
        rep = rep_of_group[group[active]]  # per active node
        member = active[rep != active]
        rep_of = rep[rep != active]
        a = np.minimum(nodes[member], nodes[rep_of])
        b = np.maximum(nodes[member], nodes[rep_of])
        pair_key = np.minimum(member, rep_of) * n + np.maximum(member, rep_of)
        kept = _member_of(verified, pair_key)
        ask = np.flatnonzero(~kept)
        kept[ask] = _answers(a[ask], b[ask], close)
        stay = np.zeros(n, dtype=bool)
        stay[rep] = True  # every representative stays with its group
        stay[member[kept]] = True
        out.extend(_clusters(nodes, group, stay, rep_of_group))
        group = _regroup(local, group, stay)
    return sorted(out, key=lambda c: c.id)


def _answers(a: np.ndarray, b: np.ndarray, close: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """``close`` of each pair ``(a[k], b[k])`` (``a < b``), asked once for the distinct
    pairs, in the order of sorted tuples."""
    if a.size == 0:
        return np.zeros(0, dtype=bool)
    rows = np.stack([a, b], axis=1)
    order = np.lexsort((b, a))
    unique = np.concatenate(([True], (np.diff(rows[order], axis=0) != 0).any(axis=1)))
    asked = rows[order][unique]
    flags = np.asarray(close(asked), dtype=bool)
    width = int(b.max()) + 1
    return flags[np.searchsorted(asked[:, 0] * width + asked[:, 1], a * width + b)]


def _member_of(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    at = np.searchsorted(sorted_keys, keys)
    at[at == sorted_keys.size] = 0
    return sorted_keys[at] == keys if sorted_keys.size else np.zeros(keys.size, dtype=bool)


def _clusters(
    nodes: np.ndarray, group: np.ndarray, stay: np.ndarray, rep_of: np.ndarray
) -> list[Cluster]:
    """The clusters of this round: the nodes that stay in each group, when two or more."""
    kept = np.flatnonzero(stay & (group >= 0))
    order = kept[np.argsort(group[kept], kind="stable")]  # by group, then by node
    bounds = np.flatnonzero(np.diff(group[order])) + 1
    out = []
    for part in np.split(order, bounds):
        if part.size >= 2:
            rep = int(nodes[rep_of[group[part[0]]]])
            out.append(Cluster(rep, tuple(nodes[part].tolist())))
    return out


def _regroup(local: np.ndarray, group: np.ndarray, stay: np.ndarray) -> np.ndarray:
    """The groups of the next round: the nodes that did not stay, split into the components
    of the edges inside what is left of each group (a node left alone is in none)."""
    left = (group >= 0) & ~stay
    a, b = local[:, 0], local[:, 1]
    inside = left[a] & left[b] & (group[a] == group[b])
    label = component_labels(local[inside], group.size)
    linked = np.zeros(group.size, dtype=bool)
    linked[local[inside].ravel()] = True
    return np.where(left & linked, label, -1)
