"""The text-dedup peer of bench.py: its union-find turned into clusters, its removals and
stage times read, its column in the report, and a failed run recorded (none of these needs
text-dedup installed)."""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from benchmarks import bench

#: What text-dedup 0.4.0 logs on stdout through rich (80 columns when not on a terminal).
STDOUT = """\
[12/07/26 21:22:01] INFO     Number of clusters: 9                minhash.py:265
                    INFO     Number of edges: 43                  minhash.py:275
[12/07/26 21:22:02] INFO     Loading                         : 1.13s timer.py:65
                    INFO     MinHashing                      :       timer.py:65
                             12.56s
                    INFO     Clustering                      : 0.19s timer.py:65
                    INFO     Filtering                       : 0.51s timer.py:65
                    INFO     Saving                          : 0.05s timer.py:65
                    INFO     Cleaning                        : 0.01s timer.py:65
                    INFO     Total                           : 4.46s timer.py:65
                    INFO     Before                          :    minhash.py:308
                             2000
"""


def test_clusters_follow_uncompressed_chains_and_drop_singletons():
    parent = {"a": "a", "b": "a", "c": "b", "d": "c", "e": "e", "f": "f", "g": "h"}
    assert bench.clusters_from_parents(parent) == [["a", "b", "c", "d"], ["g", "h"]]
    assert bench.clusters_from_parents({}) == []


def test_a_cycle_is_not_a_union_find():
    try:
        bench.clusters_from_parents({"a": "b", "b": "a"})
    except ValueError as e:
        assert "cycle" in str(e)
    else:
        raise AssertionError("no error")


def test_stage_times_are_read_from_the_log():
    assert bench.parse_text_dedup_timings(STDOUT) == {
        "Loading": 1.13,
        "MinHashing": 12.56,
        "Clustering": 0.19,
        "Filtering": 0.51,
        "Saving": 0.05,
        "Cleaning": 0.01,
        "Total": 4.46,
    }
    assert bench.parse_text_dedup_timings("Traceback ...") == {}


def _corpus() -> bench.Corpus:
    ids = ["n1", "n2", "n3", "n4", "n5", "n6"]
    truth = {
        "doc_clusters": [["n1", "n2", "n3"], ["n4"], ["n5"], ["n6"]],
        "copy_kinds": {"n1": "original", "n2": "exact", "n3": "rewrite"},
    }
    return bench.Corpus(ids, {x: i for i, x in enumerate(ids)}, [""] * 6, 600, truth, {})


def test_removals_are_counted_against_the_planted_copies():
    corpus = _corpus()
    # text-dedup kept n2 of its cluster {n1, n2, n3}, merged n4 into n5's, and dropped n6 (short)
    clusters = [["n1", "n2", "n3"], ["n4", "n5"]]
    r = bench.text_dedup_removals(corpus.ids, ["n2", "n5"], clusters, corpus.truth)
    assert r == {
        "articles": 6,
        "kept": 2,
        "removed": 4,
        "planted_copies": 1,  # n3; n1 is the original
        "planted_copies_total": 2,
        "outside_planted_clusters": 2,  # n4 and n6
        "unknown_kept_ids": 0,
        "removed_as_duplicates": 3,
        "removed_otherwise": 1,
    }
    without = bench.text_dedup_removals(corpus.ids, ["n2", "n5"], None, corpus.truth)
    assert "removed_as_duplicates" not in without
    assert without["removed"] == 4
    scored = bench.score_pairs(corpus, clusters)
    assert (scored["tp"], scored["predicted_pairs"], scored["true_pairs"]) == (3, 4, 3)


