from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ErrorItem")

# The keys from_dict() reads: any other key goes to additional_properties.
_KNOWN_KEYS = frozenset(
    {
        "source",
        "errors",
    }
)


@_attrs_define
class ErrorItem:
    """The errors of one source.

    Attributes:
        source (None | str): What the errors are about: a field's path (`custom_attributes.3.key`,
            `installation_meta.idfa`), a header's name (`adapty-customer-user-id`),
            `non_field_errors`, or `null`.
        errors (list[str]): The messages, such as `This field may not be null.`.
    """

    source: None | str
    errors: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        source: None | str = self.source

        errors = self.errors

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "source": source,
                "errors": errors,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        source: None | str = src_dict["source"]

        errors = cast(list[str], src_dict.get("errors") or [])

        # Positional, in the order of the fields above (attrs' __init__ order).
        error_item = cls(
            source,
            errors,
        )

        # Every required key (lists aside: absent reads as []) was read above: a mapping of
        # exactly that many keys holds no other.
        if len(src_dict) > 1 and not _KNOWN_KEYS.issuperset(src_dict):
            d = {key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS}

            error_item.additional_properties = d
        return error_item

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
