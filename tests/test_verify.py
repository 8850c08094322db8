import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.config import VerifyConfig
from dedup.stages.csr import Rows
from dedup.stages.verify import Scores, TfidfCosine, exact_jaccard, is_near_paragraph


def jaccard_of(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Jaccard and containment of two sorted sets, through the batch function."""
    values = np.concatenate([a, b]).astype(np.uint64)
    sets = Rows(np.array([0, a.size, a.size + b.size]), values)
    jaccard, containment = exact_jaccard(sets, np.array([[0, 1]]))
    return float(jaccard[0]), float(containment[0])


@settings(max_examples=200, derandomize=True)
@given(st.sets(st.integers(0, 50)), st.sets(st.integers(0, 50)))
def test_exact_jaccard_symmetric_bounded(a, b):
    x, y = np.array(sorted(a)), np.array(sorted(b))
    j1, c1 = jaccard_of(x, y)
    j2, c2 = jaccard_of(y, x)
    assert (j1, c1) == (j2, c2)
    assert 0.0 <= j1 <= c1 <= 1.0
    if a:
        assert jaccard_of(x, x) == (1.0, 1.0)


def test_empty_sets_are_not_similar():
    assert jaccard_of(np.array([]), np.array([])) == (0.0, 0.0)


def test_tfidf_cosine_uses_corpus_idf():
    df = np.zeros(1 << 20, dtype=np.int64)
    common, rare = 1, 2
    df[common], df[rare] = 100, 1
    t = TfidfCosine().fit(df, 100)
    bags = [
        np.array([common, rare], np.uint64),
        np.array([common], np.uint64),
        np.array([rare], np.uint64),
    ]
    cos = t.cosine(bags, np.array([[0, 1], [0, 2]]))
    assert cos[1] > cos[0]  # sharing the rare word counts more


def test_paragraph_rules():
    cfg = VerifyConfig()
    assert is_near_paragraph(Scores(0.75, 0.88, 0.95), cfg)
    assert not is_near_paragraph(Scores(0.05, 0.1, 0.4), cfg)


@settings(max_examples=50, derandomize=True, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 2000), max_size=300), min_size=1, max_size=12),
    st.booleans(),
)
def test_tfidf_vectors_equal_scikit_learn_bit_for_bit(bags, sublinear):
    from scipy.sparse import csr_matrix
    from sklearn.feature_extraction.text import TfidfTransformer

    from dedup.stages.verify import N_FEATURES, document_frequencies, token_buckets

    arrays = [np.array(b, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15) for b in bags]
    owner = np.repeat(np.arange(len(arrays)), [a.size for a in arrays])
    df = document_frequencies(np.concatenate(arrays), owner)
    ours = TfidfCosine(sublinear_tf=sublinear).fit(df, len(arrays))
    got = ours.vectors(arrays)

    lengths = np.array([a.size for a in arrays])
    rows = np.repeat(np.arange(len(arrays)), lengths)
    counts = csr_matrix(
        (np.ones(rows.size), (rows, token_buckets(np.concatenate(arrays)))),
        shape=(len(arrays), N_FEATURES),
    )
    counts.sum_duplicates()
    reference = TfidfTransformer(norm="l2", sublinear_tf=sublinear)
    reference.idf_ = ours.idf_
    want = reference.transform(counts)
    assert np.array_equal(got.start, want.indptr)
    assert np.array_equal(got.columns, want.indices)
    assert got.weights.tobytes() == want.data.tobytes()


@settings(max_examples=300, derandomize=True)
@given(st.sets(st.integers(0, 2**64 - 1)), st.sets(st.integers(0, 2**64 - 1)))
def test_exact_jaccard_equals_set_arithmetic(a, b):
    x, y = np.array(sorted(a), dtype=np.uint64), np.array(sorted(b), dtype=np.uint64)
    if not a or not b:
        assert jaccard_of(x, y) == (0.0, 0.0)
        return
    inter = len(a & b)
    assert jaccard_of(x, y) == (inter / len(a | b), inter / min(len(a), len(b)))
    shared = np.array(sorted(a | b), dtype=np.uint64)
    assert jaccard_of(x, shared)[1] == 1.0


def test_tfidf_vectors_equal_scikit_learn_on_many_rows():
    from sklearn.feature_extraction.text import TfidfTransformer

    rng = np.random.default_rng(5)
    bags = [rng.integers(0, 1 << 40, rng.integers(0, 900), dtype=np.uint64) for _ in range(700)]
    bags = [np.concatenate((b, b[: b.size // 3])) for b in bags]  # repeated words
    owner = np.repeat(np.arange(len(bags)), [b.size for b in bags])
    from dedup.stages.verify import document_frequencies

    ours = TfidfCosine().fit(document_frequencies(np.concatenate(bags), owner), len(bags))
    got = ours.vectors(bags)
    from scipy.sparse import csr_matrix

    from dedup.stages.verify import N_FEATURES, token_buckets

    rows = np.repeat(np.arange(len(bags)), [b.size for b in bags])
    counts = csr_matrix(
        (np.ones(rows.size), (rows, token_buckets(np.concatenate(bags)))),
        shape=(len(bags), N_FEATURES),
    )
    counts.sum_duplicates()
    reference = TfidfTransformer(norm="l2", sublinear_tf=True)
    reference.idf_ = ours.idf_
    want = reference.transform(counts)
    assert np.array_equal(got.start, want.indptr)
    assert got.weights.tobytes() == want.data.tobytes()
    pairs = rng.integers(0, len(bags), (5000, 2))
    pairs[:50, 1] = pairs[:50, 0]  # a row with itself
    left, right = want[pairs[:, 0]], want[pairs[:, 1]]
    reference_cosine = np.asarray(left.multiply(right).sum(axis=1)).ravel().clip(0.0, 1.0)
    assert ours.cosine(bags, pairs).tobytes() == reference_cosine.tobytes()


def test_a_pair_scorer_keeps_the_features_of_its_last_items_only():
    """Features stay for the ``keep`` items used last (clustering asks for them again), the
    others are dropped, and the scores are the same either way."""
    from dedup.stages.paragraphs import PairScorer
    from dedup.stages.verify import N_FEATURES

    texts = [f"le conseil municipal a voté le budget {i} après un long débat" for i in range(6)]
    pairs = np.array([[0, 1], [0, 2], [1, 3], [2, 4], [3, 5]])
    seen: list[list[int]] = []

    def fetch(items):
        seen.append(sorted(items))
        return {i: [texts[i]] for i in items}

    scored = {}
    for keep in (0, 2, 100):
        scorer = PairScorer(fetch, 3, TfidfCosine().fit(np.zeros(N_FEATURES, np.int64), 6), 6, keep)
        scorer.score_all(pairs)
        held = set(scorer.features.shingle_sets)
        assert len(held) == min(keep, 6)
        scored[keep] = scorer.values(pairs).tolist()
        seen.clear()
        scorer.values(np.array([[0, 5]]))  # a pair clustering asks later
        assert seen == [sorted({0, 5} - held)]  # only what was dropped is read again
    assert scored[0] == scored[2] == scored[100]
