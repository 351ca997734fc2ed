"""The hand-written OpenAPI spec, loaded and turned into JSON Schema validators.

Used by the contract tests and by ``recorded-server verify`` to judge bodies by the
spec's own schemas. The server app never imports this module: its validation is
written by hand, independently of the spec.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, cast

import jsonschema
import regress
import yaml
from jsonschema import ValidationError
from jsonschema.protocols import Validator

__all__ = [
    "PROFILE_PATH",
    "SPEC_FILENAME",
    "checkout_spec_path",
    "load_spec",
    "request_example",
    "request_schema",
    "response_schema",
    "validator",
]

SPEC_FILENAME = "profile.yaml"
PROFILE_PATH = "/api/v2/server-side-api/profile/"
_JSON = "application/json"


def checkout_spec_path() -> Path:
    """The spec of this checkout: ``openapi/profile.yaml`` beside ``src/``."""
    return Path(__file__).resolve().parents[3] / "openapi" / SPEC_FILENAME


def _read_spec_text(path: Path | None) -> str:
    if path is not None:
        return path.read_text(encoding="utf-8")
    checkout = checkout_spec_path()
    if checkout.is_file():
        return checkout.read_text(encoding="utf-8")
    # Installed from a wheel: the generated client carries a byte-for-byte copy of
    # the spec it was generated from (written by scripts/generate_client.py).
    bundled = resources.files("adapty_profile_client").joinpath(SPEC_FILENAME)
    return bundled.read_text(encoding="utf-8")


def load_spec(path: Path | None = None) -> dict[str, Any]:
    """Load the OpenAPI document as plain JSON values.

    ``path`` defaults to the checkout's ``openapi/profile.yaml`` or, when the package
    runs from a wheel, the copy bundled with ``adapty_profile_client``.
    """
    loaded = yaml.safe_load(_read_spec_text(path))
    if not isinstance(loaded, dict):
        raise ValueError("the OpenAPI document is not a mapping")
    return cast(dict[str, Any], loaded)


def _resolve(spec: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    """Follow a local ``$ref`` (``#/components/...``) of an OpenAPI object, if any."""
    seen: set[str] = set()
    while "$ref" in node:
        ref = node["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/") or ref in seen:
            raise ValueError(f"unsupported or circular $ref: {ref!r}")
        seen.add(ref)
        target: Any = spec
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _operation(spec: Mapping[str, Any], method: str) -> Mapping[str, Any]:
    path_item = spec["paths"][PROFILE_PATH]
    try:
        return cast(Mapping[str, Any], path_item[method.lower()])
    except KeyError:
        raise ValueError(f"the spec documents no {method.upper()} on {PROFILE_PATH}") from None


def _request_media(spec: Mapping[str, Any], method: str) -> Mapping[str, Any]:
    operation = _operation(spec, method)
    if "requestBody" not in operation:
        raise ValueError(f"{method.upper()} takes no request body")
    body = _resolve(spec, operation["requestBody"])
    return cast(Mapping[str, Any], body["content"][_JSON])


def request_schema(spec: Mapping[str, Any], method: str) -> dict[str, Any]:
    """The JSON Schema of the request body of ``method`` (POST or PATCH)."""
    return dict(_request_media(spec, method)["schema"])


def request_example(spec: Mapping[str, Any], method: str, name: str) -> Any:
    """The request body example ``name`` of ``method``: ``request_example(spec, "POST", "seed")``
    is the seed's example request, verbatim."""
    return _resolve(spec, _request_media(spec, method)["examples"][name])["value"]


def response_schema(spec: Mapping[str, Any], method: str, status: int) -> dict[str, Any] | None:
    """The JSON Schema of the response body of ``method`` with ``status``.

    ``None`` when the status is documented without a body (204). A status the
    operation does not document raises ``KeyError``.
    """
    responses = _operation(spec, method)["responses"]
    key = str(status)
    if key not in responses:
        raise KeyError(f"{method.upper()} documents no {status} response")
    response = _resolve(spec, responses[key])
    content = response.get("content")
    if not content:
        return None
    return dict(content[_JSON]["schema"])


@functools.lru_cache(maxsize=256)
def _ecma_regex(pattern: str) -> regress.Regex:
    return regress.Regex(pattern, "u")


def _ecma_pattern(
    validator: Any, pattern: str, instance: object, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """The ``pattern`` keyword with ECMA-262 semantics (JSON Schema's), unlike ``re.search``."""
    if isinstance(instance, str) and _ecma_regex(pattern).find(instance) is None:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _ecma_pattern_properties(
    validator: Any, patterns: Mapping[str, Any], instance: object, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """The ``patternProperties`` keyword with ECMA-262 patterns."""
    if not isinstance(instance, dict):
        return
    for pattern, subschema in patterns.items():
        regex = _ecma_regex(pattern)
        for key, value in instance.items():
            if regex.find(key) is not None:
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


_EcmaDraft202012Validator: Any = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
    jsonschema.Draft202012Validator,
    validators={"pattern": _ecma_pattern, "patternProperties": _ecma_pattern_properties},
)

_FORMAT_CHECKER = jsonschema.Draft202012Validator.FORMAT_CHECKER
# jsonschema checks ``date-time`` only when rfc3339-validator is installed, and
# silently accepts every string otherwise: refuse to run without it.
_REQUIRED_FORMATS = ("date", "date-time", "uuid")


def validator(schema: Mapping[str, Any], spec: Mapping[str, Any]) -> Validator:
    """A JSON Schema Draft 2020-12 validator for ``schema``, a schema taken from ``spec``.

    ``$ref``s (``#/components/...``) resolve against ``spec``; ``format`` is asserted
    (``date``, ``date-time``, ``uuid``...); ``pattern`` follows ECMA-262, so ``$``
    does not match before a trailing newline and ``\\d`` is ASCII only.
    """
    missing = [name for name in _REQUIRED_FORMATS if name not in _FORMAT_CHECKER.checkers]
    if missing:
        raise RuntimeError(
            f"jsonschema cannot check the formats {missing}: install rfc3339-validator"
        )
    # A schema from the spec refers to ``#/components/...``: give the root the
    # spec's components so that those pointers resolve. ``components`` is not a
    # JSON Schema keyword, so it changes nothing else.
    root = {**schema, "components": spec.get("components", {})}
    return cast(Validator, _EcmaDraft202012Validator(root, format_checker=_FORMAT_CHECKER))
