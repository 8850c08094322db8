"""dedup eval: readers, metrics, the three evaluations and the command."""

from __future__ import annotations

import json
import shutil

import numpy as np
from click.testing import CliRunner
from conftest import SEEDS, run_cli, write_jsonl
from hypothesis import given
from hypothesis import strategies as st

from dedup.app import evaluate as ev
from dedup.app.labels import LabelledPair
from dedup.app.metrics import binary_metrics, cluster_metrics
from dedup.cli import main
from dedup.config import ScanConfig, VerifyConfig
from dedup.stages import verify

STORY = (
    "Le président ukrainien Volodymyr Zelensky a rencontré mardi à Kiev les ministres "
    "européens des affaires étrangères pour discuter du soutien militaire et financier."
)
EDITED = STORY.replace("mardi", "mercredi").replace("financier", "économique")
OTHER = (
    "La banque centrale européenne a laissé ses taux inchangés jeudi, citant une inflation "
    "encore trop élevée dans la zone euro malgré le ralentissement de la croissance."
)


def test_binary_metrics_count_each_cell():
    m = binary_metrics(np.array([1, 1, 0, 0, 1]), np.array([1, 0, 1, 0, 1]))
    assert (m.tp, m.fp, m.fn, m.tn) == (2, 1, 1, 1)
    assert m.precision == 2 / 3 and m.recall == 2 / 3 and m.accuracy == 3 / 5


def test_cluster_metrics_perfect_and_split():
    perfect = cluster_metrics([5, 5, 7, 9], [0, 0, 1, 2])
    assert perfect.ari == 1.0 and perfect.precision == 1.0 and perfect.recall == 1.0
    split = cluster_metrics([0, 1, 2, 3], [0, 0, 0, 1])
    assert (split.tp, split.fp, split.fn) == (0, 0, 3)
    merged = cluster_metrics([0, 0, 0, 0], [0, 0, 1, 1])
    assert (merged.tp, merged.fp, merged.fn) == (2, 4, 0)


unit = st.floats(0.0, 1.0)


@given(st.lists(st.tuples(unit, unit, unit), min_size=1, max_size=30))
def test_paragraph_mask_agrees_with_the_scalar_rule(rows):
    config = VerifyConfig()
    j, _, c = (np.array(col) for col in zip(*rows, strict=True))
    par = verify.near_paragraph_mask(j, c, config)
    for i, (a, b, cos) in enumerate(rows):
        assert par[i] == verify.is_near_paragraph(verify.Scores(a, b, cos), config)


def test_read_pairs_jsonl_tsv_and_paths(tmp_path):
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    jsonl = tmp_path / "pairs.jsonl"
    jsonl.write_text(
        json.dumps({"a": STORY, "b": EDITED, "label": 1})
        + "\n{not json\n"
        + json.dumps({"a_path": "a.txt", "b": OTHER, "label": "0"})
        + "\n"
        + json.dumps({"a": STORY, "b": OTHER, "label": 2})
        + "\n",
        encoding="utf-8",
    )
    pairs, warnings = ev.read_pairs(str(jsonl))
    assert [p.label for p in pairs] == [True, False]
    assert pairs[1].a == STORY
    assert [(w.line, w.path) for w in warnings] == [(2, str(jsonl)), (4, str(jsonl))]
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text(f"a\tb\tlabel\n{STORY}\t{EDITED}\t1\n", encoding="utf-8")
    assert ev.detect_task(str(tsv)) == "pairs"
    assert ev.read_pairs(str(tsv))[0] == [LabelledPair(STORY, EDITED, True)]


def test_pairs_decide_as_the_scan_does():
    pairs = [
        LabelledPair(STORY, EDITED, True),
        LabelledPair(STORY, OTHER, False),
        LabelledPair(EDITED, OTHER, True),  # a wrong label: counted as a miss
        LabelledPair("Lire aussi", "Lire aussi", False),  # too short to report
    ]
    result = ev.evaluate_pairs(pairs, "paragraph", ScanConfig())
    m = result.metrics
    assert (m.tp, m.fp, m.fn, m.tn) == (1, 0, 1, 2)
    assert {p.knob for p in result.sweep} == set(ev.PARAGRAPH_KNOBS)
    assert len(result.sweep) == len(ev.PARAGRAPH_KNOBS) * len(ev.UNIT_SWEEP)
    for knob, best in result.best.items():
        assert best.metrics.f1 == max(p.metrics.f1 for p in result.sweep if p.knob == knob)


def test_clusters_score_the_scan(tmp_path):
    for path in SEEDS.glob("*.txt"):
        shutil.copy(path, tmp_path / path.name)
    seeds = sorted(p.name for p in tmp_path.glob("*.txt"))
    copy = (tmp_path / seeds[0]).read_text(encoding="utf-8")
    title, body = copy.split("\n", 1)
    labels = [{"path": name, "cluster": name} for name in seeds]
    labels.append({"text": body, "title": title, "cluster": seeds[0]})
    path = write_jsonl(tmp_path / "clusters.jsonl", labels)
    assert ev.detect_task(str(path)) == "clusters"
    items, warnings = ev.read_clusters(str(path))
    assert not warnings
    result = ev.evaluate_clusters(items, ScanConfig(workers=1))
    assert result.items == 6
    assert result.metrics.ari == 1.0
    assert (result.metrics.tp, result.metrics.fp, result.metrics.fn) == (1, 0, 0)
    # Requiring a near-perfect copy everywhere still finds the exact copy.
    assert all(p.metrics.tp == 1 for p in result.sweep)


