"""An ``httpx.Client`` that calls an ASGI application in-process, with its lifespan running.

httpx's own ``ASGITransport`` is async-only and runs no lifespan; Starlette's ``TestClient``
is deprecated with httpx. This is the small piece in between: an anyio blocking portal runs
the application's lifespan once, and a sync ``httpx.BaseTransport`` sends each request through
the portal, passing the lifespan's state into every request scope as ASGI 3 says.
"""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import Iterator
from typing import Any

import anyio
import httpx
from anyio.from_thread import BlockingPortal, start_blocking_portal

Message = dict[str, Any]

APP_EXCEPTION_HEADER = "x-contract-app-exception"
"""Added to a response when the application raised: a crash shows up as a 500 that says why."""


class LifespanError(RuntimeError):
    """The application's lifespan startup or shutdown failed."""


class _Lifespan:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.state: dict[str, Any] = {}
        self._to_app, self._app_inbox = anyio.create_memory_object_stream[Message](4)
        self._from_app, self._our_inbox = anyio.create_memory_object_stream[Message](4)

    async def run(self) -> None:
        scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": self.state}
        try:
            await self.app(scope, self._app_inbox.receive, self._from_app.send)
        except BaseException as exc:  # reported to whoever waits for startup or shutdown
            await self._from_app.send({"type": "lifespan.error", "message": repr(exc)})

    async def _step(self, name: str) -> None:
        await self._to_app.send({"type": f"lifespan.{name}"})
        message = await self._our_inbox.receive()
        if message["type"] != f"lifespan.{name}.complete":
            raise LifespanError(f"lifespan {name} failed: {message}")

    async def startup(self) -> None:
        await self._step("startup")

    async def shutdown(self) -> None:
        await self._step("shutdown")


class _PortalTransport(httpx.BaseTransport):
    def __init__(self, app: Any, portal: BlockingPortal, state: dict[str, Any]) -> None:
        self.app = app
        self.portal = portal
        self.state = state

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        status, headers, content = self.portal.call(self._call, request, body)
        return httpx.Response(status, headers=headers, content=content, request=request)

    async def _call(
        self, request: httpx.Request, body: bytes
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        url = request.url
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": request.method,
            "scheme": url.scheme,
            "path": url.path,
            "raw_path": url.raw_path.split(b"?")[0],
            "query_string": url.query,
            "root_path": "",
            "headers": [(name.lower(), value) for name, value in request.headers.raw],
            "client": ("127.0.0.1", 50000),
            "server": (url.host, url.port or 80),
            "state": dict(self.state),
        }
        sent_body = False
        status = 500
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []
        done = anyio.Event()

        async def receive() -> Message:
            nonlocal sent_body
            if not sent_body:
                sent_body = True
                return {"type": "http.request", "body": body, "more_body": False}
            await done.wait()
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    done.set()

        try:
            await self.app(scope, receive, send)
        except Exception as exc:  # what an ASGI server does: a 500, and the error in its log
            detail = traceback.format_exc()
            if not headers:
                status, chunks = 500, [detail.encode()]
            headers.append((APP_EXCEPTION_HEADER.encode(), repr(exc).encode()[:500]))
        finally:
            done.set()
        return status, headers, b"".join(chunks)


@contextlib.contextmanager
def asgi_transport(app: Any) -> Iterator[httpx.BaseTransport]:
    """A sync httpx transport to ``app``, its lifespan started first and shut down after.

    An exception inside the application becomes a 500 (as an ASGI server answers it) with the
    exception in the ``x-contract-app-exception`` header, so reports say what crashed.
    """
    with start_blocking_portal() as portal:
        lifespan = _Lifespan(app)
        task = portal.start_task_soon(lifespan.run)
        portal.call(lifespan.startup)
        try:
            yield _PortalTransport(app, portal, lifespan.state)
        finally:
            portal.call(lifespan.shutdown)
            task.result(timeout=10)


@contextlib.contextmanager
def asgi_client(app: Any, base_url: str = "http://testserver") -> Iterator[httpx.Client]:
    """A sync ``httpx.Client`` for ``app`` (see :func:`asgi_transport`)."""
    with (
        asgi_transport(app) as transport,
        httpx.Client(transport=transport, base_url=base_url, timeout=30) as client,
    ):
        yield client
