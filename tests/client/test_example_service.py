"""The sample service module (examples/profile_service.py) against the fake API."""

from __future__ import annotations

import copy
import datetime
import importlib.util
from types import ModuleType
from typing import Any

import httpx
import pytest
from _client_fakes import API_KEY, REQUEST_ID, FakeApi
from adapty_profile_client import AuthenticatedClient

PROFILE_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


@pytest.fixture(scope="module")
def service() -> ModuleType:
    """The example, imported as a user would run it (the checkout is on pytest's path)."""
    return importlib.import_module("examples.profile_service")


@pytest.fixture
def client(service: ModuleType, api: FakeApi) -> AuthenticatedClient:
    made: AuthenticatedClient = service.make_client(
        API_KEY, transport=httpx.MockTransport(api.handle)
    )
    return made


def _error(status: int, code: str, source: str | None, message: str) -> dict[str, Any]:
    return {
        "errors": [{"source": source, "errors": [message]}],
        "error_code": code,
        "status_code": status,
    }


def test_register_user_returns_the_profile_id(
    service: ModuleType, client: AuthenticatedClient, api: FakeApi, seed_body: Any
) -> None:
    api.reply(200, seed_body)
    assert service.register_user(client, "user-42", "jane@example.com") == PROFILE_ID
    assert api.last.method == "POST"
    assert api.last.headers["Authorization"] == f"Api-Key {API_KEY}"
    assert api.last.headers["adapty-customer-user-id"] == "user-42"
    assert api.last_json() == {"email": "jane@example.com"}


def test_register_user_sends_null_and_analytics_only_when_given(
    service: ModuleType, client: AuthenticatedClient, api: FakeApi, seed_body: Any
) -> None:
    api.reply(200, seed_body)
    service.register_user(client, "user-42", None, analytics_disabled=True)
    assert api.last_json() == {"email": None, "analytics_disabled": True}


def test_register_user_raises_the_typed_error_with_request_id(
    service: ModuleType, client: AuthenticatedClient, api: FakeApi
) -> None:
    api.reply(409, _error(409, "profile_already_exists", None, "Profile already exists."))
    with pytest.raises(service.ProfileApiError) as raised:
        service.register_user(client, "user-42", None)
    error = raised.value
    assert (error.status, error.error_code) == (409, "profile_already_exists")
    assert error.messages == ("Profile already exists.",)
    assert error.request_id == REQUEST_ID
    assert REQUEST_ID in str(error)


def test_set_attributes_sends_values_and_deletions(
    service: ModuleType, client: AuthenticatedClient, api: FakeApi, seed_body: Any
) -> None:
    answer = copy.deepcopy(seed_body)
    answer["data"]["custom_attributes"] = [
        {"key": "plan", "value": "premium"},
        {"key": "seats", "value": 3.0},
    ]
    api.reply(200, answer)
    stored = service.set_attributes(
        client, PROFILE_ID, {"plan": "premium", "seats": 3, "beta": None}
    )
    assert stored == {"plan": "premium", "seats": 3.0}
    assert api.last.method == "PATCH"
    assert api.last.headers["adapty-profile-id"] == PROFILE_ID
    assert api.last_json() == {
        "custom_attributes": [
            {"key": "plan", "value": "premium"},
            {"key": "seats", "value": 3},
            {"key": "beta", "value": None},
        ]
    }


def test_set_attributes_reports_every_message_with_its_source(
    service: ModuleType, client: AuthenticatedClient, api: FakeApi
) -> None:
    api.reply(400, _error(400, "bad_request", "custom_attributes.0.key", "Invalid key."))
    with pytest.raises(service.ProfileApiError) as raised:
        service.set_attributes(client, PROFILE_ID, {"bad key": 1})
    assert raised.value.messages == ("custom_attributes.0.key: Invalid key.",)


def test_clear_contact_details_sends_nulls_only(
    service: ModuleType, client: AuthenticatedClient, api: FakeApi, seed_body: Any
) -> None:
    api.reply(200, seed_body)
    service.clear_contact_details(client, PROFILE_ID)
    assert api.last_json() == {"email": None, "phone_number": None}


def test_find_profile_returns_none_on_404(
    service: ModuleType,
    client: AuthenticatedClient,
    api: FakeApi,
    seed_body: Any,
    seed_errors: dict[int, Any],
) -> None:
    api.reply(404, seed_errors[404])
    assert service.find_profile(client, "nobody") is None
    api.reply(200, seed_body)
    profile = service.find_profile(client, "user-42")
    assert profile.profile_id == PROFILE_ID


def test_has_access_reads_parsed_date_times(
    service: ModuleType, client: AuthenticatedClient, api: FakeApi, seed_body: Any
) -> None:
    api.reply(200, seed_body)
    profile = service.find_profile(client, "user-42")
    before = datetime.datetime(2022, 10, 1, tzinfo=datetime.UTC)
    after = datetime.datetime(2022, 10, 13, tzinfo=datetime.UTC)
    assert service.has_access(profile, before) is True
    assert service.has_access(profile, after) is False
    assert service.has_access(profile, before, access_level_id="gold") is False


def test_forget_user(
    service: ModuleType,
    client: AuthenticatedClient,
    api: FakeApi,
    seed_errors: dict[int, Any],
) -> None:
    api.reply(204)
    assert service.forget_user(client, PROFILE_ID) is True
    api.reply(404, seed_errors[404])
    assert service.forget_user(client, PROFILE_ID) is False
    api.reply(401, seed_errors[401])
    with pytest.raises(service.ProfileApiError) as raised:
        service.forget_user(client, PROFILE_ID)
    assert raised.value.error_code == "not_authenticated"
    assert raised.value.messages == (
        "non_field_errors: Authentication credentials were not provided.",
    )
