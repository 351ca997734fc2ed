from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.cancellation_reason_value import CancellationReasonValue, check_cancellation_reason_value
from ..models.one_time_purchase_transaction_purchase_type import (
    OneTimePurchaseTransactionPurchaseType,
    check_one_time_purchase_transaction_purchase_type,
)
from ..models.price import Price
from ..models.transaction_environment import TransactionEnvironment, check_transaction_environment
from ..models.transaction_offer import TransactionOffer
from ..types import UNSET, Unset, parse_datetime

T = TypeVar("T", bound="OneTimePurchaseTransaction")


@_attrs_define
class OneTimePurchaseTransaction:
    """A transaction of a one-time purchase (a consumable or a lifetime product); it forms no chain.

    Attributes:
        purchase_type (OneTimePurchaseTransactionPurchaseType): `one_time_purchase`.
        store (str): The store: `app_store`, `play_store`, `stripe`, `paddle`, or a custom store's
            Store ID. Non-empty.
        store_product_id (str): The product's id in the store; it names the access level through the app's products.
            Non-empty.
        store_transaction_id (str): The transaction's id in the store, 1 to 50 characters (Adapty's newer OpenAPI
            file: trim or hash longer ids).
        store_original_transaction_id (str): The id of the chain's first transaction (equal to `store_transaction_id` on
            the first purchase), 1 to 50 characters like it.
        price (Price): What the transaction cost, in its own currency.
        purchased_at (datetime.datetime): A date and time in a request: RFC 3339 with an uppercase `T`, seconds from 00
            to 59, 1 to 9 optional fractional digits, and `Z` or an offset with a colon
            (`2030-01-01T00:00:00Z`, `2030-01-01T01:00:00.5+01:00`), in the years 1900
            to 2199 (the kit's bound: no purchase is older, and every such instant has a
            UTC form). Stricter than what responses carry (`DateTime`).
        environment (TransactionEnvironment | Unset): `Production` (when omitted) or `Sandbox`. Not nullable.
        is_family_shared (bool | Unset): Whether the purchase is shared through Apple's Family Sharing (then
            `price.value` is 0); omitted, false. Not nullable.
        variation_id (None | str | Unset): The paywall variation that sold the purchase. Nullable.
        offer (None | TransactionOffer | Unset): The offer applied to the transaction, or `null`.
        refunded_at (datetime.datetime | None | Unset): When the transaction was refunded (then `cancellation_reason` is
            `refund`); not earlier than `purchased_at`. Nullable.
        cancellation_reason (CancellationReasonValue | None | Unset): Why the transaction was cancelled (`refund`
            exactly when `refunded_at` is set). Nullable.
    """

    purchase_type: OneTimePurchaseTransactionPurchaseType
    store: str
    store_product_id: str
    store_transaction_id: str
    store_original_transaction_id: str
    price: Price
    purchased_at: datetime.datetime
    environment: TransactionEnvironment | Unset = UNSET
    is_family_shared: bool | Unset = UNSET
    variation_id: None | str | Unset = UNSET
    offer: None | TransactionOffer | Unset = UNSET
    refunded_at: datetime.datetime | None | Unset = UNSET
    cancellation_reason: CancellationReasonValue | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        purchase_type: str = self.purchase_type

        store = self.store

        store_product_id = self.store_product_id

        store_transaction_id = self.store_transaction_id

        store_original_transaction_id = self.store_original_transaction_id

        price = self.price.to_dict()

        purchased_at = self.purchased_at.isoformat()

        environment: str | Unset = UNSET
        if not isinstance(self.environment, Unset):
            environment = self.environment

        is_family_shared = self.is_family_shared

        variation_id: None | str | Unset = self.variation_id

        offer: dict[str, Any] | None | Unset
        if isinstance(self.offer, Unset):
            offer = UNSET
        elif isinstance(self.offer, TransactionOffer):
            offer = self.offer.to_dict()
        else:
            offer = self.offer

        refunded_at: None | str | Unset
        if isinstance(self.refunded_at, Unset):
            refunded_at = UNSET
        elif isinstance(self.refunded_at, datetime.datetime):
            refunded_at = self.refunded_at.isoformat()
        else:
            refunded_at = self.refunded_at

        cancellation_reason: None | str | Unset
        if isinstance(self.cancellation_reason, Unset):
            cancellation_reason = UNSET
        elif isinstance(self.cancellation_reason, str):
            cancellation_reason = self.cancellation_reason
        else:
            cancellation_reason = self.cancellation_reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "purchase_type": purchase_type,
                "store": store,
                "store_product_id": store_product_id,
                "store_transaction_id": store_transaction_id,
                "store_original_transaction_id": store_original_transaction_id,
                "price": price,
                "purchased_at": purchased_at,
            }
        )
        if environment is not UNSET:
            field_dict["environment"] = environment
        if is_family_shared is not UNSET:
            field_dict["is_family_shared"] = is_family_shared
        if variation_id is not UNSET:
            field_dict["variation_id"] = variation_id
        if offer is not UNSET:
            field_dict["offer"] = offer
        if refunded_at is not UNSET:
            field_dict["refunded_at"] = refunded_at
        if cancellation_reason is not UNSET:
            field_dict["cancellation_reason"] = cancellation_reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        purchase_type = check_one_time_purchase_transaction_purchase_type(src_dict["purchase_type"])

        store = src_dict["store"]

        store_product_id = src_dict["store_product_id"]

        store_transaction_id = src_dict["store_transaction_id"]

        store_original_transaction_id = src_dict["store_original_transaction_id"]

        price = Price.from_dict(src_dict["price"])

        purchased_at = parse_datetime(src_dict["purchased_at"])

        _environment = src_dict.get("environment", UNSET)
        environment: TransactionEnvironment | Unset
        if isinstance(_environment, Unset):
            environment = UNSET
        else:
            environment = check_transaction_environment(_environment)

        is_family_shared = src_dict.get("is_family_shared", UNSET)

        variation_id: None | str | Unset = src_dict.get("variation_id", UNSET)

        _offer = src_dict.get("offer", UNSET)
        offer: None | TransactionOffer | Unset
        if _offer is None or _offer is UNSET:
            offer = _offer
        else:
            try:
                if not isinstance(_offer, dict):
                    raise TypeError()
                componentsschemas_nullable_transaction_offer_type_0 = TransactionOffer.from_dict(_offer)

                offer = componentsschemas_nullable_transaction_offer_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                offer = cast(None | TransactionOffer | Unset, _offer)

        _refunded_at = src_dict.get("refunded_at", UNSET)
        refunded_at: datetime.datetime | None | Unset
        if _refunded_at is None or _refunded_at is UNSET:
            refunded_at = _refunded_at
        else:
            try:
                if not isinstance(_refunded_at, str):
                    raise TypeError()
                componentsschemas_refunded_at_type_0 = parse_datetime(_refunded_at)

                refunded_at = componentsschemas_refunded_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                refunded_at = cast(datetime.datetime | None | Unset, _refunded_at)

        _cancellation_reason = src_dict.get("cancellation_reason", UNSET)
        cancellation_reason: CancellationReasonValue | None | Unset
        if _cancellation_reason is None or _cancellation_reason is UNSET:
            cancellation_reason = _cancellation_reason
        else:
            try:
                if not isinstance(_cancellation_reason, str):
                    raise TypeError()
                componentsschemas_cancellation_reason_type_0 = check_cancellation_reason_value(_cancellation_reason)

                cancellation_reason = componentsschemas_cancellation_reason_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                cancellation_reason = cast(CancellationReasonValue | None | Unset, _cancellation_reason)

        # Positional, in the order of the fields above (attrs' __init__ order).
        one_time_purchase_transaction = cls(
            purchase_type,
            store,
            store_product_id,
            store_transaction_id,
            store_original_transaction_id,
            price,
            purchased_at,
            environment,
            is_family_shared,
            variation_id,
            offer,
            refunded_at,
            cancellation_reason,
        )

        return one_time_purchase_transaction
