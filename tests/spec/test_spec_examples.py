"""Every example in the spec validates against its schema; the seed's bodies are there verbatim."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema.protocols import Validator

from recorded_server.spec import response_schema, validator


def _media_examples(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], Any]]:
    """(name, schema, value) of every example of a request body, response or parameter."""
    components = spec["components"]
    for kind in ("requestBodies", "responses"):
        for name, obj in components[kind].items():
            for media, content in obj.get("content", {}).items():
                for example_name, example in content.get("examples", {}).items():
                    yield (
                        f"{kind}/{name}/{media}/{example_name}",
                        content["schema"],
                        example["value"],
                    )
                if "example" in content:
                    yield f"{kind}/{name}/{media}/example", content["schema"], content["example"]
    for name, parameter in components["parameters"].items():
        yield f"parameters/{name}", parameter["schema"], parameter["example"]
    for name, header in components["headers"].items():
        yield f"headers/{name}", header["schema"], header["example"]


def test_the_spec_has_examples_everywhere_it_should(spec: dict[str, Any]) -> None:
    names = {name for name, _, _ in _media_examples(spec)}
    assert {
        "requestBodies/ProfileCreate/application/json/seed",
        "requestBodies/ProfileUpdate/application/json/clear",
        "responses/Profile/application/json/seed",
        "responses/Error/application/json/not_authenticated",
        "responses/Error/application/json/not_found",
        "parameters/CustomerUserId",
        "parameters/ProfileId",
        "parameters/Platform",
        "headers/RequestId",
    } <= names


def test_every_example_validates_against_its_schema(spec: dict[str, Any]) -> None:
    checked = 0
    for name, schema, value in _media_examples(spec):
        errors = [error.message for error in validator(schema, spec).iter_errors(value)]
        assert errors == [], name
        checked += 1
    assert checked >= 12


def test_the_example_check_can_fail(spec: dict[str, Any]) -> None:
    """The loop above would catch a broken example: break one and see."""
    broken = copy.deepcopy(spec)
    content = broken["components"]["requestBodies"]["ProfileCreate"]["content"]
    content["application/json"]["examples"]["seed"]["value"]["birthday"] = "2001-02-29"
    failures = [
        name
        for name, schema, value in _media_examples(broken)
        if not validator(schema, broken).is_valid(value)
    ]
    assert failures == ["requestBodies/ProfileCreate/application/json/seed"]


def test_the_seed_request_is_the_post_example_verbatim(
    spec: dict[str, Any], seed_request: Any, post_validator: Validator
) -> None:
    content = spec["components"]["requestBodies"]["ProfileCreate"]["content"]["application/json"]
    assert content["examples"]["seed"]["value"] == seed_request
    assert post_validator.is_valid(seed_request)


def test_the_seed_response_is_the_profile_example_verbatim(
    spec: dict[str, Any], seed_response_bytes: bytes
) -> None:
    content = spec["components"]["responses"]["Profile"]["content"]["application/json"]
    assert content["examples"]["seed"]["value"] == json.loads(seed_response_bytes)


@pytest.mark.parametrize("method", ["POST", "GET", "PATCH"])
def test_the_seed_response_byte_for_byte_validates(
    spec: dict[str, Any], seed_response_bytes: bytes, method: str
) -> None:
    assert seed_response_bytes.startswith(b'{\n"data": {\n"app_id"')
    assert b'"total_revenue_usd": 109.88999999999999,' in seed_response_bytes
    assert b'"starts_at": "2022-10-12T09:42:50.000000+0000",' in seed_response_bytes
    schema = response_schema(spec, method, 200)
    assert schema is not None
    body = json.loads(seed_response_bytes)
    assert [error.message for error in validator(schema, spec).iter_errors(body)] == []


@pytest.mark.parametrize("status", [401, 404])
def test_the_seed_error_bodies_are_the_error_examples_verbatim(
    spec: dict[str, Any], seed_errors: dict[int, Any], error_validator: Validator, status: int
) -> None:
    examples = spec["components"]["responses"]["Error"]["content"]["application/json"]["examples"]
    by_name = {401: "not_authenticated", 404: "not_found"}
    assert examples[by_name[status]]["value"] == seed_errors[status]
    assert error_validator.is_valid(seed_errors[status])
    for method in ("POST", "GET", "PATCH", "DELETE"):
        schema = response_schema(spec, method, status)
        assert schema == {"$ref": "#/components/schemas/ErrorResponse"}


def test_the_reference_404_body_is_an_example_too(
    spec: dict[str, Any], error_validator: Validator
) -> None:
    """Adapty's current reference answers a missing profile differently from the seed."""
    examples = spec["components"]["responses"]["Error"]["content"]["application/json"]["examples"]
    current: dict[str, Any] = {
        "errors": [{"source": None, "errors": ["Profile not found"]}],
        "error_code": "profile_does_not_exist",
        "status_code": 404,
    }
    assert examples["profile_does_not_exist"]["value"] == current
    assert error_validator.is_valid(current)
