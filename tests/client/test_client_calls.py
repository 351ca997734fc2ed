"""Create, read, update and delete through the generated client, as a service calls them."""

from __future__ import annotations

import asyncio
import datetime
import typing
from typing import Any

import httpx
import pytest
from _client_fakes import BASE_URL, PROFILE_PATH, FakeApi, fake_client
from adapty_profile_client import AuthenticatedClient, errors
from adapty_profile_client.api.profile import (
    create_profile,
    delete_profile,
    get_profile,
    update_profile,
)
from adapty_profile_client.models import (
    CustomAttribute,
    ErrorItem,
    ErrorResponse,
    InstallationMeta,
    ProfileCreateRequest,
    ProfileResponse,
    ProfileUpdateRequest,
)
from adapty_profile_client.types import UNSET

PROFILE_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def _assert_authenticated(request: httpx.Request, api_key: str) -> None:
    """Exactly one Authorization header, exactly ``Api-Key <key>``."""
    assert request.headers.get_list("Authorization") == [f"Api-Key {api_key}"]
    assert request.url == httpx.URL(BASE_URL + PROFILE_PATH)


def test_create_sends_body_identity_and_api_key(
    client: AuthenticatedClient, api: FakeApi, api_key: str, request_id: str, seed_body: Any
) -> None:
    api.reply(200, seed_body)
    body = ProfileCreateRequest(
        first_name="Jane",
        gender="f",
        email=None,
        birthday=datetime.date(2000, 12, 31),
        ip_country="FR",
        att_status=3,
        analytics_disabled=True,
        custom_attributes=[
            CustomAttribute(key="favourite_sport", value="yoga"),
            CustomAttribute(key="seats", value=3),
            CustomAttribute(key="beta", value=True),
            CustomAttribute(key="old", value=None),
        ],
        installation_meta=InstallationMeta(device_id="device-1", platform="iOS", idfa=None),
    )
    response = create_profile.sync_detailed(
        client=client, body=body, adapty_customer_user_id="user-42", adapty_platform="iOS"
    )

    request = api.last
    assert request.method == "POST"
    _assert_authenticated(request, api_key)
    assert request.headers["adapty-customer-user-id"] == "user-42"
    assert request.headers["adapty-platform"] == "iOS"
    assert "adapty-profile-id" not in request.headers
    assert request.headers["Content-Type"] == "application/json"
    assert api.last_json() == {
        "first_name": "Jane",
        "gender": "f",
        "email": None,
        "birthday": "2000-12-31",
        "ip_country": "FR",
        "att_status": 3,
        "analytics_disabled": True,
        "custom_attributes": [
            {"key": "favourite_sport", "value": "yoga"},
            {"key": "seats", "value": 3},
            {"key": "beta", "value": True},
            {"key": "old", "value": None},
        ],
        "installation_meta": {"device_id": "device-1", "platform": "iOS", "idfa": None},
    }
    assert response.status_code == 200
    assert response.headers["Request-Id"] == request_id
    assert isinstance(response.parsed, ProfileResponse)
    assert response.parsed.data.profile_id == PROFILE_ID


def test_create_with_an_empty_body_sends_an_empty_object(
    client: AuthenticatedClient, api: FakeApi, seed_body: Any
) -> None:
    api.reply(200, seed_body)
    parsed = create_profile.sync(
        client=client, body=ProfileCreateRequest(), adapty_profile_id=PROFILE_ID
    )
    assert api.last_json() == {}
    assert api.last.headers["adapty-profile-id"] == PROFILE_ID
    assert "adapty-customer-user-id" not in api.last.headers
    assert isinstance(parsed, ProfileResponse)


def test_get_sends_no_body(
    client: AuthenticatedClient, api: FakeApi, api_key: str, request_id: str, seed_body: Any
) -> None:
    api.reply(200, seed_body, request_id="0" * 32)
    response = get_profile.sync_detailed(client=client, adapty_profile_id=PROFILE_ID)
    request = api.last
    assert request.method == "GET"
    _assert_authenticated(request, api_key)
    assert request.content == b""
    assert request.headers["adapty-profile-id"] == PROFILE_ID
    assert response.headers["Request-Id"] == "0" * 32
    assert isinstance(response.parsed, ProfileResponse)
    assert response.parsed.data.customer_user_id == "8612ED7C-3477-466D-93AE-1854B8E5FDD5"


