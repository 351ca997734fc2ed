"""Create, read, update and delete: identities, 409, 404, the response body, concurrency."""

from __future__ import annotations

import asyncio
import re
import time
import uuid

import pytest

from .conftest import Target, target_with
from .helpers import (
    APP_ID,
    NOT_FOUND,
    OTHER_PROFILE_ID,
    PATH,
    PROFILE_ID,
    assert_error,
    envelope,
    who,
)

pytestmark = [pytest.mark.anyio, pytest.mark.socket]

RESPONSE_KEYS = {
    "app_id",
    "profile_id",
    "customer_user_id",
    "total_revenue_usd",
    "segment_hash",
    "timestamp",
    "custom_attributes",
    "access_levels",
    "subscriptions",
    "non_subscriptions",
}


def exists(source: str) -> dict[str, object]:
    return envelope(
        409, "profile_already_exists", (source, ["A profile with this id already exists."])
    )


async def test_create_with_a_customer_user_id_gets_a_new_uuid(api: Target) -> None:
    before = time.time() * 1000
    response = await api.client.post(PATH, headers=who("cust-1"), json={})
    after = time.time() * 1000
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"data"}
    data = body["data"]
    assert set(data) == RESPONSE_KEYS
    assert data["app_id"] == APP_ID
    assert data["customer_user_id"] == "cust-1"
    assert uuid.UUID(data["profile_id"]).version == 4
    assert data["profile_id"] == data["profile_id"].lower()
    assert data["total_revenue_usd"] == 0.0 and isinstance(data["total_revenue_usd"], float)
    assert isinstance(data["segment_hash"], str) and data["segment_hash"]
    assert isinstance(data["timestamp"], int) and before - 1 <= data["timestamp"] <= after + 1
    assert data["custom_attributes"] == []
    assert data["access_levels"] == data["subscriptions"] == data["non_subscriptions"] == []
    assert b'"total_revenue_usd":0.0' in response.content


async def test_create_with_a_profile_id_is_anonymous(api: Target) -> None:
    response = await api.client.post(PATH, headers=who(profile_id=PROFILE_ID), json={})
    data = response.json()["data"]
    assert (data["profile_id"], data["customer_user_id"]) == (PROFILE_ID, None)


async def test_each_create_by_customer_id_gets_a_different_profile_id(api: Target) -> None:
    first = await api.create(who("one"))
    second = await api.create(who("two"))
    assert first.json()["data"]["profile_id"] != second.json()["data"]["profile_id"]


async def test_409_on_an_existing_customer_user_id(api: Target) -> None:
    await api.create(who("taken"))
    response = await api.client.post(PATH, headers=who("taken"), json={"first_name": "x"})
    assert_error(response, exists("adapty-customer-user-id"))
    await api.create(who(profile_id=OTHER_PROFILE_ID))
    response = await api.client.post(PATH, headers=who("taken", OTHER_PROFILE_ID), json={})
    assert_error(response, exists("adapty-customer-user-id"))
    assert len(await api.profiles()) == 2


async def test_409_on_an_existing_profile_id_any_case(api: Target) -> None:
    await api.create(who(profile_id=PROFILE_ID))
    response = await api.client.post(PATH, headers=who(profile_id=PROFILE_ID.upper()), json={})
    assert_error(response, exists("adapty-profile-id"))
    assert len(await api.profiles()) == 1


async def test_customer_user_ids_are_case_sensitive(api: Target) -> None:
    await api.create(who("Case"))
    response = await api.client.post(PATH, headers=who("case"), json={})
    assert response.status_code == 200


async def test_400_body_comes_before_409(api: Target) -> None:
    await api.create(who("dupe"))
    response = await api.client.post(PATH, headers=who("dupe"), json={"gender": "x"})
    assert response.status_code == 400


@pytest.mark.parametrize("by", ["customer", "profile", "both"])
async def test_get_patch_delete_by_each_identity(api: Target, by: str) -> None:
    await api.create(who(profile_id=PROFILE_ID))
    created = await api.create(who("life", PROFILE_ID))  # attaches "life" to it
    headers = {
        "customer": who("life"),
        "profile": who(profile_id=PROFILE_ID),
        "both": who("life", PROFILE_ID),
    }[by]
    got = await api.client.get(PATH, headers=headers)
    assert got.status_code == 200
    assert {k: v for k, v in got.json()["data"].items() if k != "timestamp"} == {
        k: v for k, v in created.json()["data"].items() if k != "timestamp"
    }
    patched = await api.client.patch(
        PATH, headers=headers, json={"custom_attributes": [{"key": "k", "value": "v"}]}
    )
    assert patched.status_code == 200
    assert patched.json()["data"]["custom_attributes"] == [{"key": "k", "value": "v"}]
    again = await api.client.get(PATH, headers=headers)
    assert again.json()["data"]["custom_attributes"] == [{"key": "k", "value": "v"}]
    deleted = await api.client.delete(PATH, headers=headers)
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert "content-type" not in deleted.headers
    for method in ("GET", "PATCH", "DELETE"):
        gone = await api.client.request(
            method, PATH, headers=headers, json={} if method == "PATCH" else None
        )
        assert_error(gone, NOT_FOUND)
    assert await api.profiles() == []


