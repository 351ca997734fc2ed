"""The generated client's default timeout: 10 seconds unless the caller says otherwise."""

from __future__ import annotations

import httpx
from adapty_profile_client import AuthenticatedClient, Client
from adapty_profile_client.client import DEFAULT_TIMEOUT

BASE_URL = "http://127.0.0.1:9"


def test_the_default_is_ten_seconds_for_every_phase() -> None:
    assert httpx.Timeout(10.0) == DEFAULT_TIMEOUT
    client = AuthenticatedClient(base_url=BASE_URL, token="k", prefix="Api-Key")
    with client as entered:
        assert entered.get_httpx_client().timeout == httpx.Timeout(10.0)
    assert client.get_async_httpx_client().timeout == httpx.Timeout(10.0)
    assert Client(base_url=BASE_URL).get_httpx_client().timeout == httpx.Timeout(10.0)


def test_a_timeout_given_replaces_the_default() -> None:
    client = AuthenticatedClient(
        base_url=BASE_URL, token="k", timeout=httpx.Timeout(2.0, connect=0.5)
    )
    assert client.get_httpx_client().timeout == httpx.Timeout(2.0, connect=0.5)
    later = AuthenticatedClient(base_url=BASE_URL, token="k").with_timeout(httpx.Timeout(30.0))
    assert later.get_httpx_client().timeout == httpx.Timeout(30.0)


def test_none_still_means_no_timeout() -> None:
    client = Client(base_url=BASE_URL, timeout=None)
    assert client.get_httpx_client().timeout == httpx.Timeout(None)
