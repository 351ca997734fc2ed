"""How a request is matched to a recording: a list of small matchers, in the style of VCR.py's
``matchers.py``, chosen with ``--match-on``.

Each matcher takes the recorded request and the one received (both :class:`Seen`: a request
and its body parsed once) and returns how they differ, as ``(weight, text)`` pairs; an empty
list is a match. The weights rank the near misses, so that the no-match answer can name the
closest recording. A matcher with a :data:`KEYS` entry also gives a hashable key, equal for
requests it matches: replay indexes its recordings by those keys and compares the rest only
within a bucket.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from recorded_server.cassettes.model import HOP_BY_HOP_HEADERS, SECRET_HEADERS, RecordedRequest
from recorded_server.cassettes.redaction import parse_json
from recorded_server.serving.jsontext import json_type

__all__ = [
    "DEFAULT_MATCH_ON",
    "IDENTITY_HEADERS",
    "KEYS",
    "MATCHERS",
    "Difference",
    "Matcher",
    "Seen",
    "differences",
    "json_differences",
    "parse_match_on",
]

IDENTITY_HEADERS = ("adapty-customer-user-id", "adapty-profile-id")

Difference = tuple[int, str]


@dataclass(frozen=True)
class Seen:
    """A request as matchers see it: its body parsed as JSON once."""

    request: RecordedRequest

    @functools.cached_property
    def body_json(self) -> tuple[bool, object]:
        """``parse_json`` of the body."""
        return parse_json(self.request.body)

    @functools.cached_property
    def query(self) -> list[tuple[str, str]]:
        """The sorted query parameters."""
        return self.request.query

    @functools.cached_property
    def path(self) -> str:
        """The path, percent-encoding kept."""
        return self.request.path


Matcher = Callable[[Seen, Seen], list[Difference]]

# How much each kind of difference weighs when looking for the closest recording.
_METHOD, _PATH, _QUERY, _IDENTITY, _HEADER, _BODY_BYTES, _BODY_JSON = 1000, 100, 10, 10, 3, 5, 1
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: Headers the ``headers`` matcher does not compare: per connection, per client, or secret.
_UNCOMPARED_HEADERS = (
    HOP_BY_HOP_HEADERS
    | SECRET_HEADERS
    | {"host", "content-length", "user-agent", "accept-encoding", "x-recorded-server-scenario"}
)


def method(recorded: Seen, got: Seen) -> list[Difference]:
    """The method, case-insensitively."""
    a, b = recorded.request.method, got.request.method
    return [] if a.upper() == b.upper() else [(_METHOD, f"method: recorded {a}, got {b}")]


def path(recorded: Seen, got: Seen) -> list[Difference]:
    """The path as sent (percent-encoding kept)."""
    a, b = recorded.path, got.path
    return [] if a == b else [(_PATH, f"path: recorded {a}, got {b}")]


def query(recorded: Seen, got: Seen) -> list[Difference]:
    """The query parameters, in any order."""
    a, b = recorded.query, got.query
    return [] if a == b else [(_QUERY, f"query: recorded {a}, got {b}")]


def uri(recorded: Seen, got: Seen) -> list[Difference]:
    """The path and the query (VCR.py's ``uri``, without scheme and host: replay is local)."""
    return path(recorded, got) + query(recorded, got)


def _shown_header(value: str | None) -> str:
    return "absent" if value is None else repr(value)


def identity(recorded: Seen, got: Seen) -> list[Difference]:
    """The identity headers ``adapty-customer-user-id`` and ``adapty-profile-id``: same value,
    or both absent."""
    out: list[Difference] = []
    for name in IDENTITY_HEADERS:
        a, b = recorded.request.header(name), got.request.header(name)
        if a != b:
            out.append(
                (_IDENTITY, f"header {name}: recorded {_shown_header(a)}, got {_shown_header(b)}")
            )
    return out


def _compared_headers(request: RecordedRequest) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in request.headers:
        lowered = name.lower()
        if lowered not in _UNCOMPARED_HEADERS:
            grouped.setdefault(lowered, []).append(value)
    return grouped


def headers(recorded: Seen, got: Seen) -> list[Difference]:
    """Every end-to-end header, names case-insensitive (not ``Host``, ``Content-Length``,
    ``User-Agent``, ``Accept-Encoding`` nor the redacted ones such as ``Authorization``)."""
    a, b = _compared_headers(recorded.request), _compared_headers(got.request)
    out: list[Difference] = []
    for name in sorted(a.keys() | b.keys()):
        if a.get(name) != b.get(name):
            shown_a = "absent" if name not in a else repr(", ".join(a[name]))
            shown_b = "absent" if name not in b else repr(", ".join(b[name]))
            out.append((_HEADER, f"header {name}: recorded {shown_a}, got {shown_b}"))
    return out


def _show(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 80 else text[:77] + "..."


def _child(at: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{at}[{key}]"
    if _PLAIN_KEY.fullmatch(key):
        return f"{at}.{key}"
    return f"{at}[{json.dumps(key, ensure_ascii=False)}]"


def json_differences(recorded: object, got: object, at: str = "$") -> list[str]:
    """Where two JSON values differ, as ``$.json.path: recorded X, got Y`` lines."""
    if isinstance(recorded, dict) and isinstance(got, dict):
        out: list[str] = []
        for key, value in recorded.items():
            if key not in got:
                out.append(f"{_child(at, key)}: recorded {_show(value)}, absent from the request")
            else:
                out.extend(json_differences(value, got[key], _child(at, key)))
        out.extend(
            f"{_child(at, key)}: not in the recording, got {_show(value)}"
            for key, value in got.items()
            if key not in recorded
        )
        return out
    if isinstance(recorded, list) and isinstance(got, list):
        out = []
        for i, (a, b) in enumerate(zip(recorded, got, strict=False)):
            out.extend(json_differences(a, b, _child(at, i)))
        if len(recorded) != len(got):
            out.append(f"{at}: recorded {len(recorded)} items, got {len(got)}")
        return out
    if json_type(recorded) == json_type(got) and recorded == got:
        return []
    return [f"{at}: recorded {_show(recorded)}, got {_show(got)}"]


def _describe(body: bytes, is_json: bool) -> str:
    if not body:
        return "no body"
    return f"{len(body)} bytes of {'JSON' if is_json else 'non-JSON'}"


def raw_body(recorded: Seen, got: Seen) -> list[Difference]:
    """The body, byte for byte."""
    a, b = recorded.request.body, got.request.body
    if a == b:
        return []
    return [
        (
            _BODY_BYTES,
            f"body: recorded {_describe(a, recorded.body_json[0])}, "
            f"got {_describe(b, got.body_json[0])}",
        )
    ]


def body(recorded: Seen, got: Seen) -> list[Difference]:
    """The body as JSON values when both are JSON (key order and spacing do not matter, ``1``
    equals ``1.0``, ``true`` is not ``1``); byte for byte otherwise."""
    a_json, a_value = recorded.body_json
    b_json, b_value = got.body_json
    if a_json and b_json:
        return [(_BODY_JSON, f"body {d}") for d in json_differences(a_value, b_value)]
    return raw_body(recorded, got)


MATCHERS: dict[str, Matcher] = {
    "method": method,
    "path": path,
    "query": query,
    "uri": uri,
    "identity": identity,
    "headers": headers,
    "body": body,
    "raw_body": raw_body,
}
"""Every matcher ``--match-on`` can name."""


def _identity_key(seen: Seen) -> Hashable:
    return tuple(seen.request.header(name) for name in IDENTITY_HEADERS)


KEYS: dict[str, Callable[[Seen], Hashable]] = {
    "method": lambda seen: seen.request.method.upper(),
    "path": lambda seen: seen.path,
    "query": lambda seen: tuple(seen.query),
    "uri": lambda seen: (seen.path, tuple(seen.query)),
    "identity": _identity_key,
    "raw_body": lambda seen: seen.request.body,
}
"""For the matchers that compare for equality: a key equal exactly when they match."""

DEFAULT_MATCH_ON = ("method", "path", "query", "identity", "body")


def parse_match_on(text: str | Sequence[str]) -> tuple[str, ...]:
    """``method,path,body`` (or a list of names) as matcher names; ValueError names the bad one."""
    names = text.split(",") if isinstance(text, str) else list(text)
    out: list[str] = []
    for raw in names:
        name = raw.strip()
        if not name:
            continue
        if name not in MATCHERS:
            raise ValueError(
                f"unknown matcher {name!r}; one of: {', '.join(MATCHERS)} (comma-separated)"
            )
        if name not in out:
            out.append(name)
    if not out:
        raise ValueError(f"no matcher named; one or more of: {', '.join(MATCHERS)}")
    return tuple(out)


def differences(
    recorded: Seen, got: Seen, match_on: Sequence[str] = DEFAULT_MATCH_ON
) -> list[Difference]:
    """Every way ``got`` differs from ``recorded`` under the matchers ``match_on``."""
    out: list[Difference] = []
    for name in match_on:
        out.extend(MATCHERS[name](recorded, got))
    return out
