"""The writing side of a clean: from a plan in memory to files on disk.

Where each cleaned file goes (:func:`output_mapping`) and which outputs are refused
(:func:`refuse_unsafe_outputs`); the manifest records (one per removal) and the preview of a
``--dry-run`` or ``--check`` (the manifest as JSON, or a unified diff per changed file); the
writes themselves (:func:`write`): under ``--out`` (:func:`write_out`) or in place
(:func:`in_place_changes`, committed as a transaction by :mod:`dedup.io.files`), and the end
of an interrupted in-place clean (:func:`finish_interrupted`). What is removed is decided in
:mod:`dedup.app.clean`, in memory.
"""

from __future__ import annotations

import difflib
import json
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dedup.app.clean import CleanPlan, FileOutcome, clean_files, split_keepends
from dedup.errors import DedupError
from dedup.escape import printable
from dedup.flow.pipeline import ScanResult
from dedup.io.files import (
    Change,
    commit_in_place,
    journal_path,
    manifest_bytes,
    resume_in_place,
    write_atomic,
)


class UnsafePathError(DedupError):
    """An output path would leave the output directory, or write over an input."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where a clean writes: under ``out`` (None: nowhere, or ``in_place``) and its manifest."""

    out: Path | None
    in_place: bool
    manifest: Path

    @classmethod
    def of(cls, out: Path | None, in_place: bool, manifest: Path | None) -> Target:
        """The target, with the default manifest: ``OUT/manifest.jsonl``, or
        ``dedup-manifest.jsonl`` in the current folder."""
        default = out / "manifest.jsonl" if out is not None else Path("dedup-manifest.jsonl")
        return cls(out, in_place, manifest or default)


@dataclass(frozen=True, slots=True)
class Rewrite:
    """What a clean would write: each input file's outcome and one record per removal."""

    outcomes: list[FileOutcome]
    records: list[dict[str, Any]]

    @property
    def changed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.changed]


@dataclass(frozen=True, slots=True)
class Written:
    """What a write did, in one line, and the files it left alone (changed since read)."""

    summary: str
    skipped: list[str]


def prepare(
    result: ScanResult, cleaning: CleanPlan, roots: Sequence[str], target: Target
) -> Rewrite:
    """Apply ``cleaning`` in memory, each file mapped to where it is written (nothing is
    written here).

    Raises:
        UnsafePathError: an output path under ``target.out`` is refused.
        InputError: an input cannot be read again, or is not what the scan read.
    """
    read = list(dict.fromkeys(d.path for d in result.corpus.documents))
    mapping = (
        output_mapping(read, roots, target.out)
        if target.out is not None
        else {f: Path(f) for f in read}
    )
    return Rewrite(clean_files(result, cleaning, mapping), manifest_records(result, cleaning))


def manifest_records(result: ScanResult, cleaning: CleanPlan) -> list[dict[str, Any]]:
    """One JSON-ready record per removal: where, why, what was kept, and the removed text."""
    corpus = result.corpus
    records = []
    for r in cleaning.removals:
        doc = corpus.document(r.doc)
        if r.action == "drop_document":
            lines = split_keepends(doc.text)
            location = doc.location(1, max(1, len(lines)))
            removed = doc.text
        else:
            location = doc.location(r.start, r.end)
            removed = "".join(split_keepends(doc.text)[r.start - 1 : r.end])
        record: dict[str, Any] = {
            "action": r.action,
            "location": location.to_dict(),
            "reason": {"kind": r.kind},
            "kept": r.kept.to_dict() if r.kept is not None else None,
            "text": removed,
        }
        if r.scores:
            record["reason"]["scores"] = r.scores
        if r.rule:
            record["reason"]["rule"] = r.rule
        records.append(record)
    return records


def unified_diff(outcome: FileOutcome, terminal: bool = False) -> str:
    """A unified diff of one changed file (``/dev/null`` as target when it is not written).

    For a ``terminal``, control characters in the text are made visible; into a pipe or a
    file the diff is verbatim, so that ``patch`` applies it.
    """
    target = str(outcome.target) if outcome.target is not None else "/dev/null"
    original, cleaned = split_keepends(outcome.input.text), split_keepends(outcome.cleaned)
    if outcome.input.bom:
        original[:1] = ["\ufeff" + "".join(original[:1])]
        cleaned[:1] = ["\ufeff" + "".join(cleaned[:1])]
    diff = difflib.unified_diff(original, cleaned, fromfile=outcome.path, tofile=target)
    if not terminal:
        return "".join(diff)
    return "".join(printable(line.rstrip("\r\n")) + "\n" for line in diff)


def preview(rewrite: Rewrite, fmt: str, dry_run: bool, terminal: bool) -> Iterator[str]:
    """What a ``--dry-run`` or ``--check`` shows on stdout, a piece at a time: the manifest
    as JSON or JSON Lines, or (text, ``--dry-run``) a diff per changed file."""
    if fmt == "json":
        report = {"manifest": rewrite.records, "changed": [o.path for o in rewrite.changed]}
        yield json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    elif fmt == "jsonl":
        for record in rewrite.records:
            yield json.dumps(record, ensure_ascii=False) + "\n"
    elif dry_run:
        for outcome in rewrite.changed:
            yield unified_diff(outcome, terminal)


# --------------------------------------------------------------------------- where


