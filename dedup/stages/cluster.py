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


class UnionFind:
    """Disjoint sets over ``0..n-1`` with path halving and union by size."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.size = [1] * n

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]


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
    pairs = list(pairs)
    nodes = sorted({n for pair in pairs for n in pair})
    index = {n: i for i, n in enumerate(nodes)}
    uf = UnionFind(len(nodes))
    for a, b in pairs:
        uf.union(index[a], index[b])
    groups: dict[int, list[int]] = {}
    for n in nodes:
        groups.setdefault(uf.find(index[n]), []).append(n)
    return sorted(groups.values(), key=lambda g: g[0])


def clusters_from_pairs(
    pairs: np.ndarray | Iterable[tuple[int, int]],
    rank: Callable[[int], tuple[object, ...]],
    close: Callable[[int, int], bool],
) -> list[Cluster]:
    """Cluster the nodes of verified ``pairs``; see the module docstring.

    Args:
        pairs: verified pairs of node ids.
        rank: sort key; the smallest-ranking member of a cluster is its representative.
        close: whether a member may stay in the representative's cluster. It is called only
            for pairs that were not verified already.
    """
    edge_list = [(int(a), int(b)) for a, b in pairs]
    verified = {(min(a, b), max(a, b)) for a, b in edge_list}

    def is_close(a: int, b: int) -> bool:
        return (min(a, b), max(a, b)) in verified or close(a, b)

    out: list[Cluster] = []
    todo = components(edge_list)
    while todo:
        group = todo.pop()
        rep = min(group, key=rank)
        kept = [n for n in group if n == rep or is_close(rep, n)]
        if len(kept) >= 2:
            out.append(Cluster(rep, tuple(sorted(kept))))
        rest = set(group) - set(kept)
        if len(rest) >= 2:
            todo.extend(components((a, b) for a, b in edge_list if a in rest and b in rest))
    return sorted(out, key=lambda c: c.id)
