"""SQLite storage with durable group commit.

Writes are jobs: a function of the write connection. The jobs that are waiting when a batch starts
all run in one transaction (each in its own SAVEPOINT, so a failing job undoes only itself; a
job of one statement needs none, since SQLite undoes a failing statement by itself); then
one COMMIT makes them durable together — one fsync for many requests — and only after it returns
are the requests' futures resolved. So a 2xx is sent only once its write is on disk (WAL,
``synchronous=FULL``: it survives ``kill -9``); jobs never interleave, so a read-modify-write never
loses an update; and uniqueness comes from the table's UNIQUE constraints, not from a
check-then-insert.

Where the work runs: a job's statements take microseconds (the pages are in memory), so they run
on the event loop thread, in a batch; only the COMMIT, which waits for the disk, runs on a
dedicated committer thread, and the next batch starts when it returns. Handing the GIL back and
forth for every statement (a writer thread doing everything) stalls both threads under load; one
hand-off per batch does not. Reads of a file database use their own connection (WAL readers never
wait for the writer). An in-memory database commits in place and is read through its one
connection.

A storage serves one event loop at a time (the server's); :meth:`write_blocking` is for code that
runs outside any request (startup, tests).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import sqlite3
import time
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from recorded_server.emulator.records import ProfileRecord
from recorded_server.emulator.storage.diagnostics import describe, foreign_tables_problem
from recorded_server.emulator.storage.wal_index import WalIndexHeader

log = logging.getLogger("recorded_server.storage")

T = TypeVar("T")
Column = Literal["profile_id", "customer_user_id"]

SCHEMA_VERSION = 1
MAX_BATCH = 512
"""Most jobs committed in one transaction."""
CHECKPOINT_INTERVAL = 0.5
"""Seconds between two background checkpoints of a file database, at most (none while idle)."""
WAL_RESET_FRAMES = 16_384
"""WAL frames (pages: 64 MiB at SQLite's default 4 KiB) past which the WAL is started afresh.
Under steady writes a passive checkpoint never finds the WAL fully copied, and SQLite only
starts a WAL over from its first frame then: it grew by about 5 KB a create without end (1.1 GB
after 25 s of creates at 64 connections), and reads and writes slowed as it grew."""
READ_CACHE_SIZE = 4096
"""Most profiles :meth:`Storage.get` keeps (all are dropped when it is full, and on any change)."""
PARSED_DOCUMENTS_SIZE = 1024
"""Most parsed documents :class:`_ParsedDocuments` remembers (all are forgotten when it is full):
enough for the profiles a test works on, a few MB at most beside the kept reads."""
OPEN_BUSY_TIMEOUT_MS = 10_000
"""How long opening waits for another process's lock on the database file."""
WRITE_BUSY_TIMEOUT_MS = 200
"""How long a batch waits for another process's write lock (a batch runs on the event loop, so
this stays short; one server per database file is the supported setup)."""

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
_STATE_SCHEMA = """
CREATE TABLE IF NOT EXISTS app_state (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
)
"""
"""The app's own state beside its profiles (the catalogue, the clock): one JSON text per key.
Created in any database of ours, new or not (a file from before it simply gains the table)."""


class StorageFailure(Exception):
    """The database could not run or commit a job (disk full, locked by another process...)."""


class StorageClosed(StorageFailure):
    """The storage was closed."""


class NotFound(Exception):
    """No profile matches the lookup."""


class Conflict(Exception):
    """Another profile already holds this ``profile_id`` or ``customer_user_id``."""

    def __init__(self, column: Column) -> None:
        super().__init__(f"another profile already has this {column}")
        self.column: Column = column


@dataclass(frozen=True, slots=True)
class Lookup:
    """How a request names a profile: by ``profile_id`` or by ``customer_user_id``."""

    column: Column
    value: str


class _Job:
    __slots__ = ("fn", "future", "one_statement")

    def __init__(
        self,
        fn: Callable[[sqlite3.Connection], Any],
        future: asyncio.Future[Any],
        one_statement: bool = False,
    ):
        self.fn = fn
        self.future = future
        self.one_statement = one_statement
        """The job runs a single statement: a failing statement undoes only itself in SQLite,
        so the job needs no SAVEPOINT of its own."""


_Outcome = tuple[_Job, Any, BaseException | None]


def _connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10.0)
    conn.execute(f"PRAGMA busy_timeout = {OPEN_BUSY_TIMEOUT_MS}")
    return conn


