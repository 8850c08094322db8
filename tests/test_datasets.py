"""Quality floors on the real labelled sets (../shared/datasets), through `dedup eval` and the
benchmark scripts. Skipped, with the reason, when the sets are not beside the project."""

from __future__ import annotations

import json

import pytest

from benchmarks import eval as make_eval
from benchmarks import eval_syndication
from dedup import evaluate as ev
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
