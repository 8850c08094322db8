"""The pre-commit hook's workflow (issue 14, items 2, 3 and 6): `dedup check` keeps the
indexed copy and reports the new file, a rename is not a copy, the index follows the
corpus (stale files are named, `--update-index` brings it up to date), and `dedup init`
sets a repository up in one command."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

from conftest import SEEDS
from conftest import run_cli as run

SEED = SEEDS / "000_fcda6f0cde3ca470.txt"


def dated(date: str, body: str) -> str:
    return f"---\ntitle: Un titre\ndate: {date}\n---\n\n{body}"


def body_of_seed() -> str:
    return "\n\n".join(SEED.read_text(encoding="utf-8").split("\n")[1:])


def findings(result) -> list[dict]:
    return json.loads(result.stdout)["findings"]


def touch_later(path: Path) -> None:
    """Give ``path`` a modification time after the index's (file systems with coarse
    clocks would otherwise see no change)."""
    later = time.time() + 5
    os.utime(path, (later, later))


# ----------------------------------------------------------------- item 6: who is kept


def test_check_keeps_the_indexed_copy_even_when_the_new_one_is_older(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "old.md").write_text(dated("2024-05-02", body_of_seed()), "utf-8")
    run(["index", "build", "articles", "-q", "--workers", "1"])
    new = tmp_path / "articles" / "new.md"
    new.write_text(dated("2024-05-01", body_of_seed()), "utf-8")
    result = run(["check", "articles/new.md", "--format", "json", "-q"], exit_code=1)
    doc = next(f for f in findings(result) if f["kind"].endswith("_document"))
    assert doc["canonical"]["path"] == "articles/old.md"
    github = run(["check", "articles/new.md", "--format", "github", "-q"], exit_code=1).stdout
    errors = [line for line in github.splitlines() if line.startswith("::error ")]
    assert errors and errors[0].startswith("::error file=articles/new.md,")
    assert "articles/old.md" in errors[0]


def test_a_scan_still_keeps_the_earliest_copy(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "old.md").write_text(dated("2024-05-02", body_of_seed()), "utf-8")
    (tmp_path / "new.md").write_text(dated("2024-05-01", body_of_seed()), "utf-8")
    result = run(["scan", "old.md", "new.md", "--format", "json", "-q"])
    doc = next(f for f in findings(result) if f["kind"].endswith("_document"))
    assert doc["canonical"]["path"] == "new.md"


# ----------------------------------------------------------------- item 2: rename, stale


def test_a_renamed_article_is_not_a_copy_of_its_old_path(repo):
    (repo / "articles" / "000_fcda6f0cde3ca470.txt").rename(repo / "articles" / "renamed.txt")
    result = run(["check", "articles/renamed.txt", "--format", "json", "-q"])
    assert findings(result) == []


def test_check_names_the_files_the_index_does_not_know(repo):
    (repo / "articles" / "committed-without-the-hook.txt").write_text(
        "Titre\nUn article écrit sans passer par le crochet.\n", "utf-8"
    )
    touch_later(repo / "articles" / "001_5e40105071325d3a.txt")
    (repo / "articles" / "002_7d6d22a428fdc984.txt").unlink()
    fresh = repo / "articles" / "fresh.txt"
    fresh.write_text("Titre sans rapport\nUn article sur un tout autre sujet.\n", "utf-8")
    result = run(["check", "articles/fresh.txt", "--format", "json"])
    stale = [line for line in result.stderr.splitlines() if "stale" in line]
    assert len(stale) == 1, result.stderr
    assert "3 files changed since it was updated" in stale[0]
    assert "--update-index" in stale[0] and "dedup index update" in stale[0]
    # The article being checked is new, not stale.
    assert "fresh.txt" not in stale[0]


def test_update_index_catches_a_copy_of_an_article_committed_before(repo):
    first = repo / "articles" / "first.txt"
    first.write_text(SEED.read_text(encoding="utf-8").replace("\n", "\nPremière.\n", 1), "utf-8")
    # The commit of first.txt: checked against the index, then added to it.
    result = run(["check", "articles/first.txt", "--update-index", "--format", "json", "-q"], 1)
    assert any(f["kind"].endswith("_document") for f in findings(result))
    copy = repo / "articles" / "copy.txt"
    copy.write_text(first.read_text(encoding="utf-8"), "utf-8")
    result = run(["check", "articles/copy.txt", "--update-index", "--format", "json", "-q"], 1)
    doc = next(f for f in findings(result) if f["kind"] == "exact_document")
    assert {loc["path"] for loc in doc["locations"]} == {"articles/first.txt", "articles/copy.txt"}
    assert doc["canonical"]["path"] == "articles/first.txt"


def test_update_index_follows_renames_and_edits(repo):
    old, new = repo / "articles" / "000_fcda6f0cde3ca470.txt", repo / "articles" / "moved.txt"
    old.rename(new)
    assert (
        findings(run(["check", "articles/moved.txt", "--update-index", "-q", "--format", "json"]))
        == []
    )
    stats = json.loads(run(["index", "stats", "--format", "json"]).stdout)
    assert stats["articles"] == 5
    # An edit of an indexed article is not a copy of its previous version.
    new.write_text(new.read_text(encoding="utf-8") + "\nUne correction.\n", "utf-8")
    touch_later(new)
    assert (
        findings(run(["check", "articles/moved.txt", "--update-index", "-q", "--format", "json"]))
        == []
    )
    # ...and the index now holds the edited text: nothing is stale.
    result = run(["check", "articles/moved.txt", "--format", "json"])
    assert "stale" not in result.stderr


def test_update_index_builds_a_missing_index(tmp_path, monkeypatch):
    shutil.copytree(SEEDS, tmp_path / "articles")
    monkeypatch.chdir(tmp_path)
    copy = tmp_path / "articles" / "copy.txt"
    copy.write_text(SEED.read_text(encoding="utf-8"), "utf-8")
    result = run(["check", "articles/copy.txt", "--update-index", "--format", "json", "-q"], 1)
    doc = next(f for f in findings(result) if f["kind"] == "exact_document")
    assert doc["canonical"]["path"] == "articles/000_fcda6f0cde3ca470.txt"
    assert (tmp_path / ".dedup" / "index.sqlite").is_file()


# ----------------------------------------------------------------- item 3: dedup init


def test_init_sets_a_repository_up(tmp_path, monkeypatch):
    shutil.copytree(SEEDS, tmp_path / "articles")
    (tmp_path / ".gitignore").write_text("*.tmp", "utf-8")  # no final newline
    monkeypatch.chdir(tmp_path)
    result = run(["init", "articles", "--workers", "1"])
    assert (tmp_path / ".dedup" / "index.sqlite").is_file()
    assert (tmp_path / ".gitignore").read_text("utf-8").splitlines() == ["*.tmp", ".dedup/"]
    assert "repo:" in result.stdout and "dedup-check" in result.stdout
    assert "--update-index" in result.stdout
    # What is already in the corpus is accepted: the first commit is not blocked by it.
    baseline = tmp_path / ".dedup-baseline.jsonl"
    assert baseline.is_file()
    assert findings(run(["scan", "articles", "--format", "json", "-q"])) == []
    # A second init changes nothing it does not have to.
    run(["init", "articles", "--workers", "1"])
    assert (tmp_path / ".gitignore").read_text("utf-8").count(".dedup/") == 1


def test_init_keeps_an_existing_baseline(tmp_path, monkeypatch):
    shutil.copytree(SEEDS, tmp_path / "articles")
    monkeypatch.chdir(tmp_path)
    baseline = tmp_path / ".dedup-baseline.jsonl"
    baseline.write_text("", "utf-8")
    result = run(["init", "articles", "--workers", "1"])
    assert baseline.read_text("utf-8") == ""
    assert "kept" in result.stderr


def test_a_root_of_the_index_removed_makes_its_files_gone_not_an_error(tmp_path, monkeypatch):
    shutil.copytree(SEEDS, tmp_path / "articles" / "2025")
    (tmp_path / "articles" / "2026").mkdir()
    (tmp_path / "articles" / "2026" / "a.txt").write_text("Titre\nUn article de 2026.\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    run(["index", "build", "articles/2025", "articles/2026", "-q", "--workers", "1"])
    shutil.rmtree(tmp_path / "articles" / "2026")
    fresh = tmp_path / "fresh.txt"
    fresh.write_text("Titre sans rapport\nUn article sur un tout autre sujet.\n", "utf-8")
    result = run(["check", "fresh.txt", "--format", "json"])
    assert "stale: 1 file changed" in result.stderr and "articles/2026/a.txt" in result.stderr
    run(["check", "fresh.txt", "--update-index", "-q"])
    assert json.loads(run(["index", "stats", "--format", "json"]).stdout)["articles"] == 6