class _ParsedDocuments:
    """:meth:`ProfileRecord.from_document`, remembered: the record last read from or written as
    each profile's stored row (its ``customer_user_id`` and document text). A row read back
    with exactly that text is that record again, without parsing its JSON (a PATCH reads the
    row the one before it wrote; a read after an update reads what the update stored). A record
    is never changed once made (writes make new ones), so handing the same one out again is
    safe; a text that differs by one byte is parsed afresh. Creates are not remembered (most
    are not read back at once, and thousands of records kept alive cost every create more
    than a first read's parse saves). Used on the event loop only."""

    __slots__ = ("_by_id",)

    def __init__(self) -> None:
        self._by_id: dict[str, tuple[str | None, str, ProfileRecord]] = {}

    def record(self, profile_id: str, customer_user_id: str | None, document: str) -> ProfileRecord:
        known = self._by_id.get(profile_id)
        if known is not None and known[1] == document and known[0] == customer_user_id:
            return known[2]
        record = ProfileRecord.from_document(profile_id, customer_user_id, document)
        self.remember(record, document)
        return record

    def remember(self, record: ProfileRecord, document: str) -> None:
        """``record`` is what ``document`` (its stored text) parses to."""
        if len(self._by_id) >= PARSED_DOCUMENTS_SIZE:
            self._by_id.clear()
        self._by_id[record.profile_id] = (record.customer_user_id, document, record)


