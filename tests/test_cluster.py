import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.stages.cluster import Cluster, clusters_from_pairs, components


def NEVER(rows):
    return np.zeros(rows.shape[0], dtype=bool)


def ALWAYS(rows):
    return np.ones(rows.shape[0], dtype=bool)


def _one_at_a_time(pairs, rank, close):
    """The clustering as first written: a representative, then each member asked alone."""
    edges = [(int(a), int(b)) for a, b in pairs]
    verified = {(min(a, b), max(a, b)) for a, b in edges}
    out, todo = [], components(edges)
    while todo:
        group = todo.pop()
        rep = min(group, key=rank)
        kept = [
            n
            for n in group
            if n == rep or (min(rep, n), max(rep, n)) in verified or close(min(rep, n), max(rep, n))
        ]
        if len(kept) >= 2:
            out.append(Cluster(rep, tuple(sorted(kept))))
        rest = set(group) - set(kept)
        if len(rest) >= 2:
            todo.extend(components((a, b) for a, b in edges if a in rest and b in rest))
    return sorted(out, key=lambda c: c.id)


def test_chain_is_split_not_merged():
    # 0~1 and 1~2 are verified, 0 and 2 are not close: 2 must not join 0's cluster.
    clusters = clusters_from_pairs([(0, 1), (1, 2)], rank=lambda n: (n,), close=NEVER)
    assert [(c.representative, c.members) for c in clusters] == [(0, (0, 1))]


def test_representative_is_best_ranked_and_others_recluster():
    clusters = clusters_from_pairs([(0, 1), (1, 2), (2, 3)], rank=lambda n: (-n,), close=NEVER)
    assert [(c.representative, c.members) for c in clusters] == [(1, (0, 1)), (3, (2, 3))]


def test_close_callback_keeps_unverified_but_close_members():
    clusters = clusters_from_pairs([(0, 1), (1, 2)], rank=lambda n: (n,), close=ALWAYS)
    assert clusters[0].members == (0, 1, 2)


@settings(max_examples=200, derandomize=True)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=60))
def test_clusters_partition_and_members_are_close_to_representative(pairs):
    pairs = [(a, b) for a, b in pairs if a != b]
    verified = {(min(a, b), max(a, b)) for a, b in pairs}
    clusters = clusters_from_pairs(pairs, rank=lambda n: (n % 7, n), close=NEVER)
    seen = [m for c in clusters for m in c.members]
    assert len(seen) == len(set(seen))  # disjoint
    assert set(seen) <= {n for p in pairs for n in p}
    for c in clusters:
        assert c.id == min(c.members)
        for m in c.members:
            if m != c.representative:
                assert (min(m, c.representative), max(m, c.representative)) in verified
    nodes = {n for p in pairs for n in p}
    assert sorted(n for comp in components(pairs) for n in comp) == sorted(nodes)


@settings(max_examples=200, derandomize=True)
@given(
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=80),
    st.integers(0, 2**16),
)
def test_asking_a_round_at_once_clusters_as_asking_each_pair(pairs, salt):
    pairs = [(a, b) for a, b in pairs if a != b]

    def close_pair(a, b):
        return (a * 31 + b * 17 + salt) % 3 == 0

    asked = []

    def close_rows(rows):
        asked.append(rows.shape[0])
        assert (rows[:, 0] < rows[:, 1]).all()
        return np.array([close_pair(a, b) for a, b in rows.tolist()], dtype=bool)

    def rank(n):
        return (n % 5, n)

    assert clusters_from_pairs(pairs, rank, close_rows) == _one_at_a_time(pairs, rank, close_pair)
    assert all(n > 0 for n in asked)


@settings(max_examples=200, derandomize=True)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=80))
def test_component_labels_equal_a_graph_search(edges):
    from dedup.stages.cluster import component_labels

    n = 41
    neighbours = {i: set() for i in range(n)}
    for a, b in edges:
        neighbours[a].add(b)
        neighbours[b].add(a)
    want = [0] * n
    seen: set[int] = set()
    for start in range(n):  # nodes in order: the first reached is the component's smallest
        if start in seen:
            continue
        stack, seen_here = [start], {start}
        while stack:
            for m in neighbours[stack.pop()] - seen_here:
                seen_here.add(m)
                stack.append(m)
        for m in seen_here:
            want[m] = start
        seen |= seen_here
    got = component_labels(np.array(edges, dtype=np.int64).reshape(-1, 2), n)
    assert got.tolist() == want


def test_component_labels_join_a_long_chain():
    from dedup.stages.cluster import component_labels

    chain = np.stack([np.arange(1, 5000), np.arange(0, 4999)], axis=1)[::-1]
    assert (component_labels(chain, 5001) == np.r_[np.zeros(5000, np.int64), 5000]).all()
