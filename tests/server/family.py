"""Bodies and helpers shared by the purchase operations' tests (grant, revoke, set transaction)."""

from __future__ import annotations

import copy
from typing import Any

from contract_tests import family

GRANT = family.GRANT_PATH
REVOKE = family.REVOKE_PATH
TRANSACTION = family.TRANSACTION_PATH
CLOCK = "/_recorded/clock"
CATALOGUE = "/_recorded/catalogue"

SUBSCRIPTION: dict[str, Any] = copy.deepcopy(family.SUBSCRIPTION_EXAMPLE)
ONE_TIME: dict[str, Any] = copy.deepcopy(family.ONE_TIME_EXAMPLE)
CATALOGUE_BODY: dict[str, Any] = {
    "access_levels": ["premium", "vip"],
    "products": [
        {
            "store": "stripe",
            "store_product_id": "monthly",
            "access_level_id": "vip",
            "is_consumable": False,
        },
        {
            "store": "my_store",
            "store_product_id": "lifetime",
            "access_level_id": "premium",
            "is_consumable": False,
        },
        {
            "store": "my_store",
            "store_product_id": "coins",
            "access_level_id": None,
            "is_consumable": True,
        },
    ],
}


with_ = family.with_


# (body, error_code, source): each breaks exactly one documented rule of set transaction.
RULE_CASES: list[tuple[dict[str, Any], str, str]] = [
    (
        with_(ONE_TIME, store_original_transaction_id="t-0"),
        "store_transaction_id_error",
        "store_transaction_id",
    ),
    (
        with_(
            ONE_TIME,
            offer={"category": "introductory", "type": "free_trial"},
            price={"country": "FR", "currency": "EUR", "value": 0},
        ),
        "one_time_purchase_trial_error",
        "offer.type",
    ),
    (with_(SUBSCRIPTION, expires_at="2030-01-01T00:00:00Z"), "expires_date_error", "expires_at"),
    (
        with_(SUBSCRIPTION, originally_purchased_at="2030-01-01T00:00:01Z"),
        "originally_purchased_date_error",
        "originally_purchased_at",
    ),
    (
        with_(SUBSCRIPTION, billing_issue_detected_at="2029-12-31T23:59:59Z"),
        "billing_issue_detected_at_date_comparison_error",
        "billing_issue_detected_at",
    ),
    (
        with_(SUBSCRIPTION, renew_status_changed_at="2029-12-31T23:59:59Z"),
        "renew_status_changed_date_error",
        "renew_status_changed_at",
    ),
    (
        with_(
            SUBSCRIPTION,
            billing_issue_detected_at="2030-01-20T00:00:00Z",
            grace_period_expires_at="2030-01-31T00:00:00Z",
        ),
        "grace_period_expires_date_error",
        "grace_period_expires_at",
    ),
    (
        with_(SUBSCRIPTION, grace_period_expires_at="2030-02-05T00:00:00Z"),
        "grace_period_billing_error",
        "grace_period_billing_error",
    ),
    (with_(SUBSCRIPTION, refunded_at="2030-01-05T00:00:00Z"), "refund_fields_error", "refunded_at"),
    (with_(SUBSCRIPTION, cancellation_reason="refund"), "refund_fields_error", "refunded_at"),
    (
        with_(SUBSCRIPTION, refunded_at="2029-12-31T00:00:00Z", cancellation_reason="refund"),
        "refund_date_error",
        "refunded_at",
    ),
    (with_(SUBSCRIPTION, is_family_shared=True), "family_share_price_error", "is_family_shared"),
    (
        with_(SUBSCRIPTION, offer={"category": "introductory", "type": "free_trial", "id": None}),
        "free_trial_price_error",
        "offer.type",
    ),
    (
        with_(SUBSCRIPTION, offer={"category": "promotional", "type": "pay_up_front"}),
        "missing_offer_id",
        "offer.category",
    ),
    (
        with_(SUBSCRIPTION, offer={"category": "win_back", "type": "pay_as_you_go", "id": None}),
        "missing_offer_id",
        "offer.category",
    ),
]

# Bodies that keep every rule, at its boundary.
RULE_ACCEPTED: list[dict[str, Any]] = [
    SUBSCRIPTION,
    ONE_TIME,
    with_(SUBSCRIPTION, originally_purchased_at="2030-01-01T00:00:00Z"),  # equal is fine
    with_(
        SUBSCRIPTION,
        originally_purchased_at="2029-01-01T00:00:00Z",
        purchased_at="2030-01-01T00:00:00Z",
    ),
    with_(SUBSCRIPTION, expires_at="2030-01-01T00:00:00.000001Z"),
    with_(SUBSCRIPTION, billing_issue_detected_at="2030-01-01T00:00:00Z"),
    with_(SUBSCRIPTION, renew_status=False, renew_status_changed_at="2030-01-01T00:00:00Z"),
    with_(
        SUBSCRIPTION,
        billing_issue_detected_at="2030-01-20T00:00:00Z",
        grace_period_expires_at="2030-02-01T00:00:00Z",
    ),
    with_(SUBSCRIPTION, refunded_at="2030-01-01T00:00:00Z", cancellation_reason="refund"),
    with_(
        SUBSCRIPTION, is_family_shared=True, price={"country": "US", "currency": "USD", "value": 0}
    ),
    with_(
        SUBSCRIPTION,
        offer={"category": "introductory", "type": "free_trial"},
        price={"country": "US", "currency": "USD", "value": 0.0},
    ),
    with_(SUBSCRIPTION, offer={"category": "promotional", "type": "pay_up_front", "id": "p1"}),
    with_(SUBSCRIPTION, offer=None, variation_id=None, cancellation_reason="voluntarily_cancelled"),
    with_(ONE_TIME, offer={"category": "offer_code", "type": "pay_up_front", "id": "c"}),
]

