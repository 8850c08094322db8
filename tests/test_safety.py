"""Nothing lost, whatever the input: the cases of the bad-input audit (issue #10).

Each test rebuilds one of the audit's inputs (a doubled path, a symlink loop, an output folder
that holds an input, a cp1252 byte, a surrogate, a bad date, an alias bomb, a FIFO, a corrupt
index, a closed pipe, control characters) and checks that the user's files are intact and the
run goes on with one line naming the file.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEEDS, run_cli, write_jsonl

from dedup.app import index
from dedup.config import ScanConfig

CONFIG = ScanConfig(workers=1)
SEED_NAMES = sorted(p.name for p in SEEDS.iterdir())


def dedup(*args: str, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    """Run the command line in a process of its own (for what CliRunner cannot show)."""
    return subprocess.run(
        [sys.executable, "-m", "dedup", *args],
        capture_output=True,
        timeout=timeout,
        **kwargs,
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture
def corpus(tmp_path):
    target = tmp_path / "r8"
    shutil.copytree(SEEDS, target)
    return target


# --------------------------------------------------------------------------- one file, once


def test_a_folder_given_twice_is_read_once_and_survives_clean_in_place(corpus, monkeypatch):
    monkeypatch.chdir(corpus.parent)
    out = json.loads(run_cli(["scan", "r8", "./r8", "--format", "json", "-q"]).stdout)
    assert out["stats"]["articles"] == 5
    assert out["stats"]["findings"]["exact_document"] == 0
    run_cli(["clean", "r8", "./r8", "--in-place", "-q"])
    assert sorted(p.name for p in corpus.iterdir()) == SEED_NAMES


def test_a_glob_through_a_symlink_loop_reads_each_file_once(corpus, monkeypatch):
    (corpus / "sub").mkdir()
    (corpus / "sub" / "up").symlink_to("..")
    monkeypatch.chdir(corpus.parent)
    out = json.loads(run_cli(["scan", "r8/**/*.txt", "--format", "json", "-q"]).stdout)
    assert out["stats"]["articles"] == 5
    assert out["stats"]["findings"]["exact_document"] == 0
    run_cli(["clean", "r8/**/*.txt", "--in-place", "-q"])
    assert len([p for p in corpus.iterdir() if p.suffix == ".txt"]) == 5


def test_a_file_and_a_symlink_to_it_are_one_input(corpus):
    first = corpus / SEED_NAMES[0]
    (corpus.parent / "alias.txt").symlink_to(first)
    out = json.loads(
        run_cli(["scan", str(first), str(corpus.parent / "alias.txt"), "--format", "json"]).stdout
    )
    assert out["stats"]["articles"] == 1
    assert out["stats"]["findings"]["exact_document"] == 0


# --------------------------------------------------------------------------- --out


@pytest.mark.parametrize("relative", [False, True], ids=["absolute", "relative"])
def test_out_that_holds_an_input_file_is_refused(corpus, monkeypatch, relative):
    before = snapshot(corpus)
    target = corpus / SEED_NAMES[1]
    if relative:
        monkeypatch.chdir(corpus)
        args = ["clean", f"./{target.name}", "--out", "."]
    else:
        args = ["clean", str(target), "--out", str(corpus)]
    result = run_cli(args, exit_code=2)
    assert "--out" in result.stderr and target.name in result.stderr
    assert snapshot(corpus) == before  # no file changed, no manifest written


def test_a_manifest_that_would_overwrite_an_input_is_refused(corpus, tmp_path):
    before = snapshot(corpus)
    victim = corpus / SEED_NAMES[0]
    result = run_cli(
        ["clean", str(corpus), "--out", str(tmp_path / "out"), "--manifest", str(victim)],
        exit_code=2,
    )
    assert "--manifest" in result.stderr
    assert snapshot(corpus) == before


# --------------------------------------------------------------------------- encodings


def test_clean_keeps_a_byte_cp1252_cannot_decode(tmp_path):
    lines = [b"Titre de l'article\n", b"Un paragraphe avec \x81 un octet inconnu et \xe9t\xe9.\n"]
    lines += [b"Laisser un commentaire\n"]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(b"".join(lines))
    result = run_cli(["clean", str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    assert "cp1252" in result.stderr
    assert (tmp_path / "out" / "a.txt").read_bytes() == b"".join(lines[:2])


def test_clean_keeps_a_stray_latin1_byte_in_utf8(tmp_path):
    lines = ["Titre de l’été\n", "Le café est très bon, dit-il.\n", "Laisser un commentaire\n"]
    data = [line.encode("utf-8") for line in lines]
    data[1] = data[1].replace("très".encode(), b"tr\xe8s")  # one latin-1 byte in UTF-8
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(b"".join(data))
    result = run_cli(["clean", str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    assert "undecodable" in result.stderr and "a.txt:2" in result.stderr
    assert (tmp_path / "out" / "a.txt").read_bytes() == b"".join(data[:2])
    # The rest of the file is read as UTF-8, not as cp1252 mojibake.
    out = json.loads(run_cli(["scan", str(tmp_path / "in"), "--format", "json", "-q"]).stdout)
    [finding] = [f for f in out["findings"] if f["kind"] == "boilerplate"]
    assert finding["locations"][0]["start_line"] == 3


def test_jsonl_cp1252_record_excerpt_shows_the_text_as_compared(tmp_path):
    text = "Le ministre a déclaré que la réforme serait votée avant la fin de l'été prochain."
    record = json.dumps({"id": "a", "text": f"{text}\n{text}"}, ensure_ascii=False)
    (tmp_path / "c.jsonl").write_bytes(record.encode("cp1252") + b"\n")
    out = json.loads(run_cli(["scan", str(tmp_path / "c.jsonl"), "--format", "json"]).stdout)
    [finding] = out["findings"]
    assert finding["excerpt"] == text


def test_a_lone_surrogate_in_jsonl_does_not_stop_the_scan(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text(
        '{"id": "a", "text": "a \\ud800 b, une phrase assez longue pour compter ici."}\n'
        '{"id": "b", "text": "Une autre phrase, sans rien de particulier, pour finir."}\n',
        encoding="utf-8",
    )
    result = run_cli(["scan", str(path), "--format", "json"])
    assert json.loads(result.stdout)["stats"]["articles"] == 2
    assert "\\ud800" not in result.stderr and len(result.stderr) < 500


def test_clean_of_a_jsonl_record_with_a_lone_surrogate(tmp_path):
    junk = "Laisser un commentaire"
    text = f"a \\ud800 b, une phrase assez longue pour compter ici.\\n{junk}"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "s.jsonl").write_text(f'{{"id": "a", "text": "{text}"}}\n', "utf-8")
    run_cli(["clean", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "-q"])
    [record] = [
        json.loads(x) for x in (tmp_path / "out" / "s.jsonl").read_text("utf-8").split("\n") if x
    ]
    assert record["text"] == "a \ud800 b, une phrase assez longue pour compter ici.\n"


# --------------------------------------------------------------------------- front matter


def test_an_invalid_yaml_date_is_kept_as_written(tmp_path):
    (tmp_path / "d.md").write_text("---\ndate: 2025-13-45\n---\nUn texte.\n", encoding="utf-8")
    run_cli(["scan", str(tmp_path), "--format", "json"])
    run_cli(["clean", str(tmp_path), "--out", str(tmp_path.parent / "out"), "-q"])
    from dedup.io.inputs import Shard
    from dedup.stages.load import read_shard

    [doc] = read_shard(Shard(files=(str(tmp_path / "d.md"),)), CONFIG.load).documents
    assert doc.date == "2025-13-45"


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path):
    bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        bomb.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    (tmp_path / "bomb.md").write_text("---\n" + "\n".join(bomb) + "\n---\nTexte.\n", "utf-8")
    result = dedup("scan", str(tmp_path), "--format", "json", timeout=30)
    assert result.returncode == 0
    assert b"bomb.md:" in result.stderr and b"alias" in result.stderr


def test_oversized_front_matter_is_ignored_with_a_warning(tmp_path):
    block = "\n".join(f"k{i}: {'x' * 60}" for i in range(2000))
    (tmp_path / "big.md").write_text(f"---\n{block}\n---\nTexte.\n", "utf-8")
    result = run_cli(["scan", str(tmp_path), "--format", "json"])
    assert "big.md:1: front matter" in result.stderr
    assert json.loads(result.stdout)["stats"]["articles"] == 1


# --------------------------------------------------------------------------- special files


def test_a_fifo_among_the_inputs_is_skipped(corpus):
    os.mkfifo(corpus / "pipe.txt")
    result = dedup("scan", str(corpus), "--format", "json", timeout=60)
    assert result.returncode == 0
    assert json.loads(result.stdout)["stats"]["articles"] == 5
    assert b"pipe.txt: not a regular file" in result.stderr
    strict = dedup("scan", str(corpus / "pipe.txt"), "--strict", timeout=60)
    assert strict.returncode == 2 and b"pipe.txt" in strict.stderr


def test_a_symlink_to_a_device_is_skipped(corpus):
    (corpus / "zero.txt").symlink_to("/dev/zero")
    result = dedup("scan", str(corpus), "--format", "json", timeout=60)
    assert result.returncode == 0, result.stderr
    assert b"zero.txt: not a regular file" in result.stderr


def test_an_input_over_the_size_cap_is_skipped(corpus):
    big = corpus / "big.txt"
    big.write_text("Titre\n" + "mot " * 5000 + "\n", encoding="utf-8")
    result = run_cli(["scan", str(corpus), "--format", "json", "--max-input-bytes", "10000"])
    assert f"{big}: larger than --max-input-bytes" in result.stderr
    assert json.loads(result.stdout)["stats"]["articles"] == 5


def test_a_jsonl_record_over_the_size_cap_is_skipped(tmp_path):
    path = write_jsonl(
        tmp_path / "c.jsonl",
        [{"id": "a", "text": "court"}, {"id": "b", "text": "x" * 20000}, {"id": "c", "text": "ok"}],
    )
    result = run_cli(["scan", str(path), "--format", "json", "--max-input-bytes", "10000"])
    assert f"{path}:2: larger than --max-input-bytes" in result.stderr
    assert json.loads(result.stdout)["stats"]["articles"] == 2


# --------------------------------------------------------------------------- --strict


@pytest.fixture
def big_corpus(corpus):
    """The seeds and 600 copies of them: more than one shard, and a report over 64 KiB."""
    for i in range(600):
        shutil.copy(corpus / SEED_NAMES[i % 5], corpus / f"copy{i:03d}.txt")
    return corpus


def test_strict_with_several_workers_names_the_file(big_corpus):
    (big_corpus / "zz.txt").write_bytes(b"\x00\x01\x02")
    result = dedup("scan", str(big_corpus), "--strict", "--workers", "2")
    assert result.returncode == 2
    assert b"zz.txt: binary file" in result.stderr and b"BrokenProcessPool" not in result.stderr


def test_strict_applies_to_standard_input():
    binary = b"\x7fELF\x00\x00\x01\x02"
    strict = run_cli(["scan", "-", "--strict"], exit_code=2, input=binary)
    assert "binary" in strict.stderr
    lenient = run_cli(["scan", "-", "--format", "json"], input=binary)
    stats = json.loads(lenient.stdout)["stats"]
    assert stats["articles"] == 0 and stats["skipped"] == 1


def test_input_errors_pickle():
    import pickle

    from dedup.errors import ConfigError, ConfigFileError, InputError

    error = pickle.loads(pickle.dumps(InputError("a.txt", "binary file", 3)))
    assert (error.path, error.reason, error.line, str(error)) == (
        "a.txt",
        "binary file",
        3,
        "a.txt:3: binary file",
    )
    config = pickle.loads(pickle.dumps(ConfigError("min_docs", 2.5, "must be an integer")))
    assert str(config) == str(ConfigError("min_docs", 2.5, "must be an integer"))
    file = pickle.loads(pickle.dumps(ConfigFileError("pyproject.toml", "bad", "min-docs")))
    assert str(file) == "pyproject.toml: [tool.dedup] min-docs: bad"


def test_duplicate_ids_in_a_jsonl_file_are_warned(tmp_path):
    path = write_jsonl(
        tmp_path / "c.jsonl",
        [{"id": "a", "text": "un"}, {"id": "b", "text": "deux"}, {"id": "a", "text": "trois"}],
    )
    result = run_cli(["scan", str(path), "--format", "json"])
    assert f"{path}:3: duplicate id 'a' (first at line 1)" in result.stderr


# --------------------------------------------------------------------------- indexes


def test_update_leaves_a_foreign_sqlite_file_untouched(tmp_path):
    foreign = tmp_path / "other.sqlite"
    db = sqlite3.connect(foreign)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    before = foreign.read_bytes()
    result = run_cli(["index", "update", str(SEEDS), "--index", str(foreign)], exit_code=2)
    assert "not a dedup index" in result.stderr
    assert foreign.read_bytes() == before
    assert not Path(f"{foreign}-wal").exists()


COMMIT_AND_DIE = """
import os, signal, sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA wal_autocheckpoint=0")
db.execute("BEGIN IMMEDIATE")
db.execute("INSERT OR REPLACE INTO meta (k, v) VALUES ('updated_at', x'00')")
db.execute("COMMIT")
os.kill(os.getpid(), signal.SIGKILL)  # committed, never checkpointed
"""


def test_build_over_an_index_with_a_pending_wal_publishes_a_sound_index(corpus, tmp_path):
    location = tmp_path / "index.sqlite"
    run_cli(["index", "build", str(corpus / SEED_NAMES[0]), "--index", str(location), "-q"])
    run_cli(["index", "update", str(corpus), "--index", str(location), "-q"])  # WAL mode now
    proc = subprocess.run([sys.executable, "-c", COMMIT_AND_DIE, str(location)], timeout=60)
    assert proc.returncode < 0 and Path(f"{location}-wal").stat().st_size > 0
    run_cli(["index", "build", str(corpus), "--index", str(location), "-q"])
    stats = json.loads(
        run_cli(["index", "stats", "--index", str(location), "--format", "json"]).stdout
    )
    assert stats["articles"] == 5
    db = sqlite3.connect(f"file:{location}?mode=ro", uri=True)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    copy = tmp_path / "copy.txt"
    shutil.copy(corpus / SEED_NAMES[2], copy)
    run_cli(["check", str(copy), "--index", str(location), "-q"], exit_code=1)


def test_build_waits_for_the_writer_lock(corpus, tmp_path):
    import fcntl

    location = tmp_path / "index.sqlite"
    run_cli(["index", "build", str(corpus / SEED_NAMES[0]), "--index", str(location), "-q"])
    with open(f"{location}.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "dedup",
                "index",
                "build",
                str(corpus),
                "--index",
                str(location),
                "-q",
            ]
        )
        with pytest.raises(subprocess.TimeoutExpired):
            proc.wait(timeout=8)
        assert index.open_index(str(location), readonly=True).documents == 1
    assert proc.wait(timeout=120) == 0
    assert index.open_index(str(location), readonly=True).documents == 5


def _index(corpus, tmp_path) -> Path:
    location = tmp_path / "index.sqlite"
    run_cli(["index", "build", str(corpus), "--index", str(location), "-q"])
    return location


def _corrupt(location: Path, sql: str, *args) -> None:
    db = sqlite3.connect(location, isolation_level=None)
    db.execute(sql, args)
    db.close()


def test_a_corrupt_meta_value_is_one_line_naming_the_index(corpus, tmp_path):
    location = _index(corpus, tmp_path)
    _corrupt(location, "UPDATE meta SET v = ? WHERE k = 'documents'", b"many")
    for args in (["index", "stats"], ["check", str(corpus / SEED_NAMES[0])]):
        result = run_cli([*args, "--index", str(location)], exit_code=2)
        [line] = result.stderr.strip().splitlines()
        assert str(location) in line and "rebuild" in line and "internal error" not in line


def test_a_corrupt_article_record_is_one_line_naming_the_index(corpus, tmp_path):
    location = _index(corpus, tmp_path)
    _corrupt(location, "UPDATE docs SET v = ?", os.urandom(64))
    copy = tmp_path / "copy.txt"
    shutil.copy(corpus / SEED_NAMES[2], copy)
    result = run_cli(["check", str(copy), "--index", str(location)], exit_code=2)
    [line] = result.stderr.strip().splitlines()
    assert str(location) in line and "rebuild" in line and "internal error" not in line


def test_update_refuses_an_index_with_overwritten_pages(corpus, tmp_path):
    location = _index(corpus, tmp_path)
    data = bytearray(location.read_bytes())
    page = 4096
    for number in range(2, min(42, len(data) // page)):
        data[number * page : (number + 1) * page] = os.urandom(page)
    location.write_bytes(bytes(data))
    result = run_cli(["index", "update", str(corpus), "--index", str(location)], exit_code=2)
    [line] = result.stderr.strip().splitlines()
    assert str(location) in line and "rebuild" in line
    run_cli(["index", "stats", "--index", str(location)], exit_code=2)


# --------------------------------------------------------------------------- output


def test_a_closed_stdout_is_not_an_error(big_corpus):
    corpus = big_corpus
    proc = subprocess.run(
        f"{sys.executable} -m dedup scan {corpus} --format json | head -c 100",
        shell=True,
        capture_output=True,
        timeout=120,
    )
    assert len(proc.stdout) == 100 and proc.stderr == b""
    for check, code in (("", 0), ("--check", 1)):
        result = subprocess.run(
            f"{sys.executable} -m dedup scan {corpus} --format json {check} | head -c 10 >/dev/null;"
            " echo ${PIPESTATUS[0]}",
            shell=True,
            executable="/bin/bash",
            capture_output=True,
            timeout=120,
        )
        assert result.stdout.strip() == str(code).encode() and result.stderr == b"", result.stderr


HOSTILE = "Un texte \x1b[2J qui efface \x1b]0;titre\x07 l'écran \x1b]8;;http://x\x1b\\lien\x1b]8;;\x1b\\ et\x08\x9b5m rien d'autre, vraiment."


def _no_controls(text: str) -> None:
    bad = [c for c in text if (ord(c) < 32 and c not in "\n") or 0x7F <= ord(c) <= 0x9F]
    assert not bad, f"control characters in output: {bad!r}"


def test_control_characters_are_escaped_in_text_output(tmp_path):
    folder = tmp_path / "in\x1b[31m"
    folder.mkdir()
    (folder / "a\x07.txt").write_text(f"Titre\n{HOSTILE}\n{HOSTILE}\n", encoding="utf-8")
    write_jsonl(
        folder / "c.jsonl",
        [{"id": "x\n::warning::pwned", "text": f"{HOSTILE}\n{HOSTILE}"}, {"id": "y", "text": "{"}],
    )
    (folder / "b\x1b[2J.md").write_text("---\ntitle: [unclosed\n---\nTexte.\n", encoding="utf-8")
    result = run_cli(["scan", str(folder)])
    _no_controls(result.stdout)
    _no_controls(result.stderr)
    assert "\\x1b[2J" in result.stdout
    assert not any(line.startswith("::") for line in result.stdout.splitlines())


def test_control_characters_are_escaped_in_github_output(tmp_path):
    (tmp_path / "a\x1b.txt").write_text(f"Titre\n{HOSTILE}\n{HOSTILE}\n", encoding="utf-8")
    write_jsonl(
        tmp_path / "c.jsonl", [{"id": "x\n::error::pwned", "text": f"{HOSTILE}\n{HOSTILE}"}]
    )
    result = run_cli(["scan", str(tmp_path), "--format", "github"])
    _no_controls(result.stdout)
    assert not any(line.startswith("::error::pwned") for line in result.stdout.splitlines())


def test_control_characters_are_escaped_in_errors(tmp_path):
    result = run_cli(["index", "stats", "--index", str(tmp_path / "x\x1b[2J.sqlite")], exit_code=2)
    _no_controls(result.stderr)
    assert "\\x1b[2J" in result.stderr


# --------------------------------------------------------------------------- writes


def test_writes_are_synced_before_they_are_renamed(tmp_path, monkeypatch):
    from dedup.io import files

    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: calls.append("fsync") or real_fsync(fd))
    monkeypatch.setattr(os, "replace", lambda a, b: calls.append("replace") or real_replace(a, b))
    files.write_atomic(tmp_path / "f.txt", b"data")
    assert (tmp_path / "f.txt").read_bytes() == b"data"
    # The file before the rename, its folder after it.
    assert calls == ["fsync", "replace", "fsync"]


def test_clean_keeps_file_modes_and_leaves_unchanged_files_alone(corpus, tmp_path):
    for p in corpus.iterdir():
        p.chmod(0o644)
    (corpus / SEED_NAMES[0]).chmod(0o664)
    out = tmp_path / "out"
    run_cli(["clean", str(corpus), "--out", str(out), "-q"])
    assert stat.S_IMODE((out / SEED_NAMES[0]).stat().st_mode) == 0o664
    assert stat.S_IMODE((out / SEED_NAMES[4]).stat().st_mode) == 0o644
    before = {p.name: p.stat() for p in corpus.iterdir()}
    run_cli(["clean", str(corpus), "--in-place", "--manifest", str(tmp_path / "m.jsonl"), "-q"])
    manifest = [json.loads(x) for x in (tmp_path / "m.jsonl").read_text().splitlines()]
    touched = {Path(r["location"]["path"]).name for r in manifest}
    assert touched and touched != set(SEED_NAMES)
    for p in corpus.iterdir():
        now = p.stat()
        assert stat.S_IMODE(now.st_mode) == stat.S_IMODE(before[p.name].st_mode)
        if p.name not in touched:
            assert (now.st_ino, now.st_mtime_ns) == (
                before[p.name].st_ino,
                before[p.name].st_mtime_ns,
            )


def test_clean_in_place_writes_through_a_symlink(corpus, tmp_path):
    real = tmp_path / "elsewhere.txt"
    shutil.move(corpus / SEED_NAMES[3], real)  # seed 003 has boilerplate to remove
    (corpus / SEED_NAMES[3]).symlink_to(real)
    run_cli(["clean", str(corpus), "--in-place", "--manifest", str(tmp_path / "m.jsonl"), "-q"])
    assert (corpus / SEED_NAMES[3]).is_symlink()
    assert "Laisser un commentaire" not in real.read_text(encoding="utf-8")


@pytest.mark.parametrize("in_place", [False, True], ids=["out", "in-place"])
def test_a_file_changed_after_the_scan_is_not_cleaned(corpus, tmp_path, monkeypatch, in_place):
    from dedup.flow import pipeline

    real_scan = pipeline.scan
    victim = corpus / SEED_NAMES[3]

    def scan_then_edit(*args, **kwargs):
        result = real_scan(*args, **kwargs)
        victim.write_text(victim.read_text(encoding="utf-8") + "Une ligne de plus.\n", "utf-8")
        return result

    monkeypatch.setattr(pipeline, "scan", scan_then_edit)
    before = snapshot(corpus)
    where = ["--in-place"] if in_place else ["--out", str(tmp_path / "out")]
    result = run_cli(
        ["clean", str(corpus), *where, "--manifest", str(tmp_path / "m.jsonl")], exit_code=2
    )
    assert f"{victim}: changed since the scan read it" in result.stderr
    after = snapshot(corpus)
    assert {k: v for k, v in after.items() if k != victim.name} == {
        k: v for k, v in before.items() if k != victim.name
    }
    assert not (tmp_path / "m.jsonl").exists()
