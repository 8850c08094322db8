import numpy as np

from dedup.stages.decisions import Decisions
from dedup.stages.evidence import Evidence


def _matrix(rows, seed):
    return np.random.default_rng(seed).random((rows, len(Evidence.names())))


def test_decisions_are_found_by_pair_whatever_the_batches():
    d = Decisions(10)
    first, second = np.array([[3, 7], [0, 1]]), np.array([[2, 9], [0, 5], [1, 2]])
    m1, m2 = _matrix(2, 1), _matrix(3, 2)
    d.decide(first, m1, np.array([0.9, 0.1]))
    d.decide(second, m2, np.array([0.2, 0.8, 0.5]))
    assert len(d) == 5
    asked = np.array([[0, 5], [4, 6], [3, 7], [1, 2], [9, 9]])
    rows = d.rows(asked)
    assert (rows[[1, 4]] == -1).all() and (rows[[0, 2, 3]] >= 0).all()
    assert d.probability(rows[[0, 2, 3]]).tolist() == [0.8, 0.9, 0.5]
    s = d.scores(int(rows[2]))
    names = Evidence.names()
    assert s.jaccard == m1[0, names.index("jaccard")]
    assert s.cosine == m1[0, names.index("cosine")]
    assert s.probability == 0.9
    assert dict(s.evidence) == dict(zip(names, m1[0].tolist(), strict=True))
    assert d.pairs().tolist() == [[0, 1], [0, 5], [1, 2], [2, 9], [3, 7]]


def test_a_subset_keeps_the_rows_asked_for():
    d = Decisions(4)
    d.decide(np.array([[0, 1], [2, 3], [1, 3]]), _matrix(3, 3), np.array([0.1, 0.2, 0.3]))
    pairs = d.pairs()
    kept = d.kept(pairs[:, 0] != 1)
    assert kept.pairs().tolist() == [[0, 1], [2, 3]]
    assert kept.rows(np.array([[1, 3]])).tolist() == [-1]
    assert kept.probability(kept.rows(np.array([[2, 3]]))).tolist() == [0.2]


def test_no_decision_finds_nothing():
    assert Decisions(3).rows(np.array([[0, 1]])).tolist() == [-1]
