"""The inspection and fixture helpers of adapty_server, and the async client's life cycle."""

from __future__ import annotations

from collections.abc import Callable

import pytest

pytest_plugins = ["pytester"]

RunInner = Callable[..., pytest.RunResult]


def test_stored_keeps_null_and_absent_apart(pytester: pytest.Pytester, run_inner: RunInner) -> None:
    pytester.makepyfile(
        test_stored="""
import uuid

import pytest

from inner_http import create
from recorded_server.testing.plugin import ProfileNotStored


def test_fields(adapty_server):
    data = create(adapty_server, "user-1", {"first_name": None, "email": "a@example.com"})
    stored = adapty_server.stored(data["profile_id"])
    assert stored["customer_user_id"] == "user-1"
    assert stored["app_id"] == adapty_server.app_id
    fields = stored["fields"]
    assert fields["first_name"] is None  # sent as null
    assert "last_name" not in fields  # never sent
    assert fields["email"] == "a@example.com"
    assert fields["analytics_disabled"] is False


def test_found_by_uuid_or_customer_user_id(adapty_server):
    data = create(adapty_server, "user-2")
    create(adapty_server, "user-3")
    by_id = adapty_server.stored(uuid.UUID(data["profile_id"]))
    assert by_id == adapty_server.stored(customer_user_id="user-2")
    assert by_id["profile_id"] == data["profile_id"]


def test_not_stored(adapty_server):
    create(adapty_server, "user-4")
    with pytest.raises(ProfileNotStored, match="no stored profile has profile_id .*user-4"):
        adapty_server.stored("3fa85f64-5717-4562-b3fc-2c963f66afa6")
    with pytest.raises(ProfileNotStored, match="customer_user_id 'nobody'"):
        adapty_server.stored(customer_user_id="nobody")
    with pytest.raises(TypeError):
        adapty_server.stored()
"""
    )
    run_inner("-v").assert_outcomes(passed=3)


def test_fixtures_load_from_a_document_a_file_or_the_seed(
    pytester: pytest.Pytester, run_inner: RunInner
) -> None:
    pytester.makepyfile(
        test_fixtures="""
import json

import httpx
import pytest

PROFILE_ID = "0b7e1a52-3c6d-4e3f-9a1b-2c3d4e5f6a7b"
DOC = {
    "profiles": [
        {
            "profile_id": PROFILE_ID,
            "customer_user_id": "subscriber",
            "total_revenue_usd": 9.99,
            "access_levels": [],
            "subscriptions": [],
            "non_subscriptions": [],
        }
    ]
}


def test_document(adapty_server):
    assert adapty_server.load_fixtures(DOC) == 1
    assert adapty_server.stored(PROFILE_ID)["total_revenue_usd"] == 9.99


@pytest.mark.parametrize("as_str", [False, True])
def test_file(adapty_server, tmp_path, as_str):
    path = tmp_path / "fixtures.json"
    path.write_text(json.dumps(DOC))
    assert adapty_server.load_fixtures(str(path) if as_str else path) == 1
    assert adapty_server.stored(customer_user_id="subscriber")["profile_id"] == PROFILE_ID


def test_seed(adapty_server):
    assert adapty_server.load_seed() == 1
    (profile,) = adapty_server.profiles()
    assert profile["access_levels"]
    assert profile["subscriptions"]
    # and the profile endpoint serves it
    response = httpx.get(
        adapty_server.url + "/api/v2/server-side-api/profile/",
        headers={
            "Authorization": f"Api-Key {adapty_server.api_key}",
            "adapty-profile-id": profile["profile_id"],
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["access_levels"]


def test_emptied_after_the_seed(adapty_server):
    assert adapty_server.profiles() == []
"""
    )
    run_inner("-v").assert_outcomes(passed=5)


def test_async_client_under_asyncio_run_and_anyio(
    pytester: pytest.Pytester, run_inner: RunInner
) -> None:
    pytester.makepyfile(
        test_async="""
import asyncio

import pytest

PROFILE_PATH = "/api/v2/server-side-api/profile/"


async def create(client, user):
    http = client.get_async_httpx_client()
    response = await http.post(PROFILE_PATH, headers={"adapty-customer-user-id": user}, json={})
    assert response.status_code == 200, response.text


def test_two_event_loops_in_one_test(adapty_server, adapty_async_client):
    # no pooled connection outlives the first loop
    asyncio.run(create(adapty_async_client, "first"))
    asyncio.run(create(adapty_async_client, "second"))
    assert len(adapty_server.profiles()) == 2


def test_async_with(adapty_server, adapty_async_client):
    async def main():
        async with adapty_async_client as client:
            await create(client, "third")

    asyncio.run(main())
    assert adapty_async_client.get_async_httpx_client().is_closed


@pytest.mark.anyio
async def test_under_anyio(adapty_server, adapty_async_client):
    await create(adapty_async_client, "fourth")
    await create(adapty_async_client, "fifth")
    assert len(adapty_server.profiles()) == 2
"""
    )
    # unclosed clients or transports would surface as warnings: make them errors
    result = run_inner(
        "-v", "-W", "error::ResourceWarning", "-W", "error::pytest.PytestUnraisableExceptionWarning"
    )
    result.assert_outcomes(passed=3)


def test_the_options_are_documented(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(
        ["*--adapty-url=URL*", "*--adapty-api-key=KEY*", "*--adapty-server-arg=ARG*"]
    )
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.adapty_keep_store: *"])
