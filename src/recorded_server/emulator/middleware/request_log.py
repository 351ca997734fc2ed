"""The outermost layer: a Request-Id on every response, one log line per request, and the last
resort that turns an unexpected exception into an enveloped 500 (tests prove no input reaches it).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from recorded_server.serving import errors
from recorded_server.serving.dropping import ConnectionDropped
from recorded_server.serving.ids import new_request_id
from recorded_server.serving.log_output import direct_handler

access_log = logging.getLogger("recorded_server.access")
error_log = logging.getLogger("recorded_server.errors")

REQUEST_ID_SCOPE_KEY = "recorded_server.request_id"
_REDACTED = "[redacted]"


MAX_LOGGED_PATH = 200


def _printable(text: str, secret: str) -> str:
    """``text`` safe for a log line: the secret redacted, control characters escaped, cut to
    ``MAX_LOGGED_PATH`` characters."""
    if secret and secret in text:
        text = text.replace(secret, _REDACTED)
    if len(text) > MAX_LOGGED_PATH:
        text = f"{text[:MAX_LOGGED_PATH]}...({len(text)} chars)"
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


class RequestLogMiddleware:
    """Adds ``Request-Id`` (uuid4 hex) to every response and logs
    ``<request-id> <method> <path> <status> <duration>ms``; never the API key, never headers."""

    def __init__(self, app: ASGIApp, api_key: str, on_unhandled: Callable[[], None]) -> None:
        self.app = app
        self.api_key = api_key
        self.on_unhandled = on_unhandled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = new_request_id()
        scope[REQUEST_ID_SCOPE_KEY] = request_id
        header = (b"request-id", request_id.encode())
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except ConnectionDropped:  # a fault, in a harness that cannot drop (not a bug)
            raise
        except Exception:
            self.on_unhandled()
            error_log.exception("%s unhandled exception (answered 500); this is a bug", request_id)
            if status == 0:  # else a response had started: nothing sane to add to it
                response = errors.error_response(
                    500, "server_error", [(errors.NON_FIELD, [errors.SERVER_ERROR])]
                )
                await response(scope, receive, send_with_id)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                elapsed = (time.perf_counter() - started) * 1000
                method = _printable(scope["method"], self.api_key)
                path = _printable(scope["path"], self.api_key)
                handler = direct_handler(access_log)
                if handler is not None:
                    # The line logging would write, without a LogRecord, caller lookup and
                    # Formatter (~12 µs of a GET's ~140 µs of CPU); the same "%d %.1f" text.
                    handler.append_info(
                        access_log.name,
                        f"{request_id} {method} {path} {status:d} {elapsed:.1f}ms",
                    )
                else:
                    access_log.info("%s %s %s %d %.1fms", request_id, method, path, status, elapsed)