def test_update_sends_only_what_the_model_holds(
    client: AuthenticatedClient, api: FakeApi, api_key: str, seed_body: Any
) -> None:
    api.reply(200, seed_body)
    body = ProfileUpdateRequest(phone_number=None, store="play_store", analytics_disabled=False)
    response = update_profile.sync_detailed(
        client=client, body=body, adapty_customer_user_id="user-42", adapty_profile_id=PROFILE_ID
    )
    request = api.last
    assert request.method == "PATCH"
    _assert_authenticated(request, api_key)
    assert request.headers["adapty-customer-user-id"] == "user-42"
    assert request.headers["adapty-profile-id"] == PROFILE_ID
    assert api.last_json() == {
        "phone_number": None,
        "store": "play_store",
        "analytics_disabled": False,
    }
    assert isinstance(response.parsed, ProfileResponse)


def test_delete_answers_204_with_request_id(
    client: AuthenticatedClient, api: FakeApi, api_key: str, request_id: str
) -> None:
    api.reply(204)
    response = delete_profile.sync_detailed(client=client, adapty_customer_user_id="user-42")
    request = api.last
    assert request.method == "DELETE"
    _assert_authenticated(request, api_key)
    assert request.content == b""
    assert response.status_code == 204
    assert response.content == b""
    assert response.parsed is None
    assert response.headers["Request-Id"] == request_id


def test_the_api_key_is_the_clients_not_a_header_of_the_call(api: FakeApi, seed_body: Any) -> None:
    """A second client with another key sends its own key, never the first one's."""
    api.reply(200, seed_body)
    api.reply(200, seed_body)
    for key in ("key-one", "key-two"):
        with fake_client(api, token=key) as other:
            get_profile.sync(client=other, adapty_profile_id=PROFILE_ID)
    assert [r.headers["Authorization"] for r in api.requests] == [
        "Api-Key key-one",
        "Api-Key key-two",
    ]


def test_async_calls_work_the_same(api: FakeApi, api_key: str, seed_body: Any) -> None:
    api.reply(200, seed_body)
    api.reply(204)

    async def scenario() -> tuple[Any, int]:
        async with AuthenticatedClient(
            base_url=BASE_URL,
            token=api_key,
            prefix="Api-Key",
            httpx_args={"transport": httpx.MockTransport(api.handle)},
        ) as async_client:
            created = await create_profile.asyncio(
                client=async_client, body=ProfileCreateRequest(), adapty_customer_user_id="u"
            )
            deleted = await delete_profile.asyncio_detailed(
                client=async_client, adapty_customer_user_id="u"
            )
            return created, int(deleted.status_code)

    created, deleted_status = asyncio.run(scenario())
    assert isinstance(created, ProfileResponse)
    assert deleted_status == 204
    assert [r.headers["Authorization"] for r in api.requests] == [f"Api-Key {api_key}"] * 2


# ---------------------------------------------------------------------------
# Errors: a typed ErrorResponse for every documented error status
# ---------------------------------------------------------------------------

ERROR_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    404: "not_found",
    409: "profile_already_exists",
    413: "request_too_large",
    415: "unsupported_media_type",
}
DOCUMENTED_ERRORS = {
    "createProfile": [400, 401, 409, 413, 415],
    "getProfile": [400, 401, 404],
    "updateProfile": [400, 401, 404, 413, 415],
    "deleteProfile": [400, 401, 404],
}


def _call(operation: str, client: AuthenticatedClient) -> Any:
    if operation == "createProfile":
        return create_profile.sync_detailed(
            client=client, body=ProfileCreateRequest(), adapty_customer_user_id="u"
        )
    if operation == "getProfile":
        return get_profile.sync_detailed(client=client, adapty_customer_user_id="u")
    if operation == "updateProfile":
        return update_profile.sync_detailed(
            client=client, body=ProfileUpdateRequest(), adapty_customer_user_id="u"
        )
    return delete_profile.sync_detailed(client=client, adapty_customer_user_id="u")


