"""What an app instance holds while it runs: its settings and its storage.

The storage opens in the app's lifespan; an ASGI harness that skips the lifespan (some test
clients do) gets it opened on the first request instead.
"""

from __future__ import annotations

import datetime
import json
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request

from recorded_server.emulator.entitlements.catalogue import (
    DEFAULT_CATALOGUE,
    Catalogue,
    parse_catalogue,
)
from recorded_server.emulator.entitlements.clock import Clock
from recorded_server.emulator.entitlements.dates import format_datetime, read_stored
from recorded_server.emulator.faults import FaultStore
from recorded_server.emulator.rules.fixtures import read_fixture_catalogue, read_fixture_file
from recorded_server.emulator.settings import Settings
from recorded_server.emulator.storage import Conflict, Storage
from recorded_server.serving import errors
from recorded_server.serving.jsontext import dumps

log = logging.getLogger("recorded_server")
CATALOGUE_KEY = "catalogue"
CLOCK_KEY = "clock"


class Runtime:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.limits = settings.limits
        """The profile rules' numbers, built once from the settings."""
        self.unhandled_errors = 0
        """Requests that ended in the last-resort 500 (a bug: tests assert it stays 0)."""
        self._storage: Storage | None = None
        self._lock = threading.Lock()
        self.fixtures_loaded = 0
        self.faults = FaultStore()
        """Faults on demand (``/_recorded/faults``): in memory, this process only."""
        self.clock = Clock()
        """The server's clock (``/_recorded/clock``); stored in SQLite, read from memory."""
        self.catalogue: Catalogue = DEFAULT_CATALOGUE
        """The app's access levels and products (``/_recorded/catalogue``); stored in SQLite."""
        self.startup_catalogue: Catalogue = DEFAULT_CATALOGUE
        """The fixtures file's catalogue (or the default): what a reset goes back to."""

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
                except Conflict as exc:
                    raise ValueError(f"fixtures file {self.settings.fixtures}: {exc}") from exc
                log.info(
                    "loaded %d fixture profile(s) from %s",
                    self.fixtures_loaded,
                    self.settings.fixtures,
                )
                catalogue = read_fixture_catalogue(self.settings.fixtures)
                if catalogue is not None:
                    self.startup_catalogue = catalogue
                    storage.put_state_blocking(CATALOGUE_KEY, dumps(catalogue.as_json()))
            self._load_state(storage)
        except BaseException:
            storage.close()
            raise
        self._storage = storage

    def _load_state(self, storage: Storage) -> None:
        """The catalogue and the clock as the database keeps them (a restart keeps both)."""
        stored = storage.get_state_blocking(CATALOGUE_KEY)
        try:
            if stored is not None:
                self.catalogue = parse_catalogue(json.loads(stored))
            frozen = storage.get_state_blocking(CLOCK_KEY)
            self.clock.freeze(read_stored(json.loads(frozen)) if frozen is not None else None)
        except (ValueError, errors.ApiError) as exc:
            raise ValueError(f"database {storage.path}: unreadable app state: {exc}") from exc

    async def set_catalogue(self, catalogue: Catalogue) -> None:
        await self.storage.put_state(CATALOGUE_KEY, dumps(catalogue.as_json()))
        self.catalogue = catalogue

    async def set_clock(self, moment: datetime.datetime | None) -> None:
        value = None if moment is None else dumps(format_datetime(moment))
        await self.storage.put_state(CLOCK_KEY, value)
        self.clock.freeze(moment)

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
        try:
            yield
        finally:
            self.stop()


RUNTIME_ATTRIBUTE = "recorded_server_runtime"
"""The attribute of the app that :func:`runtime_of` reads first (``create_app`` sets it beside
``app.state.runtime``: a plain attribute, where ``state`` is a ``__getattr__`` per request)."""


def runtime_of(request: Request) -> Runtime:
    app = request.scope["app"]
    runtime: Runtime | None = app.__dict__.get(RUNTIME_ATTRIBUTE)
    if runtime is None:  # an app not made by create_app
        runtime = app.state.runtime
    return runtime
