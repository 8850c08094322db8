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
    """
    edge_list = [(int(a), int(b)) for a, b in pairs]
    verified = {(min(a, b), max(a, b)) for a, b in edge_list}
    out: list[Cluster] = []
    todo = components(edge_list)
    while todo:
        reps = [min(group, key=rank) for group in todo]
        asked = sorted(
            {
                (min(rep, n), max(rep, n))
                for group, rep in zip(todo, reps, strict=True)
                for n in group
                if n != rep and (min(rep, n), max(rep, n)) not in verified
            }
        )
        flags = close(np.array(asked, dtype=np.int64).reshape(-1, 2)).tolist() if asked else []
        answer = dict(zip(asked, flags, strict=True))
        rests: list[set[int]] = []
        for group, rep in zip(todo, reps, strict=True):
            key = {n: (min(rep, n), max(rep, n)) for n in group if n != rep}
            kept = [n for n in group if n == rep or key[n] in verified or answer[key[n]]]
            if len(kept) >= 2:
                out.append(Cluster(rep, tuple(sorted(kept))))
            rest = set(group) - set(kept)
            if len(rest) >= 2:
                rests.append(rest)
        todo = _split(edge_list, rests)
    return sorted(out, key=lambda c: c.id)


def _split(edges: list[tuple[int, int]], parts: list[set[int]]) -> list[list[int]]:
    """The components of each part, by the edges inside it (each edge read once)."""
    part_of = {n: k for k, part in enumerate(parts) for n in part}
    inside: list[list[tuple[int, int]]] = [[] for _ in parts]
    for a, b in edges:
        k = part_of.get(a)
        if k is not None and part_of.get(b) == k:
            inside[k].append((a, b))
    return [group for edges_in in inside for group in components(edges_in)]
