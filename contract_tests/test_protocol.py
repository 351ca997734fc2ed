"""The HTTP rules around the body: auth, identity headers, media type, size, order of checks.

These are the rules of ``SERVER_ONLY_RULES`` that OpenAPI cannot decide (one of two identity
headers, which status wins when several apply, the body limit, concurrent creates), plus the
protocol facts every response must show. Each test shows the accepted and the rejected side.
"""

from __future__ import annotations

import concurrent.futures

import pytest

from contract_tests.summary import SUMMARY
from contract_tests.targets import (
    Sent,
    Target,
    fresh_customer_user_id,
    fresh_identity,
    fresh_profile_id,
)
from contract_tests.verdicts import MISSING_PROFILE_CODES, check_envelope, check_request_id

MISSING_CREDENTIALS = {
    "errors": [
        {"source": "non_field_errors", "errors": ["Authentication credentials were not provided."]}
    ],
    "error_code": "not_authenticated",
    "status_code": 401,
}
DEFAULT_MAX_BODY = 65536


def expect(
    sent: Sent, status: int, error_code: str | tuple[str, ...] | None = None, check: str = ""
) -> None:
    """``sent`` answered ``status`` (and, for errors, the envelope with ``error_code``, or one
    of several)."""
    operation = f"{sent.method} profile"
    check_request_id(operation, sent)
    with SUMMARY.checking(operation, check or f"protocol: {status}", sent.curl):
        assert sent.status == status, f"expected {status}: {sent.describe()}"
    if error_code is not None:
        envelope = check_envelope(operation, sent)
        with SUMMARY.checking(operation, check or f"protocol: {status}", sent.curl):
            codes = (error_code,) if isinstance(error_code, str) else error_code
            assert envelope["error_code"] in codes, f"expected {error_code}: {sent.describe()}"


def sources(sent: Sent) -> list[str | None]:
    return [item.get("source") for item in sent.json()["errors"]]


@pytest.mark.parametrize("method", ["POST", "GET", "PATCH", "DELETE", "PUT"])
def test_auth_comes_first(target: Target, method: str) -> None:
    """No, a wrong or a malformed key: 401 before anything else, even a bad body or method."""
    body = b"{not json" if method in ("POST", "PATCH", "PUT") else None
    missing = target.send(method, identity={}, body=body, content_type="text/plain", auth=False)
    expect(missing, 401, "not_authenticated", "protocol: 401 before anything else")
    with SUMMARY.checking(f"{method} profile", "protocol: 401 body as in the seed", missing.curl):
        assert missing.json() == MISSING_CREDENTIALS, missing.describe()
    for header in (f"Api-Key wrong-{target.api_key}", f"Bearer {target.api_key}", target.api_key):
        wrong = target.send(
            method, identity=fresh_identity(), headers={"Authorization": header}, auth=False
        )
        expect(wrong, 401, "not_authenticated", "protocol: 401 before anything else")
    unknown = target.send("GET", path="/api/v2/server-side-api/nowhere/", auth=False)
    expect(unknown, 401, "not_authenticated", "protocol: 401 before anything else")


@pytest.mark.parametrize("method", ["PUT", "OPTIONS"])
def test_other_methods_are_405(target: Target, method: str) -> None:
    sent = target.send(method, identity={"adapty-profile-id": "not-a-uuid"}, body=b"{")
    expect(sent, 405, "method_not_allowed", "protocol: 405 before headers and body")


def test_unknown_paths_are_404(target: Target) -> None:
    for path in ("/api/v2/server-side-api/profile", "/api/v2/server-side-api/nowhere/", "/"):
        expect(target.send("GET", path=path), 404, "not_found", "protocol: unknown path 404")


