from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="CustomAttribute")


@_attrs_define
class CustomAttribute:
    """One custom attribute to set, or to delete with a `null` or `""` value.

    Attributes:
        key (str): The attribute's key: 1 to 30 characters, only ASCII letters, digits, `-`,
            `.` and `_`.
        value (bool | float | None | str): The attribute's value (required; send `null` to delete): a string of at most
            30 characters (`""` deletes the attribute), a finite number (stored as a
            64-bit float, so `3` is returned as `3.0`), a boolean (stored and returned
            as `1.0` or `0.0`) or `null` (deletes the attribute).
    """

    key: str
    value: bool | float | None | str

    def to_dict(self) -> dict[str, Any]:
        key = self.key

        value: bool | float | None | str = self.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "key": key,
                "value": value,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        key = src_dict["key"]

        value: bool | float | None | str = src_dict["value"]

        # Positional, in the order of the fields above (attrs' __init__ order).
        custom_attribute = cls(
            key,
            value,
        )

        return custom_attribute
