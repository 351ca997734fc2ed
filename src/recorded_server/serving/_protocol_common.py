"""What the server's two HTTP protocols (h11's and httptools') share: the header timeout, the
connection cap, ``Connection: close`` after an answer that leaves the body unread, one socket
write per answer, and the malformed-request answer (see
:mod:`recorded_server.serving.http_protocol`).
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from typing import TYPE_CHECKING, Any, ClassVar

from recorded_server.serving import errors, limits
from recorded_server.serving.body_received import BODY_RECEIVED_EXTENSION, whole_body_received
from recorded_server.serving.dropping import with_drop_extension
from recorded_server.serving.ids import new_request_id
from recorded_server.serving.jsontext import dumps

if TYPE_CHECKING:
    from uvicorn.server import ServerState

access_log = logging.getLogger("recorded_server.access")
log = logging.getLogger("recorded_server")

MALFORMED = "Invalid HTTP request received."
CLOSE = (b"connection", b"close")


def malformed_request_body() -> bytes:
    return dumps(errors.envelope(400, "bad_request", [(errors.NON_FIELD, [MALFORMED])])).encode()


def malformed_request_headers(body: bytes) -> tuple[str, list[tuple[bytes, bytes]]]:
    """The Request-Id and the headers of the answer to a malformed request."""
    request_id = new_request_id()
    return request_id, [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        CLOSE,
        (b"request-id", request_id.encode()),
    ]


def log_malformed(request_id: str) -> None:
    access_log.info("%s - (malformed request) 400 0.0ms", request_id)


class Throttled:
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


head_timeouts = Throttled()
cap_reached = Throttled()


class CollectingTransport:
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


async def send_in_one_write(cycle: Any, start: Any, body: Any) -> None:
    """``cycle.send(start)`` then ``cycle.send(body)`` (the whole body), their bytes written to
    the socket at once, before anything else can write (a pipelined request's answer).

    ``cycle`` is a uvicorn ``RequestResponseCycle`` (h11's or httptools'): both write through
    ``cycle.transport`` and call ``cycle.on_response`` once the answer is complete."""
    real_transport = cycle.transport
    real_on_response = cycle.on_response
    collecting = CollectingTransport(real_transport)

    def on_response() -> None:
        collecting.flush()  # the answer's bytes first: on_response may answer the next request
        cycle.transport = real_transport
        real_on_response()

    cycle.transport = collecting
    cycle.on_response = on_response
    try:
        await cycle.send(start)
        await cycle.send(body)
    finally:
        collecting.flush()
        cycle.transport = real_transport
        cycle.on_response = real_on_response


class _HeadReaper:
    """Closes a server's connections that have waited longer than their header timeout for a
    request head: one timer per server, sweeping every tenth of the timeout (10 ms to 1 s), so
    a connection is closed at most a tenth of the timeout late. Arming a connection's timeout
    is a timestamp (``Hardened._waiting_since``), not a timer of its own: a timer per request
    was about a tenth of the hardened protocol's CPU per request."""

    def __init__(self, server_state: ServerState, loop: asyncio.AbstractEventLoop) -> None:
        self._connections = weakref.ref(server_state)
        self.loop = loop
        self._handle: asyncio.TimerHandle | None = None

    @property
    def idle(self) -> bool:
        """No sweep is scheduled (the last one found no connection waiting)."""
        return self._handle is None

    def ensure(self, interval: float) -> None:
        if self._handle is None:
            self._handle = self.loop.call_later(interval, self._sweep, interval)

    def _sweep(self, interval: float) -> None:
        self._handle = None
        state = self._connections()
        if state is None:
            return
        now = time.monotonic()
        armed = False
        for connection in list(state.connections):
            if not isinstance(connection, Hardened) or not connection._head_armed:
                continue
            if now - connection._waiting_since >= connection.header_timeout:
                connection._head_armed = False
                connection._head_timed_out()
            else:
                armed = True
        if armed:
            self.ensure(interval)


_reapers: weakref.WeakKeyDictionary[Any, _HeadReaper] = weakref.WeakKeyDictionary()


class Hardened:
    """The hardening both protocol classes add to uvicorn's (a mixin, first in the bases).

    It arms the header timeout and applies the connection cap in ``connection_made`` (and
    disarms the timeout in ``connection_lost``) for both. A subclass says when the connection
    waits for a request head (:meth:`_waiting_for_head`), whether a cycle's request body is
    still unread (:meth:`_body_unread`), how it closes (:meth:`_close`) and which objects are its
    cycles (``cycle_types``)."""

    header_timeout: ClassVar[float] = limits.DEFAULT_HEADER_TIMEOUT
    max_connections: ClassVar[int] = limits.DEFAULT_MAX_CONNECTIONS
    cycle_types: ClassVar[tuple[type, ...]] = ()

    if TYPE_CHECKING:  # set by uvicorn's protocol
        app: Any
        loop: asyncio.AbstractEventLoop
        transport: asyncio.Transport
        server_state: ServerState

    def _harden(self) -> None:
        """Called at the end of ``__init__``."""
        # the app may close this connection without an answer (recorded_server.serving.dropping)
        self._inner_app = with_drop_extension(
            self.app, self._close_transport, {BODY_RECEIVED_EXTENSION: whole_body_received}
        )
        self.app = self._guarded_app
        self._head_armed = False
        """Waiting for a request head since ``_waiting_since`` (see :class:`_HeadReaper`)."""
        self._reaper: _HeadReaper | None = None
        self._waiting_since = time.monotonic()

    def _close_transport(self) -> None:
        self.transport.close()

    # --- hooks --------------------------------------------------------------------------------

    def _waiting_for_head(self) -> bool:  # pragma: no cover - overridden
        raise NotImplementedError

    def _body_unread(self, cycle: Any) -> bool:  # pragma: no cover - overridden
        raise NotImplementedError

    def _close(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def _forget_requests(self) -> None:  # pragma: no cover - overridden
        """Drop what the protocol keeps of the connection's requests: their scope, headers,
        cycles and bytes (uvicorn's attributes, and the protocol's own)."""
        raise NotImplementedError

    # --- the header timeout and the connection cap ------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[misc]  # uvicorn's protocol, next
        self._arm_head_timer()
        if len(self.server_state.connections) > self.max_connections:
            self._make_room()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)  # type: ignore[misc]
        self._let_go()

    def _let_go(self) -> None:
        """Drop what this protocol holds, now that the connection is no longer its own.

        ``self.app`` is a method of the protocol and the drop extension's closure holds another:
        cycles that would keep a closed connection, with its last request and its buffers, until
        the garbage collector finds them, and ``serve()`` runs it rarely. An app still running
        holds its own references (its cycle's app, scope and connection)."""
        self.app = self._inner_app = None  # type: ignore[assignment]  # never called again
        self._forget_requests()

    def _arm_head_timer(self) -> None:
        self._waiting_since = time.monotonic()
        self._head_armed = True
        reaper = self._reaper
        if reaper is None or reaper.idle:
            self._start_reaper()

    def _start_reaper(self) -> None:
        reaper = _reapers.get(self.server_state)
        if reaper is None or reaper.loop is not self.loop:
            reaper = _reapers[self.server_state] = _HeadReaper(self.server_state, self.loop)
        self._reaper = reaper
        reaper.ensure(min(1.0, max(0.01, self.header_timeout / 10)))

    def _cancel_head_timer(self) -> None:
        self._head_armed = False

    def _head_timed_out(self) -> None:
        if self.transport.is_closing() or not self._waiting_for_head():
            return
        head_timeouts.warning(
            "closed a connection that sent no complete request head within %gs "
            "(the header timeout, --header-timeout)",
            self.header_timeout,
        )
        self._close()

    def _make_room(self) -> None:
        connections = self.server_state.connections
        waiting = [
            c
            for c in connections
            if c is not self and isinstance(c, Hardened) and c._waiting_for_head()
        ]
        victim = min(waiting, key=lambda c: c._waiting_since) if waiting else self
        cap_reached.warning(
            "connection cap reached (%d open, --max-connections %d): closed %s; raise "
            "--max-connections (and the descriptor limit, ulimit -n) if this load is legitimate",
            len(connections),
            self.max_connections,
            "the oldest connection waiting for its request head"
            if waiting
            else "the new connection (every open one is busy with a request)",
        )
        victim._close()
        connections.discard(victim)

    # --- closing after answers that leave the body unread, and after CL+TE ------------------

    async def _guarded_app(self, scope: Any, receive: Any, send: Any) -> None:
        headers = dict(scope.get("headers", ()))
        ambiguous = b"content-length" in headers and b"transfer-encoding" in headers

        cycle = getattr(send, "__self__", None)
        if not isinstance(cycle, self.cycle_types):  # pragma: no cover - uvicorn changed
            cycle = None
        held: Any = None  # the answer's start, until its body says whether it comes in one piece

        async def guarded_send(message: Any) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                if ambiguous or self._body_unread(cycle):
                    # The rest of the body is never read: the connection cannot carry another
                    # request.
                    message = {**message, "headers": [*message.get("headers", ()), CLOSE]}
                if cycle is not None and held is None:
                    held = message
                    return
            elif held is not None:
                start, held = held, None
                if message["type"] == "http.response.body" and not message.get("more_body"):
                    await send_in_one_write(cycle, start, message)
                    return
                await send(start)
            await send(message)

        try:
            await self._inner_app(scope, receive, guarded_send)
        finally:
            if held is not None:  # the app stopped after the start: send it as it would have
                start, held = held, None
                await send(start)
