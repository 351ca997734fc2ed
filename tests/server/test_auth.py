"""Authorization: ``Api-Key <key>`` on every route but the health check, checked first."""

from __future__ import annotations

import pytest

from .conftest import Target
from .helpers import (
    AUTH,
    INVALID_KEY,
    KEY,
    NOT_PROVIDED,
    PATH,
    PROFILE_ID,
    assert_error,
    assert_request_id,
    who,
)

pytestmark = [pytest.mark.anyio, pytest.mark.socket]


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        KEY,
        f"Bearer {KEY}",
        f"Token {KEY}",
        "Api-Key",
        f"Api-Key {KEY} extra",
        f"ApiKey {KEY}",
    ],
    ids=repr,
)
async def test_missing_or_malformed_authorization_is_401_not_provided(
    api: Target, authorization: str | None
) -> None:
    headers = {"adapty-customer-user-id": "c1"}
    if authorization is not None:
        headers["Authorization"] = authorization
    assert_error(await api.client.get(PATH, headers=headers), NOT_PROVIDED)


@pytest.mark.parametrize(
    "key",
    [KEY + "x", KEY[:-1], KEY.upper(), "x" * len(KEY), "dev-recorded-server-kez"],
)
async def test_wrong_key_is_401_invalid_key(api: Target, key: str) -> None:
    headers = {"Authorization": f"Api-Key {key}", "adapty-customer-user-id": "c1"}
    assert_error(await api.client.get(PATH, headers=headers), INVALID_KEY)


@pytest.mark.parametrize("scheme", ["Api-Key", "api-key", "API-KEY"])
async def test_scheme_is_case_insensitive_and_the_right_key_passes(
    api: Target, scheme: str
) -> None:
    headers = {"Authorization": f"{scheme} {KEY}", "adapty-customer-user-id": "c1"}
    response = await api.client.get(PATH, headers=headers)
    # Authenticated: the request goes on to the existence check.
    assert response.status_code == 404
    assert response.json()["error_code"] == "not_found"


async def test_non_ascii_authorization_is_401_not_a_crash(api: Target) -> None:
    headers = [(b"Authorization", "Api-Key ключ".encode()), (b"adapty-customer-user-id", b"c")]
    assert_error(await api.client.get(PATH, headers=headers), INVALID_KEY)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", PATH),
        ("POST", PATH),
        ("PATCH", PATH),
        ("DELETE", PATH),
        ("PUT", PATH),  # would be 405
        ("OPTIONS", PATH),
        ("GET", "/no/such/path"),  # would be 404
        ("GET", PATH.rstrip("/")),
        ("GET", "/_recorded/profiles"),
        ("DELETE", "/_recorded/profiles"),
        ("GET", f"/_recorded/profiles/{PROFILE_ID}"),
        ("POST", "/_recorded/fixtures"),
        ("POST", "/_recorded/health"),  # only GET of the health check is open
        ("GET", "/_recorded/unknown"),
    ],
)
async def test_auth_comes_before_every_other_check(api: Target, method: str, path: str) -> None:
    # No identity header, a wrong media type, an oversized invalid body: still 401 first.
    response = await api.client.request(
        method,
        path,
        headers={"Content-Type": "text/plain", "adapty-profile-id": "not-a-uuid"},
        content=b"{" * 70_000,
    )
    assert_error(response, NOT_PROVIDED)


async def test_health_is_open_and_says_ok(api: Target) -> None:
    response = await api.client.get("/_recorded/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert_request_id(response)


async def test_health_with_a_wrong_key_is_still_ok(api: Target) -> None:
    response = await api.client.get("/_recorded/health", headers={"Authorization": "Api-Key no"})
    assert response.status_code == 200


async def test_a_custom_key_replaces_the_default(mode: str) -> None:
    from .conftest import target_with

    async with target_with(mode, api_key="s3cret-Key_42") as target:
        old = await target.client.get(PATH, headers=who("c1"))
        assert_error(old, INVALID_KEY)
        new = await target.client.get(
            PATH, headers={"Authorization": "Api-Key s3cret-Key_42", "adapty-customer-user-id": "c"}
        )
        assert new.status_code == 404


async def test_the_right_key_reaches_the_endpoint(api: Target) -> None:
    response = await api.client.post(
        PATH, headers={**AUTH, "adapty-customer-user-id": "c"}, json={}
    )
    assert response.status_code == 200
