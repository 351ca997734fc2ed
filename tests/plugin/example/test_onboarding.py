"""Tests of onboard_user against the recorded server: no conftest, no setup, two fixtures."""

from __future__ import annotations

from typing import Any

import pytest
from adapty_profile_client import AuthenticatedClient
from onboarding import AdaptyError, onboard_user

from recorded_server.testing.plugin import AdaptyServer, StoredProfile


def attributes(stored: StoredProfile) -> dict[str, Any]:
    """The stored custom attributes as a dict."""
    return {item["key"]: item["value"] for item in stored["custom_attributes"]}


def test_onboarding_stores_the_email_and_the_plan(
    adapty_server: AdaptyServer, adapty_client: AuthenticatedClient
) -> None:
    profile_id = onboard_user(adapty_client, "user-42", "jane@example.com", "premium")

    stored = adapty_server.stored(profile_id)
    assert stored["customer_user_id"] == "user-42"
    assert stored["fields"]["email"] == "jane@example.com"
    assert "first_name" not in stored["fields"]  # never sent (a null would be stored as None)
    assert attributes(stored) == {"plan": "premium", "onboarded": 1.0}  # booleans become floats


def test_a_returning_user_is_updated_not_duplicated(
    adapty_server: AdaptyServer, adapty_client: AuthenticatedClient
) -> None:
    first = onboard_user(adapty_client, "user-42", "jane@example.com", "free")
    again = onboard_user(adapty_client, "user-42", "jane@example.org", "premium")

    assert again == first
    (stored,) = adapty_server.profiles()  # the store was empty when this test began
    assert stored["fields"]["email"] == "jane@example.org"
    assert attributes(stored)["plan"] == "premium"


def test_a_plan_adapty_refuses_stores_nothing(
    adapty_server: AdaptyServer, adapty_client: AuthenticatedClient
) -> None:
    with pytest.raises(AdaptyError, match="400"):
        onboard_user(adapty_client, "user-42", "jane@example.com", "p" * 31)  # over 30 characters

    assert adapty_server.profiles() == []
