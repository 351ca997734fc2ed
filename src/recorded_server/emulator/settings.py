"""The server's settings: defaults, environment variables and validation."""

from __future__ import annotations

import dataclasses
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from recorded_server.emulator.rules.limits import DEFAULT_LIMITS, Limits
from recorded_server.serving import limits

DEFAULT_API_KEY = "dev-recorded-server-key"
"""The documented development key: never use it for anything but local tests."""

DEFAULT_APP_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
"""The app id the server answers with unless told otherwise (the seed's example app)."""

DEFAULT_DB = "recorded-server.sqlite3"
MEMORY_DB = ":memory:"
SEED_FIXTURES = ":seed:"
"""Special ``--fixtures`` value: the bundled fixture built from the seed's example response."""

LOG_LEVELS = ("debug", "info", "warning", "error")
LOG_FORMATS = ("text", "json")
DEFAULT_USD_RATES: tuple[tuple[str, float], ...] = (
    ("USD", 1.0),
    ("EUR", 1.10),
    ("GBP", 1.25),
    ("JPY", 0.0070),
    ("CAD", 0.75),
    ("AUD", 0.65),
    ("CHF", 1.10),
    ("SEK", 0.095),
    ("NOK", 0.095),
    ("DKK", 0.15),
    ("PLN", 0.25),
    ("BRL", 0.20),
    ("INR", 0.012),
    ("CNY", 0.14),
    ("KRW", 0.00075),
    ("MXN", 0.055),
    ("TRY", 0.030),
)
"""US dollars per unit of each currency, fixed (round figures, not market rates): what
``setTransaction`` adds to ``total_revenue_usd``. Adapty converts at the day's rate, fixed at the
transaction's time; a test needs a rate that never moves."""
UNKNOWN_PRODUCT_ACCESS = ("none", "premium")
"""What a transaction of a product the catalogue lacks gives: nothing (one version of Adapty's
page) or ``premium`` (another)."""

ENV_VARS = {
    "host": "RECORDED_SERVER_HOST",
    "port": "RECORDED_SERVER_PORT",
    "api_key": "RECORDED_SERVER_API_KEY",
    "app_id": "RECORDED_SERVER_APP_ID",
    "db": "RECORDED_SERVER_DB",
    "fixtures": "RECORDED_SERVER_FIXTURES",
    "max_body": "RECORDED_SERVER_MAX_BODY",
    "log_level": "RECORDED_SERVER_LOG_LEVEL",
    "log_format": "RECORDED_SERVER_LOG_FORMAT",
    "header_timeout": "RECORDED_SERVER_HEADER_TIMEOUT",
    "max_connections": "RECORDED_SERVER_MAX_CONNECTIONS",
    "usd_rates": "RECORDED_SERVER_USD_RATES",
    "unknown_product_access": "RECORDED_SERVER_UNKNOWN_PRODUCT_ACCESS",
}
"""Setting name -> environment variable."""

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_KEY = re.compile(r"[\x21-\x7e]+")


class SettingsError(ValueError):
    """A setting has a value the server cannot run with."""


