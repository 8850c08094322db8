"""One definition of every setting: CLI options, [tool.dedup] keys, index parameters."""

from __future__ import annotations

import json

from conftest import ROOT, SEEDS, run_cli

from dedup.config import SETTINGS, ScanConfig, build_config, setting_value
from dedup.io.index_codec import index_params


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(json.dumps(v) for v in value) + "]"
    return json.dumps(value)


def test_every_setting_is_a_pyproject_key_and_takes_effect(tmp_path, monkeypatch):
    """Every setting can be written in [tool.dedup] (as a TOML value of its type), and a
    value there reaches the scan's configuration."""
    changed = {"max-bucket": 7, "within-threshold": 0.3, "edge-lines": 4, "batch-size": 64}
    lines = ["[tool.dedup]"]
    for s in SETTINGS:
        if s.default is None:
            continue
        value = changed.get(s.key, s.default)
        if s.comma:
            value = ",".join(value)
        lines.append(f"{s.key} = {_toml(value)}")
    (tmp_path / "pyproject.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run_cli(["scan", str(SEEDS), "--format", "json", "-q"])
    config = json.loads(result.stdout)["config"]
    assert config["minhash"]["max_bucket"] == 7
    assert config["minhash"]["within_threshold"] == 0.3
    assert config["boilerplate"]["edge_lines"] == 4


def test_build_config_by_name_and_the_index_parameters_come_from_the_settings():
    config = build_config({"ngram_size": 4, "patterns": ("fr",), "workers": 2})
    assert config.minhash.ngram_size == 4 and config.boilerplate.patterns == ("fr",)
    assert config.workers == 2 and config.load == ScanConfig().load
    params = index_params(config)
    for s in SETTINGS:
        if s.index and not s.name.endswith("_threshold"):
            value = setting_value(config, s)
            assert params[s.name] == (list(value) if isinstance(value, tuple) else value)
        elif not s.index:
            assert s.name not in params
    assert {"doc_bands", "paragraph_bands"} <= set(params)


def test_the_readme_option_table_lists_every_setting():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("### Options") : readme.index("### Exit codes")]
    for s in SETTINGS:
        assert f"`{s.option.split('/')[0]}" in table, s.option


# --------------------------------------------------------------------------- [tool.dedup] errors


def _assert_file_errors(tmp_path, monkeypatch, cases):
    """Each ``[tool.dedup]`` line of ``cases`` alone in a project's pyproject.toml: a scan
    fails with the one-line reason it maps to, naming the file and the key."""
    for line, reason in cases.items():
        _project(tmp_path, monkeypatch, f"[tool.dedup]\n{line}\n")
        assert _error(["scan", SEEDS]) == f"pyproject.toml: [tool.dedup] {reason}", line


def _project(tmp_path, monkeypatch, text):
    """A project whose pyproject.toml is ``text``, as the current directory."""
    (tmp_path / ".git").mkdir(exist_ok=True)  # discovery stops here
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _error(args):
    """The one line a failing command writes (exit 2)."""
    result = run_cli([str(a) for a in args], exit_code=2)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    return lines[0].removeprefix("Error: ")


def test_a_pyproject_that_does_not_parse_is_an_error_naming_its_line(tmp_path, monkeypatch):
    _project(tmp_path, monkeypatch, "[tool.dedup\nmin-docs = 2\n")
    message = _error(["scan", SEEDS])
    assert message.startswith("pyproject.toml: ")
    assert "(at line 1, column 12)" in message and "--config" not in message
    (tmp_path / "other.toml").write_text("[tool.dedup]\nmin-docs = \n", encoding="utf-8")
    message = _error(["scan", SEEDS, "--config", "other.toml"])
    assert message.startswith("other.toml: ") and "line 2" in message


def test_a_pyproject_without_tool_dedup_is_read_and_left_alone(tmp_path, monkeypatch):
    _project(tmp_path, monkeypatch, '[project]\nname = "x"\n')
    run_cli(["scan", str(SEEDS), "-q", "--format", "json"])


def test_a_float_for_an_integer_is_an_error_not_truncated(tmp_path, monkeypatch):
    _project(tmp_path, monkeypatch, "[tool.dedup]\nmin-docs = 2.5\n")
    assert _error(["scan", SEEDS]) == (
        "pyproject.toml: [tool.dedup] min-docs: expected an integer, got 2.5"
    )


def test_every_value_is_checked_against_its_type(tmp_path, monkeypatch):
    cases = {
        "learn = 1": "learn: expected true or false, got 1",
        'learn = "yes"': 'learn: expected true or false, got "yes"',
        "strict = 0": "strict: expected true or false, got 0",
        "workers = true": "workers: expected an integer, got true",
        'workers = "2"': 'workers: expected an integer, got "2"',
        'doc-threshold = "0.3"': 'doc-threshold: expected a number, got "0.3"',
        "id-field = 3": "id-field: expected a string, got 3",
        'segment = "para"': 'segment: expected one of auto, line, block, got "para"',
        "patterns = 3": "patterns: expected a list of strings (or one comma-separated string), got 3",
        "prefer-source = [1]": "prefer-source: expected a list of strings (or one string), got [1]",
        'format = "xml"': 'format: expected one of text, json, jsonl, github, sarif, html, got "xml"',
        "index = 1": "index: expected a string, got 1",
    }
    _assert_file_errors(tmp_path, monkeypatch, cases)


