"""uvicorn's httptools protocol (llhttp, a C parser: about half the CPU per request of h11),
hardened like the h11 one (see :mod:`recorded_server.serving.http_protocol`), with the
same answers.

llhttp and h11 do not accept the same bytes: llhttp refuses methods it does not know (``FOO``),
Content-Length with Transfer-Encoding, bare LF line ends, an HTTP version other than 0.9, 1.0,
1.1 and 2.0...; it accepts a request line with two spaces, a missing or doubled Host, a
``Transfer-Encoding: gzip, chunked``, and it has no limit on a header section. The kit's answers
are h11's, so a connection whose next request llhttp refuses, or which h11 would see otherwise,
is handed to an :class:`~recorded_server.serving._h11_protocol.EnvelopeH11Protocol` with every
byte received since the parser was last between two requests, and stays on h11.

That needs those bytes: they are kept (up to ``_KEPT``) from the moment the parser is between
requests at the end of a received chunk. When a request begins in the same chunk as the end of
the one before (pipelining), httptools does not say where (it gives no offsets): a scratch h11
connection reads the kept bytes to find it, and the hand-off waits for the answers to the
requests before it. Only the request-line check (extra spaces, leading CRLFs) is left out for
such a request; and one whose bytes are not kept gets the malformed-request envelope.
"""

from __future__ import annotations

import asyncio
import contextvars
from typing import Any, ClassVar
from urllib.parse import unquote

import h11
import httptools
from h11._connection import DEFAULT_MAX_INCOMPLETE_EVENT_SIZE
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle

from recorded_server.serving._h11_protocol import EnvelopeH11Protocol
from recorded_server.serving._protocol_common import (
    MALFORMED,
    Hardened,
    log_malformed,
    malformed_request_body,
    malformed_request_headers,
)

__all__ = ["EnvelopeHttpToolsProtocol"]

_STATUS_400 = b"HTTP/1.1 400 Bad Request\r\n"
_KEPT = 128 * 1024
"""At most this many bytes received since the parser was last between requests are kept (for
a hand-off to h11); past it, a refused request gets the envelope."""


class _ForH11(Exception):
    """Raised in a parser callback: h11 would see this request otherwise than llhttp does."""


