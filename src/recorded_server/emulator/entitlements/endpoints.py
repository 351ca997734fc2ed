"""The purchase operations (grant, revoke, set transaction) and their inspection routes
(``/_recorded/catalogue``, ``/_recorded/clock``).

Order of checks, as on the profile endpoint: 401 (middleware) -> 405 -> 400 identity and
platform headers -> 415 -> 413 -> 400 body (parse, shape, then a transaction's documented rules)
-> 404 ``profile_does_not_exist`` -> the rules that need the catalogue or the stored profile.
Every change is one storage job, committed before the 200.
"""

from __future__ import annotations

import datetime
from collections.abc import Awaitable, Callable
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from recorded_server.emulator.endpoints._common import Methods, json_body, json_response
from recorded_server.emulator.entitlements.apply import granted, recorded, revoked
from recorded_server.emulator.entitlements.bodies import (
    validate_grant,
    validate_revoke,
    validate_transaction,
)
from recorded_server.emulator.entitlements.catalogue import parse_catalogue
from recorded_server.emulator.entitlements.dates import format_datetime, parse_request_datetime
from recorded_server.emulator.records import ProfileRecord, response_data
from recorded_server.emulator.rules.headers import identity
from recorded_server.emulator.runtime import Runtime, runtime_of
from recorded_server.emulator.storage import Lookup, NotFound
from recorded_server.serving import errors

GRANT_PATH = "/api/v2/server-side-api/purchase/profile/grant/access-level/"
REVOKE_PATH = "/api/v2/server-side-api/purchase/profile/revoke/access-level/"
TRANSACTION_PATH = "/api/v2/server-side-api/purchase/set/transaction/"
PURCHASE_PATHS = (GRANT_PATH, REVOKE_PATH, TRANSACTION_PATH)
_Body = TypeVar("_Body")


def profile_does_not_exist() -> errors.ApiError:
    return errors.ApiError(404, "profile_does_not_exist", [(None, ["Profile not found"])])


def _lookup(request: Request, runtime: Runtime) -> Lookup:
    who = identity(request.scope["headers"], runtime.limits)
    if who.profile_id is not None:
        return Lookup("profile_id", who.profile_id)
    assert who.customer_user_id is not None
    return Lookup("customer_user_id", who.customer_user_id)


async def _change(
    runtime: Runtime, lookup: Lookup, change: Callable[[ProfileRecord], ProfileRecord]
) -> Response:
    try:
        record = await runtime.storage.update(lookup, change)
    except NotFound:
        raise profile_does_not_exist() from None
    data = response_data(record, runtime.settings.app_id, runtime.clock.now_ms())
    return json_response({"data": data})


def _purchase(
    validate: Callable[[object], _Body],
    apply: Callable[[ProfileRecord, _Body, Runtime, datetime.datetime], ProfileRecord],
) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint that validates its body, then changes the profile with ``apply`` in one
    storage job; the clock is read once, before the job."""

    async def endpoint(request: Request) -> Response:
        runtime = runtime_of(request)
        lookup = _lookup(request, runtime)
        body = validate(await json_body(request, runtime.settings.max_body))
        now = runtime.clock.now()
        return await _change(runtime, lookup, lambda record: apply(record, body, runtime, now))

    return endpoint


grant_access_level = _purchase(
    validate_grant, lambda record, grant, rt, now: granted(record, grant, rt.catalogue, now)
)
revoke_access_level = _purchase(
    validate_revoke, lambda record, revoke, rt, now: revoked(record, revoke, rt.catalogue, now)
)
set_transaction = _purchase(
    validate_transaction,
    lambda record, transaction, rt, now: recorded(
        record,
        transaction,
        rt.catalogue,
        rt.settings.rates,
        rt.settings.unknown_product_access,
        now,
    ),
)


# --- inspection: the catalogue and the clock -------------------------------------------------


async def read_catalogue(request: Request) -> Response:
    return json_response(runtime_of(request).catalogue.as_json())


async def put_catalogue(request: Request) -> Response:
    runtime = runtime_of(request)
    catalogue = parse_catalogue(await json_body(request, runtime.settings.max_body))
    await runtime.set_catalogue(catalogue)
    return json_response(catalogue.as_json())


def _clock_body(runtime: Runtime) -> dict[str, object]:
    frozen = runtime.clock.frozen
    return {
        "now": format_datetime(runtime.clock.now()),
        "frozen": frozen is not None,
    }


async def read_clock(request: Request) -> Response:
    return json_response(_clock_body(runtime_of(request)))


async def put_clock(request: Request) -> Response:
    """``{"now": RFC 3339}``: freeze the server's time there."""
    runtime = runtime_of(request)
    body = await json_body(request, runtime.settings.max_body)
    if not isinstance(body, dict) or set(body) != {"now"}:
        raise errors.bad_request([(errors.NON_FIELD, ['Expected {"now": an RFC 3339 date-time}.'])])
    value = body["now"]
    moment = parse_request_datetime(value) if isinstance(value, str) else None
    if moment is None:
        raise errors.bad_request(
            [("now", ["Must be an RFC 3339 date-time, such as 2030-01-01T00:00:00Z."])]
        )
    await runtime.set_clock(moment)
    return json_response(_clock_body(runtime))


async def release_clock(request: Request) -> Response:
    """Back to real time."""
    runtime = runtime_of(request)
    await runtime.set_clock(None)
    return json_response(_clock_body(runtime))


purchase_routes = [
    Route(GRANT_PATH, Methods({"POST": grant_access_level})),
    Route(REVOKE_PATH, Methods({"POST": revoke_access_level})),
    Route(TRANSACTION_PATH, Methods({"POST": set_transaction})),
]
inspection_routes = [
    Route("/_recorded/catalogue", Methods({"GET": read_catalogue, "PUT": put_catalogue})),
    Route(
        "/_recorded/clock", Methods({"GET": read_clock, "PUT": put_clock, "DELETE": release_clock})
    ),
]
