"""The spec loaded into Schemathesis, configured for this endpoint.

- ``schemathesis.toml`` (next to this module) holds the static configuration; the API key is
  added here from the target.
- Identity travels in headers, so every generated case gets its own fresh identity before it
  is sent (``freshen_identity``); a case whose headers are the negated part keeps them.
- A positive case that a server-only rule rejects (a key twice in one request, the merge limit
  or the stored ``analytics_disabled`` on PATCH, neither identity header) is not a disagreement:
  ``filter_failure`` drops that ``positive_data_acceptance`` failure, only when the 400 names
  the part of the request the rule is about, or (set transaction) when its ``error_code`` is the
  documented rule the body breaks (``family.first_broken_rule``). The oracle, the state machine
  and ``test_family.py`` test those rules precisely.
- A negative case whose negated part is a profile body the spec accepts after all, compared
  exactly (``negated_body_is_valid``: Schemathesis's "maximum + 1" of the largest float is below
  it), is not negative: ``filter_failure`` drops that ``negative_data_rejection`` failure.
- Every check result is counted in the run's summary (``after_validate``).
"""

from __future__ import annotations

import copy
import functools
import json
import tomllib
from pathlib import Path
from typing import Any, Final

import schemathesis
from requests.structures import CaseInsensitiveDict
from schemathesis import Case, GenerationMode, Response
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import AcceptedNegativeData, Failure
from schemathesis.core.parameters import ParameterLocation
from schemathesis.hooks import HookContext
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.schemas import BaseSchema

import contract_tests.st_checks  # noqa: F401  (registers the custom checks)
from contract_tests.family import (
    GRANT_PATH,
    REVOKE_PATH,
    SHORT_NAMES,
    TRANSACTION_PATH,
    first_broken_rule,
)
from contract_tests.model import nulls_an_advertising_id
from contract_tests.oracle import SpecOracle, load_contract_spec
from contract_tests.summary import SUMMARY
from contract_tests.targets import (
    PROFILE_PATH,
    fresh_customer_user_id,
    fresh_profile_id,
    live_settings,
)

CONFIG_PATH: Final = Path(__file__).with_name("schemathesis.toml")
IDENTITY_HEADERS: Final = ("adapty-customer-user-id", "adapty-profile-id")


def schemathesis_config(api_key: str) -> SchemathesisConfig:
    data = tomllib.loads(CONFIG_PATH.read_text(encoding="utf-8"))
    data.setdefault("auth", {})["openapi"] = {"ApiKey": {"api_key": f"Api-Key {api_key}"}}
    return SchemathesisConfig.from_dict(data)


def api_key() -> str:
    live = live_settings()
    if live is not None:
        return live[1]
    from recorded_server import DEFAULT_API_KEY

    return DEFAULT_API_KEY


def load_schema() -> BaseSchema:
    """The spec under test (``CONTRACT_SPEC``, or ``openapi/profile.yaml``) for Schemathesis."""
    raw = copy.deepcopy(load_contract_spec())
    schema = schemathesis.openapi.from_dict(raw, config=schemathesis_config(api_key()))
    schema.hook(filter_failure)
    schema.hook(after_call)
    schema.hook(after_validate)
    return schema


def _is_negative(case: Case[Any], location: ParameterLocation) -> bool:
    meta = case.meta
    if meta is None:
        return False
    component = meta.components.get(location)
    return component is not None and component.mode == GenerationMode.NEGATIVE


def freshen_identity(case: Case[Any]) -> None:
    """Give a case its own identity: a fresh customer user id and/or a fresh profile id.

    A case with neither header gets a customer user id (the one-of-two rule is the server's);
    a negative case whose headers are the negated part keeps what was generated. (A positive
    case is always freshened: Schemathesis 4.32's coverage phase can label a case positive
    while its template for ``adapty-profile-id`` is ``"0"``, which no UUID pattern accepts.)
    """
    meta = case.meta
    positive = meta is None or meta.generation.mode == GenerationMode.POSITIVE
    if not positive and _is_negative(case, ParameterLocation.HEADER):
        return
    headers = dict(case.headers or {})
    if "adapty-profile-id" in headers:
        headers["adapty-profile-id"] = fresh_profile_id()
    if "adapty-customer-user-id" in headers or "adapty-profile-id" not in headers:
        headers["adapty-customer-user-id"] = fresh_customer_user_id()
    case.headers = CaseInsensitiveDict(headers)