# (body, source): shape errors, each a 400 bad_request naming its field.
SHAPE_CASES: list[tuple[dict[str, Any] | list[Any], str]] = [
    ([], "non_field_errors"),
    ({}, "purchase_type"),
    (with_(SUBSCRIPTION, purchase_type="lifetime"), "purchase_type"),
    (with_(SUBSCRIPTION, store=...), "store"),
    (with_(SUBSCRIPTION, store=""), "store"),
    (with_(SUBSCRIPTION, store=None), "store"),
    (with_(SUBSCRIPTION, environment="Staging"), "environment"),
    (with_(SUBSCRIPTION, environment=None), "environment"),
    (with_(SUBSCRIPTION, store_product_id=7), "store_product_id"),
    (with_(SUBSCRIPTION, store_transaction_id="x" * 51), "store_transaction_id"),
    (with_(SUBSCRIPTION, store_original_transaction_id="x" * 51), "store_original_transaction_id"),
    (with_(SUBSCRIPTION, is_family_shared="false"), "is_family_shared"),
    (with_(SUBSCRIPTION, price=None), "price"),
    (with_(SUBSCRIPTION, price={"country": "US", "currency": "USD"}), "price.value"),
    (with_(SUBSCRIPTION, price={"country": "us", "currency": "USD", "value": 1}), "price.country"),
    (
        with_(SUBSCRIPTION, price={"country": "US", "currency": "USDT", "value": 1}),
        "price.currency",
    ),
    (with_(SUBSCRIPTION, price={"country": "US", "currency": "USD", "value": -1}), "price.value"),
    (with_(SUBSCRIPTION, price={"country": "US", "currency": "USD", "value": "1"}), "price.value"),
    (with_(SUBSCRIPTION, price={"country": "US", "currency": "USD", "value": True}), "price.value"),
    (
        with_(SUBSCRIPTION, price={"country": "US", "currency": "USD", "value": 1, "tax": 0}),
        "price.tax",
    ),
    (with_(SUBSCRIPTION, purchased_at="2030-01-01"), "purchased_at"),
    (with_(SUBSCRIPTION, purchased_at="2030-01-01 00:00:00Z"), "purchased_at"),
    (with_(SUBSCRIPTION, purchased_at="2030-01-01T00:00:00"), "purchased_at"),
    (with_(SUBSCRIPTION, purchased_at="2030-01-01T00:00:00+0000"), "purchased_at"),
    (with_(SUBSCRIPTION, purchased_at="2030-02-30T00:00:00Z"), "purchased_at"),
    (with_(SUBSCRIPTION, purchased_at="2030-01-01T24:00:00Z"), "purchased_at"),
    (with_(SUBSCRIPTION, purchased_at="2030-01-01T23:59:60Z"), "purchased_at"),
    (with_(SUBSCRIPTION, purchased_at="2030-01-01t00:00:00z"), "purchased_at"),
    (with_(SUBSCRIPTION, purchased_at=1893456000), "purchased_at"),
    (with_(SUBSCRIPTION, expires_at=None), "expires_at"),
    (with_(SUBSCRIPTION, expires_at=...), "expires_at"),
    (with_(SUBSCRIPTION, originally_purchased_at=...), "originally_purchased_at"),
    (with_(SUBSCRIPTION, renew_status=...), "renew_status"),
    (with_(SUBSCRIPTION, renew_status=None), "renew_status"),
    (with_(SUBSCRIPTION, renew_status=1), "renew_status"),
    (with_(SUBSCRIPTION, variation_id=5), "variation_id"),
    (with_(SUBSCRIPTION, offer="intro"), "offer"),
    (with_(SUBSCRIPTION, offer={"category": "intro", "type": "free_trial"}), "offer.category"),
    (with_(SUBSCRIPTION, offer={"category": "introductory"}), "offer.type"),
    (
        with_(SUBSCRIPTION, offer={"category": "introductory", "type": "free_trial", "x": 1}),
        "offer.x",
    ),
    (
        with_(SUBSCRIPTION, offer={"category": "promotional", "type": "pay_up_front", "id": 3}),
        "offer.id",
    ),
    (with_(SUBSCRIPTION, cancellation_reason="new_subscription"), "cancellation_reason"),
    (with_(SUBSCRIPTION, refunded_at="yesterday"), "refunded_at"),
    (with_(SUBSCRIPTION, unknown=1), "unknown"),
    (with_(SUBSCRIPTION, store_base_plan_id="p"), "store_base_plan_id"),
    (with_(ONE_TIME, expires_at="2030-02-01T00:00:00Z"), "expires_at"),
    (with_(ONE_TIME, renew_status=True), "renew_status"),
]
