from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, parse_datetime

T = TypeVar("T", bound="NonSubscription")

# The keys from_dict() reads: any other key goes to additional_properties.
_KNOWN_KEYS = frozenset(
    {
        "purchase_id",
        "store",
        "store_product_id",
        "store_base_plan_id",
        "store_transaction_id",
        "store_original_transaction_id",
        "purchased_at",
        "environment",
        "is_refund",
        "is_consumable",
    }
)


@_attrs_define
class NonSubscription:
    """A purchase that is not a subscription (a consumable or a lifetime product).
    Adapty's OpenAPI file marks none of its properties required: any of them may
    be absent (`UNSET` in the client).

        Attributes:
            purchase_id (str | Unset): Adapty's id of the purchase.
            store (str | Unset): The store of the purchase.
            store_product_id (str | Unset): The product's id in the store.
            store_base_plan_id (None | str | Unset): The product's base plan id (Google Play); empty or `null` elsewhere.
            store_transaction_id (str | Unset): The transaction's id in the store.
            store_original_transaction_id (str | Unset): The id of the original transaction.
            purchased_at (datetime.datetime | Unset): A date and time with an offset: any RFC 3339 date-time (any offset,
                `Z` or
                `z`, `T` or `t`, any number of fractional digits, a leap second), such as
                Adapty's reference's `2024-12-24T10:50:23+00:00`, or the seed's form with an
                offset without a colon, `2022-10-12T09:42:50.000000+0000`. The client parses
                every one into a timezone-aware `datetime` equal to it (`types.parse_datetime`;
                `datetime` keeps microseconds, and a leap second reads as the next second).

                `format: date-time` alone would reject the seed's form (in jsonschema and in
                Schemathesis), and common validators also reject a lowercase `t` or `z` and a
                leap second, so the schema is an `anyOf`: RFC 3339 checked by the format, the
                offset without a colon, or the forms validators reject, each checked by a
                pattern; the outer pattern checks the ranges of every part. The client
                generator reads `x-client-schema` instead (plain `format: date-time`).
            environment (str | Unset): The store environment, `Production` or `Sandbox`.
            is_refund (bool | Unset): Whether the purchase was refunded.
            is_consumable (bool | Unset): Whether the product is a consumable.
    """

    purchase_id: str | Unset = UNSET
    store: str | Unset = UNSET
    store_product_id: str | Unset = UNSET
    store_base_plan_id: None | str | Unset = UNSET
    store_transaction_id: str | Unset = UNSET
    store_original_transaction_id: str | Unset = UNSET
    purchased_at: datetime.datetime | Unset = UNSET
    environment: str | Unset = UNSET
    is_refund: bool | Unset = UNSET
    is_consumable: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        purchase_id = self.purchase_id

        store = self.store

        store_product_id = self.store_product_id

        store_base_plan_id: None | str | Unset = self.store_base_plan_id

        store_transaction_id = self.store_transaction_id

        store_original_transaction_id = self.store_original_transaction_id

        purchased_at: str | Unset = UNSET
        if not isinstance(self.purchased_at, Unset):
            purchased_at = self.purchased_at.isoformat()

        environment = self.environment

        is_refund = self.is_refund

        is_consumable = self.is_consumable

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if purchase_id is not UNSET:
            field_dict["purchase_id"] = purchase_id
        if store is not UNSET:
            field_dict["store"] = store
        if store_product_id is not UNSET:
            field_dict["store_product_id"] = store_product_id
        if store_base_plan_id is not UNSET:
            field_dict["store_base_plan_id"] = store_base_plan_id
        if store_transaction_id is not UNSET:
            field_dict["store_transaction_id"] = store_transaction_id
        if store_original_transaction_id is not UNSET:
            field_dict["store_original_transaction_id"] = store_original_transaction_id
        if purchased_at is not UNSET:
            field_dict["purchased_at"] = purchased_at
        if environment is not UNSET:
            field_dict["environment"] = environment
        if is_refund is not UNSET:
            field_dict["is_refund"] = is_refund
        if is_consumable is not UNSET:
            field_dict["is_consumable"] = is_consumable

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        purchase_id = src_dict.get("purchase_id", UNSET)

        store = src_dict.get("store", UNSET)

        store_product_id = src_dict.get("store_product_id", UNSET)

        store_base_plan_id: None | str | Unset = src_dict.get("store_base_plan_id", UNSET)

        store_transaction_id = src_dict.get("store_transaction_id", UNSET)

        store_original_transaction_id = src_dict.get("store_original_transaction_id", UNSET)

        _purchased_at = src_dict.get("purchased_at", UNSET)
        purchased_at: datetime.datetime | Unset
        if isinstance(_purchased_at, Unset):
            purchased_at = UNSET
        else:
            purchased_at = parse_datetime(_purchased_at)

        environment = src_dict.get("environment", UNSET)

        is_refund = src_dict.get("is_refund", UNSET)

        is_consumable = src_dict.get("is_consumable", UNSET)

        # Positional, in the order of the fields above (attrs' __init__ order).
        non_subscription = cls(
            purchase_id,
            store,
            store_product_id,
            store_base_plan_id,
            store_transaction_id,
            store_original_transaction_id,
            purchased_at,
            environment,
            is_refund,
            is_consumable,
        )

        # Every required key (lists aside: absent reads as []) was read above: a mapping of
        # exactly that many keys holds no other.
        if len(src_dict) > 0 and not _KNOWN_KEYS.issuperset(src_dict):
            d = {key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS}

            non_subscription.additional_properties = d
        return non_subscription

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
