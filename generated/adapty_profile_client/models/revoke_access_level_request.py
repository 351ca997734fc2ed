from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset, parse_datetime

T = TypeVar("T", bound="RevokeAccessLevelRequest")


@_attrs_define
class RevokeAccessLevelRequest:
    """The body of `revokeAccessLevel`.

    Attributes:
        access_level_id (str): The id of a paid access level of the app, such as `premium` (every app has `premium`).
            Non-empty.
        revoke_at (datetime.datetime | None | Unset): When the level ends, later than now; omitted or `null`, now.
    """

    access_level_id: str
    revoke_at: datetime.datetime | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        access_level_id = self.access_level_id

        revoke_at: None | str | Unset
        if isinstance(self.revoke_at, Unset):
            revoke_at = UNSET
        elif isinstance(self.revoke_at, datetime.datetime):
            revoke_at = self.revoke_at.isoformat()
        else:
            revoke_at = self.revoke_at

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "access_level_id": access_level_id,
            }
        )
        if revoke_at is not UNSET:
            field_dict["revoke_at"] = revoke_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        access_level_id = src_dict["access_level_id"]

        _revoke_at = src_dict.get("revoke_at", UNSET)
        revoke_at: datetime.datetime | None | Unset
        if _revoke_at is None or _revoke_at is UNSET:
            revoke_at = _revoke_at
        else:
            try:
                if not isinstance(_revoke_at, str):
                    raise TypeError()
                revoke_at_type_0 = parse_datetime(_revoke_at)

                revoke_at = revoke_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                revoke_at = cast(datetime.datetime | None | Unset, _revoke_at)

        # Positional, in the order of the fields above (attrs' __init__ order).
        revoke_access_level_request = cls(
            access_level_id,
            revoke_at,
        )

        return revoke_access_level_request
