"""Custom Schemathesis checks: the contract's error envelope and the Request-Id header.

Registered globally when imported (``@schemathesis.check``), so they run with the built-in
checks on every response of every Schemathesis test of the suite, stateful steps included.
"""

from __future__ import annotations

import json
from typing import Any

import schemathesis
from schemathesis import Case, CheckContext, Response

from contract_tests.verdicts import REQUEST_ID, envelope_problems


@schemathesis.check
def error_envelope(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """Every 4xx/5xx body is ``{"errors": [{source, errors}], "error_code", "status_code"}``,
    with ``status_code`` equal to the HTTP status."""
    if response.status_code < 400:
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        body = response.content[:200]
    problems = envelope_problems(body, response.status_code)
    if problems:
        raise AssertionError("Not the error envelope: " + "; ".join(problems))
    return None


@schemathesis.check
def request_id_header(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """Every response, errors included, carries ``Request-Id``: 32 lowercase hex characters."""
    values = response.headers.get("request-id") or []
    if len(values) != 1 or not REQUEST_ID.fullmatch(values[0]):
        raise AssertionError(f"Request-Id must be one value of 32 lowercase hex: got {values!r}")
    return None
