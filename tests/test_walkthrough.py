"""The newsroom walkthrough (tests/walkthrough.py, also `make demo`) runs whole: init, a
clean commit, a blocked copy, a rename, an edit, in a temporary git repository with the
pre-commit hook installed."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from walkthrough import walkthrough

BIN = str(Path(sys.executable).parent)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.skipif(
    shutil.which("pre-commit", path=BIN + os.pathsep + os.environ.get("PATH", "")) is None,
    reason="pre-commit is not installed (it comes with the dev extra: make install)",
)
def test_the_newsroom_walkthrough(tmp_path, monkeypatch):
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit-home"))
    monkeypatch.setenv("HOME", str(tmp_path))  # no global git configuration
    repo = tmp_path / "newsroom"
    repo.mkdir()
    lines: list[str] = []
    done = walkthrough(repo, lines.append)
    codes = {step.name: step.code for step in done.steps if step.name}
    assert codes["2. commit a new article"] == 0
    assert codes["3. commit a copy"] == 1
    assert codes["5. commit an edit"] == 0
    blocked = next(s for s in done.steps if s.name == "3. commit a copy")
    assert "Exact duplicate articles" in blocked.output
