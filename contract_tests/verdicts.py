"""Assertions shared by the tests: the server's answer against the expected verdict.

Each assertion is counted in the run's summary as one case of a named check, and a failing
one is recorded with the curl command that reproduces it.
"""

from __future__ import annotations

import re
from typing import Any, Final

from jsonschema.protocols import Validator

from contract_tests.oracle import Verdict
from contract_tests.strategies import WireBody
from contract_tests.summary import SUMMARY
from contract_tests.targets import Sent

REQUEST_ID: Final = re.compile(r"[0-9a-f]{32}")

CHECK_VERDICT: Final = "oracle: server verdict == spec verdict"
CHECK_ENVELOPE: Final = "error envelope (shape, status_code == HTTP status)"
CHECK_REQUEST_ID: Final = "Request-Id (32 lowercase hex)"
CHECK_RESPONSE_SCHEMA: Final = "response body matches the spec"
CHECK_NO_PARTIAL_WRITE: Final = "rejected request stores nothing"
CHECK_STORED: Final = "stored state == model (absent keeps, null clears)"
CHECK_ATTRIBUTES: Final = "returned custom_attributes == merged model"

MISSING_PROFILE_CODES: Final = ("not_found", "profile_does_not_exist")
"""The ``error_code`` of a 404 for a missing profile: the seed's (this kit's server) or Adapty's
current reference's (``source`` null, "Profile not found"). The suite accepts both, so that it
raises no false alarm against the real API."""


def envelope_problems(body: Any, status: int) -> list[str]:
    """Why ``body`` is not the contract's error envelope for ``status`` (empty when it is)."""
    if not isinstance(body, dict):
        return [f"the error body is not an object: {body!r}"]
    problems = []
    missing = {"errors", "error_code", "status_code"} - set(body)
    if missing:
        problems.append(f"missing keys: {sorted(missing)}")
    if body.get("status_code") != status or isinstance(body.get("status_code"), bool):
        problems.append(f"status_code {body.get('status_code')!r} != HTTP status {status}")
    if not isinstance(body.get("error_code"), str) or not body.get("error_code"):
        problems.append(f"error_code {body.get('error_code')!r} is not a non-empty string")
    errors = body.get("errors")
    if not isinstance(errors, list) or not errors:
        problems.append(f"errors {errors!r} is not a non-empty list")
    else:
        for item in errors:
            if (
                not isinstance(item, dict)
                or not (item.get("source") is None or isinstance(item.get("source"), str))
                or not isinstance(item.get("errors"), list)
                or not all(isinstance(message, str) for message in item["errors"])
            ):
                problems.append(f"errors item {item!r} is not {{source: str|null, errors: [str]}}")
    return problems


def check_request_id(operation: str, sent: Sent) -> None:
    with SUMMARY.checking(operation, CHECK_REQUEST_ID, sent.curl):
        value = sent.response.headers.get("request-id")
        assert value is not None and REQUEST_ID.fullmatch(value), (
            f"Request-Id {value!r} is not 32 lowercase hex characters: {sent.describe()}"
        )


def check_envelope(operation: str, sent: Sent) -> dict[str, Any]:
    with SUMMARY.checking(operation, CHECK_ENVELOPE, sent.curl):
        try:
            body = sent.json()
        except ValueError:
            body = sent.response.text
        problems = envelope_problems(body, sent.status)
        assert not problems, f"{'; '.join(problems)}: {sent.describe()}"
    assert isinstance(body, dict)
    return body


def check_verdict(operation: str, verdict: Verdict, body: WireBody, sent: Sent) -> None:
    """2xx exactly when the verdict accepts; otherwise 400 with the envelope and the right code."""
    SUMMARY.label(*body.labels)
    check_request_id(operation, sent)
    with SUMMARY.checking(operation, CHECK_VERDICT, sent.curl):
        if verdict.accepted:
            assert sent.status == 200, (
                f"expected 200 ({verdict.explain()}), got {sent.describe()}"
                f"\n  body: {body.wire[:300]!r}"
            )
        else:
            assert sent.status == 400, (
                f"expected 400 ({verdict.explain()}), got {sent.describe()}"
                f"\n  body: {body.wire[:300]!r}"
            )
    if sent.status != 400:
        return
    envelope = check_envelope(operation, sent)
    with SUMMARY.checking(operation, "error_code of a rejected body", sent.curl):
        code = envelope.get("error_code")
        if not body.is_json:
            assert code == "parse_error", f"a body that is not JSON: {sent.describe()}"
        elif isinstance(body.document, dict):
            assert code == "bad_request", f"a JSON object that breaks a rule: {sent.describe()}"
        else:
            assert code in ("bad_request", "parse_error"), sent.describe()


def check_response_schema(operation: str, validator: Validator, sent: Sent) -> Any:
    with SUMMARY.checking(operation, CHECK_RESPONSE_SCHEMA, sent.curl):
        document = sent.json()
        errors = [error.message for error in validator.iter_errors(document)]
        assert not errors, (
            f"the {sent.status} body breaks the spec: {errors[:3]}: {sent.describe()}"
        )
    return document
