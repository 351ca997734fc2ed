"""The differential oracle: the spec's verdict on a body, plus the rules only a server decides.

For a request body, the expected outcome is "accepted" exactly when the spec's request schema
(JSON Schema 2020-12, ECMA-262 patterns, formats asserted: ``recorded_server.spec.validator``)
accepts the body AND no server-only rule below rejects it. The server must agree: 2xx when
accepted, 400 with the error envelope when not. The spec's verdict comes from a validator, never
from a generator.

``SERVER_ONLY_RULES`` is the one list of the contract's rules that the spec cannot decide, each
with the reason and the test that covers it. The ones a single request can decide once the
stored state is stated (``decides`` is set) take part in the oracle; the others are covered by
the stateful properties and the protocol tests.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

from jsonschema.protocols import Validator

from contract_tests.model import (
    MAX_STORED_ATTRIBUTES,
    ProfileModel,
    merge_attributes,
    nulls_an_advertising_id,
)
from contract_tests.strategies import WireBody

SPEC_ENV: Final = "CONTRACT_SPEC"

# (method, document, stored profile or None for a fresh POST) -> why the server rejects it, or None
Decision = Callable[[str, Mapping[str, Any], ProfileModel | None], str | None]


@dataclass(frozen=True)
class ServerOnlyRule:
    """A rule of the contract the spec cannot decide, why, and where the suite checks it."""

    name: str
    rule: str
    reason: str
    tested_by: str
    decides: Decision | None = None


def _duplicate_keys(
    method: str, body: Mapping[str, Any], stored: ProfileModel | None
) -> str | None:
    items = body.get("custom_attributes")
    if not isinstance(items, list):
        return None
    seen: set[Any] = set()
    for item in items:
        key = item.get("key") if isinstance(item, dict) else None
        if isinstance(key, str):
            if key in seen:
                return f"custom_attributes: key {key!r} twice in one request"
            seen.add(key)
    return None


def _merge_limit(method: str, body: Mapping[str, Any], stored: ProfileModel | None) -> str | None:
    items = body.get("custom_attributes")
    if not isinstance(items, list):
        return None
    before = stored.attributes if stored is not None else {}
    merged = merge_attributes(before, items)
    if len(merged) > MAX_STORED_ATTRIBUTES:
        return (
            f"custom_attributes: {len(before)} stored + this request = {len(merged)} "
            f"after merge (more than {MAX_STORED_ATTRIBUTES})"
        )
    return None


def _stored_analytics(
    method: str, body: Mapping[str, Any], stored: ProfileModel | None
) -> str | None:
    if method != "PATCH" or stored is None or "analytics_disabled" in body:
        return None
    if nulls_an_advertising_id(body) and not stored.analytics_disabled:
        return (
            "installation_meta: a null advertising id while the stored analytics_disabled is false"
        )
    return None


SERVER_ONLY_RULES: Final[tuple[ServerOnlyRule, ...]] = (
    ServerOnlyRule(
        name="duplicate attribute keys",
        rule="a key twice in one request's custom_attributes is 400",
        reason="JSON Schema's uniqueItems compares whole items; it cannot say 'unique by key'",
        tested_by="oracle (test_differential.py), from the body alone",
        decides=_duplicate_keys,
    ),
    ServerOnlyRule(
        name="attribute merge limit",
        rule="a request that would leave more than 30 stored attributes is 400 and stores nothing",
        reason="the limit counts what is already stored; the spec sees one request",
        tested_by="oracle on PATCH against a stated stored state; the state machine "
        "(test_stateful.py: never more than 30 stored, nothing of a rejected request stored)",
        decides=_merge_limit,
    ),
    ServerOnlyRule(
        name="stored analytics_disabled",
        rule="on PATCH without analytics_disabled, a null idfa/idfv/advertising_id is allowed "
        "only when the stored analytics_disabled is true",
        reason="depends on the stored profile; the spec accepts the null if the request is silent",
        tested_by="oracle on PATCH against a stated stored state; the state machine",
        decides=_stored_analytics,
    ),
    ServerOnlyRule(
        name="absent keeps, null clears",
        rule="PATCH sets what it sends (null clears), keeps what it omits; attributes merge by "
        "key; null or '' deletes an attribute; booleans and numbers are stored as floats",
        reason="storage semantics across requests; a schema describes one message",
        tested_by="state machine (test_stateful.py) through the inspection API and the response's "
        "custom_attributes; oracle PATCH responses",
    ),
    ServerOnlyRule(
        name="409 on re-create",
        rule="POST of an existing customer_user_id or profile_id is 409 profile_already_exists",
        reason="existence is state",
        tested_by="state machine (re-create rule)",
    ),
    ServerOnlyRule(
        name="404 after delete",
        rule="GET/PATCH/DELETE of a missing profile is 404 not_found; DELETE then GET is 404",
        reason="existence is state",
        tested_by="state machine (delete, then get/patch/delete rules)",
    ),
    ServerOnlyRule(
        name="one winner of concurrent creates",
        rule="concurrent creates of one id: exactly one 200, the others 409",
        reason="concurrency is outside any description of one message",
        tested_by="test_protocol.py::test_concurrent_creates_have_one_winner (real socket)",
    ),
    ServerOnlyRule(
        name="one of two identity headers",
        rule="adapty-customer-user-id or adapty-profile-id must be sent; neither is 400",
        reason="an OpenAPI parameter is required or not; 'one of two' is not expressible",
        tested_by="test_protocol.py::test_identity_headers",
    ),
    ServerOnlyRule(
        name="order of checks and protocol statuses",
        rule="401 -> 405 -> 400 (headers) -> 415 -> 413 -> 400 (body) -> 404/409; 413 over the "
        "server's body limit; 415 for a non-JSON Content-Type",
        reason="OpenAPI lists the responses an operation may give, not which wins; the size "
        "limit is a server setting",
        tested_by="test_protocol.py",
    ),
)


@dataclass(frozen=True)
class Verdict:
    """The expected outcome of one request: accepted (2xx) or rejected (400), and why."""

    accepted: bool
    spec_errors: tuple[str, ...]
    server_rules: tuple[str, ...]

    def explain(self) -> str:
        if self.accepted:
            return "the spec accepts the body and no server-only rule rejects it"
        reasons = [f"spec: {error}" for error in self.spec_errors]
        reasons += [f"server-only rule: {rule}" for rule in self.server_rules]
        return "; ".join(reasons)


def spec_path() -> Path | None:
    """The spec the suite holds the server against: $CONTRACT_SPEC, or the project's own."""
    value = os.environ.get(SPEC_ENV)
    return Path(value) if value else None


