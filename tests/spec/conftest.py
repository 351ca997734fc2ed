"""Fixtures of the spec tests: the spec, its validators and the seed's bodies."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema.protocols import Validator

from recorded_server.spec import load_spec, request_schema, response_schema, validator


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