@pytest.mark.parametrize(
    ("operation", "status"),
    [
        (operation, status)
        for operation, statuses in DOCUMENTED_ERRORS.items()
        for status in statuses
    ],
)
def test_each_documented_error_parses_into_error_response(
    client: AuthenticatedClient, api: FakeApi, request_id: str, operation: str, status: int
) -> None:
    body = {
        "errors": [
            {
                "source": "custom_attributes.3.key",
                "errors": ["Ensure this field has no more than 30 characters."],
            },
            {"source": None, "errors": ["Second.", "Third."]},
        ],
        "error_code": ERROR_CODES[status],
        "status_code": status,
    }
    api.reply(status, body)
    response = _call(operation, client)
    assert response.status_code == status
    assert response.headers["Request-Id"] == request_id
    error = response.parsed
    assert isinstance(error, ErrorResponse)
    assert error.error_code == ERROR_CODES[status]
    assert error.status_code == status
    items = [item for item in error.errors if isinstance(item, ErrorItem)]
    assert len(items) == len(error.errors)  # this server's items are objects, never strings
    assert [item.source for item in items] == ["custom_attributes.3.key", None]
    assert items[1].errors == ["Second.", "Third."]
    assert error.to_dict() == body


@pytest.mark.parametrize("status", [401, 404])
def test_the_seed_error_bodies_parse(
    client: AuthenticatedClient, api: FakeApi, seed_errors: dict[int, Any], status: int
) -> None:
    api.reply(status, seed_errors[status])
    error = get_profile.sync(client=client, adapty_customer_user_id="u")
    assert isinstance(error, ErrorResponse)
    assert error.status_code == status
    (item,) = error.errors
    assert isinstance(item, ErrorItem) and item.source == "non_field_errors"
    assert error.to_dict() == seed_errors[status]


def test_error_envelopes_tolerate_unknown_fields(client: AuthenticatedClient, api: FakeApi) -> None:
    body = {
        "errors": [{"source": "x", "errors": ["y"], "hint": "more"}],
        "error_code": "bad_request",
        "status_code": 400,
        "trace": "abc",
    }
    api.reply(400, body)
    error = get_profile.sync(client=client, adapty_customer_user_id="u")
    assert isinstance(error, ErrorResponse)
    assert error.additional_properties == {"trace": "abc"}
    (item,) = error.errors
    assert isinstance(item, ErrorItem) and item.additional_properties == {"hint": "more"}
    assert error.to_dict() == body


def test_an_undocumented_status_is_none_or_raises(api: FakeApi, api_key: str) -> None:
    """A 500 is not in the spec: by default ``parsed`` is None, or it raises when asked."""
    api.reply(500, raw=b"oops")
    api.reply(500, raw=b"oops")
    transport = httpx.MockTransport(api.handle)
    lenient = AuthenticatedClient(
        base_url=BASE_URL, token=api_key, prefix="Api-Key", httpx_args={"transport": transport}
    )
    response = get_profile.sync_detailed(client=lenient, adapty_customer_user_id="u")
    assert response.status_code == 500
    assert response.parsed is None
    strict = AuthenticatedClient(
        base_url=BASE_URL,
        token=api_key,
        prefix="Api-Key",
        raise_on_unexpected_status=True,
        httpx_args={"transport": transport},
    )
    with pytest.raises(errors.UnexpectedStatus) as raised:
        get_profile.sync_detailed(client=strict, adapty_customer_user_id="u")
    assert raised.value.status_code == 500


def test_header_parameters_are_unset_by_default(client: AuthenticatedClient, api: FakeApi) -> None:
    api.reply(204)
    delete_profile.sync_detailed(client=client, adapty_profile_id=PROFILE_ID, adapty_platform=UNSET)
    sent = {name.lower() for name in api.last.headers}
    assert "adapty-platform" not in sent
    assert "adapty-customer-user-id" not in sent


def test_delete_is_typed_without_any() -> None:
    """A body-less 204 is typed None (the stock generator says Any, which would switch
    off type checks in the caller)."""
    returned = typing.get_type_hints(delete_profile.sync_detailed)["return"]
    assert typing.get_args(returned) == (ErrorResponse | None,)
    assert typing.get_type_hints(delete_profile.sync)["return"] == ErrorResponse | None
