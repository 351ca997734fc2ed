"""A deterministic stream of requests that the server must refuse with a 4xx error envelope.

Every request carries at least one definite error (a bad body, bad headers, bad auth, a wrong
method or path, or a profile that does not exist), so that no answer may be a 200 and nothing is
ever stored. Each generator is a pure function of a ``random.Random`` seeded by the caller.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from _raw_http import build_request

PROFILE_PATH = "/api/v2/server-side-api/profile/"
MAX_BODY = 65536

VALID_BODY: dict[str, Any] = {
    "first_name": "Jane",
    "last_name": "Doe",
    "gender": "f",
    "birthday": "2000-12-31",
    "ip_country": "FR",
    "analytics_disabled": True,
    "custom_attributes": [{"key": "favourite_sport", "value": "yoga"}],
    "installation_meta": {"device_id": "d-1", "platform": "iOS", "idfa": None},
}
VALID_BYTES = json.dumps(VALID_BODY).encode()

# Values that no field accepts for its type, or that break the number and string rules.
WRONG_TYPED: list[tuple[str, Any]] = [
    ("birthday", 20001231),
    ("birthday", "2001-02-29"),
    ("birthday", None),
    ("ip_country", "fr"),
    ("ip_country", "FR\n"),
    ("gender", "x"),
    ("att_status", "1"),
    ("att_status", True),
    ("att_status", 1.5),
    ("att_status", 10**30),
    ("analytics_disabled", "true"),
    ("analytics_disabled", None),
    ("custom_attributes", {"k": "v"}),
    ("custom_attributes", []),
    ("custom_attributes", None),
    ("custom_attributes", [{"key": "k"}]),
    ("custom_attributes", [{"key": "bad key!", "value": "v"}]),
    ("custom_attributes", [{"key": "k" * 31, "value": "v"}]),
    ("custom_attributes", [{"key": "k", "value": "v" * 31}]),
    ("custom_attributes", [{"key": "k", "value": {"nested": 1}}]),
    ("custom_attributes", [{"key": "k", "value": [1]}]),
    ("custom_attributes", [{"key": "k", "value": 1}, {"key": "k", "value": 2}]),
    ("custom_attributes", [{"key": f"k{i}", "value": i} for i in range(31)]),
    ("installation_meta", []),
    ("installation_meta", {"platform": "iOS"}),
    ("installation_meta", {"device_id": "", "platform": "iOS"}),
    ("installation_meta", {"device_id": "d", "platform": "Windows"}),
    ("store_account_token", "not-a-uuid"),
    ("ip_v4_address", "01.2.3.4"),
    ("ip_v4_address", "256.1.1.1"),
    ("unknown_field", 1),
    ("first_name", 12),
    ("first_name", ["Jane"]),
]

# Number spellings that are not finite float64 values, or not JSON at all.
BAD_NUMBERS: list[bytes] = [
    b"1e400",
    b"-1e400",
    b"1e999999999",
    b"NaN",
    b"-NaN",
    b"Infinity",
    b"-Infinity",
    b"9" * 5000,  # more digits than Python's int() accepts by default (4300)
    b"1" + b"0" * 400 + b".5",
    b"0x10",
    b"01",
    b"1.",
    b".5",
    b"+1",
    b"1e",
    b"--1",
]

INVALID_UTF8: list[bytes] = [
    b"\xff\xfe",
    b"\xc0\xaf",  # overlong "/"
    b"\xed\xa0\x80",  # an encoded surrogate
    b"\xf4\x90\x80\x80",  # above U+10FFFF
    b"\x80",
    b"caf\xe9",  # Latin-1 "é"
    b"\xe2\x82",  # truncated sequence
]


@dataclass(frozen=True)
class Malformed:
    category: str
    request: bytes


Generator = Callable[[random.Random, str], Malformed]


def _auth(api_key: str) -> tuple[str, str]:
    return ("Authorization", f"Api-Key {api_key}")


def _json_type() -> tuple[str, str]:
    return ("Content-Type", "application/json")


def _cuid(rng: random.Random) -> tuple[str, str]:
    return ("adapty-customer-user-id", f"malformed-{rng.randrange(10**9)}")


def _post(api_key: str, rng: random.Random, body: bytes, *extra: tuple[str, str]) -> bytes:
    method = rng.choice(["POST", "PATCH"])
    headers = [_auth(api_key), _json_type(), _cuid(rng), *extra]
    return build_request(method, PROFILE_PATH, headers, body)


def truncated(rng: random.Random, api_key: str) -> Malformed:
    cut = rng.randrange(0, len(VALID_BYTES) - 1)
    return Malformed("truncated JSON", _post(api_key, rng, VALID_BYTES[:cut]))


def garbage(rng: random.Random, api_key: str) -> Malformed:
    body = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
    first = body.strip()[:1]
    if not first or first in b'{["-0123456789tfnNI':
        body = b"\x00" + body  # never valid JSON
    return Malformed("random bytes", _post(api_key, rng, body))


def not_an_object(rng: random.Random, api_key: str) -> Malformed:
    body = rng.choice([b"[]", b"null", b"true", b"1", b'"profile"', b"[{}]", b"1.5"])
    return Malformed("JSON but not an object", _post(api_key, rng, body))


def wrong_type(rng: random.Random, api_key: str) -> Malformed:
    field, value = rng.choice(WRONG_TYPED)
    body = json.dumps({**VALID_BODY, field: value}).encode()
    return Malformed("wrongly typed field", _post(api_key, rng, body))


def bad_number(rng: random.Random, api_key: str) -> Malformed:
    number = rng.choice(BAD_NUMBERS)
    where = rng.choice(["value", "att_status", "top"])
    if where == "value":
        body = b'{"custom_attributes":[{"key":"k","value":' + number + b"}]}"
    elif where == "att_status":
        body = b'{"att_status":' + number + b"}"
    else:
        body = b'{"first_name":"Jane","total":' + number + b"}"
    return Malformed("huge number or NaN token", _post(api_key, rng, body))


def invalid_utf8(rng: random.Random, api_key: str) -> Malformed:
    bad = rng.choice(INVALID_UTF8)
    place = rng.choice(["value", "key", "name"])
    if place == "value":
        body = b'{"custom_attributes":[{"key":"k","value":"' + bad + b'"}]}'
    elif place == "key":
        body = b'{"custom_attributes":[{"key":"' + bad + b'","value":"v"}]}'
    else:
        body = b'{"first_name":"' + bad + b'"}'
    return Malformed("invalid UTF-8 body", _post(api_key, rng, body))


def deep_nesting(rng: random.Random, api_key: str) -> Malformed:
    depth = rng.choice([1000, 5000, 20000, MAX_BODY // 2 - 100])
    kind = rng.choice(["array", "object", "value"])
    if kind == "array":
        body = b"[" * depth + b"]" * depth
    elif kind == "object":
        body = b'{"a":' * depth + b"1" + b"}" * depth
    else:
        inner = b"[" * depth + b"]" * depth
        body = b'{"custom_attributes":[{"key":"k","value":' + inner + b"}]}"
    return Malformed("deep nesting", _post(api_key, rng, body[:MAX_BODY]))


def oversized(rng: random.Random, api_key: str) -> Malformed:
    size = rng.choice([MAX_BODY + 1, MAX_BODY + 1000, MAX_BODY * 2])
    filler = '{"first_name":"' + "x" * (size - 17) + '"}'
    body = filler.encode()
    if rng.random() < 0.5:
        return Malformed("oversized body", _post(api_key, rng, body))
    # The same, chunked: no Content-Length to refuse it early.
    chunks = b"".join(
        f"{len(body[i : i + 8192]):x}\r\n".encode() + body[i : i + 8192] + b"\r\n"
        for i in range(0, len(body), 8192)
    )
    headers = [_auth(api_key), _json_type(), _cuid(rng), ("Transfer-Encoding", "chunked")]
    request = build_request("POST", PROFILE_PATH, headers, chunks + b"0\r\n\r\n")
    # build_request adds a Content-Length for a body: drop it, chunked framing only.
    request = request.replace(b"Content-Length: " + str(len(chunks) + 5).encode() + b"\r\n", b"")
    return Malformed("oversized chunked body", request)


def header_flood(rng: random.Random, api_key: str) -> Malformed:
    count = rng.choice([50, 100, 200])
    flood = [(f"x-flood-{i}", "y" * rng.randrange(1, 40)) for i in range(count)]
    kind = rng.choice(["many", "long id", "duplicate ids"])
    if kind == "many":
        headers = [_auth(api_key), _json_type(), _cuid(rng), *flood]
        return Malformed("header flood", build_request("POST", PROFILE_PATH, headers, b"{"))
    if kind == "long id":
        long_id = ("adapty-customer-user-id", "u" * rng.choice([256, 1000, 8000]))
        headers = [_auth(api_key), long_id, *flood[:20]]
        return Malformed("header flood", build_request("GET", PROFILE_PATH, headers))
    headers = [_auth(api_key), _json_type(), *[_cuid(rng) for _ in range(count)]]
    return Malformed("header flood", build_request("PATCH", PROFILE_PATH, headers, b"[1,"))


def bad_headers(rng: random.Random, api_key: str) -> Malformed:
    choice = rng.randrange(9)
    if choice == 0:
        headers = [_cuid(rng)]  # no Authorization
    elif choice == 1:
        headers = [("Authorization", f"Bearer {api_key}"), _cuid(rng)]
    elif choice == 2:
        headers = [("Authorization", f"Api-Key {api_key}x"), _cuid(rng)]
    elif choice == 3:
        headers = [_auth(api_key)]  # neither identity header
    elif choice == 4:
        headers = [_auth(api_key), ("adapty-profile-id", "not-a-uuid")]
    elif choice == 5:
        headers = [_auth(api_key), _cuid(rng), ("adapty-platform", "Windows")]
    elif choice == 6:
        headers = [_auth(api_key), ("adapty-customer-user-id", "")]
    elif choice == 7:
        headers = [_auth(api_key), _cuid(rng), ("Content-Type", "text/plain")]
        return Malformed("bad headers", build_request("POST", PROFILE_PATH, headers, b"{}"))
    else:
        bad = ("adapty-customer-user-id", b"\xff\xfe" + rng.choice(INVALID_UTF8))
        raw_headers: list[tuple[str, str | bytes]] = [_auth(api_key), bad, _json_type()]
        return Malformed("bad headers", build_request("PATCH", PROFILE_PATH, raw_headers, b"{,}"))
    method = rng.choice(["GET", "POST", "PATCH", "DELETE"])
    body = b"{}" if method in ("POST", "PATCH") else None
    if body is not None:
        headers.append(_json_type())
    return Malformed("bad headers", build_request(method, PROFILE_PATH, headers, body))


def wrong_route(rng: random.Random, api_key: str) -> Malformed:
    choice = rng.randrange(4)
    headers = [_auth(api_key), _cuid(rng)]
    if choice == 0:
        method = rng.choice(["PUT", "OPTIONS", "TRACE", "PROPFIND"])
        return Malformed("wrong method", build_request(method, PROFILE_PATH, headers, b"{}"))
    if choice == 1:
        path = rng.choice(["/", "/api/v2/server-side-api/profile", "/api/v1/x", "/%ff%fe"])
        return Malformed("unknown path", build_request("GET", path, headers))
    if choice == 2:
        return Malformed("missing profile", build_request("GET", PROFILE_PATH, headers))
    return Malformed("missing profile", build_request("DELETE", PROFILE_PATH, headers))


def protocol_error(rng: random.Random, api_key: str) -> Malformed:
    """Requests that break HTTP/1.1 itself: the HTTP layer must answer them in the envelope."""
    auth = f"Authorization: Api-Key {api_key}\r\n".encode()
    path = PROFILE_PATH.encode()
    choices = [
        b"GARBAGE\r\n\r\n",
        b"GET " + path + b" HTTP/9.9\r\nHost: x\r\n" + auth + b"\r\n",
        b"POST " + path + b" HTTP/1.1\r\nHost: x\r\n" + auth + b"Content-Length: abc\r\n\r\n{}",
        b"POST "
        + path
        + b" HTTP/1.1\r\nHost: x\r\n"
        + auth
        + b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
        b"POST "
        + path
        + b" HTTP/1.1\r\nHost: x\r\n"
        + auth
        + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
        b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n" + auth + b"nocolon\r\n\r\n",
        b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n" + auth + b"Bad Name: v\r\n\r\n",
        b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n" + auth + b"X-A: a\x00b\r\n\r\n",
        b"GET " + path + b" HTTP/1.0\r\n\r\n",  # no Host, no auth
    ]
    choice = rng.randrange(len(choices) + 2)
    if choice < len(choices):
        return Malformed("broken HTTP", choices[choice])
    if choice == len(choices):  # a header block of ~100 KiB
        flood = [(f"x-flood-{i}", "y" * 1000) for i in range(100)]
        return Malformed("huge header block", build_request("GET", PROFILE_PATH, flood))
    return Malformed("huge header block", build_request("GET", "/", [("x-big", "y" * 300_000)]))


GENERATORS: list[Generator] = [
    truncated,
    garbage,
    not_an_object,
    wrong_type,
    bad_number,
    invalid_utf8,
    deep_nesting,
    oversized,
    header_flood,
    bad_headers,
    wrong_route,
    protocol_error,
]


def malformed_requests(count: int, seed: int, api_key: str) -> list[Malformed]:
    """``count`` requests, round-robin over the generators, the same for the same seed."""
    rng = random.Random(seed)
    return [GENERATORS[i % len(GENERATORS)](rng, api_key) for i in range(count)]
