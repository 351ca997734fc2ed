"""The purchase operations (grant, revoke, set transaction), as the contract suite knows them.

``first_broken_rule`` is the suite's own encoding of the documented rules of a transaction (the
third, beside the spec's descriptions and the server's ``entitlements.bodies``): Schemathesis
generates schema-valid bodies that break them, and a 400 with the code of the first broken rule
is the right answer to those, not a disagreement.
"""

from __future__ import annotations

import copy
import datetime
from typing import Any, Final

PURCHASE_PREFIX: Final = "/api/v2/server-side-api/purchase/"
GRANT_PATH: Final = PURCHASE_PREFIX + "profile/grant/access-level/"
REVOKE_PATH: Final = PURCHASE_PREFIX + "profile/revoke/access-level/"
TRANSACTION_PATH: Final = PURCHASE_PREFIX + "set/transaction/"
SHORT_NAMES: Final = {GRANT_PATH: "grant", REVOKE_PATH: "revoke", TRANSACTION_PATH: "transaction"}


SUBSCRIPTION_EXAMPLE: Final[dict[str, Any]] = {
    "purchase_type": "subscription",
    "store": "stripe",
    "store_product_id": "monthly",
    "store_transaction_id": "in_1",
    "store_original_transaction_id": "in_1",
    "price": {"country": "US", "currency": "USD", "value": 9.99},
    "purchased_at": "2030-01-01T00:00:00Z",
    "originally_purchased_at": "2030-01-01T00:00:00Z",
    "expires_at": "2030-02-01T00:00:00Z",
    "renew_status": True,
}
"""A valid set-transaction body of each kind (the tests copy them before changing a field)."""
ONE_TIME_EXAMPLE: Final[dict[str, Any]] = {
    "purchase_type": "one_time_purchase",
    "store": "my_store",
    "store_product_id": "lifetime",
    "store_transaction_id": "t-1",
    "store_original_transaction_id": "t-1",
    "price": {"country": "FR", "currency": "EUR", "value": 10},
    "purchased_at": "2030-01-01T00:00:00Z",
}


def is_purchase_path(path: str) -> bool:
    return path.startswith(PURCHASE_PREFIX)


def _at(body: dict[str, Any], name: str) -> datetime.datetime | None:
    value = body.get(name)
    if not isinstance(value, str):
        return None
    try:
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        return None


def first_broken_rule(body: object) -> str | None:
    """The ``error_code`` of the first documented rule a (schema-valid) transaction breaks."""
    if not isinstance(body, dict):
        return None
    one_time = body.get("purchase_type") == "one_time_purchase"
    offer = body.get("offer") if isinstance(body.get("offer"), dict) else None
    price = body.get("price", {}).get("value") if isinstance(body.get("price"), dict) else None
    purchased = _at(body, "purchased_at")
    expires = _at(body, "expires_at")
    billing = _at(body, "billing_issue_detected_at")
    grace = _at(body, "grace_period_expires_at")
    refunded = _at(body, "refunded_at")

    def earlier(a: datetime.datetime | None, b: datetime.datetime | None) -> bool:
        return a is not None and b is not None and a < b

    checks = [
        (
            "store_transaction_id_error",
            one_time
            and body.get("store_transaction_id") != body.get("store_original_transaction_id"),
        ),
        (
            "one_time_purchase_trial_error",
            one_time and offer is not None and offer.get("type") == "free_trial",
        ),
        (
            "expires_date_error",
            expires is not None and purchased is not None and expires <= purchased,
        ),
        (
            "originally_purchased_date_error",
            earlier(purchased, _at(body, "originally_purchased_at")),
        ),
        ("billing_issue_detected_at_date_comparison_error", earlier(billing, purchased)),
        (
            "renew_status_changed_date_error",
            earlier(_at(body, "renew_status_changed_at"), purchased),
        ),
        ("grace_period_expires_date_error", earlier(grace, expires)),
        ("grace_period_billing_error", grace is not None and billing is None),
        (
            "refund_fields_error",
            (refunded is not None) != (body.get("cancellation_reason") == "refund"),
        ),
        ("refund_date_error", earlier(refunded, purchased)),
        ("family_share_price_error", body.get("is_family_shared") is True and price != 0),
        (
            "free_trial_price_error",
            offer is not None and offer.get("type") == "free_trial" and price != 0,
        ),
        (
            "missing_offer_id",
            offer is not None
            and offer.get("category") != "introductory"
            and offer.get("id") is None,
        ),
    ]
    for code, broken in checks:
        if broken:
            return code
    return None


def with_(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A copy of ``base`` with fields changed (a value of ``...`` removes the field)."""
    body = copy.deepcopy(base)
    for name, value in changes.items():
        if value is ...:
            body.pop(name, None)
        else:
            body[name] = value
    return body
