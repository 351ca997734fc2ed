"""A service's view of the generated client: an in-memory server behind httpx.MockTransport."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from _client_fakes import API_KEY, BASE_URL, REQUEST_ID, FakeApi
from adapty_profile_client import AuthenticatedClient

DATA = Path(__file__).parent / "data"


@pytest.fixture
def api() -> FakeApi:
    return FakeApi()


@pytest.fixture
def client(api: FakeApi) -> Iterator[AuthenticatedClient]:
    with AuthenticatedClient(
        base_url=BASE_URL,
        token=API_KEY,
        prefix="Api-Key",
        httpx_args={"transport": httpx.MockTransport(api.handle)},
    ) as authenticated:
        yield authenticated


@pytest.fixture
def api_key() -> str:
    return API_KEY


@pytest.fixture
def request_id() -> str:
    """The Request-Id every FakeApi response carries unless told otherwise."""
    return REQUEST_ID


@pytest.fixture(scope="session")
def seed_errors() -> dict[int, Any]:
    """The 401 and 404 examples of Adapty's page (copied into data/)."""
    return {
        401: json.loads((DATA / "seed_401.json").read_bytes()),
        404: json.loads((DATA / "seed_404.json").read_bytes()),
    }


@pytest.fixture(scope="session")
def seed_response_bytes() -> bytes:
    """The example response of Adapty's page, byte for byte (copied into data/)."""
    return (DATA / "seed_response.json").read_bytes()


@pytest.fixture
def seed_body(seed_response_bytes: bytes) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(seed_response_bytes)
    return body
