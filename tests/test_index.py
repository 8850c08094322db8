"""The persistent index and dedup check: round trip, updates, refusals, crashes, concurrency."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import CORPORA, SEEDS, write_jsonl

from dedup.app import index
from dedup.config import MinHashConfig, ScanConfig
from dedup.errors import DedupError
from dedup.flow.pipeline import scan
from dedup.io import inputs
from dedup.io.index_codec import IndexMismatchError, index_params

CONFIG = ScanConfig(workers=1)
SYNDICATION = [json.loads(line) for line in (CORPORA / "syndication.jsonl").open(encoding="utf-8")]


def _kinds(report):
    return sorted(f.kind for f in report.findings)


def _paths(finding):
    return sorted(Path(loc.path).name for loc in finding.locations)


@pytest.fixture
def seeds(tmp_path):
    target = tmp_path / "corpus"
    shutil.copytree(SEEDS, target)
    return target


def rewrite_of_seed(tmp_path) -> Path:
    """Seed 000 as another outlet would run it: a new headline, the last paragraph cut, a
    word changed here and there, other quote marks."""
    lines = (SEEDS / "000_fcda6f0cde3ca470.txt").read_text(encoding="utf-8").splitlines()
    body = [ln for ln in lines[1:] if ln.strip()][:-1]
    body = [ln.replace("lundi", "ce lundi").replace("« ", '"').replace(" »", '"') for ln in body]
    path = tmp_path / "new" / "reprise.txt"
    path.parent.mkdir(exist_ok=True)
    path.write_text("Moscou dément tout échange\n" + "\n".join(body) + "\n", encoding="utf-8")
    return path


def test_round_trip_and_stats(seeds, tmp_path):
    location = str(tmp_path / "idx" / "index.sqlite")
    result, stats = index.build([str(seeds)], CONFIG, location)
    assert (result.added, result.removed, result.articles) == (5, 0, 5)
    assert stats.articles == 5 and stats.sources == 1 and stats.postings > 0
    assert stats.params == index_params(CONFIG)
    # Every stored article comes back as it was segmented and normalized.
    opened = index.open_index(location, readonly=True)
    records = opened.records(range(5))
    assert sorted(Path(r[1].path).name for r in records) == sorted(p.name for p in SEEDS.iterdir())
    for _, doc, segs, sha in records:
        assert len(sha) == 64 and segs and segs[0].is_title and doc.source == "corpus"
    opened.store.close()
    # An indexed article checked against its own index is not its own duplicate.
    report = index.check([str(seeds / "002_7d6d22a428fdc984.txt")], CONFIG, location)
    assert not [f for f in report.findings if f.kind.endswith("_document")]


def test_check_names_the_matched_file_of_a_rewritten_seed(seeds, tmp_path):
    location = str(tmp_path / "index.sqlite")
    index.build([str(seeds)], CONFIG, location)
    report = index.check([str(rewrite_of_seed(tmp_path))], CONFIG, location)
    docs = [f for f in report.findings if f.kind in ("exact_document", "near_document")]
    assert len(docs) == 1
    assert docs[0].kind == "near_document"
    assert docs[0].canonical.path.endswith("000_fcda6f0cde3ca470.txt")
    assert _paths(docs[0]) == ["000_fcda6f0cde3ca470.txt", "reprise.txt"]
    assert docs[0].scores.containment >= 0.6
    assert report.articles == 1


def test_check_finds_what_a_scan_finds(tmp_path):
    """Each syndicated article checked against an index of the others is matched to the
    article a scan of the whole corpus keeps for its cluster, and to no article outside
    that cluster; an article in no cluster is matched to nothing."""
    corpus = write_jsonl(tmp_path / "corpus.jsonl", SYNDICATION)
    full = scan([str(corpus)], config=CONFIG).report
    clusters = [
        (f.canonical.id, {loc.id for loc in f.locations})
        for f in full.findings
        if f.kind in ("exact_document", "near_document")
    ]
    assert clusters, "the corpus has syndicated copies"
    for record in SYNDICATION:
        others = write_jsonl(tmp_path / "others.jsonl", [r for r in SYNDICATION if r is not record])
        new = write_jsonl(tmp_path / "new.jsonl", [record])
        location = str(tmp_path / f"index-{record['id']}.sqlite")
        index.build([str(others)], CONFIG, location)
        report = index.check([str(new)], CONFIG, location)
        found = {
            loc.id
            for f in report.findings
            if f.kind in ("exact_document", "near_document")
            for loc in f.locations
        }
        mine = [(rep, members) for rep, members in clusters if record["id"] in members]
        if not mine:
            assert found == set(), record["id"]
            continue
        members = set().union(*(m for _, m in mine))
        kept = {rep for rep, _ in mine} - {record["id"]}
        assert record["id"] in found and found <= members, record["id"]
        assert kept <= found, record["id"]


def test_check_compares_the_files_given_with_each_other(seeds, tmp_path):
    location = str(tmp_path / "index.sqlite")
    index.build([str(seeds / "003_09ecab5d2d0fb3d9.txt")], CONFIG, location)
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    shutil.copy(seeds / "001_5e40105071325d3a.txt", a)
    shutil.copy(seeds / "001_5e40105071325d3a.txt", b)
    report = index.check([str(a), str(b)], CONFIG, location)
    docs = [f for f in report.findings if f.kind == "exact_document"]
    assert len(docs) == 1 and _paths(docs[0]) == ["a.txt", "b.txt"]


def test_check_uses_the_templates_learned_for_the_source(tmp_path):
    stories = [
        "Le conseil municipal a voté le budget du nouveau tramway après trois heures de débat.",
        "Les pêcheurs du port ont manifesté contre la hausse du prix du gazole ce matin.",
        "Une exposition consacrée aux peintres bretons ouvre ses portes au musée samedi.",
        "Le club de football local a remporté son troisième match consécutif à domicile.",
        "La préfecture annonce des restrictions d'eau pour tout le département cet été.",
        "Un incendie a détruit un entrepôt de la zone industrielle sans faire de blessé.",
    ]
    records = [
        {
            "id": f"site-{i}",
            "source": "site",
            "text": f"{story}\nUne production de la rédaction centrale de Ouest Matin\n",
        }
        for i, story in enumerate(stories)
    ]
    location = str(tmp_path / "index.sqlite")
    index.build([str(write_jsonl(tmp_path / "site.jsonl", records))], CONFIG, location)
    new = write_jsonl(
        tmp_path / "new.jsonl",
        [
            {
                "id": "fresh",
                "source": "site",
                "text": "A fresh story on a new subject with its own words.\n"
                "Une production de la rédaction centrale de Ouest Matin\n",
            }
        ],
    )
    report = index.check([str(new)], CONFIG, location)
    boiler = [f for f in report.findings if f.kind == "boilerplate"]
    assert [f.locations[0].text_lines for f in boiler] == [(2, 2)]
    assert boiler[0].rule.startswith("learned/") and boiler[0].source == "site"
    assert all(loc.id == "fresh" for f in report.findings for loc in f.locations)


def test_one_planner_cuts_the_shards_of_a_scan_and_of_an_index():
    unit, shard = inputs.Unit, inputs.Shard
    units = [
        unit("a.txt"),
        unit("r.jsonl", 0, 1),
        unit("r.jsonl", 10, 2),
        unit("r.jsonl", 30, 4),  # line 3 is not read: blank, or indexed already
        unit("b.txt"),
    ]
    first = shard(path="r.jsonl", offset=0, line=1, count=2)
    second = shard(path="r.jsonl", offset=30, line=4, count=1)
    files = shard(files=("a.txt", "b.txt"))
    # A scan ends a run of records at the next unit that does not continue it...
    assert list(inputs.shards_of(units, 2)) == [first, second, files]
    # ...an index at the next record: a batch of files completed meanwhile comes first.
    assert list(inputs.shards_of(units, 2, defer_runs=True)) == [first, files, second]


def test_update_adds_changes_and_removes(seeds, tmp_path):
    location = str(tmp_path / "index.sqlite")
    index.build([str(seeds)], CONFIG, location)
    same = index.update([str(seeds)], CONFIG, location)
    assert (same.added, same.removed, same.unchanged, same.articles) == (0, 0, 5, 5)

    extra = seeds / "extra.txt"
    shutil.copy(rewrite_of_seed(tmp_path), extra)
    added = index.update([str(seeds)], CONFIG, location)
    assert (added.added, added.removed, added.articles) == (1, 0, 6)
    # The new article is now in the index: a copy of it is found.
    copy = tmp_path / "copy.txt"
    shutil.copy(extra, copy)
    report = index.check([str(copy)], CONFIG, location)
    assert any(f.kind == "exact_document" and "extra.txt" in _paths(f) for f in report.findings)

    extra.write_text("Un tout autre sujet\nRien à voir avec le reste du corpus.\n", "utf-8")
    changed = index.update([str(seeds)], CONFIG, location)
    assert (changed.added, changed.removed, changed.articles) == (1, 1, 6)
    report = index.check([str(copy)], CONFIG, location)
    assert not any("extra.txt" in _paths(f) for f in report.findings)

    extra.unlink()
    removed = index.update([str(seeds)], CONFIG, location)
    assert (removed.added, removed.removed, removed.articles) == (0, 1, 5)
    assert index.open_index(location).stats().articles == 5


def test_update_of_one_file_keeps_the_rest(seeds, tmp_path):
    location = str(tmp_path / "index.sqlite")
    index.build([str(seeds)], CONFIG, location)
    new = tmp_path / "one.txt"
    shutil.copy(rewrite_of_seed(tmp_path), new)
    result = index.update([str(new)], CONFIG, location)
    assert (result.added, result.removed, result.articles) == (1, 0, 6)


def test_updates_give_the_same_index_as_a_build(seeds, tmp_path):
    built = str(tmp_path / "built.sqlite")
    grown = str(tmp_path / "grown.sqlite")
    files = sorted(seeds.iterdir())
    index.build([str(f) for f in files[:2]], CONFIG, grown)
    index.update([str(f) for f in files], CONFIG, grown)
    index.build([str(f) for f in files], CONFIG, built)
    a, b = index.open_index(built).stats(), index.open_index(grown).stats()
    assert (a.articles, a.postings, a.templates) == (b.articles, b.postings, b.templates)
    assert (index.open_index(built).df() == index.open_index(grown).df()).all()


def test_other_parameters_are_refused(seeds, tmp_path):
    location = str(tmp_path / "index.sqlite")
    index.build([str(seeds)], CONFIG, location)
    other = ScanConfig(workers=1, minhash=MinHashConfig(num_perm=64))
    with pytest.raises(IndexMismatchError, match=r"--num-perm 64 \(index: 128\)"):
        index.check([str(seeds / "001_5e40105071325d3a.txt")], other, location)
    with pytest.raises(IndexMismatchError):
        index.update([str(seeds)], other, location)


def test_missing_or_foreign_index_is_a_clear_error(tmp_path):
    with pytest.raises(DedupError, match="no index here"):
        index.check([str(SEEDS)], CONFIG, str(tmp_path / "none.sqlite"))
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(DedupError, match=r"junk\.sqlite"):
        index.check([str(SEEDS)], CONFIG, str(junk))


def test_a_failed_build_leaves_the_old_index(seeds, tmp_path, monkeypatch):
    location = tmp_path / "index.sqlite"
    index.build([str(seeds)], CONFIG, str(location))
    before = location.read_bytes()

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(index.Index, "update", boom)
    with pytest.raises(RuntimeError):
        index.build([str(SEEDS)], CONFIG, str(location))
    assert location.read_bytes() == before
    assert not [p.name for p in tmp_path.iterdir() if ".tmp" in p.name]  # no temporary left


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from dedup.app import index
    from dedup.io import store
    from dedup.config import ScanConfig

    class Dying:
        # The real connection, until the update has written a few batches of rows.
        def __init__(self, db):
            self.db, self.calls = db, 0
        def executemany(self, *args):
            self.calls += 1
            if self.calls == 3:
                os.kill(os.getpid(), signal.SIGKILL)
            return self.db.executemany(*args)
        def __getattr__(self, name):
            return getattr(self.db, name)

    opened = index.open_index(sys.argv[1])
    opened.store.db = Dying(opened.store.db)
    opened.update(sys.argv[2:], ScanConfig(workers=1))
    """
)


