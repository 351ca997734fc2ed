"""Closing a connection without an answer, from inside the app (the ``disconnect`` fault).

ASGI has no message for "close the connection and send nothing": an app that returns without a
response gets a 500 from uvicorn, and an exception gets one too. So the server's HTTP protocol
(:class:`~recorded_server.serving.http_protocol.EnvelopeH11Protocol`) puts a callable in every
request scope, under ``scope["extensions"][DROP_EXTENSION]``, that closes that request's transport.
The app calls it, waits until uvicorn has seen the connection go (``http.disconnect``), and
returns: uvicorn then sends nothing and logs no error, and the client reads a closed connection
(httpx: ``RemoteProtocolError: Server disconnected without sending a response``).

A harness without the extension (an in-process ASGI client) gets :class:`ConnectionDropped`
raised instead: the nearest thing it has to a dropped connection.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["DROP_EXTENSION", "ConnectionDropped", "drop_connection", "with_drop_extension"]

DROP_EXTENSION: Final = "recorded_server.drop_connection"


class ConnectionDropped(Exception):
    """Raised to an in-process ASGI harness when a fault drops the connection."""


def with_drop_extension(
    app: ASGIApp, close: Callable[[], None], also: Mapping[str, object] | None = None
) -> ASGIApp:
    """``app`` with ``close`` (which closes this connection's transport) in every HTTP scope,
    and the extensions in ``also`` (added in the same step)."""
    added = {**(also or {}), DROP_EXTENSION: close}

    async def app_with_drop(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope["extensions"] = {**scope.get("extensions", {}), **added}
        await app(scope, receive, send)

    return app_with_drop


_MAX_DRAINED = 1 << 20


async def drop_connection(scope: Scope, receive: Receive) -> None:
    """Close the connection of this request without an answer (see the module's docstring)."""
    close = scope.get("extensions", {}).get(DROP_EXTENSION)
    if close is None:
        raise ConnectionDropped("the recorded server dropped this connection (a fault)")
    # Take in the request body first (up to the largest body a request may carry): bytes that
    # reach a socket after it is closed make the kernel answer with a reset, and the client
    # would read "connection reset" instead of a connection closed without an answer.
    taken = 0
    message = await receive()
    while message["type"] == "http.request" and message.get("more_body", False):
        taken += len(message.get("body", b""))
        if taken > _MAX_DRAINED:
            break
        message = await receive()
    close()
    while message["type"] != "http.disconnect":
        message = await receive()  # the rest of a request body that was already on its way
