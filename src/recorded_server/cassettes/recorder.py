"""The recording reverse proxy behind ``recorded-server record``.

Every request is forwarded to the upstream unchanged (method, path, query, headers
except the hop-by-hop ones and ``Host``, body), and the upstream's response comes
back unchanged (status, headers, body bytes). Each complete exchange is handed to a
background writer, which redacts it and appends it to a cassette (``writer``), off the response
path. With a record mode other than ``all`` (``record_modes``) the proxy first looks in the
cassette: a request it has a recording for is answered from it, as ``replay`` would.
An upstream that cannot be reached answers 502 ``upstream_unavailable``, one that does not
answer in time 504 ``upstream_timeout``, both in the contract's error envelope with a
``Request-Id``; neither is recorded.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import anyio.to_thread
import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from recorded_server.cassettes.matchers import DEFAULT_MATCH_ON
from recorded_server.cassettes.model import (
    HOP_BY_HOP_HEADERS,
    CassetteError,
    Interaction,
    RecordedRequest,
    RecordedResponse,
    decode_content,
    session_name,
    valid_scenario_name,
)
from recorded_server.cassettes.record_modes import DEFAULT_RECORD_MODE, RecordMode
from recorded_server.cassettes.redaction import Redactor
from recorded_server.cassettes.replay import (
    NO_MATCH_ERROR_CODE,
    NO_MATCH_STATUS,
    NoMatch,
    Recording,
    Replayer,
    envelope_response,
    log_exchange,
    read_body,
    replayed_response,
)
from recorded_server.cassettes.writer import (
    DEFAULT_FSYNC_INTERVAL,
    BackgroundWriter,
    CassetteWriter,
)
from recorded_server.cassettes.yaml_io import load_cassette
from recorded_server.serving import limits

__all__ = [
    "DEFAULT_TIMEOUT",
    "SCENARIO_HEADER",
    "RecorderConfig",
    "bounded_body",
    "create_recorder_app",
    "envelope_response",
]

#: A request header naming the scenario (cassette file) this exchange belongs to.
#: The proxy consumes it: it is neither forwarded nor recorded.
SCENARIO_HEADER = "x-recorded-server-scenario"

DEFAULT_TIMEOUT = 30.0

_log = logging.getLogger("recorded_server.recorder")


@dataclass(frozen=True)
class RecorderConfig:
    """How ``record`` runs: where to forward, where to write, what to redact."""

    upstream: str
    cassettes: Path
    scenario: str | None = None
    redactor: Redactor = field(default_factory=Redactor)
    timeout: float = DEFAULT_TIMEOUT
    append: bool = False
    max_body: int = limits.MAX_RECORD_BODY
    """Largest request body forwarded and recorded; larger ones get 413 (like ``serve``)."""
    max_response_body: int = limits.MAX_CASSETTE_BODY
    """Largest upstream response body recorded; larger ones get 502 and nothing is written."""
    record_mode: RecordMode = DEFAULT_RECORD_MODE
    match_on: tuple[str, ...] = DEFAULT_MATCH_ON
    """How a request is matched to a recording (modes other than ``all``)."""
    repeat: bool = False
    """Play the last matching recording again once all are played (instead of recording)."""
    fsync_interval: float = DEFAULT_FSYNC_INTERVAL
    """Seconds between fsyncs of the cassettes being written (0: after every batch)."""


def _connection_tokens(headers: list[tuple[bytes, bytes]]) -> set[str]:
    """Header names listed in ``Connection``: hop-by-hop for this message too."""
    tokens: set[str] = set()
    for name, value in headers:
        if name.lower() == b"connection":
            tokens.update(t.strip().lower() for t in value.decode("latin-1").split(",") if t)
    return tokens


def _end_to_end(headers: list[tuple[bytes, bytes]], *drop: str) -> list[tuple[str, str]]:
    dropped = HOP_BY_HOP_HEADERS | _connection_tokens(headers) | set(drop)
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, value in headers
        if name.decode("latin-1").lower() not in dropped
    ]


async def _bounded_stream(chunks: AsyncIterator[bytes], limit: int) -> bytes | None:
    """The chunks joined, or None as soon as they pass ``limit`` bytes (the rest is not read)."""
    parts: list[bytes] = []
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            return None
        parts.append(chunk)
    return b"".join(parts)


async def bounded_body(request: Request, limit: int) -> bytes | None:
    """The request's body, or None when it is over ``limit`` bytes (the rest is not read)."""
    return await read_body(request, limit)


class _CassetteState:
    """What the proxy knows of one cassette in this session."""

    def __init__(self, existed: bool, replayer: Replayer | None) -> None:
        self.existed = existed
        self.replayer = replayer


