"""CLI: exit codes, clean machine output, errors on one line, literal corpus text."""

import json

import pytest
from conftest import SEEDS, run_cli, write_jsonl


def test_version():
    assert "dedup" in run_cli(["--version"]).stdout


def test_json_is_clean_and_versioned():
    out = json.loads(run_cli(["scan", str(SEEDS), "--format", "json", "-q"]).stdout)
    assert out["schema_version"] == 1
    assert out["stats"]["articles"] == 5
    assert "timings_s" not in out
    kinds = {f["kind"] for f in out["findings"]}
    assert kinds == {"exact_paragraph", "near_paragraph", "boilerplate"}
    for finding in out["findings"]:
        assert {"kind", "locations", "scores", "canonical", "excerpt"} <= finding.keys()
        assert all(loc["path"].startswith(str(SEEDS)) for loc in finding["locations"])


def test_json_is_byte_identical_between_runs():
    args = ["scan", str(SEEDS), "--format", "json", "-q"]
    assert run_cli(args).stdout == run_cli(args).stdout


def test_jsonl_one_finding_per_line():
    lines = run_cli(["scan", str(SEEDS), "--format", "jsonl"]).stdout.splitlines()
    assert lines and all(json.loads(line)["kind"] for line in lines)


def test_check_exits_1_on_findings_and_0_when_clean(tmp_path):
    run_cli(["scan", str(SEEDS), "--check", "-q", "--format", "json"], exit_code=1)
    clean = tmp_path / "clean.txt"
    clean.write_text("A title\nOne paragraph of an article that repeats nothing at all.\n")
    run_cli(["scan", str(clean), "--check"], exit_code=0)


def test_usage_error_exits_2():
    run_cli(["scan"], exit_code=2)
    run_cli(["scan", str(SEEDS), "--jaccard", "1.5"], exit_code=2)


def test_bad_input_is_one_warning_line_and_the_run_goes_on(tmp_path):
    path = write_jsonl(tmp_path / "c.jsonl", [{"id": "a", "text": "Bonjour tout le monde"}])
    with path.open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02")
    result = run_cli(["scan", str(tmp_path), "--format", "json"])
    out = json.loads(result.stdout)
    assert out["stats"]["articles"] == 1
    assert out["stats"]["skipped"] == 2
    errors = result.stderr.strip().splitlines()
    assert any(f"{path}:2: malformed JSON" in line for line in errors)
    assert any("bin.txt: binary file" in line for line in errors)


def test_strict_turns_bad_input_into_an_error(tmp_path):
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01")
    result = run_cli(["scan", str(tmp_path), "--strict"], exit_code=2)
    assert len(result.stderr.strip().splitlines()) == 1
    assert "bin.txt" in result.stderr


MISSING_PATH_COMMANDS = [
    ["scan", "--check"],
    ["check"],
    ["clean", "--dry-run"],
    ["index", "build"],
    ["index", "update"],
    ["baseline", "update"],
]


