"""The purchase operations' settings: the fixed exchange rates and the unknown-product rule."""

from __future__ import annotations

import pytest

from recorded_server import Settings
from recorded_server.emulator.settings import DEFAULT_USD_RATES, SettingsError


def test_the_rate_table_is_fixed_and_may_be_given_as_a_mapping() -> None:
    assert Settings().rates == dict(DEFAULT_USD_RATES)
    assert Settings().rates["USD"] == 1.0
    assert Settings(usd_rates={"USD": 1.0, "EUR": 2}).usd_rates == (("USD", 1.0), ("EUR", 2))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "rates",
    [{"usd": 1.0}, {"USD": 0}, {"USD": -1.0}, {"USD": True}, {"USD": "1"}, {"US": 1.0}],
)
def test_bad_rates_are_refused(rates: dict[str, object]) -> None:
    with pytest.raises(SettingsError, match="usd_rates"):
        Settings(usd_rates=rates)  # type: ignore[arg-type]


def test_unknown_product_access_is_none_or_premium() -> None:
    assert Settings().unknown_product_access == "none"
    assert Settings(unknown_product_access="premium").unknown_product_access == "premium"
    with pytest.raises(SettingsError, match="unknown_product_access"):
        Settings(unknown_product_access="vip")
