"""Helpers for the cassette tests: a tiny upstream over a real socket, CLI subprocesses."""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from recorded_server.serving.listen import bind_socket

ROOT = Path(__file__).resolve().parents[2]


_LISTENING = re.compile(rb"listening on http://\S+:(\d+)")
"""The line every ``recorded-server`` command prints once it listens (``--port 0``: the port)."""


def closed_port() -> int:
    """A port nothing listens on (for an upstream that is down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class _Upstream:
    """An echo upstream: answers with what it received, plus a few special paths."""

    def __init__(self) -> None:
        self.received: list[dict[str, object]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        body = await request.body()
        seen = {
            "method": request.method,
            "raw_path": scope["raw_path"].decode("latin-1"),
            "query": scope["query_string"].decode("latin-1"),
            "headers": [[n.decode("latin-1"), v.decode("latin-1")] for n, v in scope["headers"]],
            "body": body.decode("utf-8", "replace"),
        }
        self.received.append(seen)
        path = request.url.path
        if path == "/slow":
            await asyncio.sleep(float(request.query_params.get("seconds", "3")))
        status = int(request.query_params.get("status", "200"))
        if path == "/gzip":
            compressed = gzip.compress(json.dumps({"compressed": True, "text": "x" * 200}).encode())
            response = Response(
                compressed,
                status_code=status,
                media_type="application/json",
                headers={"content-encoding": "gzip"},
            )
        elif path == "/profile":
            payload = json.dumps(
                {"data": {"email": "jane@example.com", "phone_number": "+1234", "keep": "yes"}}
            ).encode()
            response = Response(payload, status_code=status, media_type="application/json")
        elif path == "/empty":
            response = Response(status_code=204)
        else:
            response = Response(
                json.dumps(seen).encode(), status_code=status, media_type="application/json"
            )
        response.raw_headers.extend(
            [
                (b"request-id", os.urandom(16).hex().encode()),
                (b"x-upstream", b"echo"),
                (b"set-cookie", b"a=1"),
                (b"set-cookie", b"b=2"),
            ]
        )
        await response(scope, receive, send)


class ThreadedServer:
    """An ASGI app served by uvicorn on a real socket, in a thread of this process."""

    def __init__(self, app: Starlette) -> None:
        self.socket = bind_socket("127.0.0.1", 0)  # the port is ours from here on: no race
        self.port: int = self.socket.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ThreadedServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the upstream did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()


@pytest.fixture
def upstream() -> Iterator[tuple[ThreadedServer, _Upstream]]:
    """The echo upstream, listening on a free port."""
    echo = _Upstream()
    server = ThreadedServer(Starlette(routes=[Route("/{path:path}", echo)])).start()
    try:
        yield server, echo
    finally:
        server.stop()


class CliProcess:
    """``recorded-server <command> ... --port 0`` as a real subprocess; its port is read from
    the line it prints once it listens."""

    def __init__(
        self, command: str, args: Sequence[str], env: dict[str, str] | None = None
    ) -> None:
        self.port = 0
        self.argv = [sys.executable, "-m", "recorded_server", command, *args, "--port", "0"]
        self.env = None if env is None else {**os.environ, **env}
        self.process: subprocess.Popen[bytes] | None = None
        self.output = b""
        # a file, not a pipe: nothing can fill it up (closed with this object)
        self._log = tempfile.TemporaryFile()  # noqa: SIM115

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> CliProcess:
        self.process = subprocess.Popen(
            self.argv, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT, env=self.env
        )
        deadline = time.monotonic() + 30
        while (match := _LISTENING.search(self._read())) is None:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self.argv} did not start: {self.output.decode()}")
            time.sleep(0.02)
        self.port = int(match[1])
        return self

    def _read(self) -> bytes:
        self._log.seek(0)
        return self._log.read()

    def kill(self) -> None:
        """``kill -9``: no clean stop."""
        assert self.process is not None
        self.process.kill()
        self.process.wait()
        self.output = self._read()

    def stop(self) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.output = self._read()
        return self.process.returncode

    def __enter__(self) -> CliProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def run_cli(
    *args: str, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``recorded-server ARGS`` to completion (verify)."""
    return subprocess.run(
        [sys.executable, "-m", "recorded_server", *args],
        cwd=ROOT,
        env=None if env is None else {**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
