"""Fixtures every test folder shares: the seed's own documents, from ``tests/seed/``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

SEED = Path(__file__).resolve().parent / "seed"


@pytest.fixture(scope="session")
def seed_response_bytes() -> bytes:
    """The example response of Adapty's page, byte for byte."""
    return (SEED / "seed_response.json").read_bytes()


@pytest.fixture(scope="session")
def seed_request() -> Any:
    """The example request of Adapty's page."""
    return json.loads((SEED / "seed_request.json").read_bytes())


@pytest.fixture(scope="session")
def seed_errors() -> dict[int, Any]:
    """The 401 and 404 examples of Adapty's page."""
    return {
        401: json.loads((SEED / "seed_401.json").read_bytes()),
        404: json.loads((SEED / "seed_404.json").read_bytes()),
    }
