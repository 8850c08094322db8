"""An interrupted ``dedup clean --in-place`` loses nothing (issue #10, case 3).

Whatever stops it (an error on one file, or kill -9 at any step of its writes), every input is
either untouched or fully cleaned, the manifest (or the journal, until the manifest is
written) records every removal made, and the next run finishes the job.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import run_cli

from dedup.io import files

_VOCABULARY = (
    "le la les un une des gouvernement ministre réforme budget élection député sénat maire "
    "ville région école hôpital police justice tribunal procès économie entreprise emploi "
    "salaire grève syndicat accord négociation prix énergie climat eau forêt agriculture "
    "récolte marché export banque taux inflation croissance dette impôt santé vaccin "
    "médecin recherche université étudiant culture musée festival cinéma sport équipe"
)
WORDS = _VOCABULARY.split()
FURNITURE = ("Laisser un commentaire", "Partager cet article sur Facebook")


def _article(rng: random.Random, n: int) -> str:
    title = " ".join(rng.choice(WORDS) for _ in range(6)).capitalize() + f" ({n})"
    paragraphs = [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(25, 45))).capitalize() + "."
        for _ in range(rng.randint(3, 6))
    ]
    return "\n".join([title, *paragraphs]) + "\n"


def make_corpus(folder: Path, n: int = 300) -> None:
    """Distinct articles, most with furniture to remove; some exact copies to drop."""
    rng = random.Random(7)
    folder.mkdir(parents=True)
    texts = []
    for i in range(n):
        if i % 6 == 5:  # an exact copy of an earlier article, under another name
            text = texts[rng.randrange(len(texts))]
        else:
            text = _article(rng, i)
            if i % 6 != 4:
                text += rng.choice(FURNITURE) + "\n"
        texts.append(text)
        (folder / f"a{i:03d}.txt").write_text(text, encoding="utf-8")


def state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def records(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def journal_records(path: Path) -> list[dict]:
    if not path.exists():
        return []
    data = json.loads(path.read_bytes())
    return [r for entry in data.get("files", []) for r in entry["records"]]


@pytest.fixture(scope="module")
def expected(tmp_path_factory):
    """The corpus, what a clean makes of it (from --out, which leaves the inputs alone),
    and its manifest."""
    root = tmp_path_factory.mktemp("expected")
    make_corpus(root / "corpus")
    original = state(root / "corpus")
    cwd = os.getcwd()
    os.chdir(root)
    try:
        run_cli(["clean", "corpus", "--out", "out", "--workers", "1", "-q"])
    finally:
        os.chdir(cwd)
    cleaned = {
        name: (root / "out" / name).read_bytes() if (root / "out" / name).exists() else None
        for name in original
    }
    assert sum(v is None for v in cleaned.values()) >= 40  # copies dropped
    assert sum(v is not None and v != original[k] for k, v in cleaned.items()) >= 150
    return root / "corpus", original, cleaned, records(root / "out" / "manifest.jsonl")


def check_invariant(corpus: Path, original, cleaned, recorded: list[dict]) -> set[str]:
    """Every input is untouched or fully cleaned; every change made is recorded. Returns
    the names of the files changed."""
    now = state(corpus)
    stray = [n for n in now if n.startswith(".")]
    changed = set()
    for name, before in original.items():
        current = now.get(name)
        assert current in (before, cleaned[name]), f"{name} is half-cleaned"
        if current != before:
            changed.add(name)
    recorded_names = {Path(r["location"]["path"]).name for r in recorded}
    assert changed <= recorded_names, (
        f"changes without a record: {sorted(changed - recorded_names)}"
    )
    assert all(n.endswith(files.STAGED_SUFFIX) for n in stray), stray
    return changed


def test_an_error_while_committing_is_finished_by_the_next_run(expected, tmp_path, monkeypatch):
    source, original, cleaned, manifest_records = expected
    corpus = tmp_path / "corpus"
    shutil.copytree(source, corpus)
    monkeypatch.chdir(tmp_path)
    real_replace, calls = os.replace, []

    def failing_replace(a, b):
        calls.append(b)
        if len(calls) == 40:
            raise OSError(28, "No space left on device")
        return real_replace(a, b)

    monkeypatch.setattr(os, "replace", failing_replace)
    result = run_cli(["clean", "corpus", "--in-place", "--workers", "1"], exit_code=2)
    assert "No space left" in result.stderr and "run the same command again" in result.stderr
    manifest, journal = (
        Path("dedup-manifest.jsonl"),
        files.journal_path(Path("dedup-manifest.jsonl").absolute()),
    )
    changed = check_invariant(corpus, original, cleaned, journal_records(journal))
    assert changed and changed != {n for n in original if cleaned[n] != original[n]}
    monkeypatch.setattr(os, "replace", real_replace)
    done = run_cli(["clean", "corpus", "--in-place", "--workers", "1"])
    assert "finished an interrupted clean" in done.stderr
    assert state(corpus) == {n: v for n, v in cleaned.items() if v is not None}
    assert records(manifest) == manifest_records
    assert not journal.exists()


def test_an_error_while_staging_leaves_every_input_untouched(expected, tmp_path, monkeypatch):
    source, original, _, _ = expected
    corpus = tmp_path / "corpus"
    shutil.copytree(source, corpus)
    monkeypatch.chdir(tmp_path)
    real_write, calls = files.write_file, []

    def failing_write(path, data, mode=None):
        calls.append(path)
        if path.name.endswith(files.STAGED_SUFFIX) and len(calls) == 30:
            raise OSError(13, "Permission denied")
        return real_write(path, data, mode)

    monkeypatch.setattr(files, "write_file", failing_write)
    run_cli(["clean", "corpus", "--in-place", "--workers", "1"], exit_code=2)
    assert state(corpus) == original  # no staged file left, nothing changed
    assert not Path("dedup-manifest.jsonl").exists()
    assert not files.journal_path(Path("dedup-manifest.jsonl").absolute()).exists()


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from dedup import cli
    from dedup.io import files

    # kill -9 at the N-th write step of the clean: a staged file, a journal write, a
    # rename over an input or an unlink. With N = 0, count the steps instead.
    target, steps = int(sys.argv[1]), [0]

    def step():
        steps[0] += 1
        if steps[0] == target:
            os.kill(os.getpid(), signal.SIGKILL)

    def wrap(function):
        def wrapped(*args, **kwargs):
            step()
            return function(*args, **kwargs)
        return wrapped

    files.write_file = wrap(files.write_file)
    os.replace = wrap(os.replace)
    os.unlink = wrap(os.unlink)
    try:
        cli.main(sys.argv[2:])
    finally:
        if target == 0:
            sys.stderr.write(f"steps={steps[0]}\\n")
    """
)


