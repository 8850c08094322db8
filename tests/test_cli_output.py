"""What fails and how the report is written (issue 14, items 8 and 9): --select, --ignore,
--fail-on, --exit-zero, the allow marker; --output-file with several reporters, --color,
the closing summary line, the findings the baseline hides, the check's heading, timings
only when asked, text wrapped at 80 columns."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import SEEDS
from conftest import run_cli as run

SEED = SEEDS / "000_fcda6f0cde3ca470.txt"


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    """The seeds (repeated paragraphs, boilerplate) and a copy of one of them."""
    shutil.copytree(SEEDS, tmp_path / "articles")
    text = SEED.read_text(encoding="utf-8")
    (tmp_path / "articles" / "copy.txt").write_text("Autre titre\n" + text.split("\n", 1)[1])
    monkeypatch.chdir(tmp_path)
    return tmp_path


def kinds(result) -> set[str]:
    return {f["kind"] for f in json.loads(result.stdout)["findings"]}


def rules(result) -> set[str]:
    return {f["rule"] for f in json.loads(result.stdout)["findings"] if f["kind"] == "boilerplate"}


# ----------------------------------------------------------------- item 8: what fails


def test_select_and_ignore_by_kind_group_and_code(corpus):
    everything = kinds(run(["scan", "articles", "--format", "json", "-q"]))
    assert {"exact_paragraph", "boilerplate"} <= everything
    assert everything & {"exact_document", "near_document"}
    assert kinds(
        run(["scan", "articles", "--format", "json", "-q", "--select", "boilerplate"])
    ) == {"boilerplate"}
    assert kinds(run(["scan", "articles", "--format", "json", "-q", "--select", "DEDUP005"])) == {
        "boilerplate"
    }
    ignored = kinds(run(["scan", "articles", "--format", "json", "-q", "--ignore", "paragraph"]))
    assert ignored == everything - {"exact_paragraph", "near_paragraph"}
    both = run(["scan", "articles", "--format", "json", "-q", "--select", "document,boilerplate"])
    assert kinds(both) == everything & {"exact_document", "near_document", "boilerplate"}


def test_ignore_a_boilerplate_pattern_by_id(corpus):
    all_rules = rules(run(["scan", "articles", "--format", "json", "-q"]))
    assert any(r.startswith("fr/comment-prompt:") for r in all_rules)
    left = rules(
        run(["scan", "articles", "--format", "json", "-q", "--ignore", "fr/comment-prompt"])
    )
    assert left == {r for r in all_rules if not r.startswith("fr/comment-prompt:")}


def test_an_unknown_selector_is_an_error_with_a_suggestion(corpus):
    result = run(["scan", "articles", "--select", "paragrph"], exit_code=2)
    assert "paragrph" in result.stderr and "did you mean paragraph" in result.stderr


def test_fail_on_documents_only(corpus):
    (corpus / "articles" / "copy.txt").unlink()
    # Repeated paragraphs and boilerplate: reported, but only documents fail.
    result = run(["scan", "articles", "--check", "--fail-on", "document", "--format", "json"])
    assert json.loads(result.stdout)["findings"]
    run(["scan", "articles", "--check", "--fail-on", "paragraph", "-q"], exit_code=1)


def test_exit_zero(corpus):
    run(["scan", "articles", "--check", "-q"], exit_code=1)
    run(["scan", "articles", "--check", "--exit-zero", "-q"], exit_code=0)


def test_a_line_marked_allowed_is_not_reported(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    body = (
        "Le conseil municipal a adopté mardi soir le budget de la ville pour l'année "
        "prochaine, après trois heures de débats sur la rénovation des écoles."
    )
    seeds = sorted(SEEDS.glob("*.txt"))
    a = seeds[0].read_text(encoding="utf-8")
    b = seeds[3].read_text(encoding="utf-8")
    (tmp_path / "a.txt").write_text(f"{a}\n{body}\n", "utf-8")
    (tmp_path / "b.txt").write_text(f"{b}\n{body}\n", "utf-8")
    reported = json.loads(run(["scan", "a.txt", "b.txt", "--format", "json", "-q"]).stdout)
    assert any(f["kind"] == "exact_paragraph" for f in reported["findings"])
    (tmp_path / "b.txt").write_text(f"{b}\n{body} <!-- dedup: allow -->\n", "utf-8")
    result = run(["scan", "a.txt", "b.txt", "--format", "json", "-q"])
    report = json.loads(result.stdout)
    assert not [
        f
        for f in report["findings"]
        if f["kind"].endswith("_paragraph")
        and "b.txt" in {loc["path"] for loc in f["locations"]}
        and "a.txt" in {loc["path"] for loc in f["locations"]}
    ]
    assert report["hidden"]["allowed"] >= 1


# ----------------------------------------------------------------- item 9: output


def test_several_reporters_in_one_run(corpus):
    result = run(
        [
            "scan", "articles", "-q",
            "--format", "json", "--output-file", "r.json",
            "--format", "github",
        ],
    )  # fmt: skip
    report = json.loads((corpus / "r.json").read_text(encoding="utf-8"))
    assert report["findings"]
    assert result.stdout.startswith("::")
    assert "{" not in result.stdout.splitlines()[0]


def test_output_file_alone_leaves_stdout_empty(corpus):
    result = run(["scan", "articles", "-q", "--format", "json", "--output-file", "out.json"])
    assert result.stdout == ""
    assert json.loads((corpus / "out.json").read_text(encoding="utf-8"))["findings"]


def test_two_reporters_on_stdout_is_an_error(corpus):
    result = run(["scan", "articles", "--format", "json", "--format", "github"], exit_code=2)
    assert "--output-file" in result.stderr


def test_color_always_and_never(corpus):
    always = run(["scan", "articles", "--color", "always"]).stdout
    assert "\x1b[" in always
    never = run(["scan", "articles", "--color", "never"]).stdout
    assert "\x1b[" not in never


def test_closing_summary_line_and_baseline_count(corpus):
    out = run(["scan", "articles"]).stdout
    last = out.rstrip().splitlines()[-1]
    assert last.startswith("Found ") and "duplicate article" in last and last.endswith(".")
    run(["baseline", "update", "articles", "-q"])
    out = run(["scan", "articles"]).stdout
    assert "hidden by the baseline" in out
    assert out.rstrip().splitlines()[-1].startswith("No duplicates or boilerplate found")


def test_no_time_line_unless_asked(corpus):
    result = run(["scan", "articles"])
    assert "time:" not in result.stderr
    assert "time:" in run(["scan", "articles", "--timings"]).stderr


def test_check_report_is_headed_dedup_check(corpus):
    run(["index", "build", "articles", "-q", "--workers", "1"])
    (corpus / "new.txt").write_text(SEED.read_text(encoding="utf-8"), "utf-8")
    out = run(["check", "new.txt"], exit_code=1).stdout
    assert out.lstrip().startswith("dedup check")


def test_text_wraps_on_word_boundaries_at_80_columns(corpus):
    out = run(["scan", "articles"], terminal_width=200).stdout
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    # A long excerpt goes on over several lines, each ending on a whole word of the text.
    text = " ".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt"))
    words = set(text.split())
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("“"))
    assert lines[start + 1].startswith("    ") and lines[start + 1].strip()
    assert lines[start].split()[-1] in words


def test_clean_keeps_a_line_marked_allowed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    seeds = sorted(SEEDS.glob("*.txt"))
    body = "Ce paragraphe répété est voulu par la rédaction, qui le place en fin d'article."
    a, b = seeds[0].read_text(encoding="utf-8"), seeds[3].read_text(encoding="utf-8")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(f"{a}\n{body}\n", "utf-8")
    (tmp_path / "in" / "b.txt").write_text(f"{b}\n{body}\n", "utf-8")
    run(["clean", "in", "--out", "out1", "--drop-cross-article-repeats", "-q"])
    assert body not in (tmp_path / "out1" / "b.txt").read_text("utf-8")
    (tmp_path / "in" / "b.txt").write_text(f"{b}\n{body} <!-- dedup: allow -->\n", "utf-8")
    run(["clean", "in", "--out", "out2", "--drop-cross-article-repeats", "-q"])
    assert body in (tmp_path / "out2" / "b.txt").read_text("utf-8")


def test_no_line_of_the_text_report_ends_in_blanks(corpus):
    out = run(["scan", "articles", "--color", "never"]).stdout
    assert not [line for line in out.splitlines() if line != line.rstrip()]


def test_an_output_file_never_replaces_an_input(corpus):
    target = corpus / "articles" / "copy.txt"
    before = target.read_bytes()
    result = run(["scan", "articles", "--format", "json", "-o", "articles/copy.txt"], exit_code=2)
    assert "is an input" in result.stderr
    assert target.read_bytes() == before
    result = run(
        [
            "scan",
            "articles",
            "--format",
            "json",
            "-o",
            "r.json",
            "--format",
            "sarif",
            "-o",
            "r.json",
        ],
        exit_code=2,
    )
    assert "given twice" in result.stderr
