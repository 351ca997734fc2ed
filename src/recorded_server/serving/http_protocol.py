"""uvicorn's HTTP/1.1 protocol (h11), hardened for hostile clients and answering requests it
cannot parse the way the app answers everything else: the error envelope, a Request-Id, and a
log line.

What this subclass adds to uvicorn's protocol:

- malformed requests (a broken request line, a header section over the size limit, a bad
  Content-Length...) get the envelope and a Request-Id instead of uvicorn's plain-text 400;
- a header timeout: a connection that has not sent a complete request head within
  ``header_timeout`` seconds of opening (or of its previous answer) is closed, so idle,
  half-sent and one-byte-a-second connections are all reaped (uvicorn starts no timer before a
  complete head);
- a cap on open connections: past it the oldest connection still waiting for its head is closed
  (so a health check still gets through a slow-connection attack), or the new one if every
  connection is busy, with a (throttled) warning that says what to raise;
- ``Connection: close`` on any answer given before the request body was read to its end (a 401,
  413, 415 or 404 to an endless body): nothing more is read from that connection; and on the
  answer to a request carrying both Content-Length and Transfer-Encoding (RFC 9112, 6.1);
- one socket write per answer: uvicorn writes the status line and headers, then the body, as
  two writes (two system calls, two segments on the wire); an answer whose body comes in one
  message (every answer of the kit's) goes out as the same bytes in one write.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any, ClassVar

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol, RequestResponseCycle

from recorded_server.serving import errors, limits
from recorded_server.serving.dropping import with_drop_extension
from recorded_server.serving.ids import new_request_id
from recorded_server.serving.jsontext import dumps

__all__ = [
    "MALFORMED",
    "EnvelopeH11Protocol",
    "configured_protocol",
    "effective_max_connections",
    "malformed_request_body",
]

access_log = logging.getLogger("recorded_server.access")
log = logging.getLogger("recorded_server")

MALFORMED = "Invalid HTTP request received."
_CLOSE = (b"connection", b"close")


def malformed_request_body() -> bytes:
    return dumps(errors.envelope(400, "bad_request", [(errors.NON_FIELD, [MALFORMED])])).encode()


class _Throttled:
    """A warning logged at most once per ``every`` seconds, with the count of the ones skipped."""

    def __init__(self, every: float = 10.0) -> None:
        self.every = every
        self._last = float("-inf")
        self._skipped = 0

    def warning(self, message: str, *args: object) -> None:
        now = time.monotonic()
        if now - self._last < self.every:
            self._skipped += 1
            return
        skipped, self._skipped, self._last = self._skipped, 0, now
        suffix = f" ({skipped} more like it since the last such line)" if skipped else ""
        log.warning(message + suffix, *args)


_head_timeouts = _Throttled()
_cap_reached = _Throttled()


class _CollectingTransport:
    """Stands in for a transport while uvicorn writes one answer: keeps the writes and hands them
    on as one (before a close, and when :meth:`flush` is called); everything else goes through."""

    __slots__ = ("_chunks", "_transport")

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        self._chunks: list[bytes] = []

    def write(self, data: bytes) -> None:
        if data:
            self._chunks.append(data)

    def flush(self) -> None:
        if self._chunks:
            data = self._chunks[0] if len(self._chunks) == 1 else b"".join(self._chunks)
            self._chunks.clear()
            self._transport.write(data)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


async def _send_in_one_write(cycle: RequestResponseCycle, start: Any, body: Any) -> None:
    """``cycle.send(start)`` then ``cycle.send(body)`` (the whole body), their bytes written to
    the socket at once, before anything else can write (a pipelined request's answer)."""
    real_transport = cycle.transport
    real_on_response = cycle.on_response
    collecting = _CollectingTransport(real_transport)

    def on_response() -> None:
        collecting.flush()  # the answer's bytes first: on_response may answer the next request
        cycle.transport = real_transport
        real_on_response()

    cycle.transport = collecting  # type: ignore[assignment]
    cycle.on_response = on_response
    try:
        await cycle.send(start)
        await cycle.send(body)
    finally:
        collecting.flush()
        cycle.transport = real_transport
        cycle.on_response = real_on_response


class EnvelopeH11Protocol(H11Protocol):
    header_timeout: ClassVar[float] = limits.DEFAULT_HEADER_TIMEOUT
    max_connections: ClassVar[int] = limits.DEFAULT_MAX_CONNECTIONS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the app may close this connection without an answer (see recorded_server.serving.dropping)
        self._inner_app = with_drop_extension(self.app, self._close_transport)
        self.app = self._guarded_app
        self._head_timer: asyncio.TimerHandle | None = None
        self._waiting_since = time.monotonic()

    def _close_transport(self) -> None:
        self.transport.close()

    # --- the header timeout and the connection cap ------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()
        if len(self.connections) > self.max_connections:
            self._make_room()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._cancel_head_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._arm_head_timer()

    def _waiting_for_head(self) -> bool:
        return self.conn.their_state is h11.IDLE and (
            self.cycle is None or self.cycle.response_complete
        )

    def _arm_head_timer(self) -> None:
        self._cancel_head_timer()
        self._waiting_since = time.monotonic()
        self._head_timer = self.loop.call_later(self.header_timeout, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or not self._waiting_for_head():
            return
        _head_timeouts.warning(
            "closed a connection that sent no complete request head within %gs "
            "(the header timeout, --header-timeout)",
            self.header_timeout,
        )
        self._close()

    def _make_room(self) -> None:
        waiting = [
            c
            for c in self.connections
            if c is not self and isinstance(c, EnvelopeH11Protocol) and c._waiting_for_head()
        ]
        victim = min(waiting, key=lambda c: c._waiting_since) if waiting else self
        _cap_reached.warning(
            "connection cap reached (%d open, --max-connections %d): closed %s; raise "
            "--max-connections (and the descriptor limit, ulimit -n) if this load is legitimate",
            len(self.connections),
            self.max_connections,
            "the oldest connection waiting for its request head"
            if waiting
            else "the new connection (every open one is busy with a request)",
        )
        victim._close()
        self.connections.discard(victim)

    def _close(self) -> None:
        self._cancel_head_timer()
        with contextlib.suppress(h11.LocalProtocolError):
            self.conn.send(h11.ConnectionClosed())
        self.transport.close()

    # --- closing after answers that leave the body unread, and after CL+TE ------------------

    async def _guarded_app(self, scope: Any, receive: Any, send: Any) -> None:
        headers = dict(scope.get("headers", ()))
        ambiguous = b"content-length" in headers and b"transfer-encoding" in headers

        cycle = getattr(send, "__self__", None)
        if not isinstance(cycle, RequestResponseCycle):  # pragma: no cover - uvicorn changed
            cycle = None
        held: Any = None  # the answer's start, until its body says whether it comes in one piece

        async def guarded_send(message: Any) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                if ambiguous or self.conn.their_state is h11.SEND_BODY:
                    # The rest of the body is never read: the connection cannot carry another
                    # request.
                    message = {**message, "headers": [*message.get("headers", ()), _CLOSE]}
                if cycle is not None and held is None:
                    held = message
                    return
            elif held is not None:
                start, held = held, None
                if message["type"] == "http.response.body" and not message.get("more_body"):
                    assert cycle is not None
                    await _send_in_one_write(cycle, start, message)
                    return
                await send(start)
            await send(message)

        try:
            await self._inner_app(scope, receive, guarded_send)
        finally:
            if held is not None:  # the app stopped after the start: send it as it would have
                start, held = held, None
                await send(start)

    # --- malformed requests ------------------------------------------------------------------

    def send_400_response(self, msg: str) -> None:
        request_id = new_request_id()
        body = malformed_request_body()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            _CLOSE,
            (b"request-id", request_id.encode()),
        ]
        try:
            for event in (
                h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
                h11.Data(data=body),
                h11.EndOfMessage(),
            ):
                self.transport.write(self.conn.send(event))
        except h11.LocalProtocolError:  # pragma: no cover - h11 cannot answer in this state
            pass
        finally:
            self.transport.close()
        access_log.info("%s - (malformed request) 400 0.0ms", request_id)


def configured_protocol(header_timeout: float, max_connections: int) -> type[EnvelopeH11Protocol]:
    """The protocol class with these limits (uvicorn takes a class, not an instance)."""

    class Configured(EnvelopeH11Protocol):
        pass

    Configured.header_timeout = header_timeout
    Configured.max_connections = max_connections
    return Configured


def effective_max_connections(requested: int) -> int:
    """``requested``, lowered to fit the process's descriptor limit (``RLIMIT_NOFILE``)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on POSIX
        return requested
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft - limits.FD_RESERVE >= requested:
        return requested
    lowered = max(2, soft - limits.FD_RESERVE)
    log.warning(
        "--max-connections %d does not fit the descriptor limit (ulimit -n %d): using %d",
        requested,
        soft,
        lowered,
    )
    return lowered
