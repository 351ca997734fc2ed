"""The generated models: absent, null and a value kept apart both ways; responses parsed
into typed values (date-times in both offset forms) and read tolerantly."""

from __future__ import annotations

import copy
import datetime
import json
from typing import Any

import pytest
from _adapty_schema import DATE_TIME_KEYS
from adapty_profile_client.models import (
    AccessLevel,
    AccessLevelOffer,
    CustomAttribute,
    InstallationMeta,
    NonSubscription,
    Profile,
    ProfileCreateRequest,
    ProfileResponse,
    ProfileUpdateRequest,
    StoredCustomAttribute,
    Subscription,
    SubscriptionOffer,
)
from adapty_profile_client.types import UNSET

from contract_tests.strategies import ADVERTISING_IDS, META_STRING_FIELDS

UTC = datetime.UTC
SEED_INSTANT = datetime.datetime(2022, 10, 12, 9, 42, 50, tzinfo=UTC)

# Every request field: a value as a model attribute, the same value as JSON, nullable or not.
REQUEST_FIELDS: dict[str, tuple[Any, Any, bool]] = {
    "first_name": ("Jane", "Jane", True),
    "last_name": ("Doe", "Doe", True),
    "gender": ("o", "o", True),
    "email": ("jane@example.com", "jane@example.com", True),
    "phone_number": ("+1234567890", "+1234567890", True),
    "birthday": (datetime.date(2000, 2, 29), "2000-02-29", False),
    "ip_country": ("FR", "FR", False),
    "ip_v4_address": ("10.0.0.1", "10.0.0.1", True),
    "store_country": ("US", "US", True),
    "store": ("app_store", "app_store", True),
    "store_account_token": (
        "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        True,
    ),
    "att_status": (0, 0, True),
    "analytics_disabled": (False, False, False),
    "custom_attributes": (
        [CustomAttribute(key="k", value=1.5)],
        [{"key": "k", "value": 1.5}],
        False,
    ),
    "installation_meta": (InstallationMeta(device_id="d"), {"device_id": "d"}, False),
}
META_FIELDS = [*META_STRING_FIELDS, "platform", *ADVERTISING_IDS]
REQUEST_MODELS: list[Any] = [ProfileCreateRequest, ProfileUpdateRequest]


def _all_date_times(body: Any) -> list[tuple[Any, str]]:
    """(container, key) of every *_at field in a response body."""
    found: list[tuple[Any, str]] = []
    if isinstance(body, dict):
        for key, value in body.items():
            if key.endswith("_at") and isinstance(value, str):
                found.append((body, key))
            else:
                found.extend(_all_date_times(value))
    elif isinstance(body, list):
        for value in body:
            found.extend(_all_date_times(value))
    return found


# ---------------------------------------------------------------------------
# Requests: absent / null / value
# ---------------------------------------------------------------------------


def test_the_request_models_have_every_contract_field() -> None:
    for model in REQUEST_MODELS:
        names = {attribute.name for attribute in model.__attrs_attrs__}
        assert names == set(REQUEST_FIELDS), model.__name__


@pytest.mark.parametrize("model", REQUEST_MODELS, ids=lambda m: m.__name__)
def test_a_model_built_without_fields_sends_no_keys(model: Any) -> None:
    built = model()
    assert built.to_dict() == {}
    for name in REQUEST_FIELDS:
        assert getattr(built, name) is UNSET


