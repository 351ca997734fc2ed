"""Live mode's settings: which server, which key, how fast, how many requests, which seed.

Environment:

- ``CONTRACT_BASE_URL``: the server to hold against the spec (live mode when set);
- ``CONTRACT_API_KEY``: its key (default: the recorded server's development key);
- ``CONTRACT_MAX_RPS``: requests per second at most (default 5 off loopback, unlimited on
  loopback; ``0`` means unlimited);
- ``CONTRACT_MAX_REQUESTS``: requests in the whole run at most, cleanup included (default
  2,000 off loopback, unlimited on loopback; ``0`` means unlimited);
- ``CONTRACT_SEED``: draw every id and example from this seed (see ``identities``).

Under pytest-xdist each worker takes an equal part of both limits.
"""

from __future__ import annotations

import functools
import ipaddress
import os
from dataclasses import dataclass
from typing import Final

import httpx

from contract_tests.identities import SEED_ENV, seed_from_environment

__all__ = [
    "API_KEY_ENV",
    "BASE_URL_ENV",
    "MAX_REQUESTS_ENV",
    "MAX_RPS_ENV",
    "LiveSettings",
    "is_loopback",
    "live_settings",
]

BASE_URL_ENV: Final = "CONTRACT_BASE_URL"
API_KEY_ENV: Final = "CONTRACT_API_KEY"
MAX_RPS_ENV: Final = "CONTRACT_MAX_RPS"
MAX_REQUESTS_ENV: Final = "CONTRACT_MAX_REQUESTS"
REMOTE_MAX_RPS: Final = 5.0
REMOTE_MAX_REQUESTS: Final = 2000


def is_loopback(url: str) -> bool:
    """Whether ``url`` names this machine (``localhost``, 127.0.0.0/8, ``::1``)."""
    host = httpx.URL(url).host
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _number(name: str, default: float | None) -> float | None:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value < 0 or value != value:
        raise ValueError(
            f"{name}={text!r}: expected a number of 0 or more (0 means no limit), e.g. {name}=5"
        )
    return None if value == 0 else value


@dataclass(frozen=True)
class LiveSettings:
    base_url: str
    api_key: str
    key_is_default: bool
    max_rps: float | None
    max_requests: int | None
    seed: int | None
    loopback: bool

    @classmethod
    def from_environment(cls) -> LiveSettings | None:
        """The settings when ``CONTRACT_BASE_URL`` is set; ValueError names a bad variable."""
        base_url = os.environ.get(BASE_URL_ENV, "").strip().rstrip("/")
        if not base_url:
            return None
        url = httpx.URL(base_url)
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError(
                f"{BASE_URL_ENV}={base_url!r}: expected an http(s) URL such as "
                "http://127.0.0.1:8080 or https://api.adapty.io"
            )
        from recorded_server import DEFAULT_API_KEY

        api_key = os.environ.get(API_KEY_ENV, "") or DEFAULT_API_KEY
        loopback = is_loopback(base_url)
        workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1") or "1")
        max_rps = _number(MAX_RPS_ENV, None if loopback else REMOTE_MAX_RPS)
        max_requests = _number(MAX_REQUESTS_ENV, None if loopback else REMOTE_MAX_REQUESTS)
        return cls(
            base_url=base_url,
            api_key=api_key,
            key_is_default=api_key == DEFAULT_API_KEY,
            max_rps=None if max_rps is None else max_rps / workers,
            max_requests=None if max_requests is None else max(1, int(max_requests) // workers),
            seed=seed_from_environment(),
            loopback=loopback,
        )

    def describe_limits(self) -> str:
        rate = "unlimited" if self.max_rps is None else f"{self.max_rps:g} requests/s"
        total = "unlimited" if self.max_requests is None else f"{self.max_requests} requests"
        where = "loopback" if self.loopback else "not loopback"
        seed = f"{SEED_ENV}={self.seed}" if self.seed is not None else f"no {SEED_ENV} (random)"
        return f"at most {rate}, {total} in all ({where} defaults); {seed}"


@functools.cache
def live_settings() -> LiveSettings | None:
    """This run's settings (the environment read once; a ValueError names a bad variable)."""
    return LiveSettings.from_environment()
