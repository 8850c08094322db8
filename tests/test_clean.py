"""dedup clean: golden cases per format and removal kind, idempotence, refusals, bytes kept."""

import filecmp
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS, run_cli, write_jsonl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

CASES = Path(__file__).resolve().parent / "data" / "clean"


def clean(src, out, *extra, exit_code=0):
    return run_cli(["clean", str(src), "--out", str(out), "-q", *extra], exit_code=exit_code)


def manifest(out):
    return [json.loads(line) for line in (Path(out) / "manifest.jsonl").read_text().splitlines()]


def same_tree(a: Path, b: Path) -> bool:
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.diff_files or cmp.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    return not mismatch and not errors and all(same_tree(a / d, b / d) for d in cmp.common_dirs)


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir()))
def test_golden(case, tmp_path, monkeypatch):
    """Each case: input/, and expected/ (the cleaned files and manifest.jsonl). Manifest
    paths are relative to the repository, so the case is cleaned from there."""
    monkeypatch.chdir(ROOT)
    src = CASES / case / "input"
    out = tmp_path / "out"
    run_cli(["clean", str(src.relative_to(ROOT)), "--out", str(out), "-q"])
    assert same_tree(out, CASES / case / "expected"), f"{case}: output differs from expected/"


def test_golden_cases_cover_every_removal_kind():
    actions = set()
    kinds = set()
    for case in CASES.iterdir():
        for record in manifest(case / "expected"):
            actions.add(record["action"])
            kinds.add(record["reason"]["kind"])
    assert actions == {"drop_document", "drop_paragraph", "drop_boilerplate"}
    assert kinds == {
        "exact_document",
        "near_document",
        "exact_paragraph",
        "near_paragraph",
        "boilerplate",
    }


def test_seeds(tmp_path):
    out = tmp_path / "out"
    clean(SEEDS, out)
    removed = sorted(
        (Path(r["location"]["path"]).name[:3], r["location"]["start_line"]) for r in manifest(out)
    )
    assert removed == [("001", 8), ("001", 15), ("003", 3), ("003", 70), ("003", 72), ("003", 74)]
    assert sorted(p.name for p in out.glob("*.txt")) == sorted(p.name for p in SEEDS.glob("*"))
    for name in ("000", "002", "004"):
        [original] = SEEDS.glob(f"{name}_*")
        assert (out / original.name).read_bytes() == original.read_bytes()


def test_cleaning_a_clean_corpus_changes_nothing(tmp_path):
    clean(SEEDS, tmp_path / "one")
    clean(tmp_path / "one", tmp_path / "two")
    assert manifest(tmp_path / "two") == []
    for path in (tmp_path / "one").glob("*.txt"):
        assert (tmp_path / "two" / path.name).read_bytes() == path.read_bytes()
    run_cli(["clean", str(tmp_path / "two"), "--check", "-q"], exit_code=0)


