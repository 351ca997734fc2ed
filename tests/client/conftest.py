"""A service's view of the generated client: an in-memory server behind httpx.MockTransport."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from _client_fakes import API_KEY, REQUEST_ID, FakeApi, fake_client
from adapty_profile_client import AuthenticatedClient


@pytest.fixture
def api() -> FakeApi:
    return FakeApi()


@pytest.fixture
def client(api: FakeApi) -> Iterator[AuthenticatedClient]:
    with fake_client(api) as authenticated:
        yield authenticated


@pytest.fixture
def api_key() -> str:
    return API_KEY


@pytest.fixture
def request_id() -> str:
    """The Request-Id every FakeApi response carries unless told otherwise."""
    return REQUEST_ID


@pytest.fixture
def seed_body(seed_response_bytes: bytes) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(seed_response_bytes)
    return body