async def test_a_deleted_profile_can_be_created_again(api: Target) -> None:
    first = await api.create(who("again"))
    await api.client.delete(PATH, headers=who("again"))
    second = await api.create(who("again"))
    assert first.json()["data"]["profile_id"] != second.json()["data"]["profile_id"]


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
async def test_missing_profiles_are_404(api: Target, method: str) -> None:
    await api.create(who("someone"))
    for headers in (who("nobody"), who(profile_id=OTHER_PROFILE_ID)):
        response = await api.client.request(
            method, PATH, headers=headers, json={} if method == "PATCH" else None
        )
        assert_error(response, NOT_FOUND)


async def test_delete_removes_only_that_profile(api: Target) -> None:
    await api.create(who("keep-me"))
    await api.create(who("drop-me"))
    await api.client.delete(PATH, headers=who("drop-me"))
    assert [p["customer_user_id"] for p in await api.profiles()] == ["keep-me"]


async def test_the_response_timestamp_is_taken_at_response_time(api: Target) -> None:
    created = await api.create(who("ts"))
    await asyncio.sleep(0.01)
    got = await api.client.get(PATH, headers=who("ts"))
    assert got.json()["data"]["timestamp"] > created.json()["data"]["timestamp"]


async def test_segment_hash_follows_the_profile(api: Target) -> None:
    created = await api.create(who("seg"))
    first = created.json()["data"]["segment_hash"]
    assert re.fullmatch(r"[0-9a-f]{16}", first)
    assert (await api.client.get(PATH, headers=who("seg"))).json()["data"]["segment_hash"] == first
    patched = await api.client.patch(PATH, headers=who("seg"), json={"first_name": "x"})
    assert patched.json()["data"]["segment_hash"] != first


async def test_app_id_is_configurable(mode: str) -> None:
    app_id = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
    async with target_with(mode, app_id=app_id.upper()) as target:
        response = await target.client.post(PATH, headers=who("app"), json={})
        assert response.json()["data"]["app_id"] == app_id


# --- concurrency ---------------------------------------------------------------------------


async def test_concurrent_creates_of_one_id_have_exactly_one_winner(api: Target) -> None:
    responses = await asyncio.gather(
        *(api.client.post(PATH, headers=who("race"), json={}) for _ in range(40))
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(200) == 1, statuses
    assert statuses.count(409) == 39
    assert len(await api.profiles()) == 1


async def test_concurrent_patches_lose_no_update_and_never_pass_the_cap(api: Target) -> None:
    created = await api.create(who("busy"))
    profile_id = created.json()["data"]["profile_id"]

    async def add(i: int) -> int:
        response = await api.client.patch(
            PATH, headers=who("busy"), json={"custom_attributes": [{"key": f"k{i}", "value": i}]}
        )
        return response.status_code

    statuses = await asyncio.gather(*(add(i) for i in range(45)))
    assert statuses.count(200) == 30
    assert statuses.count(400) == 15
    stored = (await api.stored(profile_id))["custom_attributes"]
    assert len(stored) == 30
    assert len({item["key"] for item in stored}) == 30


async def test_concurrent_patches_of_different_fields_all_land(api: Target) -> None:
    created = await api.create(who("fields"))
    profile_id = created.json()["data"]["profile_id"]
    fields = {
        "first_name": "a",
        "last_name": "b",
        "email": "c",
        "phone_number": "d",
        "gender": "o",
        "store": "s",
    }
    await asyncio.gather(
        *(api.client.patch(PATH, headers=who("fields"), json={k: v}) for k, v in fields.items())
    )
    assert (await api.stored(profile_id))["fields"] == {"analytics_disabled": False, **fields}


async def test_patch_of_a_missing_profile_checks_the_body_first(api: Target) -> None:
    # 415 -> 413 -> 400 body all come before 404.
    headers = who("nobody-here")
    wrong_type = await api.client.patch(
        PATH, headers={**headers, "Content-Type": "text/plain"}, content=b"{}"
    )
    assert wrong_type.status_code == 415
    too_big = await api.client.patch(PATH, headers=headers, content=b"{" + b" " * 70_000 + b"}")
    assert too_big.status_code == 413
    broken = await api.client.patch(PATH, headers=headers, content=b"{")
    assert broken.json()["error_code"] == "parse_error"
    invalid = await api.client.patch(PATH, headers=headers, json={"birthday": None})
    assert invalid.status_code == 400
    valid = await api.client.patch(PATH, headers=headers, json={"birthday": "2000-01-01"})
    assert_error(valid, NOT_FOUND)


async def test_post_over_an_existing_id_checks_size_before_409(api: Target) -> None:
    await api.create(who("exists"))
    too_big = await api.client.post(
        PATH, headers=who("exists"), content=b"{" + b" " * 70_000 + b"}"
    )
    assert too_big.status_code == 413