def _results(peer: dict | None) -> dict:
    speed = {
        "wall_s": 2.0,
        "articles_per_s": 3.0,
        "mb_per_s": 0.3,
        "peak_rss_tree_mib": 100.0,
        "max_rss_single_mib": 90.0,
        "cpu_s": 2.0,
        "cpu_per_wall": 1.0,
    }
    size = {
        "articles": 6,
        "variant": "standard",
        "corpus_mb": 0.0006,
        "truth": {
            "clusters": 1,
            "copies": {"exact": 1, "rewrite": 1},
            "repeated_paragraphs": 0,
            "furniture_lines": 0,
            "rewrite_jaccard_mean": 0.3,
        },
        "dedup": dict(speed),
        "baseline": dict(speed),
        "speed_ratio": 1.0,
        "commands": ["generate", "scan", "baseline"],
    }
    results = {
        "date": "today",
        "seed": 1,
        "baseline_threshold": 0.8,
        "baseline_args": "",
        "machine": {
            "nproc": 2,
            "cpu_model": "cpu",
            "ram_gib": 1,
            "platform": "linux",
            "load_average_at_start": [0],
            "python": "3",
            "versions": {"numpy": "1", "datasketch": "1", "psutil": "1"},
            "git_commit": None,
            "git_dirty": False,
        },
        "sizes": [size],
    }
    if peer is not None:
        results["text_dedup"] = {"python": "/peer/python", "version": "0.4.0", "bands": 9}
        results["text_dedup"]["rows"] = 13
        size["text_dedup"] = peer
        size["commands"].append("HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1 /peer/python -m ...")
        if not peer.get("error"):
            size["speed_ratio_text_dedup"] = peer["wall_s"] / size["dedup"]["wall_s"]
    return results


def test_the_report_has_a_text_dedup_column_only_when_it_ran():
    plain = bench.render_markdown(_results(None))
    assert "text-dedup" not in plain
    assert "| | dedup | baseline (T=0.8) |\n|---|---:|---:|\n| wall time (s) | 2.0 | 2.0 |" in plain

    corpus = _corpus()
    clusters = [["n1", "n2", "n3"]]
    peer = {**_results(None)["sizes"][0]["dedup"], "wall_s": 5.0}
    peer["documents"] = bench.score_pairs(corpus, clusters)
    kept = ["n1", *corpus.ids[3:]]
    peer["removals"] = bench.text_dedup_removals(corpus.ids, kept, clusters, corpus.truth)
    peer["timings"] = {"Loading": 1.0, "Total": 4.5}
    text = bench.render_markdown(_results(peer))
    assert "psutil 1; dedup n/a (git no commit); text-dedup 0.4.0\n" in text
    assert "- text-dedup: `python -m text_dedup.minhash` of text-dedup 0.4.0" in text
    assert "9 bands of 13 rows" in text
    assert "| | dedup | baseline (T=0.8) | text-dedup 0.4.0 (T=0.8) |\n|---|---:|---:|---:|" in text
    assert "| wall time (s) | 2.0 | 2.0 | 5.0 |" in text
    assert "| document pairs: F1 | n/a | n/a | 1.000 |" in text
    assert "| articles removed | n/a | n/a | 2 (2 of the 2 planted copies; 0 in no" in text
    assert "| boilerplate: occurrence recall | n/a | n/a | n/a |" in text
    assert "Speed ratio dedup/text-dedup (wall): **2.50×**" in text
    assert "text-dedup stages (its own log): Loading 1.0 s, Total 4.5 s." in text
    assert "HF_HUB_OFFLINE=1 /peer/python -m ..." in text

    failed = bench.render_markdown(_results({"error": "exit 1; no module"}))
    assert "**text-dedup failed:**" in failed
    assert "| wall time (s) | 2.0 | 2.0 | failed |" in failed
    assert "Speed ratio dedup/text-dedup (wall): n/a" in failed


@pytest.mark.skipif(
    importlib.util.find_spec("text_dedup") is not None, reason="text-dedup is installed here"
)
def test_a_peer_that_cannot_run_is_recorded_and_cleaned_up(tmp_path: Path):
    # This interpreter has no text_dedup: the run fails, the benchmark goes on.
    corpus = _corpus()
    corpus_path = tmp_path / "corpus.jsonl"
    corpus_path.write_text(json.dumps({"id": "n1", "text": "a"}) + "\n")
    args = argparse.Namespace(text_dedup=sys.executable, threshold=0.8, interval=0.05)
    peer, shown = bench.bench_text_dedup(6, args, corpus, corpus_path, tmp_path)
    assert "text_dedup" in peer["error"] and peer["returncode"] != 0
    assert shown.startswith("HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1 ")
    assert "--threshold 0.8 --ngram 5 --num_perm 128 --debug --idx_column id" in shown
    assert not (tmp_path / "text-dedup-cache").exists()
    assert not (tmp_path / "text-dedup-out").exists()

    args.text_dedup = str(tmp_path / "no-such-python")
    peer, _ = bench.bench_text_dedup(6, args, corpus, corpus_path, tmp_path)
    assert peer["error"].startswith("could not start")
