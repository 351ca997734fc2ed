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
    }
)


@_attrs_define
class AccessLevelOffer:
    """An offer, as an access level names it (`category`, `type`, `id`).

    Attributes:
        category (str | Unset): The offer's category, such as `introductory` or `promotional`.
        type_ (str | Unset): The offer's type, such as `free_trial`, `pay_as_you_go` or `pay_up_front`.
        id (None | str | Unset): The offer's id in the store, or `null` for an offer without one.
    """

    category: str | Unset = UNSET
    type_: str | Unset = UNSET
    id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        category = self.category

        type_ = self.type_

        id: None | str | Unset = self.id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if category is not UNSET:
            field_dict["category"] = category
        if type_ is not UNSET:
            field_dict["type"] = type_
        if id is not UNSET:
            field_dict["id"] = id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        category = src_dict.get("category", UNSET)

        type_ = src_dict.get("type", UNSET)

        id: None | str | Unset = src_dict.get("id", UNSET)

        # Positional, in the order of the fields above (attrs' __init__ order).
        access_level_offer = cls(
            category,
            type_,
            id,
        )

        # Every required key was read above: a mapping of exactly that many keys holds no other.
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
