"""The inspection API for tests, outside Adapty's path and behind the same API key (health
aside): read everything stored for a profile, list profiles, reset the store, load fixtures."""

from __future__ import annotations

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from recorded_server.emulator.endpoints._common import Methods, json_response
from recorded_server.emulator.endpoints.faults import fault_routes
from recorded_server.emulator.records import stored_profile
from recorded_server.emulator.rules.body import parse_json, read_body
from recorded_server.emulator.rules.fixtures import fixture_catalogue, parse_fixtures
from recorded_server.emulator.rules.headers import check_content_type, first_header, is_uuid
from recorded_server.emulator.rules.limits import FIXTURES_BODY
from recorded_server.emulator.runtime import runtime_of
from recorded_server.emulator.storage.sqlite import Lookup
from recorded_server.serving import errors

PREFIX = "/_recorded"


async def health(request: Request) -> Response:
    return json_response({"status": "ok"})


def _page_parameter(request: Request, name: str, default: int, largest: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or int(raw) > largest:
        raise errors.bad_request(
            [(name, [f"Must be an integer from 0 to {largest}."])]  # 0 is fine for offset
        )
    return int(raw)


async def list_profiles(request: Request) -> Response:
    """Stored profiles in insertion order, a page at a time (``offset``, ``limit``); the body
    has ``next`` (the next page's path) only when more profiles follow."""
    runtime = runtime_of(request)
    page_size = runtime.limits.profiles_page_size
    offset = _page_parameter(request, "offset", 0, 2**62)
    limit = _page_parameter(request, "limit", page_size, page_size) or page_size
    records = await runtime.storage.page(offset, limit + 1)
    app_id = runtime.settings.app_id
    body: dict[str, object] = {
        "profiles": [stored_profile(record, app_id) for record in records[:limit]]
    }
    if len(records) > limit:
        body["next"] = f"{PREFIX}/profiles?offset={offset + limit}&limit={limit}"
    return json_response(body)


async def reset(request: Request) -> Response:
    """Empty the store, forget the faults, return the clock to real time and the catalogue to
    the startup one: the reset between tests."""
    runtime = runtime_of(request)
    await runtime.storage.clear()
    runtime.faults.clear()
    if runtime.clock.frozen is not None:
        await runtime.set_clock(None)
    if runtime.catalogue != runtime.startup_catalogue:
        await runtime.set_catalogue(runtime.startup_catalogue)
    return Response(status_code=204)


async def read_profile(request: Request) -> Response:
    runtime = runtime_of(request)
    profile_id = str(request.path_params["profile_id"])
    if not is_uuid(profile_id):
        raise errors.not_found()
    record = await runtime.storage.get(Lookup("profile_id", profile_id.lower()))
    if record is None:
        raise errors.not_found()
    return json_response(stored_profile(record, runtime.settings.app_id))


async def load_fixtures(request: Request) -> Response:
    runtime = runtime_of(request)
    limit = max(runtime.settings.max_body, FIXTURES_BODY)
    headers = request.scope["headers"]
    check_content_type(first_header(headers, b"content-type"))
    raw = await read_body(request.receive, first_header(headers, b"content-length"), limit)
    # Parsing and checking megabytes of fixtures takes seconds: not on the event loop.
    document = parse_json(raw)
    records = await anyio.to_thread.run_sync(lambda: parse_fixtures(document))
    loaded = await runtime.storage.put_many(records)
    catalogue = fixture_catalogue(document)
    if catalogue is not None:
        await runtime.set_catalogue(catalogue)
    return json_response({"loaded": loaded})


routes = [
    Route(f"{PREFIX}/health", Methods({"GET": health})),
    Route(f"{PREFIX}/profiles", Methods({"GET": list_profiles, "DELETE": reset})),
    Route(f"{PREFIX}/profiles/{{profile_id}}", Methods({"GET": read_profile})),
    Route(f"{PREFIX}/fixtures", Methods({"POST": load_fixtures})),
    *fault_routes,
]