@pytest.mark.parametrize("command", MISSING_PATH_COMMANDS, ids=lambda c: " ".join(c))
def test_a_path_that_does_not_exist_is_an_error(command, tmp_path, monkeypatch):
    """A typo must not pass CI: exit 2, one line naming the path, nothing on stdout, and
    nothing done (no index, no baseline written)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("Titre\nUn paragraphe.\n", encoding="utf-8")
    result = run_cli([*command, "a.txt", "nosuchdir/"], exit_code=2)
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert "nosuchdir/: no such file or directory" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


@pytest.mark.parametrize("command", MISSING_PATH_COMMANDS, ids=lambda c: " ".join(c))
def test_a_pattern_that_matches_no_file_is_an_error(command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "corpus").mkdir()
    result = run_cli([*command, "corpus/*.txt"], exit_code=2)
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert "corpus/*.txt: the pattern matches no file" in line


def test_every_path_that_names_nothing_is_named_on_one_line(tmp_path):
    result = run_cli(["scan", str(tmp_path / "nope.txt"), str(tmp_path / "*.md"), "-"], 2)
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert f"{tmp_path / 'nope.txt'}: no such file or directory" in line
    assert f"{tmp_path / '*.md'}: the pattern matches no file" in line


def test_an_empty_directory_is_still_a_warning(tmp_path):
    result = run_cli(["scan", str(tmp_path), "--check"])
    assert "no .txt, .md or .jsonl file found" in result.stderr


def test_cp1252_file_is_decoded_with_a_warning(tmp_path):
    (tmp_path / "a.txt").write_bytes("Titre\nL'été à Noël, café crème.\n".encode("cp1252"))
    result = run_cli(["scan", str(tmp_path), "--format", "json"])
    assert "decoded as cp1252" in result.stderr


def test_stdin_article(tmp_path):
    text = "Titre\nUn paragraphe répété ici même, mot pour mot.\nUn paragraphe répété ici même, mot pour mot.\n"
    result = run_cli(["scan", "-", "--stdin-filename", "new.txt", "--format", "json"], input=text)
    out = json.loads(result.stdout)
    [finding] = out["findings"]
    assert finding["kind"] == "exact_paragraph"
    assert [loc["path"] for loc in finding["locations"]] == ["new.txt", "new.txt"]


def test_text_report_prints_brackets_literally(tmp_path):
    line = "Le ministre [bold]a dit[/bold] : [...] rien de plus, selon nos informations exclusives."
    (tmp_path / "a.txt").write_text(f"Titre\n{line}\n{line}\n", encoding="utf-8")
    result = run_cli(["scan", str(tmp_path)])
    assert "[bold]a dit[/bold]" in result.stdout
    assert "[...]" in result.stdout


def test_pyproject_tool_dedup_sets_defaults(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("[tool.dedup]\nmin-docs = 0\n")
    monkeypatch.chdir(tmp_path)
    result = run_cli(["scan", str(SEEDS)], exit_code=2)
    assert "min-docs" in result.stderr and "min_docs" not in result.stderr
    (tmp_path / "pyproject.toml").write_text("[tool.dedup]\nunknown-key = 1\n")
    assert "unknown key" in run_cli(["scan", str(SEEDS)], exit_code=2).stderr


def test_markdown_front_matter(tmp_path):
    (tmp_path / "a.md").write_text(
        "---\ntitle: Un titre\nsource: lemonde.fr\ndate: 2025-02-13\n---\n\n"
        "Premier paragraphe de l'article, assez long pour compter.\n\n"
        "Premier paragraphe de l'article, assez long pour compter.\n",
        encoding="utf-8",
    )
    out = json.loads(run_cli(["scan", str(tmp_path), "--format", "json"]).stdout)
    [finding] = out["findings"]
    assert [loc["start_line"] for loc in finding["locations"]] == [7, 9]


def test_malformed_front_matter_warns_with_line(tmp_path):
    (tmp_path / "a.md").write_text("---\ntitle: [unclosed\n---\nTexte.\n", encoding="utf-8")
    result = run_cli(["scan", str(tmp_path), "--format", "json"])
    assert "a.md:" in result.stderr and "front matter" in result.stderr


def test_stdin_excerpt_is_not_read_from_a_file_of_the_same_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "new.txt").write_text("Autre\nTout autre chose dans ce fichier-là.\n")
    text = "Titre\nLe même paragraphe revient deux fois ici.\nLe même paragraphe revient deux fois ici.\n"
    out = json.loads(
        run_cli(["scan", "-", "--stdin-filename", "new.txt", "--format", "json"], input=text).stdout
    )
    assert out["findings"][0]["excerpt"] == "Le même paragraphe revient deux fois ici."


def test_dumps_indented_equals_json_dumps():
    import json

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from dedup.output.report import dumps_indented

    leaves = (
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats()
        | st.text(alphabet=st.characters(blacklist_categories=("Cs",)))
    )
    values = st.recursive(
        leaves,
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.tuples(inner, inner)
            | st.dictionaries(st.text(max_size=5), inner, max_size=4)
            | st.dictionaries(st.integers(), inner, max_size=2)
        ),
        max_leaves=30,
    )

    @settings(max_examples=400, derandomize=True, deadline=None)
    @given(values)
    def check(value):
        assert dumps_indented(value) == json.dumps(value, ensure_ascii=False, indent=2)

    check()


def test_every_command_has_the_one_error_boundary(tmp_path, monkeypatch):
    """An unexpected error anywhere in a command is one line and exit 2, whichever command;
    a DedupError is its own message, also exit 2."""
    from dedup.app import index
    from dedup.errors import DedupError
    from dedup.flow import pipeline

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "scan", boom)
    monkeypatch.setattr(index, "build", boom)
    for args in (
        ["scan", str(SEEDS)],
        ["clean", str(SEEDS), "--out", str(tmp_path / "out")],
        ["baseline", "update", str(SEEDS), "--baseline", str(tmp_path / "b.jsonl")],
        ["index", "build", str(SEEDS), "--index", str(tmp_path / "i.sqlite")],
    ):
        result = run_cli(args, exit_code=2)
        lines = result.stderr.strip().splitlines()
        assert lines[-1] == "Error: internal error: RuntimeError: boom (--debug shows where)"
        assert "Traceback" not in result.stderr
    monkeypatch.setattr(
        pipeline, "scan", lambda *a, **k: (_ for _ in ()).throw(DedupError("x.txt: bad"))
    )
    assert run_cli(["scan", str(SEEDS)], exit_code=2).stderr.strip().endswith("Error: x.txt: bad")
