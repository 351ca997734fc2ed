from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.profile import Profile

T = TypeVar("T", bound="ProfileResponse")

# The keys from_dict() reads: any other key goes to additional_properties.
_KNOWN_KEYS = frozenset(
    {
        "data",
    }
)


@_attrs_define
class ProfileResponse:
    """The body of a successful create, read or update.

    Attributes:
        data (Profile): An end user's profile as Adapty stores it.
    """

    data: Profile
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = self.data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        data = Profile.from_dict(src_dict["data"])

        # Positional, in the order of the fields above (attrs' __init__ order).
        profile_response = cls(
            data,
        )

        # Every required key (lists aside: absent reads as []) was read above: a mapping of
        # exactly that many keys holds no other.
        if len(src_dict) > 1 and not _KNOWN_KEYS.issuperset(src_dict):
            d = {key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS}

            profile_response.additional_properties = d
        return profile_response

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