class Storage:
    """The profile store; open it with :meth:`open`, close it with :meth:`close`."""

    def __init__(self, path: str, writer: sqlite3.Connection, reader: sqlite3.Connection | None):
        self.path = path
        self.journal_mode = "memory"
        self._writer = writer
        self._reader = reader
        self._closed = False
        self._pending: list[_Job] = []
        self._busy = False
        """A batch is scheduled, running or committing; new jobs wait for the next one."""
        self._kept: dict[Lookup, ProfileRecord] = {}
        """:meth:`get`'s records, valid while the database is at ``_kept_version``."""
        self._kept_version: object = -1
        self._wal_header: WalIndexHeader | None = None
        """Where a file database in WAL mode says it changed (see :mod:`.wal_index`)."""
        self._parsed = _ParsedDocuments()
        self._writes = 0
        """Write transactions begun (the in-memory database's version)."""
        self._committer: concurrent.futures.ThreadPoolExecutor | None = None
        self._checkpointer: concurrent.futures.ThreadPoolExecutor | None = None
        self._checkpoint_conn: sqlite3.Connection | None = None
        self._checkpoint_due = 0.0
        """``time.monotonic()`` after which a commit starts the next background checkpoint."""
        self._checkpointing = False
        self._wal_reset_due = False
        """Set by a background checkpoint that found the WAL past :data:`WAL_RESET_FRAMES`: the
        commit thread then copies the rest itself after its next COMMIT (see
        :meth:`_catch_up_wal`)."""
        if path != ":memory:":
            self._committer = concurrent.futures.ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="recorded-server-commit"
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
                try:
                    _existing_tables(writer, str(path))  # before WAL mode rewrites the header
                except BaseException:
                    writer.close()
                    raise
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
            if storage.journal_mode == "wal":
                storage._checkpoint_in_background()
                storage._map_wal_header()
            storage._writer.execute(f"PRAGMA busy_timeout = {WRITE_BUSY_TIMEOUT_MS}")
        except StorageFailure:
            raise
        except (sqlite3.Error, OSError) as exc:
            raise StorageFailure(f"cannot open the {describe(exc, db)}") from exc
        return storage

    def _checkpoint_in_background(self) -> None:
        """Turn off the writer's automatic checkpoints; :meth:`_commit_or_fail` starts passive
        ones on a thread and a connection of their own instead."""
        self._writer.execute("PRAGMA wal_autocheckpoint = 0")
        # When the WAL starts over, its file is cut back to this size (else it keeps its largest).
        self._writer.execute(f"PRAGMA journal_size_limit = {WAL_RESET_FRAMES * 4096}")
        self._checkpoint_conn = _connect(self.path)
        self._checkpointer = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="recorded-server-checkpoint"
        )

    def _map_wal_header(self) -> None:
        """Watch the wal-index header instead of asking ``PRAGMA data_version`` (a kept read
        then costs no system call); where it cannot be mapped, the pragma it is."""
        try:
            self._wal_header = WalIndexHeader(self.path)
        except (OSError, ValueError) as exc:
            log.debug("no wal-index header to watch (%s); kept reads ask data_version", exc)

    def _maybe_checkpoint(self) -> None:
        """After a commit: start a passive checkpoint unless one runs or one ran lately."""
        if self._checkpointer is None or self._checkpointing or self._closed:
            return
        now = time.monotonic()
        if now < self._checkpoint_due:
            return
        self._checkpoint_due = now + CHECKPOINT_INTERVAL
        self._checkpointing = True
        try:
            self._checkpointer.submit(self._checkpoint)
        except RuntimeError:  # pragma: no cover - shut down by close() meanwhile
            self._checkpointing = False

    def _checkpoint(self) -> None:
        try:
            assert self._checkpoint_conn is not None
            row = self._checkpoint_conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            if row is not None and row[1] > WAL_RESET_FRAMES:
                # Again, for what came while that pass ran: the commit thread copies less.
                self._checkpoint_conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                self._wal_reset_due = True
        except sqlite3.Error as exc:  # the next one tries again; close() checkpoints too
            log.warning("a background checkpoint failed: %s", exc)
        finally:
            self._checkpointing = False

    def _create_schema(self) -> None:
        conn = self._writer
        tables = _existing_tables(conn, self.path)
        if tables:
            if "app_state" not in tables:
                conn.execute(_STATE_SCHEMA)
            return  # ours, with its schema: nothing else to create
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(_SCHEMA)
            conn.execute(_STATE_SCHEMA)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            # A failed statement (a full disk, say) may have ended the transaction already: a
            # second error from ROLLBACK must not hide the first.
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        """Wait for a commit in flight, fail jobs still waiting, checkpoint the WAL into the
        database file, and close."""
        if self._closed:
            return
        self._closed = True
        if self._committer is not None:
            self._committer.shutdown(wait=True)
        if self._checkpointer is not None:
            self._checkpointer.shutdown(wait=True)
            assert self._checkpoint_conn is not None
            self._checkpoint_conn.close()
        pending, self._pending = self._pending, []
        _resolve([(job, None, StorageClosed("the storage is closed")) for job in pending])
        if self._writer.in_transaction:  # a batch whose commit never ran
            with contextlib.suppress(sqlite3.Error):
                self._writer.execute("ROLLBACK")
        if self.journal_mode == "wal":
            try:
                self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as exc:  # pragma: no cover - best effort
                log.warning("WAL checkpoint on close failed: %s", exc)
        if self._wal_header is not None:
            self._wal_header.close()
            self._wal_header = None
        if self._reader is not None:
            self._reader.close()
        self._writer.close()

    @property
    def closed(self) -> bool:
        return self._closed

    # --- running jobs ------------------------------------------------------------------------

    async def write(
        self, fn: Callable[[sqlite3.Connection], T], *, one_statement: bool = False
    ) -> T:
        """Run ``fn`` on the write connection inside a transaction; return once it is
        committed (its exceptions are raised here, and it wrote nothing). ``one_statement``:
        ``fn`` executes exactly one statement (then it needs no SAVEPOINT)."""
        if self._closed:
            raise StorageClosed("the storage is closed")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._pending.append(_Job(fn, future, one_statement))
        if not self._busy:
            self._busy = True
            # Not right now: let the requests already in this loop iteration join the batch.
            loop.call_soon(self._run_batch, loop)
        try:
            return await future
        except BaseException as exc:
            # By now the batch that failed this job has finished: its frames can let go.
            _forget_batches(exc)
            raise
        finally:
            # The exception's traceback holds this frame, which would hold the future, which
            # holds the exception: a cycle, like the batch frames' (see _forget_batches).
            del future

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn`` on the read connection (a file database) or the only one (memory)."""
        if self._closed:
            raise StorageClosed("the storage is closed")
        conn = self._reader if self._reader is not None else self._writer
        try:
            return fn(conn)
        except sqlite3.Error as exc:
            raise StorageFailure(describe(exc, self.path)) from exc

    def write_blocking(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn`` in its own committed transaction, now, on this thread (startup, tests)."""
        if self._closed:
            raise StorageClosed("the storage is closed")
        if self._busy:
            raise RuntimeError("write_blocking() while asynchronous writes are in flight")
        conn = self._writer
        self._writes += 1
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = fn(conn)
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise
        return result

    def _run_batch(self, loop: asyncio.AbstractEventLoop) -> None:
        batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
        if self._closed:
            _resolve([(job, None, StorageClosed("the storage is closed")) for job in batch])
            self._busy = False
            return
        outcomes = self._execute(batch)
        if outcomes is None:  # the transaction could not even start
            self._finish(loop, [(job, None, StorageFailure("database is locked")) for job in batch])
        elif self._committer is None:
            self._finish(loop, self._commit_or_fail(outcomes))
        else:
            self._committer.submit(self._commit_and_hand_back, loop, outcomes)

    def _commit_and_hand_back(
        self, loop: asyncio.AbstractEventLoop, outcomes: list[_Outcome]
    ) -> None:
        """In the commit thread: commit, then hand the outcomes to the loop in one callback
        (``run_in_executor`` takes two trips through the loop's queue, each behind every
        request ready to run: at 64 connections, milliseconds between two commits)."""
        try:
            committed = self._commit_or_fail(outcomes)
        except BaseException:  # pragma: no cover - _commit_or_fail answers every failure
            failure = StorageFailure("the commit did not complete")
            committed = [(job, None, failure) for job, _, _ in outcomes]
        with contextlib.suppress(RuntimeError):  # pragma: no cover - the loop is closed
            loop.call_soon_threadsafe(self._committed, loop, committed)

    def _committed(self, loop: asyncio.AbstractEventLoop, outcomes: list[_Outcome]) -> None:
        self._finish(loop, outcomes, next_at_once=True)

    def _finish(
        self,
        loop: asyncio.AbstractEventLoop,
        outcomes: list[_Outcome],
        *,
        next_at_once: bool = False,
    ) -> None:
        """Resolve a batch's futures, then start the next batch: at once after a commit (its
        COMMIT then waits for the disk while the loop answers this batch's requests, whose
        resumptions ``_resolve`` has only scheduled), else on the next loop iteration."""
        _resolve(outcomes)
        if self._pending and not self._closed:
            if next_at_once:
                self._run_batch(loop)
            else:
                loop.call_soon(self._run_batch, loop)
        else:
            self._busy = False

    def _execute(self, batch: list[_Job]) -> list[_Outcome] | None:
        """Run the batch's jobs inside one open transaction (not committed yet)."""
        conn = self._writer
        self._writes += 1
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            log.error("cannot start a write transaction: %s", exc)
            return None
        outcomes: list[_Outcome] = []
        for job in batch:
            savepoint = not job.one_statement
            if savepoint:
                try:
                    conn.execute("SAVEPOINT job")
                except sqlite3.Error as exc:  # pragma: no cover - only if the connection broke
                    outcomes.append((job, None, StorageFailure(describe(exc, self.path))))
                    continue
            try:
                result = job.fn(conn)
            except Exception as exc:
                failure: BaseException = exc
                if isinstance(exc, sqlite3.Error):
                    failure = StorageFailure(describe(exc, self.path))
                if not conn.in_transaction:
                    log.error("the write transaction was rolled back: %s", failure)
                    return _all_lost(batch, outcomes, job, failure)
                if savepoint:
                    try:
                        conn.execute("ROLLBACK TO job")
                        conn.execute("RELEASE job")
                    except sqlite3.Error as undo:  # pragma: no cover - the connection broke
                        log.error("cannot undo a failed job: %s", undo)
                outcomes.append((job, None, failure))
            else:
                if savepoint:
                    conn.execute("RELEASE job")
                outcomes.append((job, result, None))
        return outcomes

    def _commit_or_fail(self, outcomes: list[_Outcome]) -> list[_Outcome]:
        """COMMIT (on the committer thread for a file); on failure every job of the batch
        fails, since none of them is durable."""
        conn = self._writer
        if not conn.in_transaction:
            return outcomes  # rolled back by SQLite already; every job has its failure
        try:
            conn.execute("COMMIT")
        except BaseException as exc:
            log.error("a commit failed and its batch was rolled back: %s", exc)
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            failure = StorageFailure(f"commit failed: {describe(exc, self.path)}")
            return [(job, None, failure) for job, _, _ in outcomes]
        if self._wal_reset_due:
            self._catch_up_wal()
        self._maybe_checkpoint()
        return outcomes

    def _catch_up_wal(self) -> None:
        """In the commit thread, right after a COMMIT, when the WAL has grown past
        :data:`WAL_RESET_FRAMES`: copy what the background checkpoint left (the frames written
        during its second pass) with no write in between, so the WAL is then wholly in the
        database file and the next write transaction starts it over. The batch waiting for this
        hand-back waits for that copy: 1 to 3.5 ms, about every 1.7 s of creates at 64
        connections (measured; 5 to 24 ms when the background made one pass), once per 64 MiB
        of WAL."""
        self._wal_reset_due = False
        try:
            row = self._writer.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error as exc:  # pragma: no cover - the next background one tries again
            log.warning("a WAL catch-up checkpoint failed: %s", exc)
            return
        if row is not None and (row[0] or row[2] < row[1]):
            self._wal_reset_due = True  # a background checkpoint ran meanwhile: next commit

    # --- profile operations --------------------------------------------------------------------

    async def insert(self, record: ProfileRecord) -> None:
        """Store a new profile; 409 when its profile_id or customer_user_id is taken."""
        row = (record.profile_id, record.customer_user_id, record.document())
        await self.write(lambda conn: _insert(conn, row), one_statement=True)

    async def get(self, lookup: Lookup) -> ProfileRecord | None:
        """The profile ``lookup`` names, or ``None``; a record kept from an earlier read while
        the database has not changed since (see the module's docstring)."""
        return await self.read(lambda conn: self._get(conn, lookup))

    def _get(self, conn: sqlite3.Connection, lookup: Lookup) -> ProfileRecord | None:
        version: object
        if self._reader is None:
            version = self._writes
        elif self._wal_header is not None:
            version = self._wal_header.snapshot()
        else:
            version = conn.execute("PRAGMA data_version").fetchone()[0]
        kept = self._kept
        if version != self._kept_version or len(kept) >= READ_CACHE_SIZE:
            kept.clear()
            self._kept_version = version
        else:
            record = kept.get(lookup)
            if record is not None:
                return record
        record = _select(conn, lookup, self._parsed)
        if record is not None:
            kept[lookup] = record
        return record

    async def update(
        self, lookup: Lookup, change: Callable[[ProfileRecord], ProfileRecord]
    ) -> ProfileRecord:
        """Read, change and write one profile atomically; 404 when it does not exist.

        ``change`` runs in the writer thread and may raise any exception, in which case nothing is
        written.
        """
        return await self.write(lambda conn: _update(conn, lookup, change, self._parsed))

    async def attach(
        self,
        profile_id: str,
        customer_user_id: str,
        change: Callable[[ProfileRecord], ProfileRecord],
    ) -> ProfileRecord:
        """Attach ``customer_user_id`` to the profile ``profile_id``, atomically: 404 when the
        profile does not exist, then 409 when ``customer_user_id`` belongs to another profile,
        then ``change`` (which sets it, and raises 409 or 400 as
        :func:`~recorded_server.emulator.profiles.attached_profile` does); nothing is written on
        error.

        Jobs run one at a time, so of two concurrent attaches the second sees the first's
        ``customer_user_id`` stored.
        """
        return await self.write(
            lambda conn: _attach(conn, profile_id, customer_user_id, change, self._parsed)
        )

    async def delete(self, lookup: Lookup) -> bool:
        """Delete one profile; False when it did not exist."""
        return await self.write(lambda conn: _delete(conn, lookup))

    async def all(self) -> list[ProfileRecord]:
        return await self.read(_select_all)

    async def page(self, offset: int, limit: int) -> list[ProfileRecord]:
        """At most ``limit`` profiles in insertion order, skipping the first ``offset``."""
        return await self.read(lambda conn: _select_page(conn, offset, limit))

    async def clear(self) -> None:
        await self.write(_delete_all)

    async def put_many(self, records: Iterable[ProfileRecord]) -> int:
        """Insert or replace profiles by profile_id, all or nothing (409 when a customer_user_id
        belongs to another profile). The documents are serialized off the event loop."""
        loop = asyncio.get_running_loop()
        rows = await loop.run_in_executor(
            None, lambda: [(r.profile_id, r.customer_user_id, r.document()) for r in records]
        )
        return await self.write(lambda conn: _put_many(conn, rows))

    def put_many_blocking(self, records: Iterable[ProfileRecord]) -> int:
        rows = [(r.profile_id, r.customer_user_id, r.document()) for r in records]
        return self.write_blocking(lambda conn: _put_many(conn, rows))

    # --- the app's state (catalogue, clock) ----------------------------------------------------

    async def put_state(self, key: str, value: str | None) -> None:
        """Store (``None``: forget) one state value; durable when this returns."""
        await self.write(lambda conn: _put_state(conn, key, value))

    def put_state_blocking(self, key: str, value: str | None) -> None:
        self.write_blocking(lambda conn: _put_state(conn, key, value))

    def get_state_blocking(self, key: str) -> str | None:
        rows = self._writer.execute("SELECT value FROM app_state WHERE key = ?", (key,)).fetchall()
        return str(rows[0][0]) if rows else None


