"""The spec as a document: valid OpenAPI 3.1, and the house rules of how it is written."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from recorded_server.spec import (
    PROFILE_PATH,
    checkout_spec_path,
    load_spec,
    request_schema,
    response_schema,
    validator,
)

SPEC_PATH = checkout_spec_path()
METHODS = ("post", "get", "patch", "delete")


def _walk(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every (path, value) of a JSON-like tree, depth first."""
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, (*path, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, (*path, str(index)))


def _deref(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node and len(node) == 1:
        target: Any = spec
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def _is_schema_path(path: tuple[str, ...]) -> bool:
    """Whether a node at ``path`` of the spec is a schema object."""
    if path[:2] == ("components", "schemas") and len(path) == 3:
        return True
    if not path or "examples" in path:
        return False
    parent = path[-2] if len(path) >= 2 else ""
    return path[-1] in ("schema", "items", "if", "then", "else", "not") or parent in (
        "properties",
        "anyOf",
        "oneOf",
        "allOf",
    )


def _schemas(spec: dict[str, Any]) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """Every schema object of the spec (components and inline), with its path."""
    for path, node in _walk(spec):
        if isinstance(node, dict) and _is_schema_path(path):
            yield path, node


def test_openapi_spec_validator_accepts_the_spec() -> None:
    spec_dict, base_uri = read_from_filename(str(SPEC_PATH))
    validate(spec_dict, base_uri=base_uri)


def test_the_spec_is_openapi_3_1_with_the_json_schema_2020_12_dialect(spec: dict[str, Any]) -> None:
    assert spec["openapi"].startswith("3.1.")
    assert spec["jsonSchemaDialect"] == "https://json-schema.org/draft/2020-12/schema"


def test_load_spec_reads_an_explicit_path_too(tmp_path: Path) -> None:
    copy = tmp_path / "profile.yaml"
    copy.write_bytes(SPEC_PATH.read_bytes())
    assert load_spec(copy) == load_spec()


def test_pyyaml_reads_the_float64_bounds_as_numbers(spec: dict[str, Any]) -> None:
    # PyYAML (YAML 1.1) reads 1.7976931348623157e308 without an exponent sign as a string.
    number = spec["components"]["schemas"]["CustomAttributeValue"]["anyOf"][1]
    assert number["maximum"] == sys.float_info.max
    assert number["minimum"] == -sys.float_info.max


def test_the_word_nullable_never_appears() -> None:
    """OpenAPI 3.0's ``nullable``: Schemathesis honours it in a 3.1 document, Python's
    3.1 validators ignore it. Nullability is ``type: [.., "null"]`` or ``anyOf``."""
    raw = SPEC_PATH.read_text(encoding="utf-8")
    tree = yaml.safe_load(raw)
    keys = [path for path, _ in _walk(tree) if path and path[-1] == "nullable"]
    assert keys == []
    assert re.search(r"^\s*nullable\s*:", raw, re.MULTILINE) is None


def test_the_nullable_ban_catches_the_word(tmp_path: Path) -> None:
    tree = {"components": {"schemas": {"X": {"type": "string", "nullable": True}}}}
    keys = [path for path, _ in _walk(tree) if path and path[-1] == "nullable"]
    assert keys == [("components", "schemas", "X", "nullable")]


def _length_bounded(pattern: str) -> bool:
    """An anchored pattern without an unbounded quantifier bounds the length."""
    anchored = pattern.startswith("^") and pattern.endswith("$")
    outside_classes = re.sub(r"\[[^\]]*\]", "C", pattern)
    unbounded = re.search(r"(?<!\\)[*+]|\{\d+,\}", outside_classes) is not None
    return anchored and not unbounded


def test_length_bounded_patterns_state_min_and_max_length(spec: dict[str, Any]) -> None:
    """Schemathesis's negative generation reaches explicit lengths, not lengths
    hidden in a pattern such as ``{1,30}``: state both next to the pattern."""
    bounded = []
    for path, schema in _schemas(spec):
        pattern = schema.get("pattern")
        if isinstance(pattern, str) and _length_bounded(pattern):
            bounded.append(path)
            assert "minLength" in schema, f"{'/'.join(path)}: pattern without minLength"
            assert "maxLength" in schema, f"{'/'.join(path)}: pattern without maxLength"
    # The key, the country, the UUID, the birthday, the IPv4, Request-Id (the date-time has no
    # bound: RFC 3339 allows any number of fractional digits).
    assert len(bounded) >= 6


def test_length_bounded_pattern_detection() -> None:
    assert _length_bounded("^[A-Z]{2}$")
    assert _length_bounded("^[A-Za-z0-9._-]{1,30}$")
    assert not _length_bounded("^[a-z]+$")
    assert not _length_bounded("^[a-z]{2,}$")
    assert not _length_bounded("[+-][0-9]{4}$")
    assert _length_bounded("^[0-9]{2}(Z|[+-][0-9]{2})$")


def test_patterns_use_ascii_classes_and_request_patterns_are_anchored(spec: dict[str, Any]) -> None:
    for path, schema in _schemas(spec):
        pattern = schema.get("pattern")
        if not isinstance(pattern, str):
            continue
        assert re.search(r"\\[dDwWsSbB]", pattern) is None, f"{'/'.join(path)}: {pattern}"
    for name in ("CustomAttributeKey", "CountryCode", "Uuid", "Birthday", "IpV4Address"):
        pattern = spec["components"]["schemas"][name]["pattern"]
        assert pattern.startswith("^") and pattern.endswith("$"), name


def test_no_schema_has_a_default(spec: dict[str, Any]) -> None:
    """A ``default`` on a request property makes the generated client always send it."""
    assert [path for path, schema in _schemas(spec) if "default" in schema] == []


def test_request_objects_reject_unknown_fields(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    for name in (
        "ProfileCreateRequest",
        "ProfileUpdateRequest",
        "CustomAttribute",
        "InstallationMeta",
    ):
        assert schemas[name]["additionalProperties"] is False, name


def test_response_objects_tolerate_unknown_fields(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    for name in (
        "ProfileResponse",
        "Profile",
        "StoredCustomAttribute",
        "AccessLevel",
        "AccessLevelOffer",
        "Subscription",
        "SubscriptionOffer",
        "NonSubscription",
        "ErrorResponse",
        "ErrorItem",
    ):
        assert schemas[name].get("additionalProperties", True) is not False, name


def test_operation_ids_tags_and_descriptions(spec: dict[str, Any]) -> None:
    path_item = spec["paths"][PROFILE_PATH]
    ids = {method: path_item[method]["operationId"] for method in METHODS}
    assert ids == {
        "post": "createProfile",
        "get": "getProfile",
        "patch": "updateProfile",
        "delete": "deleteProfile",
    }
    assert set(path_item) - {"description", "parameters"} == set(METHODS)
    for method in METHODS:
        operation = path_item[method]
        assert operation["tags"] == ["profile"]
        assert len(operation["description"]) > 80, method


def test_every_parameter_has_a_description_and_no_uuid_format(spec: dict[str, Any]) -> None:
    """``format: uuid`` on a header makes the generated signature crash on a UUID."""
    parameters = spec["components"]["parameters"]
    names = {parameter["name"] for parameter in parameters.values()}
    assert names == {"adapty-customer-user-id", "adapty-profile-id", "adapty-platform"}
    for parameter in parameters.values():
        assert parameter["in"] == "header"
        assert parameter["required"] is False
        assert parameter["description"].strip()
        schema = _deref(spec, parameter["schema"])
        assert schema.get("format") != "uuid"
    refs = [p["$ref"] for p in spec["paths"][PROFILE_PATH]["parameters"]]
    assert refs == [f"#/components/parameters/{name}" for name in parameters]


def _property_description(spec: dict[str, Any], schema: dict[str, Any]) -> str:
    if "description" in schema:
        return str(schema["description"])
    if "$ref" in schema:
        return _property_description(spec, _deref(spec, {"$ref": schema["$ref"]}))
    return ""


def test_every_component_and_field_has_a_description(spec: dict[str, Any]) -> None:
    missing = []
    for name, schema in spec["components"]["schemas"].items():
        if not schema.get("description", "").strip():
            missing.append(name)
        for field, subschema in schema.get("properties", {}).items():
            if not _property_description(spec, subschema).strip():
                missing.append(f"{name}.{field}")
    assert missing == []


def test_nullability_is_never_a_ref_with_a_sibling_null(spec: dict[str, Any]) -> None:
    """The generator loses a ``null`` written next to a ``$ref``: use ``anyOf``."""
    for path, schema in _schemas(spec):
        if "$ref" in schema:
            assert set(schema) <= {"$ref", "description"}, "/".join(path)


def test_responses_carry_request_id_and_no_bare_5xx(spec: dict[str, Any]) -> None:
    path_item = spec["paths"][PROFILE_PATH]
    for method in METHODS:
        for status, response in path_item[method]["responses"].items():
            assert not status.startswith("5") and status != "default", (method, status)
            resolved = _deref(spec, response)
            assert resolved["headers"]["Request-Id"] == {"$ref": "#/components/headers/RequestId"}
            if (method, status) == ("delete", "204"):
                assert "content" not in resolved
            else:
                assert "application/json" in resolved["content"], (method, status)
    header = spec["components"]["headers"]["RequestId"]
    assert header["required"] is True


def test_statuses_per_operation(spec: dict[str, Any]) -> None:
    path_item = spec["paths"][PROFILE_PATH]
    statuses = {method: sorted(path_item[method]["responses"]) for method in METHODS}
    assert statuses == {
        "post": ["200", "400", "401", "404", "409", "413", "415"],
        "get": ["200", "400", "401", "404"],
        "patch": ["200", "400", "401", "404", "413", "415"],
        "delete": ["204", "400", "401", "404"],
    }
    for method in METHODS:
        for status, response in path_item[method]["responses"].items():
            if status.startswith("4"):
                assert response == {"$ref": "#/components/responses/Error"}


def test_security_servers_and_links(spec: dict[str, Any]) -> None:
    assert spec["servers"][0]["url"] == "https://api.adapty.io"
    assert spec["security"] == [{"ApiKey": []}]
    assert spec["components"]["securitySchemes"]["ApiKey"] == {
        **spec["components"]["securitySchemes"]["ApiKey"],
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
    }
    links = spec["components"]["responses"]["Profile"]["links"]
    targets = {}
    for link in links.values():
        resolved = _deref(spec, link)
        targets[resolved["operationId"]] = resolved["parameters"]
    expression = {"header.adapty-profile-id": "$response.body#/data/profile_id"}
    assert targets == {
        "getProfile": expression,
        "updateProfile": expression,
        "deleteProfile": expression,
        # the stateful runs go on from a created profile to its entitlements
        "grantAccessLevel": expression,
        "revokeAccessLevel": expression,
        "setTransaction": expression,
    }


def test_request_and_response_schema_lookups(spec: dict[str, Any]) -> None:
    assert request_schema(spec, "post") == {"$ref": "#/components/schemas/ProfileCreateRequest"}
    assert request_schema(spec, "PATCH") == {"$ref": "#/components/schemas/ProfileUpdateRequest"}
    with pytest.raises(ValueError, match="no request body"):
        request_schema(spec, "GET")
    with pytest.raises(ValueError, match="PUT"):
        request_schema(spec, "PUT")
    assert response_schema(spec, "DELETE", 204) is None
    assert response_schema(spec, "POST", 409) == {"$ref": "#/components/schemas/ErrorResponse"}
    with pytest.raises(KeyError):
        response_schema(spec, "GET", 409)


def test_validator_patterns_follow_ecma_262_not_python_re(spec: dict[str, Any]) -> None:
    """Python's ``re.search`` lets ``$`` match before a trailing newline and ``\\d``
    match non-ASCII digits; JSON Schema's ECMA-262 patterns do neither."""
    country = validator({"$ref": "#/components/schemas/CountryCode"}, spec)
    assert country.is_valid("FR")
    assert re.search("^[A-Z]{2}$", "FR\n") is not None
    assert not country.is_valid("FR\n")
    digits = validator({"type": "string", "pattern": "^\\d+$"}, spec)
    assert re.search("^\\d+$", "١٢") is not None
    assert not digits.is_valid("١٢")
    assert digits.is_valid("12")
    keyed = validator({"patternProperties": {"^a$": {"type": "integer"}}}, spec)
    assert keyed.is_valid({"a\n": "not checked: the key does not match"})
    assert not keyed.is_valid({"a": "checked"})


def test_validator_asserts_formats(spec: dict[str, Any]) -> None:
    assert not validator({"type": "string", "format": "date"}, spec).is_valid("2001-02-29")
    assert not validator({"type": "string", "format": "date-time"}, spec).is_valid("yesterday")
    assert not validator({"type": "string", "format": "uuid"}, spec).is_valid("not-a-uuid")


def test_load_spec_falls_back_to_the_copy_bundled_with_the_client(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Installed from a wheel there is no checkout: the client package carries the spec."""
    import recorded_server.spec.schemas as spec_module

    monkeypatch.setattr(spec_module, "checkout_spec_path", lambda: tmp_path / "absent.yaml")
    assert spec_module.load_spec() == yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))


def test_the_bundled_copy_is_the_spec_byte_for_byte() -> None:
    from importlib import resources

    bundled = resources.files("adapty_profile_client").joinpath("profile.yaml")
    assert bundled.read_bytes() == SPEC_PATH.read_bytes()
