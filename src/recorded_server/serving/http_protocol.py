"""uvicorn's HTTP/1.1 protocols, hardened for hostile clients and answering requests they
cannot parse the way the app answers everything else: the error envelope, a Request-Id, and a
log line.

Two protocols, the same answers: :class:`EnvelopeHttpToolsProtocol` (httptools, uvicorn's C
parser; the default when httptools is installed) and :class:`EnvelopeH11Protocol` (h11, pure
Python: the fallback, and where the httptools one hands over a connection whose bytes llhttp
refuses or reads otherwise than h11, such as an unknown method token or Content-Length with
Transfer-Encoding). :func:`configured_protocol` picks one.

What they add to uvicorn's protocols:

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

import logging

from recorded_server.serving import limits
from recorded_server.serving._h11_protocol import EnvelopeH11Protocol
from recorded_server.serving._protocol_common import MALFORMED, malformed_request_body

try:
    from recorded_server.serving._httptools_protocol import EnvelopeHttpToolsProtocol
except ImportError:  # pragma: no cover - httptools is a dependency; h11 serves without it
    EnvelopeHttpToolsProtocol = None  # type: ignore[assignment,misc]

__all__ = [
    "HTTP_STACKS",
    "MALFORMED",
    "EnvelopeH11Protocol",
    "EnvelopeHttpToolsProtocol",
    "configured_protocol",
    "describe_stack",
    "effective_max_connections",
    "httptools_available",
    "malformed_request_body",
]

log = logging.getLogger("recorded_server")

HTTP_STACKS: tuple[str, ...] = ("auto", "httptools", "h11")
"""The values of ``--http``: ``auto`` is httptools when it is installed, else h11."""


def httptools_available() -> bool:
    """Whether httptools (and so :class:`EnvelopeHttpToolsProtocol`) can be used."""
    return EnvelopeHttpToolsProtocol is not None


def configured_protocol(
    header_timeout: float = limits.DEFAULT_HEADER_TIMEOUT,
    max_connections: int = limits.DEFAULT_MAX_CONNECTIONS,
    http: str = "auto",
) -> type[EnvelopeH11Protocol] | type[EnvelopeHttpToolsProtocol]:
    """The protocol class of ``http`` (``auto``, ``httptools`` or ``h11``) with these limits
    (uvicorn takes a class, not an instance). ``httptools`` without httptools installed is a
    :class:`RuntimeError`."""
    if http not in HTTP_STACKS:
        raise ValueError(f"http must be one of {', '.join(HTTP_STACKS)}, not {http!r}")

    class ConfiguredH11(EnvelopeH11Protocol):
        pass

    ConfiguredH11.header_timeout = header_timeout
    ConfiguredH11.max_connections = max_connections
    if http == "h11" or (http == "auto" and EnvelopeHttpToolsProtocol is None):
        return ConfiguredH11
    if EnvelopeHttpToolsProtocol is None:
        raise RuntimeError("--http httptools: httptools is not installed (pip install httptools)")

    class ConfiguredHttpTools(EnvelopeHttpToolsProtocol):
        pass

    ConfiguredHttpTools.header_timeout = header_timeout
    ConfiguredHttpTools.max_connections = max_connections
    ConfiguredHttpTools.h11_class = ConfiguredH11
    return ConfiguredHttpTools


def describe_stack(protocol: type[object]) -> str:
    """``httptools + uvloop``, ``h11 + asyncio``...: what serves HTTP with this protocol class
    (uvicorn's ``loop="auto"`` takes uvloop when it is installed)."""
    parser = (
        "httptools"
        if EnvelopeHttpToolsProtocol is not None and issubclass(protocol, EnvelopeHttpToolsProtocol)
        else "h11"
    )
    try:
        import uvloop  # noqa: F401
    except ImportError:
        loop = "asyncio"
    else:
        loop = "uvloop"
    return f"{parser} + {loop}"


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
