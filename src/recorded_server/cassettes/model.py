"""The cassette's data model: recorded requests, responses, interactions, and the names and
constants every part of the cassette tools shares."""

from __future__ import annotations

import re
import uuid
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from recorded_server.serving import limits

__all__ = [
    "CASSETTE_FORMAT_VERSION",
    "CASSETTE_SUFFIXES",
    "HOP_BY_HOP_HEADERS",
    "REDACTED",
    "SECRET_HEADERS",
    "SECRET_QUERY_PARAMETERS",
    "Cassette",
    "CassetteError",
    "Headers",
    "Interaction",
    "RecordedRequest",
    "RecordedResponse",
    "decode_content",
    "session_name",
    "valid_scenario_name",
]

CASSETTE_FORMAT_VERSION = 1
REDACTED = "REDACTED"
CASSETTE_SUFFIXES = (".yaml", ".yml")

#: Headers that describe one connection, not the message (RFC 9110 section 7.6.1):
#: never forwarded by the proxy, never written to a cassette, never replayed.
HOP_BY_HOP_HEADERS = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
    }
)

#: Headers whose value is a secret: always redacted before anything is written.
SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "x-api-key", "api-key", "cookie"}
)

#: Query parameters whose value is a credential: redacted in the URI, scrubbed everywhere else.
SECRET_QUERY_PARAMETERS = frozenset(
    {"api_key", "apikey", "api-key", "key", "token", "access_token", "auth", "authorization"}
)

#: Authorization schemes kept in front of the redacted credentials (the scheme is not secret).

_SCENARIO_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")

Headers = tuple[tuple[str, str], ...]


class CassetteError(Exception):
    """A file that is not a readable cassette, or a cassette that cannot be written."""


def _header(headers: Headers, name: str) -> str | None:
    wanted = name.lower()
    for key, value in headers:
        if key.lower() == wanted:
            return value
    return None


@dataclass(frozen=True)
class RecordedRequest:
    """One request as it went to the upstream."""

    method: str
    uri: str
    headers: Headers = ()
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        return _header(self.headers, name)

    @property
    def path(self) -> str:
        """The URI's path (percent-encoding kept)."""
        return urlsplit(self.uri).path or "/"

    @property
    def query(self) -> list[tuple[str, str]]:
        """The URI's query parameters, sorted (their order carries no meaning)."""
        return sorted(parse_qsl(urlsplit(self.uri).query, keep_blank_values=True))


@dataclass(frozen=True)
class RecordedResponse:
    """One response as the upstream gave it (body decoded when it was compressed)."""

    status: int
    message: str = ""
    headers: Headers = ()
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        return _header(self.headers, name)

    def decoded_body(self) -> bytes:
        """The body without its Content-Encoding (gzip, deflate): what a client reads."""
        return decode_content(self.body, self.header("content-encoding")) or self.body


@dataclass(frozen=True)
class Interaction:
    """One request and the response it got."""

    request: RecordedRequest
    response: RecordedResponse


@dataclass(frozen=True)
class Cassette:
    """A cassette file and its interactions, in recorded order."""

    path: Path
    interactions: tuple[Interaction, ...]


def decode_content(body: bytes, encoding: str | None, limit: int | None = None) -> bytes | None:
    """``body`` without its Content-Encoding; None when the encoding is one we cannot undo, or
    when undoing it would pass ``limit`` bytes (``limits.MAX_CASSETTE_BODY`` by default: a
    3 MB gzip bomb is not inflated to 3 GiB)."""
    cap = limits.MAX_CASSETTE_BODY if limit is None else limit
    codings = [c.strip().lower() for c in (encoding or "").split(",") if c.strip()]
    try:
        for coding in reversed(codings):
            if coding == "identity":
                continue
            if coding in ("gzip", "x-gzip"):
                decoded = _inflate(body, 16 + zlib.MAX_WBITS, cap)
            elif coding == "deflate":
                try:
                    decoded = _inflate(body, zlib.MAX_WBITS, cap)
                except zlib.error:
                    decoded = _inflate(body, -zlib.MAX_WBITS, cap)
            else:
                return None
            if decoded is None:
                return None
            body = decoded
    except (OSError, EOFError, zlib.error):
        return None
    return body


def _inflate(body: bytes, wbits: int, cap: int) -> bytes | None:
    """zlib/gzip/raw deflate data inflated, or None past ``cap`` bytes (concatenated gzip
    members are all read, as :func:`gzip.decompress` does)."""
    out = bytearray()
    data = body
    while data:
        inflater = zlib.decompressobj(wbits)
        out += inflater.decompress(data, cap + 1 - len(out))
        if len(out) > cap or inflater.unconsumed_tail:
            return None
        if not inflater.eof:
            raise zlib.error("truncated compressed data")
        data = inflater.unused_data.lstrip(b"\0") if wbits > 16 else b""
    return bytes(out)


def valid_scenario_name(name: str) -> bool:
    """A scenario name is a safe file name: letters, digits, ``.``, ``_``, ``-`` (max 100)."""
    return _SCENARIO_NAME.fullmatch(name) is not None and ".." not in name


def session_name() -> str:
    """A fresh, sortable cassette name for one record session."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"session-{stamp}-{uuid.uuid4().hex[:8]}"