def test_values_out_of_range_name_the_file_and_the_key(tmp_path, monkeypatch):
    cases = {
        "min-docs = 0": "min-docs: must be a positive integer, got 0",
        "paragraph-jaccard = 7.0": "paragraph-jaccard: must be between 0.0 and 1.0, got 7.0",
        "doc-threshold = 0": "doc-threshold: must be above 0.0, got 0.0",
        "copy-probability = 1": "copy-probability: must be between 0 and 1 (both excluded), got 1.0",
        "workers = -1": "workers: must be 0 (one per core) or more, got -1",
        "min_fraction = 2": "min_fraction: must be between 0.0 and 1.0, got 2.0",
    }
    _assert_file_errors(tmp_path, monkeypatch, cases)


def test_a_bad_option_is_named_as_the_command_line_spells_it(tmp_path, monkeypatch):
    _project(tmp_path, monkeypatch, "[tool.dedup]\nmin-docs = 4\n")
    for args, message in (
        (["--paragraph-jaccard", "7"], "--paragraph-jaccard: must be between 0.0 and 1.0, got 7.0"),
        (["--min-docs", "0"], "--min-docs: must be a positive integer, got 0"),
    ):
        assert _error(["scan", SEEDS, *args]) == message


def test_an_unknown_key_is_an_error_with_a_suggestion(tmp_path, monkeypatch):
    _project(tmp_path, monkeypatch, '[tool.dedup]\nparterns = ["fr"]\n')
    assert _error(["scan", SEEDS]) == (
        "pyproject.toml: unknown key [tool.dedup] parterns (did you mean patterns?)"
    )
    _project(tmp_path, monkeypatch, "[tool.dedup]\nno-such-thing = 1\n")
    assert _error(["scan", SEEDS]) == "pyproject.toml: unknown key [tool.dedup] no-such-thing"
    _project(tmp_path, monkeypatch, "[tool.dedup]\nconfig = 'x.toml'\n")
    assert "unknown key [tool.dedup] config" in _error(["scan", SEEDS])


def test_a_file_given_with_config_is_named_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "dedup.toml").write_text("[tool.dedup]\nmin-docs = 2.5\n", "utf-8")
    message = _error(["scan", SEEDS, "--config", "conf/dedup.toml"])
    assert message == "conf/dedup.toml: [tool.dedup] min-docs: expected an integer, got 2.5"
    message = _error(["scan", SEEDS, "--config", "conf/missing.toml"])
    assert message.startswith("conf/missing.toml: cannot read: ")


def test_a_discovered_pyproject_above_is_named_by_its_path(tmp_path, monkeypatch):
    _project(tmp_path, monkeypatch, "[tool.dedup]\nmin-docs = 2.5\n")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    message = _error(["scan", SEEDS])
    assert message.startswith(f"{tmp_path.resolve() / 'pyproject.toml'}: [tool.dedup] min-docs")


def test_patterns_as_a_toml_list(tmp_path, monkeypatch):
    _project(tmp_path, monkeypatch, '[tool.dedup]\npatterns = ["fr"]\n')
    out = json.loads(run_cli(["scan", str(SEEDS), "--format", "json", "-q"]).stdout)
    assert out["config"]["boilerplate"]["patterns"] == ["fr"]
    _project(tmp_path, monkeypatch, "[tool.dedup]\npatterns = []\n")
    out = json.loads(run_cli(["scan", str(SEEDS), "--format", "json", "-q"]).stdout)
    assert out["config"]["boilerplate"]["patterns"] == []


def test_an_unknown_pattern_list_says_what_exists(tmp_path, monkeypatch):
    _project(tmp_path, monkeypatch, '[tool.dedup]\npatterns = ["fr", "de"]\n')
    message = _error(["scan", SEEDS])
    assert message.startswith(
        'pyproject.toml: [tool.dedup] patterns: no built-in pattern list "de"'
    )
    assert "the built-in lists are fr, en" in message and "file" in message
    _project(tmp_path, monkeypatch, "[tool.dedup]\n")
    message = _error(["scan", SEEDS, "--patterns", "de"])
    assert message.startswith('--patterns: no built-in pattern list "de"')
    message = _error(["scan", SEEDS, "--patterns", "mine.txt"])
    assert message.startswith('--patterns: "mine.txt" is not the name of a built-in list')


