"""The profile fields of a POST/PATCH body: every rule with its accepted and rejected side."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Target
from .helpers import PATH, assert_error, bad, field_error, seed_document, who

pytestmark = pytest.mark.anyio

NOT_NULL = "This field may not be null."
NOT_STRING = "Not a valid string."
DATE_FORMAT = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
COUNTRY = 'Must be two uppercase letters (ISO 3166-1 alpha-2), e.g. "FR".'
IPV4 = "Enter a valid IPv4 address."
UUID = "Must be a valid UUID."
INTEGER = "A valid integer is required."
BOOLEAN = "Must be a valid boolean."

# (field, value sent, value stored)
ACCEPTED: list[tuple[str, Any, Any]] = [
    ("first_name", "Jane", "Jane"),
    ("first_name", "", ""),
    ("first_name", "x" * 1000, "x" * 1000),
    ("first_name", None, None),
    ("last_name", "Doe", "Doe"),
    ("last_name", None, None),
    ("gender", "f", "f"),
    ("gender", "m", "m"),
    ("gender", "o", "o"),
    ("gender", None, None),
    ("email", "jane@example.com", "jane@example.com"),
    ("email", "not an email", "not an email"),
    ("email", None, None),
    ("phone_number", "+1234567890", "+1234567890"),
    ("phone_number", None, None),
    ("birthday", "2000-12-31", "2000-12-31"),
    ("birthday", "2000-02-29", "2000-02-29"),
    ("birthday", "0001-01-01", "0001-01-01"),
    ("birthday", "9999-12-31", "9999-12-31"),
    ("ip_country", "FR", "FR"),
    ("ip_country", "XK", "XK"),
    ("ip_v4_address", "192.168.0.1", "192.168.0.1"),
    ("ip_v4_address", "0.0.0.0", "0.0.0.0"),
    ("ip_v4_address", "255.255.255.255", "255.255.255.255"),
    ("ip_v4_address", None, None),
    ("store_country", "US", "US"),
    ("store_country", None, None),
    ("store", "app_store", "app_store"),
    ("store", "my custom store", "my custom store"),
    ("store", None, None),
    (
        "store_account_token",
        "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    ),
    (
        "store_account_token",
        "3FA85F64-5717-4562-B3FC-2C963F66AFA6",
        "3FA85F64-5717-4562-B3FC-2C963F66AFA6",
    ),
    ("store_account_token", None, None),
    ("att_status", 0, 0),
    ("att_status", 3, 3),
    ("att_status", 1.0, 1),
    ("att_status", -0.0, 0),
    ("att_status", None, None),
    ("analytics_disabled", True, True),
    ("analytics_disabled", False, False),
]

# (field, value sent, message)
REJECTED: list[tuple[str, Any, str]] = [
    ("first_name", 1, NOT_STRING),
    ("first_name", True, NOT_STRING),
    ("first_name", ["Jane"], NOT_STRING),
    ("first_name", {"a": 1}, NOT_STRING),
    ("last_name", 1.5, NOT_STRING),
    ("gender", "F", '"F" is not a valid choice.'),
    ("gender", "female", '"female" is not a valid choice.'),
    ("gender", "", '"" is not a valid choice.'),
    ("gender", 1, '"1" is not a valid choice.'),
    ("email", False, NOT_STRING),
    ("phone_number", 1234567890, NOT_STRING),
    ("birthday", None, NOT_NULL),
    ("birthday", "2001-02-29", "Invalid date: day is out of range for month."),
    ("birthday", "2000-13-01", "Invalid date: month must be in 1..12."),
    ("birthday", "2000-00-10", "Invalid date: month must be in 1..12."),
    ("birthday", "0000-01-01", "Invalid date: year 0 is out of range."),
    ("birthday", "2000-1-1", DATE_FORMAT),
    ("birthday", "20001231", DATE_FORMAT),
    ("birthday", "2000-12-31T00:00:00", DATE_FORMAT),
    ("birthday", "2000-12-31\n", DATE_FORMAT),
    ("birthday", "٢٠٠٠-١٢-٣١", DATE_FORMAT),
    ("birthday", "", DATE_FORMAT),
    ("birthday", 20001231, NOT_STRING),
    ("ip_country", None, NOT_NULL),
    ("ip_country", "fr", COUNTRY),
    ("ip_country", "FRA", COUNTRY),
    ("ip_country", "F", COUNTRY),
    ("ip_country", "FR\n", COUNTRY),
    ("ip_country", "ÉU", COUNTRY),
    ("ip_country", "", COUNTRY),
    ("ip_country", 33, NOT_STRING),
    ("ip_v4_address", "256.1.1.1", IPV4),
    ("ip_v4_address", "01.2.3.4", IPV4),
    ("ip_v4_address", "1.2.3", IPV4),
    ("ip_v4_address", "1.2.3.4.5", IPV4),
    ("ip_v4_address", "1.2.3.4\n", IPV4),
    ("ip_v4_address", "::1", IPV4),
    ("ip_v4_address", "\u0661.\u0662.\u0663.\u0664", IPV4),  # Arabic-Indic digits
    ("ip_v4_address", "", IPV4),
    ("ip_v4_address", 16909060, NOT_STRING),
    ("store_country", "us", COUNTRY),
    ("store_country", "", COUNTRY),
    ("store", "", "This field may not be blank."),
    ("store", 1, NOT_STRING),
    ("store_account_token", "not-a-uuid", UUID),
    ("store_account_token", "", UUID),
    ("store_account_token", "3fa85f6457174562b3fc2c963f66afa6", UUID),
    ("att_status", 4, '"4" is not a valid choice.'),
    ("att_status", -1, '"-1" is not a valid choice.'),
    ("att_status", 1.5, INTEGER),
    ("att_status", "1", INTEGER),
    ("att_status", True, INTEGER),
    ("att_status", False, INTEGER),
    ("att_status", [1], INTEGER),
    ("analytics_disabled", None, NOT_NULL),
    ("analytics_disabled", "true", BOOLEAN),
    ("analytics_disabled", 1, BOOLEAN),
    ("analytics_disabled", 0, BOOLEAN),
    ("custom_attributes", None, NOT_NULL),
    ("installation_meta", None, NOT_NULL),
]


def _id(value: object) -> str:
    return repr(value)[:30]


@pytest.mark.parametrize(("field", "value", "stored"), ACCEPTED, ids=_id)
async def test_accepted_values_are_stored_on_post(
    api: Target, field: str, value: Any, stored: Any
) -> None:
    response = await api.client.post(PATH, headers=who("acc"), json={field: value})
    assert response.status_code == 200, response.text
    profile = await api.stored(response.json()["data"]["profile_id"])
    assert field in profile["fields"]
    assert profile["fields"][field] == stored
    assert type(profile["fields"][field]) is type(stored)


@pytest.mark.parametrize(("field", "value", "stored"), ACCEPTED, ids=_id)
async def test_accepted_values_are_stored_on_patch(
    api: Target, field: str, value: Any, stored: Any
) -> None:
    created = await api.create(who("acc"))
    response = await api.client.patch(PATH, headers=who("acc"), json={field: value})
    assert response.status_code == 200, response.text
    profile = await api.stored(created.json()["data"]["profile_id"])
    assert profile["fields"][field] == stored


@pytest.mark.parametrize(("field", "value", "message"), REJECTED, ids=_id)
@pytest.mark.parametrize("method", ["POST", "PATCH"])
async def test_rejected_values_are_400_and_store_nothing(
    api: Target, method: str, field: str, value: Any, message: str
) -> None:
    if method == "PATCH":
        await api.create(who("rej"), {"first_name": "before"})
    body = {"first_name": "after", field: value}
    if field == "first_name":
        body = {field: value}
    response = await api.client.request(method, PATH, headers=who("rej"), json=body)
    assert_error(response, field_error(field, message))
    profiles = await api.profiles()
    if method == "POST":
        assert profiles == []
    else:
        assert profiles[0]["fields"] == {"analytics_disabled": False, "first_name": "before"}


@pytest.mark.parametrize(
    "field",
    ["firstName", "name", "profile_id", "customer_user_id", "app_id", "installation_metas", ""],
)
async def test_unknown_fields_are_400(api: Target, field: str) -> None:
    response = await api.client.post(PATH, headers=who("unk"), json={field: "x"})
    assert_error(response, field_error(field, "Unknown field."))


async def test_one_error_item_per_offending_field_in_request_order(api: Target) -> None:
    body = {
        "gender": "x",
        "first_name": "ok",
        "birthday": None,
        "typo": 1,
        "ip_country": "fr",
        "custom_attributes": [{"key": "a b", "value": 1}, {"key": "ok", "value": [1]}],
        "installation_meta": {"device_id": "d", "idfa": None, "extra": 1},
        "att_status": "1",
    }
    response = await api.client.post(PATH, headers=who("many"), json=body)
    assert_error(
        response,
        bad(
            ("typo", ["Unknown field."]),
            ("gender", ['"x" is not a valid choice.']),
            ("birthday", [NOT_NULL]),
            ("ip_country", [COUNTRY]),
            ("att_status", [INTEGER]),
            (
                "custom_attributes.0.key",
                ["Only letters, numbers, dashes, periods and underscores are allowed."],
            ),
            (
                "custom_attributes.1.value",
                ['Must be a string, a number, a boolean or null, not "array".'],
            ),
            ("installation_meta.idfa", [NOT_NULL]),
            ("installation_meta.extra", ["Unknown field."]),
        ),
    )


async def test_an_empty_body_object_is_valid(api: Target) -> None:
    response = await api.client.post(PATH, headers=who("empty"), json={})
    assert response.status_code == 200
    profile = await api.stored(response.json()["data"]["profile_id"])
    assert profile["fields"] == {"analytics_disabled": False}
    assert profile["custom_attributes"] == []
    assert profile["installation_metas"] == {}


async def test_the_seed_example_request_is_accepted(api: Target) -> None:
    body = seed_document("seed_request")
    response = await api.client.post(PATH, headers=who("seed"), json=body)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["custom_attributes"] == [{"key": "favourite_sport", "value": "yoga"}]
    stored = await api.stored(data["profile_id"])
    fields = {k: v for k, v in body.items() if k not in ("custom_attributes", "installation_meta")}
    assert stored["fields"] == fields
    meta = body["installation_meta"]
    assert isinstance(meta, dict)
    assert stored["installation_metas"] == {meta["device_id"]: meta}


async def test_patch_leaves_omitted_fields_alone_and_null_clears(api: Target) -> None:
    created = await api.create(
        who("keep"), {"first_name": "Jane", "last_name": "Doe", "gender": "f", "att_status": 2}
    )
    profile_id = created.json()["data"]["profile_id"]
    response = await api.client.patch(
        PATH, headers=who("keep"), json={"last_name": None, "email": "j@x.io"}
    )
    assert response.status_code == 200
    assert (await api.stored(profile_id))["fields"] == {
        "analytics_disabled": False,
        "first_name": "Jane",
        "last_name": None,  # cleared: null is kept apart from absent
        "gender": "f",
        "att_status": 2,
        "email": "j@x.io",
    }
    # An empty PATCH changes nothing.
    before = await api.stored(profile_id)
    assert (await api.client.patch(PATH, headers=who("keep"), json={})).status_code == 200
    assert await api.stored(profile_id) == before


async def test_post_defaults_analytics_disabled_to_false_and_patch_keeps_it(api: Target) -> None:
    created = await api.create(who("ad"), {"analytics_disabled": True})
    profile_id = created.json()["data"]["profile_id"]
    await api.client.patch(PATH, headers=who("ad"), json={"first_name": "x"})
    assert (await api.stored(profile_id))["fields"]["analytics_disabled"] is True
