from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.access_level_offer import AccessLevelOffer
from ..types import UNSET, Unset, parse_datetime

T = TypeVar("T", bound="AccessLevel")

# The keys from_dict() reads: any other key goes to additional_properties.
_KNOWN_KEYS = frozenset(
    {
        "access_level_id",
        "store",
        "store_product_id",
        "store_base_plan_id",
        "store_transaction_id",
        "store_original_transaction_id",
        "offer",
        "environment",
        "starts_at",
        "purchased_at",
        "originally_purchased_at",
        "expires_at",
        "renewal_cancelled_at",
        "billing_issue_detected_at",
        "is_in_grace_period",
        "cancellation_reason",
    }
)


@_attrs_define
class AccessLevel:
    """An access level of the user, such as `premium`. Adapty's OpenAPI file marks
    none of its properties required: any of them may be absent (`UNSET` in the
    client).

        Attributes:
            access_level_id (str | Unset): The access level's id, as set up in Adapty.
            store (str | Unset): The store of the purchase that grants it.
            store_product_id (str | Unset): The product's id in the store.
            store_base_plan_id (None | str | Unset): The product's base plan id (Google Play); empty or `null` elsewhere.
            store_transaction_id (str | Unset): The transaction's id in the store.
            store_original_transaction_id (str | Unset): The id of the first transaction of the purchase chain.
            offer (AccessLevelOffer | None | Unset): The offer applied to the purchase, or `null`.
            environment (str | Unset): The store environment, `Production` or `Sandbox`.
            starts_at (datetime.datetime | None | Unset): When the access level starts (it may be in the future), or `null`.
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
            originally_purchased_at (datetime.datetime | Unset): A date and time with an offset: any RFC 3339 date-time (any
                offset, `Z` or
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
            expires_at (datetime.datetime | None | Unset): When the access level expires, or `null` for a lifetime one.
            renewal_cancelled_at (datetime.datetime | None | Unset): When the auto-renewal was cancelled, or `null`.
            billing_issue_detected_at (datetime.datetime | None | Unset): When a billing issue was detected, or `null`.
            is_in_grace_period (bool | Unset): Whether the access level is in a grace period after a billing issue.
            cancellation_reason (None | str | Unset): Why the access level was cancelled, such as `voluntarily_cancelled`,
                or `null`.
    """

    access_level_id: str | Unset = UNSET
    store: str | Unset = UNSET
    store_product_id: str | Unset = UNSET
    store_base_plan_id: None | str | Unset = UNSET
    store_transaction_id: str | Unset = UNSET
    store_original_transaction_id: str | Unset = UNSET
    offer: AccessLevelOffer | None | Unset = UNSET
    environment: str | Unset = UNSET
    starts_at: datetime.datetime | None | Unset = UNSET
    purchased_at: datetime.datetime | Unset = UNSET
    originally_purchased_at: datetime.datetime | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET
    renewal_cancelled_at: datetime.datetime | None | Unset = UNSET
    billing_issue_detected_at: datetime.datetime | None | Unset = UNSET
    is_in_grace_period: bool | Unset = UNSET
    cancellation_reason: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        access_level_id = self.access_level_id

        store = self.store

        store_product_id = self.store_product_id

        store_base_plan_id: None | str | Unset = self.store_base_plan_id

        store_transaction_id = self.store_transaction_id

        store_original_transaction_id = self.store_original_transaction_id

        offer: dict[str, Any] | None | Unset
        if isinstance(self.offer, Unset):
            offer = UNSET
        elif isinstance(self.offer, AccessLevelOffer):
            offer = self.offer.to_dict()
        else:
            offer = self.offer

        environment = self.environment

        starts_at: None | str | Unset
        if isinstance(self.starts_at, Unset):
            starts_at = UNSET
        elif isinstance(self.starts_at, datetime.datetime):
            starts_at = self.starts_at.isoformat()
        else:
            starts_at = self.starts_at

        purchased_at: str | Unset = UNSET
        if not isinstance(self.purchased_at, Unset):
            purchased_at = self.purchased_at.isoformat()

        originally_purchased_at: str | Unset = UNSET
        if not isinstance(self.originally_purchased_at, Unset):
            originally_purchased_at = self.originally_purchased_at.isoformat()

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        renewal_cancelled_at: None | str | Unset
        if isinstance(self.renewal_cancelled_at, Unset):
            renewal_cancelled_at = UNSET
        elif isinstance(self.renewal_cancelled_at, datetime.datetime):
            renewal_cancelled_at = self.renewal_cancelled_at.isoformat()
        else:
            renewal_cancelled_at = self.renewal_cancelled_at

        billing_issue_detected_at: None | str | Unset
        if isinstance(self.billing_issue_detected_at, Unset):
            billing_issue_detected_at = UNSET
        elif isinstance(self.billing_issue_detected_at, datetime.datetime):
            billing_issue_detected_at = self.billing_issue_detected_at.isoformat()
        else:
            billing_issue_detected_at = self.billing_issue_detected_at

        is_in_grace_period = self.is_in_grace_period

        cancellation_reason: None | str | Unset = self.cancellation_reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if access_level_id is not UNSET:
            field_dict["access_level_id"] = access_level_id
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
        if offer is not UNSET:
            field_dict["offer"] = offer
        if environment is not UNSET:
            field_dict["environment"] = environment
        if starts_at is not UNSET:
            field_dict["starts_at"] = starts_at
        if purchased_at is not UNSET:
            field_dict["purchased_at"] = purchased_at
        if originally_purchased_at is not UNSET:
            field_dict["originally_purchased_at"] = originally_purchased_at
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if renewal_cancelled_at is not UNSET:
            field_dict["renewal_cancelled_at"] = renewal_cancelled_at
        if billing_issue_detected_at is not UNSET:
            field_dict["billing_issue_detected_at"] = billing_issue_detected_at
        if is_in_grace_period is not UNSET:
            field_dict["is_in_grace_period"] = is_in_grace_period
        if cancellation_reason is not UNSET:
            field_dict["cancellation_reason"] = cancellation_reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        access_level_id = src_dict.get("access_level_id", UNSET)

        store = src_dict.get("store", UNSET)

        store_product_id = src_dict.get("store_product_id", UNSET)

        store_base_plan_id: None | str | Unset = src_dict.get("store_base_plan_id", UNSET)

        store_transaction_id = src_dict.get("store_transaction_id", UNSET)

        store_original_transaction_id = src_dict.get("store_original_transaction_id", UNSET)

        _offer = src_dict.get("offer", UNSET)
        offer: AccessLevelOffer | None | Unset
        if _offer is None or _offer is UNSET:
            offer = _offer
        else:
            try:
                if not isinstance(_offer, dict):
                    raise TypeError()
                offer_type_0 = AccessLevelOffer.from_dict(_offer)

                offer = offer_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                offer = cast(AccessLevelOffer | None | Unset, _offer)

        environment = src_dict.get("environment", UNSET)

        _starts_at = src_dict.get("starts_at", UNSET)
        starts_at: datetime.datetime | None | Unset
        if _starts_at is None or _starts_at is UNSET:
            starts_at = _starts_at
        else:
            try:
                if not isinstance(_starts_at, str):
                    raise TypeError()
                starts_at_type_0 = parse_datetime(_starts_at)

                starts_at = starts_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                starts_at = cast(datetime.datetime | None | Unset, _starts_at)

        _purchased_at = src_dict.get("purchased_at", UNSET)
        purchased_at: datetime.datetime | Unset
        if isinstance(_purchased_at, Unset):
            purchased_at = UNSET
        else:
            purchased_at = parse_datetime(_purchased_at)

        _originally_purchased_at = src_dict.get("originally_purchased_at", UNSET)
        originally_purchased_at: datetime.datetime | Unset
        if isinstance(_originally_purchased_at, Unset):
            originally_purchased_at = UNSET
        else:
            originally_purchased_at = parse_datetime(_originally_purchased_at)

        _expires_at = src_dict.get("expires_at", UNSET)
        expires_at: datetime.datetime | None | Unset
        if _expires_at is None or _expires_at is UNSET:
            expires_at = _expires_at
        else:
            try:
                if not isinstance(_expires_at, str):
                    raise TypeError()
                expires_at_type_0 = parse_datetime(_expires_at)

                expires_at = expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                expires_at = cast(datetime.datetime | None | Unset, _expires_at)

        _renewal_cancelled_at = src_dict.get("renewal_cancelled_at", UNSET)
        renewal_cancelled_at: datetime.datetime | None | Unset
        if _renewal_cancelled_at is None or _renewal_cancelled_at is UNSET:
            renewal_cancelled_at = _renewal_cancelled_at
        else:
            try:
                if not isinstance(_renewal_cancelled_at, str):
                    raise TypeError()
                renewal_cancelled_at_type_0 = parse_datetime(_renewal_cancelled_at)

                renewal_cancelled_at = renewal_cancelled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                renewal_cancelled_at = cast(datetime.datetime | None | Unset, _renewal_cancelled_at)

        _billing_issue_detected_at = src_dict.get("billing_issue_detected_at", UNSET)
        billing_issue_detected_at: datetime.datetime | None | Unset
        if _billing_issue_detected_at is None or _billing_issue_detected_at is UNSET:
            billing_issue_detected_at = _billing_issue_detected_at
        else:
            try:
                if not isinstance(_billing_issue_detected_at, str):
                    raise TypeError()
                billing_issue_detected_at_type_0 = parse_datetime(_billing_issue_detected_at)

                billing_issue_detected_at = billing_issue_detected_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                billing_issue_detected_at = cast(datetime.datetime | None | Unset, _billing_issue_detected_at)

        is_in_grace_period = src_dict.get("is_in_grace_period", UNSET)

        cancellation_reason: None | str | Unset = src_dict.get("cancellation_reason", UNSET)

        # Positional, in the order of the fields above (attrs' __init__ order).
        access_level = cls(
            access_level_id,
            store,
            store_product_id,
            store_base_plan_id,
            store_transaction_id,
            store_original_transaction_id,
            offer,
            environment,
            starts_at,
            purchased_at,
            originally_purchased_at,
            expires_at,
            renewal_cancelled_at,
            billing_issue_detected_at,
            is_in_grace_period,
            cancellation_reason,
        )

        # Every required key (lists aside: absent reads as []) was read above: a mapping of
        # exactly that many keys holds no other.
        if len(src_dict) > 0 and not _KNOWN_KEYS.issuperset(src_dict):
            d = {key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS}

            access_level.additional_properties = d
        return access_level

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
