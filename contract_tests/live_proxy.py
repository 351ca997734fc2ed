"""Schemathesis's way to a live target: an ASGI application that forwards to the guarded client.

Schemathesis sends some requests on its own (the probes of ``ignored_auth``, the coverage
phase's unsupported methods), with its own HTTP session when it is given a URL. Given an
application instead, it sends every one of them to that application, as it does in-process.
So in live mode Schemathesis gets this one: each request it makes is forwarded through the
live target's ``httpx.Client``, whose transport is the run's guard (``live_guard``).
"""

from __future__ import annotations

from typing import Any, Final

import httpx

__all__ = ["LiveProxy"]

_DROPPED_REQUEST: Final = {b"host", b"content-length", b"transfer-encoding", b"connection"}
_DROPPED_RESPONSE: Final = {"content-length", "content-encoding", "transfer-encoding", "connection"}


class LiveProxy:
    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                kind = message["type"].removeprefix("lifespan.")
                await send({"type": f"lifespan.{kind}.complete"})
                if kind == "shutdown":
                    return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        had_length = any(name.lower() == b"content-length" for name, _ in scope["headers"])
        headers = [
            (name, value)
            for name, value in scope["headers"]
            if name.lower() not in _DROPPED_REQUEST
        ]
        target: bytes = scope.get("raw_path") or scope["path"].encode("utf-8")
        if scope.get("query_string"):
            target += b"?" + scope["query_string"]
        request = self.client.build_request(
            scope["method"],
            target.decode("latin-1"),
            headers=headers,
            content=body if body or had_length else None,
        )
        # Blocking on purpose: Schemathesis sends one request at a time, and the guard paces them.
        response = self.client.send(request)
        content = response.content
        out = [
            (name, value)
            for name, value in response.headers.raw
            if name.decode("latin-1").lower() not in _DROPPED_RESPONSE
        ]
        out.append((b"content-length", str(len(content)).encode("ascii")))
        await send({"type": "http.response.start", "status": response.status_code, "headers": out})
        await send({"type": "http.response.body", "body": content})
