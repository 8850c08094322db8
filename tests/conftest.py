"""Shared helpers: write small corpora, run the scan, and collect findings by kind."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from html.parser import HTMLParser
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


#: A story of six long paragraphs, and a furniture line that a copy of it carries at its end
#: (the near copy whose scores all read 1.00: tests/test_differences.py, tests/test_html.py).
STORY = "Floods cut off the valley towns\n" + "".join(
    f"Report {i}: the river rose by {i} metres overnight and {i * 10} families left "
    f"their homes in the {name} district before dawn.\n"
    for i, name in enumerate(("north", "east", "harbour", "old town", "station", "market"))
)
FURNITURE = "Read more: subscribe to our newsletter"


def furniture_copy(folder: Path) -> Path:
    """Two articles in ``folder``, identical but for one furniture line at the end of the
    second (b.txt)."""
    (folder / "a.txt").write_text(STORY, encoding="utf-8")
    (folder / "b.txt").write_text(STORY + FURNITURE + "\n", encoding="utf-8")
    return folder


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


def run_cli(args, exit_code=0, input=None, **kwargs):
    """``dedup ARGS`` in-process; asserts its exit code, says what it printed when wrong."""
    result = CliRunner().invoke(main, [str(a) for a in args], input=input, **kwargs)
    assert result.exit_code == exit_code, (
        f"dedup {' '.join(map(str, args))} exited {result.exit_code}\n"
        f"stdout: {result.stdout}\nstderr: {result.stderr}\nexception: {result.exception!r}"
    )
    return result


class Page(HTMLParser):
    """The elements of a page: (tag, attributes) in document order, and its text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.open: list[str] = []
        self.marks: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag not in ("meta", "link", "br", "rect", "input"):
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in ("rect",):
            return
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1:]}>"
        self.open.pop()

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)
        if "mark" in self.open:
            self.marks.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        """Elements ``tag`` with these attributes (``class_`` is class, ``http_equiv`` is
        http-equiv)."""
        wanted = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}
        return [
            a
            for t, a in self.elements
            if t == tag and all(a.get(k) == v for k, v in wanted.items())
        ]

    def classed(self, name: str) -> list[dict[str, str | None]]:
        return [a for _, a in self.elements if name in (a.get("class") or "").split()]


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: runs headless Chromium on the HTML report (skips without one)"
    )


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A corpus repository: the seeds under articles/, the index in .dedup/."""
    shutil.copytree(SEEDS, tmp_path / "articles")
    monkeypatch.chdir(tmp_path)
    run_cli(["index", "build", "articles", "-q", "--workers", "1"])
    return tmp_path
