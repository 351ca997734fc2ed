"""Fixtures of the spec tests: the spec, its validators and the seed's bodies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema.protocols import Validator

from recorded_server.spec import load_spec, request_schema, response_schema, validator

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    return load_spec()


@pytest.fixture(scope="session")
def post_validator(spec: dict[str, Any]) -> Validator:
    return validator(request_schema(spec, "POST"), spec)


@pytest.fixture(scope="session")
def patch_validator(spec: dict[str, Any]) -> Validator:
    return validator(request_schema(spec, "PATCH"), spec)


@pytest.fixture(scope="session", params=["POST", "PATCH"])
def body_validator(request: pytest.FixtureRequest, spec: dict[str, Any]) -> Validator:
    """The request body validator of POST, then of PATCH: the rules both share."""
    return validator(request_schema(spec, request.param), spec)


@pytest.fixture(scope="session")
def profile_validator(spec: dict[str, Any]) -> Validator:
    schema = response_schema(spec, "GET", 200)
    assert schema is not None
    return validator(schema, spec)


@pytest.fixture(scope="session")
def error_validator(spec: dict[str, Any]) -> Validator:
    schema = response_schema(spec, "GET", 404)
    assert schema is not None
    return validator(schema, spec)


@pytest.fixture(scope="session")
def seed_response_bytes() -> bytes:
    """The example response of Adapty's page, byte for byte (copied into data/)."""
    return (DATA / "seed_response.json").read_bytes()


@pytest.fixture(scope="session")
def seed_request() -> Any:
    """The example request of Adapty's page (copied into data/)."""
    return json.loads((DATA / "seed_request.json").read_bytes())


@pytest.fixture(scope="session")
def seed_errors() -> dict[int, Any]:
    """The 401 and 404 examples of Adapty's page (copied into data/)."""
    return {
        401: json.loads((DATA / "seed_401.json").read_bytes()),
        404: json.loads((DATA / "seed_404.json").read_bytes()),
    }
