"""GitHub Actions annotations and SARIF 2.1.0, on reports of real scans."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest
from conftest import CORPORA, ROOT, SEEDS, STORY, by_kind, run_scan

from dedup import __version__
from dedup.output.formats import (
    FINGERPRINT_KEY,
    RULES,
    escape_data,
    escape_markdown,
    escape_property,
    github_summary,
    render_github,
    render_sarif,
    sarif_uri,
)
from dedup.output.report import ScanReport

SCHEMA = Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json"
SEED_001 = "001_5e40105071325d3a.txt"

ARTICLE = STORY
REPEAT = "This sentence is repeated many times in the same article about the harbour works."


def validate(text: str) -> dict:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    log = json.loads(text)
    validator = jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
    # jsonschema checks the `uri-reference` format only with an extra package: check here.
    for uri in uris(log):
        assert URI_REFERENCE.fullmatch(uri), uri
        assert uri.startswith("file:///") or ":" not in uri.split("/")[0], uri
    return log


URI_REFERENCE = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#]|%[0-9A-F]{2})*")


def uris(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["uri"]] if isinstance(node.get("uri"), str) else []
        return found + [u for value in node.values() for u in uris(value)]
    if isinstance(node, list):
        return [u for value in node for u in uris(value)]
    return []


def commands(text: str, name: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(f"::{name} ")]


def results(text: str) -> list[dict]:
    return json.loads(text)["runs"][0]["results"]


def scan_seeds() -> ScanReport:
    """The seeds, as ``dedup scan seeds`` from the repository root (relative paths)."""
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return run_scan(["seeds"])
    finally:
        os.chdir(cwd)


@pytest.fixture(scope="module")
def seeds_report() -> ScanReport:
    return scan_seeds()


@pytest.fixture
def crowded(tmp_path: Path) -> ScanReport:
    """Twelve copies of one article (11 errors) and a paragraph said 13 times (12 warnings)."""
    for i in range(12):
        (tmp_path / f"copy{i:02}.txt").write_text(ARTICLE, encoding="utf-8")
    body = "The harbour works\n" + (REPEAT + "\n") * 13 + "A closing remark unlike the rest.\n"
    (tmp_path / "repeat.txt").write_text(body, encoding="utf-8")
    return run_scan([tmp_path])


# --- escaping -----------------------------------------------------------------------------


def test_escaping_follows_actions_toolkit():
    assert escape_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert escape_property("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext%3A a%2C b"
    # % first, so an escape already in the text is not read back as one.
    assert escape_data("%0A") == "%250A"


def test_path_with_comma_and_colon_and_message_with_percent(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    line = "Prices rose by 12% in a year, the statistics office said on Monday morning."
    Path("a,b:c.txt").write_text(f"A title here\n{line}\nSomething else.\n{line}\n", "utf-8")
    report = run_scan(["a,b:c.txt"])
    (warning,) = commands(render_github(report), "warning")
    props, _, text = warning.removeprefix("::warning ").partition("::")
    assert props == "file=a%2Cb%3Ac.txt,line=4,endLine=4,title=dedup/exact-paragraph"
    assert text.startswith("exact repeat of a,b:c.txt:2 — ")  # data keeps `:` and `,`
    assert "12%25 in a year" in text and "12% " not in text
    # A message with line breaks (the excerpt is one line in a real scan, so make one).
    finding = dataclasses.replace(report.findings[0], excerpt="one\ntwo\r\n100%")
    broken = ScanReport(findings=[finding])
    (warning,) = commands(render_github(broken), "warning")
    assert warning.endswith("“one%0Atwo%0D%0A100%25”")
    assert len(render_github(broken, log=False).splitlines()) == 1


def test_markdown_summary_escapes_corpus_text(tmp_path):
    line = "The | pipe, `code`, <b>bold</b> and [a link](http://x.test) in one repeated line."
    path = tmp_path / "md.txt"
    path.write_text(f"A title here\n{line}\nSomething else.\n{line}\n", encoding="utf-8")
    summary = github_summary(run_scan([path]))
    assert "| exact_paragraph | DEDUP003 | 1 |" in summary
    (row,) = [r for r in summary.splitlines() if r.startswith("| warning |")]
    assert (
        "The \\| pipe, \\`code\\`, &lt;b&gt;bold&lt;/b&gt; and \\[a link\\](http://x.test)" in row
    )
    assert "<b>" not in summary and "`code`" not in summary
    assert row.count(" | ") == 5  # six cells: no `|` from the text splits the row
    assert escape_markdown("a\\|b\nc") == "a\\\\\\|b c"


# --- GitHub annotations -------------------------------------------------------------------


def test_seed_annotations_skip_the_kept_copy(seeds_report):
    out = render_github(seeds_report)
    warnings = commands(out, "warning")
    assert not commands(out, "error") and not commands(out, "notice")
    exact = [w for w in warnings if f"file=seeds/{SEED_001},line=8," in w]
    assert exact == [
        f"::warning file=seeds/{SEED_001},line=8,endLine=8,title=dedup/exact-paragraph"
        f"::exact repeat of seeds/{SEED_001}:7 — “Lors de cet appel qui, selon Poutine, "
        "n’a pas eu lieu, Trump aurait conseillé au président russe de ne pas intensifier la "
        "guerre en Ukraine et lui aurait rappelé «l’importante présence militaire de "
        "Washington en Europe», selon le …”"
    ]
    assert not [w for w in warnings if f"file=seeds/{SEED_001},line=7," in w]
    near = [w for w in warnings if f"file=seeds/{SEED_001},line=15," in w]
    assert len(near) == 1
    assert (
        f"near repeat of seeds/{SEED_001}:9 (jaccard 0.75, containment 0.88, cosine 0.95)"
        in near[0]
    )
    boiler = [w for w in warnings if "title=dedup/boilerplate" in w]
    assert len(boiler) == 4  # every place of a boilerplate finding
    assert any("rule fr/comment-prompt:laisser-un-commentaire" in w for w in boiler)
    assert any("boilerplate prefix “date 2025-02”" in w for w in boiler)
    # Non-canonical places of the report: 2 exact, 2 near, 4 boilerplate.
    assert len(warnings) == 8


def test_limit_and_notice(crowded):
    assert len(by_kind(crowded, "exact_document")[0].locations) == 12
    out = render_github(crowded)
    errors, warnings = commands(out, "error"), commands(out, "warning")
    assert len(errors) == 10 and len(warnings) == 10
    assert all("title=dedup/exact-document" in e for e in errors)
    assert all(e.split("::")[2].startswith("exact copy of ") for e in errors)
    (notice,) = commands(out, "notice")
    assert notice.startswith("::notice title=dedup::1 more error and ")
    assert "more warnings not annotated" in notice and "in the log" in notice
    # The log group lists every place, annotated or not, and no line is a command.
    lines = out.splitlines()
    group = lines[lines.index(next(x for x in lines if x.startswith("::group::"))) + 1 : -1]
    assert lines[-1] == "::endgroup::"
    total = sum(len(f.locations) - (f.kind != "boilerplate") for f in crowded.findings)
    assert len(group) == total == 10 + 10 + 1 + int(notice.split(" and ")[1].split()[0])
    assert all(line.startswith("dedup ") for line in group)
    # Errors come first (documents sort first), the notice after all annotations.
    assert out.index("::error") < out.index("::warning") < out.index("::notice")


def test_custom_limit(crowded):
    out = render_github(crowded, limit=3, log=False)
    assert len(commands(out, "error")) == 3 and len(commands(out, "warning")) == 3
    (notice,) = commands(out, "notice")
    assert "8 more errors and " in notice and "at most 3 of each are" in notice
    assert "::group::" not in out
    quiet = render_github(crowded, limit=100)
    assert not commands(quiet, "notice")


def test_no_findings(tmp_path):
    (tmp_path / "a.txt").write_text("Only one article\nNothing repeats in it.\n", "utf-8")
    report = run_scan([tmp_path])
    assert render_github(report) == ""
    assert "No duplicates or boilerplate found." in github_summary(report)
    log = validate(render_sarif(report))
    assert log["runs"][0]["results"] == []


# --- SARIF --------------------------------------------------------------------------------


def test_sarif_validates_against_the_official_schema(seeds_report, crowded):
    for report in (seeds_report, crowded, run_scan([CORPORA / "syndication.jsonl"])):
        validate(render_sarif(report))


def test_schema_file_is_the_oasis_one():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["$id"].endswith("/sarif-spec/master/Schemata/sarif-schema-2.1.0.json")
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)


def test_sarif_shape_on_the_seeds(seeds_report):
    text = render_sarif(seeds_report)
    assert text.endswith("}\n") and not text.endswith("\n\n")
    log = validate(text)
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "dedup" and driver["version"] == __version__
    res = results(text)
    assert len(res) == 8
    first = res[0]
    assert first["ruleId"] == "DEDUP003" and first["level"] == "warning"
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": f"seeds/{SEED_001}", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 8, "endLine": 8},
    }
    (kept,) = first["relatedLocations"]
    assert kept["id"] == 1 and kept["message"] == {"text": "kept copy"}
    assert kept["physicalLocation"]["region"] == {"startLine": 7, "endLine": 7}
    assert first["properties"] == {"kind": "exact_paragraph"}
    near = next(
        r for r in res if r["locations"][0]["physicalLocation"]["region"]["startLine"] == 15
    )
    assert near["properties"] == {
        "kind": "near_paragraph",
        "jaccard": 0.7544,
        "containment": 0.8776,
        "cosine": 0.9454,
    }
    boiler = [r for r in res if r["ruleId"] == "DEDUP005"]
    assert len(boiler) == 4 and all("relatedLocations" not in r for r in boiler)
    rules = {r["properties"]["rule"] for r in boiler}
    assert "fr/comment-prompt:laisser-un-commentaire" in rules
    assert all(r["properties"]["rule"] in r["message"]["text"] for r in boiler)
    prefix = next(r for r in boiler if r["properties"]["part"] == "prefix")
    assert prefix["properties"]["prefix"] == "date 2025-02"
    assert "é" in text  # ensure_ascii=False


def test_rule_ids_are_stable(seeds_report, crowded):
    expected = {
        "DEDUP001": ("exact_document", "error"),
        "DEDUP002": ("near_document", "error"),
        "DEDUP003": ("exact_paragraph", "warning"),
        "DEDUP004": ("near_paragraph", "warning"),
        "DEDUP005": ("boilerplate", "warning"),
    }
    assert {r.id: (r.kind, r.level) for r in RULES} == expected
    for report in (seeds_report, crowded):
        log = json.loads(render_sarif(report))
        rules = log["runs"][0]["tool"]["driver"]["rules"]
        assert [r["id"] for r in rules] == list(expected)
        for rule in rules:
            _, level = expected[rule["id"]]
            assert rule["defaultConfiguration"] == {"level": level}
            assert rule["name"] and rule["shortDescription"]["text"]
            assert rule["fullDescription"]["text"]
        for result in log["runs"][0]["results"]:
            rule = rules[result["ruleIndex"]]
            assert rule["id"] == result["ruleId"]
            assert result["level"] == rule["defaultConfiguration"]["level"]
            assert result["properties"]["kind"] == expected[result["ruleId"]][0]


def test_fingerprints_survive_shifted_lines(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(SEEDS, "seeds")
    (Path("seeds") / "repeat.txt").write_text(
        "The harbour works\n" + (REPEAT + "\n") * 3, encoding="utf-8"
    )

    def scan_prints() -> dict[tuple[str, str, int], tuple[str, int]]:
        out = {}
        seen: dict[tuple[str, str], int] = {}
        for r in results(render_sarif(run_scan(["seeds"]))):
            loc = r["locations"][0]["physicalLocation"]
            key = (r["ruleId"], loc["artifactLocation"]["uri"])
            seen[key] = seen.get(key, 0) + 1
            out[(*key, seen[key])] = (
                r["partialFingerprints"][FINGERPRINT_KEY],
                loc["region"]["startLine"],
            )
        return out

    before = scan_prints()
    for name in (SEED_001, "repeat.txt"):
        path = Path("seeds") / name
        path.write_text("\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    after = scan_prints()
    assert before.keys() == after.keys()
    moved = [k for k in before if k[1] in (f"seeds/{SEED_001}", "seeds/repeat.txt")]
    assert len(moved) >= 5
    for key in before:
        shift = 1 if key in moved else 0
        assert after[key] == (before[key][0], before[key][1] + shift)
    # Two copies in one file get two fingerprints; so do different places.
    prints = [v[0] for v in before.values()]
    assert len(set(prints)) == len(prints)


def test_jsonl_records_get_their_own_fingerprints():
    text = render_sarif(run_scan([CORPORA / "syndication.jsonl"]))
    validate(text)
    docs = [r for r in results(text) if r["ruleId"] == "DEDUP002"]
    # the rewrite (every sentence reworded) is another article: no result
    assert {r["properties"]["recordId"] for r in docs} == {"copy-exact", "brief"}
    assert all(r["relatedLocations"][0]["physicalLocation"] for r in docs)
    assert all("wire-story" in r["message"]["text"] for r in docs)
    prints = [r["partialFingerprints"][FINGERPRINT_KEY] for r in results(text)]
    assert len(set(prints)) == len(prints)


def test_output_is_byte_identical_across_runs(crowded, tmp_path):
    again = run_scan([tmp_path])
    assert render_sarif(crowded) == render_sarif(again)
    assert render_github(crowded) == render_github(again)
    assert github_summary(crowded) == github_summary(again)
    first, second = scan_seeds(), scan_seeds()
    assert render_sarif(first).encode() == render_sarif(second).encode()
    assert render_github(first).encode() == render_github(second).encode()


def test_uris_are_percent_encoded(tmp_path, monkeypatch):
    assert sarif_uri("seeds/a b#1.txt") == {"uri": "seeds/a%20b%231.txt", "uriBaseId": "%SRCROOT%"}
    assert sarif_uri("./x/é.txt") == {"uri": "x/%C3%A9.txt", "uriBaseId": "%SRCROOT%"}
    assert sarif_uri("a:b.txt")["uri"] == "a%3Ab.txt"  # not read as a scheme
    assert sarif_uri("/srv/news/a b.txt") == {"uri": "file:///srv/news/a%20b.txt"}
    monkeypatch.chdir(tmp_path)
    folder = Path("dossier été")
    folder.mkdir()
    line = "Le même paragraphe revient deux fois dans cet article sur les inondations."
    (folder / "n°1 #a.txt").write_text(f"Un titre\n{line}\nAutre chose.\n{line}\n", "utf-8")
    relative = validate(render_sarif(run_scan([folder])))
    (result,) = relative["runs"][0]["results"]
    artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {
        "uri": "dossier%20%C3%A9t%C3%A9/n%C2%B01%20%23a.txt",
        "uriBaseId": "%SRCROOT%",
    }
    assert unquote(artifact["uri"]) == "dossier été/n°1 #a.txt"
    absolute = validate(render_sarif(run_scan([tmp_path / folder])))
    (result,) = absolute["runs"][0]["results"]
    artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert "uriBaseId" not in artifact
    assert artifact["uri"] == (tmp_path / folder / "n°1 #a.txt").as_uri()
    assert artifact["uri"].startswith("file:///") and " " not in artifact["uri"]
    assert artifact["uri"].isascii()


def test_input_warnings_become_notifications(tmp_path):
    (tmp_path / "bad.jsonl").write_text('{"id": "a", "text": "fine"}\nnot json\n', "utf-8")
    report = run_scan([tmp_path])
    assert report.warnings
    log = validate(render_sarif(report))
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is True
    notes = invocation["toolExecutionNotifications"]
    assert len(notes) == len(report.warnings)
    assert notes[0]["locations"][0]["physicalLocation"]["region"] == {"startLine": 2}
