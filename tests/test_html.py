"""``--format html``: one self-contained page, escaped, deterministic, with every finding."""

from __future__ import annotations

import dataclasses
import re
import shutil

import pytest
from conftest import (
    CORPORA,
    FURNITURE,
    SEEDS,
    STORY,
    Page,
    by_kind,
    furniture_copy,
    run_cli,
    run_scan,
)

from dedup.output import html as page
from dedup.output.report import KINDS


def html_of(*args: str) -> str:
    return run_cli(["scan", *args, "--format", "html", "-q"]).stdout


def assert_offline(text: str) -> Page:
    """No URL at all, no script, nothing loaded; the page is well nested and ASCII."""
    assert text.isascii()
    assert "http://" not in text and "https://" not in text and "//" not in text
    parsed = Page(text)
    assert not parsed.open, f"unclosed: {parsed.open}"
    for tag, attrs in parsed.elements:
        assert tag not in ("script", "iframe", "object", "embed", "img", "base", "form")
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("src", "href", "action", "srcset", "xlink:href"):
                assert value is not None
                assert value.startswith("#") or value == "data:,", (tag, name, value)
    (csp,) = parsed.find("meta", http_equiv="Content-Security-Policy")
    assert csp["content"].startswith("default-src 'none';")
    return parsed


def test_page_is_self_contained_and_shows_every_finding(tmp_path):
    text = html_of(str(furniture_copy(tmp_path)))
    assert text.startswith("<!DOCTYPE html>\n") and text.endswith("</html>\n")
    parsed = assert_offline(text)
    report = run_scan([tmp_path])
    shown = [f for f in report.findings if f.kind != "boilerplate"]
    findings = parsed.classed("finding")
    assert [f["data-kind"] for f in findings] == [f.kind for f in shown]
    # Summary: a row per kind with its count; the charts are inline SVG.
    counts = report.counts()
    rows = parsed.find("tr", class_="kind")
    assert [r["data-kind"] for r in rows] == list(KINDS)
    body = "".join(parsed.text)
    for kind in KINDS:
        assert f"{page.TITLES[kind].split(' (')[0]}" in body
    assert counts["near_document"] == 1
    assert len(parsed.find("svg")) == 2 and parsed.find("rect")
    # The near copy: both texts, its scores, the furniture line that differs, passages marked.
    near = next(a for a in findings if a["data-kind"] == "near_document")
    assert near["id"] == "f1"
    assert "identical apart from 1 furniture line" in body
    assert "1 near copy reads 1.00 on every score" in body
    scores = [a.get("data-score") for a in parsed.find("b") if a.get("class") == "score"]
    assert scores[:4] == ["Jaccard", "containment", "cosine", "copy probability"]
    assert parsed.classed("differs") and parsed.classed("furniture")
    assert any("Report 3: the river rose by 3 metres" in m for m in parsed.marks)
    assert len(parsed.classed("kept")) == len(parsed.classed("copy")) >= 1
    # Boilerplate is a table row, with its rule and the file.
    rows = [r for r in parsed.find("tr", data_kind="boilerplate") if "class" not in r]
    assert len(rows) == counts["boilerplate"] >= 1
    assert FURNITURE in body and "b.txt" in body


def test_same_input_same_bytes_and_no_time_without_timings(tmp_path):
    furniture_copy(tmp_path)
    first, second = html_of(str(tmp_path)), html_of(str(tmp_path))
    assert first == second
    assert 'id="timings"' not in first
    timed = html_of(str(tmp_path), "--timings")
    assert 'id="timings"' in timed


def test_corpus_text_and_file_names_are_escaped_and_inert(tmp_path):
    hostile = '<script>alert(1)</script> "quoted" & \x1b[31m [bold]red[/bold]'
    # A file name cannot hold "/": the script tag spans a directory and the file in it.
    folder, name = "<script>alert(1)<", 'script>"&\x1b[31m[bold].txt'
    (tmp_path / folder).mkdir()
    line = f"Breaking: {hostile} the council voted on the harbour works budget tonight."
    text = f"Title {hostile}\n{line}\n" + STORY.split("\n", 1)[1]
    (tmp_path / folder / name).write_text(text, encoding="utf-8")
    (tmp_path / "copy.txt").write_text(text + FURNITURE + "\n", encoding="utf-8")
    out = html_of(str(tmp_path))
    parsed = assert_offline(out)
    assert "<script" not in out.lower() and "\x1b" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "&quot;" in out and "&amp;" in out
    assert "\\x1b[31m" in out and "[bold]red[/bold]" in out and "[bold].txt" in out
    # Read back as a browser would, the text is the original, control character made visible.
    body = "".join(parsed.text)
    assert '<script>alert(1)</script> "quoted" & \\x1b[31m [bold]red[/bold]' in body
    assert '<script>alert(1)</script>"&\\x1b[31m[bold].txt' in body
    assert [t for t, _ in parsed.elements].count("script") == 0


