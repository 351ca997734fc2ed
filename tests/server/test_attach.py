"""POST with both identity headers attaches the customer_user_id to an anonymous profile.

Adapty's create page: "include both the profile_id and customer_user_id in the header. This will
attach the customer_user_id to the existing profile". The rules (CONTRACT.md, "Create
semantics"): attach when the profile exists and has no customer_user_id (the body validated as a
create body, applied as PATCH applies it); 409 when it already has one or when the
customer_user_id belongs to another profile; 404 when the profile does not exist; of concurrent
attaches, exactly one wins. Run in-process and over loopback (the ``api`` fixture).
"""

from __future__ import annotations

import asyncio

import pytest

from .conftest import Target
from .helpers import NOT_FOUND, OTHER_PROFILE_ID, PATH, PROFILE_ID, assert_error, envelope, who

pytestmark = [pytest.mark.anyio, pytest.mark.socket]


def exists(source: str) -> dict[str, object]:
    return envelope(
        409, "profile_already_exists", (source, ["A profile with this id already exists."])
    )


async def test_attach_gives_the_anonymous_profile_its_customer_user_id(api: Target) -> None:
    await api.create(
        who(profile_id=PROFILE_ID),
        {
            "first_name": "Jane",
            "email": "jane@example.com",
            "custom_attributes": [{"key": "a", "value": "1"}, {"key": "b", "value": 2}],
            "installation_meta": {"device_id": "d1", "locale": "en"},
        },
    )
    response = await api.client.post(
        PATH,
        headers=who("jane", PROFILE_ID.upper()),
        json={
            "email": None,
            "last_name": "Doe",
            "custom_attributes": [{"key": "a", "value": None}, {"key": "c", "value": "3"}],
            "installation_meta": {"device_id": "d1", "os": "iOS"},
        },
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert (data["profile_id"], data["customer_user_id"]) == (PROFILE_ID, "jane")
    assert data["custom_attributes"] == [{"key": "b", "value": 2.0}, {"key": "c", "value": "3"}]
    stored = await api.stored(PROFILE_ID)
    # sent fields set (null clears), omitted fields kept, metas updated field by field
    assert stored["fields"] == {
        "analytics_disabled": False,
        "first_name": "Jane",
        "email": None,
        "last_name": "Doe",
    }
    assert stored["installation_metas"] == {"d1": {"device_id": "d1", "locale": "en", "os": "iOS"}}
    assert len(await api.profiles()) == 1
    # the profile now answers to both identities
    by_user = await api.client.get(PATH, headers=who("jane"))
    assert by_user.json()["data"]["profile_id"] == PROFILE_ID


async def test_attach_to_an_unknown_profile_is_404(api: Target) -> None:
    response = await api.client.post(PATH, headers=who("nobody", PROFILE_ID), json={})
    assert_error(response, NOT_FOUND)
    assert await api.profiles() == []


async def test_404_wins_over_a_taken_customer_user_id(api: Target) -> None:
    await api.create(who("taken"))
    response = await api.client.post(PATH, headers=who("taken", PROFILE_ID), json={})
    assert_error(response, NOT_FOUND)


@pytest.mark.parametrize("again", ["same", "other"])
async def test_attach_to_a_profile_with_a_customer_user_id_is_409(api: Target, again: str) -> None:
    await api.create(who(profile_id=PROFILE_ID))
    await api.create(who("first", PROFILE_ID))
    response = await api.client.post(
        PATH, headers=who("first" if again == "same" else "second", PROFILE_ID), json={}
    )
    assert_error(response, exists("adapty-profile-id"))
    stored = await api.stored(PROFILE_ID)
    assert stored["customer_user_id"] == "first"


async def test_attach_of_a_customer_user_id_of_another_profile_is_409(api: Target) -> None:
    await api.create(who("owner"))
    await api.create(who(profile_id=PROFILE_ID), {"first_name": "Anon"})
    response = await api.client.post(
        PATH, headers=who("owner", PROFILE_ID), json={"first_name": "Changed"}
    )
    assert_error(response, exists("adapty-customer-user-id"))
    stored = await api.stored(PROFILE_ID)
    assert (stored["customer_user_id"], stored["fields"]["first_name"]) == (None, "Anon")


async def test_attach_validates_the_body_as_a_create(api: Target) -> None:
    """The idfa rule reads this request's analytics_disabled, not the stored one."""
    await api.create(who(profile_id=PROFILE_ID), {"analytics_disabled": True})
    meta = {"device_id": "d", "idfa": None}
    response = await api.client.post(
        PATH, headers=who("c", PROFILE_ID), json={"installation_meta": meta}
    )
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["source"] == "installation_meta.idfa"
    response = await api.client.post(
        PATH,
        headers=who("c", PROFILE_ID),
        json={"analytics_disabled": True, "installation_meta": meta},
    )
    assert response.status_code == 200, response.text
    assert (await api.stored(PROFILE_ID))["customer_user_id"] == "c"


async def test_attach_keeps_the_attribute_cap_and_stores_nothing_past_it(api: Target) -> None:
    items = [{"key": f"k{i}", "value": "v"} for i in range(20)]
    await api.create(who(profile_id=PROFILE_ID), {"custom_attributes": items})
    more = [{"key": f"n{i}", "value": "v"} for i in range(11)]
    response = await api.client.post(
        PATH, headers=who("c", PROFILE_ID), json={"custom_attributes": more}
    )
    assert response.status_code == 400, response.text
    stored = await api.stored(PROFILE_ID)
    assert stored["customer_user_id"] is None and len(stored["custom_attributes"]) == 20


async def test_concurrent_attaches_have_exactly_one_winner(api: Target) -> None:
    await api.create(who(profile_id=PROFILE_ID))
    await api.create(who(profile_id=OTHER_PROFILE_ID))
    responses = await asyncio.gather(
        *(api.client.post(PATH, headers=who(f"c-{i}", PROFILE_ID), json={}) for i in range(20)),
        *(api.client.post(PATH, headers=who("c", OTHER_PROFILE_ID), json={}) for _ in range(20)),
    )
    statuses = [r.status_code for r in responses]
    assert statuses[:20].count(200) == 1 and statuses[:20].count(409) == 19, statuses
    assert statuses[20:].count(200) == 1 and statuses[20:].count(409) == 19, statuses
    winner = next(r for r in responses[:20] if r.status_code == 200)
    stored = await api.stored(PROFILE_ID)
    assert stored["customer_user_id"] == winner.json()["data"]["customer_user_id"]
    assert len(await api.profiles()) == 2
