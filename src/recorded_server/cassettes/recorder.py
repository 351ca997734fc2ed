"""The recording reverse proxy behind ``recorded-server record``.

Every request is forwarded to the upstream unchanged (method, path, query, headers
except the hop-by-hop ones and ``Host``, body), and the upstream's response comes
back unchanged (status, headers, body bytes). Each complete exchange is redacted and
appended to a cassette. An upstream that cannot be reached answers 502
``upstream_unavailable``, one that does not answer in time 504 ``upstream_timeout``,
both in the contract's error envelope with a ``Request-Id``; neither is recorded.
"""

from __future__ import annotations

import contextlib
import logging
import time
import uuid
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

from recorded_server.cassettes.format import (
    HOP_BY_HOP_HEADERS,
    CassetteError,
    CassetteWriter,
    Interaction,
    RecordedRequest,
    RecordedResponse,
    Redactor,
    decode_content,
    session_name,
    valid_scenario_name,
)
from recorded_server.serving import limits
from recorded_server.serving.errors import error_response

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


def envelope_response(
    status: int, error_code: str, errors: list[tuple[str | None, list[str]]]
) -> Response:
    """An error in the contract's envelope, with a fresh ``Request-Id``: the proxy's own answers."""
    return error_response(status, error_code, errors, headers={"Request-Id": uuid.uuid4().hex})


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
    length = request.headers.get("content-length", "")
    if length.isascii() and length.isdigit() and int(length) > limit:
        return None
    return await _bounded_stream(request.stream(), limit)


class _Proxy:
    """The ASGI endpoint that forwards, answers and records."""

    def __init__(self, config: RecorderConfig) -> None:
        self.config = config
        self.upstream = httpx.URL(config.upstream)
        self.base_path = self.upstream.raw_path.split(b"?", 1)[0].rstrip(b"/")
        self.writer = CassetteWriter(config.cassettes, append=config.append)
        self.session = config.scenario or session_name()
        self.client: httpx.AsyncClient | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        started = time.perf_counter()
        response = await self.handle(request)
        elapsed = (time.perf_counter() - started) * 1000
        _log.info(
            "%s %s %d %.1fms",
            request.method,
            self._logged_target(scope),
            response.status_code,
            elapsed,
        )
        await response(scope, receive, send)

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
        """Forward ``request``; record the exchange; answer what the upstream answered."""
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
        refusal = self.writer.refusal(name)
        if refusal is not None:
            return envelope_response(409, "cassette_exists", [(SCENARIO_HEADER, [refusal])])
        body = await bounded_body(request, self.config.max_body)
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
        await self._record(name, upstream_request, body, upstream, response_headers, raw_body)
        response = Response(content=raw_body, status_code=upstream.status_code)
        response.raw_headers = [
            (n.encode("latin-1"), v.encode("latin-1")) for n, v in response_headers
        ]
        no_body_status = upstream.status_code < 200 or upstream.status_code in (204, 304)
        if upstream.headers.get("content-length") is None and not no_body_status:
            response.raw_headers.append((b"content-length", str(len(raw_body)).encode("ascii")))
        return response

    async def _record(
        self,
        name: str,
        upstream_request: httpx.Request,
        body: bytes,
        upstream: httpx.Response,
        response_headers: list[tuple[str, str]],
        raw_body: bytes,
    ) -> None:
        recorded_headers = [(n, v) for n, v in response_headers]
        recorded_body = raw_body
        encoding = upstream.headers.get("content-encoding")
        decoded = decode_content(raw_body, encoding) if encoding else None
        if decoded is not None:  # written readable, as VCR.py's decode_compressed_response does
            recorded_body = decoded
            recorded_headers = [
                (n, str(len(decoded)) if n.lower() == "content-length" else v)
                for n, v in recorded_headers
                if n.lower() != "content-encoding"
            ]
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
                headers=tuple(recorded_headers),
                body=recorded_body,
            ),
        )
        redacted = self.config.redactor.redact(interaction)
        try:
            await anyio.to_thread.run_sync(self.writer.append, name, redacted)
        except (OSError, CassetteError):
            _log.exception("could not write the exchange to cassette %r", name)

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        """Open the upstream client for the life of the server."""
        self.config.cassettes.mkdir(parents=True, exist_ok=True)
        timeout = httpx.Timeout(self.config.timeout)
        async with httpx.AsyncClient(timeout=timeout, trust_env=False) as client:
            self.client = client
            try:
                yield
            finally:
                self.client = None


def create_recorder_app(config: RecorderConfig) -> Starlette:
    """The recording proxy as an ASGI app (serve it with uvicorn)."""
    proxy = _Proxy(config)
    app = Starlette(routes=[Route("/{path:path}", proxy)], lifespan=proxy.lifespan)
    app.state.proxy = proxy
    return app
