"""Quality floors on the real labelled sets (../shared/datasets), through `dedup eval` and the
benchmark scripts. Skipped, with the reason, when the sets are not beside the project."""

from __future__ import annotations

import json
import sys
from collections import Counter

import pytest

from benchmarks import eval as make_eval
from benchmarks import eval_syndication
from dedup.app import evaluate as ev
from dedup.config import ScanConfig

pytestmark = [
    pytest.mark.datasets,
    pytest.mark.skipif(
        not make_eval.DATASETS.is_dir(),
        reason=f"labelled sets not found at {make_eval.DATASETS} (../shared/datasets)",
    ),
]


def test_msrp_accuracy_at_the_defaults(tmp_path):
    pairs_file = tmp_path / "msrp.tsv"
    assert make_eval.msrp_pairs(make_eval.MSRP_TEST, pairs_file) == 1725
    pairs, warnings = ev.read_pairs(str(pairs_file))
    assert not warnings and len(pairs) == 1725
    result = ev.evaluate_pairs(pairs, "paragraph", ScanConfig(), metric="accuracy")
    assert result.metrics.accuracy is not None and result.metrics.accuracy >= 0.72


def test_syndicated_clusters_ari_at_the_defaults(tmp_path):
    out = tmp_path / "syndication.md"
    assert eval_syndication.main(["--out", str(out)]) == 0
    systems = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))["systems"]
    baseline = max(v["ari"] for k, v in systems.items() if k != "dedup")
    assert systems["dedup"]["ari"] >= 0.95 > baseline


@pytest.fixture(scope="module")
def l3s_pages():
    datasets = pytest.importorskip("benchmarks.datasets")  # lxml, tld: the bench extra
    return datasets.read("l3s-gn1", make_eval.DATASETS)


def _dedup_lines(eval_boilerplate, pages, lines, tmp_path):
    """``dedup clean --keep-duplicates`` (line removals only) on ``lines`` (page id -> lines)."""
    corpus = [(p.id, p.site, lines[p.id]) for p in pages]
    return eval_boilerplate.run_dedup(
        corpus, tmp_path, python=sys.executable, extra_args=["--keep-duplicates", "--workers", "2"]
    )


def test_boilerplate_lines_removed_from_naive_l3s_text_are_boilerplate(l3s_pages, tmp_path):
    # dedup learns furniture from lines repeated across a site's pages: what it removes from
    # the naive text of L3S-GN1 is (almost) all gold boilerplate, and the text it keeps is
    # closer to the gold main text than the naive text (it does not reach jusText's F1 on
    # this set, where most sites have one or two pages; see benchmarks/RESULTS.md).
    eval_boilerplate = pytest.importorskip("benchmarks.eval_boilerplate")
    naive = {p.id: [line.text for line in p.lines] for p in l3s_pages}
    run = _dedup_lines(eval_boilerplate, l3s_pages, naive, tmp_path)
    lines = eval_boilerplate.line_scores(run, l3s_pages)
    assert lines["p"] >= 0.95
    gold = {p.id: Counter(eval_boilerplate.iter_words(p.gold)) for p in l3s_pages}
    before = eval_boilerplate.word_scores({i: "\n".join(x) for i, x in naive.items()}, gold)
    after = eval_boilerplate.word_scores(run.kept, gold)
    assert after["macro"]["f1"] >= before["macro"]["f1"] + 0.03
    assert after["macro"]["r"] >= before["macro"]["r"] - 0.01


def test_dedup_after_trafilatura_on_l3s_raises_precision_keeps_recall(l3s_pages, tmp_path):
    # Issue 5's target for dedup as a second pass after an extractor, line removals only.
    eval_boilerplate = pytest.importorskip("benchmarks.eval_boilerplate")
    extracted = {p.id: eval_boilerplate.trafilatura_text(p.html) for p in l3s_pages}
    lines = {i: eval_boilerplate.text_lines(t) for i, t in extracted.items()}
    run = _dedup_lines(eval_boilerplate, l3s_pages, lines, tmp_path)
    gold = {p.id: Counter(eval_boilerplate.iter_words(p.gold)) for p in l3s_pages}
    alone = eval_boilerplate.word_scores(extracted, gold)["macro"]
    both = eval_boilerplate.word_scores(run.kept, gold)["macro"]
    assert both["p"] > alone["p"]
    assert both["r"] >= alone["r"] - 0.01
