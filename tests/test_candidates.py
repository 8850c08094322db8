import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.stages import candidates


def test_groups_ignore_key_zero_and_singletons():
    keys = np.array([5, 0, 5, 7, 0, 9, 9, 9], dtype=np.uint64)
    assert [g.tolist() for g in candidates.groups(keys)] == [[0, 2], [5, 6, 7]]


def test_key_pairs_all_pairs_and_star_for_large_buckets():
    pairs = candidates.key_pairs(np.full(3, 7, np.uint64), 10, np.array([3, 1, 2]))
    assert pairs.tolist() == [[1, 2], [1, 3], [2, 3]]
    big = candidates.key_pairs(np.full(6, 7, np.uint64), 2)
    assert {0, 1} <= set(big[:, 0].tolist()) and big.shape[0] == 5 + 4


def test_lsh_pairs_union_over_bands_of_selected_rows():
    keys = np.array([[1, 2], [1, 2], [1, 3], [4, 3]], dtype=np.uint64)
    # Row 0 shares every key with row 1 but is not selected.
    assert candidates.lsh_pairs(keys, 10, np.array([1, 2, 3])).tolist() == [[1, 2], [2, 3]]
    assert candidates.lsh_pairs(keys, 10).tolist() == [[0, 1], [0, 2], [1, 2], [2, 3]]


@settings(max_examples=150, derandomize=True)
@given(
    st.lists(st.integers(0, 6), min_size=0, max_size=40),
    st.integers(2, 5),
    st.sampled_from([np.uint32, np.uint64]),
)
def test_key_pairs_equal_brute_force(keys, max_bucket, dtype):
    arr = np.array(keys, dtype=dtype)
    got = {tuple(p) for p in candidates.key_pairs(arr, max_bucket).tolist()}
    expected = set()
    for key in set(keys) - {0}:
        members = [i for i, k in enumerate(keys) if k == key]
        if len(members) <= max_bucket:
            expected |= {(a, b) for a in members for b in members if a < b}
        else:
            hubs = members[:max_bucket]
            expected |= {(a, b) for a in hubs for b in members if a < b}
    assert got == expected


def _story(seed: int, paragraphs: int) -> list[str]:
    rng = np.random.default_rng(seed)
    words = [f"w{seed}x{k}" for k in range(400)]
    return [" ".join(rng.choice(words, size=40)) for _ in range(paragraphs)]


def test_the_screen_estimates_what_a_brief_and_a_stranger_share_of_the_shorter_article():
    from dedup.config import MinHashConfig
    from dedup.stages.fingerprint import Batch, fingerprint_paragraphs

    story, other = _story(1, 10), _story(2, 10)
    stock = "the company did not immediately respond to a request for comment on the matter today"
    texts = [story, story[:2], [*other, stock], [*story[:3], stock]]
    norms = [p for t in texts for p in t]
    par_doc = np.repeat(np.arange(len(texts)), [len(t) for t in texts])
    fp = fingerprint_paragraphs(
        Batch(norms, par_doc, np.zeros(len(norms), bool), len(texts)), MinHashConfig()
    )
    pairs = np.array([[0, 1], [0, 2], [2, 3], [0, 3]])
    shared = candidates.estimated_containment(fp.doc_sig, fp.doc_shingles, pairs)
    assert shared[0] > 0.8  # the brief is all in the story
    assert shared[1] < 0.05  # strangers
    assert shared[2] < MinHashConfig().screen_containment  # a stock sentence only
    assert shared[3] > 0.6
    assert ((shared >= 0) & (shared <= 1)).all()