def output_mapping(files: Sequence[str], roots: Sequence[str], out: Path) -> dict[str, Path]:
    """Where each input file goes under ``out``: the same path relative to its input root.

    With one root (``dedup clean corpus/ --out OUT``) paths are relative to it; with several,
    to their common parent. Output paths come from input paths only (never from ids), and
    any that would land outside ``out``, or that two inputs would share, is refused.
    """
    bases = [Path(r) if Path(r).is_dir() else Path(r).parent for r in roots]
    base = Path(os.path.commonpath([str(b.resolve()) for b in bases])) if bases else Path.cwd()
    out_resolved = out.resolve()
    mapping: dict[str, Path] = {}
    owner: dict[Path, str] = {}
    for f in files:
        relative = (
            Path(f).resolve().relative_to(base)
            if Path(f).resolve().is_relative_to(base)
            else Path(Path(f).name)
        )
        target = (out_resolved / relative).resolve()
        if not target.is_relative_to(out_resolved):
            raise UnsafePathError(f"{f}: its output path would leave {out}")
        if target in owner:
            raise UnsafePathError(f"{f} and {owner[target]} would both be written to {target}")
        owner[target] = f
        mapping[f] = target
    return mapping


def refuse_unsafe_outputs(
    out: Path | None, manifest: Path, roots: Sequence[str], files: Sequence[str]
) -> None:
    """Refuse an output that would change an input: ``--out`` equal to or inside an input
    folder, or holding an input file (it would be overwritten by its cleaned copy), and a
    manifest that is an input file.

    Raises:
        UnsafePathError: naming the option and the input.
    """
    real_files = {os.path.realpath(f): f for f in files}
    if out is not None:
        out_resolved = Path(os.path.realpath(out))
        for root in roots:
            base = Path(os.path.realpath(root))
            if out_resolved == base or (base.is_dir() and out_resolved.is_relative_to(base)):
                raise UnsafePathError(
                    f"--out {out} is inside the input {root}: cleaning would write into its "
                    "own input; choose another directory, or use --in-place to rewrite the files"
                )
        for real, given in real_files.items():
            if Path(real).is_relative_to(out_resolved):
                raise UnsafePathError(
                    f"--out {out} holds the input {given}, which its cleaned copy would "
                    "overwrite; choose another directory, or use --in-place to rewrite the files"
                )
    if os.path.realpath(manifest) in real_files:
        raise UnsafePathError(
            f"--manifest {manifest} is the input {real_files[os.path.realpath(manifest)]}; "
            "choose another file"
        )


def write_out(
    outcomes: Sequence[FileOutcome], records: Sequence[dict[str, Any]], manifest: Path
) -> int:
    """Write the canonical corpus under ``--out``: every kept file (with its input's mode),
    then the manifest. Returns the number of files written."""
    written = 0
    for outcome in outcomes:
        if outcome.target is not None:
            mode = stat.S_IMODE(os.stat(outcome.path).st_mode)
            write_atomic(outcome.target, outcome.data(), mode)
            written += 1
    write_atomic(manifest, manifest_bytes(records))
    return written


def in_place_changes(
    outcomes: Sequence[FileOutcome], records: Sequence[dict[str, Any]]
) -> list[Change]:
    """The files an in-place clean changes (unchanged ones are left alone, inode and all),
    each with the manifest records of its removals; a symlinked input is changed through
    its link."""
    by_path: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        by_path.setdefault(record["location"]["path"], []).append(record)
    changes = []
    for outcome in outcomes:
        if not outcome.changed:
            continue
        real = os.path.realpath(outcome.path)
        changes.append(
            Change(
                path=real,
                original=outcome.original,
                data=outcome.data() if outcome.target is not None else None,
                mode=stat.S_IMODE(os.stat(real).st_mode),
                records=tuple(by_path.get(outcome.path, ())),
            )
        )
    return changes


# --------------------------------------------------------------------------- writing


def write(rewrite: Rewrite, target: Target) -> Written:
    """Write the cleaned corpus and its manifest: under ``target.out``, or in place (as a
    transaction that the next run finishes if this one is interrupted).

    Raises:
        DedupError: a file cannot be written; in place, naming the journal to finish from.
    """
    manifest, removals = target.manifest, len(rewrite.records)
    try:
        if target.in_place:
            changes = in_place_changes(rewrite.outcomes, rewrite.records)
            done = commit_in_place(changes, manifest)
            summary = f"{done.written} files rewritten, {done.deleted} deleted"
            skipped = done.skipped
        else:
            summary = f"{write_out(rewrite.outcomes, rewrite.records, manifest)} files written"
            skipped = []
    except (OSError, DedupError) as exc:
        pending = journal_path(manifest.absolute())
        after = (
            f"; the clean is recorded in {pending}: run the same command again to finish it"
            if target.in_place and pending.exists()
            else ""
        )
        raise DedupError(f"cannot write: {exc}{after}") from None
    return Written(f"{summary}, {removals} removals; manifest: {manifest}", skipped)


def finish_interrupted(manifest: Path) -> Written | None:
    """Finish an interrupted in-place clean recorded beside ``manifest``, if there is one
    (None: there is none). What it did is in the manifest, and a new run starts from there.

    Raises:
        DedupError: the journal or a file cannot be read or written.
    """
    journal = journal_path(manifest.absolute())
    try:
        done = resume_in_place(journal)
    except OSError as exc:
        raise DedupError(str(exc)) from None
    if done is None:
        return None
    return Written(
        f"finished an interrupted clean ({journal}): {done.written} files rewritten, "
        f"{done.deleted} deleted, {len(done.records)} removals; manifest: {manifest}; "
        "run again to clean further",
        done.skipped,
    )
