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
