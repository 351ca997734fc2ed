"""uvicorn's pure-Python HTTP/1.1 protocol (h11), hardened (see
:mod:`recorded_server.serving.http_protocol`): the fallback when httptools is not installed,
and where the httptools protocol hands over a connection whose bytes llhttp refuses."""

from __future__ import annotations

import contextlib
import traceback
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol, RequestResponseCycle

from recorded_server.serving._protocol_common import (
    Hardened,
    log_malformed,
    malformed_request_body,
    malformed_request_headers,
)


class _Connection(h11.Connection):
    """h11's connection, whose protocol errors leave no reference cycle behind.

    h11 turns a ``LocalProtocolError`` into the ``RemoteProtocolError`` it raises by re-raising
    the exception from one of its own methods, whose frame (``self``: the exception) stays in
    the exception's traceback: a cycle per malformed request, which only the garbage collector
    frees, with the request's buffers in it. Clearing the traceback's frames breaks it (uvicorn
    only logs the message)."""

    def next_event(self) -> Any:
        try:
            return super().next_event()
        except h11.RemoteProtocolError as exc:
            traceback.clear_frames(exc.__traceback__)
            raise


class EnvelopeH11Protocol(Hardened, H11Protocol):
    cycle_types = (RequestResponseCycle,)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conn.__class__ = _Connection  # made by uvicorn: the same object, cycle-free errors
        self._harden()

    # --- the header timeout and the connection cap ------------------------------------------

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

    def _body_unread(self, cycle: Any) -> bool:
        return self.conn.their_state is h11.SEND_BODY

    def _forget_requests(self) -> None:
        self.scope = self.headers = self.cycle = None  # type: ignore[assignment]

    def _close(self) -> None:
        self._cancel_head_timer()
        with contextlib.suppress(h11.LocalProtocolError):
            self.conn.send(h11.ConnectionClosed())
        self.transport.close()

    # --- malformed requests ------------------------------------------------------------------

    def send_400_response(self, msg: str) -> None:
        body = malformed_request_body()
        request_id, headers = malformed_request_headers(body)
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
        log_malformed(request_id)
