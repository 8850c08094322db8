"""``dedup init``: a corpus repository set up for the pre-commit hook in one command.

It indexes the corpus (an index that exists is updated), accepts what is already there in a
baseline (so that the first commit is not blocked by findings nobody made in it; a baseline
that exists is kept), keeps the index out of git (``.gitignore``), and gives the hook's
configuration for ``.pre-commit-config.yaml`` (:func:`hook_snippet`).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from dedup import __version__
from dedup.app import index
from dedup.app.baseline import Baseline
from dedup.app.index_update import UpdateResult
from dedup.config import DEFAULT_BASELINE, DEFAULT_INDEX, ScanConfig
from dedup.corpus import Progress
from dedup.flow.pipeline import scan
from dedup.io.files import write_atomic
from dedup.io.store import is_redis
from dedup.records import InputWarning

#: Where the hook's configuration points when dedup does not run from a clone of its own
#: repository (it has no published address yet).
REPOSITORY_PLACEHOLDER = "<the dedup repository: a URL or a local clone>"


@dataclass
class InitResult:
    """What ``dedup init`` did."""

    index: UpdateResult
    built: bool  # a new index (else an update of the one there)
    baseline_path: str
    accepted: int | None  # pairs accepted in a new baseline; None: the one there was kept
    findings: int
    ignored: str | None  # the line added to .gitignore (None: nothing added)
    warnings: list[InputWarning]


def init_repository(
    paths: Sequence[str],
    config: ScanConfig,
    location: str = DEFAULT_INDEX,
    baseline_path: str = DEFAULT_BASELINE,
    on_progress: Progress | None = None,
) -> InitResult:
    """Index ``paths``, write the baseline of their findings (unless one exists) and keep
    the index out of git. Run from the repository's root, as the hook is."""
    built = is_redis(location) or not os.path.isfile(location)
    if built:
        result, _ = index.build(paths, config, location, on_progress)
    else:
        result = index.update(paths, config, location, on_progress)
    report = scan(paths, config=config).report
    accepted: int | None = None
    if not Path(baseline_path).exists():
        baseline = Baseline.from_findings(baseline_path, report.findings)
        write_atomic(Path(baseline_path), baseline.text().encode("utf-8", "backslashreplace"))
        accepted = len(baseline.accepted)
    return InitResult(
        index=result,
        built=built,
        baseline_path=baseline_path,
        accepted=accepted,
        findings=len(report.findings),
        ignored=ignore_index(location),
        warnings=report.warnings,
    )


def ignore_index(location: str, gitignore: str = ".gitignore") -> str | None:
    """Add the index's folder to ``gitignore`` (created if need be) unless a line names it
    already; the line added, or None. An index elsewhere than under the current folder
    (or in Redis) is left alone."""
    entry = os.path.normpath(location)
    if is_redis(location) or os.path.isabs(entry) or entry.startswith(".."):
        return None
    folder = os.path.dirname(entry)
    entry = folder.replace(os.sep, "/") + "/" if folder else entry
    path = Path(gitignore)
    data = path.read_bytes() if path.exists() else b""  # kept byte for byte
    lines = data.decode("utf-8", "replace").splitlines()
    if entry.rstrip("/") in {line.strip().strip("/") for line in lines}:
        return None
    if data and not data.endswith(b"\n"):
        data += b"\n"
    write_atomic(path, data + entry.encode("utf-8", "surrogateescape") + b"\n")
    return entry


def hook_snippet(paths: Sequence[str], location: str = DEFAULT_INDEX) -> str:
    """The ``.pre-commit-config.yaml`` lines of the hook: it builds its own index on the
    first run (from ``paths``) and keeps it up to date (``--update-index``)."""
    repo, rev = _own_repository()
    args = ["--update-index"]
    for path in paths:
        args += ["--corpus", path]
    if location != DEFAULT_INDEX:
        args += ["--index", location]
    return (
        "repos:\n"
        f"  - repo: {repo}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "      - id: dedup-check\n"
        f"        args: [{', '.join(_yaml_word(a) for a in args)}]\n"
    )


def _yaml_word(text: str) -> str:
    """``text`` as a YAML flow scalar: plain when it is made of safe characters."""
    if re.fullmatch(r"[\w./-]+", text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _own_repository() -> tuple[str, str]:
    """The clone dedup runs from and its commit, when it runs from one (a development
    install); else a placeholder and the version's tag."""
    root = Path(__file__).resolve().parent.parent.parent
    if (root / ".pre-commit-hooks.yaml").is_file() and (root / ".git").exists():
        try:
            rev = subprocess.run(
                ["git", "-C", str(root), "rev-parse", "HEAD"],
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
            ).stdout.strip()
            return str(root), rev
        except (OSError, subprocess.SubprocessError):
            pass
    return REPOSITORY_PLACEHOLDER, f"v{__version__}"