def test_kill_during_update_leaves_the_previous_index(seeds, tmp_path):
    location = str(tmp_path / "index.sqlite")
    index.build([str(seeds / "000_fcda6f0cde3ca470.txt")], CONFIG, location)
    proc = subprocess.run(
        [sys.executable, "-c", KILLER, location, str(seeds)], capture_output=True, timeout=120
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    opened = index.open_index(location, readonly=True)
    assert opened.stats().articles == 1
    assert [Path(r[1].path).name for r in opened.records(range(10))] == ["000_fcda6f0cde3ca470.txt"]
    copy = tmp_path / "copy.txt"
    shutil.copy(seeds / "000_fcda6f0cde3ca470.txt", copy)
    assert _kinds(opened.check([str(copy)], CONFIG)) == ["exact_document"]
    opened.store.close()
    # And the index can still be updated.
    assert index.update([str(seeds)], CONFIG, location).articles == 5


def test_two_concurrent_checks(seeds, tmp_path):
    location = str(tmp_path / "index.sqlite")
    index.build([str(seeds)], CONFIG, location)
    new = rewrite_of_seed(tmp_path)
    cmd = [sys.executable, "-m", "dedup", "check", str(new), "--index", location]
    cmd += ["--format", "json", "-q", "--workers", "1"]
    procs = [
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [1, 1], [o[1] for o in outs]
    assert outs[0][0] == outs[1][0]
    assert "near_document" in outs[0][0].decode()


def test_two_concurrent_updates_add_a_new_article_once(seeds, tmp_path):
    location = str(tmp_path / "index.sqlite")
    index.build([str(seeds)], CONFIG, location)
    shutil.copy(rewrite_of_seed(tmp_path), seeds / "extra.txt")
    cmd = [sys.executable, "-m", "dedup", "index", "update", str(seeds), "--index", location]
    cmd += ["--format", "json", "-q", "--workers", "1"]
    procs = [
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1] for o in outs]
    added = sorted(json.loads(o[0])["added"] for o in outs)
    assert added == [0, 1]
    assert index.open_index(location).stats().articles == 6


# --------------------------------------------------------------------------- Redis

REDIS_SERVER = shutil.which("redis-server")


@pytest.fixture
def redis_url(tmp_path):
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    pytest.importorskip("redis", reason="the redis extra is not installed")
    import socket
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [
            REDIS_SERVER,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(host="127.0.0.1", port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{port}/0?prefix=test"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_redis_index_is_the_same_index(seeds, tmp_path, redis_url):
    sqlite_location = str(tmp_path / "index.sqlite")
    index.build([str(seeds)], CONFIG, sqlite_location)
    _, stats = index.build([str(seeds)], CONFIG, redis_url)
    local = index.open_index(sqlite_location).stats()
    assert (stats.articles, stats.postings, stats.templates) == (
        local.articles,
        local.postings,
        local.templates,
    )
    new = rewrite_of_seed(tmp_path)
    a = index.check([str(new)], CONFIG, redis_url)
    b = index.check([str(new)], CONFIG, sqlite_location)
    assert [f.to_dict() for f in a.findings] == [f.to_dict() for f in b.findings]
    assert "near_document" in _kinds(a)
    extra = seeds / "extra.txt"
    shutil.copy(new, extra)
    assert index.update([str(seeds)], CONFIG, redis_url).added == 1
    extra.unlink()
    assert index.update([str(seeds)], CONFIG, redis_url).removed == 1
    with pytest.raises(IndexMismatchError):
        index.check([str(new)], ScanConfig(workers=1, minhash=MinHashConfig(seed=2)), redis_url)


def test_a_failed_redis_build_leaves_the_old_index(seeds, tmp_path, redis_url, monkeypatch):
    import redis

    index.build([str(seeds)], CONFIG, redis_url)
    client = redis.Redis.from_url(redis_url.split("?")[0])
    before = sorted(client.keys("*"))

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(index.Index, "update", boom)
    with pytest.raises(RuntimeError):
        index.build([str(seeds)], CONFIG, redis_url)
    assert sorted(client.keys("*")) == before  # no temporary prefix left
    monkeypatch.undo()
    assert index.open_index(redis_url).stats().articles == 5


def test_redis_without_an_index_is_a_clear_error(redis_url):
    with pytest.raises(DedupError, match="no index under prefix"):
        index.check([str(SEEDS)], CONFIG, redis_url.replace("prefix=test", "prefix=none"))


def test_no_pickle_anywhere():
    package = Path(index.__file__).parent.parent
    assert (package / "__main__.py").is_file()
    for path in package.rglob("*.py"):
        code = path.read_text(encoding="utf-8")
        for banned in ("import pickle", "pickle.load", "allow_pickle=True", "import marshal"):
            assert banned not in code, (path, banned)
