"""Stock phrases: shingles that many unrelated articles share stay out of the signatures,
so that they make no document candidates, while copies are found as before; an index keeps
the stock phrases of its build and a check fingerprints with them."""

from __future__ import annotations

import random

import numpy as np
import pytest
from conftest import write_jsonl

from dedup.app import index
from dedup.config import MinHashConfig, ScanConfig
from dedup.flow.pipeline import scan
from dedup.io import inputs
from dedup.io.index_codec import IndexMismatchError
from dedup.stages import stock

#: Sentences of 12 words (10 word 3-grams: a run shorter than ``stock_run``) that every
#: article of the corpus below carries, as wire stories carry theirs.
STOCK = [
    "the company did not immediately respond to a request for comment on",
    "officials said in a statement released late on the evening of monday",
    "the figures could not be independently verified by news agencies on friday",
    "he told reporters at a briefing in the capital on the same day",
]

#: Stock phrases counted on 30 articles (the default sample is larger than these corpora).
ON = ScanConfig(workers=1, minhash=MinHashConfig(stock_sample=30))
OFF = ScanConfig(workers=1, minhash=MinHashConfig(stock_sample=30, stock_articles=0))


def _words(rng: random.Random, n: int) -> str:
    return " ".join(f"w{rng.randrange(5000)}" for _ in range(n))


def _story(i: int) -> dict:
    """An article of its own words with the stock sentences: two inside paragraphs of its
    own, two as paragraphs of their own."""
    rng = random.Random(i)
    paragraphs = [
        f"{_words(rng, 25)} {STOCK[0]}",
        _words(rng, 30),
        STOCK[1],
        f"{STOCK[2]} {_words(rng, 25)}",
        STOCK[3],
    ]
    return {"id": f"s{i}", "title": f"Story {i}", "source": "wire", "text": "\n".join(paragraphs)}


def _corpus(tmp_path, n: int = 40):
    records = [_story(i) for i in range(n)]
    copy = dict(records[3], id="copy-of-s3", title="Another headline", source="other")
    brief = dict(records[7], id="brief-of-s7", source="other")
    brief["text"] = "\n".join(brief["text"].split("\n")[:4])
    return write_jsonl(tmp_path / "corpus.jsonl", [*records, copy, brief])


def _document_sets(report):
    return sorted(
        sorted(loc.id for loc in f.locations)
        for f in report.findings
        if f.kind.endswith("_document")
    )


def test_stock_phrases_make_no_document_candidates_and_copies_are_still_found(tmp_path):
    corpus = str(_corpus(tmp_path))
    off = scan([corpus], config=OFF).report
    on = scan([corpus], config=ON).report
    # Without them, the stock sentences pull unrelated stories together in the LSH bands.
    assert off.candidate_pairs["documents"] > 100
    assert on.candidate_pairs["documents"] <= 5
    expected = [["brief-of-s7", "s7"], ["copy-of-s3", "s3"]]
    assert _document_sets(on) == _document_sets(off) == expected
    # The stock sentences that stand alone are still found (as the source's furniture).
    assert [f.kind for f in on.findings] == [f.kind for f in off.findings]
    assert sum(f.kind == "boilerplate" for f in on.findings) == 2


def test_a_syndicated_run_of_frequent_shingles_stays_in_the_signatures(tmp_path):
    """A story copied by more outlets than ``stock_articles`` is made of frequent shingles,
    but in long runs: its copies are still candidates of each other."""
    story = _story(1000)
    records = []
    for i in range(25):  # near copies: one word of the story changed in each
        words = story["text"].split(" ")
        words[3 * i + 1] = f"changed{i}"
        records.append(dict(story, id=f"copy{i}", source=f"outlet{i}", text=" ".join(words)))
    records += [_story(i) for i in range(30)]  # the sample holds the copies
    corpus = str(write_jsonl(tmp_path / "corpus.jsonl", records))
    report = scan([corpus], config=ON).report
    (found,) = _document_sets(report)
    assert found == sorted(f"copy{i}" for i in range(25))
    assert report.candidate_pairs["documents"] >= 25 * 24 // 2  # each copy with each


