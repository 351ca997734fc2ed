"""Identity headers, adapty-platform and Content-Type, and the order of checks between them."""

from __future__ import annotations

import pytest

from .conftest import Target, asgi_target
from .helpers import (
    AUTH,
    AUTH_RAW,
    JSON,
    PATH,
    PROFILE_ID,
    assert_error,
    bad,
    envelope,
    field_error,
    who,
)

pytestmark = [pytest.mark.anyio, pytest.mark.socket]

METHODS = ["GET", "POST", "PATCH", "DELETE"]
REQUIRED = field_error("adapty-customer-user-id", "This field is required.")
NOT_UUID = field_error("adapty-profile-id", "Must be a valid UUID.")


def media(value: str) -> dict[str, object]:
    return envelope(
        415,
        "unsupported_media_type",
        (
            "non_field_errors",
            [f'Unsupported media type "{value}" in request; use "application/json".'],
        ),
    )


@pytest.mark.parametrize("method", METHODS)
async def test_neither_identity_header_is_400_naming_the_customer_user_id(
    api: Target, method: str
) -> None:
    response = await api.client.request(method, PATH, headers={**AUTH, **JSON}, content=b"{}")
    assert_error(response, REQUIRED)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "value",
    [
        "not-a-uuid",
        "",
        "5b1b8c1e1f4c4d1e9a550d9c2b1e7a01",  # no hyphens
        "{5b1b8c1e-1f4c-4d1e-9a55-0d9c2b1e7a01}",
        "5b1b8c1e-1f4c-4d1e-9a55-0d9c2b1e7a0",  # one short
        "5b1b8c1e-1f4c-4d1e-9a55-0d9c2b1e7a011",  # one long
        "5b1b8c1g-1f4c-4d1e-9a55-0d9c2b1e7a01",  # not hex
        "urn:uuid:5b1b8c1e-1f4c-4d1e-9a55-0d9c2b1e7a01",
    ],
)
async def test_profile_id_must_be_a_uuid(api: Target, method: str, value: str) -> None:
    headers = {**AUTH, **JSON, "adapty-profile-id": value}
    response = await api.client.request(method, PATH, headers=headers, content=b"{}")
    assert_error(response, NOT_UUID)


async def test_a_bad_profile_id_is_400_even_with_a_customer_user_id(api: Target) -> None:
    response = await api.client.get(PATH, headers=who("c1", "nope"))
    assert_error(response, NOT_UUID)


@pytest.mark.parametrize(
    "value",
    [PROFILE_ID, PROFILE_ID.upper(), "5B1b8C1e-1F4c-4D1e-9A55-0d9C2b1E7a01"],
)
async def test_profile_id_any_case_is_accepted_and_stored_lowercase(
    api: Target, value: str
) -> None:
    response = await api.client.post(PATH, headers=who(profile_id=value), json={})
    assert response.status_code == 200
    assert response.json()["data"]["profile_id"] == PROFILE_ID
    again = await api.client.get(PATH, headers=who(profile_id=PROFILE_ID.upper()))
    assert again.json()["data"]["profile_id"] == PROFILE_ID


@pytest.mark.parametrize("method", METHODS)
async def test_empty_customer_user_id_is_400_blank(api: Target, method: str) -> None:
    headers = {**AUTH, **JSON, "adapty-customer-user-id": ""}
    response = await api.client.request(method, PATH, headers=headers, content=b"{}")
    assert_error(response, field_error("adapty-customer-user-id", "This field may not be blank."))


async def test_customer_user_id_of_255_characters_is_accepted_256_is_400(api: Target) -> None:
    ok = await api.client.post(PATH, headers=who("u" * 255), json={})
    assert ok.status_code == 200
    assert ok.json()["data"]["customer_user_id"] == "u" * 255
    too_long = await api.client.post(PATH, headers=who("u" * 256), json={})
    assert_error(
        too_long,
        field_error(
            "adapty-customer-user-id", "Ensure this field has no more than 255 characters."
        ),
    )


async def test_customer_user_id_is_any_string(api: Target) -> None:
    for value in ["8612ED7C-3477-466D-93AE-1854B8E5FDD5", "a b", "user@example.com", "1", "é"]:
        headers = [*AUTH_RAW, (b"adapty-customer-user-id", value.encode("latin-1"))]
        response = await api.client.post(PATH, headers=headers, json={})
        assert response.status_code == 200, value
        assert response.json()["data"]["customer_user_id"] == value


