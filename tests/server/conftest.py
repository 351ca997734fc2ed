"""Fixtures of the server tests.

``api`` is the server under test: the app in-process (httpx over ASGI) and, in modules marked
``pytest.mark.socket`` (what the HTTP layer does: headers, framing, auth, routing, faults, the
request lifecycle), also one real ``recorded-server serve`` process per test session over
loopback. Validation rules that a socket adds nothing to run in-process only. Both start from an
empty store, and both fail the test if a request reached the last-resort 500 handler.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from recorded_server import Settings, create_app
from recorded_server.emulator.runtime import Runtime
from recorded_server.testing.process import ServerProcess

from .helpers import AUTH, PATH

UNHANDLED = "unhandled exception"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@dataclass
class Target:
    """A server under test: ``client`` talks to it (base URL set), ``mode`` says how."""

    client: httpx.AsyncClient
    mode: str
    runtime: Runtime | None = None
    server: ServerProcess | None = None

    async def create(self, headers: dict[str, str], body: Any = None) -> httpx.Response:
        response = await self.client.post(PATH, headers=headers, json={} if body is None else body)
        assert response.status_code == 200, response.text
        return response

    async def stored(self, profile_id: str) -> dict[str, Any]:
        """The inspection API's StoredProfile."""
        response = await self.client.get(f"/_recorded/profiles/{profile_id}", headers=AUTH)
        assert response.status_code == 200, response.text
        stored: dict[str, Any] = response.json()
        return stored

    async def profiles(self) -> list[dict[str, Any]]:
        response = await self.client.get("/_recorded/profiles", headers=AUTH)
        assert response.status_code == 200, response.text
        profiles: list[dict[str, Any]] = response.json()["profiles"]
        return profiles


@asynccontextmanager
async def asgi_target(**settings: Any) -> AsyncIterator[Target]:
    app = create_app(Settings(**{"db": ":memory:", **settings}))
    runtime: Runtime = app.state.runtime
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield Target(client, "asgi", runtime=runtime)
    assert runtime.unhandled_errors == 0, "a request reached the last-resort 500 handler"


@asynccontextmanager
async def socket_target(server: ServerProcess, reset: bool = True) -> AsyncIterator[Target]:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        if reset:
            response = await client.delete("/_recorded/profiles", headers=server.headers)
            assert response.status_code == 204
        yield Target(client, "socket", server=server)
    assert UNHANDLED not in server.log(), server.log()


@asynccontextmanager
async def target_with(mode: str, reset: bool = True, **options: Any) -> AsyncIterator[Target]:
    """A target with non-default settings: an app, or a dedicated server process (emptied first
    unless ``reset=False``)."""
    if mode == "asgi":
        async with asgi_target(**options) as target:
            yield target
        return
    with ServerProcess(**{"db": ":memory:", **options}) as server:
        async with socket_target(server, reset=reset) as target:
            yield target


@pytest.fixture(scope="session")
def shared_server() -> Iterator[ServerProcess]:
    """One real server process for the whole session (per xdist worker)."""
    with ServerProcess(db=":memory:") as server:
        yield server


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``api`` and ``mode`` run in-process, and over a socket too in modules marked socket."""
    modes = ["asgi", "socket"] if metafunc.definition.get_closest_marker("socket") else ["asgi"]
    for name in ("api", "mode"):
        if name in metafunc.fixturenames:
            metafunc.parametrize(name, modes, indirect=True)


@pytest.fixture
async def api(request: pytest.FixtureRequest) -> AsyncIterator[Target]:
    """The server under test, in-process and over a real socket."""
    if request.param == "asgi":
        async with asgi_target() as target:
            yield target
    else:
        server: ServerProcess = request.getfixturevalue("shared_server")
        async with socket_target(server) as target:
            yield target


@pytest.fixture
def mode(request: pytest.FixtureRequest) -> str:
    """For tests that build their own target with :func:`target_with`."""
    return str(request.param)
