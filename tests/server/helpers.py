"""Constants and small helpers shared by the server tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from recorded_server import DEFAULT_API_KEY, DEFAULT_APP_ID

PATH = "/api/v2/server-side-api/profile/"
KEY = DEFAULT_API_KEY
APP_ID = DEFAULT_APP_ID
AUTH = {"Authorization": f"Api-Key {KEY}"}
AUTH_RAW = [(b"Authorization", f"Api-Key {KEY}".encode())]
"""AUTH as raw header pairs, to add headers httpx would not encode from str."""
JSON = {"Content-Type": "application/json"}
PROFILE_ID = "5b1b8c1e-1f4c-4d1e-9a55-0d9c2b1e7a01"
OTHER_PROFILE_ID = "0c7b6a1f-8d55-4d0b-9d0f-3f4f5e6a7b8c"
SEED = Path(__file__).resolve().parents[1] / "seed"


def seed_document(name: str) -> Any:
    """One of the seed's documents in tests/seed/ (``seed_request``, ``seed_response``...)."""
    return json.loads((SEED / f"{name}.json").read_bytes())


def envelope(status: int, code: str, *items: tuple[str | None, list[str]]) -> dict[str, Any]:
    """The contract's error body."""
    return {
        "errors": [{"source": source, "errors": messages} for source, messages in items],
        "error_code": code,
        "status_code": status,
    }


def bad(*items: tuple[str | None, list[str]]) -> dict[str, Any]:
    return envelope(400, "bad_request", *items)


def field_error(source: str, message: str) -> dict[str, Any]:
    return bad((source, [message]))


NOT_FOUND = envelope(404, "not_found", ("non_field_errors", ["Not found."]))
NOT_PROVIDED = envelope(
    401,
    "not_authenticated",
    ("non_field_errors", ["Authentication credentials were not provided."]),
)
INVALID_KEY = envelope(401, "not_authenticated", ("non_field_errors", ["Invalid API key."]))


def who(customer_user_id: str | None = None, profile_id: str | None = None) -> dict[str, str]:
    """Auth plus identity headers."""
    headers = dict(AUTH)
    if customer_user_id is not None:
        headers["adapty-customer-user-id"] = customer_user_id
    if profile_id is not None:
        headers["adapty-profile-id"] = profile_id
    return headers


def assert_error(response: httpx.Response, expected: dict[str, Any]) -> None:
    """Exact status and body, the JSON media type, and a Request-Id."""
    assert response.status_code == expected["status_code"], response.text
    assert response.json() == expected
    assert response.headers["content-type"] == "application/json"
    assert_request_id(response)


def assert_request_id(response: httpx.Response) -> str:
    request_id = str(response.headers.get("request-id", ""))
    assert request_id, "no Request-Id header"
    assert len(request_id) == 32 and all(c in "0123456789abcdef" for c in request_id), request_id
    return request_id
