"""Small pieces every endpoint uses: per-method dispatch with 405, JSON bodies and responses."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from recorded_server.emulator.rules.body import parse_json, read_body
from recorded_server.emulator.rules.headers import (
    CUSTOMER_USER_ID,
    PROFILE_ID,
    check_content_type,
    first_header,
)
from recorded_server.emulator.storage import Conflict, NotFound, StorageFailure
from recorded_server.serving import errors
from recorded_server.serving.body_received import body_received_check
from recorded_server.serving.jsontext import dumps_bytes

log = logging.getLogger("recorded_server.storage")

_HEADER_OF_COLUMN = {"profile_id": PROFILE_ID, "customer_user_id": CUSTOMER_USER_ID}
"""The request header that carries each unique column (the source of a 409)."""

Handler = Callable[[Request], Awaitable[Response]]


class Methods:
    """An ASGI endpoint that answers the methods it has handlers for, in the order given, and
    405 with ``Allow`` to any other (HEAD and OPTIONS included)."""

    def __init__(self, handlers: Mapping[str, Handler]) -> None:
        self.handlers = dict(handlers)
        self.allowed = tuple(handlers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler = self.handlers.get(scope["method"])
        try:
            if handler is None:
                raise errors.method_not_allowed(scope["method"], self.allowed)
            try:
                response = await handler(Request(scope, receive, send))
            except NotFound:
                raise errors.not_found() from None
            except Conflict as exc:
                raise errors.already_exists(_HEADER_OF_COLUMN[exc.column]) from None
            except StorageFailure as exc:
                log.error("storage failure (answered 503): %s", exc)
                raise errors.storage_unavailable() from exc
        except errors.ApiError as exc:
            response = exc.response()
        await response(scope, receive, send)


async def json_body(request: Request, max_body: int) -> object:
    """The request's JSON body, after the checks that come before it: 415, then 413."""
    headers = request.scope["headers"]
    check_content_type(first_header(headers, b"content-type"))
    raw = await read_body(
        request.receive,
        first_header(headers, b"content-length"),
        max_body,
        received=body_received_check(request.scope),
    )
    return parse_json(raw)


class JSONBytesResponse(Response):
    """A ``Response`` of JSON text already made: the headers ``Response`` would give it
    (``content-length``, then ``content-type: application/json``), made directly instead of by
    its header logic for any media type and any extra headers (a few µs off every answer)."""

    media_type = "application/json"

    def __init__(self, body: bytes, status_code: int = 200) -> None:
        self.status_code = status_code
        self.background = None
        self.body = body
        self.raw_headers = [
            (b"content-length", b"%d" % len(body)),
            (b"content-type", b"application/json"),
        ]


def json_response(value: object, status: int = 200) -> Response:
    return JSONBytesResponse(dumps_bytes(value), status)
