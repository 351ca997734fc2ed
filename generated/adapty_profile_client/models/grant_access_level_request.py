from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset, parse_datetime

T = TypeVar("T", bound="GrantAccessLevelRequest")


@_attrs_define
class GrantAccessLevelRequest:
    """The body of `grantAccessLevel`.

    Attributes:
        access_level_id (str): The id of a paid access level of the app, such as `premium` (every app has `premium`).
            Non-empty.
        starts_at (datetime.datetime | None | Unset): When the level starts (it may be in the future); omitted or
            `null`, now.
        expires_at (datetime.datetime | None | Unset): When the level ends (it may be in the past); omitted or `null`,
            never (lifetime).
    """

    access_level_id: str
    starts_at: datetime.datetime | None | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        access_level_id = self.access_level_id

        starts_at: None | str | Unset
        if isinstance(self.starts_at, Unset):
            starts_at = UNSET
        elif isinstance(self.starts_at, datetime.datetime):
            starts_at = self.starts_at.isoformat()
        else:
            starts_at = self.starts_at

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "access_level_id": access_level_id,
            }
        )
        if starts_at is not UNSET:
            field_dict["starts_at"] = starts_at
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        access_level_id = src_dict["access_level_id"]

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

        # Positional, in the order of the fields above (attrs' __init__ order).
        grant_access_level_request = cls(
            access_level_id,
            starts_at,
            expires_at,
        )

        return grant_access_level_request
