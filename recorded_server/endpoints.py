"""Small pieces every endpoint uses: per-method dispatch with 405, JSON bodies and responses."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from recorded_server import errors
from recorded_server.body import parse_json, read_body
from recorded_server.headers import check_content_type, first_header
from recorded_server.records import dumps
from recorded_server.storage import StorageFailure

log = logging.getLogger("recorded_server.storage")

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
    raw = await read_body(request.receive, first_header(headers, b"content-length"), max_body)
    return parse_json(raw)


def json_response(value: object, status: int = 200) -> Response:
    return Response(dumps(value).encode(), status_code=status, media_type="application/json")
