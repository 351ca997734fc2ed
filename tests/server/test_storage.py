"""The SQLite storage on its own: durability on reopen, group commit, isolation of failures."""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import json
import sqlite3
import time
import weakref
from pathlib import Path
from typing import Any

import pytest

from recorded_server.emulator import storage as storage_api
from recorded_server.emulator.records import ProfileRecord
from recorded_server.emulator.storage import Lookup, StorageFailure
from recorded_server.emulator.storage import sqlite as sqlite_storage
from recorded_server.serving import errors

pytestmark = pytest.mark.anyio


def record(profile_id: str, customer: str | None = None) -> ProfileRecord:
    return ProfileRecord(profile_id=profile_id, customer_user_id=customer)


def pid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


@pytest.fixture(params=["file", "memory"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> storage_api.Storage:
    db = str(tmp_path / "s.sqlite3") if request.param == "file" else ":memory:"
    opened = storage_api.Storage.open(db)
    request.addfinalizer(opened.close)
    return opened


async def test_insert_get_update_delete(storage: storage_api.Storage) -> None:
    await storage.insert(record(pid(1), "c1"))
    got = await storage.get(Lookup("customer_user_id", "c1"))
    assert got is not None and got.profile_id == pid(1)

    def rename(stored: ProfileRecord) -> ProfileRecord:
        stored.fields["first_name"] = "x"
        return stored

    updated = await storage.update(Lookup("profile_id", pid(1)), rename)
    assert updated.fields == {"analytics_disabled": False, "first_name": "x"}
    again = await storage.get(Lookup("profile_id", pid(1)))
    assert again is not None and again.fields["first_name"] == "x"
    assert await storage.delete(Lookup("profile_id", pid(1))) is True
    assert await storage.delete(Lookup("profile_id", pid(1))) is False
    assert await storage.get(Lookup("profile_id", pid(1))) is None


async def test_unique_constraints_raise_a_conflict_naming_the_column(
    storage: storage_api.Storage,
) -> None:
    await storage.insert(record(pid(1), "c1"))
    with pytest.raises(storage_api.Conflict) as by_profile:
        await storage.insert(record(pid(1), "c2"))
    assert by_profile.value.column == "profile_id"
    with pytest.raises(storage_api.Conflict) as by_customer:
        await storage.insert(record(pid(2), "c1"))
    assert by_customer.value.column == "customer_user_id"
    # Any number of profiles without a customer id.
    await storage.insert(record(pid(3)))
    await storage.insert(record(pid(4)))
    assert len(await storage.all()) == 3


async def test_a_failing_job_in_a_batch_undoes_only_itself(storage: storage_api.Storage) -> None:
    # Many jobs queued at once share one transaction; a failing insert (one statement, no
    # savepoint) undoes only itself.
    results = await asyncio.gather(
        *(storage.insert(record(pid(i % 10), f"c{i % 10}")) for i in range(100)),
        return_exceptions=True,
    )
    assert sum(r is None for r in results) == 10
    assert all(isinstance(r, storage_api.Conflict) for r in results if r is not None)
    assert {r.profile_id for r in await storage.all()} == {pid(i) for i in range(10)}


async def test_a_failed_job_leaves_no_reference_cycle(storage: storage_api.Storage) -> None:
    # Every 409 is a failed job. Its exception must be freed as soon as the request lets go of it,
    # not by the full garbage collection: under a load of 409s those collections paused the server
    # for hundreds of milliseconds (the exception's traceback held the batch, which held it).
    await storage.insert(record(pid(1), "c1"))
    freed: list[weakref.ref[BaseException]] = []

    async def conflicting(n: int) -> None:
        try:
            await storage.insert(record(pid(1), f"d{n}"))
        except storage_api.Conflict as exc:
            freed.append(weakref.ref(exc))

    gc.collect()
    gc.disable()
    try:
        await asyncio.gather(*(conflicting(n) for n in range(20)))  # one batch of 20 failures
        await conflicting(20)  # and a batch of one
        await asyncio.sleep(0)  # the loop's handle that resumed this task holds the last future
        assert len(freed) == 21
        assert [ref for ref in freed if ref() is not None] == []
    finally:
        gc.enable()


async def test_an_update_that_raises_writes_nothing(storage: storage_api.Storage) -> None:
    await storage.insert(record(pid(1)))

    def refuse(stored: ProfileRecord) -> ProfileRecord:
        raise errors.bad_request([("x", ["no"])])

    with pytest.raises(errors.ApiError):
        await storage.update(Lookup("profile_id", pid(1)), refuse)
    with pytest.raises(storage_api.NotFound):
        await storage.update(Lookup("profile_id", pid(2)), refuse)


async def test_an_unexpected_exception_in_a_job_reaches_its_caller(
    storage: storage_api.Storage,
) -> None:
    await storage.insert(record(pid(1)))

    def broken(stored: ProfileRecord) -> ProfileRecord:
        raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        await storage.update(Lookup("profile_id", pid(1)), broken)
    # The writer survives it.
    await storage.insert(record(pid(2)))


async def test_a_sqlite_error_in_a_job_is_a_storage_failure(storage: storage_api.Storage) -> None:
    def bad_sql(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO no_such_table VALUES (1)")

    with pytest.raises(StorageFailure):
        await storage.write(bad_sql)
    await storage.insert(record(pid(1)))


async def test_put_many_replaces_by_profile_id_all_or_nothing(storage: storage_api.Storage) -> None:
    await storage.insert(record(pid(1), "a"))
    await storage.insert(record(pid(2), "b"))
    assert await storage.put_many([record(pid(1), "a2"), record(pid(3), "c")]) == 2
    customers = {r.profile_id: r.customer_user_id for r in await storage.all()}
    assert customers == {pid(1): "a2", pid(2): "b", pid(3): "c"}
    with pytest.raises(storage_api.Conflict):
        await storage.put_many([record(pid(4), "d"), record(pid(5), "b")])
    assert len(await storage.all()) == 3


async def test_clear(storage: storage_api.Storage) -> None:
    await storage.insert(record(pid(1)))
    await storage.clear()
    assert await storage.all() == []


async def test_a_closed_storage_refuses_work(tmp_path: Path) -> None:
    storage = storage_api.Storage.open(str(tmp_path / "c.sqlite3"))
    storage.close()
    storage.close()  # twice is fine
    with pytest.raises(storage_api.StorageClosed):
        await storage.insert(record(pid(1)))
    with pytest.raises(storage_api.StorageClosed):
        await storage.get(Lookup("profile_id", pid(1)))


def test_data_survives_close_and_reopen_and_the_file_is_wal(tmp_path: Path) -> None:
    path = tmp_path / "durable.sqlite3"
    storage = storage_api.Storage.open(str(path))
    assert storage.journal_mode == "wal"
    assert storage.put_many_blocking([record(pid(1), "kept")]) == 1
    storage.close()
    reopened = storage_api.Storage.open(str(path))
    try:
        rows = (
            sqlite3.connect(path)
            .execute("SELECT profile_id, customer_user_id FROM profiles")
            .fetchall()
        )
        assert rows == [(pid(1), "kept")]
    finally:
        reopened.close()


def test_the_writer_connection_is_durable(tmp_path: Path) -> None:
    storage = storage_api.Storage.open(str(tmp_path / "sync.sqlite3"))
    try:
        synchronous = storage.write_blocking(
            lambda conn: conn.execute("PRAGMA synchronous").fetchone()[0]
        )
        assert synchronous == 2  # FULL
    finally:
        storage.close()


def test_missing_parent_folders_are_created(tmp_path: Path) -> None:
    storage = storage_api.Storage.open(str(tmp_path / "a" / "b" / "db.sqlite3"))
    storage.close()
    assert (tmp_path / "a" / "b" / "db.sqlite3").exists()


@pytest.mark.parametrize("content", [b"not a database" * 100])
def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(content)
    with pytest.raises(StorageFailure, match="cannot open the database"):
        storage_api.Storage.open(str(path))


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(StorageFailure, match="newer than this recorded-server"):
        storage_api.Storage.open(str(path))


async def test_memory_storages_are_separate() -> None:
    first = storage_api.Storage.open(":memory:")
    second = storage_api.Storage.open(":memory:")
    try:
        await first.insert(record(pid(1)))
        assert await second.all() == []
    finally:
        first.close()
        second.close()


class _FailingCommit:
    """A write connection whose next COMMIT fails, like a full disk would make it."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.fail_next_commit = True

    def execute(self, sql: str, parameters: Any = ()) -> sqlite3.Cursor:
        if sql == "COMMIT" and self.fail_next_commit:
            self.fail_next_commit = False
            raise sqlite3.OperationalError("disk I/O error")
        return self.conn.execute(sql, parameters)

    def __getattr__(self, name: str) -> object:
        return getattr(self.conn, name)


async def test_a_failed_commit_fails_its_whole_batch_and_stores_nothing(
    storage: storage_api.Storage,
) -> None:
    real = storage._writer
    storage._writer = _FailingCommit(real)  # type: ignore[assignment]
    try:
        results = await asyncio.gather(
            *(storage.insert(record(pid(i), f"c{i}")) for i in range(5)), return_exceptions=True
        )
        assert all(isinstance(r, StorageFailure) for r in results), results
        assert await storage.all() == []
        await storage.insert(record(pid(9), "after"))  # the next batch commits
        assert [r.customer_user_id for r in await storage.all()] == ["after"]
    finally:
        storage._writer = real


async def test_a_storage_failure_is_a_503_in_the_envelope() -> None:
    from .conftest import asgi_target
    from .helpers import PATH, who

    async with asgi_target() as api:
        assert api.runtime is not None
        storage = api.runtime.storage
        real = storage._writer
        storage._writer = _FailingCommit(real)  # type: ignore[assignment]
        try:
            response = await api.client.post(PATH, headers=who("disk"), json={})
        finally:
            storage._writer = real
        assert response.status_code == 503
        assert response.json() == {
            "errors": [
                {
                    "source": "non_field_errors",
                    "errors": ["The server's storage could not complete this request; retry it."],
                }
            ],
            "error_code": "service_unavailable",
            "status_code": 503,
        }
        assert (await api.client.post(PATH, headers=who("disk"), json={})).status_code == 200


# --- the segment hash, kept with the stored row -------------------------------------------------


def _hash_of(profile: ProfileRecord) -> str:
    """The segment hash computed from scratch (on a copy that has none cached)."""
    return ProfileRecord.from_document(
        profile.profile_id, profile.customer_user_id, _without_hash(profile.document())
    ).segment_hash()


def _without_hash(document: str) -> str:
    data = json.loads(document)
    del data["segment_hash_v1"]
    return json.dumps(data)


def _attributed(profile_id: str, customer: str, first_name: str) -> ProfileRecord:
    profile = record(profile_id, customer)
    profile.fields.update({"first_name": first_name, "birthday": "2000-12-31"})
    profile.custom_attributes.update({"b": "x", "a": 1.0})
    return profile


async def test_the_segment_hash_is_stored_with_the_profile_and_read_back(
    storage: storage_api.Storage,
) -> None:
    profile = _attributed(pid(1), "c1", "Jane")
    await storage.insert(profile)
    got = await storage.get(Lookup("profile_id", pid(1)))
    assert got is not None
    assert got.segment_hash() == profile.segment_hash() == _hash_of(profile)
    assert json.loads(got.document())["segment_hash_v1"] == got.segment_hash()

    def rename(stored: ProfileRecord) -> ProfileRecord:
        return dataclasses.replace(stored, fields={**stored.fields, "first_name": "Janet"})

    renamed = await storage.update(Lookup("profile_id", pid(1)), rename)
    again = await storage.get(Lookup("profile_id", pid(1)))
    assert again is not None
    assert renamed.segment_hash() == again.segment_hash() == _hash_of(again)
    assert again.segment_hash() != got.segment_hash()
    assert again.segment_hash() == _hash_of(_attributed(pid(9), "c9", "Janet"))


def test_a_document_without_a_stored_hash_gets_the_same_hash() -> None:
    profile = _attributed(pid(1), "c1", "Jane")
    document = profile.document()
    old = ProfileRecord.from_document(pid(1), "c1", _without_hash(document))
    assert old.segment_hash() == ProfileRecord.from_document(pid(1), "c1", document).segment_hash()
    broken = json.loads(document)
    broken["segment_hash_v1"] = 12
    read = ProfileRecord.from_document(pid(1), "c1", json.dumps(broken))
    assert read.segment_hash() == profile.segment_hash()


def test_a_changed_copy_does_not_inherit_the_cached_hash() -> None:
    profile = _attributed(pid(1), "c1", "Jane")
    first = profile.segment_hash()
    copy = dataclasses.replace(profile, custom_attributes={"b": "y"})
    assert copy.segment_hash() != first
    assert copy.segment_hash() == _hash_of(copy)
    assert profile == ProfileRecord.from_document(pid(1), "c1", profile.document())


# --- database errors that say what is wrong and what to do (issue 16, finding 8) -------------


@pytest.mark.parametrize(
    "schema",
    [
        "CREATE TABLE profiles (id INTEGER PRIMARY KEY, name TEXT)",  # a foreign 'profiles'
        "CREATE TABLE orders (id INTEGER PRIMARY KEY)",
    ],
)
def test_a_foreign_database_is_refused_and_left_untouched(tmp_path: Path, schema: str) -> None:
    path = tmp_path / "theirs.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(schema)
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StorageFailure, match="not a recorded-server database") as caught:
        storage_api.Storage.open(str(path))
    assert "pass --db a new path" in str(caught.value)
    assert path.read_bytes() == before
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
    conn.close()


def test_a_corrupted_database_is_refused_at_start_saying_so(tmp_path: Path) -> None:
    path = tmp_path / "broken.sqlite3"
    storage = storage_api.Storage.open(str(path))
    rows = [record(pid(n), f"c-{n}") for n in range(300)]
    storage.put_many_blocking(rows)
    storage.close()
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 3 * page
    data[2 * page + 8 : 3 * page] = b"\xff" * (page - 8)  # a b-tree page turned to garbage
    path.write_bytes(bytes(data))
    with pytest.raises(StorageFailure, match="corrupted") as caught:
        storage_api.Storage.open(str(path))
    assert "restore it from a backup" in str(caught.value)


async def test_a_full_disk_while_running_is_a_failure_that_says_so(tmp_path: Path) -> None:
    storage = storage_api.Storage.open(str(tmp_path / "full.sqlite3"))
    try:
        storage._writer.execute("PRAGMA max_page_count = 3")  # what a full disk looks like
        big = record(pid(1), "big")
        big.fields["first_name"] = "x" * 100_000
        with pytest.raises(StorageFailure, match="is full") as caught:
            await storage.insert(big)
        assert "free some space" in str(caught.value)
    finally:
        storage.close()


def test_sqlite_errors_are_described_with_a_remedy() -> None:
    from recorded_server.emulator.storage.diagnostics import describe

    full = sqlite3.OperationalError("database or disk is full")
    assert "free some space" in describe(full, "x.db")
    assert "not a SQLite database" in describe(sqlite3.DatabaseError("file is not a database"), "x")
    assert describe(sqlite3.OperationalError("something else"), "x.db") == (
        "database x.db: something else"
    )


async def test_a_read_is_kept_until_the_database_changes(
    storage: storage_api.Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    queried: list[Lookup] = []
    select = sqlite_storage._select

    def counted(conn: sqlite3.Connection, lookup: Lookup, parsed: Any) -> ProfileRecord | None:
        queried.append(lookup)
        return select(conn, lookup, parsed)

    monkeypatch.setattr(sqlite_storage, "_select", counted)
    await storage.insert(record(pid(1), "c1"))
    first = await storage.get(Lookup("customer_user_id", "c1"))
    assert first is not None
    assert await storage.get(Lookup("customer_user_id", "c1")) is first  # kept
    assert len(queried) == 1
    await storage.insert(record(pid(2), "c2"))  # any write: every kept record goes
    again = await storage.get(Lookup("customer_user_id", "c1"))
    assert len(queried) == 2  # queried again
    assert again == first


async def test_a_row_read_back_as_written_is_not_parsed_again(
    storage: storage_api.Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record an update stored comes back from the next read or update of its row without
    its JSON being parsed; a row whose text changed is parsed afresh."""
    parses: list[str] = []
    from_document = ProfileRecord.from_document

    def counted(profile_id: str, customer_user_id: str | None, document: str) -> ProfileRecord:
        parses.append(profile_id)
        return from_document(profile_id, customer_user_id, document)

    monkeypatch.setattr(ProfileRecord, "from_document", staticmethod(counted))
    await storage.insert(record(pid(1), "c1"))
    named = Lookup("profile_id", pid(1))

    def renamed(stored: ProfileRecord) -> ProfileRecord:
        return dataclasses.replace(stored, fields={**stored.fields, "first_name": "Ann"})

    updated = await storage.update(named, renamed)
    assert parses == [pid(1)]  # the created row, read for the first time
    again = await storage.update(named, renamed)
    assert again == updated and again is not updated
    read = await storage.get(named)
    assert read is again  # what the last write stored, as it stored it
    assert parses == [pid(1)]
    await storage.write(
        lambda conn: conn.execute("UPDATE profiles SET document = replace(document, 'Ann', 'Bob')")
    )
    changed = await storage.get(named)
    assert changed is not None and changed.fields["first_name"] == "Bob"
    assert parses == [pid(1), pid(1)]


async def test_the_parsed_documents_are_bounded(
    storage: storage_api.Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_storage, "PARSED_DOCUMENTS_SIZE", 3)
    for n in range(10):
        await storage.insert(record(pid(n), f"c{n}"))
    for n in range(10):
        got = await storage.get(Lookup("customer_user_id", f"c{n}"))
        assert got is not None and got.profile_id == pid(n)
        assert len(storage._parsed._by_id) <= 3


async def test_a_kept_read_sees_a_write_from_another_connection(tmp_path: Path) -> None:
    """Another process writing the same file (not a supported setup, but not a stale read
    either): the wal-index header moves, and the next read queries again."""
    db = tmp_path / "s.sqlite3"
    storage = storage_api.Storage.open(str(db))
    try:
        await storage.insert(record(pid(1), "c1"))
        kept = await storage.get(Lookup("profile_id", pid(1)))
        assert kept is not None and kept.customer_user_id == "c1"
        other = sqlite3.connect(db, isolation_level=None)
        other.execute("UPDATE profiles SET customer_user_id = 'c9' WHERE profile_id = ?", (pid(1),))
        other.close()
        fresh = await storage.get(Lookup("profile_id", pid(1)))
        assert fresh is not None and fresh.customer_user_id == "c9"
    finally:
        storage.close()


async def test_the_kept_reads_are_bounded(
    storage: storage_api.Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_storage, "READ_CACHE_SIZE", 3)
    await storage.put_many([record(pid(n), f"c{n}") for n in range(10)])
    for n in range(10):
        got = await storage.get(Lookup("customer_user_id", f"c{n}"))
        assert got is not None and got.profile_id == pid(n)
        assert len(storage._kept) <= 3


@pytest.mark.parametrize("now_ms", [0, 1, 1_700_000_000_123, 2**62])
def test_a_records_answer_is_its_response_data_as_json(now_ms: int) -> None:
    from recorded_server.emulator.records import answer_body, response_data
    from recorded_server.serving.jsontext import dumps

    kept = ProfileRecord(
        profile_id=pid(7),
        customer_user_id=None,
        fields={"analytics_disabled": True, "first_name": "Zoë"},
        custom_attributes={"level": 3.5, "timestamp": "-7357735773577357"},
        access_levels=[{"access_level_id": "premium", "timestamp": 1}],
    )
    for app_id in ("app-1", "app-1", "app-2"):  # made once per app id, then kept
        expected = dumps({"data": response_data(kept, app_id, now_ms)})
        assert answer_body(kept, app_id, now_ms) == expected.encode()


async def test_a_wal_past_its_limit_is_caught_up_after_a_commit_and_starts_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under steady writes a passive checkpoint never finds the WAL wholly copied, so SQLite
    never starts it over: the commit thread copies the rest right after a COMMIT once the WAL is
    past its limit, and the next write starts the WAL from its first frame (its file cut back to
    the limit). No background checkpoint runs here, so without the catch-up the WAL only grows."""
    monkeypatch.setattr(sqlite_storage, "CHECKPOINT_INTERVAL", 3600.0)
    monkeypatch.setattr(sqlite_storage, "WAL_RESET_FRAMES", 10)
    db = tmp_path / "s.sqlite3"
    wal = tmp_path / "s.sqlite3-wal"
    storage = storage_api.Storage.open(str(db))
    try:
        big = {"first_name": "x" * 2000}
        await storage.insert(ProfileRecord(profile_id=pid(0), customer_user_id=None, fields=big))
        _wait_for_background_checkpoint(storage)  # the first commit starts one
        storage._checkpoint()  # a background checkpoint finds the WAL within its limit
        assert not storage._wal_reset_due
        for n in range(1, 300):
            await storage.insert(
                ProfileRecord(profile_id=pid(n), customer_user_id=None, fields=big)
            )
        grown = wal.stat().st_size
        assert grown > 20 * 10 * 4096
        storage._wal_reset_due = True  # what a background checkpoint past the limit sets
        for n in range(300, 302):
            await storage.insert(
                ProfileRecord(profile_id=pid(n), customer_user_id=None, fields=big)
            )
        assert not storage._wal_reset_due
        assert wal.stat().st_size <= 10 * 4096 + 4 * 4096
        assert len(await storage.all()) == 302
    finally:
        storage.close()
    reopened = storage_api.Storage.open(str(db))
    try:
        assert len(await reopened.all()) == 302
    finally:
        reopened.close()


def _wait_for_background_checkpoint(storage: storage_api.Storage) -> None:
    deadline = time.monotonic() + 10
    while storage._checkpointing and time.monotonic() < deadline:
        time.sleep(0.005)
    assert not storage._checkpointing


def test_a_background_checkpoint_asks_for_a_catch_up_past_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_storage, "CHECKPOINT_INTERVAL", 3600.0)
    monkeypatch.setattr(sqlite_storage, "WAL_RESET_FRAMES", 10)
    storage = storage_api.Storage.open(str(tmp_path / "s.sqlite3"))
    try:
        for n in range(40):
            storage.put_state_blocking(f"k{n}", json.dumps("x" * 3000))
        _wait_for_background_checkpoint(storage)  # the first commit starts one
        storage._checkpoint()
        assert storage._wal_reset_due
    finally:
        storage.close()


async def test_a_file_is_checkpointed_in_the_background_not_in_a_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_storage, "CHECKPOINT_INTERVAL", 0.0)
    db = tmp_path / "s.sqlite3"
    storage = storage_api.Storage.open(str(db))
    try:
        assert storage._writer.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        small = db.stat().st_size
        big = {"first_name": "x" * 2000}
        for n in range(100):
            await storage.insert(
                ProfileRecord(profile_id=pid(n), customer_user_id=None, fields=big)
            )
        for _ in range(200):  # the last commit's checkpoint runs on its own thread
            if not storage._checkpointing and db.stat().st_size > small + 100 * 2000:
                break
            await asyncio.sleep(0.01)
        # Only a checkpoint moves pages from the WAL into the database file.
        assert db.stat().st_size > small + 100 * 2000
        assert len(await storage.all()) == 100
    finally:
        storage.close()
    reopened = storage_api.Storage.open(str(db))
    try:
        assert len(await reopened.all()) == 100
    finally:
        reopened.close()


# --- the wal-index header: a kept read without a statement -------------------------------------


async def test_a_kept_read_of_a_file_database_runs_no_statement(tmp_path: Path) -> None:
    """A kept read looks at the wal-index header instead of asking ``PRAGMA data_version``
    (whose read transaction costs two ``fcntl`` calls); a commit still drops it."""
    storage = storage_api.Storage.open(str(tmp_path / "s.sqlite3"))
    try:
        assert storage._wal_header is not None
        statements: list[str] = []
        assert storage._reader is not None
        storage._reader.set_trace_callback(statements.append)
        await storage.insert(record(pid(1), "c1"))
        first = await storage.get(Lookup("customer_user_id", "c1"))
        assert first is not None and len(statements) == 1  # the SELECT
        assert await storage.get(Lookup("customer_user_id", "c1")) is first
        assert len(statements) == 1  # kept: nothing ran
        await storage.update(
            Lookup("customer_user_id", "c1"),
            lambda stored: dataclasses.replace(stored, fields={"first_name": "Ann"}),
        )
        again = await storage.get(Lookup("customer_user_id", "c1"))
        assert again is not None and again.fields == {"first_name": "Ann"}
        assert len(statements) == 2  # the commit moved the header: queried again
    finally:
        storage.close()


def test_the_wal_index_header_changes_with_every_commit_and_only_then(tmp_path: Path) -> None:
    from recorded_server.emulator.storage.wal_index import HEADER_SIZE, WalIndexHeader

    db = str(tmp_path / "w.sqlite3")
    with pytest.raises(OSError):
        WalIndexHeader(db)  # no database, no -shm
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE t (x)")
        header = WalIndexHeader(db)
        seen = {header.snapshot()}
        for n in range(5):
            conn.execute("INSERT INTO t VALUES (?)", (n,))
            now = header.snapshot()
            assert len(now) == HEADER_SIZE and now not in seen
            seen.add(now)
            conn.execute("SELECT count(*) FROM t").fetchone()  # a read changes nothing
            assert header.snapshot() == now
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("INSERT INTO t VALUES (9)")  # the WAL starts over: still a new header
        assert header.snapshot() not in seen
        header.close()
    finally:
        conn.close()
