"""Schemathesis against the server, from ``openapi/profile.yaml``.

Every operation, in every phase the configuration enables (the spec's examples, the coverage
phase's boundary values, random fuzzing), positive and negative data, with the built-in checks
(``not_a_server_error``, ``status_code_conformance``, ``response_schema_conformance``,
``response_headers_conformance``, ``content_type_conformance``, ``negative_data_rejection``
expecting 400 only, ``positive_data_acceptance``, ``ignored_auth``, ...) and the suite's own
(``error_envelope``, ``request_id_header``). Then a stateful run that follows the spec's
OpenAPI links: create, then read, update and delete through ``$response.body#/data/profile_id``.

In-process (ASGI) for speed, and once over a real socket; or against ``CONTRACT_BASE_URL``.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import settings
from schemathesis import Case
from schemathesis.core.transport import Response

from contract_tests.family import PURCHASE_PREFIX
from contract_tests.live_proxy import LiveProxy
from contract_tests.profiles import examples
from contract_tests.st_schema import freshen_identity, load_schema
from contract_tests.summary import SUMMARY
from contract_tests.targets import Target, embedded_app

schema = load_schema()


@pytest.fixture(scope="session")
def schemathesis_app(target: Target) -> object | None:
    """In-process, Schemathesis gets an embedded app of its own (it runs the app's lifespan);
    live, the proxy to the run's guard, so that its own probes go through the guard too."""
    if target.kind == "in-process":
        app: object = embedded_app()
        return app
    if target.kind == "live":
        return LiveProxy(target.client)
    return None


def _aim(case: Case[Any], target: Target, app: object | None) -> str | None:
    """Point the case at the target. The app goes on the operation and on its schema, where
    the probes that checks such as ``ignored_auth`` send on their own look for it."""
    case.operation.app = app
    case.operation.schema.app = app
    return None if app is not None else target.base_url


PURCHASE_OPERATIONS = f"^{PURCHASE_PREFIX}"


@settings(max_examples=examples(1.0))
@schema.exclude(path_regex=PURCHASE_OPERATIONS).parametrize()
def test_operations_conform(
    case: Case[Any], target: Target, schemathesis_app: object | None
) -> None:
    if not target.admit_example(case.method):
        return
    SUMMARY.example(f"schemathesis: {case.operation.label} ({target.kind})")
    freshen_identity(case)
    case.call_and_validate(base_url=_aim(case, target, schemathesis_app))


@settings(max_examples=examples(0.6))
@schema.include(path_regex=PURCHASE_OPERATIONS).parametrize()
def test_purchase_operations_conform(
    case: Case[Any], target: Target, schemathesis_app: object | None
) -> None:
    """Grant, revoke, set transaction: in-process only. Live mode never sends them (they change
    a real account's entitlements; the guard refuses them too); the socket run checks the
    transport, which the profile operations cover, and ``test_family.py`` runs over it."""
    if target.kind != "in-process":
        pytest.skip(f"purchase operations: in-process only, not {target.kind}")
    SUMMARY.example(f"schemathesis: {case.operation.label} ({target.kind})")
    freshen_identity(case)
    case.call_and_validate(base_url=_aim(case, target, schemathesis_app))


def test_stateful_links(target: Target, schemathesis_app: object | None) -> None:
    """Create, then follow the links to read, update and delete the created profile."""

    # The profile's lifecycle only: the purchase operations' stateful properties are
    # test_family.py's (and live mode never sends them).
    machine_schema = schema.exclude(path_regex=PURCHASE_OPERATIONS)

    class Lifecycle(machine_schema.as_state_machine()):  # type: ignore[misc]
        def before_call(self, case: Case[Any]) -> None:
            SUMMARY.example(f"schemathesis stateful: steps ({target.kind})")
            if case.method.upper() == "POST":
                freshen_identity(case)

        def get_call_kwargs(self, case: Case[Any]) -> dict[str, Any]:
            base_url = _aim(case, target, schemathesis_app)
            return {} if base_url is None else {"base_url": base_url}

        def after_call(self, response: Response, case: Case[Any]) -> None:
            super().after_call(response, case)

    Lifecycle.run(
        settings=settings(
            max_examples=examples(0.5, socket=target.kind == "socket"),
            stateful_step_count=8,
            deadline=None,
        )
    )


def test_stateful_entitlement_links(target: Target, schemathesis_app: object | None) -> None:
    """Create a profile, then follow the links to grant and revoke access levels, record
    transactions, read, update and delete it: every answer on the way conforms to the spec."""
    if target.kind != "in-process":
        pytest.skip(f"purchase operations: in-process only, not {target.kind}")

    class Entitlements(schema.as_state_machine()):  # type: ignore[misc]
        def before_call(self, case: Case[Any]) -> None:
            SUMMARY.example(f"schemathesis stateful: entitlement steps ({target.kind})")
            if case.operation.path.endswith("/profile/") and case.method.upper() == "POST":
                freshen_identity(case)

        def get_call_kwargs(self, case: Case[Any]) -> dict[str, Any]:
            base_url = _aim(case, target, schemathesis_app)
            return {} if base_url is None else {"base_url": base_url}

    Entitlements.run(
        settings=settings(max_examples=examples(0.1), stateful_step_count=6, deadline=None)
    )
