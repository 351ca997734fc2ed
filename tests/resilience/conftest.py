"""Fixtures of the resilience suite: real ``recorded-server`` processes on loopback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from _resilience_env import API_KEY

from recorded_server.testing.process import ServerProcess


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    """One in-memory server shared by a test module."""
    proc = ServerProcess(db=":memory:", api_key=API_KEY)
    proc.start()
    try:
        yield proc
    finally:
        proc.close()


@pytest.fixture
def start_server() -> Iterator[Callable[..., ServerProcess]]:
    """Start servers (on a SQLite file, say) that are stopped or killed after the test."""
    started: list[ServerProcess] = []

    def start(db: Path | str = ":memory:") -> ServerProcess:
        proc = ServerProcess(db=str(db), api_key=API_KEY)
        proc.start()
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.close()
