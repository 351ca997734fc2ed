"""Redaction: secrets and chosen JSON fields never reach a cassette."""

from __future__ import annotations

import json

import pytest

from recorded_server.cassettes.format import (
    REDACTED,
    Interaction,
    RecordedRequest,
    RecordedResponse,
    Redactor,
    dump_cassette,
    redact_json_fields,
)

KEY = "sk_live_0123456789abcdef"


def _exchange(authorization: str, *, uri: str = "http://h/p", body: bytes = b"{}") -> Interaction:
    return Interaction(
        request=RecordedRequest(
            "POST", uri, (("Authorization", authorization), ("x-other", "fine")), body
        ),
        response=RecordedResponse(200, "OK", (("content-type", "application/json"),), body),
    )


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (f"Api-Key {KEY}", "Api-Key REDACTED"),
        (f"api-key {KEY}", "api-key REDACTED"),
        (f"Bearer {KEY}", "Bearer REDACTED"),
        (KEY, "REDACTED"),  # no scheme: the whole value is the secret
        (f"{KEY} trailing", "REDACTED"),  # the first word is no known scheme: could be the key
        ("Api-Key", "REDACTED"),
    ],
)
def test_authorization_is_redacted_keeping_only_a_known_scheme(value: str, written: str) -> None:
    redacted = Redactor().redact(_exchange(value))
    assert redacted.request.header("authorization") == written
    assert redacted.request.header("x-other") == "fine"
    assert KEY not in dump_cassette([redacted])


@pytest.mark.parametrize("authorization", [f"Api-Key {KEY}", KEY, f"{KEY} trailing", f"x {KEY}"])
def test_the_key_is_scrubbed_wherever_else_it_appears(authorization: str) -> None:
    body = json.dumps({"note": f"my key is {KEY}"}).encode()
    exchange = _exchange(authorization, uri=f"http://h/p?api_key={KEY}", body=body)
    exchange = Interaction(
        exchange.request,
        RecordedResponse(401, "Unauthorized", (("x-echo", f"Api-Key {KEY}"),), body),
    )
    text = dump_cassette([Redactor().redact(exchange)])
    assert KEY not in text
    assert "api_key=REDACTED" in text


def test_extra_headers_are_redacted_on_both_sides() -> None:
    exchange = Interaction(
        RecordedRequest("GET", "http://h/", (("X-Session", "session=abcdefgh1234"),)),
        RecordedResponse(200, "OK", (("Set-Cookie", "session=abcdefgh1234"), ("x", "y"))),
    )
    redacted = Redactor.build(headers=["x-session", "SET-COOKIE"]).redact(exchange)
    assert redacted.request.header("x-session") == REDACTED
    assert redacted.response.header("set-cookie") == REDACTED
    assert redacted.response.header("x") == "y"
    assert Redactor().redact(exchange) == exchange  # not asked: untouched


def test_body_fields_are_redacted_at_any_depth_with_their_json_type() -> None:
    body = json.dumps(
        {
            "email": "jane@example.com",
            "first_name": "Jane",
            "data": {"email": "x@y.z", "phone_number": None, "list": [{"email": "a@b.c"}]},
            "age": 41,
            "flag": True,
            "nested": {"obj": 1},
        }
    ).encode()
    out = json.loads(
        redact_json_fields(body, frozenset({"email", "phone_number", "age", "flag", "nested"}))
    )
    assert out == {
        "email": REDACTED,
        "first_name": "Jane",
        "data": {"email": REDACTED, "phone_number": None, "list": [{"email": REDACTED}]},
        "age": 0,
        "flag": False,
        "nested": {},
    }


@pytest.mark.parametrize(
    "body",
    [
        b'{ "first_name" :  "Jane" }',  # the field is absent: bytes kept, spacing and all
        b"not json email",
        b"",
        b'{"email": NaN}',  # not strict JSON: left alone
    ],
)
def test_bodies_without_the_field_are_kept_byte_for_byte(body: bytes) -> None:
    assert redact_json_fields(body, frozenset({"email"})) == body


def test_body_redaction_covers_request_and_response() -> None:
    body = b'{"email":"jane@example.com","keep":1}'
    redacted = Redactor.build(body_fields=["email"]).redact(_exchange(f"Api-Key {KEY}", body=body))
    for side in (redacted.request.body, redacted.response.body):
        assert json.loads(side) == {"email": REDACTED, "keep": 1}
    assert b"jane@example.com" not in dump_cassette([redacted]).encode()


@pytest.mark.parametrize(
    ("uri", "headers"),
    [
        (f"http://h/p?api_key={KEY}&x=1", ()),
        (f"http://h/p?token={KEY}", ()),
        ("http://h/p", (("X-Api-Key", KEY),)),
        ("http://h/p", (("Cookie", f"key={KEY}"),)),
    ],
)
def test_a_key_without_authorization_is_redacted_wherever_it_is_sent(
    uri: str, headers: tuple[tuple[str, str], ...]
) -> None:
    """Issue 16 #4: a key sent only in a query string, X-Api-Key or a cookie was recorded."""
    exchange = Interaction(
        RecordedRequest("GET", uri, headers, body=f'{{"echo": "{KEY}"}}'.encode()),
        RecordedResponse(200, "OK", (("x-echo", KEY),), body=KEY.encode()),
    )
    redacted = Redactor().redact(exchange)
    assert KEY not in repr(redacted)
