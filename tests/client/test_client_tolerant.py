"""Reading responses tolerantly (CONTRACT.md): each case the seed or Adapty's reference allows.

``null`` purchase lists read as ``[]``; absent item properties are ``UNSET``; both offer shapes
land in typed fields; every RFC 3339 date-time and the seed's ``+0000`` form become an aware
``datetime`` equal to it; error items may be objects or plain strings. No exception out of
``from_dict``.
"""

from __future__ import annotations

import copy
import datetime
from typing import Any

import pytest
from adapty_profile_client.models import (
    AccessLevel,
    ErrorItem,
    ErrorResponse,
    NonSubscription,
    ProfileResponse,
    Subscription,
    SubscriptionOffer,
)
from adapty_profile_client.types import UNSET, parse_datetime

UTC = datetime.UTC


def _tz(hours: int, minutes: int = 0) -> datetime.timezone:
    return datetime.timezone(datetime.timedelta(hours=hours, minutes=minutes))


@pytest.mark.parametrize("name", ["access_levels", "subscriptions", "non_subscriptions"])
def test_a_null_purchase_list_reads_as_an_empty_list(seed_body: Any, name: str) -> None:
    body = copy.deepcopy(seed_body)
    body["data"][name] = None
    profile = ProfileResponse.from_dict(body).data
    assert getattr(profile, name) == []
    assert profile.to_dict()[name] == []  # documented: null is written back as []


@pytest.mark.parametrize(
    ("model", "item"),
    [(AccessLevel, {}), (Subscription, {}), (NonSubscription, {}), (AccessLevel, {"offer": None})],
    ids=["access level", "subscription", "non-subscription", "offer only"],
)
def test_an_item_with_no_properties_parses(model: Any, item: dict[str, Any]) -> None:
    parsed = model.from_dict(item)
    assert parsed.store is UNSET
    assert parsed.to_dict() == item


@pytest.mark.parametrize("model", [AccessLevel, Subscription])
@pytest.mark.parametrize(
    "offer",
    [
        {"category": "introductory", "type": "free_trial", "id": "offer12"},
        {"offer_category": "introductory", "offer_type": "free_trial", "offer_id": "offer12"},
        {"category": "promotional", "type": "pay_up_front", "id": None},
        {"offer_category": "win_back", "offer_type": "pay_as_you_go"},
    ],
    ids=["reference", "seed subscriptions", "id null", "id absent"],
)
def test_both_offer_shapes_land_in_typed_fields(model: Any, offer: dict[str, Any]) -> None:
    parsed = model.from_dict({"offer": offer}).offer
    assert parsed.additional_properties == {}
    typed = {
        "category": parsed.category,
        "type": parsed.type_,
        "id": parsed.id,
        "offer_category": parsed.offer_category,
        "offer_type": parsed.offer_type,
        "offer_id": parsed.offer_id,
    }
    assert {key: value for key, value in typed.items() if value is not UNSET} == offer
    assert parsed.to_dict() == offer


def test_the_offer_models_keep_their_names() -> None:
    """Existing imports still work: the two models gained fields, none lost."""
    offer = SubscriptionOffer(offer_category="introductory", offer_type="free_trial")
    assert offer.to_dict() == {"offer_category": "introductory", "offer_type": "free_trial"}


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2022-10-12T09:42:50.000000+0000", datetime.datetime(2022, 10, 12, 9, 42, 50, tzinfo=UTC)),
        ("2024-12-24T10:50:23+00:00", datetime.datetime(2024, 12, 24, 10, 50, 23, tzinfo=UTC)),
        ("2024-12-24T10:50:23Z", datetime.datetime(2024, 12, 24, 10, 50, 23, tzinfo=UTC)),
        ("2024-12-24t10:50:23z", datetime.datetime(2024, 12, 24, 10, 50, 23, tzinfo=UTC)),
        ("2024-12-24T10:50:23-00:00", datetime.datetime(2024, 12, 24, 10, 50, 23, tzinfo=UTC)),
        (
            "2024-12-24T10:50:23.5+05:30",
            datetime.datetime(2024, 12, 24, 10, 50, 23, 500000, tzinfo=_tz(5, 30)),
        ),
        (
            "2024-12-24T10:50:23.123456789-0800",
            datetime.datetime(2024, 12, 24, 10, 50, 23, 123456, tzinfo=_tz(-8)),
        ),
        ("2016-12-31T23:59:60Z", datetime.datetime(2017, 1, 1, tzinfo=UTC)),
        ("2016-12-31T23:59:60.25z", datetime.datetime(2017, 1, 1, tzinfo=UTC)),
        (
            "9999-12-31T23:59:60Z",
            datetime.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        ),
    ],
)
def test_every_rfc_3339_form_is_an_aware_datetime_equal_to_it(
    written: str, expected: datetime.datetime
) -> None:
    parsed = parse_datetime(written)
    assert parsed == expected and parsed.utcoffset() == expected.utcoffset()
    level = AccessLevel.from_dict({"purchased_at": written, "expires_at": written})
    assert level.purchased_at == expected and level.expires_at == expected


def test_an_error_body_with_plain_string_items_parses() -> None:
    body = {"errors": ["Invalid API key"], "error_code": "unauthorized", "status_code": 401}
    parsed = ErrorResponse.from_dict(body)
    assert parsed.errors == ["Invalid API key"]
    assert parsed.to_dict() == body


def test_an_error_body_mixing_objects_and_strings_parses() -> None:
    body = {
        "errors": [{"source": None, "errors": ["Profile not found"]}, "and a plain one"],
        "error_code": "profile_does_not_exist",
        "status_code": 404,
    }
    parsed = ErrorResponse.from_dict(body)
    first, second = parsed.errors
    assert isinstance(first, ErrorItem) and first.source is None
    assert first.errors == ["Profile not found"] and second == "and a plain one"
    assert parsed.to_dict() == body


def test_null_messages_read_as_an_empty_list() -> None:
    item = ErrorItem.from_dict({"source": "x", "errors": None, "extra": 1})
    assert item.errors == [] and item.additional_properties == {"extra": 1}
