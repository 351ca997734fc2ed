"""Applying the registered faults: after authentication, before routing and the endpoint.

A request that a fault answers with a status or a dropped connection (after its delay, if
any) never reaches the endpoint, so it changes nothing. A delay-only fault lets the request run
at once and holds its normal answer back: a slow answer whose work is done, as when a client
gives up on a create that happened. Requests under the inspection prefix are never faulted (a
test must always be able to look and to clear the faults).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from recorded_server.emulator.faults import fault_answer
from recorded_server.serving.dropping import drop_connection

if TYPE_CHECKING:
    from recorded_server.emulator.runtime import Runtime

__all__ = ["FaultMiddleware"]

_INSPECTION_PREFIX: Final = "/_recorded/"


class FaultMiddleware:
    """Takes each request's fault from ``runtime.faults`` (looked up per request)."""

    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(_INSPECTION_PREFIX):
            await self.app(scope, receive, send)
            return
        fault = self.runtime.faults.take(scope["method"], scope["path"])
        if fault is None:
            await self.app(scope, receive, send)
            return
        if fault.status is None and not fault.disconnect:
            assert fault.delay_ms is not None  # a fault always does something
            await self.app(scope, receive, _late(send, fault.delay_ms / 1000))
            return
        if fault.delay_ms is not None:
            await anyio.sleep(fault.delay_ms / 1000)
        if fault.disconnect:
            await drop_connection(scope, receive)
        else:
            await fault_answer(fault).response()(scope, receive, send)


def _late(send: Send, seconds: float) -> Send:
    """``send`` that holds the answer back ``seconds`` (the request itself runs at once)."""
    waited = False

    async def send_late(message: Message) -> None:
        nonlocal waited
        if not waited:
            waited = True
            await anyio.sleep(seconds)
        await send(message)

    return send_late