@pytest.mark.parametrize("platform", ["iOS", "macOS", "iPadOS", "visionOS", "Android", "web"])
async def test_known_platforms_are_accepted(api: Target, platform: str) -> None:
    response = await api.client.post(
        PATH, headers={**who("p-" + platform), "adapty-platform": platform}, json={}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("platform", ["ios", "IOS", "Windows", "", "w eb", "android", "iOS,web"])
async def test_other_platforms_are_400(api: Target, method: str, platform: str) -> None:
    headers = {**who("c1"), **JSON, "adapty-platform": platform}
    response = await api.client.request(method, PATH, headers=headers, content=b"{}")
    assert_error(response, field_error("adapty-platform", f'"{platform}" is not a valid choice.'))


async def test_surrounding_whitespace_is_not_part_of_a_header_value() -> None:
    # A real HTTP server strips it before the app sees it (and httpx will not send it); the app
    # strips it too, so that in-process and over a socket agree.
    headers = [
        *AUTH_RAW,
        (b"adapty-customer-user-id", b" \tws \t"),
        (b"adapty-platform", b" web"),
    ]
    async with asgi_target() as api:
        response = await api.client.post(PATH, headers=headers, json={})
    assert response.status_code == 200
    assert response.json()["data"]["customer_user_id"] == "ws"


async def test_every_bad_header_is_listed(api: Target) -> None:
    headers = {
        **AUTH,
        "adapty-customer-user-id": "",
        "adapty-profile-id": "x",
        "adapty-platform": "Windows",
    }
    response = await api.client.get(PATH, headers=headers)
    assert_error(
        response,
        bad(
            ("adapty-customer-user-id", ["This field may not be blank."]),
            ("adapty-profile-id", ["Must be a valid UUID."]),
            ("adapty-platform", ['"Windows" is not a valid choice.']),
        ),
    )


@pytest.mark.parametrize("method", ["POST", "PATCH"])
@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/json;charset=UTF-8",
        "Application/JSON",
        'application/json; charset="utf-8"',
        "application/json ; charset=utf-8",
    ],
)
async def test_json_content_types_are_accepted(api: Target, method: str, content_type: str) -> None:
    await api.create(who("ct"))
    response = await api.client.request(
        method,
        PATH,
        headers={**who("ct2" if method == "POST" else "ct"), "Content-Type": content_type},
        content=b"{}",
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("method", ["POST", "PATCH"])
@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonx",
        "application/problem+json",
        "application/json; charset=latin-1",
        "application/json; charset=utf-16",
        "application/json; foo=bar",
        "json",
        "*/*",
    ],
)
async def test_other_content_types_are_415(api: Target, method: str, content_type: str) -> None:
    headers = {**who("c1"), "Content-Type": content_type}
    response = await api.client.request(method, PATH, headers=headers, content=b"{}")
    assert_error(response, media(content_type))


async def test_an_empty_content_type_is_415(api: Target) -> None:
    response = await api.client.post(
        PATH, headers=[*who("c1").items(), ("Content-Type", "")], content=b"{}"
    )
    assert_error(response, media(""))


@pytest.mark.parametrize("method", ["POST", "PATCH"])
async def test_no_content_type_with_a_json_body_is_fine(api: Target, method: str) -> None:
    await api.create(who("noct"))
    customer = "noct2" if method == "POST" else "noct"
    response = await api.client.request(method, PATH, headers=who(customer), content=b"{}")
    assert response.status_code == 200


@pytest.mark.parametrize("method", ["POST", "PATCH"])
async def test_no_body_and_no_content_type_is_a_parse_error_not_415(
    api: Target, method: str
) -> None:
    await api.create(who("empty"))
    response = await api.client.request(method, PATH, headers=who("empty"))
    assert response.status_code == 400
    assert response.json()["error_code"] == "parse_error"


@pytest.mark.parametrize("method", ["GET", "DELETE"])
async def test_get_and_delete_ignore_content_type_and_body(api: Target, method: str) -> None:
    await api.create(who("ign"))
    response = await api.client.request(
        method, PATH, headers={**who("ign"), "Content-Type": "text/plain"}, content=b"not json"
    )
    assert response.status_code == (200 if method == "GET" else 204)


async def test_headers_are_checked_before_content_type(api: Target) -> None:
    response = await api.client.post(
        PATH, headers={**AUTH, "Content-Type": "text/plain"}, content=b"{}"
    )
    assert_error(response, REQUIRED)


async def test_content_type_is_checked_before_size(api: Target) -> None:
    response = await api.client.post(
        PATH, headers={**who("c"), "Content-Type": "text/plain"}, content=b"x" * 100_000
    )
    assert_error(response, media("text/plain"))


async def test_when_both_ids_are_sent_the_profile_id_decides(api: Target) -> None:
    await api.create(who(profile_id=PROFILE_ID))
    await api.create(who("owner-a", PROFILE_ID))  # attaches owner-a
    await api.create(who("owner-b"))
    # GET with the id of A and the customer id of B: A.
    response = await api.client.get(PATH, headers=who("owner-b", PROFILE_ID))
    assert response.json()["data"]["customer_user_id"] == "owner-a"
    # ... and an unknown profile id with a known customer id: 404.
    response = await api.client.get(
        PATH, headers=who("owner-b", "0c7b6a1f-8d55-4d0b-9d0f-3f4f5e6a7b8c")
    )
    assert response.status_code == 404
