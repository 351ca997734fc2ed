from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.access_level import AccessLevel
from ..models.non_subscription import NonSubscription
from ..models.stored_custom_attribute import StoredCustomAttribute
from ..models.subscription import Subscription

T = TypeVar("T", bound="Profile")

# The keys from_dict() reads: any other key goes to additional_properties.
_KNOWN_KEYS = frozenset(
    {
        "app_id",
        "profile_id",
        "customer_user_id",
        "total_revenue_usd",
        "segment_hash",
        "timestamp",
        "custom_attributes",
        "access_levels",
        "subscriptions",
        "non_subscriptions",
    }
)


@_attrs_define
class Profile:
    """An end user's profile as Adapty stores it.

    Attributes:
        app_id (str): A UUID, hyphenated 8-4-4-4-12 hexadecimal digits, in any case.
        profile_id (str): A UUID, hyphenated 8-4-4-4-12 hexadecimal digits, in any case.
        customer_user_id (None | str): Your user's id, or `null` for an anonymous profile.
        total_revenue_usd (float): The revenue from this user, in US dollars; `0.0` for a new profile.
        segment_hash (str): A hash of the segments the profile belongs to.
        timestamp (int): Milliseconds since the Unix epoch, at response time.
        custom_attributes (list[StoredCustomAttribute]): The stored custom attributes.
        access_levels (list[AccessLevel]): The access levels the user has or had. Adapty's objects page says it "can be
            null" when there is none: `null` is valid, and the generated client reads it as an empty list (the field's type
            stays a plain list).
        subscriptions (list[Subscription]): The user's subscriptions. Adapty's objects page says it "can be null" when
            there is none: `null` is valid, and the generated client reads it as an empty list (the field's type stays a
            plain list).
        non_subscriptions (list[NonSubscription]): The user's purchases that are not subscriptions. Adapty's objects
            page says it "can be null" when there is none: `null` is valid, and the generated client reads it as an empty
            list (the field's type stays a plain list).
    """

    app_id: str
    profile_id: str
    customer_user_id: None | str
    total_revenue_usd: float
    segment_hash: str
    timestamp: int
    custom_attributes: list[StoredCustomAttribute]
    access_levels: list[AccessLevel]
    subscriptions: list[Subscription]
    non_subscriptions: list[NonSubscription]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        app_id = self.app_id

        profile_id = self.profile_id

        customer_user_id: None | str = self.customer_user_id

        total_revenue_usd = self.total_revenue_usd

        segment_hash = self.segment_hash

        timestamp = self.timestamp

        custom_attributes = []
        for custom_attributes_item_data in self.custom_attributes:
            custom_attributes_item = custom_attributes_item_data.to_dict()
            custom_attributes.append(custom_attributes_item)

        access_levels = []
        for access_levels_item_data in self.access_levels:
            access_levels_item = access_levels_item_data.to_dict()
            access_levels.append(access_levels_item)

        subscriptions = []
        for subscriptions_item_data in self.subscriptions:
            subscriptions_item = subscriptions_item_data.to_dict()
            subscriptions.append(subscriptions_item)

        non_subscriptions = []
        for non_subscriptions_item_data in self.non_subscriptions:
            non_subscriptions_item = non_subscriptions_item_data.to_dict()
            non_subscriptions.append(non_subscriptions_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "app_id": app_id,
                "profile_id": profile_id,
                "customer_user_id": customer_user_id,
                "total_revenue_usd": total_revenue_usd,
                "segment_hash": segment_hash,
                "timestamp": timestamp,
                "custom_attributes": custom_attributes,
                "access_levels": access_levels,
                "subscriptions": subscriptions,
                "non_subscriptions": non_subscriptions,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        app_id = src_dict["app_id"]

        profile_id = src_dict["profile_id"]

        customer_user_id: None | str = src_dict["customer_user_id"]

        total_revenue_usd = src_dict["total_revenue_usd"]

        segment_hash = src_dict["segment_hash"]

        timestamp = src_dict["timestamp"]

        custom_attributes = [
            StoredCustomAttribute.from_dict(custom_attributes_item_data)
            for custom_attributes_item_data in src_dict.get("custom_attributes") or ()
        ]

        access_levels = [
            AccessLevel.from_dict(access_levels_item_data)
            for access_levels_item_data in src_dict.get("access_levels") or ()
        ]

        subscriptions = [
            Subscription.from_dict(subscriptions_item_data)
            for subscriptions_item_data in src_dict.get("subscriptions") or ()
        ]

        non_subscriptions = [
            NonSubscription.from_dict(non_subscriptions_item_data)
            for non_subscriptions_item_data in src_dict.get("non_subscriptions") or ()
        ]

        # Positional, in the order of the fields above (attrs' __init__ order).
        profile = cls(
            app_id,
            profile_id,
            customer_user_id,
            total_revenue_usd,
            segment_hash,
            timestamp,
            custom_attributes,
            access_levels,
            subscriptions,
            non_subscriptions,
        )

        # Every required key (lists aside: absent reads as []) was read above: a mapping of
        # exactly that many keys holds no other.
        if len(src_dict) > 6 and not _KNOWN_KEYS.issuperset(src_dict):
            d = {key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS}

            profile.additional_properties = d
        return profile

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