def _existing_tables(conn: sqlite3.Connection, path: str) -> dict[str, str | None]:
    """The tables of an existing database of ours (empty for a new one); raises
    :class:`StorageFailure`, reading only, for a foreign or corrupted file."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
    problem = foreign_tables_problem(path, tables, version, SCHEMA_VERSION)
    if problem is not None:
        raise StorageFailure(problem)  # a file of someone else's: never modified
    if tables:
        (verdict,) = conn.execute("PRAGMA quick_check(1)").fetchone()
        if verdict != "ok":
            raise StorageFailure(
                f"database {path}: the database file is corrupted (SQLite: {verdict}); "
                "restore it from a backup, or move it away to start with an empty store"
            )
    return tables


def _all_lost(
    batch: list[_Job], outcomes: list[_Outcome], failed: _Job, failure: BaseException
) -> list[_Outcome]:
    """The outcomes when SQLite rolled the whole transaction back (a full disk, an I/O error)
    at job ``failed``: the jobs before it are undone too, and the rest cannot run."""
    lost = StorageFailure(f"not stored: {failure}")
    done = [(j, None, lost if f is None else f) for j, _, f in outcomes]
    rest = [(j, None, lost) for j in batch[len(outcomes) + 1 :]]
    return [*done, (failed, None, failure), *rest]


def _resolve(items: list[_Outcome]) -> None:
    for job, result, exc in items:
        future = job.future
        if future.done():  # the request was cancelled (its client went away)
            continue
        if exc is not None:
            future.set_exception(exc)
        else:
            future.set_result(result)


def _forget_batches(exc: BaseException) -> None:
    """Clear the locals of the finished batch frames that ``exc``'s traceback (or a cause's)
    reaches: the ``_execute`` frame where a job's exception was caught, and the batch frames
    that called it (``_run_batch``, ``_finish``, ``_committed``).

    Those frames hold the batch, whose futures hold the exception: a reference cycle per failed
    job (every 409) that only the full garbage collection frees, in pauses of hundreds of
    milliseconds under a load of 409s. The traceback still prints (file, line, code), and
    nothing logs locals. The walk up ``f_back`` stops at the first frame that is not the
    batch's: going on would materialise the whole running stack (a tenth of the event loop's
    time under 409s, measured). Called where the job's request gets its exception, when the
    batch's frames have returned."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        tb = current.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code is _EXECUTE_CODE:
                frame: types.FrameType | None = tb.tb_frame
                while frame is not None and frame.f_code in _BATCH_CODES:
                    caller = frame.f_back  # clear() keeps f_back: the callers go up the chain
                    with contextlib.suppress(RuntimeError):  # still running: not ours to clear
                        frame.clear()
                    frame = caller
            tb = tb.tb_next
        current = current.__cause__ or current.__context__


