"""The inspection API (/_recorded/...) and fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from unittest.mock import ANY

import pytest

from recorded_server.emulator.rules.fixtures import read_fixture_file, seed_fixture_text

from .conftest import Target, asgi_target, target_with
from .helpers import (
    APP_ID,
    AUTH,
    JSON,
    NOT_FOUND,
    PATH,
    PROFILE_ID,
    assert_error,
    bad,
    envelope,
    seed_document,
    who,
)

pytestmark = [pytest.mark.anyio, pytest.mark.socket]

# The seed's example response ("Create profile with server-side API"), tests/seed/: the shipped
# fixture must reproduce it (timestamp and segment_hash aside).
SEED_RESPONSE: dict[str, Any] = seed_document("seed_response")
SEED_CUSTOMER = "8612ED7C-3477-466D-93AE-1854B8E5FDD5"
SEED_PROFILE = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def without_volatile(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in ("timestamp", "segment_hash")}


async def test_stored_profile_keeps_null_and_absent_apart(api: Target) -> None:
    await api.create(who(profile_id=PROFILE_ID))
    created = await api.create(  # attaches "insp", the body applied as PATCH applies it
        who("insp", PROFILE_ID),
        {
            "first_name": "Jane",
            "last_name": None,
            "custom_attributes": [{"key": "a", "value": 1}],
            "installation_meta": {"device_id": "d", "locale": None, "os": "iOS"},
        },
    )
    assert created.json()["data"]["profile_id"] == PROFILE_ID
    response = await api.client.get(f"/_recorded/profiles/{PROFILE_ID}", headers=AUTH)
    assert response.status_code == 200
    assert response.json() == {
        "profile_id": PROFILE_ID,
        "customer_user_id": "insp",
        "app_id": APP_ID,
        "fields": {"analytics_disabled": False, "first_name": "Jane", "last_name": None},
        "custom_attributes": [{"key": "a", "value": 1.0}],
        "installation_metas": {"d": {"device_id": "d", "locale": None, "os": "iOS"}},
        "total_revenue_usd": 0.0,
        "access_levels": [],
        "subscriptions": [],
        "non_subscriptions": [],
    }
    upper = await api.client.get(f"/_recorded/profiles/{PROFILE_ID.upper()}", headers=AUTH)
    assert upper.json() == response.json()


async def test_list_profiles_in_creation_order(api: Target) -> None:
    assert await api.profiles() == []
    for name in ("c", "a", "b"):
        await api.create(who(name))
    assert [p["customer_user_id"] for p in await api.profiles()] == ["c", "a", "b"]


@pytest.mark.parametrize("profile_id", [PROFILE_ID, "not-a-uuid", "x" * 300])
async def test_reading_a_missing_profile_is_404(api: Target, profile_id: str) -> None:
    response = await api.client.get(f"/_recorded/profiles/{profile_id}", headers=AUTH)
    assert_error(response, NOT_FOUND)


async def test_reset_empties_the_store(api: Target) -> None:
    await api.create(who("r1"))
    await api.create(who("r2"))
    response = await api.client.delete("/_recorded/profiles", headers=AUTH)
    assert response.status_code == 204
    assert response.content == b""
    assert await api.profiles() == []
    # The ids are free again.
    await api.create(who("r1"))


async def test_load_the_seed_fixture_and_read_it_back_through_the_profile_endpoint(
    api: Target,
) -> None:
    response = await api.client.post(
        "/_recorded/fixtures", headers=AUTH, content=seed_fixture_text()
    )
    assert response.status_code == 200
    assert response.json() == {"loaded": 1}
    for headers in (who(SEED_CUSTOMER), who(profile_id=SEED_PROFILE)):
        got = await api.client.get(PATH, headers=headers)
        assert got.status_code == 200
        assert without_volatile(got.json()["data"]) == without_volatile(SEED_RESPONSE["data"])
    # Loading again replaces (same profile_id): still one profile.
    again = await api.client.post("/_recorded/fixtures", headers=AUTH, content=seed_fixture_text())
    assert again.json() == {"loaded": 1}
    assert len(await api.profiles()) == 1


async def test_fixture_profiles_accept_fields_and_behave_like_others(api: Target) -> None:
    document = {
        "profiles": [
            {
                "profile_id": PROFILE_ID.upper(),
                "customer_user_id": None,
                "total_revenue_usd": 5,
                "fields": {"first_name": "Fix", "analytics_disabled": True},
                "custom_attributes": [{"key": "tier", "value": "gold"}, {"key": "n", "value": 2}],
            },
            {"profile_id": "0c7b6a1f-8d55-4d0b-9d0f-3f4f5e6a7b8c", "customer_user_id": "fx"},
        ]
    }
    response = await api.client.post("/_recorded/fixtures", headers=AUTH, json=document)
    assert response.json() == {"loaded": 2}
    stored = await api.stored(PROFILE_ID)
    assert stored["fields"] == {"analytics_disabled": True, "first_name": "Fix"}
    assert stored["total_revenue_usd"] == 5.0
    assert stored["custom_attributes"] == [
        {"key": "tier", "value": "gold"},
        {"key": "n", "value": 2.0},
    ]
    # The stored analytics_disabled lets a PATCH send a null idfa.
    patched = await api.client.patch(
        PATH,
        headers=who(profile_id=PROFILE_ID),
        json={"installation_meta": {"device_id": "d", "idfa": None}},
    )
    assert patched.status_code == 200
    conflict = await api.client.post(PATH, headers=who("fx"), json={})
    assert conflict.status_code == 409


@pytest.mark.parametrize(
    ("document", "errors"),
    [
        ([], [("non_field_errors", ["Expected an object, but got array."])]),
        ({}, [("profiles", ["This field is required."])]),
        ({"profiles": {}}, [("profiles", ["Expected a list."])]),
        ({"profiles": [], "extra": 1}, [("extra", ["Unknown field."])]),
        ({"profiles": [1]}, [("profiles.0", ["Expected an object, but got number."])]),
        ({"profiles": [{}]}, [("profiles.0.profile_id", ["This field is required."])]),
        (
            {"profiles": [{"profile_id": "x"}]},
            [("profiles.0.profile_id", ["Must be a valid UUID."])],
        ),
        (
            {"profiles": [{"profile_id": PROFILE_ID, "customer_user_id": ""}]},
            [("profiles.0.customer_user_id", ["Must be a non-empty string or null."])],
        ),
        (
            {"profiles": [{"profile_id": PROFILE_ID, "total_revenue_usd": "1"}]},
            [("profiles.0.total_revenue_usd", ["Must be a finite number."])],
        ),
        (
            {"profiles": [{"profile_id": PROFILE_ID, "access_levels": {}}]},
            [("profiles.0.access_levels", ["Expected a list of objects."])],
        ),
        (
            {"profiles": [{"profile_id": PROFILE_ID, "subscriptions": [1]}]},
            [("profiles.0.subscriptions", ["Expected a list of objects."])],
        ),
        (
            {"profiles": [{"profile_id": PROFILE_ID, "fields": {"birthday": "x", "nope": 1}}]},
            [
                ("profiles.0.fields.nope", ["Unknown field."]),
                (
                    "profiles.0.fields.birthday",
                    ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."],
                ),
            ],
        ),
        (
            {
                "profiles": [
                    {"profile_id": PROFILE_ID, "custom_attributes": [{"key": "a b", "value": 1}]}
                ]
            },
            [
                (
                    "profiles.0.custom_attributes.0.key",
                    ["Only letters, numbers, dashes, periods and underscores are allowed."],
                )
            ],
        ),
        (
            {"profiles": [{"profile_id": PROFILE_ID}, {"profile_id": PROFILE_ID.upper()}]},
            [("profiles.1.profile_id", ["Duplicate profile_id in this document."])],
        ),
        (
            {"profiles": [{"profile_id": PROFILE_ID, "segment": 1}]},
            [("profiles.0.segment", ["Unknown field."])],
        ),
    ],
    ids=lambda v: json.dumps(v)[:40],
)
async def test_invalid_fixture_documents_are_400_and_load_nothing(
    api: Target, document: Any, errors: list[tuple[str, list[str]]]
) -> None:
    response = await api.client.post("/_recorded/fixtures", headers=AUTH, json=document)
    assert_error(response, bad(*errors))
    assert await api.profiles() == []


async def test_fixtures_are_all_or_nothing_on_a_customer_id_conflict(api: Target) -> None:
    await api.create(who("held"))
    document = {
        "profiles": [
            {"profile_id": PROFILE_ID, "customer_user_id": "free"},
            {"profile_id": "0c7b6a1f-8d55-4d0b-9d0f-3f4f5e6a7b8c", "customer_user_id": "held"},
        ]
    }
    response = await api.client.post("/_recorded/fixtures", headers=AUTH, json=document)
    assert_error(
        response,
        envelope(
            409,
            "profile_already_exists",
            ("adapty-customer-user-id", ["A profile with this id already exists."]),
        ),
    )
    assert [p["customer_user_id"] for p in await api.profiles()] == ["held"]


async def test_fixtures_endpoint_checks_media_type_and_json(api: Target) -> None:
    wrong_type = await api.client.post(
        "/_recorded/fixtures", headers={**AUTH, "Content-Type": "text/plain"}, content=b"{}"
    )
    assert wrong_type.status_code == 415
    broken = await api.client.post("/_recorded/fixtures", headers={**AUTH, **JSON}, content=b"{")
    assert broken.status_code == 400
    assert broken.json()["error_code"] == "parse_error"


async def test_fixtures_may_be_larger_than_the_profile_body_limit(mode: str) -> None:
    profiles = [
        {"profile_id": f"00000000-0000-4000-8000-{i:012d}", "customer_user_id": f"c{i}"}
        for i in range(50)
    ]
    async with target_with(mode, max_body=512) as target:
        response = await target.client.post(
            "/_recorded/fixtures", headers=AUTH, json={"profiles": profiles}
        )
        assert response.json() == {"loaded": 50}


async def test_fixtures_file_is_loaded_on_start(mode: str, tmp_path: Path) -> None:
    path = tmp_path / "fixtures.json"
    path.write_text(seed_fixture_text(), encoding="utf-8")
    async with target_with(mode, fixtures=path, reset=False) as target:
        got = await target.client.get(PATH, headers=who(SEED_CUSTOMER))
        assert without_volatile(got.json()["data"]) == without_volatile(SEED_RESPONSE["data"])


def test_the_seed_fixture_parses_and_the_special_name_finds_it() -> None:
    records = read_fixture_file(Path(":seed:"))
    assert [r.profile_id for r in records] == [SEED_PROFILE]
    assert records[0].total_revenue_usd == 109.88999999999999


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "is not valid JSON"),
        ('{"profiles": [{"profile_id": "x"}]}', "profiles.0.profile_id: Must be a valid UUID."),
        (
            '{"profiles": [{"profile_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", '
            '"total_revenue_usd": NaN}]}',
            "is not valid JSON",
        ),
    ],
)
def test_a_bad_fixtures_file_says_why(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message.replace(".", r"\.")):
        read_fixture_file(path)


def test_a_missing_fixtures_file_says_why(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot read fixtures file"):
        read_fixture_file(tmp_path / "missing.json")


async def test_inspection_needs_the_key(api: Target) -> None:
    for method, path in [
        ("GET", "/_recorded/profiles"),
        ("DELETE", "/_recorded/profiles"),
        ("GET", f"/_recorded/profiles/{PROFILE_ID}"),
        ("POST", "/_recorded/fixtures"),
    ]:
        response = await api.client.request(method, path)
        assert response.status_code == 401


async def test_the_profile_listing_is_paginated() -> None:
    """Issue 16 #7: the listing used to return the whole store in one body (78 MiB)."""
    async with asgi_target(profiles_page_size=2) as api:
        await _check_pages(api)


async def _check_pages(api: Target) -> None:
    for i in range(5):
        await api.create(who(f"page-{i}"))
    seen: list[str] = []
    path: str | None = "/_recorded/profiles"
    while path is not None:
        response = await api.client.get(path, headers=AUTH)
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body["profiles"]) <= 2
        seen += [p["customer_user_id"] for p in body["profiles"]]
        path = body.get("next")
    assert seen == [f"page-{i}" for i in range(5)]
    small = await api.client.get("/_recorded/profiles?limit=2&offset=4", headers=AUTH)
    assert small.json() == {"profiles": [ANY]}, "the last page has no 'next'"
    for bad_query in ("limit=3", "offset=-1", "limit=x"):
        response = await api.client.get(f"/_recorded/profiles?{bad_query}", headers=AUTH)
        assert response.status_code == 400, response.text
