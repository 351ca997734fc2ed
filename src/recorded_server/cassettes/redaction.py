"""Redaction: what is removed from an exchange before it is written (secrets, chosen JSON
fields), and the strict JSON parsing it and the matchers share."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, unquote_plus, urlsplit, urlunsplit

from recorded_server.cassettes.model import (
    REDACTED,
    SECRET_HEADERS,
    SECRET_QUERY_PARAMETERS,
    Headers,
    Interaction,
    RecordedRequest,
    RecordedResponse,
)

__all__ = ["Redactor", "parse_json", "redact_json_fields"]

_KNOWN_AUTH_SCHEMES = frozenset({"api-key", "basic", "bearer", "digest", "token"})

#: The shortest credential that is also scrubbed from the rest of an exchange (URI, bodies).
_MIN_SCRUBBED_SECRET = 6


def _redact_value(value: object) -> object:
    """A placeholder of the same JSON type, so a redacted cassette still has the right shape."""
    if value is None:
        return None
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return 0
    if isinstance(value, list):
        return []
    if isinstance(value, dict):
        return {}
    return REDACTED


def _redact_json(value: object, fields: frozenset[str]) -> tuple[object, bool]:
    if isinstance(value, dict):
        changed = False
        out: dict[str, object] = {}
        for key, item in value.items():
            if key in fields:
                out[key] = _redact_value(item)
                changed = changed or out[key] != item or type(out[key]) is not type(item)
            else:
                out[key], sub = _redact_json(item, fields)
                changed = changed or sub
        return out, changed
    if isinstance(value, list):
        results = [_redact_json(item, fields) for item in value]
        return [r for r, _ in results], any(c for _, c in results)
    return value, False


def _reject_constant(token: str) -> object:
    raise ValueError(f"{token} is not JSON")


def parse_json(body: bytes) -> tuple[bool, object]:
    """``(True, value)`` when ``body`` is one strict JSON document (UTF-8), else ``(False, None)``.

    Strict: ``NaN`` and ``Infinity`` are not JSON.
    """
    if not body.strip():
        return False, None
    try:
        return True, json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False, None


def redact_json_fields(body: bytes, fields: frozenset[str]) -> bytes:
    """``body`` with every object member named in ``fields`` replaced, at any depth.

    A string becomes ``"REDACTED"``, a number 0, a boolean false, an array ``[]``, an
    object ``{}``; null stays null. A body that is not JSON, or has none of the
    fields, is returned byte for byte.
    """
    if not fields:
        return body
    ok, value = parse_json(body)
    if not ok:
        return body
    redacted, changed = _redact_json(value, fields)
    if not changed:
        return body
    return json.dumps(redacted, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _redact_header_value(value: str) -> str:
    scheme, _, credentials = value.strip().partition(" ")
    if credentials and scheme.lower() in _KNOWN_AUTH_SCHEMES:
        return f"{scheme} {REDACTED}"
    return REDACTED


def _secrets(value: str) -> list[str]:
    """The strings to scrub elsewhere: each word of the value that is not the scheme."""
    words = [w for w in value.split() if w.lower() not in _KNOWN_AUTH_SCHEMES]
    return [w for w in words if len(w) >= _MIN_SCRUBBED_SECRET and w != REDACTED]


def _scrub(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


def _scrub_bytes(body: bytes, secrets: Sequence[str]) -> bytes:
    for secret in secrets:
        body = body.replace(secret.encode("utf-8"), REDACTED.encode("ascii"))
    return body


def _secret_query_values(uri: str) -> list[tuple[str, str]]:
    query = urlsplit(uri).query
    return [
        (name, value)
        for name, value in parse_qsl(query, keep_blank_values=True)
        if name.lower() in SECRET_QUERY_PARAMETERS and value
    ]


def _redact_query(uri: str) -> str:
    """``uri`` with the values of its secret query parameters replaced (the rest as it was)."""
    parts = urlsplit(uri)
    if not parts.query:
        return uri
    pieces = []
    for piece in parts.query.split("&"):
        name, eq, value = piece.partition("=")
        if eq and value and unquote_plus(name).lower() in SECRET_QUERY_PARAMETERS:
            piece = f"{name}={REDACTED}"
        pieces.append(piece)
    return urlunsplit(parts._replace(query="&".join(pieces)))


@dataclass(frozen=True)
class Redactor:
    """What is removed from an exchange before it is written.

    - ``headers``: header names (case-insensitive) whose values are replaced, in the
      request and the response. Authorization is always among them; its scheme
      (``Api-Key``, ``Bearer``, ...) is kept, its credentials become ``REDACTED``.
      The credentials are also scrubbed from the URI, every other header and both
      bodies, wherever they appear.
    - ``body_fields``: JSON member names redacted at any depth in both bodies.
    """

    body_fields: frozenset[str] = frozenset()
    headers: frozenset[str] = field(default=SECRET_HEADERS)

    @classmethod
    def build(cls, body_fields: Iterable[str] = (), headers: Iterable[str] = ()) -> Redactor:
        """A redactor for these body fields and these headers (on top of Authorization)."""
        return cls(
            body_fields=frozenset(body_fields),
            headers=SECRET_HEADERS | {h.lower() for h in headers},
        )

    def _headers(self, headers: Headers, secrets: list[str]) -> Headers:
        out: list[tuple[str, str]] = []
        for name, value in headers:
            if name.lower() in self.headers:
                secrets.extend(_secrets(value))
                if name.lower() == "cookie":  # each cookie's value is a secret of its own
                    cookies = (part.partition("=")[2].strip() for part in value.split(";"))
                    secrets.extend(c for c in cookies if len(c) >= _MIN_SCRUBBED_SECRET)
                out.append((name, _redact_header_value(value)))
            else:
                out.append((name, value))
        return tuple(out)

    def redact_request(self, request: RecordedRequest) -> RecordedRequest:
        """``request`` redacted the way it would be written (used by replay to match)."""
        return self.redact(Interaction(request, RecordedResponse(status=0))).request

    def secrets_of(self, request: RecordedRequest) -> list[str]:
        """The credentials ``request`` carries (secret headers, secret query parameters)."""
        secrets: list[str] = []
        self._headers(request.headers, secrets)
        secrets += [v for _, v in _secret_query_values(request.uri)]
        return [v for v in secrets if len(v) >= _MIN_SCRUBBED_SECRET]

    def redact(self, interaction: Interaction) -> Interaction:
        """``interaction`` with its secrets and the chosen fields redacted."""
        secrets: list[str] = [
            v
            for _, v in _secret_query_values(interaction.request.uri)
            if len(v) >= _MIN_SCRUBBED_SECRET
        ]
        request_headers = self._headers(interaction.request.headers, secrets)
        response_headers = self._headers(interaction.response.headers, secrets)
        secrets.sort(key=len, reverse=True)  # the longest first: a word before a part of it
        redacted_names = self.headers

        def scrub_headers(headers: Headers) -> Headers:
            return tuple(
                (n, v if n.lower() in redacted_names else _scrub(v, secrets)) for n, v in headers
            )

        request = replace(
            interaction.request,
            uri=_scrub(_redact_query(interaction.request.uri), secrets),
            headers=scrub_headers(request_headers),
            body=_scrub_bytes(
                redact_json_fields(interaction.request.body, self.body_fields), secrets
            ),
        )
        response = replace(
            interaction.response,
            headers=scrub_headers(response_headers),
            body=_scrub_bytes(
                redact_json_fields(interaction.response.body, self.body_fields), secrets
            ),
        )
        return Interaction(request=request, response=response)
