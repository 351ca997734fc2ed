"""A real ``python -m recorded_server serve`` process on a free port, for tests and tools.

    with ServerProcess() as server:          # in-memory store, default key
        httpx.get(f"{server.url}/_recorded/health")

The server is started with ``--port 0``: it binds a free port itself and prints it in its banner,
so two servers started at once never race for a port. Its stdout (the banner) and stderr (the log,
one line per request) go to temporary files: :meth:`ServerProcess.banner`,
:meth:`ServerProcess.log` and :meth:`ServerProcess.output` (both) read them.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO

import httpx

from recorded_server.emulator import DEFAULT_API_KEY, ENV_VARS

__all__ = ["ServerProcess", "free_port"]

_LISTENING = re.compile(r"recorded-server listening on (http://\S+):(\d+)")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now (another process may take it later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _terminate(process: subprocess.Popen[bytes]) -> None:
    """Last resort when a ServerProcess is garbage-collected or the interpreter exits."""
    if process.poll() is None:
        process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)


class ServerProcess:
    """A recorded server in a subprocess, listening on 127.0.0.1 and a free port."""

    def __init__(
        self,
        db: str | os.PathLike[str] = ":memory:",
        api_key: str = DEFAULT_API_KEY,
        app_id: str | None = None,
        fixtures: str | os.PathLike[str] | None = None,
        max_body: int | None = None,
        extra_args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        http: str | None = None,
    ) -> None:
        self.db = str(db)
        self.api_key = api_key
        self.app_id = app_id
        self.fixtures = None if fixtures is None else str(fixtures)
        self.max_body = max_body
        self.http = http
        """``--http``: ``httptools``, ``h11`` or ``auto``; None leaves the server's default."""
        self._sigterm_sent = False
        self.extra_args = tuple(extra_args)
        self.env = dict(env or {})
        self.process: subprocess.Popen[bytes] | None = None
        self.port: int | None = None
        self._host = "127.0.0.1"
        self._files: tempfile.TemporaryDirectory[str] | None = None
        self._stdout: IO[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._finalizer: weakref.finalize[..., ServerProcess] | None = None

    # --- what a caller reads -------------------------------------------------------------------

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        if self.port is None:
            raise RuntimeError("the server is not started")
        return f"http://{self._host}:{self.port}"

    @property
    def headers(self) -> dict[str, str]:
        """The ``Authorization`` header this server expects."""
        return {"Authorization": f"Api-Key {self.api_key}"}

    def command(self) -> list[str]:
        """The command line the server runs with (the key is not on it: see :meth:`environment`)."""
        args = [sys.executable, "-m", "recorded_server", "serve", "--host", self._host]
        args += ["--port", "0", "--db", self.db]
        if self.app_id is not None:
            args += ["--app-id", self.app_id]
        if self.fixtures is not None:
            args += ["--fixtures", self.fixtures]
        if self.max_body is not None:
            args += ["--max-body", str(self.max_body)]
        if self.http is not None:
            args += ["--http", self.http]
        return args + list(self.extra_args)

    def environment(self) -> dict[str, str]:
        """The server's environment: this process's, ``env``, and the key in
        ``RECORDED_SERVER_API_KEY`` (on the command line, ``ps`` would show it to every user)."""
        return {
            **os.environ,
            **self.env,
            ENV_VARS["api_key"]: self.api_key,
            "PYTHONUNBUFFERED": "1",
        }

    def banner(self) -> str:
        """What the server printed on stdout: its startup banner."""
        return self._read(self._stdout)

    def log(self) -> str:
        """What the server logged on stderr so far: one line per request, and any problem."""
        return self._read(self._stderr)

    def output(self) -> str:
        """Everything the server wrote so far: the banner, then the log."""
        return self.banner() + self.log()

    @staticmethod
    def _read(stream: IO[bytes] | None) -> str:
        if stream is None:
            return ""
        with open(stream.name, "rb") as handle:
            return handle.read().decode("utf-8", "replace")

    # --- lifecycle -------------------------------------------------------------------------------

    def start(self, timeout: float = 20) -> ServerProcess:
        """Start the server and wait until ``GET /_recorded/health`` answers 200."""
        if self.process is not None:
            raise RuntimeError("the server is already started")
        self._files = tempfile.TemporaryDirectory(prefix="recorded-server-")
        folder = Path(self._files.name)
        self._stdout = open(folder / "stdout.txt", "wb")  # noqa: SIM115 - closed in _cleanup
        self._stderr = open(folder / "stderr.txt", "wb")  # noqa: SIM115
        env = self.environment()
        self.process = subprocess.Popen(
            self.command(),
            stdin=subprocess.DEVNULL,
            stdout=self._stdout,
            stderr=self._stderr,
            env=env,
        )
        self._sigterm_sent = False
        self._finalizer = weakref.finalize(self, _terminate, self.process)
        deadline = time.monotonic() + timeout
        try:
            self._wait_for_banner(deadline)
            self._wait_for_health(deadline)
        except BaseException:
            self.kill()
            raise
        return self

    def _wait_for_banner(self, deadline: float) -> None:
        assert self.process is not None
        while True:
            match = _LISTENING.search(self.banner())
            if match is not None:
                self.port = int(match[2])
                return
            if self.process.poll() is not None:
                raise RuntimeError(self._failure(f"exited with code {self.process.returncode}"))
            if time.monotonic() > deadline:
                raise RuntimeError(self._failure("did not print its banner in time"))
            time.sleep(0.02)

    def _wait_for_health(self, deadline: float) -> None:
        assert self.process is not None
        while True:
            try:
                response = httpx.get(f"{self.url}/_recorded/health", timeout=2)
                if response.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(self._failure(f"exited with code {self.process.returncode}"))
            if time.monotonic() > deadline:
                raise RuntimeError(self._failure("did not answer its health check in time"))
            time.sleep(0.02)

    def _failure(self, what: str) -> str:
        return (
            f"recorded-server {what}: {' '.join(self.command())}\n"
            f"--- stdout ---\n{self.banner()}\n--- stderr ---\n{self.log()}"
        )

    def terminate(self) -> None:
        """Ask the server to shut down (SIGTERM), once: open requests are answered first.

        A second SIGTERM would make uvicorn cut them short, so calling this again, or
        :meth:`stop` after it, sends nothing more."""
        process = self.process
        if process is not None and process.poll() is None and not self._sigterm_sent:
            self._sigterm_sent = True
            process.send_signal(signal.SIGTERM)

    def stop(self, timeout: float = 20) -> int | None:
        """SIGTERM (unless :meth:`terminate` sent it), wait for a clean exit, and return the exit
        code (SIGKILL after ``timeout``). Idempotent; ``None`` when the server never started."""
        process = self.process
        if process is None:
            return None
        if process.poll() is None:
            self.terminate()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._cleanup()
        return process.returncode

    def kill(self) -> int | None:
        """SIGKILL (like ``kill -9``): no shutdown, only what SQLite already made durable stays."""
        process = self.process
        if process is None:
            return None
        if process.poll() is None:
            process.kill()
            process.wait()
        self._cleanup()
        return process.returncode

    def _cleanup(self) -> None:
        for stream in (self._stdout, self._stderr):
            if stream is not None and not stream.closed:
                stream.close()
        if self._finalizer is not None:
            self._finalizer.detach()

    def close(self) -> None:
        """Stop the server if it runs and remove its output files."""
        self.stop()
        if self._files is not None:
            self._files.cleanup()
            self._files = None

    def restart(self, timeout: float = 20) -> ServerProcess:
        """Stop (cleanly) and start again with the same options (a new port)."""
        self.stop()
        self.process = None
        self.port = None
        if self._files is not None:
            self._files.cleanup()
            self._files = None
        return self.start(timeout=timeout)

    def __enter__(self) -> ServerProcess:
        if self.process is None:
            self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
