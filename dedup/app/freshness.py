"""Whether an index still describes its corpus.

An index remembers the paths it was built from (its *roots*) and, for every file it read,
the file's size and modification time when it read it (its *stamp*). A file under the roots
that the index does not know, one whose stamp changed, and an indexed one that is gone make
the index *stale*: a check against it would miss copies of the first kind and report
copies of files that are no longer there. :func:`staleness` finds them with one walk of the
roots and a ``stat`` per file, reading no file; ``dedup check`` names them, and with
``--update-index`` updates the index with them first (see :mod:`dedup.cli`).
"""

from __future__ import annotations

import hashlib
import json
import os
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from dedup.config import LoadConfig
from dedup.io import inputs

#: A file as the index read it: its size and modification time (ns).
Stamp = tuple[int, int]

#: The stale files a message names before it says "and N more".
NAMED = 3


def stamp_files(files: Iterable[str]) -> dict[str, Stamp]:
    """The stamp of each of ``files`` (normalized paths) that can be read (``-`` and files
    that cannot be stat'ed have none)."""
    out: dict[str, Stamp] = {}
    for path in files:
        if path == inputs.STDIN:
            continue
        try:
            st = os.stat(path)
        except OSError:
            continue
        out[os.path.normpath(path)] = (st.st_size, st.st_mtime_ns)
    return out


def encode_stamps(stamps: Mapping[str, Stamp]) -> bytes:
    """Stamps as stored: JSON (ASCII, so a file name with undecodable bytes round-trips),
    compressed."""
    value = {path: list(stamp) for path, stamp in sorted(stamps.items())}
    return zlib.compress(json.dumps(value, sort_keys=True).encode("ascii"), 1)


def decode_stamps(blob: bytes | None) -> dict[str, Stamp]:
    if blob is None:
        return {}
    value = json.loads(zlib.decompress(blob))
    return {str(path): (int(size), int(mtime)) for path, (size, mtime) in value.items()}


@dataclass(frozen=True, slots=True)
class Staleness:
    """The files under an index's roots that it does not describe as they are."""

    added: tuple[str, ...]  # not in the index
    changed: tuple[str, ...]  # in it, read before their last change
    gone: tuple[str, ...]  # in it, no longer there

    @property
    def present(self) -> list[str]:
        """The stale files that exist: what an update reads."""
        return sorted(self.added + self.changed)

    def __len__(self) -> int:
        return len(self.added) + len(self.changed) + len(self.gone)

    def message(self, roots: Sequence[str]) -> str:
        """One line: how many files, a few of them, and the two ways to bring it up to date."""
        names = sorted(self.added + self.changed + self.gone)
        shown = ", ".join(names[:NAMED]) + (
            f" and {len(names) - NAMED} more" if len(names) > NAMED else ""
        )
        files = "file" if len(self) == 1 else "files"
        return (
            f"stale: {len(self)} {files} changed since it was updated ({shown}); "
            f"run dedup index update {' '.join(roots)}, or check with --update-index"
        )


def staleness(
    roots: Sequence[str],
    recorded: Mapping[str, Stamp],
    config: LoadConfig,
    checked: Iterable[str] = (),
) -> Staleness | None:
    """The files under ``roots`` that ``recorded`` (the index's stamps) does not describe as
    they are (the files a scan of ``roots`` with ``config`` reads: its excludes apply), leaving
    out ``checked`` (the files being checked are new, not stale). None
    when it cannot tell: an index without roots, or none of them here (a check run from
    another directory than the build: every file would look gone)."""
    here = [root for root in roots if os.path.lexists(root)]
    if not here:
        return None
    files, _ = inputs.expand_paths(here, config=config)  # a root gone: its files are gone
    current = stamp_files(files)
    skip = {os.path.normpath(path) for path in checked}
    added = sorted(p for p in current if p not in recorded and p not in skip)
    changed = sorted(
        p for p, s in current.items() if p in recorded and recorded[p] != s and p not in skip
    )
    gone = sorted(p for p in recorded if p not in current and not os.path.exists(p))
    return Staleness(tuple(added), tuple(changed), tuple(gone))


def renamed(files: Iterable[str], catalog: Iterable[str], gone: Iterable[str]) -> set[str]:
    """The ``files`` that are renames: a file (not JSON Lines) whose content the index holds
    under another path, one of the ``gone`` ones (``catalog``: the index's catalog keys,
    ``path\\0sha256\\0n``). A rename brings no new text: it is no finding."""
    gone_paths = set(gone)
    if not gone_paths:
        return set()
    old: dict[str, str] = {}
    for key in catalog:
        path, sha, _ = key.split("\0", 2)
        if path in gone_paths and not path.lower().endswith(inputs.JSONL_SUFFIXES):
            old[sha] = path
    out = set()
    for path in files:
        if path == inputs.STDIN or path.lower().endswith(inputs.JSONL_SUFFIXES):
            continue
        try:
            with open(path, "rb") as handle:
                sha = hashlib.sha256(handle.read()).hexdigest()
        except OSError:
            continue
        if old.get(sha, os.path.normpath(path)) != os.path.normpath(path):
            out.add(path)
    return out