def test_identity_headers(target: Target) -> None:
    """One of two identity headers; a profile id is a UUID; a customer user id 1..255 chars."""
    neither = target.send("POST", identity={}, body=b"{}")
    expect(neither, 400, "bad_request", "protocol: one of two identity headers")
    with SUMMARY.checking("POST profile", "protocol: one of two identity headers", neither.curl):
        assert "adapty-customer-user-id" in sources(neither), neither.describe()
    for method in ("GET", "PATCH", "DELETE"):
        body = b"{}" if method == "PATCH" else None
        expect(target.send(method, identity={}, body=body), 400, "bad_request")
    bad_id = target.send("GET", identity={"adapty-profile-id": "3fa85f6457174562b3fc2c963f66afa6"})
    expect(bad_id, 400, "bad_request", "protocol: adapty-profile-id is a UUID")
    with SUMMARY.checking("GET profile", "protocol: adapty-profile-id is a UUID", bad_id.curl):
        assert "adapty-profile-id" in sources(bad_id), bad_id.describe()
    longest = "u" * 255
    identity = {"adapty-customer-user-id": f"{fresh_customer_user_id()}{longest}"[:255]}
    expect(target.send("POST", identity=identity, body=b"{}"), 200)
    too_long = {"adapty-customer-user-id": "u" * 256}
    expect(target.send("POST", identity=too_long, body=b"{}"), 400, "bad_request")
    platform = {**fresh_identity(), "adapty-platform": "ios"}
    expect(target.send("POST", identity=platform, body=b"{}"), 400, "bad_request")
    platform["adapty-platform"] = "iOS"
    expect(target.send("POST", identity=platform, body=b"{}"), 200)


def test_profile_id_identifies_when_both_are_sent(target: Target) -> None:
    first, second = fresh_identity(), fresh_identity()
    expect(target.send("POST", identity=first, body=b"{}"), 200)
    created = target.send("POST", identity=second, body=b"{}")
    expect(created, 200)
    second_id = created.json()["data"]["profile_id"]
    both = target.send("GET", identity={**first, "adapty-profile-id": second_id.upper()})
    expect(both, 200)
    with SUMMARY.checking("GET profile", "protocol: adapty-profile-id wins", both.curl):
        assert both.json()["data"]["profile_id"] == second_id, both.describe()


def test_anonymous_profile_by_profile_id(target: Target) -> None:
    """POST with only adapty-profile-id: that id (stored lowercase), customer_user_id null."""
    profile_id = fresh_profile_id()
    created = target.send("POST", identity={"adapty-profile-id": profile_id.upper()}, body=b"{}")
    expect(created, 200)
    with SUMMARY.checking("POST profile", "protocol: anonymous profile", created.curl):
        data = created.json()["data"]
        assert data["profile_id"] == profile_id and data["customer_user_id"] is None, data
    again = target.send("POST", identity={"adapty-profile-id": profile_id}, body=b"{}")
    expect(again, 409, "profile_already_exists")


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_content_type(target: Target, method: str) -> None:
    """application/json (any case, charset=utf-8 allowed) is read; any other type is 415."""
    identity = fresh_identity()
    if method == "PATCH":
        expect(target.send("POST", identity=identity, body=b"{}"), 200)
    for accepted in ("application/json", "application/json; charset=utf-8", "Application/JSON"):
        if method == "POST":
            identity = fresh_identity()
        sent = target.send(method, identity=identity, body=b"{}", content_type=accepted)
        expect(sent, 200, check="protocol: JSON media types accepted")
    for other in ("text/plain", "application/x-www-form-urlencoded", "application/xml"):
        sent = target.send(method, identity=identity, body=b"{}", content_type=other)
        expect(sent, 415, "unsupported_media_type", "protocol: 415 for another media type")
    empty = target.send(method, identity=identity, body=None, content_type=None)
    expect(empty, 400, "parse_error", "protocol: no body and no type is a parse error")


def test_get_and_delete_ignore_body_and_type(target: Target) -> None:
    identity = fresh_identity()
    expect(target.send("POST", identity=identity, body=b"{}"), 200)
    got = target.send("GET", identity=identity, body=b"{not json", content_type="text/plain")
    expect(got, 200, check="protocol: GET ignores body and Content-Type")
    gone = target.send("DELETE", identity=identity, body=b"{not json", content_type="text/plain")
    expect(gone, 204, check="protocol: DELETE ignores body and Content-Type")


def _sized(size: int) -> bytes:
    """A valid JSON body of exactly ``size`` bytes."""
    frame = b'{"first_name": ""}'
    return frame[:-2] + b"a" * (size - len(frame)) + frame[-2:]


