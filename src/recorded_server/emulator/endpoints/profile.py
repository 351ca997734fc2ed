"""The profile endpoint, ``/api/v2/server-side-api/profile/``: POST, GET, PATCH and DELETE.

Order of checks (the contract's): 401 (in :mod:`..middleware.auth`, before routing) -> 405
(in :class:`._common.Methods`) -> 400 identity and platform headers -> 415 -> 413 -> 400 body
(parse, then validation) -> 404 / 409 and the rules that need the stored profile.

A POST with both identity headers attaches the ``customer_user_id`` to the existing anonymous
profile (Adapty's create page): 404 when it does not exist, then 409 when the
``customer_user_id`` belongs to another profile or the profile already has one, then the body
applied as PATCH applies it; all in one storage job, so concurrent attaches have one winner.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from recorded_server.emulator import profiles
from recorded_server.emulator.endpoints._common import JSONBytesResponse, Methods, json_body
from recorded_server.emulator.profiles import new_profile, updated_profile
from recorded_server.emulator.records import ProfileRecord, answer_body
from recorded_server.emulator.rules.headers import Identity, identity
from recorded_server.emulator.rules.validation import validate_profile_body
from recorded_server.emulator.runtime import Runtime, runtime_of
from recorded_server.emulator.storage.sqlite import Lookup
from recorded_server.serving import errors
from recorded_server.serving.ids import new_uuid4_text

PROFILE_PATH = "/api/v2/server-side-api/profile/"


def _lookup(who: Identity) -> Lookup:
    """``adapty-profile-id`` names the profile when sent; else ``adapty-customer-user-id``."""
    if who.profile_id is not None:
        return Lookup("profile_id", who.profile_id)
    assert who.customer_user_id is not None  # identity() guarantees one of the two
    return Lookup("customer_user_id", who.customer_user_id)


def _answer(runtime: Runtime, record: ProfileRecord) -> Response:
    body = answer_body(record, runtime.settings.app_id, runtime.clock.now_ms())
    return JSONBytesResponse(body)


async def create_profile(request: Request) -> Response:
    runtime = runtime_of(request)
    who = identity(request.scope["headers"], runtime.limits)
    body = await json_body(request, runtime.settings.max_body)
    changes = validate_profile_body(body, "create", runtime.limits)
    if who.profile_id is not None and who.customer_user_id is not None:
        # Both headers: attach the customer_user_id to that (anonymous) profile.
        customer_user_id = who.customer_user_id
        record = await runtime.storage.attach(
            who.profile_id,
            customer_user_id,
            lambda stored: profiles.attached_profile(
                stored, changes, customer_user_id, runtime.limits
            ),
        )
        return _answer(runtime, record)
    profile_id = who.profile_id if who.profile_id is not None else new_uuid4_text()
    record = new_profile(changes, profile_id, who.customer_user_id, runtime.limits)
    await runtime.storage.insert(record)
    return _answer(runtime, record)


async def read_profile(request: Request) -> Response:
    runtime = runtime_of(request)
    who = identity(request.scope["headers"], runtime.limits)
    record = await runtime.storage.get(_lookup(who))
    if record is None:
        raise errors.not_found()
    return _answer(runtime, record)


async def update_profile(request: Request) -> Response:
    runtime = runtime_of(request)
    who = identity(request.scope["headers"], runtime.limits)
    body = await json_body(request, runtime.settings.max_body)
    changes = validate_profile_body(body, "update", runtime.limits)
    record = await runtime.storage.update(
        _lookup(who), lambda stored: updated_profile(stored, changes, runtime.limits)
    )
    return _answer(runtime, record)


async def delete_profile(request: Request) -> Response:
    runtime = runtime_of(request)
    who = identity(request.scope["headers"], runtime.limits)
    if not await runtime.storage.delete(_lookup(who)):
        raise errors.not_found()
    return Response(status_code=204)


profile_endpoint = Methods(
    {
        "GET": read_profile,
        "POST": create_profile,
        "PATCH": update_profile,
        "DELETE": delete_profile,
    }
)