def test_render_without_texts_lists_excerpts():
    report = run_scan([CORPORA / "syndication.jsonl"])
    bare = dataclasses.replace(report, texts=None)
    parsed = assert_offline(page.render_html(bare))
    assert len(parsed.classed("finding")) == sum(
        1 for f in report.findings if f.kind != "boilerplate"
    )
    assert not parsed.classed("side")


def test_large_reports_are_cut_and_say_so(tmp_path, monkeypatch):
    monkeypatch.setattr(page, "FULL_FINDINGS", 2)
    monkeypatch.setattr(page, "PAIRS", 1)
    monkeypatch.setattr(page, "PARAGRAPHS", 2)
    report = run_scan([CORPORA / "syndication.jsonl"])
    parsed = assert_offline(page.render_html(report))
    assert len(parsed.classed("finding")) == 2
    body = "".join(parsed.text)
    assert "The first 2 document and paragraph findings are shown with their texts" in body
    assert "The first 2 paragraphs are shown" in body
    listed = [f for f in report.findings if f.kind != "boilerplate"][2:]
    rows = [a for t, a in parsed.elements if t == "tr" and (a.get("id") or "").startswith("f")]
    assert len(rows) == len(listed) >= 1
    (near,) = by_kind(report, "near_document")
    assert len(near.locations) == 3
    assert "1 places are shown beside the kept copy; the other 1:" in body


def test_jsonl_records_show_their_text_lines():
    report = run_scan([CORPORA / "syndication.jsonl"])
    text = page.render_html(report)
    body = "".join(Page(text).text)
    assert "copy-exact" in body and "Share this article" in body
    assert "identical apart from 3 furniture lines" in body
    lines = [int(n) for n in re.findall(r'<span class="ln">(\d+)', text)]
    assert lines and max(lines) <= 10  # the lines of each record's text, not of the file


def test_check_writes_html_against_the_index(tmp_path, monkeypatch):
    shutil.copytree(SEEDS, tmp_path / "articles")
    monkeypatch.chdir(tmp_path)
    run_cli(["index", "build", "articles", "-q", "--workers", "1"])
    seed = (SEEDS / "000_fcda6f0cde3ca470.txt").read_text(encoding="utf-8")
    (tmp_path / "new.txt").write_text(seed.rstrip("\n") + "\n" + FURNITURE + "\n", encoding="utf-8")
    out = run_cli(["check", "new.txt", "--format", "html", "-q"], exit_code=1).stdout
    parsed = assert_offline(out)
    kinds = {a["data-kind"] for a in parsed.classed("finding")}
    assert "near_document" in kinds
    assert parsed.marks and parsed.classed("kept")
    assert "identical apart from 1 furniture line" in "".join(parsed.text)


@pytest.mark.parametrize("fmt", ["html"])
def test_html_is_a_format_choice(fmt):
    from dedup.output.emit import FORMATS

    assert fmt in FORMATS


def test_texts_are_the_files_own_and_marked_there(tmp_path):
    quoted = (
        "Le porte-parole a qualifié ces informations de « pure invention » et d’« information "
        "fausse », selon l’agence, qui cite trois sources proches du dossier."
    )
    text = STORY + quoted + "\n"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(text + FURNITURE + "\n", encoding="utf-8")
    out = page.render_html(run_scan([tmp_path]))
    # The guillemets and apostrophes of the file, not the straight quotes compared.
    assert "&#171; pure invention &#187;" in out and "&quot; pure invention &quot;" not in out
    marked = Page(out).marks
    assert any("« pure invention » et d’« information fausse" in m for m in marked)


def test_a_file_changed_since_the_scan_shows_what_was_compared(tmp_path):
    furniture_copy(tmp_path)
    report = run_scan([tmp_path])
    (tmp_path / "b.txt").write_text("Something else entirely\n", encoding="utf-8")
    parsed = Page(page.render_html(report))
    tags = [t for t in parsed.text if "as compared" in t]
    assert tags  # b.txt's paragraphs, from what was compared
    assert "Report 3: the river rose by 3 metres" in "".join(parsed.text)


def test_exact_duplicates_are_marked_whole(tmp_path):
    text = STORY + FURNITURE + "\n"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(text, encoding="utf-8")
    parsed = Page(html_of(str(tmp_path)))
    kinds = [f["data-kind"] for f in parsed.classed("finding")]
    assert kinds.count("exact_document") == 1
    body = "".join(parsed.text)
    assert "exact: the same body once normalized (every score 1.00)" in body
    assert parsed.marks.count(FURNITURE) == 2  # furniture is part of what exact groups compare
    assert "Floods cut off the valley towns" not in parsed.marks  # the title is not
