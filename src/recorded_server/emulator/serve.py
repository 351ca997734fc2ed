"""Serving the app with uvicorn: logging, the startup banner, and a clean exit on SIGTERM."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import socket
from types import FrameType

import uvicorn

from recorded_server import __name__ as _package
from recorded_server.emulator.app import create_app
from recorded_server.emulator.endpoints.profile import PROFILE_PATH
from recorded_server.emulator.runtime import Runtime
from recorded_server.emulator.settings import DEFAULT_API_KEY, ENV_VARS, Settings
from recorded_server.serving import limits
from recorded_server.serving.http_protocol import (
    configured_protocol,
    describe_stack,
    effective_max_connections,
)
from recorded_server.serving.listen import bind_socket
from recorded_server.serving.log_output import configure_logging, freeze_logging

BANNER_FIRST_LINE = "recorded-server listening on {url}"
"""The banner's first line; :mod:`recorded_server.testing.process` reads the URL from it."""


def _url(host: str, port: int) -> str:
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def banner(settings: Settings, port: int, runtime: Runtime, http: str | None = None) -> str:
    """The lines printed on start: URL, key, database, and a first request to try (``http``:
    what serves HTTP, e.g. ``httptools + uvloop``)."""
    url = _url(settings.host, port)
    if settings.uses_default_key:
        key_line = f"{DEFAULT_API_KEY}  (the default development key; set another with --api-key)"
        curl_key = DEFAULT_API_KEY
    else:
        # A real secret is not echoed to terminals and CI logs; whoever set it knows it.
        key_line = (
            f"set by --api-key or {ENV_VARS['api_key']} ({len(settings.api_key)} characters, "
            "not shown)"
        )
        curl_key = "$RECORDED_SERVER_API_KEY"
    if settings.in_memory:
        db_line = ":memory:  (in memory: the data goes when the server stops)"
    else:
        storage = runtime.storage
        db_line = f"{storage.path}  (SQLite, journal {storage.journal_mode}, synchronous=FULL)"
    lines = [
        BANNER_FIRST_LINE.format(url=url),
        f"  profile endpoint: {url}{PROFILE_PATH}",
        f"  API key:          {key_line}",
        f"  app id:           {settings.app_id}",
        f"  database:         {db_line}",
        f"  max body:         {settings.max_body} bytes",
        f"  connections:      at most {settings.max_connections}; each closed if it sends no "
        f"request head within {settings.header_timeout:g}s",
    ]
    if http is not None:
        lines.append(f"  http:             {http}")
    if settings.fixtures is not None:
        lines.append(
            f"  fixtures:         {runtime.fixtures_loaded} profile(s) from {settings.fixtures}"
        )
    lines += [
        f"  inspection:       {url}/_recorded/profiles  (same key; {url}/_recorded/health open)",
        f"  try:              curl -s -X POST {url}{PROFILE_PATH} "
        f"-H 'Authorization: Api-Key {curl_key}' -H 'adapty-customer-user-id: user-1' "
        "-H 'Content-Type: application/json' -d '{}'",
        "Stop with Ctrl+C or SIGTERM.",
    ]
    return "\n".join(lines)


class _Server(uvicorn.Server):
    """uvicorn's server, printing the banner once it listens."""

    def __init__(
        self, config: uvicorn.Config, settings: Settings, runtime: Runtime, http: str | None = None
    ) -> None:
        super().__init__(config)
        self._settings = settings
        self._runtime = runtime
        self._http = http

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        _freeze_startup_objects()
        if self.started and sockets:
            port = sockets[0].getsockname()[1]
            print(banner(self._settings, port, self._runtime, self._http), flush=True)


GC_FIRST_THRESHOLD = 20_000
"""The garbage collector's first threshold in ``serve()``'s process (CPython's default is 700).

The collector runs when the containers allocated and not yet freed pass the threshold. Each
request in flight holds a hundred or more (its parsed body, record, answer), so at 64
connections a threshold of 700 or 2,000 is passed all the time: at 2,000, 70 young collections
a second of ~0.8 ms each (every one walks the requests in flight) cost the POST benchmark a
fifth of its throughput. At 20,000 the requests in flight stay below it, and the collector
hardly runs. That is safe because no request leaves a reference cycle (reference counting
frees everything it made, on both HTTP stacks, whatever it sends: the storage's failed jobs,
h11's protocol errors and closed connections were made cycle-free for it), so nothing piles up
between collections; ``tests/resilience/test_resilience_garbage.py`` holds it."""


def _collect_less_often() -> None:
    """Raise the GC's first threshold to ``GC_FIRST_THRESHOLD`` (this process is the server's
    own; an app embedded elsewhere leaves its host's GC alone)."""
    threshold = gc.get_threshold()
    if 0 < threshold[0] < GC_FIRST_THRESHOLD:
        gc.set_threshold(GC_FIRST_THRESHOLD, *threshold[1:])


def _freeze_startup_objects() -> None:
    """Move everything alive once the server has started (modules, the app, the fixtures: about
    30,000 objects) to the GC's permanent generation: full collections then walk only what
    requests made since (a full walk of the whole heap stopped the loop for milliseconds, the
    POST benchmark's worst latencies). Garbage made later is still collected."""
    gc.collect()
    gc.freeze()


def _ignore(signum: int, frame: FrameType | None) -> None:
    """Installed before uvicorn's handlers: uvicorn re-raises the signal it stopped for once it
    has shut down, and this makes that a no-op, so SIGTERM ends the process with exit code 0."""


def serve(settings: Settings, http: str = "auto") -> int:
    """Run the server until SIGTERM or Ctrl+C; the exit code (0 on a clean stop).

    ``http``: the HTTP protocol, ``auto`` (httptools when installed, else h11), ``httptools``
    or ``h11`` (see :func:`recorded_server.serving.http_protocol.configured_protocol`)."""
    handler = configure_logging(settings.log_level, log_format=settings.log_format)
    log = logging.getLogger(_package)
    try:
        sock = bind_socket(settings.host, settings.port)
    except OSError as exc:
        log.error("cannot listen on %s:%d: %s", settings.host, settings.port, exc)
        return 1
    try:
        protocol = configured_protocol(
            settings.header_timeout, effective_max_connections(settings.max_connections), http
        )
    except (RuntimeError, ValueError) as exc:
        log.error("%s", exc)
        sock.close()
        return 2
    app = create_app(settings)
    runtime: Runtime = app.state.runtime
    config = uvicorn.Config(
        app,
        log_config=None,
        access_log=False,
        server_header=False,
        # No X-Forwarded-* rewriting of the client address and scheme: nothing reads them, and
        # the middleware costs every request.
        proxy_headers=False,
        lifespan="on",
        http=protocol,
        timeout_keep_alive=limits.KEEP_ALIVE_TIMEOUT,
        timeout_graceful_shutdown=limits.GRACEFUL_SHUTDOWN_TIMEOUT,
    )
    server = _Server(config, settings, runtime, describe_stack(protocol))
    freeze_logging()  # configured above, once: nothing in this process changes it now
    _collect_less_often()
    signal.signal(signal.SIGTERM, _ignore)
    signal.signal(signal.SIGINT, _ignore)
    try:
        server.run(sockets=[sock])
    except (KeyboardInterrupt, asyncio.CancelledError):
        pass
    finally:
        sock.close()
    code = 0
    if not server.started:
        log.error("the server did not start (see the messages above)")
        code = 3
    handler.close()
    return code
