"""Helpers the benchmark scripts share: words, word n-grams, their Jaccard, components, and
how often unrelated texts share stock phrases.

One definition each, so that every figure compares texts the same way: two texts without a
shingle share nothing (Jaccard 0.0), and a text shorter than ``n`` words is one shingle.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence

from dedup.stages import cluster

_WORD = re.compile(r"\w+")


def split_words(text: str) -> list[str]:
    """Lowercased words split on white space (what the MinHash peers shingle).

    >>> split_words("  Le  CHAT\\n dort ")
    ['le', 'chat', 'dort']
    """
    return text.lower().split()


def word_tokens(text: str) -> list[str]:
    r"""Lowercased ``\w+`` tokens (punctuation dropped).

    >>> word_tokens("L'été, 2019!")
    ['l', 'été', '2019']
    """
    return _WORD.findall(text.lower())


def ngrams(words: Sequence[str], n: int) -> set[str]:
    """Word ``n``-grams, joined by a space; a text of fewer than ``n`` words is one shingle,
    and a text without words has none.

    >>> sorted(ngrams(["a", "b", "c"], 2)), ngrams(["a"], 3), ngrams([], 3)
    (['a b', 'b c'], {'a'}, set())
    """
    if len(words) < n:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    """``|a & b| / |a | b|``; 0.0 for two empty sets (nothing shared).

    >>> jaccard({"x", "y"}, {"y"}), jaccard(set(), set())
    (0.5, 0.0)
    """
    shared = len(a & b)
    union = len(a) + len(b) - shared
    return shared / union if union else 0.0


#: Jaccard thresholds of :func:`phrase_share`.
PHRASE_THRESHOLDS = (0.02, 0.05)


def phrase_share(
    texts: Sequence[str], pairs: int = 20000, seed: int = 1, sample: int = 3000
) -> tuple[float, float]:
    r"""The share of random pairs of texts whose word 3-gram Jaccard (lowercased ``\w+``
    tokens) is above 0.02, and above 0.05: how often unrelated articles share stock phrases
    (datelines, attributions, sign-offs), since nearly all random pairs of a corpus are
    unrelated.

    ``pairs`` pairs of two distinct texts are drawn (with replacement) among ``sample`` texts
    drawn without replacement (all of them if there are no more), both with
    ``random.Random(seed)``: deterministic, and the shingles of at most ``sample`` texts are
    held in memory at a time.

    >>> phrase_share(["A b, c d", "a b c e"], pairs=10), phrase_share(["a b c d", "a b d c"])
    ((1.0, 1.0), (0.0, 0.0))
    """
    if len(texts) < 2 or pairs < 1:
        return 0.0, 0.0
    rng = random.Random(seed)
    chosen = list(range(len(texts)))
    if len(chosen) > sample >= 2:
        chosen = sorted(rng.sample(chosen, sample))
    shingles: dict[int, set[str]] = {}

    def of(i: int) -> set[str]:
        if i not in shingles:
            shingles[i] = ngrams(word_tokens(texts[i]), 3)
        return shingles[i]

    above = [0, 0]
    m = len(chosen)
    for _ in range(pairs):
        a = rng.randrange(m)
        b = rng.randrange(m - 1)
        b += b >= a
        j = jaccard(of(chosen[a]), of(chosen[b]))
        above[0] += j > PHRASE_THRESHOLDS[0]
        above[1] += j > PHRASE_THRESHOLDS[1]
    return above[0] / pairs, above[1] / pairs


def components(edges: Iterable[tuple[str, str]], ids: Iterable[str] = ()) -> dict[str, str]:
    """The connected component of every node of ``edges`` (and of ``ids``, alone if no edge
    names it), labelled by its smallest id.

    >>> components([("b", "a"), ("c", "d")], ["e"])
    {'a': 'a', 'b': 'a', 'c': 'c', 'd': 'c', 'e': 'e'}
    """
    edges = list(edges)
    nodes = sorted({x for edge in edges for x in edge} | set(ids))
    index = {x: i for i, x in enumerate(nodes)}
    groups = cluster.components((index[a], index[b]) for a, b in edges)
    label = {nodes[i]: nodes[group[0]] for group in groups for i in group}
    return {x: label.get(x, x) for x in nodes}