def test_lines_score_the_boilerplate_stage(tmp_path):
    seed = next(SEEDS.glob("003_*.txt"))
    labels = [{"path": str(seed), "line": n, "boilerplate": 1} for n in (70, 72, 74)]
    labels += [{"path": str(seed), "line": n, "boilerplate": 0} for n in (1, 5, 68)]
    path = write_jsonl(tmp_path / "lines.jsonl", labels)
    items, _ = ev.read_line_labels(str(path))
    result = ev.evaluate_lines(items, ScanConfig(workers=1))
    m = result.metrics
    assert (m.tp, m.fp, m.fn, m.tn) == (3, 0, 0, 3)
    assert {p.knob for p in result.sweep} == set(ev.LINE_KNOBS)


def test_cli_eval_json_and_errors(tmp_path):
    path = write_jsonl(
        tmp_path / "pairs.jsonl",
        [{"a": STORY, "b": EDITED, "label": 1}, {"a": STORY, "b": OTHER, "label": 0}],
    )
    runner = CliRunner()
    result = runner.invoke(main, ["eval", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["task"] == "pairs" and data["metrics"]["f1"] == 1.0
    text = runner.invoke(main, ["eval", str(path), "--paragraph-cosine", "0.99"])
    assert text.exit_code == 0 and "--paragraph-cosine" in text.output
    assert runner.invoke(main, ["eval", str(tmp_path / "missing.jsonl")]).exit_code == 2
    assert runner.invoke(main, ["eval", str(path), "--metric", "ari"]).exit_code == 2
    empty = tmp_path / "empty.jsonl"
    empty.write_text("{}\n", encoding="utf-8")
    bad = runner.invoke(main, ["eval", str(empty)])
    assert bad.exit_code == 2 and "cannot tell the task" in bad.output


def _fit_pairs(tmp_path):
    """Labelled article pairs: copies (cut, re-headlined) and notices of one format filled
    with other facts, ten stories of each."""
    rng = np.random.default_rng(5)
    words = [f"w{i}" for i in range(400)]
    rows = []
    for k in range(10):
        story = [" ".join(rng.choice(words, 18)) + "." for _ in range(6)]
        rows.append({"a": "\n".join(story), "b": "\n".join(story[:4]), "label": "copy",
                     "a_title": f"Story {k}", "b_title": f"Another title {k}"})  # fmt: skip
        notice = "{c} will pay a dividend of {x} cents a share on {d}, the company said."
        a = notice.format(c=f"Company{k} Corp", x=10 + k, d=f"March {k + 1}")
        b = notice.format(c=f"Firm{k} Holdings", x=40 + k, d=f"June {k + 2}")
        rows.append({"a": a, "b": b, "label": "template",
                     "a_title": f"Company{k} dividend", "b_title": f"Firm{k} dividend"})  # fmt: skip
    path = tmp_path / "pairs.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_eval_fits_a_verifier_that_scan_then_uses(tmp_path):
    from dedup.stages.verifier import Verifier

    pairs = _fit_pairs(tmp_path)
    model_path = tmp_path / "model.json"
    result = run_cli(
        ["eval", str(pairs), "--fit-verifier", str(model_path), "--format", "json", "-q"]
    )
    report = json.loads(result.stdout)
    assert report["level"] == "document" and report["fitted"]["path"] == str(model_path)
    assert report["metrics"]["precision"] == 1.0 and report["metrics"]["recall"] == 1.0
    model = Verifier.load(str(model_path))  # a valid model...
    assert model.threshold == report["fitted"]["threshold"]
    assert model.meta["pairs"] == 20
    # ...that eval and scan accept
    again = run_cli(["eval", str(pairs), "--level", "document", "--verifier", str(model_path),
                     "--format", "json", "-q"])  # fmt: skip
    assert json.loads(again.stdout)["metrics"]["f1"] == 1.0


def test_fit_verifier_refuses_to_write_over_its_labels(tmp_path):
    pairs = _fit_pairs(tmp_path)
    before = pairs.read_bytes()
    result = run_cli(["eval", str(pairs), "--fit-verifier", str(pairs)], exit_code=2)
    assert "write over LABELS" in result.stderr
    assert pairs.read_bytes() == before


def test_fit_verifier_needs_both_labels(tmp_path):
    path = tmp_path / "copies.jsonl"
    path.write_text(json.dumps({"a": "x y z w", "b": "x y z w", "label": "copy"}) + "\n")
    result = run_cli(["eval", str(path), "--fit-verifier", str(tmp_path / "m.json")], exit_code=2)
    assert "copies and other pairs" in result.stderr and str(path) in result.stderr
    assert not (tmp_path / "m.json").exists()