class EnvelopeHttpToolsProtocol(Hardened, HttpToolsProtocol):
    cycle_types = (RequestResponseCycle,)
    h11_class: ClassVar[type[EnvelopeH11Protocol]] = EnvelopeH11Protocol
    """Where a connection goes when llhttp refuses its bytes (same limits)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._harden()
        limit = self.config.h11_max_incomplete_event_size
        self._head_limit = DEFAULT_MAX_INCOMPLETE_EVENT_SIZE if limit is None else limit
        # the bytes received since the parser was last between requests at the end of a chunk
        # (None: more than _KEPT of them), and how many requests ended in them since
        self._since_boundary: list[bytes] | None = []
        self._size_since_boundary = 0
        self._completed_before = 0
        self._between = True  # no request begun since the last one ended
        self._head_done = False  # the current request's head is complete
        self._head_size = 0  # when its first byte is not known: bytes of the chunks after it
        self._feeding = False
        self._began_in_feed = False
        self._started_in_feed: tuple[RequestResponseCycle, asyncio.Task[None]] | None = None
        self._running: RequestResponseCycle | None = None  # the cycle whose app was started last
        self._message_cycle: RequestResponseCycle | None = None  # the current request's
        self._for_h11 = False
        self._deferred: list[bytes] | None = None  # for h11, once the answers before are out
        self._deferred_400 = False  # the envelope, once the answers before it are out

    # --- the connection ---------------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        if self._deferred is not None:  # waiting to hand these bytes to h11
            self._deferred.append(data)
            return
        if self._deferred_400:
            return  # the connection closes after the envelope
        self._unset_keepalive_if_required()
        chunks = self._since_boundary
        if chunks is not None:
            chunks.append(data)
            self._size_since_boundary += len(data)
        self._began_in_feed = False
        self._feeding = True
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade as upgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._after_refused_upgrade(upgrade, data)
            return
        except httptools.HttpParserError:
            self._refused()
            return
        finally:
            self._feeding = False
            self._started_in_feed = None
        if self._between:
            if chunks is None:
                self._since_boundary = []
            else:
                chunks.clear()
            self._size_since_boundary = self._completed_before = 0
            return
        if self._size_since_boundary > _KEPT:
            self._since_boundary = None
            self._size_since_boundary = 0
        if not self._head_done:
            if not self._began_in_feed:
                self._head_size += len(data)
            size = self._head_size  # at most the head's size when its first byte is not known
            if self._since_boundary is not None:
                size = self._size_since_boundary
                if size > self._head_limit and self._completed_before:
                    rest = self._from_refused_request()  # the head's bytes, if h11 finds them
                    size = self._head_size if rest is None else len(rest[0])
            if size > self._head_limit:
                self._refused()  # h11 refuses a header section this large

    def _idle(self) -> bool:
        """No answer in progress nor waiting."""
        running = self._running
        return (running is None or running.response_complete) and not self.pipeline

    # --- parser callbacks -------------------------------------------------------------------

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._between = False
        self._head_done = False
        self._began_in_feed = True
        self._head_size = 0
        self._message_cycle = None

    def on_headers_complete(self) -> None:
        self._head_done = True
        self._cancel_head_timer()
        known = self._since_boundary is not None
        if self._h11_refuses() or (known and self._h11_reads_otherwise()):
            self._for_h11 = True
            raise _ForH11
        try:
            super().on_headers_complete()
        except Exception:  # uvicorn could not read the head (a URL over 64 KiB): h11 can
            self._for_h11 = True
            raise
        self._message_cycle = self.cycle
        if not known:  # not handed over: at least the target as h11 reads it
            url = self.url
            if url[:1] != b"/" or b"#" in url:
                raw_path, _, query = url.partition(b"?")
                self.scope["path"] = self.root_path + unquote(raw_path.decode("ascii"))
                self.scope["raw_path"] = self.root_path.encode("ascii") + raw_path
                self.scope["query_string"] = query

    def on_message_complete(self) -> None:
        self._between = True
        self._completed_before += 1
        self._head_done = False
        super().on_message_complete()

    def _h11_refuses(self) -> bool:
        """Whether h11 refuses this head, which llhttp accepted (its answer: the envelope)."""
        hosts = 0
        for name, value in self.headers:
            if name == b"host":
                hosts += 1
            elif name == b"transfer-encoding" and value.strip().lower() != b"chunked":
                return True
        return hosts > 1 or (hosts == 0 and self.parser.get_http_version() == "1.1")

    def _h11_reads_otherwise(self) -> bool:
        """Whether h11 could read this head otherwise than llhttp (only asked when the head's
        bytes are known, so that h11 can read them)."""
        version = self.parser.get_http_version()
        if version != "1.1" and version != "1.0":
            return True
        url = self.url
        if url[:1] != b"/" or b"#" in url or self.parser.should_upgrade():
            return True  # targets and upgrades uvicorn's two protocols do not treat alike
        if self._completed_before:
            return False  # the request line's bytes are not at hand (pipelined)
        # the request line exactly as h11 reads it (llhttp allows more spaces, leading CRLFs)
        prefix = b"".join((self.parser.get_method(), b" ", url, b" HTTP/"))
        chunks = self._since_boundary
        assert chunks is not None
        first = chunks[0]
        if len(first) < len(prefix) and len(chunks) > 1:
            first = b"".join(chunks)
        return not first.startswith(prefix)

    def _after_refused_upgrade(self, upgrade: httptools.HttpParserUpgrade, data: bytes) -> None:
        """An upgrade (or CONNECT) that no protocol takes, in a chunk after the end of another
        request: llhttp reads nothing after it; h11 answers it as a request and reads on. So
        the bytes after it go to h11 once it is answered."""
        self._unsupported_upgrade_warning()
        offset = upgrade.args[0] if upgrade.args and isinstance(upgrade.args[0], int) else None
        self._deferred = [] if offset is None else [data[offset:]]
        self.flow.pause_reading()
        if self._idle():  # pragma: no cover - its app was started in this chunk
            self._hand_off(self._deferred)

    def _start_asgi_task(self, cycle: RequestResponseCycle, app: Any) -> None:
        # uvicorn's, keeping the task: a request refused in the chunk that started its app is
        # handed to h11 with the app cancelled before it ran
        if self.config.reset_contextvars:
            task = self.loop.create_task(cycle.run_asgi(app), context=contextvars.Context())
        else:
            task = self.loop.create_task(cycle.run_asgi(app))
        task.add_done_callback(self.tasks.discard)
        self.tasks.add(task)
        self._running = cycle
        if self._feeding:
            self._started_in_feed = (cycle, task)

    # --- requests llhttp refuses ------------------------------------------------------------

    def _refused(self) -> None:
        """The parser refused the current request (or it is for h11): hand the connection to
        h11 when the request's bytes are all known and no app has seen it, else answer it."""
        for_h11, self._for_h11 = self._for_h11, False
        cycle = None if for_h11 or self._between else self._message_cycle
        if cycle is not None:
            # its head was complete: uvicorn made its cycle (queued, or its app started)
            started = self._started_in_feed
            if self.pipeline and self.pipeline[0][0] is cycle:
                self.pipeline.popleft()
                self.cycle = self.pipeline[0][0] if self.pipeline else self._running  # type: ignore[assignment]
            elif started is not None and started[0] is cycle:
                started[1].cancel()  # it has not run yet: no app saw this request
                self._running = None
                self.cycle = None  # type: ignore[assignment]
            else:  # its app is running: no hand-off; h11 answered in this state too
                self.logger.warning(MALFORMED)
                cycle.disconnected = True  # nothing more of the app's goes out
                if cycle.response_started:
                    self.transport.close()
                else:
                    self.send_400_response(MALFORMED)
                return
        self._cancel_head_timer()
        rest = self._from_refused_request()
        if rest is not None:
            if self._idle():
                self._hand_off(rest)
            else:
                self._deferred = rest
                self.flow.pause_reading()
        elif self._idle():
            self.logger.warning(MALFORMED)
            self.send_400_response(MALFORMED)
        else:
            self._deferred_400 = True
            self.flow.pause_reading()

    def _from_refused_request(self) -> list[bytes] | None:
        """The bytes from the first one of the refused request on (None: not known)."""
        chunks = self._since_boundary
        if chunks is None:
            return None
        if not self._completed_before:
            return chunks
        # httptools gives no offsets: where the requests before it end, as h11 frames them
        data = b"".join(chunks)
        scratch = h11.Connection(h11.SERVER, max_incomplete_event_size=len(data) + 1)
        scratch.receive_data(data)
        ended = 0
        try:
            while ended < self._completed_before:
                event = scratch.next_event()
                if event is h11.NEED_DATA or event is h11.PAUSED:
                    return None
                if type(event) is h11.EndOfMessage:
                    ended += 1
                    scratch.send(h11.Response(status_code=204, headers=[]))
                    scratch.send(h11.EndOfMessage())
                    scratch.start_next_cycle()
        except h11.ProtocolError:  # h11 frames them otherwise (or closes after one)
            return None
        return [bytes(scratch.trailing_data[0])]

    def _hand_off(self, chunks: list[bytes]) -> None:
        """The connection goes on on h11, from the first byte of the request llhttp refused."""
        self._deferred = None
        self._cancel_head_timer()
        self._unset_keepalive_if_required()
        self.flow.resume_reading()  # h11's own flow control starts from reading
        self.server_state.connections.discard(self)
        h11 = self.h11_class(
            config=self.config,
            server_state=self.server_state,
            app_state=self.app_state,
            _loop=self.loop,
        )
        self.transport.set_protocol(h11)
        h11.connection_made(self.transport)
        data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        self._let_go()  # the connection is h11's now
        if data:
            h11.data_received(data)

    def send_400_response(self, msg: str) -> None:
        body = malformed_request_body()
        request_id, headers = malformed_request_headers(body)
        head = [_STATUS_400]
        for name, value in headers:
            head += (name, b": ", value, b"\r\n")
        head += (b"\r\n", body)
        self.transport.write(b"".join(head))
        self.transport.close()
        log_malformed(request_id)

    # --- answers ----------------------------------------------------------------------------

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.transport.is_closing() or not self._idle():
            return
        if self._deferred is not None:
            self._hand_off(self._deferred)
        elif self._deferred_400:
            self.logger.warning(MALFORMED)
            self.send_400_response(MALFORMED)
        elif not self._head_done:
            self._arm_head_timer()

    def _waiting_for_head(self) -> bool:
        return not self._head_done and self._deferred is None and self._idle()

    def _forget_requests(self) -> None:
        self.scope = self.headers = self.cycle = None  # type: ignore[assignment]
        self.parser = None  # type: ignore[assignment]  # its callbacks are this protocol's
        self._since_boundary = None
        self._deferred = None
        self.pipeline.clear()  # never started: the connection is gone
        self._started_in_feed = self._running = self._message_cycle = None

    def _body_unread(self, cycle: Any) -> bool:
        return cycle is not None and bool(cycle.more_body)

    def _close(self) -> None:
        self._cancel_head_timer()
        self.transport.close()
