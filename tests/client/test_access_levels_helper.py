"""``recorded_server.access_levels``: is an access level active at a moment."""

from __future__ import annotations

import datetime
import subprocess
import sys

import pytest
from adapty_profile_client.models import AccessLevel, ProfileResponse

from recorded_server import access_levels
from recorded_server.access_levels import as_datetime, is_active, is_level_active

UTC = datetime.UTC
T0 = datetime.datetime(2030, 1, 1, tzinfo=UTC)
T1 = datetime.datetime(2030, 2, 1, tzinfo=UTC)


def level(starts: object, expires: object, name: str = "premium") -> dict[str, object]:
    return {"access_level_id": name, "starts_at": starts, "expires_at": expires}


@pytest.mark.parametrize(
    ("at", "active"),
    [
        (T0 - datetime.timedelta(microseconds=1), False),
        (T0, True),  # starts_at is inclusive
        (T1 - datetime.timedelta(microseconds=1), True),
        (T1, False),  # expires_at is exclusive
    ],
)
def test_the_period_is_starts_inclusive_expires_exclusive(
    at: datetime.datetime, active: bool
) -> None:
    assert is_level_active(level("2030-01-01T00:00:00Z", "2030-02-01T00:00:00+00:00"), at) is active


def test_null_expires_at_is_lifetime_and_null_starts_at_has_started() -> None:
    far = datetime.datetime(9999, 1, 1, tzinfo=UTC)
    assert is_level_active(level(None, None), far)
    assert is_level_active({"access_level_id": "premium"}, far)  # both absent
    assert not is_level_active(level(None, "2030-01-01T00:00:00Z"), far)


def test_every_date_form_adapty_sends_and_datetimes() -> None:
    assert as_datetime("2022-10-12T09:42:50.000000+0000") == datetime.datetime(
        2022, 10, 12, 9, 42, 50, tzinfo=UTC
    )
    assert as_datetime("2022-10-12t09:42:50z") == datetime.datetime(
        2022, 10, 12, 9, 42, 50, tzinfo=UTC
    )
    assert as_datetime("2022-10-12T11:42:50+02:00") == datetime.datetime(
        2022, 10, 12, 9, 42, 50, tzinfo=UTC
    )
    naive = datetime.datetime(2030, 1, 1)
    assert as_datetime(naive) == T0
    with pytest.raises(ValueError):
        as_datetime("soon")
    with pytest.raises(TypeError):
        as_datetime(12)


def test_generated_models_and_lists() -> None:
    profile = ProfileResponse.from_dict(
        {
            "data": {
                "app_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                "profile_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                "customer_user_id": "u",
                "total_revenue_usd": 0.0,
                "segment_hash": "x",
                "timestamp": 0,
                "custom_attributes": [],
                "access_levels": [
                    level("2030-01-01T00:00:00Z", "2030-02-01T00:00:00Z"),
                    level("2030-01-01T00:00:00Z", None, "vip"),
                ],
                "subscriptions": [],
                "non_subscriptions": [],
            }
        }
    ).data
    levels = profile.access_levels
    assert isinstance(levels[0], AccessLevel)
    assert is_active(levels, "premium", T0)
    assert not is_active(levels, "premium", T1)
    assert not is_active(levels, "gold", T0)
    assert access_levels.active_access_level_ids(levels, T1) == ["vip"]
    assert access_levels.find(levels, "vip") is levels[1]
    assert access_levels.find(None, "vip") is None


def test_importing_it_loads_no_server_library() -> None:
    code = (
        "import sys, recorded_server.access_levels; "
        "print([m for m in ('starlette', 'uvicorn', 'h11', 'sqlite3') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
