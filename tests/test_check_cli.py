"""dedup index / check / baseline on the command line: exit codes, formats, the baseline."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from click.testing import CliRunner
from conftest import SEEDS
from conftest import run_cli as run

from dedup.cli import main
from dedup.config import DEFAULT_EXCLUDE

SCHEMA = Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json"


def copy_of_seed(repo: Path) -> Path:
    new = repo / "articles" / "new.txt"
    text = (SEEDS / "000_fcda6f0cde3ca470.txt").read_text(encoding="utf-8")
    new.write_text("Un autre titre\n" + text.split("\n", 1)[1], encoding="utf-8")
    return new


def test_build_writes_the_default_index_and_stats_reads_it(repo):
    assert (repo / ".dedup" / "index.sqlite").is_file()
    stats = json.loads(run(["index", "stats", "--format", "json"]).stdout)
    assert stats["articles"] == 5 and stats["params"]["num_perm"] == 128
    assert "articles: 5" in run(["index", "stats"]).stdout


def test_check_exit_codes(repo):
    clean = repo / "articles" / "fresh.txt"
    clean.write_text("Titre sans rapport\nUn article sur un tout autre sujet.\n", "utf-8")
    run(["check", "articles/fresh.txt", "-q"], exit_code=0)
    new = copy_of_seed(repo)
    out = run(["check", new.relative_to(repo), "--format", "json", "-q"], exit_code=1).stdout
    report = json.loads(out)
    kinds = [f["kind"] for f in report["findings"]]
    assert "exact_document" in kinds
    doc = next(f for f in report["findings"] if f["kind"] == "exact_document")
    assert doc["canonical"]["path"] == "articles/000_fcda6f0cde3ca470.txt"
    assert report["config"]["index"] == str(Path(".dedup") / "index.sqlite")


def test_check_errors_exit_2_with_one_line(repo, tmp_path):
    result = run(["check", "articles/001_5e40105071325d3a.txt", "--index", "nowhere.sqlite"], 2)
    assert "nowhere.sqlite: no index here" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    result = run(["check", "articles/001_5e40105071325d3a.txt", "--ngram-size", "4"], 2)
    assert "--ngram-size 4 (index: 3)" in result.stderr and "ngram_size" not in result.stderr


def test_update_from_the_command_line(repo):
    copy_of_seed(repo)
    out = run(["index", "update", "articles", "-q", "--format", "json"]).stdout
    assert json.loads(out)["added"] == 1
    assert "0 added, 0 removed, 6 unchanged" in run(["index", "update", "articles", "-q"]).stdout


def test_github_annotations(repo):
    new = copy_of_seed(repo)
    out = run(["check", new.relative_to(repo), "--format", "github", "-q"], exit_code=1).stdout
    errors = [line for line in out.splitlines() if line.startswith("::error ")]
    assert errors and errors[0].startswith("::error file=articles/new.txt,line=1,")
    assert "title=dedup/exact-document" in errors[0]


def test_github_summary_is_appended(repo, monkeypatch):
    summary = repo / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    new = copy_of_seed(repo)
    run(["check", new.relative_to(repo), "--format", "github", "-q"], exit_code=1)
    assert "exact_document" in summary.read_text(encoding="utf-8")


def test_sarif_is_valid_and_names_the_matched_article(repo):
    new = copy_of_seed(repo)
    out = run(["check", new.relative_to(repo), "--format", "sarif", "-q"], exit_code=1).stdout
    log = json.loads(out)
    jsonschema.validate(log, json.loads(SCHEMA.read_text(encoding="utf-8")))
    result = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "DEDUP001")
    related = result["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert related == "articles/000_fcda6f0cde3ca470.txt"


def test_baseline_accepts_findings_and_reports_stale_entries(repo):
    corpus = repo / "articles"
    findings = json.loads(run(["scan", corpus, "--format", "json", "-q"]).stdout)["findings"]
    assert findings
    run(["baseline", "update", "articles", "-q"])
    baseline = repo / ".dedup-baseline.jsonl"
    entries = [json.loads(line) for line in baseline.read_text(encoding="utf-8").splitlines()]
    assert entries and all({"key", "kind", "paths"} <= e.keys() for e in entries)
    # The default baseline is read: nothing is left to report.
    report = json.loads(run(["scan", "articles", "--format", "json", "--check", "-q"]).stdout)
    assert report["findings"] == []
    assert report["baseline"]["accepted"] == len(findings) and report["baseline"]["stale"] == []
    # A new copy is still reported, by scan and by check.
    new = copy_of_seed(repo)
    report = json.loads(run(["scan", "articles", "--format", "json", "-q"]).stdout)
    assert [f["kind"] for f in report["findings"]] == ["exact_document"]
    run(["check", new.relative_to(repo), "-q"], exit_code=1)
    new.unlink()
    # Line numbers moving does not unaccept a finding...
    seed = corpus / "001_5e40105071325d3a.txt"
    seed.write_text("\n" + seed.read_text(encoding="utf-8"), encoding="utf-8")
    run(["scan", "articles", "--check", "-q"], exit_code=0)
    # ...but an entry whose finding is gone is stale, and said so.
    lines = seed.read_text(encoding="utf-8").splitlines(keepends=True)
    seed.write_text("".join(lines[:8] + lines[9:]), encoding="utf-8")  # one copy of line 8
    result = run(["scan", "articles", "--format", "json"])
    stale = json.loads(result.stdout)["baseline"]["stale"]
    assert [e["kind"] for e in stale] == ["exact_paragraph"]
    assert "stale entry" in result.stderr


def test_a_malformed_baseline_names_its_line(repo):
    (repo / "bad.jsonl").write_text('{"key": "x", "kind": "boilerplate", "paths": []}\nnope\n')
    result = run(["scan", "articles", "--baseline", "bad.jsonl"], exit_code=2)
    assert "bad.jsonl:2" in result.stderr


def test_version_does_not_import_the_engine():
    import subprocess
    import sys

    code = (
        "import sys; from dedup.cli import main\n"
        "assert 'numpy' not in sys.modules and 'dedup.app.index' not in sys.modules, sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_pre_commit_hooks_manifest():
    import re

    import yaml

    hooks = yaml.safe_load(
        (Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml").read_text()
    )
    by_id = {h["id"]: h for h in hooks}
    assert set(by_id) == {"dedup-check", "dedup-scan"}
    for hook in hooks:
        assert {"id", "name", "entry", "language"} <= hook.keys()
        program, command, *_ = hook["entry"].split()
        assert program == "dedup" and command in main.commands
    check = by_id["dedup-check"]
    assert check["require_serial"] is True and check.get("pass_filenames", True)
    assert all(re.search(check["files"], f"a/b{ext}") for ext in (".txt", ".md", ".jsonl"))
    # pre-commit passes files one by one: the repository's documents are left out by the
    # hook, and the excludes of [tool.dedup] apply to the files passed.
    assert "--force-exclude" in check["entry"].split()
    documents = [p for p in DEFAULT_EXCLUDE if p.endswith(".*")]
    for name in documents:
        for path in (f"{name[:-2]}.md", f"docs/{name[:-2].lower()}.fr.md"):
            assert re.search(check["exclude"], path), path
    for path in ("articles/security-council-vote.txt", "changes-to-the-law.md", "a/readme"):
        assert not re.search(check["exclude"], path), path
    assert by_id["dedup-scan"]["stages"] == ["manual"] and not by_id["dedup-scan"]["pass_filenames"]


def test_check_reads_standard_input(repo):
    text = (SEEDS / "000_fcda6f0cde3ca470.txt").read_text(encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["check", "-", "--stdin-filename", "incoming.txt", "--format", "json", "-q"],
        input=text,
    )
    assert result.exit_code == 1, result.output
    doc = next(f for f in json.loads(result.stdout)["findings"] if f["kind"] == "exact_document")
    assert {loc["path"] for loc in doc["locations"]} == {
        "articles/000_fcda6f0cde3ca470.txt",
        "incoming.txt",
    }


def test_the_hook_leaves_out_a_file_the_excludes_match(repo):
    """pre-commit passes files one by one: with the hook's --force-exclude, a README that
    copies an article is not checked, nor a file [tool.dedup] excludes."""
    readme = repo / "README.txt"
    readme.write_text((SEEDS / "000_fcda6f0cde3ca470.txt").read_text(encoding="utf-8"), "utf-8")
    run(["check", "README.txt", "-q"], exit_code=1)
    run(["check", "README.txt", "--force-exclude", "-q"], exit_code=0)
    new = copy_of_seed(repo)
    run(["check", "README.txt", new.relative_to(repo), "--force-exclude", "-q"], exit_code=1)
    (repo / "pyproject.toml").write_text(
        '[tool.dedup]\nextend-exclude = ["new.txt"]\n', encoding="utf-8"
    )
    run(["check", "README.txt", new.relative_to(repo), "--force-exclude", "-q"], exit_code=0)
