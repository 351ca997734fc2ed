"""Response schemas: tolerant of unknown fields, strict on the contract's fields,
and accepting every RFC 3339 date-time and the seed's +0000 form (which the client parses)."""

from __future__ import annotations

import copy
import datetime
import json
from typing import Any

import pytest
from adapty_profile_client.types import parse_datetime
from jsonschema.protocols import Validator

from recorded_server.spec import validator

ACCEPTED_DATE_TIMES = [
    "2022-10-12T09:42:50.000000+0000",
    "2021-10-12T09:42:50.000000+0000",
    "2024-12-24T10:50:23+00:00",
    "2024-12-24T10:50:23Z",
    "2024-12-24T10:50:23.123+05:30",
    "2024-12-24T10:50:23-0800",
    "2024-12-24T10:50:23.123456789+0000",
    "2024-02-29T00:00:00+00:00",
    "2024-12-24t10:50:23z",
    "2016-12-31T23:59:60Z",
    "2024-12-24T10:50:23.1234567890123+00:00",
    "2024-12-24T10:50:23-00:00",
]
REJECTED_DATE_TIMES = [
    "2024-12-24 10:50:23+00:00",
    "2024-12-24T10:50:23",
    "2024-12-24T10:50:23.000000",
    "2024-12-24",
    "2024-13-24T10:50:23+00:00",
    "2023-02-29T10:50:23+00:00",
    "2024-12-24T24:00:00+00:00",
    "2024-12-24T10:50:23+24:00",
    "2024-12-24T10:50:23+000",
    "2024-12-24T10:50:23+0000\n",
    "2024-12-24T10:50:61Z",
    "2024-12-24T10:50:23.Z",
    "١٢٣٤-12-24T10:50:23+00:00",
    "",
    1703415023,
]


@pytest.fixture(scope="module")
def date_time(spec: dict[str, Any]) -> Validator:
    return validator({"$ref": "#/components/schemas/DateTime"}, spec)


@pytest.fixture(scope="module")
def seed_body(seed_response_bytes: bytes) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(seed_response_bytes)
    return body


@pytest.mark.parametrize("value", ACCEPTED_DATE_TIMES)
def test_date_times_in_both_forms_are_accepted_and_parse(date_time: Validator, value: str) -> None:
    assert date_time.is_valid(value)
    # The generated client parses with types.parse_datetime: it must agree.
    parsed = parse_datetime(value)
    assert parsed.tzinfo is not None


@pytest.mark.parametrize("value", REJECTED_DATE_TIMES, ids=repr)
def test_malformed_date_times_are_rejected(date_time: Validator, value: Any) -> None:
    assert not date_time.is_valid(value)


def test_the_two_forms_name_the_same_instant() -> None:
    seed_form = datetime.datetime.fromisoformat("2022-10-12T09:42:50.000000+0000")
    rfc_form = datetime.datetime.fromisoformat("2022-10-12T09:42:50+00:00")
    assert seed_form == rfc_form


