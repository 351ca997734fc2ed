"""Hand-written validation of the purchase operations' bodies: grant, revoke, set transaction.

Written from Adapty's reference and the kit's decisions, never from the spec. First the shape
(every field's type, nullability, enum and format: 400 ``bad_request``, one item per field), then,
for a transaction, the documented cross-field rules, each a 400 with its own ``error_code``; the
first that fails answers, in :data:`TRANSACTION_RULES` order.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from recorded_server.emulator.entitlements.dates import parse_request_datetime
from recorded_server.emulator.rules.validation import Problems
from recorded_server.serving import errors
from recorded_server.serving.jsontext import json_type

_T = TypeVar("_T")

MAX_TRANSACTION_ID = 50
MAX_PRICE = 1_000_000_000
ENVIRONMENTS = ("Production", "Sandbox")
OFFER_CATEGORIES = ("introductory", "promotional", "offer_code", "win_back")
OFFER_TYPES = ("free_trial", "pay_as_you_go", "pay_up_front")
CANCELLATION_REASONS = (
    "billing_error",
    "cancelled_by_developer",
    "new_subscription_replace",
    "price_increase",
    "product_was_not_available",
    "refund",
    "unknown",
    "upgraded",
    "voluntarily_cancelled",
    "adapty_revoked",
)
_COUNTRY = re.compile(r"[A-Z]{2}")
_CURRENCY = re.compile(r"[A-Z]{3}")
DATE_TIME_MESSAGE = (
    "Datetime has wrong format. Use RFC 3339: YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm)."
)


def _object(body: object) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise errors.bad_request(
            [
                (
                    errors.NON_FIELD,
                    [f"Invalid data. Expected a dictionary, but got {json_type(body)}."],
                )
            ]
        )
    return body


def _unknown(
    body: dict[str, Any], allowed: tuple[str, ...], problems: Problems, prefix: str = ""
) -> None:
    for name in body:
        if name not in allowed:
            problems.add(f"{prefix}{name}", errors.UNKNOWN_FIELD)


class _Reader:
    """Reads the fields of one JSON object, recording a problem per bad field."""

    def __init__(self, body: dict[str, Any], problems: Problems, prefix: str = "") -> None:
        self.body = body
        self.problems = problems
        self.prefix = prefix

    def get(self, name: str, required: bool, nullable: bool) -> tuple[bool, Any]:
        """``(present-and-non-null, value)``; records missing / null problems."""
        if name not in self.body:
            if required:
                self.problems.add(self.prefix + name, errors.REQUIRED)
            return False, None
        value = self.body[name]
        if value is None:
            if not nullable:
                self.problems.add(self.prefix + name, errors.NOT_NULL)
            return False, None
        return True, value

    def typed(
        self, name: str, required: bool, nullable: bool, kind: type[_T], message: str
    ) -> _T | None:
        """The field's value when it is present, non-null and a ``kind``; else ``None``, with a
        problem recorded (``message`` for the wrong type)."""
        ok, value = self.get(name, required, nullable)
        if not ok:
            return None
        if not isinstance(value, kind):
            self.problems.add(self.prefix + name, message)
            return None
        return value

    def string(
        self, name: str, *, required: bool = False, nullable: bool = False, max_length: int = 0
    ) -> str | None:
        value = self.typed(name, required, nullable, str, errors.NOT_A_STRING)
        if value is None:
            return None
        if value == "" and not nullable:
            self.problems.add(self.prefix + name, errors.BLANK)
            return None
        if max_length and len(value) > max_length:
            self.problems.add(
                self.prefix + name, f"Ensure this field has no more than {max_length} characters."
            )
            return None
        return value

    def choice(
        self, name: str, options: tuple[str, ...], *, required: bool = False, nullable: bool = False
    ) -> str | None:
        ok, value = self.get(name, required, nullable)
        if not ok:
            return None
        if not isinstance(value, str) or value not in options:
            shown = value if isinstance(value, str) else json_type(value)
            self.problems.add(self.prefix + name, f'"{shown[:64]}" is not a valid choice.')
            return None
        return value

    def boolean(self, name: str, *, required: bool = False) -> bool | None:
        return self.typed(name, required, False, bool, errors.NOT_A_BOOLEAN)

    def moment(
        self, name: str, *, required: bool = False, nullable: bool = False
    ) -> datetime.datetime | None:
        value = self.typed(name, required, nullable, str, errors.NOT_A_STRING)
        if value is None:
            return None
        moment = parse_request_datetime(value)
        if moment is None:
            self.problems.add(self.prefix + name, DATE_TIME_MESSAGE)
        return moment


# --- grant and revoke ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Grant:
    access_level_id: str
    starts_at: datetime.datetime | None
    expires_at: datetime.datetime | None


@dataclass(frozen=True, slots=True)
class Revoke:
    access_level_id: str
    revoke_at: datetime.datetime | None


def validate_grant(body: object) -> Grant:
    data = _object(body)
    problems = Problems()
    _unknown(data, ("access_level_id", "starts_at", "expires_at"), problems)
    read = _Reader(data, problems)
    level = read.string("access_level_id", required=True)
    starts_at = read.moment("starts_at", nullable=True)
    expires_at = read.moment("expires_at", nullable=True)
    problems.raise_if_any()
    assert level is not None
    return Grant(level, starts_at, expires_at)


def validate_revoke(body: object) -> Revoke:
    data = _object(body)
    problems = Problems()
    _unknown(data, ("access_level_id", "revoke_at"), problems)
    read = _Reader(data, problems)
    level = read.string("access_level_id", required=True)
    revoke_at = read.moment("revoke_at", nullable=True)
    problems.raise_if_any()
    assert level is not None
    return Revoke(level, revoke_at)


# --- set transaction -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Offer:
    category: str
    type: str
    id: str | None
    id_sent: bool

    def as_json(self) -> dict[str, Any]:
        return {"category": self.category, "type": self.type, "id": self.id}


@dataclass(frozen=True, slots=True)
class Transaction:
    purchase_type: str
    store: str
    environment: str
    store_product_id: str
    store_transaction_id: str
    store_original_transaction_id: str
    is_family_shared: bool
    country: str
    currency: str
    price: float
    purchased_at: datetime.datetime
    variation_id: str | None
    offer: Offer | None
    refunded_at: datetime.datetime | None
    cancellation_reason: str | None
    # subscription only
    originally_purchased_at: datetime.datetime | None = None
    expires_at: datetime.datetime | None = None
    renew_status: bool | None = None
    renew_status_changed_at: datetime.datetime | None = None
    billing_issue_detected_at: datetime.datetime | None = None
    grace_period_expires_at: datetime.datetime | None = None

    @property
    def is_subscription(self) -> bool:
        return self.purchase_type == "subscription"


_COMMON = (
    "purchase_type",
    "store",
    "environment",
    "store_product_id",
    "store_transaction_id",
    "store_original_transaction_id",
    "is_family_shared",
    "price",
    "purchased_at",
    "variation_id",
    "offer",
    "refunded_at",
    "cancellation_reason",
)
_SUBSCRIPTION_ONLY = (
    "originally_purchased_at",
    "expires_at",
    "renew_status",
    "renew_status_changed_at",
    "billing_issue_detected_at",
    "grace_period_expires_at",
)
PURCHASE_TYPES = ("subscription", "one_time_purchase")


def _nested(
    value: object, name: str, allowed: tuple[str, ...], problems: Problems
) -> _Reader | None:
    """A reader of the object field ``name`` (its problems named ``name.field``), or ``None``
    with a problem recorded when it is not an object."""
    if not isinstance(value, dict):
        problems.add(name, f"Invalid data. Expected a dictionary, but got {json_type(value)}.")
        return None
    _unknown(value, allowed, problems, f"{name}.")
    return _Reader(value, problems, f"{name}.")


def _price(value: object, problems: Problems) -> tuple[str, str, float] | None:
    before = len(problems.items)
    read = _nested(value, "price", ("country", "currency", "value"), problems)
    if read is None:
        return None
    country = read.string("country", required=True)
    if country is not None and _COUNTRY.fullmatch(country) is None:
        problems.add(
            "price.country", 'Must be two uppercase letters (ISO 3166-1 alpha-2), e.g. "US".'
        )
    currency = read.string("currency", required=True)
    if currency is not None and _CURRENCY.fullmatch(currency) is None:
        problems.add("price.currency", 'Must be three uppercase letters (ISO 4217), e.g. "USD".')
    amount: float | None = None
    ok, raw = read.get("value", True, False)
    if ok:
        if (
            isinstance(raw, bool)
            or not isinstance(raw, int | float)
            or (isinstance(raw, float) and not math.isfinite(raw))
        ):
            problems.add("price.value", "A valid number is required.")
        elif raw < 0 or raw > MAX_PRICE:
            problems.add("price.value", f"Must be a number from 0 to {MAX_PRICE}.")
        else:
            amount = float(raw)
    if len(problems.items) > before or country is None or currency is None or amount is None:
        return None
    return country, currency, amount


def _offer(value: object, problems: Problems) -> Offer | None:
    before = len(problems.items)
    read = _nested(value, "offer", ("category", "type", "id"), problems)
    if read is None:
        return None
    category = read.choice("category", OFFER_CATEGORIES, required=True)
    kind = read.choice("type", OFFER_TYPES, required=True)
    offer_id = None
    if "id" in read.body and read.body["id"] is not None:
        if not isinstance(read.body["id"], str):
            problems.add("offer.id", errors.NOT_A_STRING)
        else:
            offer_id = read.body["id"]
    if len(problems.items) > before or category is None or kind is None:
        return None
    return Offer(category, kind, offer_id, "id" in read.body)


def validate_transaction(body: object) -> Transaction:
    """The transaction a body asks to record: its shape (400 ``bad_request``), then its rules."""
    data = _object(body)
    problems = Problems()
    read = _Reader(data, problems)
    purchase_type = read.choice("purchase_type", PURCHASE_TYPES, required=True)
    if purchase_type is None:
        problems.raise_if_any()
    subscription = purchase_type == "subscription"
    _unknown(data, _COMMON + _SUBSCRIPTION_ONLY if subscription else _COMMON, problems)
    store = read.string("store", required=True)
    environment = read.choice("environment", ENVIRONMENTS) or "Production"
    product = read.string("store_product_id", required=True)
    transaction_id = read.string(
        "store_transaction_id", required=True, max_length=MAX_TRANSACTION_ID
    )
    original_id = read.string(
        "store_original_transaction_id", required=True, max_length=MAX_TRANSACTION_ID
    )
    family = read.boolean("is_family_shared")
    price = None
    if "price" not in data:
        problems.add("price", errors.REQUIRED)
    elif data["price"] is None:
        problems.add("price", errors.NOT_NULL)
    else:
        price = _price(data["price"], problems)
    purchased_at = read.moment("purchased_at", required=True)
    variation_id = None
    if data.get("variation_id") is not None:
        variation_id = read.string("variation_id", nullable=True)
    offer = None
    if data.get("offer") is not None:
        offer = _offer(data["offer"], problems)
    refunded_at = read.moment("refunded_at", nullable=True)
    reason = read.choice("cancellation_reason", CANCELLATION_REASONS, nullable=True)
    extra: dict[str, Any] = {}
    if subscription:
        extra["originally_purchased_at"] = read.moment("originally_purchased_at", required=True)
        extra["expires_at"] = read.moment("expires_at", required=True)
        extra["renew_status"] = read.boolean("renew_status", required=True)
        for name in (
            "renew_status_changed_at",
            "billing_issue_detected_at",
            "grace_period_expires_at",
        ):
            extra[name] = read.moment(name, nullable=True)
    problems.raise_if_any()
    assert purchase_type and store and product and transaction_id and original_id
    assert price is not None and purchased_at is not None
    transaction = Transaction(
        purchase_type=purchase_type,
        store=store,
        environment=environment,
        store_product_id=product,
        store_transaction_id=transaction_id,
        store_original_transaction_id=original_id,
        is_family_shared=bool(family),
        country=price[0],
        currency=price[1],
        price=price[2],
        purchased_at=purchased_at,
        variation_id=variation_id,
        offer=offer,
        refunded_at=refunded_at,
        cancellation_reason=reason,
        **extra,
    )
    check_transaction_rules(transaction)
    return transaction


Rule = tuple[str, str, str, Callable[[Transaction], bool]]
"""``(error_code, source, message, broken)``: ``broken(t)`` is true when ``t`` breaks the rule."""


def _before(a: datetime.datetime | None, b: datetime.datetime | None) -> bool:
    return a is not None and b is not None and a < b


TRANSACTION_RULES: tuple[Rule, ...] = (
    (
        "store_transaction_id_error",
        "store_transaction_id",
        "A one-time purchase's store_transaction_id must equal its store_original_transaction_id.",
        lambda t: (
            not t.is_subscription and t.store_transaction_id != t.store_original_transaction_id
        ),
    ),
    (
        "one_time_purchase_trial_error",
        "offer.type",
        "A one-time purchase cannot have a free_trial offer.",
        lambda t: not t.is_subscription and t.offer is not None and t.offer.type == "free_trial",
    ),
    (
        "expires_date_error",
        "expires_at",
        "expires_at must be later than purchased_at.",
        lambda t: t.expires_at is not None and not t.purchased_at < t.expires_at,
    ),
    (
        "originally_purchased_date_error",
        "originally_purchased_at",
        "originally_purchased_at must not be later than purchased_at.",
        lambda t: _before(t.purchased_at, t.originally_purchased_at),
    ),
    (
        "billing_issue_detected_at_date_comparison_error",
        "billing_issue_detected_at",
        "billing_issue_detected_at must not be earlier than purchased_at.",
        lambda t: _before(t.billing_issue_detected_at, t.purchased_at),
    ),
    (
        "renew_status_changed_date_error",
        "renew_status_changed_at",
        "renew_status_changed_at must not be earlier than purchased_at.",
        lambda t: _before(t.renew_status_changed_at, t.purchased_at),
    ),
    (
        "grace_period_expires_date_error",
        "grace_period_expires_at",
        "grace_period_expires_at must not be earlier than expires_at.",
        lambda t: _before(t.grace_period_expires_at, t.expires_at),
    ),
    (
        "grace_period_billing_error",
        "grace_period_billing_error",
        "A grace period is a billing issue: grace_period_expires_at needs "
        "billing_issue_detected_at.",
        lambda t: t.grace_period_expires_at is not None and t.billing_issue_detected_at is None,
    ),
    (
        "refund_fields_error",
        "refunded_at",
        "refunded_at and cancellation_reason refund must be sent together.",
        lambda t: (t.refunded_at is not None) != (t.cancellation_reason == "refund"),
    ),
    (
        "refund_date_error",
        "refunded_at",
        "refunded_at must not be earlier than purchased_at.",
        lambda t: _before(t.refunded_at, t.purchased_at),
    ),
    (
        "family_share_price_error",
        "is_family_shared",
        "A family-shared purchase must have price.value 0.",
        lambda t: t.is_family_shared and t.price != 0,
    ),
    (
        "free_trial_price_error",
        "offer.type",
        "A free_trial offer must have price.value 0.",
        lambda t: t.offer is not None and t.offer.type == "free_trial" and t.price != 0,
    ),
    (
        "missing_offer_id",
        "offer.category",
        "offer.id is required unless offer.category is introductory.",
        lambda t: t.offer is not None and t.offer.category != "introductory" and t.offer.id is None,
    ),
)
"""The documented rules of a transaction, in the order they are checked."""

RULE_CODES = tuple(rule[0] for rule in TRANSACTION_RULES)


def check_transaction_rules(transaction: Transaction) -> None:
    for code, source, message, broken in TRANSACTION_RULES:
        if broken(transaction):
            raise errors.ApiError(400, code, [(source, [message])])
