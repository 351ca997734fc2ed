"""Append-only cassette writing, at a flat cost per exchange.

A cassette being recorded is written as ``version: 1`` then ``interactions:`` and then one
block-sequence item (``- request: ...``) per exchange, each added at the end of the file: what
is on disk is never read back nor serialised again, so the ten-thousandth exchange costs what
the first did. After every complete write the file is a valid VCR.py cassette (the items are
the last key's sequence), so a clean stop leaves nothing to finish.

:class:`CassetteWriter` writes synchronously (the caller waits for the ``write``);
:class:`BackgroundWriter` queues each exchange and writes it from a thread, off the response
path, in batches (one ``write`` per cassette per batch), with an ``fsync`` at most every
``fsync_interval`` seconds. See docs/cassettes.md for what survives ``kill -9`` and a crash.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from recorded_server.cassettes.model import (
    CASSETTE_FORMAT_VERSION,
    CassetteError,
    Interaction,
    valid_scenario_name,
)
from recorded_server.cassettes.yaml_io import (
    dump_interactions,
    file_mode,
    fsync_directory,
    load_cassette,
)

__all__ = ["DEFAULT_FSYNC_INTERVAL", "BackgroundWriter", "CassetteWriter"]

DEFAULT_FSYNC_INTERVAL = 1.0
"""Seconds between two fsyncs of a cassette being recorded (``record --fsync-interval``)."""

_HEADER = f"version: {CASSETTE_FORMAT_VERSION}\ninteractions:\n".encode()
_MAX_OPEN_FILES = 64

_log = logging.getLogger("recorded_server.recorder")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


class _OpenCassette:
    def __init__(self, fd: int, count: int) -> None:
        self.fd = fd
        self.count = count
        self.dirty = False
        self.needs_header = False


class CassetteWriter:
    """Appends interactions to the cassettes of one record session, each at the end of its file.

    Thread-safe (one lock). The first append to a cassette in a session creates the file; an
    existing file that this session did not start is refused, unless ``append`` is set: then
    its interactions are kept and new ones follow them. ``fsync_interval`` ``None`` fsyncs
    after every append (durable when :meth:`append` returns); a number fsyncs a cassette at most
    that often (and always on :meth:`sync` and :meth:`close`).
    """

    def __init__(
        self, directory: Path, *, append: bool = False, fsync_interval: float | None = None
    ) -> None:
        self.directory = directory
        self.append_to_existing = append
        self.fsync_interval = fsync_interval
        self._lock = threading.Lock()
        self._started: dict[str, int] = {}
        """Every cassette this session wrote to, and how many interactions it added."""
        self._open: collections.OrderedDict[str, _OpenCassette] = collections.OrderedDict()
        self._last_sync = time.monotonic()

    def path_for(self, name: str) -> Path:
        """Where the cassette called ``name`` lives."""
        if not valid_scenario_name(name):
            raise CassetteError(f"invalid cassette name {name!r}")
        return self.directory / f"{name}.yaml"

    def refusal(self, name: str) -> str | None:
        """Why an exchange may not be written to cassette ``name``, or None: a file this session
        did not start is never overwritten (only added to, with ``append``)."""
        with self._lock:
            if name in self._started or self.append_to_existing:
                return None
        if self.path_for(name).exists():
            return (
                f"Cassette {name!r} already exists and this record session did not start it: "
                "pick another scenario name, delete the file, or run record with --append."
            )
        return None

    def _open_file(self, name: str) -> _OpenCassette:
        entry = self._open.get(name)
        if entry is not None:
            self._open.move_to_end(name)
            return entry
        path = self.path_for(name)
        started = name in self._started
        if not started and path.exists() and not self.append_to_existing:
            raise CassetteError(f"{path}: exists; not overwritten (use --append)")
        path.parent.mkdir(parents=True, exist_ok=True)
        if not started and path.exists():
            _ensure_appendable(path, path.stat().st_size)  # may replace the file: before open
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, file_mode(path))
        size = os.fstat(fd).st_size
        entry = _OpenCassette(fd, self._started.setdefault(name, 0))
        entry.needs_header = size == 0  # written with the first items: never an empty list
        self._open[name] = entry
        while len(self._open) > _MAX_OPEN_FILES:
            _, oldest = self._open.popitem(last=False)
            self._close_entry(oldest)
        return entry

    def _close_entry(self, entry: _OpenCassette) -> None:
        try:
            if entry.dirty:
                os.fsync(entry.fd)
        finally:
            os.close(entry.fd)

    def append_many(self, name: str, interactions: Iterable[Interaction]) -> Path:
        """Add ``interactions`` at the end of cassette ``name`` in one write; returns its path.

        Raises :class:`CassetteError` for an existing file this session did not start, unless
        ``append`` is set (see :meth:`refusal`).
        """
        items = list(interactions)
        path = self.path_for(name)
        data = dump_interactions(items).encode("utf-8")
        with self._lock:
            entry = self._open_file(name)
            if entry.needs_header:
                _write_all(entry.fd, _HEADER + data)
                entry.needs_header = False
                fsync_directory(path.parent)
            else:
                _write_all(entry.fd, data)
            entry.count += len(items)
            self._started[name] = entry.count
            entry.dirty = True
            if self.fsync_interval is None:
                os.fsync(entry.fd)
                entry.dirty = False
            elif time.monotonic() - self._last_sync >= self.fsync_interval:
                self._sync_locked()
        return path

    def append(self, name: str, interaction: Interaction) -> Path:
        """Add ``interaction`` at the end of cassette ``name``; returns its path."""
        return self.append_many(name, [interaction])

    def _sync_locked(self) -> None:
        for entry in self._open.values():
            if entry.dirty:
                os.fsync(entry.fd)
                entry.dirty = False
        self._last_sync = time.monotonic()

    def has_unsynced(self) -> bool:
        """Whether a cassette was written to since its last fsync."""
        with self._lock:
            return any(entry.dirty for entry in self._open.values())

    def sync(self) -> None:
        """fsync every cassette written since the last sync."""
        with self._lock:
            self._sync_locked()

    def close(self) -> None:
        """fsync and close every open cassette (appending again reopens it)."""
        with self._lock:
            while self._open:
                _, entry = self._open.popitem(last=False)
                self._close_entry(entry)

    def written(self) -> dict[str, int]:
        """How many interactions this session added to each cassette."""
        with self._lock:
            return dict(self._started)


def _ensure_appendable(path: Path, size: int) -> None:
    """An existing cassette may take items at its end only when its last key is a block
    ``interactions:`` sequence at column 0 (what this writer and VCR.py write); otherwise it is
    rewritten once in that layout first."""
    with path.open("rb") as handle:
        head = handle.read(len(_HEADER))
        handle.seek(max(0, size - 65536))
        tail = handle.read()
    lines = tail.rstrip(b"\n").split(b"\n")[1:]  # the first may be cut
    if size == 0 or (
        head == _HEADER
        and tail.endswith(b"\n")
        and all(not line or line.startswith((b" ", b"-")) for line in lines)
    ):
        return
    interactions = load_cassette(path).interactions
    text = _HEADER.decode() + dump_interactions(interactions)
    tmp = path.with_name(f".{path.name}.rewrite.tmp")
    tmp.write_text(text, encoding="utf-8")
    with contextlib.suppress(OSError):
        os.chmod(tmp, file_mode(path))
    os.replace(tmp, path)
    fsync_directory(path.parent)


class BackgroundWriter:
    """Queues exchanges and writes them from a thread, off the response path.

    The thread wakes as soon as something is queued, writes all that has gathered (one write
    per cassette), and fsyncs at most every ``fsync_interval`` seconds (0: after every batch).
    :meth:`close` writes what is left, fsyncs and closes.
    """

    def __init__(
        self,
        writer: CassetteWriter,
        prepare: Callable[[Interaction], Interaction] | None = None,
    ) -> None:
        self.writer = writer
        self.prepare = prepare
        """Applied to each exchange in the writer's thread before it is written (redaction)."""
        self._queue: list[tuple[str, Interaction]] = []
        self._cond = threading.Condition()
        self._stopping = False
        self._busy = False
        self.failures = 0
        self._thread = threading.Thread(
            target=self._run, name="recorded-server-cassette-writer", daemon=True
        )
        self._thread.start()

    def submit(self, name: str, interaction: Interaction) -> None:
        """Queue ``interaction`` for cassette ``name`` (returns at once)."""
        with self._cond:
            self._queue.append((name, interaction))
            self._cond.notify()

    def pending(self) -> int:
        """Exchanges queued or being written."""
        with self._cond:
            return len(self._queue) + (1 if self._busy else 0)

    def flush(self, timeout: float = 30.0) -> bool:
        """Wait until everything queued so far is written; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._queue or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.05))
        return True

    def _run(self) -> None:
        interval = self.writer.fsync_interval or 0.0
        while True:
            with self._cond:
                while not self._queue and not self._stopping:
                    timeout = None
                    if interval and self.writer.has_unsynced():
                        timeout = interval
                    if not self._cond.wait(timeout) and timeout is not None:
                        break  # a quiet spell: sync what was written
                batch, self._queue = self._queue, []
                self._busy = bool(batch)
                stopping = self._stopping
            self._write(batch)
            with self._cond:
                self._busy = False
                self._cond.notify_all()
            if stopping and not batch:
                return

    def _write(self, batch: list[tuple[str, Interaction]]) -> None:
        grouped: dict[str, list[Interaction]] = {}
        for name, interaction in batch:
            try:
                prepared = self.prepare(interaction) if self.prepare else interaction
            except Exception:  # a bug in one exchange must not stop the recording
                self.failures += 1
                _log.exception("could not prepare an exchange for cassette %r", name)
                continue
            grouped.setdefault(name, []).append(prepared)
        for name, items in grouped.items():
            try:
                self.writer.append_many(name, items)
            except (OSError, CassetteError):
                self.failures += len(items)
                _log.exception("could not write %d exchange(s) to cassette %r", len(items), name)
        try:
            if not batch or self.writer.fsync_interval == 0:
                self.writer.sync()
        except OSError:
            _log.exception("could not fsync the cassettes")

    def close(self) -> None:
        """Write what is queued, fsync, close the files and stop the thread."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._thread.join()
        self.writer.close()
