"""The Starlette application: routes, middleware and error handling."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from recorded_server.emulator.endpoints import inspection
from recorded_server.emulator.endpoints.profile import PROFILE_PATH, profile_endpoint
from recorded_server.emulator.entitlements.endpoints import inspection_routes, purchase_routes
from recorded_server.emulator.middleware.auth import ApiKeyMiddleware
from recorded_server.emulator.middleware.faults import FaultMiddleware
from recorded_server.emulator.middleware.request_log import RequestLogMiddleware
from recorded_server.emulator.runtime import RUNTIME_ATTRIBUTE, Runtime
from recorded_server.emulator.settings import Settings
from recorded_server.serving import errors


def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, errors.ApiError)
    return exc.response()


def _http_error(request: Request, exc: Exception) -> Response:
    """Routing's own errors (an unknown path) in the contract's envelope."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return errors.not_found().response()
    return errors.error_response(
        exc.status_code, "error", [(errors.NON_FIELD, [str(exc.detail)])], exc.headers
    )


class _App(Starlette):
    """Starlette, with the paths in ``direct`` served past its own layers: a request for one of
    them goes through the app's middleware (``user_middleware``, the same classes and arguments,
    built beside Starlette's stack) straight to its endpoint, past Starlette's server-error
    middleware, exception middleware, router and route. An endpoint of these paths answers every
    method and every error itself (:class:`~.endpoints._common.Methods`), and
    :class:`~.middleware.request_log.RequestLogMiddleware` answers what escapes it with the
    enveloped 500, as the server-error middleware would. Any other request takes Starlette's
    way. The same request costs a tenth fewer instructions on a GET of a profile."""

    def __init__(self, *, direct: dict[str, ASGIApp], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.direct = direct
        self._direct_stacks: dict[str, ASGIApp] = {}

    def build_middleware_stack(self) -> ASGIApp:
        stack = super().build_middleware_stack()
        direct: dict[str, ASGIApp] = {}
        for path, endpoint in self.direct.items():
            app = endpoint
            for cls, args, kwargs in reversed(self.user_middleware):
                app = cls(app, *args, **kwargs)
            direct[path] = app
        self._direct_stacks = direct
        return stack

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope["app"] = self
        if self.middleware_stack is None:
            self.middleware_stack = self.build_middleware_stack()
        if scope["type"] == "http":
            direct = self._direct_stacks.get(scope["path"])
            if direct is not None:
                await direct(scope, receive, send)
                return
        await self.middleware_stack(scope, receive, send)


def create_app(settings: Settings | None = None) -> Starlette:
    """The recorded server as an ASGI app; its storage opens in the lifespan (or on the first
    request when the harness runs no lifespan) and closes with it."""
    settings = settings if settings is not None else Settings()
    runtime = Runtime(settings)
    app = _App(
        direct={PROFILE_PATH: profile_endpoint},
        routes=[
            Route(PROFILE_PATH, profile_endpoint),
            *purchase_routes,
            *inspection.routes,
            *inspection_routes,
        ],
        middleware=[
            Middleware(
                RequestLogMiddleware,
                api_key=settings.api_key,
                on_unhandled=runtime.count_unhandled,
            ),
            Middleware(ApiKeyMiddleware, api_key=settings.api_key),
            Middleware(FaultMiddleware, runtime=runtime),
        ],
        exception_handlers={errors.ApiError: _api_error, HTTPException: _http_error},
        lifespan=runtime.lifespan,
    )
    app.router.redirect_slashes = False  # "/profile" is another path: 404, not a redirect
    app.state.settings = settings
    app.state.runtime = runtime
    setattr(app, RUNTIME_ATTRIBUTE, runtime)  # what runtime_of reads first (a plain attribute)
    return app