def test_body_limit(target: Target) -> None:
    """64 KiB is read; one byte more is 413 (the recorded server's default limit)."""
    target.require_inspection()  # the limit is a setting of the recorded server
    at_limit = target.send("POST", identity=fresh_identity(), body=_sized(DEFAULT_MAX_BODY))
    expect(at_limit, 200, check="protocol: body at the limit is read")
    over = target.send("POST", identity=fresh_identity(), body=_sized(DEFAULT_MAX_BODY + 1))
    expect(over, 413, "request_too_large", "protocol: 413 over the body limit")


def test_order_of_checks(target: Target) -> None:
    """401 -> 405 -> 400 (headers) -> 415 -> 413 -> 400 (body) -> 404/409."""
    bad_identity = {"adapty-profile-id": "nope"}
    big = _sized(DEFAULT_MAX_BODY + 10)[:-1]  # over the limit, and not JSON
    expect(target.send("PUT", identity=bad_identity, auth=False), 401, "not_authenticated")
    expect(target.send("PUT", identity=bad_identity, body=big), 405, "method_not_allowed")
    wrong_type = target.send("POST", identity=bad_identity, body=big, content_type="text/plain")
    expect(wrong_type, 400, "bad_request", "protocol: headers before 415")
    oversized = target.send("POST", identity=fresh_identity(), body=big, content_type="text/plain")
    expect(oversized, 415, "unsupported_media_type", "protocol: 415 before 413")
    if target.has_inspection:
        expect(target.send("POST", identity=fresh_identity(), body=big), 413, "request_too_large")
    missing = {"adapty-profile-id": fresh_profile_id()}
    body_first = target.send("PATCH", identity=missing, body=b'{"birthday": null}')
    expect(body_first, 400, "bad_request", "protocol: body before 404")
    expect(target.send("PATCH", identity=missing, body=b"{}"), 404, MISSING_PROFILE_CODES)
    identity = fresh_identity()
    expect(target.send("POST", identity=identity, body=b"{}"), 200)
    invalid_again = target.send("POST", identity=identity, body=b'{"birthday": null}')
    expect(invalid_again, 400, "bad_request", "protocol: body before 409")
    expect(target.send("POST", identity=identity, body=b"{}"), 409, "profile_already_exists")


def test_request_ids_are_unique(target: Target) -> None:
    seen: set[str] = set()
    for index in range(10):
        body = b"{}" if index % 2 else b"{"
        sent = target.send("POST", identity=fresh_identity(), body=body)
        request_id = sent.response.headers.get("request-id", "")
        with SUMMARY.checking("POST profile", "protocol: Request-Id unique", sent.curl):
            assert request_id and request_id not in seen, f"Request-Id {request_id!r} again"
        seen.add(request_id)


def test_concurrent_creates_have_one_winner(target: Target) -> None:
    """Of concurrent creates of one id, exactly one gets 200 and the others 409."""
    identity = fresh_identity()
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        results = list(
            pool.map(lambda _: target.send("POST", identity=identity, body=b"{}"), range(8))
        )
    statuses = sorted(sent.status for sent in results)
    with SUMMARY.checking("POST profile", "protocol: one winner of concurrent creates", ""):
        assert statuses == [200] + [409] * 7, statuses


def test_concurrent_attaches_have_one_winner(target: Target) -> None:
    """Of concurrent attaches to one anonymous profile, exactly one gets 200 and the others 409,
    whether they attach one customer_user_id or different ones."""
    for shared in (True, False):
        profile_id = fresh_profile_id()
        created = target.send("POST", identity={"adapty-profile-id": profile_id}, body=b"{}")
        expect(created, 200)
        user = fresh_identity()["adapty-customer-user-id"]

        def attach(
            index: int, user: str = user, profile_id: str = profile_id, shared: bool = shared
        ) -> Sent:
            cuid = user if shared else f"{user}-{index}"
            identity = {"adapty-profile-id": profile_id, "adapty-customer-user-id": cuid}
            return target.send("POST", identity=identity, body=b"{}")

        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(attach, range(8)))
        statuses = sorted(sent.status for sent in results)
        with SUMMARY.checking("POST profile", "protocol: one winner of concurrent attaches", ""):
            assert statuses == [200] + [409] * 7, statuses
        target.send("DELETE", identity={"adapty-profile-id": profile_id})
