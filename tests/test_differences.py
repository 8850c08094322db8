"""Near copies whose scores are all 1.00: the report says what keeps them from being exact."""

from __future__ import annotations

import json

from conftest import FURNITURE, STORY, by_kind, furniture_copy, run_cli, run_scan

from dedup.output.formats import github_summary, render_github, render_sarif


def test_furniture_copy_is_near_and_says_what_differs(tmp_path):
    report = run_scan([furniture_copy(tmp_path)])
    assert not by_kind(report, "exact_document")
    (near,) = by_kind(report, "near_document")
    kept = near.locations.index(near.canonical)
    copy = 1 - kept
    assert near.member_scores[copy].jaccard == 1.0
    assert near.member_differences[kept] is None
    difference = near.member_differences[copy]
    assert difference.summary == "identical apart from 1 furniture line"
    (line,) = difference.lines
    assert (line.side, line.what, line.text) == ("copy", "furniture", FURNITURE)
    assert line.location.path.endswith("b.txt") and line.location.start_line == 8


def test_json_text_and_ci_formats_explain_the_difference(tmp_path):
    path = str(furniture_copy(tmp_path))
    data = json.loads(run_cli(["scan", path, "--format", "json"]).stdout)
    (near,) = [f for f in data["findings"] if f["kind"] == "near_document"]
    (copy,) = [loc for loc in near["locations"] if loc["path"].endswith("b.txt")]
    assert copy["difference"] == {
        "summary": "identical apart from 1 furniture line",
        "lines": [
            {
                "in": "copy",
                "what": "furniture",
                "path": copy["path"],
                "start_line": 8,
                "end_line": 8,
                "text": FURNITURE,
            }
        ],
    }
    (kept,) = [loc for loc in near["locations"] if loc["path"].endswith("a.txt")]
    assert "difference" not in kept

    text = run_cli(["scan", path]).stdout
    assert "identical apart from 1 furniture line" in text
    assert f"b.txt:8 “{FURNITURE}”" in text

    report = run_scan([path])
    assert "identical apart from 1 furniture line (" in render_github(report)
    assert "cosine 1.00; identical apart from 1 furniture line |" in github_summary(report)
    assert "identical apart from 1 furniture line (" in render_sarif(report)


def test_copy_that_differs_in_one_word_of_a_long_story_names_the_line(tmp_path):
    long_story = STORY + "".join(
        f"Update {i}: the {i}th convoy of lorries reached the shelters on the hill road with "
        f"tents, pumps, medicine and food for {i * 12} people, the prefecture said.\n"
        for i in range(250)
    )
    (tmp_path / "a.txt").write_text(long_story, encoding="utf-8")
    edited = long_story.replace("the 7th convoy", "the seventh convoy")
    (tmp_path / "b.txt").write_text(edited, encoding="utf-8")
    (near,) = by_kind(run_scan([tmp_path]), "near_document")
    assert f"{near.scores.jaccard:.2f}" == "1.00"
    (difference,) = [d for d in near.member_differences if d is not None]
    assert difference.summary == "differs only in 1 line"
    assert {(line.side, line.what) for line in difference.lines} == {
        ("kept", "text"),
        ("copy", "text"),
    }
    assert {line.location.start_line for line in difference.lines} == {15}


def test_copy_with_a_paragraph_repeated_says_so(tmp_path):
    lines = STORY.splitlines(keepends=True)
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "b.txt").write_text("".join(lines[:4] + lines[3:]), encoding="utf-8")
    (near,) = by_kind(run_scan([tmp_path]), "near_document")
    (difference,) = [d for d in near.member_differences if d is not None]
    assert difference.summary == "identical apart from 1 repeated line"


def test_near_copies_below_1_00_have_no_difference():
    from conftest import CORPORA

    (near,) = by_kind(run_scan([CORPORA / "syndication.jsonl"]), "near_document")
    ids = [loc.id for loc in near.locations]
    differences = dict(zip(ids, near.member_differences, strict=True))
    assert differences["brief"] is None  # containment 1.00, Jaccard far below
    assert differences["wire-story"] is None  # the kept copy
    # The copy with site furniture reads 1.00 everywhere: its furniture is named.
    assert differences["copy-exact"].summary.startswith("identical apart from ")


def test_text_summary_says_why_copies_reading_1_00_are_not_exact(tmp_path):
    text = run_cli(["scan", str(furniture_copy(tmp_path))]).stdout
    assert "1 near copy reads 1.00 on every score but is not an exact duplicate" in text
