from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.platform import Platform, check_platform
from ..types import UNSET, Unset

T = TypeVar("T", bound="InstallationMeta")


@_attrs_define
class InstallationMeta:
    """The app on one device of the end user. A profile keeps one installation
    meta per `device_id`: a request updates the entry of its `device_id` (fields
    it sends are set, `null` clears, fields it omits keep their stored values)
    and leaves other devices alone. Not nullable.

        Attributes:
            device_id (str): The device's id, a non-empty string. Required.
            device (None | str | Unset): The device model. Nullable.
            locale (None | str | Unset): The device's locale, such as `en`. Nullable.
            os (None | str | Unset): The operating system and its version. Nullable.
            platform (None | Platform | Unset): The app's platform (a `Platform`). Nullable.
            timezone (None | str | Unset): The device's time zone, such as `Europe/Rome`. Nullable.
            user_agent (None | str | Unset): The user agent of the app or browser. Nullable.
            app_build (None | str | Unset): The app's build number. Nullable.
            app_version (None | str | Unset): The app's version. Nullable.
            adapty_sdk_version (None | str | Unset): The version of Adapty's SDK in the app. Nullable.
            android_id (None | str | Unset): The Android id. Nullable.
            android_app_set_id (None | str | Unset): The Android app set id. Nullable.
            idfa (None | str | Unset): The iOS advertising identifier. Nullable only while analytics is
                disabled for the profile (see the request bodies).
            idfv (None | str | Unset): The iOS identifier for vendors. Nullable only while analytics is disabled
                for the profile (see the request bodies).
            advertising_id (None | str | Unset): The Android advertising id. Nullable only while analytics is disabled for
                the profile (see the request bodies).
    """

    device_id: str
    device: None | str | Unset = UNSET
    locale: None | str | Unset = UNSET
    os: None | str | Unset = UNSET
    platform: None | Platform | Unset = UNSET
    timezone: None | str | Unset = UNSET
    user_agent: None | str | Unset = UNSET
    app_build: None | str | Unset = UNSET
    app_version: None | str | Unset = UNSET
    adapty_sdk_version: None | str | Unset = UNSET
    android_id: None | str | Unset = UNSET
    android_app_set_id: None | str | Unset = UNSET
    idfa: None | str | Unset = UNSET
    idfv: None | str | Unset = UNSET
    advertising_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        device_id = self.device_id

        device: None | str | Unset = self.device

        locale: None | str | Unset = self.locale

        os: None | str | Unset = self.os

        platform: None | str | Unset
        if isinstance(self.platform, Unset):
            platform = UNSET
        elif isinstance(self.platform, str):
            platform = self.platform
        else:
            platform = self.platform

        timezone: None | str | Unset = self.timezone

        user_agent: None | str | Unset = self.user_agent

        app_build: None | str | Unset = self.app_build

        app_version: None | str | Unset = self.app_version

        adapty_sdk_version: None | str | Unset = self.adapty_sdk_version

        android_id: None | str | Unset = self.android_id

        android_app_set_id: None | str | Unset = self.android_app_set_id

        idfa: None | str | Unset = self.idfa

        idfv: None | str | Unset = self.idfv

        advertising_id: None | str | Unset = self.advertising_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "device_id": device_id,
            }
        )
        if device is not UNSET:
            field_dict["device"] = device
        if locale is not UNSET:
            field_dict["locale"] = locale
        if os is not UNSET:
            field_dict["os"] = os
        if platform is not UNSET:
            field_dict["platform"] = platform
        if timezone is not UNSET:
            field_dict["timezone"] = timezone
        if user_agent is not UNSET:
            field_dict["user_agent"] = user_agent
        if app_build is not UNSET:
            field_dict["app_build"] = app_build
        if app_version is not UNSET:
            field_dict["app_version"] = app_version
        if adapty_sdk_version is not UNSET:
            field_dict["adapty_sdk_version"] = adapty_sdk_version
        if android_id is not UNSET:
            field_dict["android_id"] = android_id
        if android_app_set_id is not UNSET:
            field_dict["android_app_set_id"] = android_app_set_id
        if idfa is not UNSET:
            field_dict["idfa"] = idfa
        if idfv is not UNSET:
            field_dict["idfv"] = idfv
        if advertising_id is not UNSET:
            field_dict["advertising_id"] = advertising_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        device_id = src_dict["device_id"]

        device: None | str | Unset = src_dict.get("device", UNSET)

        locale: None | str | Unset = src_dict.get("locale", UNSET)

        os: None | str | Unset = src_dict.get("os", UNSET)

        _platform = src_dict.get("platform", UNSET)
        platform: None | Platform | Unset
        if _platform is None or _platform is UNSET:
            platform = _platform
        else:
            try:
                if not isinstance(_platform, str):
                    raise TypeError()
                platform_type_0 = check_platform(_platform)

                platform = platform_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                platform = cast(None | Platform | Unset, _platform)

        timezone: None | str | Unset = src_dict.get("timezone", UNSET)

        user_agent: None | str | Unset = src_dict.get("user_agent", UNSET)

        app_build: None | str | Unset = src_dict.get("app_build", UNSET)

        app_version: None | str | Unset = src_dict.get("app_version", UNSET)

        adapty_sdk_version: None | str | Unset = src_dict.get("adapty_sdk_version", UNSET)

        android_id: None | str | Unset = src_dict.get("android_id", UNSET)

        android_app_set_id: None | str | Unset = src_dict.get("android_app_set_id", UNSET)

        idfa: None | str | Unset = src_dict.get("idfa", UNSET)

        idfv: None | str | Unset = src_dict.get("idfv", UNSET)

        advertising_id: None | str | Unset = src_dict.get("advertising_id", UNSET)

        # Positional, in the order of the fields above (attrs' __init__ order).
        installation_meta = cls(
            device_id,
            device,
            locale,
            os,
            platform,
            timezone,
            user_agent,
            app_build,
            app_version,
            adapty_sdk_version,
            android_id,
            android_app_set_id,
            idfa,
            idfv,
            advertising_id,
        )

        return installation_meta
