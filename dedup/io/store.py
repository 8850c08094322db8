"""Where an index lives: a few key-value tables, in SQLite (the default) or in Redis.

An index (:mod:`dedup.app.index`) needs little from its storage: named tables of ``key -> bytes``,
reading some keys, listing a table, and applying a batch of writes *atomically*. Values are
bytes that :mod:`dedup.app.index` encodes itself (JSON and raw numeric arrays, never pickle), so
the two backends hold exactly the same index.

- **SQLite** (stdlib): one file, WAL journal (readers never wait for a writer), every batch of
  writes in one transaction, so a process killed in the middle of an update leaves the
  previous index intact. A new index is written to a temporary file beside the target and
  renamed over it.
- **Redis** (the ``redis`` extra): one hash per table under a key prefix; a batch of writes is
  one ``MULTI``/``EXEC`` transaction. A new index is written under a temporary prefix and
  renamed into place in one transaction.

``--index`` takes a path (SQLite) or a ``redis://host:port/db`` URL, optionally with
``?prefix=NAME`` (default ``dedup``).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from dedup.errors import DedupError
from dedup.io.files import fsync_dir

TABLES = {
    "meta": "TEXT",
    "catalog": "TEXT",
    "sources": "TEXT",
    "docs": "INTEGER",
    "postings": "INTEGER",
}
Key = str | int
#: ``{table: {key: value, or None to delete}}``
Changes = Mapping[str, Mapping[Key, bytes | None]]


class IndexError_(DedupError):
    """The index cannot be opened, read or written."""


class Store(Protocol):
    """A set of key-value tables (see :data:`TABLES`)."""

    location: str

    def get(self, table: str, keys: Sequence[Key]) -> dict[Key, bytes]: ...

    def items(self, table: str) -> Iterator[tuple[Key, bytes]]: ...

    def commit(self, changes: Changes) -> None: ...

    def writer(self) -> AbstractContextManager[None]:
        """Held by an update from its first read to its commit, and by a build until it is
        published: one writer at a time, so that two updates do not both add what neither
        saw (readers never wait)."""
        ...

    def verify(self) -> None:
        """A quick integrity check of the stored data (raises :class:`IndexError_`)."""
        ...

    def close(self) -> None: ...


class WriteBatch:
    """Writes gathered for one commit, or for several when ``flush_bytes`` is set (a build,
    whose file nobody sees until it is complete): it commits every ``flush_bytes`` bytes of
    values, to bound its memory."""

    def __init__(self, store: Store, flush_bytes: int | None) -> None:
        self.store, self.flush_bytes = store, flush_bytes
        self.changes: dict[str, dict[Key, bytes | None]] = {}
        self.size = 0

    def put(self, table: str, key: Key, value: bytes | None) -> None:
        self.changes.setdefault(table, {})[key] = value
        self.size += len(value) if value is not None else 16
        if self.flush_bytes is not None and self.size >= self.flush_bytes:
            self.flush()

    def flush(self) -> None:
        if self.changes:
            self.store.commit(self.changes)
        self.changes, self.size = {}, 0


def is_redis(location: str) -> bool:
    return location.startswith(("redis://", "rediss://", "unix://"))


def open_store(location: str, *, create: bool = False, readonly: bool = False) -> Store:
    """Open the index at ``location``. ``create`` starts a new, empty index that replaces
    the old one only when :meth:`Store.close` is called after a successful commit
    (``publish``); ``readonly`` opens an existing one for queries."""
    if is_redis(location):
        return RedisStore(location, create=create)
    return SQLiteStore(Path(location), create=create, readonly=readonly)


# --------------------------------------------------------------------------- SQLite


class SQLiteStore:
    def __init__(self, path: Path, *, create: bool = False, readonly: bool = False) -> None:
        self.location = str(path)
        self.path = path
        self._target: Path | None = None
        try:
            if create:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._target = path
                self.path = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
                self.db = sqlite3.connect(self.path, isolation_level=None)
                # A new index is a private file until it is renamed into place: it needs no
                # journal, and is synced once, before the rename.
                self.db.execute("PRAGMA journal_mode=OFF")
                self.db.execute("PRAGMA synchronous=OFF")
                for table, key_type in TABLES.items():
                    self.db.execute(
                        f"CREATE TABLE {table} (k {key_type} PRIMARY KEY, v BLOB NOT NULL)"
                    )
            else:
                if not path.is_file():
                    raise IndexError_(
                        f"{path}: no index here (build one with: dedup index build PATH...)"
                    )
                uri = f"{path.resolve().as_uri()}?mode={'ro' if readonly else 'rw'}"
                self.db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30)
                self.db.execute("PRAGMA busy_timeout=30000")
                # Look before writing anything: a foreign database stays as it is.
                names = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master")}
                if not set(TABLES) <= names:
                    self.db.close()
                    raise IndexError_(f"{path}: not a dedup index")
                if not readonly:
                    self.db.execute("PRAGMA journal_mode=WAL")
        except sqlite3.DatabaseError as exc:
            raise IndexError_(f"{path}: cannot open the index: {exc}") from None

    def get(self, table: str, keys: Sequence[Key]) -> dict[Key, bytes]:
        out: dict[Key, bytes] = {}
        unique = list(dict.fromkeys(keys))
        try:
            for lo in range(0, len(unique), 500):
                chunk = unique[lo : lo + 500]
                marks = ",".join("?" * len(chunk))
                for k, v in self.db.execute(
                    f"SELECT k, v FROM {table} WHERE k IN ({marks})", chunk
                ):
                    out[k] = bytes(v)
        except sqlite3.DatabaseError as exc:
            raise IndexError_(
                f"{self.location}: cannot read the index: {exc}; "
                "rebuild it with: dedup index build PATH..."
            ) from None
        return out

    def items(self, table: str) -> Iterator[tuple[Key, bytes]]:
        try:
            for k, v in self.db.execute(f"SELECT k, v FROM {table} ORDER BY k"):
                yield k, bytes(v)
        except sqlite3.DatabaseError as exc:
            raise IndexError_(
                f"{self.location}: cannot read the index: {exc}; "
                "rebuild it with: dedup index build PATH..."
            ) from None

    def commit(self, changes: Changes) -> None:
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for table, rows in changes.items():
                    gone = [(k,) for k, v in rows.items() if v is None]
                    kept = [(k, v) for k, v in rows.items() if v is not None]
                    if gone:
                        self.db.executemany(f"DELETE FROM {table} WHERE k = ?", gone)
                    if kept:
                        self.db.executemany(
                            f"INSERT OR REPLACE INTO {table} (k, v) VALUES (?, ?)", kept
                        )
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise IndexError_(f"{self.location}: cannot write the index: {exc}") from None

    def verify(self) -> None:
        try:
            rows = self.db.execute("PRAGMA quick_check").fetchall()
        except sqlite3.DatabaseError as exc:
            rows = [(str(exc),)]
        if rows != [("ok",)]:
            problem = "; ".join(str(r[0]) for r in rows[:3])
            raise IndexError_(
                f"{self.location}: the index is damaged ({problem}); "
                "rebuild it with: dedup index build PATH..."
            )

    @contextmanager
    def writer(self) -> Iterator[None]:
        with open(f"{self._target or self.path}.lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def close(self, publish: bool = True) -> None:
        if self._target is not None:
            if publish:
                self.db.execute("PRAGMA journal_mode=WAL")  # for the updates to come
            self.db.close()
            for suffix in ("-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            if publish:
                with open(self.path, "rb+") as handle:
                    os.fsync(handle.fileno())
                # The old index's journal (an update killed after its commit leaves one)
                # must not be read as the new file's: it goes first. The build holds the
                # writer lock, so no update is writing it.
                for suffix in ("-wal", "-shm"):
                    Path(f"{self._target}{suffix}").unlink(missing_ok=True)
                os.replace(self.path, self._target)
                fsync_dir(self._target.parent)
            else:
                self.path.unlink(missing_ok=True)
            self._target = None
        else:
            self.db.close()


# --------------------------------------------------------------------------- Redis


class RedisStore:
    def __init__(self, location: str, *, create: bool = False) -> None:
        try:
            import redis
        except ImportError:
            raise IndexError_(
                f"{location}: a Redis index needs the redis extra (pip install 'dedup[redis]')"
            ) from None
        parts = urlsplit(location)
        query = parse_qs(parts.query)
        prefix = query.get("prefix", ["dedup"])[0]
        url = parts._replace(query="").geturl()
        self.location = location
        self.prefix = prefix
        self._final: str | None = None
        try:
            self.db: Any = redis.Redis.from_url(url)
            self.db.ping()
        except redis.RedisError as exc:
            raise IndexError_(f"{location}: cannot reach Redis: {exc}") from None
        if create:
            self._final = prefix
            self.prefix = f"{prefix}.tmp.{uuid.uuid4().hex[:8]}"
        elif not self.db.exists(self._key("meta")):
            raise IndexError_(
                f"{location}: no index under prefix {prefix!r} (build one with: dedup index build)"
            )

    def _key(self, table: str, prefix: str | None = None) -> str:
        return f"{prefix or self.prefix}:{table}"

    @staticmethod
    def _decode(table: str, k: bytes) -> Key:
        return int(k) if TABLES[table] == "INTEGER" else k.decode("utf-8")

    def get(self, table: str, keys: Sequence[Key]) -> dict[Key, bytes]:
        unique = list(dict.fromkeys(keys))
        if not unique:
            return {}
        values = self.db.hmget(self._key(table), [str(k) for k in unique])
        return {k: v for k, v in zip(unique, values, strict=True) if v is not None}

    def items(self, table: str) -> Iterator[tuple[Key, bytes]]:
        rows = [(self._decode(table, k), v) for k, v in self.db.hscan_iter(self._key(table))]
        yield from sorted(rows, key=lambda kv: kv[0])

    def commit(self, changes: Changes) -> None:
        pipe = self.db.pipeline(transaction=True)
        for table, rows in changes.items():
            gone = [str(k) for k, v in rows.items() if v is None]
            kept = {str(k): v for k, v in rows.items() if v is not None}
            if gone:
                pipe.hdel(self._key(table), *gone)
            if kept:
                pipe.hset(self._key(table), mapping=kept)
        pipe.execute()

    def verify(self) -> None:
        """Redis keeps its own data sound; decoding errors are caught where values are read."""

    @contextmanager
    def writer(self) -> Iterator[None]:
        lock = self.db.lock(
            f"{self._final or self.prefix}:writer", timeout=3600, blocking_timeout=600
        )
        if not lock.acquire():
            raise IndexError_(f"{self.location}: another update holds the index")
        try:
            yield
        finally:
            lock.release()

    def close(self, publish: bool = True) -> None:
        if self._final is not None:
            if publish:  # the old index is replaced by the new one in one transaction
                pipe = self.db.pipeline(transaction=True)
                for table in TABLES:
                    tmp, final = self._key(table), self._key(table, self._final)
                    pipe.delete(final)
                    if self.db.exists(tmp):
                        pipe.rename(tmp, final)
                pipe.execute()
            else:  # the old index stays; the temporary keys go
                self.db.delete(*(self._key(table) for table in TABLES))
            self.prefix, self._final = self._final, None
        self.db.close()
