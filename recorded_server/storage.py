"""SQLite storage with durable group commit.

One writer thread owns the write connection. Requests hand it jobs through a queue; it runs every
job that is waiting in one transaction (each job in its own SAVEPOINT, so a failing job undoes only
itself), commits once — one fsync for many requests — and only then resolves the requests'
futures. So a 2xx is sent only after its write is on disk (WAL, ``synchronous=FULL``: it survives
``kill -9``), read-modify-write jobs never interleave (no lost update), and uniqueness is enforced
by the table's UNIQUE constraints, not by a check-then-insert.

Reads of a file database run on their own connection, on the event loop thread (a primary-key
lookup takes microseconds; WAL readers never wait for the writer). An in-memory database has a
single connection, so its reads go through the writer too.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from recorded_server import errors
from recorded_server.headers import CUSTOMER_USER_ID, PROFILE_ID
from recorded_server.records import ProfileRecord

log = logging.getLogger("recorded_server.storage")

T = TypeVar("T")
Column = Literal["profile_id", "customer_user_id"]

SCHEMA_VERSION = 1
MAX_BATCH = 512
"""Most jobs committed in one transaction."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS profiles (
    profile_id TEXT PRIMARY KEY NOT NULL,
    customer_user_id TEXT UNIQUE,
    document TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
)
"""
_COLUMNS = "profile_id, customer_user_id, document"


class StorageFailure(Exception):
    """The database could not run or commit a job (disk full, locked by another process...)."""


class StorageClosed(StorageFailure):
    """The storage was closed."""


@dataclass(frozen=True, slots=True)
class Lookup:
    """How a request names a profile: by ``profile_id`` or by ``customer_user_id``."""

    column: Column
    value: str


class _Job:
    __slots__ = ("fn", "future", "loop")

    def __init__(
        self,
        fn: Callable[[sqlite3.Connection], Any],
        future: asyncio.Future[Any] | concurrent.futures.Future[Any],
        loop: asyncio.AbstractEventLoop | None,
    ) -> None:
        self.fn = fn
        self.future = future
        self.loop = loop


_Outcome = tuple[_Job, Any, BaseException | None]


def _connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10.0)
    conn.execute("PRAGMA busy_timeout = 10000")
    return conn


class Storage:
    """The profile store; open it with :meth:`open`, close it with :meth:`close`."""

    def __init__(self, path: str, writer: sqlite3.Connection, reader: sqlite3.Connection | None):
        self.path = path
        self.journal_mode = "memory"
        self._writer = writer
        self._reader = reader
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._closed = False
        self._thread = threading.Thread(
            target=self._run, name="recorded-server-writer", daemon=True
        )

    # --- lifecycle ---------------------------------------------------------------------------

    @classmethod
    def open(cls, db: str) -> Storage:
        """Open (creating if needed) the database at ``db``, or an in-memory one for
        ``":memory:"``. Raises :class:`StorageFailure` with a readable reason."""
        try:
            if db == ":memory:":
                storage = cls(db, _connect(db), None)
            else:
                path = Path(db).expanduser()
                path.parent.mkdir(parents=True, exist_ok=True)
                writer = _connect(str(path))
                mode = writer.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                writer.execute("PRAGMA synchronous = FULL")
                storage = cls(str(path.resolve()), writer, None)
                storage.journal_mode = str(mode).lower()
                if storage.journal_mode != "wal":
                    log.warning(
                        "SQLite refused WAL mode on %s (journal_mode=%s); writes stay durable "
                        "(synchronous=FULL) but reads wait for writes",
                        path,
                        mode,
                    )
            storage._create_schema()
            if storage.path != ":memory:":
                reader = _connect(storage.path)
                reader.execute("PRAGMA query_only = 1")
                storage._reader = reader
        except (sqlite3.Error, OSError) as exc:
            raise StorageFailure(f"cannot open the database {db!r}: {exc}") from exc
        storage._thread.start()
        return storage

    def _create_schema(self) -> None:
        conn = self._writer
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise sqlite3.DatabaseError(
                f"schema version {version} is newer than this recorded-server "
                f"understands ({SCHEMA_VERSION})"
            )
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(_SCHEMA)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        """Finish the queued jobs, checkpoint the WAL into the database file, and close."""
        if self._closed:
            return
        self._closed = True
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if self.journal_mode == "wal":
            try:
                self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as exc:  # pragma: no cover - best effort
                log.warning("WAL checkpoint on close failed: %s", exc)
        if self._reader is not None:
            self._reader.close()
        self._writer.close()

    @property
    def closed(self) -> bool:
        return self._closed

    # --- running jobs ------------------------------------------------------------------------

    async def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn`` in the writer, inside a transaction; return once it is committed."""
        if self._closed:
            raise StorageClosed("the storage is closed")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._queue.put(_Job(fn, future, loop))
        return await future

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn`` on the read connection (a file database) or in the writer (memory)."""
        if self._closed:
            raise StorageClosed("the storage is closed")
        if self._reader is None:
            return await self.write(fn)
        try:
            return fn(self._reader)
        except sqlite3.Error as exc:
            raise StorageFailure(str(exc)) from exc

    def write_blocking(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """:meth:`write` for code outside an event loop (startup, tests)."""
        if self._closed:
            raise StorageClosed("the storage is closed")
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        self._queue.put(_Job(fn, future, None))
        return future.result()

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            batch = [job]
            stop = False
            while len(batch) < MAX_BATCH:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                batch.append(more)
            self._deliver(self._execute(batch))
            if stop:
                return

    def _execute(self, batch: list[_Job]) -> list[_Outcome]:
        conn = self._writer
        outcomes: list[_Outcome] = []
        try:
            conn.execute("BEGIN IMMEDIATE")
            for job in batch:
                conn.execute("SAVEPOINT job")
                try:
                    result = job.fn(conn)
                except Exception as exc:
                    conn.execute("ROLLBACK TO job")
                    conn.execute("RELEASE job")
                    if isinstance(exc, sqlite3.Error):
                        exc = StorageFailure(str(exc))
                    outcomes.append((job, None, exc))
                else:
                    conn.execute("RELEASE job")
                    outcomes.append((job, result, None))
            conn.execute("COMMIT")
        except BaseException as exc:
            log.error("a storage transaction failed and was rolled back: %s", exc)
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            failure = StorageFailure(f"transaction failed: {exc}")
            return [(job, None, failure) for job in batch]
        return outcomes

    @staticmethod
    def _deliver(outcomes: list[_Outcome]) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, list[_Outcome]] = {}
        for outcome in outcomes:
            job = outcome[0]
            if job.loop is None:
                future = job.future
                if outcome[2] is not None:
                    future.set_exception(outcome[2])
                else:
                    future.set_result(outcome[1])
            else:
                by_loop.setdefault(job.loop, []).append(outcome)
        for loop, items in by_loop.items():
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits any more
                loop.call_soon_threadsafe(_resolve, items)

    # --- profile operations --------------------------------------------------------------------

    async def insert(self, record: ProfileRecord) -> None:
        """Store a new profile; 409 when its profile_id or customer_user_id is taken."""
        row = (record.profile_id, record.customer_user_id, record.document())
        await self.write(lambda conn: _insert(conn, row))

    async def get(self, lookup: Lookup) -> ProfileRecord | None:
        return await self.read(lambda conn: _select(conn, lookup))

    async def update(
        self, lookup: Lookup, change: Callable[[ProfileRecord], ProfileRecord]
    ) -> ProfileRecord:
        """Read, change and write one profile atomically; 404 when it does not exist.

        ``change`` runs in the writer thread and may raise an :class:`~errors.ApiError`, in which
        case nothing is written.
        """
        return await self.write(lambda conn: _update(conn, lookup, change))

    async def delete(self, lookup: Lookup) -> bool:
        """Delete one profile; False when it did not exist."""
        return await self.write(lambda conn: _delete(conn, lookup))

    async def all(self) -> list[ProfileRecord]:
        return await self.read(_select_all)

    async def clear(self) -> None:
        await self.write(_delete_all)

    async def put_many(self, records: Iterable[ProfileRecord]) -> int:
        """Insert or replace profiles by profile_id, all or nothing (409 when a customer_user_id
        belongs to another profile)."""
        rows = [(r.profile_id, r.customer_user_id, r.document()) for r in records]
        return await self.write(lambda conn: _put_many(conn, rows))

    def put_many_blocking(self, records: Iterable[ProfileRecord]) -> int:
        rows = [(r.profile_id, r.customer_user_id, r.document()) for r in records]
        return self.write_blocking(lambda conn: _put_many(conn, rows))


def _resolve(items: list[_Outcome]) -> None:
    for job, result, exc in items:
        future = job.future
        if future.done():
            continue
        if exc is not None:
            future.set_exception(exc)
        else:
            future.set_result(result)


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _conflict_source(exc: sqlite3.IntegrityError) -> str:
    return CUSTOMER_USER_ID if "customer_user_id" in str(exc) else PROFILE_ID


def _insert(conn: sqlite3.Connection, row: tuple[str, str | None, str]) -> None:
    now = _now_ms()
    try:
        conn.execute(
            f"INSERT INTO profiles ({_COLUMNS}, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?)",
            (*row, now, now),
        )
    except sqlite3.IntegrityError as exc:
        raise errors.already_exists(_conflict_source(exc)) from None


def _select(conn: sqlite3.Connection, lookup: Lookup) -> ProfileRecord | None:
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM profiles WHERE {lookup.column} = ?", (lookup.value,)
    ).fetchall()
    if not rows:
        return None
    profile_id, customer_user_id, document = rows[0]
    return ProfileRecord.from_document(profile_id, customer_user_id, document)


def _select_all(conn: sqlite3.Connection) -> list[ProfileRecord]:
    rows = conn.execute(f"SELECT {_COLUMNS} FROM profiles ORDER BY rowid").fetchall()
    return [ProfileRecord.from_document(*row) for row in rows]


def _update(
    conn: sqlite3.Connection, lookup: Lookup, change: Callable[[ProfileRecord], ProfileRecord]
) -> ProfileRecord:
    record = _select(conn, lookup)
    if record is None:
        raise errors.not_found()
    result = change(record)
    conn.execute(
        "UPDATE profiles SET document = ?, updated_ms = ? WHERE profile_id = ?",
        (result.document(), _now_ms(), record.profile_id),
    )
    return result


def _delete(conn: sqlite3.Connection, lookup: Lookup) -> bool:
    cursor = conn.execute(f"DELETE FROM profiles WHERE {lookup.column} = ?", (lookup.value,))
    return cursor.rowcount > 0


def _delete_all(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM profiles")


def _put_many(conn: sqlite3.Connection, rows: list[tuple[str, str | None, str]]) -> int:
    now = _now_ms()
    for row in rows:
        conn.execute("DELETE FROM profiles WHERE profile_id = ?", (row[0],))
        try:
            conn.execute(
                f"INSERT INTO profiles ({_COLUMNS}, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?)",
                (*row, now, now),
            )
        except sqlite3.IntegrityError as exc:
            raise errors.already_exists(_conflict_source(exc)) from None
    return len(rows)