@cache
def load_contract_spec() -> dict[str, Any]:
    from recorded_server.spec import load_spec

    return load_spec(spec_path())


class SpecOracle:
    """The spec's request schemas for POST and PATCH, as validators, and the expected verdict."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        from recorded_server import spec as spec_module

        self.spec = spec
        self._validators = {
            method: spec_module.validator(
                spec_module.request_schema(dict(spec), method), dict(spec)
            )
            for method in ("POST", "PATCH")
        }
        self._responses: dict[tuple[str, int], Validator] = {}

    def response_validator(self, method: str, status: int) -> Validator:
        """A validator of the spec's response body for ``method`` and ``status``."""
        from recorded_server import spec as spec_module

        key = (method, status)
        if key not in self._responses:
            document = dict(self.spec)
            schema = spec_module.response_schema(document, method, status)
            self._responses[key] = spec_module.validator(schema or {}, document)
        return self._responses[key]

    def spec_errors(self, method: str, body: WireBody) -> tuple[str, ...]:
        if not body.is_json:
            return ("the body is not a JSON text",)
        return self.document_errors(method, body.document)

    def document_errors(self, method: str, document: Any) -> tuple[str, ...]:
        """What the spec's request schema for ``method`` finds wrong in a parsed body (numbers
        compared exactly, as JSON Schema does), the first five."""
        validator = self._validators[method]
        errors = sorted(validator.iter_errors(document), key=lambda error: list(error.path))
        return tuple(f"{_path(error.absolute_path)}: {error.message}" for error in errors[:5])

    def expected(self, method: str, body: WireBody, stored: ProfileModel | None) -> Verdict:
        errors = self.spec_errors(method, body)
        rules: tuple[str, ...] = ()
        if not errors:
            rules = tuple(
                violation
                for rule in SERVER_ONLY_RULES
                if rule.decides is not None
                and (violation := rule.decides(method, body.document, stored)) is not None
            )
        return Verdict(accepted=not errors and not rules, spec_errors=errors, server_rules=rules)


def _path(parts: Any) -> str:
    text = ".".join(str(part) for part in parts)
    return text or "(body)"
