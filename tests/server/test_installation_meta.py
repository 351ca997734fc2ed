"""installation_meta: its fields, the merge per device_id, and when idfa/idfv/advertising_id
may be null (only while analytics is disabled, by this request or by the stored profile)."""

from __future__ import annotations

from typing import Any

import pytest

from contract_tests.strategies import ADVERTISING_IDS, META_STRING_FIELDS

from .conftest import Target, asgi_target
from .helpers import PATH, assert_error, bad, field_error, who

pytestmark = pytest.mark.anyio

GATED = ADVERTISING_IDS
NULLABLE_STRINGS = META_STRING_FIELDS


def meta(**fields: Any) -> dict[str, Any]:
    return {"installation_meta": {"device_id": "dev-1", **fields}}


async def metas(api: Target, profile_id: str) -> dict[str, Any]:
    stored: dict[str, Any] = (await api.stored(profile_id))["installation_metas"]
    return stored


@pytest.mark.parametrize("field", NULLABLE_STRINGS)
async def test_string_fields_accept_strings_and_null(api: Target, field: str) -> None:
    response = await api.client.post(PATH, headers=who("s"), json=meta(**{field: "v"}))
    assert response.status_code == 200
    profile_id = response.json()["data"]["profile_id"]
    patched = await api.client.patch(PATH, headers=who("s"), json=meta(**{field: None}))
    assert patched.status_code == 200
    assert await metas(api, profile_id) == {"dev-1": {"device_id": "dev-1", field: None}}


@pytest.mark.parametrize("field", [*NULLABLE_STRINGS, *GATED])
@pytest.mark.parametrize("value", [1, True, ["x"], {"a": "b"}])
async def test_string_fields_reject_other_types(api: Target, field: str, value: Any) -> None:
    response = await api.client.post(PATH, headers=who("s"), json=meta(**{field: value}))
    assert_error(response, field_error(f"installation_meta.{field}", "Not a valid string."))


@pytest.mark.parametrize("platform", ["iOS", "macOS", "iPadOS", "Android", "visionOS", "web", None])
async def test_platform_choices(api: Target, platform: str | None) -> None:
    response = await api.client.post(PATH, headers=who("p"), json=meta(platform=platform))
    assert response.status_code == 200


@pytest.mark.parametrize("platform", ["ios", "Windows", "", 1])
async def test_other_platforms_are_400(api: Target, platform: Any) -> None:
    response = await api.client.post(PATH, headers=who("p"), json=meta(platform=platform))
    assert_error(
        response, field_error("installation_meta.platform", f'"{platform}" is not a valid choice.')
    )


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"installation_meta": {}}, [("installation_meta.device_id", ["This field is required."])]),
        (
            {"installation_meta": {"locale": "en"}},
            [("installation_meta.device_id", ["This field is required."])],
        ),
        (
            {"installation_meta": {"device_id": None}},
            [("installation_meta.device_id", ["This field may not be null."])],
        ),
        (
            {"installation_meta": {"device_id": ""}},
            [("installation_meta.device_id", ["This field may not be blank."])],
        ),
        (
            {"installation_meta": {"device_id": 5}},
            [("installation_meta.device_id", ["Not a valid string."])],
        ),
        (
            {"installation_meta": {"device_id": "d", "idfa_": "x"}},
            [("installation_meta.idfa_", ["Unknown field."])],
        ),
        (
            {"installation_meta": {"device_id": "d", "profile_id": "x", "IDFA": "y"}},
            [
                ("installation_meta.profile_id", ["Unknown field."]),
                ("installation_meta.IDFA", ["Unknown field."]),
            ],
        ),
        (
            {"installation_meta": [{"device_id": "d"}]},
            [("installation_meta", ['Expected a dictionary of items but got type "array".'])],
        ),
        (
            {"installation_meta": "d"},
            [("installation_meta", ['Expected a dictionary of items but got type "string".'])],
        ),
    ],
    ids=repr,
)
async def test_malformed_installation_meta(
    api: Target, body: dict[str, Any], errors: list[tuple[str, list[str]]]
) -> None:
    response = await api.client.post(PATH, headers=who("m"), json=body)
    assert_error(response, bad(*errors))


async def test_empty_strings_are_values(api: Target) -> None:
    response = await api.client.post(PATH, headers=who("e"), json=meta(idfa="", android_id=""))
    assert response.status_code == 200
    stored = await metas(api, response.json()["data"]["profile_id"])
    assert stored["dev-1"] == {"device_id": "dev-1", "idfa": "", "android_id": ""}


# --- conditional nullability -------------------------------------------------------------


@pytest.mark.parametrize("field", GATED)
async def test_post_null_is_400_with_analytics_absent_or_false(api: Target, field: str) -> None:
    for extra in ({}, {"analytics_disabled": False}):
        response = await api.client.post(
            PATH, headers=who("n"), json={**meta(**{field: None}), **extra}
        )
        assert_error(
            response, field_error(f"installation_meta.{field}", "This field may not be null.")
        )
    assert await api.profiles() == []


@pytest.mark.parametrize("field", GATED)
async def test_post_null_is_accepted_with_analytics_disabled_true(api: Target, field: str) -> None:
    body = {"analytics_disabled": True, **meta(**{field: None})}
    response = await api.client.post(PATH, headers=who("n"), json=body)
    assert response.status_code == 200
    stored = await metas(api, response.json()["data"]["profile_id"])
    assert stored["dev-1"] == {"device_id": "dev-1", field: None}