_EXECUTE_CODE = Storage._execute.__code__
_BATCH_CODES = frozenset(
    method.__code__
    for method in (Storage._execute, Storage._run_batch, Storage._finish, Storage._committed)
)


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _conflict(exc: sqlite3.IntegrityError) -> Conflict:
    return Conflict("customer_user_id" if "customer_user_id" in str(exc) else "profile_id")


def _insert(conn: sqlite3.Connection, row: tuple[str, str | None, str]) -> None:
    now = _now_ms()
    try:
        conn.execute(
            f"INSERT INTO profiles ({_COLUMNS}, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?)",
            (*row, now, now),
        )
    except sqlite3.IntegrityError as exc:
        raise _conflict(exc) from None


def _select(
    conn: sqlite3.Connection, lookup: Lookup, parsed: _ParsedDocuments
) -> ProfileRecord | None:
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM profiles WHERE {lookup.column} = ?", (lookup.value,)
    ).fetchall()
    if not rows:
        return None
    profile_id, customer_user_id, document = rows[0]
    return parsed.record(profile_id, customer_user_id, document)


def _select_all(conn: sqlite3.Connection) -> list[ProfileRecord]:
    rows = conn.execute(f"SELECT {_COLUMNS} FROM profiles ORDER BY rowid").fetchall()
    return [ProfileRecord.from_document(*row) for row in rows]