@dataclass(frozen=True)
class Settings:
    """Everything the server needs to run; build it with :meth:`from_env`."""

    host: str = "127.0.0.1"
    port: int = 8080
    api_key: str = DEFAULT_API_KEY
    app_id: str = DEFAULT_APP_ID
    db: str = DEFAULT_DB
    fixtures: Path | None = None
    max_body: int = limits.DEFAULT_MAX_BODY
    log_level: str = "info"
    log_format: str = "text"
    """``text`` lines, or ``json``: one JSON object per line, for CI log collectors."""
    header_timeout: float = limits.DEFAULT_HEADER_TIMEOUT
    max_connections: int = limits.DEFAULT_MAX_CONNECTIONS
    # The profile rules' numbers (the contract's by default; no environment variables: a server
    # with other limits is a deliberately different server, built in code).
    max_attributes: int = DEFAULT_LIMITS.max_attributes
    max_stored_attributes: int = DEFAULT_LIMITS.max_stored_attributes
    max_installation_metas: int = DEFAULT_LIMITS.max_installation_metas
    max_key_length: int = DEFAULT_LIMITS.max_key_length
    max_value_length: int = DEFAULT_LIMITS.max_value_length
    max_customer_user_id_length: int = DEFAULT_LIMITS.max_customer_user_id_length
    profiles_page_size: int = DEFAULT_LIMITS.profiles_page_size
    # The purchase operations (built in code too): the fixed exchange rates (currency -> US
    # dollars per unit; a mapping is accepted) and what a product the catalogue lacks gives.
    usd_rates: tuple[tuple[str, float], ...] = DEFAULT_USD_RATES
    unknown_product_access: str = "none"

    def __post_init__(self) -> None:
        _check(self)

    @property
    def limits(self) -> Limits:
        """The profile rules' numbers, as the rules take them."""
        return Limits(**{name: getattr(self, name) for name in _LIMIT_FIELDS})

    @property
    def rates(self) -> dict[str, float]:
        """``usd_rates`` as a dict."""
        return dict(self.usd_rates)

    @property
    def in_memory(self) -> bool:
        """True when the store lives in memory (``db=":memory:"``) and dies with the process."""
        return self.db == MEMORY_DB

    @property
    def uses_default_key(self) -> bool:
        return self.api_key == DEFAULT_API_KEY

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then ``RECORDED_SERVER_*`` environment variables, then ``overrides``.

        An override of ``None`` means "not given" (so argparse defaults of ``None`` fall through
        to the environment). Raises :class:`SettingsError` on a value the server cannot use.
        """
        env = os.environ if environ is None else environ
        unknown = set(overrides) - set(ENV_VARS)
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        values: dict[str, Any] = {}
        for name, var in ENV_VARS.items():
            raw = env.get(var)
            if raw is not None and raw != "":
                values[name] = _from_text(name, raw, var)
        for name, value in overrides.items():
            if value is not None:
                values[name] = value
        if "fixtures" in values and not isinstance(values["fixtures"], Path):
            values["fixtures"] = Path(values["fixtures"])
        return cls(**values)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def _from_text(name: str, raw: str, var: str) -> Any:
    if name in ("port", "max_body"):
        try:
            return int(raw.strip())
        except ValueError:
            raise SettingsError(f"{var}={raw!r}: expected an integer") from None
    if name == "max_connections":
        try:
            return int(raw.strip())
        except ValueError:
            raise SettingsError(f"{var}={raw!r}: expected an integer") from None
    if name == "header_timeout":
        try:
            return float(raw.strip())
        except ValueError:
            raise SettingsError(f"{var}={raw!r}: expected a number of seconds") from None
    if name == "fixtures":
        return Path(raw)
    if name == "usd_rates":
        return parse_usd_rates(raw, var)
    return raw


def parse_usd_rates(text: str, where: str = "usd_rates") -> tuple[tuple[str, float], ...]:
    """``"EUR=1.08,SGD=0.74"``: these rates over the defaults (``DEFAULT_USD_RATES``)."""
    rates = dict(DEFAULT_USD_RATES)
    for item in text.split(","):
        code, sep, rate = item.partition("=")
        try:
            value = float(rate)
        except ValueError:
            value = math.nan
        if not sep or not value > 0 or re.fullmatch(r"[A-Z]{3}", code.strip()) is None:
            raise SettingsError(
                f"{where}={text!r}: expected CODE=RATE pairs separated by commas, such as "
                "'EUR=1.08,SGD=0.74' (ISO 4217 codes; a positive number of US dollars per "
                "unit, over the built-in table)"
            )
        rates[code.strip()] = value
    return tuple(rates.items())


_LIMIT_FIELDS = tuple(field.name for field in dataclasses.fields(Limits))


def _check(settings: Settings) -> None:
    for name in _LIMIT_FIELDS:
        value = getattr(settings, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise SettingsError(f"{name} must be a positive integer, not {value!r}")
    if not isinstance(settings.port, int) or isinstance(settings.port, bool):
        raise SettingsError(f"port must be an integer, not {settings.port!r}")
    if not 0 <= settings.port <= 65535:
        raise SettingsError(f"port must be 0..65535 (0 picks a free port), not {settings.port}")
    if not isinstance(settings.max_body, int) or isinstance(settings.max_body, bool):
        raise SettingsError(f"max_body must be an integer, not {settings.max_body!r}")
    if settings.max_body < 1:
        raise SettingsError(f"max_body must be at least 1 byte, not {settings.max_body}")
    timeout = settings.header_timeout
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout < 1e6:
        raise SettingsError(f"header_timeout must be a number of seconds > 0, not {timeout!r}")
    cap = settings.max_connections
    if isinstance(cap, bool) or not isinstance(cap, int) or cap < 2:
        raise SettingsError(f"max_connections must be an integer of at least 2, not {cap!r}")
    if not settings.host:
        raise SettingsError("host must not be empty")
    if not _KEY.fullmatch(settings.api_key):
        raise SettingsError("api_key must be one or more printable ASCII characters without spaces")
    if not _UUID.fullmatch(settings.app_id):
        raise SettingsError(f"app_id must be a UUID, not {settings.app_id!r}")
    if settings.app_id != settings.app_id.lower():
        object.__setattr__(settings, "app_id", settings.app_id.lower())
    if not settings.db:
        raise SettingsError("db must be a file path or ':memory:'")
    rates = settings.usd_rates
    if isinstance(rates, Mapping):
        object.__setattr__(settings, "usd_rates", tuple(rates.items()))
    for pair in settings.usd_rates:
        if (
            not isinstance(pair, tuple)
            or len(pair) != 2
            or not isinstance(pair[0], str)
            or not re.fullmatch(r"[A-Z]{3}", pair[0])
            or isinstance(pair[1], bool)
            or not isinstance(pair[1], int | float)
            or not 0 < pair[1] < 1e9
        ):
            raise SettingsError(f"usd_rates: {pair!r} is not (ISO 4217 code, positive rate)")
    if settings.unknown_product_access not in UNKNOWN_PRODUCT_ACCESS:
        raise SettingsError(
            f"unknown_product_access must be one of {', '.join(UNKNOWN_PRODUCT_ACCESS)}"
        )
    if settings.log_level not in LOG_LEVELS:
        raise SettingsError(f"log_level must be one of {', '.join(LOG_LEVELS)}")
    if settings.log_format not in LOG_FORMATS:
        raise SettingsError(f"log_format must be one of {', '.join(LOG_FORMATS)}")
