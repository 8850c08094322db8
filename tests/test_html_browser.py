"""``--format html`` in a real browser: headless Chromium loads the page, logs nothing to
its console (no script error, no resource blocked by the page's Content-Security-Policy),
renders the findings, and leaves a screenshot.

Chromium comes from the distribution (``apt-get install chromium``); without it these tests
skip. The screenshot is written to the test's directory and to ``tests/output/report.png``
(git-ignored), and its path printed (``pytest -s`` shows it). Run them alone with
``pytest -m browser``, or leave them out with ``-m "not browser"``; they take a few seconds.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import SEEDS, Page, run_cli

pytestmark = pytest.mark.browser

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
OUTPUT = Path(__file__).resolve().parent / "output"
#: A console message, as Chromium logs it with --enable-logging=stderr: ``INFO:CONSOLE:12]``
#: (or ``INFO:CONSOLE(12)]`` in older versions), whatever its level.
CONSOLE = re.compile(r":CONSOLE[:(]")
TIMEOUT = 60
FURNITURE = "Read more: subscribe to our newsletter"


@pytest.fixture(scope="module")
def chromium() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip(
        "no Chromium to run the page in (chromium, chromium-browser or google-chrome on "
        "PATH): apt-get install chromium"
    )


def browse(binary: str, profile: Path, page: Path, *args: str) -> subprocess.CompletedProcess:
    """Load ``page`` in headless Chromium (a profile of its own, no network service, console
    messages logged on stderr)."""
    command = [
        binary,
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-sync",
        "--disable-background-networking",
        "--disable-component-update",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        *args,
        page.as_uri(),
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, errors="replace", timeout=TIMEOUT, check=False
    )
    assert done.returncode == 0, f"{' '.join(command)} exited {done.returncode}:\n{done.stderr}"
    return done


def console(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if CONSOLE.search(line)]


def test_the_console_check_sees_errors(chromium, tmp_path):
    """The check below would pass on a browser that logs nothing: this page must be heard."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><meta http-equiv="
        "'Content-Security-Policy' content=\"default-src 'none'\"></head><body>"
        "<img src='data:image/png;base64,AAAA'><p>bad</p></body></html>",
        encoding="utf-8",
    )
    done = browse(chromium, tmp_path / "profile", bad, "--dump-dom")
    assert console(done.stderr), f"no console line for a blocked image:\n{done.stderr}"


def test_report_page_renders_without_console_errors(chromium, tmp_path, monkeypatch):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    seed = (SEEDS / "000_fcda6f0cde3ca470.txt").read_text(encoding="utf-8")
    (tmp_path / "seeds" / "copy-of-000.txt").write_text(
        seed.rstrip("\n") + "\n" + FURNITURE + "\n", "utf-8"
    )
    monkeypatch.chdir(tmp_path)
    text = run_cli(["scan", "seeds", "--format", "html", "-q"]).stdout
    page = tmp_path / "report.html"
    page.write_text(text, encoding="ascii")
    expected = Page(text).classed("finding")
    assert any(f["data-kind"] == "near_document" for f in expected)

    dumped = browse(chromium, tmp_path / "profile", page, "--dump-dom")
    assert not console(dumped.stderr), "\n".join(console(dumped.stderr))
    dom = Page(dumped.stdout)
    rendered = dom.classed("finding")
    assert [f["id"] for f in rendered] == [f["id"] for f in expected]
    assert dom.marks and dom.find("svg") and dom.classed("side")
    assert "identical apart from 1 furniture line" in "".join(dom.text)

    shot = tmp_path / "report.png"
    taken = browse(
        chromium,
        tmp_path / "profile",
        page,
        f"--screenshot={shot}",
        "--window-size=1280,2000",
        "--hide-scrollbars",
    )
    assert not console(taken.stderr), "\n".join(console(taken.stderr))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    OUTPUT.mkdir(exist_ok=True)
    kept = OUTPUT / "report.png"
    shutil.copyfile(shot, kept)
    shutil.copyfile(page, OUTPUT / "report.html")
    print(f"screenshot of the report page: {kept} (and {shot})")