def _sources(response: Response) -> list[str]:
    try:
        body = json.loads(response.content)
        return [str(item.get("source")) for item in body["errors"]]
    except (ValueError, KeyError, TypeError, AttributeError):
        return []


def _error_code(response: Response) -> object:
    try:
        return json.loads(response.content).get("error_code")
    except (ValueError, AttributeError):
        return None


_LEVEL_STATE_RULES = frozenset(
    {
        "paid_access_level_does_not_exist",  # a level the catalogue lacks
        "profile_paid_access_level_does_not_exist",  # revoke: a level the profile does not hold
        "revocation_date_more_than_expiration_date",  # revoke: after the held level's expiry
        "value_error",  # revoke_at before the server's now
    }
)
"""Grant and revoke: the 400s that depend on the catalogue, the clock or the profile's levels,
which a schema-valid body reaches once a stateful run has created the profile."""


def server_only_explanation(case: Case[Any], response: Response) -> str | None:
    """The server-only rule that explains a 400 on a schema-valid case, if one does."""
    if response.status_code != 400:
        return None
    code, sources = _error_code(response), _sources(response)
    if case.operation.path == TRANSACTION_PATH:
        rule = first_broken_rule(case.body)
        if rule is not None and code == rule:
            return f"documented transaction rule {rule}"
        if code == "bad_request" and sources == ["price.currency"]:
            return "a currency without a rate"  # checked once the profile exists
    if case.operation.path in (GRANT_PATH, REVOKE_PATH) and code in _LEVEL_STATE_RULES:
        return f"the app's catalogue or the profile's levels ({code})"
    if not sources:
        return None
    headers = {name.lower() for name in (case.headers or {})}
    if not headers & set(IDENTITY_HEADERS) and all(s == IDENTITY_HEADERS[0] for s in sources):
        return "one of two identity headers"
    body = case.body if isinstance(case.body, dict) else {}
    items = body.get("custom_attributes")
    if isinstance(items, list) and all(s.startswith("custom_attributes") for s in sources):
        keys = [item.get("key") for item in items if isinstance(item, dict)]
        if len(keys) != len(set(map(str, keys))):
            return "duplicate attribute keys"
        if case.method.upper() == "PATCH":
            return "attribute merge limit"
    if (
        case.method.upper() == "PATCH"
        and "analytics_disabled" not in body
        and nulls_an_advertising_id(body)
        and all(s.startswith("installation_meta.") for s in sources)
    ):
        return "stored analytics_disabled"
    return None


@functools.cache
def _oracle() -> SpecOracle:
    return SpecOracle(load_contract_spec())


def negated_body_is_valid(case: Case[Any]) -> bool:
    """A profile body Schemathesis negated that the spec accepts after all, compared exactly.

    Schemathesis's "maximum + 1" of a float bound as large as 1.7976931348623157e308 is an integer
    written from the float's shortest decimal form plus one: below the float's exact value, so
    within the bound (JSON Schema compares numbers exactly; so does the spec's validator).
    """
    meta = case.meta
    if (
        meta is None
        or meta.phase.data.parameter_location != ParameterLocation.BODY
        or case.operation.path != PROFILE_PATH
        or case.method.upper() not in ("POST", "PATCH")
    ):
        return False
    return not _oracle().document_errors(case.method.upper(), case.body)


def filter_failure(
    context: HookContext, failure: Failure, case: Case[Any], response: Response
) -> bool:
    if isinstance(failure, AcceptedNegativeData) and negated_body_is_valid(case):
        SUMMARY.case(operation_name(case), "schemathesis: negated body the spec accepts (exact)")
        return False
    if isinstance(failure, RejectedPositiveData):
        rule = server_only_explanation(case, response)
        if rule is not None:
            SUMMARY.case(
                operation_name(case), f"schemathesis: positive 400 by server-only rule ({rule})"
            )
            return False
    return True


def operation_name(case: Case[Any]) -> str:
    """``POST profile``, ``POST grant``...: the summary's name of the operation."""
    return f"{case.method.upper()} {SHORT_NAMES.get(case.operation.path, 'profile')}"


def after_call(context: HookContext, case: Case[Any], response: Response) -> None:
    SUMMARY.request(operation_name(case))


def after_validate(context: HookContext, case: Case[Any], response: Response, results: Any) -> None:
    for result in results:
        check = f"schemathesis {result.name}"
        SUMMARY.case(operation_name(case), check)
        if result.failure is not None:
            curl = case.as_curl_command(headers=dict(response.request.headers))
            SUMMARY.fail(operation_name(case), check, result.failure.title, curl)
