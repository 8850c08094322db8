"""The help (issue 14, item 11): every option explained and grouped, examples and exit
codes, `check --help` without --check, `index build --help` with the options that shape
an index only, -V."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from dedup import __version__
from dedup.cli import main


def commands(group: click.Group = main, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


def help_of(*args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize(
    "path,command", list(commands()), ids=lambda x: " ".join(x) if isinstance(x, tuple) else ""
)
def test_every_option_has_help(path, command):
    missing = [
        p.opts[0]
        for p in command.params
        if isinstance(p, click.Option) and not p.hidden and not (p.help or "").strip()
    ]
    assert not missing, f"dedup {' '.join(path)}: no help for {missing}"


def test_scan_help_groups_options_and_shows_examples_and_exit_codes():
    text = help_of("scan")
    for heading in ("Output:", "Selection:", "Input:", "Candidates:", "Verification:"):
        assert heading in text, text
    assert "Examples:" in text and "dedup scan articles/" in text
    assert "Exit status:" in text and "2" in text.split("Exit status:")[1]


def test_check_help_has_no_check_option():
    text = help_of("check")
    assert "--check " not in text and "--check\n" not in text
    assert "--update-index" in text and "Exit status:" in text


def test_index_build_help_shows_only_what_shapes_an_index():
    text = help_of("index", "build")
    assert "--ngram-size" in text and "--segment" in text
    assert "--copy-probability" not in text and "--paragraph-jaccard" not in text
    assert "--format" in text


def test_short_version_option():
    result = CliRunner().invoke(main, ["-V"])
    assert result.exit_code == 0 and __version__ in result.output