@pytest.mark.parametrize("model", REQUEST_MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("field", sorted(REQUEST_FIELDS))
def test_value_null_and_absent_per_field(model: Any, field: str) -> None:
    value, wire, nullable = REQUEST_FIELDS[field]
    assert model(**{field: value}).to_dict() == {field: wire}
    if nullable:
        assert model(**{field: None}).to_dict() == {field: None}
    others = model(**{name: v for name, (v, _, _) in REQUEST_FIELDS.items() if name != field})
    assert field not in others.to_dict()
    assert len(others.to_dict()) == len(REQUEST_FIELDS) - 1


@pytest.mark.parametrize("model", REQUEST_MODELS, ids=lambda m: m.__name__)
def test_request_bodies_round_trip_with_nulls_kept(model: Any) -> None:
    body = {
        "first_name": None,
        "gender": None,
        "att_status": None,
        "store_account_token": None,
        "birthday": "2000-12-31",
        "custom_attributes": [{"key": "a", "value": None}, {"key": "b", "value": ""}],
        "installation_meta": {"device_id": "d", "idfa": None, "platform": None, "locale": "en"},
    }
    parsed = model.from_dict(body)
    assert parsed.first_name is None
    assert parsed.last_name is UNSET
    assert parsed.birthday == datetime.date(2000, 12, 31)
    assert parsed.installation_meta.idfa is None
    assert parsed.installation_meta.idfv is UNSET
    assert parsed.to_dict() == body
    assert json.loads(json.dumps(parsed.to_dict())) == body


@pytest.mark.parametrize("field", META_FIELDS)
def test_installation_meta_absent_null_and_value(field: str) -> None:
    value: Any = "iOS" if field == "platform" else "value"
    assert InstallationMeta(device_id="d").to_dict() == {"device_id": "d"}
    assert InstallationMeta(device_id="d", **{field: None}).to_dict() == {
        "device_id": "d",
        field: None,
    }
    assert InstallationMeta(device_id="d", **{field: value}).to_dict() == {
        "device_id": "d",
        field: value,
    }
    round_trip = {"device_id": "d", field: None}
    assert InstallationMeta.from_dict(round_trip).to_dict() == round_trip


@pytest.mark.parametrize("value", ["yoga", "", 3, 3.5, 1e308, True, False, None], ids=repr)
def test_custom_attribute_values_go_out_as_given(value: Any) -> None:
    item = CustomAttribute(key="k", value=value)
    assert item.to_dict() == {"key": "k", "value": value}
    assert CustomAttribute.from_dict({"key": "k", "value": value}) == item


def test_the_seed_request_round_trips(seed_request: Any) -> None:
    assert ProfileCreateRequest.from_dict(seed_request).to_dict() == seed_request


# ---------------------------------------------------------------------------
# Responses: the seed, typed
# ---------------------------------------------------------------------------


def test_the_seed_response_parses_into_typed_models(seed_response_bytes: bytes) -> None:
    parsed = ProfileResponse.from_dict(json.loads(seed_response_bytes))
    profile = parsed.data
    assert isinstance(profile, Profile)
    assert profile.app_id == "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    assert profile.customer_user_id == "8612ED7C-3477-466D-93AE-1854B8E5FDD5"
    assert profile.total_revenue_usd == 109.88999999999999
    assert profile.timestamp == 0
    assert profile.custom_attributes == [StoredCustomAttribute(key="string", value="string")]

    (level,) = profile.access_levels
    assert isinstance(level, AccessLevel)
    assert level.access_level_id == "premium"
    assert level.store_base_plan_id == ""
    assert isinstance(level.offer, AccessLevelOffer)
    assert (level.offer.category, level.offer.type_, level.offer.id) == (
        "introductory",
        "free_trial",
        "offer12",
    )
    assert level.starts_at == SEED_INSTANT
    assert level.originally_purchased_at == SEED_INSTANT.replace(year=2021)
    assert level.is_in_grace_period is True
    assert level.cancellation_reason == "voluntarily_cancelled"

    (subscription,) = profile.subscriptions
    assert isinstance(subscription, Subscription)
    assert isinstance(subscription.offer, SubscriptionOffer)
    assert subscription.offer.offer_category == "introductory"
    assert subscription.offer.offer_id == "offer12"
    assert subscription.expires_at == SEED_INSTANT

    (purchase,) = profile.non_subscriptions
    assert isinstance(purchase, NonSubscription)
    assert purchase.purchased_at == SEED_INSTANT
    assert purchase.is_consumable is True


def test_every_seed_date_time_becomes_an_aware_datetime(seed_body: Any) -> None:
    profile = ProfileResponse.from_dict(seed_body).data
    values = [
        getattr(item, name)
        for item in [*profile.access_levels, *profile.subscriptions, *profile.non_subscriptions]
        for name in sorted(DATE_TIME_KEYS)
        if hasattr(item, name)
    ]
    assert len(values) == 6 + 5 + 1
    for value in values:
        assert isinstance(value, datetime.datetime)
        assert value.utcoffset() == datetime.timedelta(0)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2022-10-12T09:42:50.000000+0000", SEED_INSTANT),
        ("2022-10-12T09:42:50+00:00", SEED_INSTANT),
        ("2022-10-12T09:42:50Z", SEED_INSTANT),
        ("2022-10-12T11:42:50.000000+0200", SEED_INSTANT),
        ("2022-10-12T01:42:50-08:00", SEED_INSTANT),
        ("2024-12-24T10:50:23+00:00", datetime.datetime(2024, 12, 24, 10, 50, 23, tzinfo=UTC)),
    ],
)
def test_both_offset_forms_parse(seed_body: Any, written: str, expected: datetime.datetime) -> None:
    body = copy.deepcopy(seed_body)
    for container, key in _all_date_times(body):
        container[key] = written
    profile = ProfileResponse.from_dict(body).data
    assert profile.access_levels[0].expires_at == expected
    assert profile.subscriptions[0].purchased_at == expected
    assert profile.non_subscriptions[0].purchased_at == expected
    assert isinstance(profile.access_levels[0].starts_at, datetime.datetime)
    assert profile.access_levels[0].starts_at.utcoffset() is not None


