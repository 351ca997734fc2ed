"""Authentication before anything else: ``Authorization: Api-Key <key>`` on every route except
``GET /_recorded/health``. Runs before routing, so a bad key is 401 even on a 404 or 405 path."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from recorded_server.emulator.rules.headers import check_api_key, first_header

HEALTH_PATH = "/_recorded/health"


class ApiKeyMiddleware:
    def __init__(self, app: ASGIApp, api_key: str) -> None:
        self.app = app
        self.api_key = api_key.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not (
            scope["method"] == "GET" and scope["path"] == HEALTH_PATH
        ):
            problem = check_api_key(first_header(scope["headers"], b"authorization"), self.api_key)
            if problem is not None:
                await problem.response()(scope, receive, send)
                return
        await self.app(scope, receive, send)
