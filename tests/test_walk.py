"""Which files a directory walk reads: articles, not a checkout's virtualenv, hidden folders,
what .gitignore excludes or the repository's README and CHANGELOG (issue 14).

The excludes are settings (``--exclude``, ``--extend-exclude``, ``--force-exclude``,
``--respect-gitignore``, and the same keys in ``[tool.dedup]``), with ruff's meaning.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

from dedup.config import SETTING, LoadConfig, ScanConfig
from dedup.errors import ConfigError
from dedup.io.index_codec import index_params
from dedup.io.inputs import expand_paths

ARTICLE = "Un titre\nUn paragraphe d'article sur {0}, assez long pour compter ici.\n"

#: The articles of the repository below, relative to its root: what a walk of it reads.
ARTICLES = [
    "articles/a.txt",
    "articles/b.md",
    "articles/c.jsonl",
    "articles/changes-to-the-pension-law.md",
    "articles/security-council-vote.txt",
    "articles/sub/new.txt",
]


def write(root: Path, relative: str, text: str | None = None) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if text is None:
        text = (
            json.dumps({"id": relative, "text": ARTICLE.format(relative)}) + "\n"
            if relative.endswith(".jsonl")
            else ARTICLE.format(relative)
        )
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A checkout-like folder: articles, and everything a walk must leave alone."""
    root = tmp_path / "repo"
    (root / ".git" / "info").mkdir(parents=True)
    (root / ".git" / "info" / "exclude").write_text("private/\n", encoding="utf-8")
    write(root, ".git/COMMIT_EDITMSG.txt")
    write(root, ".gitignore", "# drafts and temporary files\ndrafts/\n*.tmp\n*.tmp.txt\n")
    for relative in [
        *ARTICLES,
        ".venv/lib/python3.11/site-packages/pkg/LICENSE.txt",
        ".venv/lib/x.txt",
        ".hidden/a.txt",
        ".notes.txt",
        "node_modules/pkg/story.txt",
        "venv/lib/y.txt",
        "build/out.txt",
        "dist/out.md",
        "site-packages/z.txt",
        "pkg/__pycache__/w.txt",
        "README.md",
        "CHANGELOG.md",
        "CHANGES.txt",
        "LICENSE.txt",
        "CONTRIBUTING.md",
        "CODE_OF_CONDUCT.md",
        "SECURITY.md",
        "AUTHORS.txt",
        "COPYING.md",
        "docs/Readme.fr.md",
        "docs/changelog.md",
        "drafts/d.txt",
        "articles/drafts/e.txt",
        "articles/x.tmp.txt",
        "articles/y.tmp",
        "articles/sub/old.txt",
        "private/p.txt",
    ]:
        write(root, relative)
    write(root, "articles/sub/.gitignore", "old.txt\n")
    monkeypatch.chdir(root)
    return root


def walk(paths: list[str], **load: object) -> list[str]:
    files, _ = expand_paths(paths, config=LoadConfig(**load))
    return files


def relative(files: list[str], root: Path | str = ".") -> list[str]:
    return sorted(str(Path(f).resolve().relative_to(Path(root).resolve())) for f in files)


# --------------------------------------------------------------------------- the walk


def test_a_walk_of_a_checkout_reads_only_its_articles(repo):
    assert relative(walk(["."])) == ARTICLES


def test_paths_keep_the_spelling_given(repo):
    assert walk(["articles/sub"]) == ["articles/sub/new.txt"]
    assert walk(["./articles/sub/"]) == ["./articles/sub/new.txt"]


def test_gitignore_files_from_the_repository_root_apply_below_it(repo, monkeypatch):
    # The root's .gitignore (*.tmp.txt, drafts/) and the nested one (old.txt) apply to a
    # walk of a subfolder, from any current folder.
    expected = [a.removeprefix("articles/") for a in ARTICLES]
    assert relative(walk(["articles"]), "articles") == expected
    monkeypatch.chdir(repo / "articles")
    assert relative(walk(["."])) == expected
    assert relative(walk([str(repo / "articles" / "sub")]), "sub") == ["new.txt"]


def test_git_info_exclude_applies(repo):
    assert "private/p.txt" in relative(walk(["."], respect_gitignore=False))
    assert "private/p.txt" not in relative(walk(["."]))


def test_a_git_worktree_finds_the_exclude_of_its_common_folder(tmp_path, monkeypatch):
    main = tmp_path / "main"
    (main / ".git" / "info").mkdir(parents=True)
    (main / ".git" / "info" / "exclude").write_text("private/\n", encoding="utf-8")
    (main / ".git" / "worktrees" / "wt").mkdir(parents=True)
    (main / ".git" / "worktrees" / "wt" / "commondir").write_text("../..\n", encoding="utf-8")
    tree = tmp_path / "wt"
    tree.mkdir()
    (tree / ".git").write_text(f"gitdir: {main / '.git' / 'worktrees' / 'wt'}\n", "utf-8")
    write(tree, "private/p.txt")
    write(tree, "a.txt")
    monkeypatch.chdir(tree)
    assert relative(walk(["."])) == ["a.txt"]


