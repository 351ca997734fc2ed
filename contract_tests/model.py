"""A model of what the server stores for one profile, built from the contract's merge rules.

Used by the differential oracle (the 30-after-merge limit on PATCH) and by the stateful
properties, which compare the model with what the inspection API (or the response) shows:
absent keeps, ``null`` clears, attributes merge by key, ``null``/``""`` delete, booleans and
numbers are stored as floats, installation metas are kept per ``device_id``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from contract_tests.strategies import ADVERTISING_IDS, PROFILE_FIELDS

MAX_STORED_ATTRIBUTES: Final = 30


def stored_value(value: Any) -> str | float:
    """How an attribute value is stored: strings as sent, numbers and booleans as floats."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        return value
    raise TypeError(f"not an attribute value: {value!r}")


def is_deletion(value: Any) -> bool:
    return value is None or value == ""


def merge_attributes(stored: Mapping[str, str | float], items: list[Any]) -> dict[str, str | float]:
    """Merge a request's ``custom_attributes`` into the stored ones, by key, in order."""
    merged = dict(stored)
    for item in items:
        key, value = item["key"], item["value"]
        if is_deletion(value):
            merged.pop(key, None)
        else:
            merged[key] = stored_value(value)
    return merged


def attributes_as_dict(listed: Any) -> dict[str, Any]:
    """``[{"key": k, "value": v}, ...]`` (a response or the inspection API) as ``{k: v}``."""
    return {item["key"]: item["value"] for item in listed or []}


def same_value(left: Any, right: Any) -> bool:
    """Equal as stored values: numbers compared as floats (``3`` and ``3.0`` are one value)."""
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return float(left) == float(right)
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(same_value(left[k], right[k]) for k in left)
    return bool(left == right)


@dataclass
class ProfileModel:
    """What one stored profile should hold after the requests the server accepted."""

    fields: dict[str, Any] = field(default_factory=lambda: {"analytics_disabled": False})
    attributes: dict[str, str | float] = field(default_factory=dict)
    installation_metas: dict[str, dict[str, Any]] = field(default_factory=dict)

    def copy(self) -> ProfileModel:
        return copy.deepcopy(self)

    @property
    def analytics_disabled(self) -> bool:
        return bool(self.fields.get("analytics_disabled", False))

    def apply(self, body: Mapping[str, Any]) -> None:
        """Apply an accepted POST (on a fresh model) or PATCH body."""
        for name in PROFILE_FIELDS:
            if name in body:
                self.fields[name] = body[name]
        if "custom_attributes" in body:
            self.attributes = merge_attributes(self.attributes, body["custom_attributes"])
        meta = body.get("installation_meta")
        if isinstance(meta, dict):
            entry = self.installation_metas.setdefault(meta["device_id"], {})
            entry.update({name: value for name, value in meta.items() if name != "device_id"})

    def differences(self, stored: Mapping[str, Any]) -> list[str]:
        """Where a StoredProfile (inspection API) differs from the model; empty when it agrees."""
        problems: list[str] = []
        stored_fields = dict(stored.get("fields") or {})
        for name in PROFILE_FIELDS:
            if name in self.fields and name not in stored_fields:
                problems.append(f"fields.{name}: sent {self.fields[name]!r}, stored nothing")
            elif name not in self.fields and name in stored_fields:
                problems.append(f"fields.{name}: never sent, stored {stored_fields[name]!r}")
            elif name in self.fields and not _same_field(
                name, self.fields[name], stored_fields[name]
            ):
                problems.append(
                    f"fields.{name}: expected {self.fields[name]!r}, stored {stored_fields[name]!r}"
                )
        stored_attributes = attributes_as_dict(stored.get("custom_attributes"))
        if not same_value(self.attributes, stored_attributes):
            problems.append(
                f"custom_attributes: expected {self.attributes!r}, stored {stored_attributes!r}"
            )
        metas = stored.get("installation_metas") or {}
        if set(metas) != set(self.installation_metas):
            problems.append(
                f"installation_metas: expected devices {sorted(self.installation_metas)}, "
                f"stored {sorted(metas)}"
            )
        else:
            for device, expected in self.installation_metas.items():
                actual = {k: v for k, v in metas[device].items() if k != "device_id"}
                if not same_value(expected, actual):
                    problems.append(
                        f"installation_metas[{device!r}]: expected {expected!r}, stored {actual!r}"
                    )
        return problems


def _same_field(name: str, expected: Any, actual: Any) -> bool:
    if name == "store_account_token" and isinstance(expected, str) and isinstance(actual, str):
        return expected.lower() == actual.lower()
    return same_value(expected, actual)


def nulls_an_advertising_id(body: Mapping[str, Any]) -> bool:
    meta = body.get("installation_meta")
    return isinstance(meta, dict) and any(
        name in meta and meta[name] is None for name in ADVERTISING_IDS
    )
