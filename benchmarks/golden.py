"""Golden check: the outputs of this tree are byte for byte those of another commit.

Usage::

    python benchmarks/golden.py --before REV [--work-dir DIR] [--articles 10000]

For each corpus (the seeds, a generated corpus, the BBC stories of ``../shared/datasets``
when present, and a cp1252 JSON Lines file written here), both trees run, from the same
directory and on the same files:

- ``dedup scan CORPUS --format json``
- ``dedup clean CORPUS --out OUT`` (every file written, the manifest included)
- ``dedup index build CORPUS --index INDEX``, ``dedup index stats --format json``, then
  ``dedup check CORPUS --index INDEX --format json`` (the corpus against its own index)

and every output is compared byte for byte (but for when an index was built or updated). The
commit ``REV`` runs from a git worktree in the work directory. Differences are listed by
corpus and output, with the first differing line; the exit code is 1 if any output
differs, 0 if none does.

A restructure that changes no behaviour must print no difference (issue 12); a change that
fixes a bug shows exactly the outputs it fixes.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from benchmarks.verifier_pairs import BBC as BBC_DIR  # noqa: E402

BBC = BBC_DIR / "bbc.jsonl"

#: A French wire story and two copies, as JSON Lines encoded in cp1252 (not UTF-8).
CP1252_RECORDS = [
    {
        "id": "afp-1",
        "title": "Le groupe a déclaré un dividende",
        "text": "Le groupe Éléphant a déclaré mercredi un dividende de 1,25 € par action.\n"
        "« Nous sommes très satisfaits », a déclaré son président, cité par l'agence.\n"
        "Le titre a gagné 3 % à la Bourse de Paris après l'annonce.",
    },
    {
        "id": "copie-1",
        "title": "Dividende : le groupe Éléphant paiera 1,25 €",
        "text": "Le groupe Éléphant a déclaré mercredi un dividende de 1,25 € par action.\n"
        "« Nous sommes très satisfaits », a déclaré son président, cité par l'agence.\n"
        "Le titre a gagné 3 % à la Bourse de Paris après l'annonce.\n"
        "Laisser un commentaire",
    },
    {
        "id": "autre",
        "title": "Météo : un été très chaud",
        "text": "Météo-France prévoit un été plus chaud que la normale dans le sud du pays.\n"
        "Les températures dépasseront souvent 35 °C en juillet, selon les prévisionnistes.",
    },
]


def corpora(work: Path, articles: int) -> dict[str, Path]:
    """The corpora the check runs on, written under ``work`` where they are generated."""
    from benchmarks import generate

    out = {"seeds": REPO / "seeds"}
    generated = work / f"generated-{articles}"
    if not (generated / "corpus.jsonl").is_file():
        records, truth = generate.generate(articles, 1)
        generate.write(records, truth, generated)
    out[f"generated-{articles}"] = generated / "corpus.jsonl"
    if BBC.is_file():
        out["bbc"] = BBC
    cp1252 = work / "cp1252" / "wire.jsonl"
    cp1252.parent.mkdir(parents=True, exist_ok=True)
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in CP1252_RECORDS)
    cp1252.write_bytes(lines.encode("cp1252"))
    out["cp1252"] = cp1252
    return out


def worktree(work: Path, rev: str) -> Path:
    """A checkout of ``rev`` in the work directory (made once)."""
    sha = subprocess.run(
        ["git", "rev-parse", "--short", rev], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout.strip()
    tree = work / f"tree-{sha}"
    if not tree.exists():
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(tree), sha],
            cwd=REPO,
            check=True,
            capture_output=True,
        )
    return tree


#: What may differ between two runs of the same code: when an index was built or updated.
VOLATILE = re.compile(rb'"(built_at|updated_at)": "[^"]*"')


def run_all(tree: Path, corpus: Path, out: Path, python: str) -> None:
    """Every golden output of ``tree``'s code on ``corpus``, written under ``out`` (which
    both trees use in turn, so that the paths in the outputs are the same)."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    env = {**os.environ, "PYTHONPATH": str(tree), "NO_COLOR": "1", "COLUMNS": "100"}
    dedup = [python, "-m", "dedup"]

    # From the tree itself: ``python -m`` puts the working directory first on the path, so
    # run from the repository, every run would import the repository's code.
    where = subprocess.run(
        [python, "-c", "import dedup; print(dedup.__file__)"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not Path(where).resolve().is_relative_to(tree.resolve()):
        raise SystemExit(f"golden: {tree} imports dedup from {where}, not from itself")

    def run(name: str, args: list[str]) -> None:
        done = subprocess.run(dedup + args, cwd=tree, env=env, capture_output=True)
        (out / f"{name}.stdout").write_bytes(VOLATILE.sub(rb'"\1": "..."', done.stdout))
        (out / f"{name}.exit").write_text(f"{done.returncode}\n", encoding="utf-8")

    run("scan", ["scan", str(corpus), "--format", "json", "-q"])
    run("clean", ["clean", str(corpus), "--out", str(out / "clean"), "-q"])
    index = out / "index.sqlite"
    run("index-build", ["index", "build", str(corpus), "--index", str(index), "-q"])
    run("index-stats", ["index", "stats", "--index", str(index), "--format", "json"])
    run("check", ["check", str(corpus), "--index", str(index), "--format", "json", "-q"])
    for part in out.glob(index.name + "*"):  # the database, its WAL, shared memory and lock
        part.unlink()


def differences(before: Path, after: Path) -> list[str]:
    """The files under ``before`` and ``after`` that differ, with their first differing
    line (or that one side lacks)."""
    files = sorted(
        {p.relative_to(before) for p in before.rglob("*") if p.is_file()}
        | {p.relative_to(after) for p in after.rglob("*") if p.is_file()}
    )
    found = []
    for rel in files:
        a, b = before / rel, after / rel
        if not a.is_file() or not b.is_file():
            found.append(f"{rel}: only {'after' if b.is_file() else 'before'}")
            continue
        x, y = a.read_bytes(), b.read_bytes()
        if x == y:
            continue
        diff = difflib.unified_diff(
            x.decode("utf-8", "replace").splitlines(),
            y.decode("utf-8", "replace").splitlines(),
            lineterm="",
            n=0,
        )
        changed = [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]
        found.append(f"{rel}: differs\n    " + "\n    ".join(line[:200] for line in changed[:4]))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="the commit to compare with")
    parser.add_argument("--work-dir", type=Path, default=HERE / "work" / "golden")
    parser.add_argument("--articles", type=int, default=10_000, help="generated corpus size")
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args(argv)
    work = args.work_dir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    old = worktree(work, args.before)
    total = 0
    for name, corpus in corpora(work, args.articles).items():
        run, before, after = (work / "out" / name / k for k in ("run", "before", "after"))
        for tree, kept in ((old, before), (REPO, after)):
            run_all(tree, corpus, run, args.python)
            shutil.rmtree(kept, ignore_errors=True)
            run.rename(kept)
        found = differences(before, after)
        total += len(found)
        print(f"{name}: {'identical' if not found else f'{len(found)} output(s) differ'}")
        for line in found:
            print(f"  {line}")
    print(f"golden check against {args.before}: {total} difference(s)")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