def test_outside_a_repository_only_the_gitignore_files_of_the_walk_apply(tmp_path):
    write(tmp_path, ".gitignore", "*.txt\n")
    write(tmp_path, "corpus/a.txt")
    write(tmp_path, "corpus/.gitignore", "b.txt\n")
    write(tmp_path, "corpus/b.txt")
    assert relative(walk([str(tmp_path / "corpus")]), tmp_path / "corpus") == ["a.txt"]


def test_a_negation_in_a_nested_gitignore_wins(repo):
    write(repo, "articles/.gitignore", "!keep.tmp.txt\n")
    write(repo, "articles/keep.tmp.txt")
    assert "articles/keep.tmp.txt" in relative(walk(["."]))


def test_no_respect_gitignore_reads_what_gitignore_excludes(repo):
    ignored = ["articles/sub/old.txt", "articles/x.tmp.txt", "drafts/d.txt", "private/p.txt"]
    assert relative(walk(["."], respect_gitignore=False)) == sorted(
        [*ARTICLES, "articles/drafts/e.txt", *ignored]
    )


def test_a_folder_named_is_walked_even_when_hidden_or_excluded(repo):
    assert walk([".hidden"]) == [".hidden/a.txt"]
    assert walk(["node_modules"]) == ["node_modules/pkg/story.txt"]
    assert walk(["drafts"]) == ["drafts/d.txt"]
    # Within it, the rules still apply to what it holds.
    write(repo, "node_modules/pkg/README.md")
    write(repo, "node_modules/pkg/.cache/c.txt")
    assert walk(["node_modules"]) == ["node_modules/pkg/story.txt"]


def test_a_walk_does_not_follow_a_symlink_loop(repo):
    (repo / "articles" / "sub" / "up").symlink_to("..")
    (repo / "articles" / "loop").symlink_to("loop")
    assert relative(walk(["articles"]), "articles") == [
        a.removeprefix("articles/") for a in ARTICLES
    ]


def test_default_names_match_whatever_their_case_and_not_an_article_slug(repo):
    files = relative(walk(["."]))
    assert "docs/Readme.fr.md" not in files and "docs/changelog.md" not in files
    assert "articles/security-council-vote.txt" in files
    assert "articles/changes-to-the-pension-law.md" in files


def test_a_folder_with_only_excluded_files_says_so(repo):
    files, warnings = expand_paths(["docs"], config=LoadConfig())
    assert files == []
    [warning] = warnings
    assert warning.path == "docs" and "excluded" in warning.message


# --------------------------------------------------------------------------- explicit paths


def test_a_file_named_is_read_unless_force_exclude(repo):
    named = ["README.md", ".venv/lib/x.txt", "build/out.txt", "articles/a.txt"]
    assert walk(named) == named
    assert walk(named, force_exclude=True) == ["articles/a.txt"]


def test_force_exclude_applies_the_excludes_not_hidden_or_gitignore(repo):
    # As ruff: --force-exclude applies exclude and extend-exclude to the paths given.
    named = [".hidden/a.txt", "drafts/d.txt"]
    assert walk(named, force_exclude=True) == named
    assert walk(named, force_exclude=True, extend_exclude=("drafts/",)) == [".hidden/a.txt"]


def test_force_exclude_skips_a_folder_named(repo):
    assert walk(["build", "articles/sub"], force_exclude=True) == ["articles/sub/new.txt"]


def test_force_exclude_applies_anchored_patterns_from_the_project_root(repo, monkeypatch):
    monkeypatch.chdir(repo / "articles")
    load = {"force_exclude": True, "extend_exclude": ("articles/sub/",), "project_root": str(repo)}
    assert walk(["sub/new.txt", "a.txt"], **load) == ["a.txt"]


# --------------------------------------------------------------------------- the settings


def test_exclude_replaces_the_default_list(repo):
    files = relative(walk(["."], exclude=("articles/",)))
    assert (
        "README.md" in files and "build/out.txt" in files and "node_modules/pkg/story.txt" in files
    )
    assert not any(f.startswith("articles/") for f in files)
    # Hidden folders and .gitignore still apply.
    assert not any(f.startswith((".venv/", ".hidden/", "drafts/")) for f in files)


def test_extend_exclude_adds_to_it(repo):
    assert relative(walk(["."], extend_exclude=("sub/", "*.jsonl"))) == [
        a for a in ARTICLES if not a.endswith(".jsonl") and "/sub/" not in a
    ]


def test_anchored_patterns_are_relative_to_the_project_root(repo, monkeypatch):
    monkeypatch.chdir(repo / "articles")
    assert walk(["."], extend_exclude=("/sub/",), project_root=str(repo)) == sorted(
        a.removeprefix("articles/") for a in ARTICLES
    )
    assert walk(["."], extend_exclude=("articles/sub/",), project_root=str(repo)) == sorted(
        a.removeprefix("articles/") for a in ARTICLES if "/sub/" not in a
    )


def test_a_bad_pattern_is_a_config_error(repo):
    with pytest.raises(ConfigError, match="extend_exclude"):
        walk(["."], extend_exclude=("\\",))