def test_frequent_shingles_count_articles_not_occurrences():
    a = stock.article_shingles(np.array([5, 5, 5, 6], np.uint64), np.array([0, 0, 0, 0]))
    b = stock.article_shingles(np.array([5, 7], np.uint64), np.array([0, 1]))
    # 5 is in two articles (however often in the first), 6 and 7 in one each.
    assert stock.frequent_shingles([a, b], 1, 15).hashes.tolist() == [5]
    assert len(stock.frequent_shingles([a, b], 0, 15)) == 0  # 0: off


def test_stock_phrases_round_trip_and_damage_is_an_error():
    found = stock.of_hashes(np.array([9, 3, 2**63 + 1, 3], np.uint64), run=7)
    back = stock.StockShingles.decode(found.encode(), run=7)
    assert back.hashes.tolist() == [3, 9, 2**63 + 1] and back.run == 7
    with pytest.raises(ValueError, match="damaged"):
        stock.StockShingles.decode(b"not zlib", run=7)
    with pytest.raises(ValueError, match="not sorted"):
        stock.StockShingles.decode(stock.StockShingles(np.array([9, 3], np.uint64)).encode(), run=7)


def test_the_sample_takes_the_first_articles_of_every_shard():
    shards = [
        inputs.Shard(path="a.jsonl", offset=0, line=1, count=100),
        inputs.Shard(path="a.jsonl", offset=999, line=101, count=3),
        inputs.Shard(files=tuple(f"{i}.txt" for i in range(50))),
        inputs.Shard(stdin=b"text"),
    ]
    sample = inputs.sample_shards(shards, 40)  # 10 a shard
    assert [s.count for s in sample[:2]] == [10, 3]
    assert sample[2].files == tuple(f"{i}.txt" for i in range(10))
    assert sample[3].stdin == b"text"
    assert inputs.sample_shards(shards, 40) == sample  # the same on every run


def test_an_index_keeps_its_stock_phrases_and_a_check_uses_them(tmp_path):
    records = [_story(i) for i in range(40)]
    corpus = write_jsonl(tmp_path / "corpus.jsonl", records)
    new = write_jsonl(
        tmp_path / "new.jsonl", [dict(records[3], id="copy-of-s3", source="other"), _story(99)]
    )
    results = {}
    for name, config in (("on", ON), ("off", OFF)):
        location = str(tmp_path / f"{name}.sqlite")
        index.build([str(corpus)], config, location)
        opened = index.open_index(location, readonly=True)
        kept = opened.stock(config)
        opened.store.close()
        assert kept is not None and (len(kept) > 0) == (name == "on")
        results[name] = index.check([str(new)], config, location)
        with pytest.raises(IndexMismatchError, match="--stock-articles"):
            index.check([str(new)], OFF if name == "on" else ON, location)
    for report in results.values():
        assert _document_sets(report) == [["copy-of-s3", "s3"]]
    # The stock sentences of the new articles bring no unrelated indexed article along.
    assert results["on"].candidate_pairs["indexed_articles"] <= 3
    assert results["off"].candidate_pairs["indexed_articles"] > 10


def test_an_update_keeps_the_stock_phrases_of_the_build(tmp_path):
    first = write_jsonl(tmp_path / "a.jsonl", [_story(i) for i in range(30)])
    location = str(tmp_path / "index.sqlite")
    index.build([str(first)], ON, location)
    built = index.open_index(location).stock(ON)
    second = write_jsonl(tmp_path / "b.jsonl", [_story(i) for i in range(30, 60)])
    index.update([str(first), str(second)], ON, location)
    opened = index.open_index(location, readonly=True)
    after = opened.stock(ON)
    opened.store.close()
    assert built is not None and after is not None
    assert after.hashes.tolist() == built.hashes.tolist()


def test_an_input_smaller_than_the_sample_has_no_stock_phrases(tmp_path):
    """A small corpus (a newsroom repository) is fingerprinted as it was before stock
    phrases: a story's own rewrites are never taken for them."""
    corpus = str(_corpus(tmp_path, n=20))
    small = scan([corpus], config=ON).report
    assert small.candidate_pairs == scan([corpus], config=OFF).report.candidate_pairs
    assert small.candidate_pairs["documents"] > 20
    assert scan([corpus], config=ScanConfig(workers=1)).report.candidate_pairs == (
        small.candidate_pairs
    )