def test_check_and_dry_run_write_nothing(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(SEEDS, src)
    before = {p.name: p.read_bytes() for p in src.iterdir()}
    run_cli(["clean", str(src), "--check", "-q"], exit_code=1)
    diff = run_cli(["clean", str(src), "--dry-run", "-q"]).stdout
    assert "-Laisser un commentaire" in diff and diff.count("+++ ") == 2
    plan = json.loads(run_cli(["clean", str(src), "--dry-run", "--format", "json", "-q"]).stdout)
    assert len(plan["manifest"]) == 6
    assert {p.name: p.read_bytes() for p in src.iterdir()} == before


def test_out_inside_or_equal_to_input_is_refused(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(SEEDS, src)
    for out in (src, src / "cleaned"):
        result = clean(src, out, exit_code=2)
        assert "inside the input" in result.stderr
    assert not (src / "cleaned").exists()
    run_cli(["clean", str(src), "--out", str(tmp_path / "o"), "--in-place"], exit_code=2)


def test_ids_cannot_steer_output_paths(tmp_path):
    records = [
        {"id": "../../escape", "text": "Un paragraphe assez long pour être lu par dedup ici."},
        {"id": "/etc/passwd", "text": "Un autre paragraphe, différent, pour le même fichier."},
    ]
    src = tmp_path / "src"
    src.mkdir()
    write_jsonl(src / "c.jsonl", records)
    out = tmp_path / "out"
    clean(src, out)
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert written == ["c.jsonl", "manifest.jsonl"]
    assert not (tmp_path / "escape").exists()


def test_in_place_rewrites_atomically_and_keeps_a_manifest(tmp_path, monkeypatch):
    src = tmp_path / "src"
    shutil.copytree(SEEDS, src)
    monkeypatch.chdir(tmp_path)
    run_cli(["clean", str(src), "--in-place", "-q"])
    records = [json.loads(x) for x in (tmp_path / "dedup-manifest.jsonl").read_text().splitlines()]
    assert len(records) == 6
    assert "Laisser un commentaire" not in next(src.glob("003_*")).read_text()
    assert not list(src.glob(".*.tmp"))


def test_cross_article_repeats_are_kept_unless_asked(tmp_path):
    quote = "« Nous reconstruirons tout ce qui a été détruit », a déclaré le préfet mardi soir."
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(
        f"Titre A\nLes pompiers ont travaillé toute la nuit dans la vallée.\n{quote}\n"
    )
    (src / "b.txt").write_text(
        f"Titre B\nLes écoles resteront fermées jusqu'à la fin de la semaine.\n{quote}\n"
    )
    clean(src, tmp_path / "keep")
    assert manifest(tmp_path / "keep") == []
    clean(src, tmp_path / "drop", "--drop-cross-article-repeats")
    [record] = manifest(tmp_path / "drop")
    assert record["location"]["path"].endswith("b.txt") and record["kept"]["path"].endswith("a.txt")


def test_an_article_left_empty_is_reported_not_written(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "empty.md").write_text("Laisser un commentaire\n\nPartager sur Facebook\n")
    result = run_cli(["clean", str(src), "--out", str(tmp_path / "out")])
    assert "empty after cleaning" in result.stderr
    assert not (tmp_path / "out" / "empty.md").exists()


SENTENCES = [
    "Le conseil municipal a voté mardi le budget de la nouvelle piscine olympique.",
    "Les travaux doivent commencer au printemps et durer deux ans au total.",
    "L'opposition dénonce un projet trop coûteux pour une ville de cette taille.",
    "Le maire promet que les impôts locaux n'augmenteront pas l'an prochain.",
    "Les associations sportives saluent une décision attendue depuis longtemps.",
    "Laisser un commentaire",
    "Partager sur Facebook",
]


@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=6), min_size=1, max_size=4)
)
def test_clean_is_idempotent(tmp_path, articles):
    root = Path(tempfile.mkdtemp(dir=tmp_path))  # hypothesis replays an example: a new folder
    src = root / "src"
    src.mkdir()
    for i, lines in enumerate(articles):
        (src / f"{i}.txt").write_text(f"Titre numéro {i}\n" + "\n".join(lines) + "\n")
    clean(src, root / "one")
    clean(root / "one", root / "two")
    assert manifest(root / "two") == []
    for path in (root / "one").glob("*.txt"):
        assert (root / "two" / path.name).read_bytes() == path.read_bytes()


def test_keep_duplicates_removes_lines_only(tmp_path):
    src = CASES / "jsonl" / "input"
    clean(src, tmp_path / "all")
    actions = {r["action"] for r in manifest(tmp_path / "all")}
    assert "drop_document" in actions  # the case has copies to drop...
    clean(src, tmp_path / "lines", "--keep-duplicates")
    kept = manifest(tmp_path / "lines")
    assert kept and "drop_document" not in {r["action"] for r in kept}
    records = (tmp_path / "lines" / "syndication.jsonl").read_text().splitlines()
    assert len(records) == len((src / "syndication.jsonl").read_text().splitlines())