async def test_an_invalid_analytics_disabled_is_the_only_complaint(api: Target) -> None:
    body = {"analytics_disabled": "yes", **meta(idfa=None)}
    response = await api.client.post(PATH, headers=who("n"), json=body)
    assert_error(response, field_error("analytics_disabled", "Must be a valid boolean."))


@pytest.mark.parametrize("field", GATED)
async def test_patch_without_analytics_disabled_follows_the_stored_value(
    api: Target, field: str
) -> None:
    await api.create(who("on"))  # analytics enabled (default)
    created = await api.create(who("off"), {"analytics_disabled": True})
    rejected = await api.client.patch(PATH, headers=who("on"), json=meta(**{field: None}))
    assert_error(rejected, field_error(f"installation_meta.{field}", "This field may not be null."))
    accepted = await api.client.patch(PATH, headers=who("off"), json=meta(**{field: None}))
    assert accepted.status_code == 200
    stored = await metas(api, created.json()["data"]["profile_id"])
    assert stored["dev-1"][field] is None


@pytest.mark.parametrize("field", GATED)
async def test_patch_with_analytics_disabled_decides_by_itself(api: Target, field: str) -> None:
    await api.create(who("on"))
    await api.create(who("off"), {"analytics_disabled": True})
    # Turning analytics off in the same request makes the null legal...
    ok = await api.client.patch(
        PATH, headers=who("on"), json={"analytics_disabled": True, **meta(**{field: None})}
    )
    assert ok.status_code == 200
    # ... and turning it on makes it illegal, whatever is stored.
    rejected = await api.client.patch(
        PATH, headers=who("off"), json={"analytics_disabled": False, **meta(**{field: None})}
    )
    assert_error(rejected, field_error(f"installation_meta.{field}", "This field may not be null."))


async def test_a_stateful_null_rejection_stores_nothing(api: Target) -> None:
    created = await api.create(who("atomic"), meta(idfa="A"))
    profile_id = created.json()["data"]["profile_id"]
    before = await api.stored(profile_id)
    response = await api.client.patch(
        PATH,
        headers=who("atomic"),
        json={
            "first_name": "x",
            "custom_attributes": [{"key": "k", "value": 1}],
            **meta(idfa=None, idfv=None),
        },
    )
    assert_error(
        response,
        bad(
            ("installation_meta.idfa", ["This field may not be null."]),
            ("installation_meta.idfv", ["This field may not be null."]),
        ),
    )
    assert await api.stored(profile_id) == before


async def test_patch_of_a_missing_profile_with_a_deferred_null_is_404(api: Target) -> None:
    response = await api.client.patch(PATH, headers=who("ghost"), json=meta(idfa=None))
    assert response.status_code == 404


# --- merge per device ----------------------------------------------------------------------


async def test_metas_merge_per_device_and_field(api: Target) -> None:
    created = await api.create(
        who("merge"), meta(locale="en", os="iOS 17", idfa="A", app_version="1.0")
    )
    profile_id = created.json()["data"]["profile_id"]
    # Another device: its own entry, the first one untouched.
    await api.client.patch(
        PATH,
        headers=who("merge"),
        json={"installation_meta": {"device_id": "dev-2", "locale": "fr"}},
    )
    # The first device again: sent fields set (null clears), omitted fields kept.
    response = await api.client.patch(
        PATH, headers=who("merge"), json=meta(locale="de", app_version=None, timezone="UTC")
    )
    assert response.status_code == 200
    assert await metas(api, profile_id) == {
        "dev-1": {
            "device_id": "dev-1",
            "locale": "de",
            "os": "iOS 17",
            "idfa": "A",
            "app_version": None,
            "timezone": "UTC",
        },
        "dev-2": {"device_id": "dev-2", "locale": "fr"},
    }


async def test_a_profile_keeps_at_most_the_cap_of_installation_metas() -> None:
    """Issue 16 #7: every new device_id used to add an entry without bound (400 PATCHes made a
    25 MB profile); past the cap a new device gets 400 and nothing is stored."""
    async with asgi_target(max_installation_metas=3) as api:
        await _check_the_cap(api)


async def _check_the_cap(api: Target) -> None:
    created = await api.create(who("many-devices"), meta())
    profile_id = created.json()["data"]["profile_id"]
    for device in ("dev-2", "dev-3"):
        response = await api.client.patch(
            PATH, headers=who("many-devices"), json={"installation_meta": {"device_id": device}}
        )
        assert response.status_code == 200, response.text
    response = await api.client.patch(
        PATH, headers=who("many-devices"), json={"installation_meta": {"device_id": "dev-4"}}
    )
    assert_error(
        response,
        field_error(
            "installation_meta.device_id",
            "A profile keeps at most 3 installation metas (one per device_id); this would be "
            "a new one. Reuse a device_id or delete the profile.",
        ),
    )
    # A known device is still updated; the stored metas are the first three.
    response = await api.client.patch(PATH, headers=who("many-devices"), json=meta(locale="fr"))
    assert response.status_code == 200, response.text
    assert sorted(await metas(api, profile_id)) == ["dev-1", "dev-2", "dev-3"]