def test_the_walk_settings_are_settings_and_not_index_parameters():
    for name in ("exclude", "extend_exclude", "force_exclude", "respect_gitignore"):
        assert SETTING[name].section == "load" and not SETTING[name].index
    assert SETTING["exclude"].default == LoadConfig().exclude
    assert "README.*" in LoadConfig().exclude and ".venv" in LoadConfig().exclude
    changed = ScanConfig(load=LoadConfig(extend_exclude=("x/",), respect_gitignore=False))
    assert index_params(changed) == index_params(ScanConfig())


# --------------------------------------------------------------------------- the command line


def inputs_read(args: list[str], exit_code: int = 0) -> list[str]:
    """The paths of the articles a scan read (each in a finding: every one holds a paragraph
    twice)."""
    result = run_cli(["scan", *args, "--format", "json", "-q"], exit_code=exit_code)
    report = json.loads(result.stdout)
    return sorted({loc["path"] for f in report["findings"] for loc in f["locations"]})


@pytest.fixture
def cli_repo(repo):
    """The repository, each article holding one repeated paragraph (a finding per file)."""
    for path in repo.rglob("*"):
        if path.is_file() and path.suffix in (".txt", ".md") and ".git" not in path.parts:
            line = f"Une phrase répétée dans le fichier {path.name} pour le test ici même."
            path.write_text(f"Titre\n\n{line}\n\n{line}\n", encoding="utf-8")
    (repo / "articles" / "c.jsonl").unlink()
    return repo


CLI_ARTICLES = [a for a in ARTICLES if not a.endswith(".jsonl")]


def test_scan_of_a_checkout_reads_only_its_articles(cli_repo):
    assert inputs_read(["."]) == list(CLI_ARTICLES)  # `.` yields a/b.txt, not ./a/b.txt
    report = json.loads(run_cli(["scan", ".", "--format", "json", "-q"]).stdout)
    assert report["stats"]["inputs"] == len(CLI_ARTICLES)


def test_the_options_on_the_command_line(cli_repo):
    read = inputs_read(["articles", "--extend-exclude", "sub/,*.md", "--extend-exclude", "a.txt"])
    assert read == ["articles/security-council-vote.txt"]
    read = inputs_read([".", "--exclude", "articles/", "--no-respect-gitignore"])
    assert "README.md" in read and "drafts/d.txt" in read and ".venv/lib/x.txt" not in read
    assert inputs_read(["README.md", "articles/a.txt"]) == ["README.md", "articles/a.txt"]
    assert inputs_read(["README.md", "articles/a.txt", "--force-exclude"]) == ["articles/a.txt"]


def test_the_pyproject_keys(cli_repo):
    (cli_repo / "pyproject.toml").write_text(
        '[tool.dedup]\nextend-exclude = ["articles/sub/", "*.md"]\nforce-exclude = true\n',
        encoding="utf-8",
    )
    assert inputs_read(["."]) == ["articles/a.txt", "articles/security-council-vote.txt"]
    assert inputs_read(["articles/sub/new.txt", "articles/a.txt"]) == ["articles/a.txt"]
    assert inputs_read(["articles/sub/new.txt", "--no-force-exclude"]) == ["articles/sub/new.txt"]
    (cli_repo / "pyproject.toml").write_text(
        '[tool.dedup]\nexclude = ["articles/"]\nrespect-gitignore = false\n', encoding="utf-8"
    )
    read = inputs_read(["."])
    assert "README.md" in read and "drafts/d.txt" in read
    assert not any(p.startswith("articles/") for p in read)


def test_the_pyproject_anchors_patterns_from_a_subfolder(cli_repo, monkeypatch):
    (cli_repo / "pyproject.toml").write_text(
        '[tool.dedup]\nextend-exclude = ["articles/sub/"]\n', encoding="utf-8"
    )
    monkeypatch.chdir(cli_repo / "articles")
    assert "sub/new.txt" not in inputs_read(["."])


def test_a_bad_pattern_on_the_command_line_is_one_line(cli_repo):
    result = run_cli(["scan", ".", "--extend-exclude", "\\"], exit_code=2)
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "--extend-exclude" in result.stderr


def test_standard_input_is_still_read(cli_repo):
    line = "Une phrase répétée sur l'entrée standard, assez longue pour compter."
    result = run_cli(
        ["scan", "-", "--force-exclude", "--stdin-filename", "README.md", "--format", "json"],
        input=f"Titre\n{line}\n{line}\n",
    )
    assert json.loads(result.stdout)["stats"]["articles"] == 1


def test_clean_refuses_nothing_it_does_not_read_and_writes_only_articles(cli_repo, tmp_path):
    out = tmp_path / "out"
    run_cli(["clean", ".", "--out", str(out), "--keep-duplicates", "-q"])
    written = sorted(
        str(p.relative_to(out))
        for p in out.rglob("*")
        if p.is_file() and p.name != "manifest.jsonl"
    )
    assert written == CLI_ARTICLES


def test_index_build_reads_only_the_articles(cli_repo):
    result = run_cli(["index", "build", ".", "--format", "json", "-q"])
    assert json.loads(result.stdout)["articles"] == len(CLI_ARTICLES)