def test_format_baseline_index_and_prefer_source_are_keys(tmp_path, monkeypatch):
    import shutil

    shutil.copytree(SEEDS, tmp_path / "articles")
    _project(
        tmp_path,
        monkeypatch,
        '[tool.dedup]\nformat = "json"\nindex = "idx/corpus.sqlite"\n'
        'baseline = "accepted.jsonl"\nprefer-source = ["AFP"]\nworkers = 1\n',
    )
    # format: the report is JSON; baseline: none yet (where it will be is no error)
    report = json.loads(run_cli(["scan", "articles", "-q"]).stdout)
    assert {"near_paragraph", "exact_paragraph"} <= {f["kind"] for f in report["findings"]}
    # baseline: baseline update writes it, scan reads it
    run_cli(["baseline", "update", "articles", "-q"])
    assert (tmp_path / "accepted.jsonl").is_file()
    # the accepted findings are left out (boilerplate is not a pair: it stays)
    kinds = {f["kind"] for f in json.loads(run_cli(["scan", "articles", "-q"]).stdout)["findings"]}
    assert "near_paragraph" not in kinds and "exact_paragraph" not in kinds
    # index: index build writes it, index stats and check read it
    summary = json.loads(run_cli(["index", "build", "articles", "-q"]).stdout)
    assert summary["index"] == "idx/corpus.sqlite"
    assert (tmp_path / "idx" / "corpus.sqlite").is_file()
    assert json.loads(run_cli(["index", "stats"]).stdout)["articles"] == 5
    check = json.loads(run_cli(["check", "articles/000_fcda6f0cde3ca470.txt", "-q"]).stdout)
    assert check["config"]["index"] == "idx/corpus.sqlite"


def test_prefer_source_from_the_file_reaches_the_configuration(tmp_path, monkeypatch):
    from dedup.errors import DedupError
    from dedup.flow import pipeline

    seen = []

    def capture(paths, config, **kwargs):
        seen.append(config)
        raise DedupError("stop")

    monkeypatch.setattr(pipeline, "scan", capture)
    _project(tmp_path, monkeypatch, '[tool.dedup]\nprefer-source = ["AFP", "Reuters"]\n')
    _error(["scan", SEEDS])
    _project(tmp_path, monkeypatch, '[tool.dedup]\nprefer-source = "AFP"\n')
    _error(["scan", SEEDS])
    assert [c.prefer_sources for c in seen] == [("AFP", "Reuters"), ("AFP",)]


def test_a_format_another_command_takes_is_not_an_error_for_this_one(tmp_path, monkeypatch):
    import shutil

    shutil.copytree(SEEDS, tmp_path / "articles")
    _project(tmp_path, monkeypatch, '[tool.dedup]\nformat = "jsonl"\nworkers = 1\n')
    lines = run_cli(["scan", "articles", "-q"]).stdout.splitlines()
    assert lines and all(json.loads(line)["kind"] for line in lines)
    # index build's --format is text or json: it keeps its own default
    assert "5 articles" in run_cli(["index", "build", "articles", "-q"]).stdout


def test_paths_in_the_file_are_relative_to_it(tmp_path, monkeypatch):
    import shutil

    shutil.copytree(SEEDS, tmp_path / "articles")
    _project(tmp_path, monkeypatch, '[tool.dedup]\nindex = "idx.sqlite"\nworkers = 1\n')
    run_cli(["index", "build", "articles", "-q"])
    monkeypatch.chdir(tmp_path / "articles")
    assert "articles: 5" in run_cli(["index", "stats"]).stdout


def test_read_settings_checks_types_and_ranges_without_the_cli():
    from pathlib import Path

    import pytest

    from dedup.config import check_value, read_settings
    from dedup.errors import ConfigError, ConfigFileError

    by_name = {s.name: s for s in SETTINGS}
    assert check_value(by_name["patterns"], ["fr"]) == ("fr",)
    assert check_value(by_name["patterns"], "fr, en") == ("fr", "en")
    assert check_value(by_name["prefer_sources"], "AFP") == ("AFP",)
    assert check_value(by_name["doc_threshold"], 1) == 1.0
    assert check_value(by_name["copy_probability"], 0.5) == 0.5
    with pytest.raises(ConfigError, match=r"^min_docs: expected an integer, got 2\.5$"):
        check_value(by_name["min_docs"], 2.5)
    values = read_settings(Path("conf/pyproject.toml"), {"verifier": "v.json", "min_docs": 4})
    assert values == {"verifier": ("verifier", "conf/v.json"), "min-docs": ("min_docs", 4)}
    with pytest.raises(ConfigFileError) as info:
        read_settings(Path("conf/pyproject.toml"), {"min_docs": 0})
    assert str(info.value) == (
        "conf/pyproject.toml: [tool.dedup] min_docs: must be a positive integer, got 0"
    )
    assert info.value.key == "min_docs"


def test_every_command_key_is_an_option_of_some_command():
    from dedup.cli import main
    from dedup.cli_options import COMMAND_KEYS, file_keys

    keys = file_keys(main)
    assert set(COMMAND_KEYS) <= set(keys)
    assert keys["format"].choices == ("text", "json", "jsonl", "github", "sarif", "html")
    assert keys["index"].path and keys["baseline"].path and not keys["format"].path
