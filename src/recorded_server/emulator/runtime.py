"""What an app instance holds while it runs: its settings and its storage.

The storage opens in the app's lifespan; an ASGI harness that skips the lifespan (some test
clients do) gets it opened on the first request instead.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request

from recorded_server.emulator.faults import FaultStore
from recorded_server.emulator.rules.fixtures import read_fixture_file
from recorded_server.emulator.settings import Settings
from recorded_server.emulator.storage.sqlite import Storage
from recorded_server.serving import errors

log = logging.getLogger("recorded_server")

GC_FIRST_THRESHOLD = 2_000
"""The garbage collector's first threshold while an app is served (CPython's default is 700).

Each request allocates a few dozen containers and dozens of requests are in flight at once, so
with the default, young collections run every ~15 requests and promote live request objects,
and every second or so a full collection stops the loop for ~10 ms: about 12 µs of CPU per POST
and much of its p99 in the server benchmark; at 2,000 that is roughly halved. Higher values
save more but let cyclic garbage (an error's traceback holding a 64 KiB body) pile up: at
10,000 the resilience test's RSS grew by MBs where the default grows by ~0.2 MB."""


class Runtime:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.unhandled_errors = 0
        """Requests that ended in the last-resort 500 (a bug: tests assert it stays 0)."""
        self._storage: Storage | None = None
        self._lock = threading.Lock()
        self.fixtures_loaded = 0
        self.faults = FaultStore()
        """Faults on demand (``/_recorded/faults``): in memory, this process only."""

    @property
    def storage(self) -> Storage:
        """The open storage (opened now if the lifespan did not run)."""
        storage = self._storage
        if storage is None or storage.closed:
            with self._lock:
                if self._storage is None or self._storage.closed:
                    self.start()
                storage = self._storage
        assert storage is not None
        return storage

    def start(self) -> None:
        """Open the storage and load the fixtures file, if any (raises on failure)."""
        storage = Storage.open(self.settings.db)
        try:
            if self.settings.fixtures is not None:
                records = read_fixture_file(self.settings.fixtures)
                try:
                    self.fixtures_loaded = storage.put_many_blocking(records)
                except errors.ApiError as exc:
                    raise ValueError(
                        f"fixtures file {self.settings.fixtures}: {exc.errors[0][1][0]}"
                    ) from exc
                log.info(
                    "loaded %d fixture profile(s) from %s",
                    self.fixtures_loaded,
                    self.settings.fixtures,
                )
        except BaseException:
            storage.close()
            raise
        self._storage = storage

    def count_unhandled(self) -> None:
        self.unhandled_errors += 1

    def stop(self) -> None:
        with self._lock:
            if self._storage is not None:
                self._storage.close()
                self._storage = None

    @asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        with self._lock:
            self.start()
        restore_gc = _collect_less_often()
        try:
            yield
        finally:
            restore_gc()
            self.stop()


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def _collect_less_often() -> Callable[[], None]:
    """Raise the GC's first threshold to ``GC_FIRST_THRESHOLD`` unless the process already set
    it as high or disabled collection (0); returns what puts the previous one back (unless
    something changed it meanwhile)."""
    before = gc.get_threshold()
    if not 0 < before[0] < GC_FIRST_THRESHOLD:
        return lambda: None
    raised = (GC_FIRST_THRESHOLD, *before[1:])
    gc.set_threshold(*raised)

    def restore() -> None:
        if gc.get_threshold() == raised:
            gc.set_threshold(*before)

    return restore
