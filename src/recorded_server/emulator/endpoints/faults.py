"""The fault API, part of the inspection API: ``/_recorded/faults``.

- ``POST /_recorded/faults``: register one fault (a JSON object); 201 with the fault and its id.
- ``GET /_recorded/faults``: every registered fault, in order, with ``remaining`` uses.
- ``DELETE /_recorded/faults``: forget them all (so does ``DELETE /_recorded/profiles``).
- ``DELETE /_recorded/faults/{id}``: forget one (404 when there is no such fault).
"""

from __future__ import annotations

from typing import Final

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from recorded_server.emulator.endpoints._common import Methods, json_body, json_response
from recorded_server.emulator.endpoints.profile import PROFILE_PATH
from recorded_server.emulator.faults import parse_fault
from recorded_server.emulator.runtime import runtime_of
from recorded_server.serving import errors

__all__ = ["FAULTS_PATH", "fault_routes"]

FAULTS_PATH: Final = "/_recorded/faults"


def _faultable_paths(routes: list[BaseRoute]) -> set[str]:
    """The paths of the server's own routes, the inspection API's aside."""
    return {
        route.path
        for route in routes
        if isinstance(route, Route) and not route.path.startswith("/_recorded")
    }


async def add_fault(request: Request) -> Response:
    runtime = runtime_of(request)
    document = await json_body(request, runtime.settings.max_body)
    fault = parse_fault(document, _faultable_paths(request.app.routes), PROFILE_PATH)
    return json_response(runtime.faults.add(fault).as_json(), status=201)


async def list_faults(request: Request) -> Response:
    faults = runtime_of(request).faults.all()
    return json_response({"faults": [fault.as_json() for fault in faults]})


async def clear_faults(request: Request) -> Response:
    runtime_of(request).faults.clear()
    return Response(status_code=204)


async def remove_fault(request: Request) -> Response:
    text = str(request.path_params["fault_id"])
    if not (text.isascii() and text.isdigit() and len(text) < 19):
        raise errors.not_found()
    if not runtime_of(request).faults.remove(int(text)):
        raise errors.not_found()
    return Response(status_code=204)


fault_routes: Final = [
    Route(FAULTS_PATH, Methods({"GET": list_faults, "POST": add_fault, "DELETE": clear_faults})),
    Route(f"{FAULTS_PATH}/{{fault_id}}", Methods({"DELETE": remove_fault})),
]
