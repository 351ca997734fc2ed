"""Methods, paths and the Request-Id header."""

from __future__ import annotations

import asyncio

import pytest

from .conftest import Target
from .helpers import (
    AUTH,
    NOT_FOUND,
    PATH,
    assert_error,
    assert_request_id,
    envelope,
    who,
)

pytestmark = [pytest.mark.anyio, pytest.mark.socket]


def not_allowed(method: str) -> dict[str, object]:
    return envelope(
        405, "method_not_allowed", ("non_field_errors", [f'Method "{method}" not allowed.'])
    )


@pytest.mark.parametrize("method", ["PUT", "OPTIONS", "TRACE", "CONNECT", "FOO"])
async def test_other_methods_on_the_profile_path_are_405_with_allow(
    api: Target, method: str
) -> None:
    response = await api.client.request(method, PATH, headers=who("c1"))
    assert_error(response, not_allowed(method))
    assert response.headers["allow"] == "GET, POST, PATCH, DELETE"


async def test_head_is_405_too(api: Target) -> None:
    response = await api.client.head(PATH, headers=who("c1"))
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST, PATCH, DELETE"
    assert_request_id(response)


async def test_405_comes_before_header_checks(api: Target) -> None:
    # No identity header and a bad platform: the method is still the first complaint.
    response = await api.client.put(
        PATH, headers={**AUTH, "adapty-platform": "Windows", "Content-Type": "text/plain"}
    )
    assert_error(response, not_allowed("PUT"))


@pytest.mark.parametrize(
    ("path", "method", "allow"),
    [
        ("/_recorded/health", "POST", "GET"),
        ("/_recorded/profiles", "POST", "GET, DELETE"),
        ("/_recorded/profiles/5b1b8c1e-1f4c-4d1e-9a55-0d9c2b1e7a01", "DELETE", "GET"),
        ("/_recorded/fixtures", "GET", "POST"),
    ],
)
async def test_inspection_routes_answer_405_with_allow(
    api: Target, path: str, method: str, allow: str
) -> None:
    response = await api.client.request(method, path, headers=AUTH)
    assert_error(response, not_allowed(method))
    assert response.headers["allow"] == allow


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/api/v2/server-side-api/profile",  # no trailing slash: another path, not a redirect
        "/api/v2/server-side-api/profile/extra",
        "/api/v2/server-side-api/profile//",
        "/api/v1/server-side-api/profile/",
        "/API/V2/SERVER-SIDE-API/PROFILE/",
        "/_recorded",
        "/_recorded/unknown",
        "/_recorded/health/",
    ],
)
async def test_unknown_paths_are_404_not_found_after_auth(api: Target, path: str) -> None:
    response = await api.client.get(path, headers=AUTH)
    assert_error(response, NOT_FOUND)


async def test_query_string_is_ignored(api: Target) -> None:
    await api.create(who("q1"))
    response = await api.client.get(PATH + "?x=1&customer_user_id=zzz", headers=who("q1"))
    assert response.status_code == 200


async def test_every_response_has_a_unique_request_id(api: Target) -> None:
    responses = [
        await api.client.post(PATH, headers=who("rid"), json={}),  # 200
        await api.client.post(PATH, headers=who("rid"), json={}),  # 409
        await api.client.get(PATH, headers=who("missing")),  # 404
        await api.client.get(PATH),  # 401
        await api.client.put(PATH, headers=AUTH),  # 405
        await api.client.get("/nowhere", headers=AUTH),  # 404 from routing
        await api.client.post(PATH, headers=AUTH, json={}),  # 400
        await api.client.post(PATH, headers={**who("x"), "Content-Type": "text/plain"}),  # 415
        await api.client.post(PATH, headers=who("x"), content=b"x" * 70000),  # 413
        await api.client.delete(PATH, headers=who("rid")),  # 204
        await api.client.get("/_recorded/health"),
    ]
    statuses = [r.status_code for r in responses]
    assert statuses == [200, 409, 404, 401, 405, 404, 400, 415, 413, 204, 200]
    ids = [assert_request_id(r) for r in responses]
    assert len(set(ids)) == len(ids)


async def test_request_ids_stay_unique_under_concurrency(api: Target) -> None:
    responses = await asyncio.gather(
        *(api.client.get(PATH, headers=who(f"c{i}")) for i in range(50))
    )
    ids = {assert_request_id(r) for r in responses}
    assert len(ids) == 50


# --- the profile path's own way through the app ---------------------------------------------


async def test_the_profile_path_goes_through_the_apps_middleware_as_configured() -> None:
    """The profile path skips Starlette's router, not the app's middleware: a layer swapped
    into ``user_middleware`` before the first request (as the mutants do) sees profile
    requests as well as the others."""
    import httpx
    from starlette.middleware import Middleware
    from starlette.types import ASGIApp, Receive, Scope, Send

    from recorded_server.emulator.app import create_app
    from recorded_server.emulator.settings import Settings

    seen: list[str] = []

    class Seen:
        def __init__(self, app: ASGIApp) -> None:
            self.app = app

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            seen.append(scope["path"])
            await self.app(scope, receive, send)

    app = create_app(Settings(db=":memory:"))
    app.user_middleware = [*app.user_middleware, Middleware(Seen)]
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as client,
    ):
        created = await client.post(PATH, headers=who("mw"), json={})
        health = await client.get("/_recorded/health")
    assert (created.status_code, health.status_code) == (200, 200)
    assert seen == [PATH, "/_recorded/health"]


def test_a_json_bytes_response_has_starlettes_headers() -> None:
    from starlette.responses import Response

    from recorded_server.emulator.endpoints._common import JSONBytesResponse

    for body, status in ((b'{"data":{}}', 200), (b"", 201), (b"{}" * 5000, 400)):
        ours = JSONBytesResponse(body, status)
        theirs = Response(body, status_code=status, media_type="application/json")
        assert (ours.status_code, ours.body, ours.raw_headers, ours.background) == (
            theirs.status_code,
            theirs.body,
            theirs.raw_headers,
            theirs.background,
        )
        assert ours.headers == theirs.headers


def test_runtime_of_finds_the_apps_runtime() -> None:
    from starlette.applications import Starlette
    from starlette.requests import Request

    from recorded_server.emulator.app import create_app
    from recorded_server.emulator.runtime import Runtime, runtime_of
    from recorded_server.emulator.settings import Settings

    app = create_app(Settings(db=":memory:"))
    assert runtime_of(Request({"type": "http", "app": app})) is app.state.runtime
    other = Starlette()  # an app create_app did not make: its state is asked
    other.state.runtime = Runtime(Settings(db=":memory:"))
    assert runtime_of(Request({"type": "http", "app": other})) is other.state.runtime
