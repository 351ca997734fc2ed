"""Settings: defaults, environment variables, overrides and validation."""

from __future__ import annotations

from pathlib import Path

import pytest

import recorded_server
from recorded_server.emulator.settings import (
    DEFAULT_API_KEY,
    DEFAULT_APP_ID,
    Settings,
    SettingsError,
)


def test_defaults() -> None:
    settings = Settings.from_env({})
    assert settings == Settings(
        host="127.0.0.1",
        port=8080,
        api_key="dev-recorded-server-key",
        app_id="3fa85f64-5717-4562-b3fc-2c963f66afa6",
        db="recorded-server.sqlite3",
        fixtures=None,
        max_body=65536,
    )
    assert (recorded_server.DEFAULT_API_KEY, recorded_server.DEFAULT_APP_ID) == (
        DEFAULT_API_KEY,
        DEFAULT_APP_ID,
    )
    assert recorded_server.create_app is not None


def test_env_then_overrides() -> None:
    env = {
        "RECORDED_SERVER_HOST": "0.0.0.0",
        "RECORDED_SERVER_PORT": "9000",
        "RECORDED_SERVER_API_KEY": "k",
        "RECORDED_SERVER_APP_ID": "1B4E28BA-2FA1-11D2-883F-0016D3CCA427",
        "RECORDED_SERVER_DB": ":memory:",
        "RECORDED_SERVER_FIXTURES": "f.json",
        "RECORDED_SERVER_MAX_BODY": "100",
        "RECORDED_SERVER_LOG_LEVEL": "warning",
    }
    settings = Settings.from_env(env)
    assert settings.host == "0.0.0.0" and settings.port == 9000 and settings.api_key == "k"
    assert settings.app_id == "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
    assert settings.in_memory and settings.fixtures == Path("f.json") and settings.max_body == 100
    assert settings.log_level == "warning"
    overridden = Settings.from_env(env, port=1, api_key=None, fixtures="g.json")
    assert (
        overridden.port == 1 and overridden.api_key == "k" and overridden.fixtures == Path("g.json")
    )


def test_empty_env_vars_are_ignored() -> None:
    assert (
        Settings.from_env({"RECORDED_SERVER_PORT": "", "RECORDED_SERVER_API_KEY": ""}).port == 8080
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"port": -1}, "port must be 0..65535"),
        ({"port": 65536}, "port must be 0..65535"),
        ({"port": True}, "port must be an integer"),
        ({"max_body": 0}, "max_body must be at least 1 byte"),
        ({"api_key": "a b"}, "api_key"),
        ({"api_key": "ключ"}, "api_key"),
        ({"app_id": "x"}, "app_id must be a UUID"),
        ({"host": ""}, "host must not be empty"),
        ({"db": ""}, "db must be"),
        ({"log_level": "loud"}, "log_level must be one of"),
    ],
)
def test_invalid_settings(changes: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env({}, **changes)


def test_bad_integer_env_var() -> None:
    with pytest.raises(SettingsError, match="RECORDED_SERVER_MAX_BODY='lots'"):
        Settings.from_env({"RECORDED_SERVER_MAX_BODY": "lots"})


def test_unknown_override_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="unknown settings: colour"):
        Settings.from_env({}, colour="red")


def test_settings_are_frozen() -> None:
    settings = Settings()
    with pytest.raises(AttributeError):
        settings.port = 1  # type: ignore[misc]
    assert settings.replace(port=1).port == 1


def test_header_timeout_and_max_connections_come_from_the_environment() -> None:
    settings = Settings.from_env(
        {"RECORDED_SERVER_HEADER_TIMEOUT": "2.5", "RECORDED_SERVER_MAX_CONNECTIONS": "64"}
    )
    assert (settings.header_timeout, settings.max_connections) == (2.5, 64)
    assert Settings().header_timeout == 10.0


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"RECORDED_SERVER_HEADER_TIMEOUT": "soon"}, "expected a number of seconds"),
        ({"RECORDED_SERVER_HEADER_TIMEOUT": "0"}, "header_timeout must be a number of seconds"),
        ({"RECORDED_SERVER_MAX_CONNECTIONS": "many"}, "expected an integer"),
        ({"RECORDED_SERVER_MAX_CONNECTIONS": "1"}, "max_connections must be an integer of at"),
    ],
)
def test_bad_connection_limits_are_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env)


def test_the_connection_cap_is_lowered_to_fit_the_descriptor_limit(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import resource

    from recorded_server.serving.http_protocol import effective_max_connections

    monkeypatch.setattr(resource, "getrlimit", lambda _which: (256, 4096))
    assert effective_max_connections(1000) == 256 - 32
    assert "ulimit -n 256" in caplog.text
    assert effective_max_connections(100) == 100


def test_usd_rates_from_the_environment_are_added_over_the_built_in_table() -> None:
    settings = Settings.from_env({"RECORDED_SERVER_USD_RATES": "EUR=1.08, SGD=0.74"})
    assert settings.rates["EUR"] == 1.08 and settings.rates["SGD"] == 0.74
    assert settings.rates["USD"] == 1.0 and settings.rates["GBP"] == 1.25  # kept
    assert Settings.from_env({}, usd_rates=(("CHF", 1.2),)).rates == {"CHF": 1.2}


@pytest.mark.parametrize("text", ["EUR", "EUR=", "EUR=-1", "EUR=nan", "eur=1.1", "EURO=1", ""])
def test_a_bad_usd_rates_variable_is_named_with_an_example(text: str) -> None:
    with pytest.raises(SettingsError, match=r"RECORDED_SERVER_USD_RATES=.*'EUR=1\.08,SGD=0\.74'"):
        Settings.from_env({"RECORDED_SERVER_USD_RATES": text or ","})


def test_unknown_product_access_is_a_setting_with_its_variable() -> None:
    env = {"RECORDED_SERVER_UNKNOWN_PRODUCT_ACCESS": "premium"}
    assert Settings.from_env(env).unknown_product_access == "premium"
    with pytest.raises(SettingsError, match="unknown_product_access must be one of none, premium"):
        Settings.from_env({"RECORDED_SERVER_UNKNOWN_PRODUCT_ACCESS": "vip"})
