"""Durable writes, and the journal that makes ``dedup clean --in-place`` recoverable.

Every file dedup writes (a cleaned article, a manifest, a baseline) goes through
:func:`write_atomic`: a temporary file in the target's folder, written, ``fsync``-ed, given
the mode the file should have, renamed over the target, and the folder ``fsync``-ed, so that
after a crash or a power loss the target is either the old file or the new one, whole.

Rewriting a corpus in place changes many files, and no rename covers them all. The
in-place clean is therefore a small transaction (:func:`commit_in_place`), kept in a
*journal* beside the manifest (``MANIFEST.pending``):

1. the journal says ``staging`` and lists the staged files it is about to write;
2. every new text is written beside its file as ``.NAME.dedup-staged`` and synced;
3. the journal says ``committing``: for every file, the SHA-256 of the bytes the scan read,
   the staged file (or a deletion), and the manifest records of its removals;
4. the staged files are renamed over the inputs (deleted articles are unlinked);
5. the manifest is written, then the journal is removed.

A crash before 3 leaves every input as it was (and staged files that the next run removes);
after 3, the next ``dedup clean --in-place`` with the same manifest finishes the commit
(:func:`resume_in_place`): a file still as the scan read it gets its staged text, a file
already rewritten is left, and a file changed by someone since is left alone with a warning.
Each input is therefore either untouched or fully cleaned, and the manifest (or, until it is
written, the journal) records every removal made.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dedup.errors import DedupError

JOURNAL_VERSION = 1
STAGED_SUFFIX = ".dedup-staged"


def fsync_dir(folder: Path) -> None:
    """Make a rename or an unlink in ``folder`` durable."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # pragma: no cover - a platform without directory descriptors
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse to sync a folder
        pass
    finally:
        os.close(fd)


def write_file(path: Path, data: bytes, mode: int | None = None) -> None:
    """Create ``path`` (it must not exist) with ``data``, synced to disk. A new file gets the
    mode ``open`` would give it (0666 less the umask), or ``mode``."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            if mode is not None:
                os.fchmod(stream.fileno(), mode)
            os.fsync(stream.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def write_atomic(target: Path, data: bytes, mode: int | None = None) -> None:
    """Replace ``target`` by ``data`` atomically and durably (see the module docstring)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    write_file(temp, data, mode)
    try:
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _current(path: str) -> str | None:
    """SHA-256 of a file's bytes now, None if it is gone."""
    try:
        return sha256(Path(path).read_bytes())
    except FileNotFoundError:
        return None


@dataclass(frozen=True, slots=True)
class Change:
    """One input to rewrite (``data``) or delete (``data`` None), in place.

    ``path`` is the file itself (symlinks resolved: a symlinked input is written through);
    ``original`` the bytes the scan read; ``records`` the manifest records of its removals.
    """

    path: str
    original: bytes
    data: bytes | None
    mode: int
    records: tuple[dict[str, Any], ...]

    @property
    def staged(self) -> str:
        head, name = os.path.split(self.path)
        return os.path.join(head, f".{name}{STAGED_SUFFIX}")


@dataclass
class CommitResult:
    """What an in-place commit (or the end of an interrupted one) did."""

    written: int = 0
    deleted: int = 0
    records: list[dict[str, Any]] = field(default_factory=list)
    #: Files left alone: they changed after the scan read them.
    skipped: list[str] = field(default_factory=list)


class JournalError(DedupError):
    """A journal of an interrupted clean that cannot be read."""


def journal_path(manifest: Path) -> Path:
    return manifest.with_name(manifest.name + ".pending")


def _write_journal(path: Path, state: dict[str, Any]) -> None:
    write_atomic(path, json.dumps({"version": JOURNAL_VERSION, **state}).encode("utf-8"))


def commit_in_place(changes: Sequence[Change], manifest: Path) -> CommitResult:
    """Stage every change, record the transaction in the journal, then apply it and write
    the manifest (see the module docstring)."""
    manifest = manifest.absolute()
    journal = journal_path(manifest)
    if journal.exists():
        raise JournalError(f"{journal}: an interrupted clean is pending; run again to finish it")
    staged = [c.staged for c in changes if c.data is not None]
    _write_journal(journal, {"state": "staging", "staged": staged})
    try:
        for change in changes:
            if change.data is not None:
                Path(change.staged).unlink(missing_ok=True)  # a stray one of a crashed run
                write_file(Path(change.staged), change.data, change.mode)
    except BaseException:
        for name in staged:
            Path(name).unlink(missing_ok=True)
        journal.unlink(missing_ok=True)
        raise
    entries = [
        {
            "path": c.path,
            "original_sha256": sha256(c.original),
            "staged": c.staged if c.data is not None else None,
            "new_sha256": sha256(c.data) if c.data is not None else None,
            "records": list(c.records),
        }
        for c in changes
    ]
    _write_journal(journal, {"state": "committing", "manifest": str(manifest), "files": entries})
    return _finish(journal, manifest, entries)


def resume_in_place(journal: Path) -> CommitResult | None:
    """Finish the clean that ``journal`` records, if it is there (see the module docstring).

    Returns None when there is no journal.
    """
    try:
        state = json.loads(journal.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise JournalError(
            f"{journal}: cannot read the journal of an interrupted clean: {exc}"
        ) from None
    if not isinstance(state, dict) or state.get("version") != JOURNAL_VERSION:
        raise JournalError(f"{journal}: not a journal of this version of dedup clean")
    if state.get("state") == "staging":  # nothing was changed yet: undo the staging
        for name in state.get("staged", []):
            Path(name).unlink(missing_ok=True)
        journal.unlink()
        fsync_dir(journal.parent)
        return CommitResult()
    return _finish(journal, Path(state["manifest"]), state["files"])


def _finish(journal: Path, manifest: Path, entries: Sequence[dict[str, Any]]) -> CommitResult:
    """Apply each entry whose file is still as the scan read it; write the manifest of what
    was done; remove the journal."""
    result = CommitResult()
    folders: set[str] = set()
    for entry in entries:
        path, staged = entry["path"], entry["staged"]
        now = _current(path)
        if staged is None:  # a deletion
            if now == entry["original_sha256"]:
                os.unlink(path)
                folders.add(os.path.dirname(path))
            elif now is not None:
                result.skipped.append(path)
                continue
            result.deleted += 1
        else:
            if now == entry["original_sha256"] and os.path.exists(staged):
                os.replace(staged, path)
                folders.add(os.path.dirname(path))
            elif now != entry["new_sha256"]:
                Path(staged).unlink(missing_ok=True)
                result.skipped.append(path)
                continue
            Path(staged).unlink(missing_ok=True)
            result.written += 1
        result.records.extend(entry["records"])
    for folder in sorted(folders):
        fsync_dir(Path(folder or "."))
    write_atomic(manifest, manifest_bytes(result.records))
    journal.unlink()
    fsync_dir(journal.parent)
    return result


def manifest_bytes(records: Sequence[dict[str, Any]]) -> bytes:
    """The manifest: one JSON record a line. Lone surrogates (undecodable bytes of an input)
    are written as ``\\udcXX`` escapes, which a JSON reader reads back as the same text."""
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    return text.encode("utf-8", "backslashreplace")