def test_absent_null_and_value_stay_apart_in_responses(seed_body: Any) -> None:
    body = copy.deepcopy(seed_body)
    level = body["data"]["access_levels"][0]
    level["expires_at"] = None
    del level["renewal_cancelled_at"]
    level["offer"] = None
    body["data"]["customer_user_id"] = None
    del body["data"]["subscriptions"][0]["offer"]
    profile = ProfileResponse.from_dict(body).data
    parsed = profile.access_levels[0]
    assert parsed.expires_at is None
    assert parsed.renewal_cancelled_at is UNSET
    assert parsed.billing_issue_detected_at == SEED_INSTANT
    assert parsed.offer is None
    assert profile.customer_user_id is None
    assert profile.subscriptions[0].offer is UNSET
    dumped = profile.to_dict()
    assert dumped["access_levels"][0]["expires_at"] is None
    assert "renewal_cancelled_at" not in dumped["access_levels"][0]
    assert "offer" not in dumped["subscriptions"][0]
    assert dumped["customer_user_id"] is None


def test_responses_round_trip_through_to_dict(seed_body: Any) -> None:
    parsed = ProfileResponse.from_dict(seed_body)
    again = ProfileResponse.from_dict(parsed.to_dict())
    assert again == parsed
    # Date-times go out in RFC 3339 form, the same instant.
    assert again.to_dict()["data"]["access_levels"][0]["starts_at"] == "2022-10-12T09:42:50+00:00"


@pytest.mark.parametrize(
    "path",
    [
        (),
        ("data",),
        ("data", "custom_attributes", 0),
        ("data", "access_levels", 0),
        ("data", "access_levels", 0, "offer"),
        ("data", "subscriptions", 0),
        ("data", "subscriptions", 0, "offer"),
        ("data", "non_subscriptions", 0),
    ],
    ids=lambda path: "/".join(str(part) for part in path) or "root",
)
def test_unknown_response_fields_are_kept(seed_body: Any, path: tuple[str | int, ...]) -> None:
    unknown = {"new_field": {"nested": [1, None]}, "renamed_at": "not parsed"}
    body = copy.deepcopy(seed_body)
    target: Any = body
    for part in path:
        target = target[part]
    target.update(unknown)

    root = ProfileResponse.from_dict(body)
    model: Any = root
    dumped: Any = root.to_dict()
    for part in path:
        model = model[part] if isinstance(part, int) else getattr(model, part)
        dumped = dumped[part]
    assert model.additional_properties == unknown
    assert model["new_field"] == unknown["new_field"]
    assert {key: dumped[key] for key in unknown} == unknown


def test_stored_attribute_values_keep_their_type(seed_body: Any) -> None:
    body = copy.deepcopy(seed_body)
    body["data"]["custom_attributes"] = [
        {"key": "plan", "value": "premium"},
        {"key": "seats", "value": 3.0},
        {"key": "beta", "value": 1.0},
    ]
    attributes = ProfileResponse.from_dict(body).data.custom_attributes
    assert {item.key: item.value for item in attributes} == {
        "plan": "premium",
        "seats": 3.0,
        "beta": 1.0,
    }
    assert isinstance(attributes[1].value, float)
