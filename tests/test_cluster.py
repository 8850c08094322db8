from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.stages.cluster import clusters_from_pairs, components


def test_chain_is_split_not_merged():
    # 0~1 and 1~2 are verified, 0 and 2 are not close: 2 must not join 0's cluster.
    clusters = clusters_from_pairs([(0, 1), (1, 2)], rank=lambda n: (n,), close=lambda a, b: False)
    assert [(c.representative, c.members) for c in clusters] == [(0, (0, 1))]


def test_representative_is_best_ranked_and_others_recluster():
    clusters = clusters_from_pairs(
        [(0, 1), (1, 2), (2, 3)], rank=lambda n: (-n,), close=lambda a, b: False
    )
    assert [(c.representative, c.members) for c in clusters] == [(1, (0, 1)), (3, (2, 3))]


def test_close_callback_keeps_unverified_but_close_members():
    clusters = clusters_from_pairs([(0, 1), (1, 2)], rank=lambda n: (n,), close=lambda a, b: True)
    assert clusters[0].members == (0, 1, 2)


@settings(max_examples=200, derandomize=True)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=60))
def test_clusters_partition_and_members_are_close_to_representative(pairs):
    pairs = [(a, b) for a, b in pairs if a != b]
    verified = {(min(a, b), max(a, b)) for a, b in pairs}
    clusters = clusters_from_pairs(pairs, rank=lambda n: (n % 7, n), close=lambda a, b: False)
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
