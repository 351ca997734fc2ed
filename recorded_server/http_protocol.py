"""uvicorn's HTTP/1.1 protocol (h11), answering requests it cannot parse the way the app answers
everything else: the error envelope, a Request-Id, and a log line.

uvicorn answers a malformed request (a broken request line, a header section over the size
limit, a bad Content-Length...) itself, before the app sees it, with a plain-text 400. The
contract wants the envelope and a Request-Id on every response, so this subclass replaces that
one answer; everything else is uvicorn's.
"""

from __future__ import annotations

import logging
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from recorded_server import errors
from recorded_server.dropping import with_drop_extension
from recorded_server.ids import new_request_id
from recorded_server.records import dumps

access_log = logging.getLogger("recorded_server.access")

MALFORMED = "Invalid HTTP request received."


def malformed_request_body() -> bytes:
    return dumps(errors.envelope(400, "bad_request", [(errors.NON_FIELD, [MALFORMED])])).encode()


class EnvelopeH11Protocol(H11Protocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the app may close this connection without an answer (see recorded_server.dropping)
        self.app = with_drop_extension(self.app, self._close_transport)

    def _close_transport(self) -> None:
        self.transport.close()

    def send_400_response(self, msg: str) -> None:
        request_id = new_request_id()
        body = malformed_request_body()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
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