def _run(args: list[str], cwd: Path, kill_at: int = 0) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", KILLER, str(kill_at), *args],
        cwd=cwd,
        capture_output=True,
        timeout=300,
    )


def test_kill_9_at_random_steps_loses_nothing(expected, tmp_path):
    source, original, cleaned, manifest_records = expected
    args = ["clean", "corpus", "--in-place", "--workers", "1", "-q"]
    probe = tmp_path / "probe"
    shutil.copytree(source, probe / "corpus")
    counted = _run(args, probe)
    assert counted.returncode == 0, counted.stderr
    total = int(counted.stderr.decode().rsplit("steps=", 1)[1])
    assert total > 2 * len(original) * 0.5
    rng = random.Random(2026)
    final = {n: v for n, v in cleaned.items() if v is not None}
    for kill in range(20):
        work = tmp_path / f"run{kill}"
        corpus = work / "corpus"
        shutil.copytree(source, corpus)
        manifest = work / "dedup-manifest.jsonl"
        journal = files.journal_path(manifest)
        killed = _run(args, work, kill_at=rng.randint(1, total))
        assert killed.returncode == -9, killed.stderr
        check_invariant(corpus, original, cleaned, records(manifest) + journal_records(journal))
        for _ in range(2):  # finish the interrupted run, then clean what is left
            again = _run(args, work)
            assert again.returncode == 0, again.stderr
            check_invariant(corpus, original, cleaned, records(manifest) + journal_records(journal))
            if state(corpus) == final:
                break
        assert state(corpus) == final, f"kill {kill}: the corpus is not clean after two runs"
        assert records(manifest) == manifest_records, f"kill {kill}: the manifest differs"
        assert not journal.exists()
