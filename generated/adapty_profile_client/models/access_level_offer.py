from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AccessLevelOffer")

# The keys from_dict() reads: any other key goes to additional_properties.
_KNOWN_KEYS = frozenset(
    {
        "category",
        "type",
        "id",
        "offer_category",
        "offer_type",
        "offer_id",
    }
)


@_attrs_define
class AccessLevelOffer:
    """An offer, as an access level names it. It comes in two shapes: `category`,
    `type`, `id` (Adapty's reference, and the seed's access levels) or
    `offer_category`, `offer_type`, `offer_id` (the seed's subscriptions, and
    Adapty's objects page). Both are read into typed fields (in the client,
    `type` is `type_`); whichever the server sent is set, the other `UNSET`.

        Attributes:
            category (str | Unset): The offer's category, such as `introductory` or `promotional` (the reference's name).
            type_ (str | Unset): The offer's type, such as `free_trial`, `pay_as_you_go` or `pay_up_front` (the reference's
                name).
            id (None | str | Unset): The offer's id in the store, or `null` for an offer without one (the reference's name).
            offer_category (str | Unset): The offer's category, as the seed's subscriptions name it.
            offer_type (str | Unset): The offer's type, as the seed's subscriptions name it.
            offer_id (None | str | Unset): The offer's id in the store, or `null`, as the seed's subscriptions name it.
    """

    category: str | Unset = UNSET
    type_: str | Unset = UNSET
    id: None | str | Unset = UNSET
    offer_category: str | Unset = UNSET
    offer_type: str | Unset = UNSET
    offer_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        category = self.category

        type_ = self.type_

        id: None | str | Unset = self.id

        offer_category = self.offer_category

        offer_type = self.offer_type

        offer_id: None | str | Unset = self.offer_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if category is not UNSET:
            field_dict["category"] = category
        if type_ is not UNSET:
            field_dict["type"] = type_
        if id is not UNSET:
            field_dict["id"] = id
        if offer_category is not UNSET:
            field_dict["offer_category"] = offer_category
        if offer_type is not UNSET:
            field_dict["offer_type"] = offer_type
        if offer_id is not UNSET:
            field_dict["offer_id"] = offer_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        category = src_dict.get("category", UNSET)

        type_ = src_dict.get("type", UNSET)

        id: None | str | Unset = src_dict.get("id", UNSET)

        offer_category = src_dict.get("offer_category", UNSET)

        offer_type = src_dict.get("offer_type", UNSET)

        offer_id: None | str | Unset = src_dict.get("offer_id", UNSET)

        # Positional, in the order of the fields above (attrs' __init__ order).
        access_level_offer = cls(
            category,
            type_,
            id,
            offer_category,
            offer_type,
            offer_id,
        )

        # Every required key (lists aside: absent reads as []) was read above: a mapping of
        # exactly that many keys holds no other.
        if len(src_dict) > 0 and not _KNOWN_KEYS.issuperset(src_dict):
            d = {key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS}

            access_level_offer.additional_properties = d
        return access_level_offer

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
