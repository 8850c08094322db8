"""The pictures of the README: the text report of the seed articles (docs/report.svg, drawn
by rich from the very text `dedup scan` prints) and, when Chromium is installed, the HTML
report (docs/report-html.png). Run: `make pictures` (or `python docs/pictures.py`)."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console

from dedup.app.selection import Selection, allow_marks, select
from dedup.config import ScanConfig
from dedup.flow.pipeline import scan
from dedup.output.console import render_report

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def text_report() -> Path:
    """The text report of `dedup scan seeds/`, as an SVG picture."""
    report = scan(["seeds/"], config=ScanConfig(workers=1)).report
    select(report, Selection(), allow_marks())
    console = Console(
        record=True,
        width=80,
        force_terminal=True,
        color_system="standard",
        file=io.StringIO(),
        highlight=False,
        markup=False,
        emoji=False,
    )
    render_report(console, report)
    out = DOCS / "report.svg"
    out.write_text(console.export_svg(title="dedup scan seeds/"), encoding="utf-8")
    return out


def html_report() -> Path | None:
    """A screenshot of `dedup scan seeds/ --format html` in headless Chromium, if any."""
    browser = next(
        (
            shutil.which(b)
            for b in ("chromium", "chromium-browser", "google-chrome")
            if shutil.which(b)
        ),
        None,
    )
    if browser is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "report.html"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "dedup",
                "scan",
                "seeds/",
                "--format",
                "html",
                "-o",
                str(page),
                "-q",
            ],
            cwd=ROOT,
            check=True,
        )
        out = DOCS / "report-html.png"
        subprocess.run(
            [
                browser, "--headless=new", "--no-sandbox", "--disable-gpu",
                "--hide-scrollbars", "--window-size=1280,1600",
                f"--screenshot={out}", page.as_uri(),
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
    return out


if __name__ == "__main__":
    import os

    os.chdir(ROOT)
    print(text_report())
    print(html_report() or "no Chromium: the HTML screenshot is left as it is")
