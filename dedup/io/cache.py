"""A small on-disk cache of JSON values that cost more to compute than to read (the compiled
built-in patterns, which ``dedup check`` would otherwise compile on every run).

Entries live in ``$DEDUP_CACHE_DIR``, else ``$XDG_CACHE_HOME/dedup``, else
``~/.cache/dedup``, one file per name. Each holds the key it was computed for (a digest of
everything the value depends on); a file whose key differs, or that does not parse, is a
miss, and is replaced. The cache is an optimisation only: a folder that cannot be written
costs the time it would have saved, never an error. JSON, never pickle: reading it runs no
code.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from dedup.io.files import write_atomic

#: The environment variable that moves the cache (``""`` turns it off).
CACHE_ENV = "DEDUP_CACHE_DIR"


def cache_dir() -> Path | None:
    """The cache folder, or None when ``$DEDUP_CACHE_DIR`` is set empty (no cache)."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return Path(chosen) if chosen else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "dedup"


def read_cached(name: str, key: str) -> Any | None:
    """The value stored under ``name`` for ``key``, or None (absent, stale or unreadable)."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        stored = json.loads((folder / f"{name}.json").read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("key") != key:
        return None
    return stored.get("value")


def write_cached(name: str, key: str, value: Any) -> None:
    """Store ``value`` (JSON-serializable) under ``name`` for ``key``, atomically; a folder
    that cannot be written is ignored."""
    folder = cache_dir()
    if folder is None:
        return
    data = json.dumps({"key": key, "value": value}, ensure_ascii=False).encode("utf-8")
    try:
        write_atomic(folder / f"{name}.json", data)
    except OSError:
        return
