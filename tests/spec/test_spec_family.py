"""The purchase operations in the spec: grant, revoke and set transaction.

Accepted and rejected bodies for every field's type, nullability, enum and format; the ``oneOf``
on ``purchase_type``; the documented rules the schema cannot express (the spec accepts those
bodies and lists the rule, with its ``error_code``, in the operation's description); the
responses and the error codes.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from jsonschema.protocols import Validator

from contract_tests import family
from recorded_server.spec import validator

GRANT = family.GRANT_PATH
REVOKE = family.REVOKE_PATH
TRANSACTION = family.TRANSACTION_PATH
SUBSCRIPTION: dict[str, Any] = copy.deepcopy(family.SUBSCRIPTION_EXAMPLE)
ONE_TIME: dict[str, Any] = copy.deepcopy(family.ONE_TIME_EXAMPLE)


with_ = family.with_


def schema_validator(spec: dict[str, Any], name: str) -> Validator:
    return validator({"$ref": f"#/components/schemas/{name}"}, spec)


@pytest.fixture(scope="module")
def transaction(spec: dict[str, Any]) -> Validator:
    return schema_validator(spec, "TransactionRequest")


@pytest.fixture(scope="module")
def grant(spec: dict[str, Any]) -> Validator:
    return schema_validator(spec, "GrantAccessLevelRequest")


@pytest.fixture(scope="module")
def revoke(spec: dict[str, Any]) -> Validator:
    return schema_validator(spec, "RevokeAccessLevelRequest")


def test_three_post_operations_answer_the_profile(spec: dict[str, Any]) -> None:
    ids = {}
    for path in (GRANT, REVOKE, TRANSACTION):
        item = spec["paths"][path]
        assert set(item) == {"description", "parameters", "post"}
        operation = item["post"]
        ids[path] = operation["operationId"]
        assert operation["tags"] == ["purchase"]
        assert set(operation["responses"]) == {"200", "400", "401", "404", "413", "415"}
        assert operation["responses"]["200"] == {"$ref": "#/components/responses/Profile"}
        assert operation["requestBody"]["$ref"].startswith("#/components/requestBodies/")
    assert list(ids.values()) == ["grantAccessLevel", "revokeAccessLevel", "setTransaction"]


def test_every_documented_error_code_is_listed_with_its_rule(spec: dict[str, Any]) -> None:
    descriptions = {
        path: spec["paths"][path]["post"]["description"] for path in (GRANT, REVOKE, TRANSACTION)
    }
    expected = {
        GRANT: ["paid_access_level_does_not_exist", "profile_does_not_exist"],
        REVOKE: [
            "paid_access_level_does_not_exist",
            "profile_does_not_exist",
            "profile_paid_access_level_does_not_exist",
            "value_error",
            "revocation_date_more_than_expiration_date",
        ],
        TRANSACTION: [
            "profile_does_not_exist",
            "store_transaction_id_error",
            "one_time_purchase_trial_error",
            "expires_date_error",
            "originally_purchased_date_error",
            "billing_issue_detected_at_date_comparison_error",
            "renew_status_changed_date_error",
            "grace_period_expires_date_error",
            "grace_period_billing_error",
            "refund_fields_error",
            "refund_date_error",
            "family_share_price_error",
            "free_trial_price_error",
            "missing_offer_id",
        ],
    }
    for path, codes in expected.items():
        for code in codes:
            assert f"`{code}`" in descriptions[path], (path, code)


def test_the_examples_are_valid(
    spec: dict[str, Any], transaction: Validator, grant: Validator, revoke: Validator
) -> None:
    bodies = spec["components"]["requestBodies"]
    for name, check in (
        ("GrantAccessLevel", grant),
        ("RevokeAccessLevel", revoke),
        ("SetTransaction", transaction),
    ):
        for example in bodies[name]["content"]["application/json"]["examples"].values():
            check.validate(example["value"])


def test_the_one_of_has_a_discriminator_with_a_mapping(spec: dict[str, Any]) -> None:
    schema = spec["components"]["schemas"]["TransactionRequest"]
    assert schema["discriminator"]["propertyName"] == "purchase_type"
    assert set(schema["discriminator"]["mapping"]) == {"subscription", "one_time_purchase"}
    assert len(schema["oneOf"]) == 2


ACCEPTED = [
    SUBSCRIPTION,
    ONE_TIME,
    with_(SUBSCRIPTION, environment="Sandbox", is_family_shared=False, variation_id=None),
    with_(SUBSCRIPTION, offer=None, refunded_at=None, cancellation_reason=None),
    with_(SUBSCRIPTION, offer={"category": "introductory", "type": "free_trial"}),
    with_(SUBSCRIPTION, offer={"category": "win_back", "type": "pay_as_you_go", "id": "w"}),
    with_(SUBSCRIPTION, renew_status_changed_at=None, billing_issue_detected_at=None),
    with_(SUBSCRIPTION, grace_period_expires_at="2030-02-05T00:00:00.123456789+05:30"),
    with_(SUBSCRIPTION, store_transaction_id="x" * 50, store_original_transaction_id="y" * 50),
    with_(SUBSCRIPTION, price={"country": "US", "currency": "USD", "value": 0}),
    with_(ONE_TIME, cancellation_reason="adapty_revoked"),
    # The documented rules are the server's: the schema accepts bodies that break them.
    with_(SUBSCRIPTION, expires_at="2029-01-01T00:00:00Z"),  # expires_date_error
    with_(ONE_TIME, store_original_transaction_id="t-0"),  # store_transaction_id_error
    with_(SUBSCRIPTION, is_family_shared=True),  # family_share_price_error
    with_(SUBSCRIPTION, offer={"category": "promotional", "type": "pay_up_front"}),
    with_(SUBSCRIPTION, refunded_at="2030-01-05T00:00:00Z"),  # refund_fields_error
]
REJECTED = [
    {},
    [],
    with_(SUBSCRIPTION, purchase_type="lifetime"),
    with_(SUBSCRIPTION, purchase_type=...),
    with_(SUBSCRIPTION, store=""),
    with_(SUBSCRIPTION, store=None),
    with_(SUBSCRIPTION, environment="Staging"),
    with_(SUBSCRIPTION, environment=None),
    with_(SUBSCRIPTION, store_transaction_id="x" * 51),
    with_(SUBSCRIPTION, store_original_transaction_id=""),
    with_(SUBSCRIPTION, is_family_shared="false"),
    with_(SUBSCRIPTION, price=None),
    with_(SUBSCRIPTION, price={"country": "US", "currency": "USD"}),
    with_(SUBSCRIPTION, price={"country": "USA", "currency": "USD", "value": 1}),
    with_(SUBSCRIPTION, price={"country": "US", "currency": "usd", "value": 1}),
    with_(SUBSCRIPTION, price={"country": "US", "currency": "USD", "value": -0.01}),
    with_(SUBSCRIPTION, price={"country": "US", "currency": "USD", "value": "1"}),
    with_(SUBSCRIPTION, price={"country": "US", "currency": "USD", "value": 1, "tax": 0}),
    with_(SUBSCRIPTION, purchased_at="2030-01-01"),
    with_(SUBSCRIPTION, purchased_at="2030-01-01T00:00:00"),
    with_(SUBSCRIPTION, purchased_at="2030-01-01T00:00:00+0000"),
    with_(SUBSCRIPTION, purchased_at="2030-02-30T00:00:00Z"),
    with_(SUBSCRIPTION, purchased_at="2030-01-01T23:59:60Z"),
    with_(SUBSCRIPTION, purchased_at="2030-01-01t00:00:00z"),
    with_(SUBSCRIPTION, purchased_at="2030-01-01T00:00:00Z\n"),
    with_(SUBSCRIPTION, expires_at=None),
    with_(SUBSCRIPTION, expires_at=...),
    with_(SUBSCRIPTION, renew_status=None),
    with_(SUBSCRIPTION, renew_status=...),
    with_(SUBSCRIPTION, originally_purchased_at=...),
    with_(SUBSCRIPTION, variation_id=5),
    with_(SUBSCRIPTION, offer={"category": "intro", "type": "free_trial"}),
    with_(SUBSCRIPTION, offer={"category": "introductory"}),
    with_(SUBSCRIPTION, offer={"category": "introductory", "type": "free_trial", "x": 1}),
    with_(SUBSCRIPTION, cancellation_reason="new_subscription"),
    with_(SUBSCRIPTION, store_base_plan_id="p"),
    with_(ONE_TIME, expires_at="2030-02-01T00:00:00Z"),
    with_(ONE_TIME, renew_status=True),
    with_(ONE_TIME, store_product_id=...),
]


@pytest.mark.parametrize("body", ACCEPTED)
def test_transaction_bodies_accepted(transaction: Validator, body: Any) -> None:
    assert [e.message for e in transaction.iter_errors(body)] == []


@pytest.mark.parametrize("body", REJECTED)
def test_transaction_bodies_rejected(transaction: Validator, body: Any) -> None:
    assert not transaction.is_valid(body)


@pytest.mark.parametrize(
    ("body", "valid"),
    [
        ({"access_level_id": "premium"}, True),
        ({"access_level_id": "premium", "starts_at": None, "expires_at": None}, True),
        ({"access_level_id": "premium", "starts_at": "2030-01-01T00:00:00Z"}, True),
        ({"access_level_id": "premium", "expires_at": "2020-01-01T00:00:00-08:00"}, True),
        ({}, False),
        ({"access_level_id": ""}, False),
        ({"access_level_id": None}, False),
        ({"access_level_id": "premium", "starts_at": "now"}, False),
        ({"access_level_id": "premium", "duration_days": 7}, False),
        ({"access_level_id": "premium", "is_lifetime": True}, False),
        ({"access_level_id": "premium", "expires_at": "1899-12-31T23:59:59Z"}, False),
        ({"access_level_id": "premium", "expires_at": "0000-01-01T00:00:00Z"}, False),
        ({"access_level_id": "premium", "expires_at": "2200-01-01T00:00:00Z"}, False),
        ({"access_level_id": "premium", "expires_at": "2199-12-31T23:59:59.999999999Z"}, True),
    ],
)
def test_grant_bodies(grant: Validator, body: Any, valid: bool) -> None:
    assert grant.is_valid(body) is valid


@pytest.mark.parametrize(
    ("body", "valid"),
    [
        ({"access_level_id": "premium"}, True),
        ({"access_level_id": "premium", "revoke_at": None}, True),
        ({"access_level_id": "premium", "revoke_at": "2030-01-01T00:00:00Z"}, True),
        ({}, False),
        ({"access_level_id": "premium", "revoke_at": "2030-01-01"}, False),
        ({"access_level_id": "premium", "expires_at": "2030-01-01T00:00:00Z"}, False),
        ({"access_level_id": "premium", "is_refund": True}, False),
    ],
)
def test_revoke_bodies(revoke: Validator, body: Any, valid: bool) -> None:
    assert revoke.is_valid(body) is valid


def test_family_errors_fit_the_error_envelope(error_validator: Validator) -> None:
    bodies: list[Any] = [
        {
            "errors": [{"source": None, "errors": ["Profile not found"]}],
            "error_code": "profile_does_not_exist",
            "status_code": 404,
        },
        {
            "errors": [
                {"source": "revoke_at", "errors": ["Must be greater than the current time or null"]}
            ],
            "error_code": "value_error",
            "status_code": 400,
        },
    ]
    for body in bodies:
        error_validator.validate(body)