def _select_page(conn: sqlite3.Connection, offset: int, limit: int) -> list[ProfileRecord]:
    query = f"SELECT {_COLUMNS} FROM profiles ORDER BY rowid LIMIT ? OFFSET ?"
    rows = conn.execute(query, (limit, offset)).fetchall()
    return [ProfileRecord.from_document(*row) for row in rows]


def _update(
    conn: sqlite3.Connection,
    lookup: Lookup,
    change: Callable[[ProfileRecord], ProfileRecord],
    parsed: _ParsedDocuments,
) -> ProfileRecord:
    record = _select(conn, lookup, parsed)
    if record is None:
        raise NotFound
    result = change(record)
    document = result.document()
    conn.execute(
        "UPDATE profiles SET document = ?, updated_ms = ? WHERE profile_id = ?",
        (document, _now_ms(), record.profile_id),
    )
    parsed.remember(result, document)
    return result


def _attach(
    conn: sqlite3.Connection,
    profile_id: str,
    customer_user_id: str,
    change: Callable[[ProfileRecord], ProfileRecord],
    parsed: _ParsedDocuments,
) -> ProfileRecord:
    record = _select(conn, Lookup("profile_id", profile_id), parsed)
    if record is None:
        raise NotFound
    owner = conn.execute(
        "SELECT profile_id FROM profiles WHERE customer_user_id = ?", (customer_user_id,)
    ).fetchone()
    if owner is not None and owner[0] != profile_id:
        raise Conflict("customer_user_id")
    result = change(record)
    document = result.document()
    try:
        conn.execute(
            "UPDATE profiles SET customer_user_id = ?, document = ?, updated_ms = ? "
            "WHERE profile_id = ?",
            (result.customer_user_id, document, _now_ms(), record.profile_id),
        )
    except sqlite3.IntegrityError as exc:
        raise _conflict(exc) from None
    parsed.remember(result, document)
    return result


def _delete(conn: sqlite3.Connection, lookup: Lookup) -> bool:
    cursor = conn.execute(f"DELETE FROM profiles WHERE {lookup.column} = ?", (lookup.value,))
    return cursor.rowcount > 0


def _delete_all(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM profiles")


def _put_many(conn: sqlite3.Connection, rows: list[tuple[str, str | None, str]]) -> int:
    for row in rows:
        conn.execute("DELETE FROM profiles WHERE profile_id = ?", (row[0],))
        _insert(conn, row)
    return len(rows)


def _put_state(conn: sqlite3.Connection, key: str, value: str | None) -> None:
    if value is None:
        conn.execute("DELETE FROM app_state WHERE key = ?", (key,))
    else:
        conn.execute("INSERT OR REPLACE INTO app_state (key, value) VALUES (?, ?)", (key, value))
