"""The inspection API for tests, outside Adapty's path and behind the same API key (health
aside): read everything stored for a profile, list profiles, reset the store, load fixtures."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from recorded_server import errors, limits
from recorded_server.endpoints import Methods, json_body, json_response
from recorded_server.fault_api import fault_routes
from recorded_server.fixture_loader import parse_fixtures
from recorded_server.headers import is_uuid
from recorded_server.records import stored_profile
from recorded_server.runtime import runtime_of
from recorded_server.storage import Lookup

PREFIX = "/_recorded"


async def health(request: Request) -> Response:
    return json_response({"status": "ok"})


async def list_profiles(request: Request) -> Response:
    runtime = runtime_of(request)
    records = await runtime.storage.all()
    app_id = runtime.settings.app_id
    return json_response({"profiles": [stored_profile(record, app_id) for record in records]})


async def reset(request: Request) -> Response:
    """Empty the store, and forget the faults: the reset between tests."""
    runtime = runtime_of(request)
    await runtime.storage.clear()
    runtime.faults.clear()
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
    limit = max(runtime.settings.max_body, limits.MAX_FIXTURES_BODY)
    records = parse_fixtures(await json_body(request, limit))
    loaded = await runtime.storage.put_many(records)
    return json_response({"loaded": loaded})


routes = [
    Route(f"{PREFIX}/health", Methods({"GET": health})),
    Route(f"{PREFIX}/profiles", Methods({"GET": list_profiles, "DELETE": reset})),
    Route(f"{PREFIX}/profiles/{{profile_id}}", Methods({"GET": read_profile})),
    Route(f"{PREFIX}/fixtures", Methods({"POST": load_fixtures})),
    *fault_routes,
]
