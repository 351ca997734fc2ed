"""The client against Adapty's own published Profile schema: nothing it allows breaks parsing.

Responses are generated from ``data/adapty_profile_schema.json`` (the Profile part of Adapty's
OpenAPI file, with its source and commit) by ``_adapty_schema``, in two modes: properties
optional as published, and every property present. Each must parse with no exception and lose
no value: ``to_dict()`` gives back the input (a ``null`` purchase list as ``[]``, as documented;
a date-time as the same instant and offset), every date-time is an aware ``datetime`` equal to
the one written, and nothing the schema names lands in ``additional_properties``.

``CLIENT_SCHEMA_EXAMPLES`` sets the examples per mode (default 1000).
"""

from __future__ import annotations

import datetime
import json
import os
from typing import Any, Final

import attrs
import pytest
from _adapty_schema import (
    DATE_TIME_KEYS,
    DOCUMENT,
    UNKNOWN_KEY,
    Mode,
    expected_datetime,
    responses,
)
from adapty_profile_client.models import AccessLevelOffer, ProfileResponse, SubscriptionOffer
from adapty_profile_client.types import UNSET
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES: Final = int(os.environ.get("CLIENT_SCHEMA_EXAMPLES", "1000"))
NULL_AS_EMPTY: Final = frozenset({"access_levels", "subscriptions", "non_subscriptions"})


def _normalized(value: Any, key: str | None = None) -> Any:
    """A response as its meaning: date-times as (instant, offset), null purchase lists as []."""
    if key in DATE_TIME_KEYS and isinstance(value, str):
        moment = expected_datetime(value)
        return ("date-time", moment, moment.utcoffset())
    if key in NULL_AS_EMPTY and value is None:
        return []
    if isinstance(value, dict):
        return {k: _normalized(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalized(item) for item in value]
    return value


def _as_written_back(value: Any, key: str | None = None) -> Any:
    """``to_dict()``'s output, with its isoformat() date-times read back."""
    if key in DATE_TIME_KEYS and isinstance(value, str):
        moment = datetime.datetime.fromisoformat(value)
        return ("date-time", moment, moment.utcoffset())
    if isinstance(value, dict):
        return {k: _as_written_back(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_written_back(item) for item in value]
    return value


def _models(value: Any) -> list[Any]:
    """Every generated model instance inside ``value``."""
    found = []
    if attrs.has(type(value)):
        found.append(value)
        for field in attrs.fields(type(value)):
            found.extend(_models(getattr(value, field.name)))
    elif isinstance(value, list):
        for item in value:
            found.extend(_models(item))
    return found


def check_lossless(body: dict[str, Any]) -> ProfileResponse:
    wire = json.loads(json.dumps(body))  # exactly what json.loads gives the client
    parsed = ProfileResponse.from_dict(wire)
    assert _as_written_back(parsed.to_dict()) == _normalized(wire)
    for model in _models(parsed):
        assert set(model.additional_properties) <= {UNKNOWN_KEY}, model
        for name in DATE_TIME_KEYS & {field.name for field in attrs.fields(type(model))}:
            moment = getattr(model, name)
            assert moment is None or moment is UNSET or isinstance(moment, datetime.datetime)
            if isinstance(moment, datetime.datetime):
                assert moment.tzinfo is not None
    profile = parsed.data
    for name in NULL_AS_EMPTY:
        assert isinstance(getattr(profile, name), list)  # never None: no isinstance needed
    for level, written in zip(
        profile.access_levels, wire["data"]["access_levels"] or [], strict=True
    ):
        for key in DATE_TIME_KEYS & set(written):
            if written[key] is not None:
                assert getattr(level, key) == expected_datetime(written[key])
                assert (
                    getattr(level, key).utcoffset() == expected_datetime(written[key]).utcoffset()
                )
        offer = written.get("offer")
        if isinstance(offer, dict):
            assert isinstance(level.offer, AccessLevelOffer)
            assert (level.offer.category or level.offer.offer_category) == (
                offer.get("category") or offer.get("offer_category")
            )
    return parsed


@pytest.mark.parametrize("mode", ["published", "complete"])
def test_every_response_the_published_schema_allows_parses_losslessly(mode: Mode) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(body=responses(mode))
    def run(body: dict[str, Any]) -> None:
        check_lossless(body)

    run()


@pytest.mark.parametrize("name", sorted(DOCUMENT["examples"]))
def test_the_published_examples_parse_losslessly(name: str) -> None:
    parsed = check_lossless(DOCUMENT["examples"][name])
    if name == "getProfile 200":
        (level,) = parsed.data.access_levels
        assert level.renewal_cancelled_at == datetime.datetime(
            2025, 1, 5, 13, 27, 47, 461425, tzinfo=datetime.UTC
        )
        assert level.offer is None and level.expires_at is None


def test_the_seed_example_parses_losslessly(seed_response_bytes: bytes) -> None:
    parsed = check_lossless(json.loads(seed_response_bytes))
    (subscription,) = parsed.data.subscriptions
    assert isinstance(subscription.offer, SubscriptionOffer)
    assert (subscription.offer.offer_category, subscription.offer.offer_id) == (
        "introductory",
        "offer12",
    )


def test_the_date_time_strategy_reaches_every_form() -> None:
    """The generator itself: lowercase, leap seconds, long fractions and both offset forms."""
    from _adapty_schema import date_times

    seen: set[str] = set()

    @settings(max_examples=300, database=None, deadline=None)
    @given(st.data())
    def run(data: st.DataObject) -> None:
        text = data.draw(date_times())
        expected_datetime(text)
        if "t" in text:
            seen.add("lowercase t")
        if text.endswith("z"):
            seen.add("lowercase z")
        if text[17:19] == "60":
            seen.add("leap second")
        if "." in text and len(text.split(".")[1].rstrip("Zz+-:0123456789")) == 0:
            seen.add("fraction")
        if text[-5] in "+-" and text[-3] != ":":
            seen.add("+0000")

    run()
    assert seen == {"lowercase t", "lowercase z", "leap second", "fraction", "+0000"}