class _Proxy:
    """The ASGI endpoint that forwards, answers and records."""

    def __init__(self, config: RecorderConfig) -> None:
        self.config = config
        self.upstream = httpx.URL(config.upstream)
        self.base_path = self.upstream.raw_path.split(b"?", 1)[0].rstrip(b"/")
        self.mode = config.record_mode
        self.writer = CassetteWriter(
            config.cassettes,
            append=config.append or self.mode is not RecordMode.ALL,
            fsync_interval=config.fsync_interval,
        )
        self.background: BackgroundWriter | None = None
        self.session = config.scenario or session_name()
        self.client: httpx.AsyncClient | None = None
        self.cassettes: dict[str, _CassetteState] = {}
        self._loading = anyio.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        started = time.perf_counter()
        response, source = await self.handle_with_source(request)
        level = logging.INFO if response.status_code < 500 else logging.WARNING
        log_exchange(
            _log, level, request.method, self._logged_target(scope), response, started, source
        )
        await response(scope, receive, send)

    async def _load_state(self, name: str) -> _CassetteState:
        """:meth:`_state` in a thread (a large cassette takes seconds to read), one at a time."""
        async with self._loading:
            state = self.cassettes.get(name)
            if state is None:
                state = await anyio.to_thread.run_sync(self._state, name)
            return state

    def _state(self, name: str) -> _CassetteState:
        """The cassette ``name`` as this session found it (read on first use when it plays)."""
        state = self.cassettes.get(name)
        if state is None:
            path = self.writer.path_for(name)
            existed = path.exists()
            replayer = None
            if self.mode.plays:
                replayer = Replayer(
                    redactor=self.config.redactor,
                    repeat=self.config.repeat,
                    match_on=self.config.match_on,
                )
                if existed:
                    replayer.add(path.name, load_cassette(path).interactions)
            state = self.cassettes[name] = _CassetteState(existed, replayer)
        return state

    def _logged_target(self, scope: Scope) -> str:
        """The request's path and query as a cassette would show them: secrets scrubbed."""
        target: bytes = scope.get("raw_path") or scope["path"].encode("utf-8")
        query: bytes = scope.get("query_string", b"")
        if query:
            target += b"?" + query
        headers = tuple((n.decode("latin-1"), v.decode("latin-1")) for n, v in scope["headers"])
        request = RecordedRequest(
            method=scope["method"], uri=target.decode("latin-1"), headers=headers, body=b""
        )
        return self.config.redactor.redact_request(request).uri

    def _upstream_url(self, scope: Scope) -> httpx.URL:
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode("utf-8")
        target = self.base_path + raw_path
        query: bytes = scope.get("query_string", b"")
        if query:
            target += b"?" + query
        return self.upstream.copy_with(raw_path=target)

    async def handle(self, request: Request) -> Response:
        """Answer ``request``: from the cassette, or forwarded to the upstream and recorded."""
        response, _ = await self.handle_with_source(request)
        return response

    async def handle_with_source(self, request: Request) -> tuple[Response, str]:
        """The answer to ``request``, and what gave it (for the log line)."""
        response = await self._handle(request)
        if isinstance(response, tuple):
            return response
        return response, "proxy"

    async def _handle(self, request: Request) -> Response | tuple[Response, str]:
        assert self.client is not None, "the proxy's lifespan has not started"
        raw_headers: list[tuple[bytes, bytes]] = request.scope["headers"]
        name = request.headers.get(SCENARIO_HEADER, self.session)
        if not valid_scenario_name(name):
            return envelope_response(
                400,
                "invalid_scenario",
                [(SCENARIO_HEADER, ["A scenario name is 1-100 letters, digits, '.', '_', '-'."])],
            )
        secrets = self.config.redactor.secrets_of(
            RecordedRequest(
                method=request.method,
                uri=str(request.url),
                headers=tuple((n.decode("latin-1"), v.decode("latin-1")) for n, v in raw_headers),
                body=b"",
            )
        )
        if any(secret in name for secret in secrets):
            return envelope_response(
                400,
                "invalid_scenario",
                [(SCENARIO_HEADER, ["The scenario name contains the request's credentials."])],
            )
        try:
            state = self.cassettes.get(name) or await self._load_state(name)
        except CassetteError as exc:
            return envelope_response(500, "cassette_unreadable", [(SCENARIO_HEADER, [str(exc)])])
        if state.existed and self.mode is RecordMode.ALL and not self.config.append:
            refusal = (
                f"Cassette {name!r} already exists and this record session did not start it: "
                "pick another scenario name, delete the file, or run record with --append."
            )
            return envelope_response(409, "cassette_exists", [(SCENARIO_HEADER, [refusal])])
        body = await read_body(request, self.config.max_body)
        if body is None:
            return envelope_response(
                413,
                "request_too_large",
                [
                    (
                        None,
                        [
                            f"The request body is over the record limit of "
                            f"{self.config.max_body} bytes (--max-body)."
                        ],
                    )
                ],
            )
        headers = _end_to_end(raw_headers, "host", "content-length", SCENARIO_HEADER)
        framed = (b"content-length", b"transfer-encoding")
        had_length = any(n.lower() in framed for n, _ in raw_headers)
        if body or had_length:
            headers.append(("content-length", str(len(body))))
        upstream_request = httpx.Request(
            request.method, self._upstream_url(request.scope), headers=headers, content=body
        )
        if state.replayer is not None:
            asked = RecordedRequest(
                method=request.method,
                uri=str(upstream_request.url),
                headers=tuple(headers),
                body=body,
            )
            found = state.replayer.match(asked)
            if isinstance(found, Recording):
                return replayed_response(found), f"replayed {name}.yaml interaction {found.index}"
            if not self.mode.records(state.existed):
                return self._no_match(name, found), "no recording"
        try:
            upstream = await self.client.send(upstream_request, stream=True)
            try:
                raw_body = await _bounded_stream(
                    upstream.aiter_raw(), self.config.max_response_body
                )
            finally:
                await upstream.aclose()
            if raw_body is None:
                return envelope_response(
                    502,
                    "upstream_response_too_large",
                    [
                        (
                            "upstream",
                            [
                                f"The upstream's response body is over "
                                f"{self.config.max_response_body} bytes; nothing was recorded."
                            ],
                        )
                    ],
                )
        except httpx.TimeoutException as exc:
            return envelope_response(
                504,
                "upstream_timeout",
                [
                    (
                        "upstream",
                        [
                            f"The upstream {self.config.upstream} did not answer within "
                            f"{self.config.timeout:g} s ({type(exc).__name__})."
                        ],
                    )
                ],
            )
        except httpx.TransportError as exc:
            return envelope_response(
                502,
                "upstream_unavailable",
                [
                    (
                        "upstream",
                        [
                            f"The upstream {self.config.upstream} could not be reached "
                            f"({type(exc).__name__}: {exc})."
                        ],
                    )
                ],
            )
        response_headers = _end_to_end(upstream.headers.raw)
        self._record(name, upstream_request, body, upstream, response_headers, raw_body)
        response = Response(content=raw_body, status_code=upstream.status_code)
        response.raw_headers = [
            (n.encode("latin-1"), v.encode("latin-1")) for n, v in response_headers
        ]
        no_body_status = upstream.status_code < 200 or upstream.status_code in (204, 304)
        if upstream.headers.get("content-length") is None and not no_body_status:
            response.raw_headers.append((b"content-length", str(len(raw_body)).encode("ascii")))
        return response, "recorded"

    def _no_match(self, name: str, found: NoMatch) -> Response:
        errors = found.errors()
        if self.mode is RecordMode.ONCE:
            why = f"record mode 'once': cassette {name}.yaml existed, so nothing new is recorded"
        else:
            why = f"record mode '{self.mode.value}': nothing is recorded"
        errors.append(("record_mode", [why]))
        return envelope_response(NO_MATCH_STATUS, NO_MATCH_ERROR_CODE, errors)

    def _record(
        self,
        name: str,
        upstream_request: httpx.Request,
        body: bytes,
        upstream: httpx.Response,
        response_headers: list[tuple[str, str]],
        raw_body: bytes,
    ) -> None:
        interaction = Interaction(
            request=RecordedRequest(
                method=upstream_request.method,
                uri=str(upstream_request.url),
                headers=tuple(
                    (n.decode("latin-1"), v.decode("latin-1"))
                    for n, v in upstream_request.headers.raw
                ),
                body=body,
            ),
            response=RecordedResponse(
                status=upstream.status_code,
                message=upstream.reason_phrase,
                headers=tuple(response_headers),
                body=raw_body,
            ),
        )
        assert self.background is not None, "the proxy's lifespan has not started"
        self.background.submit(name, interaction)

    def prepare(self, interaction: Interaction) -> Interaction:
        """What is written for an exchange (in the writer's thread): the body decoded when it
        was compressed, as VCR.py's ``decode_compressed_response`` does, then redacted."""
        response = interaction.response
        encoding = response.header("content-encoding")
        decoded = decode_content(response.body, encoding) if encoding else None
        if decoded is not None:
            headers = tuple(
                (n, str(len(decoded)) if n.lower() == "content-length" else v)
                for n, v in response.headers
                if n.lower() != "content-encoding"
            )
            interaction = Interaction(
                interaction.request,
                RecordedResponse(response.status, response.message, headers, decoded),
            )
        return self.config.redactor.redact(interaction)

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        """Open the upstream client for the life of the server."""
        self.config.cassettes.mkdir(parents=True, exist_ok=True)
        if self.mode.plays:  # the session's cassette is read before the first request is served
            try:
                await anyio.to_thread.run_sync(self._state, self.session)
            except CassetteError as exc:  # each request to it will say so (500)
                _log.error("cannot play back cassette %r: %s", self.session, exc)
        timeout = httpx.Timeout(self.config.timeout)
        self.background = BackgroundWriter(self.writer, prepare=self.prepare)
        try:
            async with httpx.AsyncClient(timeout=timeout, trust_env=False) as client:
                self.client = client
                try:
                    yield
                finally:
                    self.client = None
        finally:
            # a clean stop: everything answered is written and fsynced before the process ends
            await anyio.to_thread.run_sync(self.background.close)


def create_recorder_app(config: RecorderConfig) -> Starlette:
    """The recording proxy as an ASGI app (serve it with uvicorn)."""
    proxy = _Proxy(config)
    app = Starlette(routes=[Route("/{path:path}", proxy)], lifespan=proxy.lifespan)
    app.state.proxy = proxy
    return app