def _with(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(body)
    *parents, last = path.split(".")
    target: Any = changed
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[int(last) if last.isdigit() else last] = value
    return changed


def _without(body: dict[str, Any], path: str) -> dict[str, Any]:
    changed = copy.deepcopy(body)
    *parents, last = path.split(".")
    target: Any = changed
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    del target[last]
    return changed


@pytest.mark.parametrize(
    "path",
    [
        "extra",
        "data.extra",
        "data.custom_attributes.0.extra",
        "data.access_levels.0.extra",
        "data.access_levels.0.offer.extra",
        "data.subscriptions.0.offer.extra",
        "data.non_subscriptions.0.extra",
    ],
)
def test_unknown_response_fields_are_tolerated(
    profile_validator: Validator, seed_body: dict[str, Any], path: str
) -> None:
    assert profile_validator.is_valid(_with(seed_body, path, {"anything": [1, None]}))


@pytest.mark.parametrize(
    ("path", "value", "accepted"),
    [
        ("data.customer_user_id", None, True),
        ("data.customer_user_id", 1, False),
        ("data.profile_id", "not-a-uuid", False),
        ("data.profile_id", None, False),
        ("data.total_revenue_usd", 0.0, True),
        ("data.total_revenue_usd", "0.0", False),
        ("data.timestamp", 1735036223000, True),
        ("data.timestamp", 1.5, False),
        ("data.custom_attributes.0.value", 3.0, True),
        ("data.custom_attributes.0.value", None, False),
        ("data.custom_attributes", [], True),
        ("data.access_levels.0.offer", None, True),
        ("data.access_levels.0.offer.id", None, True),
        ("data.access_levels.0.expires_at", None, True),
        ("data.access_levels.0.starts_at", "2024-12-24T10:50:23+00:00", True),
        ("data.access_levels.0.purchased_at", None, False),
        ("data.access_levels.0.purchased_at", "yesterday", False),
        ("data.subscriptions.0.offer", None, True),
        ("data.subscriptions.0.renewal_cancelled_at", None, True),
        ("data.subscriptions.0.is_in_grace_period", "yes", False),
        ("data.non_subscriptions.0.purchased_at", "2024-12-24T10:50:23Z", True),
        ("data.non_subscriptions.0.is_refund", None, False),
        # Adapty's objects page: the purchase lists "can be null"
        ("data.access_levels", None, True),
        ("data.subscriptions", None, True),
        ("data.non_subscriptions", None, True),
        ("data.custom_attributes", None, False),
        # both offer shapes, in access levels and in subscriptions
        ("data.access_levels.0.offer", {"offer_category": "x", "offer_type": "y"}, True),
        ("data.subscriptions.0.offer", {"category": "x", "type": "y", "id": None}, True),
        ("data.subscriptions.0.offer.offer_type", 1, False),
    ],
    ids=repr,
)
def test_profile_fields(
    profile_validator: Validator, seed_body: dict[str, Any], path: str, value: Any, accepted: bool
) -> None:
    assert profile_validator.is_valid(_with(seed_body, path, value)) is accepted


@pytest.mark.parametrize(
    "path",
    [
        "data",
        "data.profile_id",
        "data.app_id",
        "data.customer_user_id",
        "data.total_revenue_usd",
        "data.timestamp",
        "data.custom_attributes",
        "data.access_levels",
        "data.subscriptions",
        "data.non_subscriptions",
    ],
)
def test_required_profile_fields(
    profile_validator: Validator, seed_body: dict[str, Any], path: str
) -> None:
    assert not profile_validator.is_valid(_without(seed_body, path))


@pytest.mark.parametrize(
    ("body", "accepted"),
    [
        ({"errors": [], "error_code": "bad_request", "status_code": 400}, True),
        (
            {"errors": [{"source": None, "errors": ["x"]}], "error_code": "x", "status_code": 409},
            True,
        ),
        (
            {
                "errors": [{"source": "a", "errors": ["x"]}],
                "error_code": "x",
                "status_code": 400,
                "more": 1,
            },
            True,
        ),
        ({"errors": [{"source": "a", "errors": ["x"]}], "status_code": 400}, False),
        ({"errors": [{"source": "a", "errors": ["x"]}], "error_code": "x"}, False),
        (
            {"errors": [{"source": "a", "errors": ["x"]}], "error_code": "x", "status_code": "400"},
            False,
        ),
        ({"errors": [{"errors": ["x"]}], "error_code": "x", "status_code": 400}, False),
        (
            {"errors": [{"source": "a", "errors": "x"}], "error_code": "x", "status_code": 400},
            False,
        ),
        ({"errors": {"a": ["x"]}, "error_code": "x", "status_code": 400}, False),
        ({"detail": "Not found."}, False),
    ],
    ids=repr,
)
def test_error_envelope(error_validator: Validator, body: Any, accepted: bool) -> None:
    assert error_validator.is_valid(body) is accepted


@pytest.mark.parametrize(
    "path",
    [
        *(f"data.access_levels.0.{name}" for name in ("access_level_id", "store", "offer")),
        *(f"data.subscriptions.0.{name}" for name in ("store", "store_product_id", "expires_at")),
        *(f"data.non_subscriptions.0.{name}" for name in ("purchase_id", "store", "is_refund")),
    ],
)
def test_item_properties_may_be_absent(
    profile_validator: Validator, seed_body: dict[str, Any], path: str
) -> None:
    """Adapty's OpenAPI file marks no property of these items required."""
    assert profile_validator.is_valid(_without(seed_body, path))


def test_error_items_may_be_plain_strings(error_validator: Validator) -> None:
    body: dict[str, Any] = {
        "errors": ["Invalid API key"],
        "error_code": "unauthorized",
        "status_code": 401,
    }
    assert error_validator.is_valid(body)
    assert not error_validator.is_valid({**body, "errors": [3]})
