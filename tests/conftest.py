"""Shared helpers: write small corpora, run the scan, and collect findings by kind."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from dedup.cli import main
from dedup.config import ScanConfig
from dedup.flow.pipeline import scan

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CORPORA = Path(__file__).resolve().parent / "data" / "corpora"

# The tests never write to the user's cache: each run has its own (subprocesses inherit it).
os.environ["DEDUP_CACHE_DIR"] = tempfile.mkdtemp(prefix="dedup-test-cache-")


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path


def run_scan(paths, **config):
    return scan([str(p) for p in paths], config=ScanConfig(workers=1, **config)).report


def by_kind(report, kind):
    return [f for f in report.findings if f.kind == kind]


def id_sets(report, kind):
    """The findings of a kind as sets of record ids (JSON Lines) or (path, line)."""
    out = []
    for f in by_kind(report, kind):
        out.append(
            frozenset(
                loc.id if loc.id is not None else (Path(loc.path).name, loc.start_line)
                for loc in f.locations
            )
        )
    return sorted(out, key=sorted)


@pytest.fixture
def corpus_dir(tmp_path):
    return tmp_path


def run_cli(args, exit_code=0, input=None):
    result = CliRunner().invoke(main, args, input=input)
    assert result.exit_code == exit_code, (
        f"dedup {' '.join(map(str, args))} exited {result.exit_code}\n"
        f"stdout: {result.stdout}\nstderr: {result.stderr}\nexception: {result.exception!r}"
    )
    return result
