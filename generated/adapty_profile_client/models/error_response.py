from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.error_item import ErrorItem

T = TypeVar("T", bound="ErrorResponse")

# The keys from_dict() reads: any other key goes to additional_properties.
_KNOWN_KEYS = frozenset(
    {
        "errors",
        "error_code",
        "status_code",
    }
)


@_attrs_define
class ErrorResponse:
    """The envelope of every error, with `status_code` equal to the HTTP status.

    Attributes:
        errors (list[ErrorItem | str]): What went wrong, one item per offending field or header: an `ErrorItem`,
            or a plain message (other endpoints of Adapty's reference answer
            `"errors": ["Invalid API key"]`). Read tolerantly: a client gets
            `ErrorItem | str` items, and reads a `null` list as `[]`.
        error_code (str): A short error name: `bad_request`, `parse_error`, `not_authenticated`,
            `not_found`, `method_not_allowed`, `profile_already_exists`,
            `request_too_large` or `unsupported_media_type`; Adapty's current
            reference also answers `profile_does_not_exist` (404). The purchase
            operations add the codes of their rules (`paid_access_level_does_not_exist`,
            `value_error`, `expires_date_error`, ...: see each operation).
        status_code (int): The HTTP status of the response.
    """

    errors: list[ErrorItem | str]
    error_code: str
    status_code: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        errors = []
        for errors_item_data in self.errors:
            errors_item: dict[str, Any] | str
            if isinstance(errors_item_data, ErrorItem):
                errors_item = errors_item_data.to_dict()
            else:
                errors_item = errors_item_data

            errors.append(errors_item)

        error_code = self.error_code

        status_code = self.status_code

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "errors": errors,
                "error_code": error_code,
                "status_code": status_code,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        errors = []
        _errors = src_dict.get("errors")
        for errors_item_data in _errors or ():

            def _parse_errors_item(data: object) -> ErrorItem | str:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    errors_item_type_0 = ErrorItem.from_dict(data)

                    return errors_item_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                return cast(ErrorItem | str, data)

            errors_item = _parse_errors_item(errors_item_data)

            errors.append(errors_item)

        error_code = src_dict["error_code"]

        status_code = src_dict["status_code"]

        # Positional, in the order of the fields above (attrs' __init__ order).
        error_response = cls(
            errors,
            error_code,
            status_code,
        )

        # Every required key (lists aside: absent reads as []) was read above: a mapping of
        # exactly that many keys holds no other.
        if len(src_dict) > 2 and not _KNOWN_KEYS.issuperset(src_dict):
            d = {key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS}

            error_response.additional_properties = d
        return error_response

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
