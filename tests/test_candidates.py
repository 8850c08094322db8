import numpy as np

from dedup import candidates


def test_groups_ignore_key_zero_and_singletons():
    keys = np.array([5, 0, 5, 7, 0, 9, 9, 9], dtype=np.uint64)
    assert [g.tolist() for g in candidates.groups(keys)] == [[0, 2], [5, 6, 7]]


def test_pairs_in_groups_all_pairs_and_star_for_large_buckets():
    pairs = candidates.pairs_in_groups([np.array([3, 1, 2])], max_bucket=10)
    assert pairs.tolist() == [[1, 2], [1, 3], [2, 3]]
    big = candidates.pairs_in_groups([np.arange(6)], max_bucket=2)
    assert {0, 1} <= set(big[:, 0].tolist()) and big.shape[0] == 5 + 4


def test_lsh_pairs_union_over_bands_with_ids():
    keys = np.array([[1, 2], [1, 3], [4, 3]], dtype=np.uint64)
    assert candidates.lsh_pairs(keys, 10, np.array([10, 20, 30])).tolist() == [[10, 20], [20, 30]]
