from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.att_status import AttStatus, check_att_status
from ..models.custom_attribute import CustomAttribute
from ..models.gender import Gender, check_gender
from ..models.installation_meta import InstallationMeta
from ..types import UNSET, Unset

T = TypeVar("T", bound="ProfileUpdateRequest")


@_attrs_define
class ProfileUpdateRequest:
    """The body of `updateProfile`. Every field is optional; an omitted field keeps
    its stored value, `null` clears a nullable field. Unknown fields are
    rejected.

    When this request sets `analytics_disabled` to `false`, `idfa`, `idfv` and
    `advertising_id` in `installation_meta` may not be `null`. When it sets it to
    `true`, they may. When it omits it, the stored value decides (the server's
    rule: see the operation).

        Attributes:
            first_name (None | str | Unset): Your end user's first name. Nullable.
            last_name (None | str | Unset): Your end user's last name. Nullable.
            gender (Gender | None | Unset): Your end user's gender: `f`, `m` or `o`. Nullable.
            email (None | str | Unset): Your end user's email. Nullable; the address is not checked.
            phone_number (None | str | Unset): Your end user's phone number. Nullable; the number is not checked.
            birthday (datetime.date | Unset): Your end user's birthday, `YYYY-MM-DD`: a real calendar date from year 0001
                to 9999 (`2001-02-29` is rejected). Not nullable.
            ip_country (str | Unset): A country, as an ISO 3166-1 alpha-2 code: exactly two ASCII uppercase
                letters (`FR`). The list of assigned codes is not checked.
            ip_v4_address (None | str | Unset): The end user's IPv4 address, as a dotted quad whose four octets are 0 to 255
                without leading zeros (`01.2.3.4` is rejected). Nullable.
            store_country (None | str | Unset): The country of the end user's app store (a `CountryCode`). Nullable.
            store (None | str | Unset): The end user's store: `app_store`, `play_store`, `stripe`, `paddle`,
                `adapty` or the name of a custom store. Non-empty. Nullable.
            store_account_token (None | str | Unset): The end user's account token in the store (a `Uuid`). Nullable.
            att_status (AttStatus | None | Unset): The App Tracking Transparency status (an `AttStatus`, 0 to 3). Nullable.
            analytics_disabled (bool | Unset): Opts the end user out of external analytics: events are not sent to
                integrations, and `idfa`, `idfv` and `advertising_id` become nullable.
                Defaults to `false` when a profile is created. Not nullable.
            custom_attributes (list[CustomAttribute] | Unset): Up to 30 custom attributes, as a list of key and value pairs;
                when present,
                at least one is required (`[]` is rejected). An item that deletes an
                attribute still counts. Attributes merge by key with the stored ones, and
                at most 30 may be stored after the merge (the server's rule). A key sent
                twice in one request is rejected (the server's rule). Not nullable.
            installation_meta (InstallationMeta | Unset): The app on one device of the end user. A profile keeps one
                installation
                meta per `device_id`: a request updates the entry of its `device_id` (fields
                it sends are set, `null` clears, fields it omits keep their stored values)
                and leaves other devices alone. Not nullable.
    """

    first_name: None | str | Unset = UNSET
    last_name: None | str | Unset = UNSET
    gender: Gender | None | Unset = UNSET
    email: None | str | Unset = UNSET
    phone_number: None | str | Unset = UNSET
    birthday: datetime.date | Unset = UNSET
    ip_country: str | Unset = UNSET
    ip_v4_address: None | str | Unset = UNSET
    store_country: None | str | Unset = UNSET
    store: None | str | Unset = UNSET
    store_account_token: None | str | Unset = UNSET
    att_status: AttStatus | None | Unset = UNSET
    analytics_disabled: bool | Unset = UNSET
    custom_attributes: list[CustomAttribute] | Unset = UNSET
    installation_meta: InstallationMeta | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        first_name: None | str | Unset = self.first_name

        last_name: None | str | Unset = self.last_name

        gender: None | str | Unset
        if isinstance(self.gender, Unset):
            gender = UNSET
        elif isinstance(self.gender, str):
            gender = self.gender
        else:
            gender = self.gender

        email: None | str | Unset = self.email

        phone_number: None | str | Unset = self.phone_number

        birthday: str | Unset = UNSET
        if not isinstance(self.birthday, Unset):
            birthday = self.birthday.isoformat()

        ip_country = self.ip_country

        ip_v4_address: None | str | Unset = self.ip_v4_address

        store_country: None | str | Unset = self.store_country

        store: None | str | Unset = self.store

        store_account_token: None | str | Unset = self.store_account_token

        att_status: int | None | Unset
        if isinstance(self.att_status, Unset):
            att_status = UNSET
        elif isinstance(self.att_status, int):
            att_status = self.att_status
        else:
            att_status = self.att_status

        analytics_disabled = self.analytics_disabled

        custom_attributes: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.custom_attributes, Unset):
            custom_attributes = []
            for componentsschemas_custom_attributes_item_data in self.custom_attributes:
                componentsschemas_custom_attributes_item = componentsschemas_custom_attributes_item_data.to_dict()
                custom_attributes.append(componentsschemas_custom_attributes_item)

        installation_meta: dict[str, Any] | Unset = UNSET
        if not isinstance(self.installation_meta, Unset):
            installation_meta = self.installation_meta.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if first_name is not UNSET:
            field_dict["first_name"] = first_name
        if last_name is not UNSET:
            field_dict["last_name"] = last_name
        if gender is not UNSET:
            field_dict["gender"] = gender
        if email is not UNSET:
            field_dict["email"] = email
        if phone_number is not UNSET:
            field_dict["phone_number"] = phone_number
        if birthday is not UNSET:
            field_dict["birthday"] = birthday
        if ip_country is not UNSET:
            field_dict["ip_country"] = ip_country
        if ip_v4_address is not UNSET:
            field_dict["ip_v4_address"] = ip_v4_address
        if store_country is not UNSET:
            field_dict["store_country"] = store_country
        if store is not UNSET:
            field_dict["store"] = store
        if store_account_token is not UNSET:
            field_dict["store_account_token"] = store_account_token
        if att_status is not UNSET:
            field_dict["att_status"] = att_status
        if analytics_disabled is not UNSET:
            field_dict["analytics_disabled"] = analytics_disabled
        if custom_attributes is not UNSET:
            field_dict["custom_attributes"] = custom_attributes
        if installation_meta is not UNSET:
            field_dict["installation_meta"] = installation_meta

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        first_name: None | str | Unset = src_dict.get("first_name", UNSET)

        last_name: None | str | Unset = src_dict.get("last_name", UNSET)

        _gender = src_dict.get("gender", UNSET)
        gender: Gender | None | Unset
        if _gender is None or _gender is UNSET:
            gender = _gender
        else:
            try:
                if not isinstance(_gender, str):
                    raise TypeError()
                componentsschemas_nullable_gender_type_0 = check_gender(_gender)

                gender = componentsschemas_nullable_gender_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                gender = cast(Gender | None | Unset, _gender)

        email: None | str | Unset = src_dict.get("email", UNSET)

        phone_number: None | str | Unset = src_dict.get("phone_number", UNSET)

        _birthday = src_dict.get("birthday", UNSET)
        birthday: datetime.date | Unset
        if isinstance(_birthday, Unset):
            birthday = UNSET
        else:
            birthday = datetime.date.fromisoformat(_birthday)

        ip_country = src_dict.get("ip_country", UNSET)

        ip_v4_address: None | str | Unset = src_dict.get("ip_v4_address", UNSET)

        store_country: None | str | Unset = src_dict.get("store_country", UNSET)

        store: None | str | Unset = src_dict.get("store", UNSET)

        store_account_token: None | str | Unset = src_dict.get("store_account_token", UNSET)

        _att_status = src_dict.get("att_status", UNSET)
        att_status: AttStatus | None | Unset
        if _att_status is None or _att_status is UNSET:
            att_status = _att_status
        else:
            try:
                if not isinstance(_att_status, int):
                    raise TypeError()
                componentsschemas_nullable_att_status_type_0 = check_att_status(_att_status)

                att_status = componentsschemas_nullable_att_status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                att_status = cast(AttStatus | None | Unset, _att_status)

        analytics_disabled = src_dict.get("analytics_disabled", UNSET)

        _custom_attributes = src_dict.get("custom_attributes", UNSET)
        custom_attributes: list[CustomAttribute] | Unset = UNSET
        if _custom_attributes is not UNSET:
            custom_attributes = [
                CustomAttribute.from_dict(componentsschemas_custom_attributes_item_data)
                for componentsschemas_custom_attributes_item_data in _custom_attributes or ()
            ]

        _installation_meta = src_dict.get("installation_meta", UNSET)
        installation_meta: InstallationMeta | Unset
        if isinstance(_installation_meta, Unset):
            installation_meta = UNSET
        else:
            installation_meta = InstallationMeta.from_dict(_installation_meta)

        # Positional, in the order of the fields above (attrs' __init__ order).
        profile_update_request = cls(
            first_name,
            last_name,
            gender,
            email,
            phone_number,
            birthday,
            ip_country,
            ip_v4_address,
            store_country,
            store,
            store_account_token,
            att_status,
            analytics_disabled,
            custom_attributes,
            installation_meta,
        )

        return profile_update_request
