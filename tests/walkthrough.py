"""The newsroom walkthrough (`make demo`, and `tests/test_walkthrough.py`): a corpus
repository set up with `dedup init` and guarded by the pre-commit hook, in a temporary git
repository.

1. init: index, baseline of what is there, `.dedup/` ignored, the hook's lines;
2. commit a new article: passes;
3. commit a copy of an article: blocked, naming the copy and the article it copies;
4. rename an article (`git mv`): passes;
5. edit an article and commit it: passes, and the index still describes the corpus (a
   copy of the edited text is blocked, nothing is stale).

The hook is the one of this repository's `.pre-commit-hooks.yaml` (entry, files, exclude),
run as a `local` hook with `language: system` and this interpreter's dedup, so that the
walkthrough needs no second install of dedup (pre-commit would otherwise build its own
environment from a clone). Run: `python tests/walkthrough.py [--keep DIR]`.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@dataclass
class Step:
    name: str
    command: str
    code: int
    output: str


class Walkthrough:
    """Runs commands in ``repo`` and keeps what they said."""

    def __init__(self, repo: Path, log: Callable[[str], None]) -> None:
        self.repo, self.log, self.steps = repo, log, []
        self.env = {**os.environ, "NO_COLOR": "1", "GIT_AUTHOR_DATE": "2026-01-01T00:00:00"}
        bin_dir = str(Path(sys.executable).parent)
        self.env["PATH"] = bin_dir + os.pathsep + self.env.get("PATH", "")
        self.steps: list[Step] = []

    def run(self, name: str, args: Sequence[str], expect: int | None = 0) -> Step:
        done = subprocess.run(
            list(args), cwd=self.repo, env=self.env, capture_output=True, text=True
        )
        step = Step(name, shlex.join(args), done.returncode, done.stdout + done.stderr)
        self.steps.append(step)
        self.log(f"\n$ {step.command}   # {name} (exit {step.code})\n{step.output.rstrip()}")
        if expect is not None and done.returncode != expect:
            raise AssertionError(f"{name}: exit {done.returncode}, expected {expect}")
        return step

    def write(self, relative: str, text: str) -> None:
        path = self.repo / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def local_hook_config() -> str:
    """The repository's dedup-check hook as a local, system hook (this interpreter's
    dedup): same entry, files and exclude as the shipped manifest."""
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    check = next(h for h in hooks if h["id"] == "dedup-check")
    hook = {
        "id": check["id"],
        "name": check["name"],
        "entry": check["entry"],
        "language": "system",
        "files": check["files"],
        "require_serial": True,
        "args": ["--corpus", "articles"],
    }
    if "exclude" in check:
        hook["exclude"] = check["exclude"]
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": [hook]}]}, sort_keys=False)


def walkthrough(repo: Path, log: Callable[[str], None] = print) -> Walkthrough:
    """The whole flow in ``repo`` (an empty folder); raises AssertionError at the first
    step that does not do what it should."""
    w = Walkthrough(repo, log)
    seeds = sorted(SEEDS.glob("*.txt"))
    for seed in seeds:
        w.write(f"articles/{seed.name}", seed.read_text(encoding="utf-8"))
    w.run("a git repository", ["git", "init", "-q", "-b", "main"])
    w.run("", ["git", "config", "user.email", "desk@example.org"])
    w.run("", ["git", "config", "user.name", "Desk"])
    w.run("", ["git", "add", "articles"])
    w.run("the corpus so far", ["git", "commit", "-q", "-m", "Corpus so far"])

    init = w.run("1. dedup init", ["dedup", "init", "articles"])
    assert "dedup-check" in init.output and "--update-index" in init.output
    assert ".dedup/" in (repo / ".gitignore").read_text(encoding="utf-8")
    w.write(".pre-commit-config.yaml", local_hook_config())
    w.run("install the hook", ["pre-commit", "install"])
    w.run("", ["git", "add", ".gitignore", ".pre-commit-config.yaml", ".dedup-baseline.jsonl"])
    status = w.run("nothing of the index is tracked", ["git", "status", "--porcelain"])
    assert ".dedup" not in status.output.replace(".dedup-baseline", ""), status.output
    w.run("commit the setup", ["git", "commit", "-q", "-m", "Guard the corpus with dedup"])

    w.write(
        "articles/fresh.txt",
        "Le conseil municipal vote le budget\n"
        "Le conseil municipal a adopté mardi soir le budget de la ville pour l'année "
        "prochaine, après trois heures de débats sur la rénovation des écoles.\n",
    )
    w.run("", ["git", "add", "articles/fresh.txt"])
    w.run("2. commit a new article", ["git", "commit", "-q", "-m", "Add the budget vote"])

    original = seeds[0].name
    copied = (repo / "articles" / original).read_text(encoding="utf-8").split("\n", 1)[1]
    w.write("articles/copy.txt", "Un autre titre pour la même dépêche\n" + copied)
    w.run("", ["git", "add", "articles/copy.txt"])
    blocked = w.run("3. commit a copy", ["git", "commit", "-q", "-m", "Add a copy"], expect=1)
    assert "articles/copy.txt" in blocked.output, blocked.output
    assert f"articles/{original}" in blocked.output, blocked.output
    w.run("", ["git", "rm", "-q", "--cached", "articles/copy.txt"])
    (repo / "articles" / "copy.txt").unlink()

    w.run("4. rename an article", ["git", "mv", f"articles/{seeds[1].name}", "articles/moved.txt"])
    w.run("", ["git", "commit", "-q", "-m", "Rename an article"])

    edited = repo / "articles" / "fresh.txt"
    edited.write_text(
        edited.read_text(encoding="utf-8")
        + "Le budget prévoit aussi la réfection de la piscine municipale.\n",
        encoding="utf-8",
    )
    w.run("", ["git", "add", "articles/fresh.txt"])
    w.run("5. commit an edit", ["git", "commit", "-q", "-m", "Add the pool to the budget"])
    w.write("articles/copy-of-edit.txt", "Budget\n" + edited.read_text("utf-8").split("\n", 1)[1])
    again = w.run(
        "the index knows the edited text",
        ["dedup", "check", "articles/copy-of-edit.txt", "--format", "json"],
        expect=1,
    )
    assert "stale:" not in again.output, again.output
    assert "articles/fresh.txt" in again.output, again.output
    (repo / "articles" / "copy-of-edit.txt").unlink()
    log(f"\nThe walkthrough passed ({len(w.steps)} commands) in {repo}")
    return w


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, help="Run in this folder (made empty) and keep it.")
    args = parser.parse_args()
    for tool in ("git", "pre-commit"):
        if (
            shutil.which(
                tool,
                path=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
            )
            is None
        ):
            print(f"walkthrough: {tool} is not installed (make install brings pre-commit)")
            return 2
    if args.keep is not None:
        shutil.rmtree(args.keep, ignore_errors=True)
        args.keep.mkdir(parents=True)
        walkthrough(args.keep)
        return 0
    with tempfile.TemporaryDirectory(prefix="dedup-walkthrough-") as folder:
        walkthrough(Path(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
