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
