"""Hand-written validation of the profile request body (POST and PATCH).

Written from the contract, never from ``openapi/profile.yaml``: the contract tests hold the two
encodings against each other. Values are checked in JSON terms: ``"1"`` is not an integer, ``true``
is not a number, ``1.0`` is the integer 1, and a number too large for a float (parsed as ``inf``)
is refused. Absent, ``null`` and a value stay three states all the way to storage: a field the
request omits is simply not in :attr:`ProfileChanges.fields`.

The numbers come in a :class:`~.limits.Limits` (the app's settings; the contract's by default).
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from recorded_server.emulator.rules.headers import PLATFORMS, is_uuid
from recorded_server.emulator.rules.limits import DEFAULT_LIMITS, Limits
from recorded_server.serving import errors
from recorded_server.serving.jsontext import json_type

Mode = Literal["create", "update"]
AttributeChange = tuple[str, "str | float | None"]
"""``(key, value)``; a value of ``None`` deletes the key (sent as ``null`` or ``""``)."""

GENDERS = ("f", "m", "o")
ANALYTICS_GATED = ("idfa", "idfv", "advertising_id")
"""Installation meta fields that may be ``null`` only while analytics is disabled."""

_COUNTRY = re.compile(r"[A-Z]{2}")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}")
_KEY = re.compile(r"[A-Za-z0-9._-]+")
_FLOAT_MAX = 1.7976931348623157e308
_FLOAT_MAX_INT = int(_FLOAT_MAX)

Check = Callable[[Any], tuple[Any, str | None]]
"""Takes a non-null JSON value; returns ``(normalised value, None)`` or ``(None, message)``."""


class Problems:
    """Collects one ``(source, messages)`` item per offending field, in request order."""

    def __init__(self) -> None:
        self.items: list[tuple[str | None, list[str]]] = []

    def add(self, source: str, message: str) -> None:
        self.items.append((source, [message]))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise errors.bad_request(self.items)


@dataclass(slots=True)
class ProfileChanges:
    """What a valid request body asks for."""

    fields: dict[str, Any] = field(default_factory=dict)
    """The profile fields the request sent (``None`` = sent as ``null``), normalised."""
    attributes: list[AttributeChange] | None = None
    """``None`` when ``custom_attributes`` is absent."""
    installation_meta: dict[str, Any] | None = None
    """The ``installation_meta`` fields the request sent (``device_id`` always), or ``None``."""
    deferred_nulls: tuple[str, ...] = ()
    """PATCH only: ``idfa``/``idfv``/``advertising_id`` sent as ``null`` without
    ``analytics_disabled``; legal only if the stored profile has analytics disabled."""


def _shown(value: object) -> str:
    """A value as it appears in a choice error: strings bare, others as JSON-ish text."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int | float):
        text = repr(value)
    else:
        text = json_type(value)
    return text if len(text) <= 64 else text[:61] + "..."


# --- checks of one non-null value ----------------------------------------------------------


def check_string(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, str):
        return None, errors.NOT_A_STRING
    return value, None


def check_non_blank_string(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, str):
        return None, errors.NOT_A_STRING
    if value == "":
        return None, errors.BLANK
    return value, None


def _choice(options: tuple[str, ...]) -> Check:
    def check(value: Any) -> tuple[Any, str | None]:
        if isinstance(value, str) and value in options:
            return value, None
        return None, f'"{_shown(value)}" is not a valid choice.'

    return check


def check_date(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, str):
        return None, errors.NOT_A_STRING
    match = _DATE.fullmatch(value)
    if match is None:
        return None, "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
    try:
        datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        return None, f"Invalid date: {exc}."
    return value, None


def check_country(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, str):
        return None, errors.NOT_A_STRING
    if _COUNTRY.fullmatch(value) is None:
        return None, 'Must be two uppercase letters (ISO 3166-1 alpha-2), e.g. "FR".'
    return value, None


def check_ipv4(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, str):
        return None, errors.NOT_A_STRING
    if _IPV4.fullmatch(value) is None:
        return None, "Enter a valid IPv4 address."
    return value, None


def check_uuid(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, str):
        return None, errors.NOT_A_STRING
    if not is_uuid(value):
        return None, errors.NOT_A_UUID
    return value, None


def check_att_status(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None, errors.NOT_AN_INTEGER
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            return None, errors.NOT_AN_INTEGER
        value = int(value)
    if value not in (0, 1, 2, 3):
        return None, f'"{_shown(value)}" is not a valid choice.'
    return value, None


def check_boolean(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, bool):
        return None, errors.NOT_A_BOOLEAN
    return value, None


@dataclass(frozen=True, slots=True)
class Rule:
    check: Check
    nullable: bool


PROFILE_FIELDS: Mapping[str, Rule] = {
    "first_name": Rule(check_string, nullable=True),
    "last_name": Rule(check_string, nullable=True),
    "gender": Rule(_choice(GENDERS), nullable=True),
    "email": Rule(check_string, nullable=True),
    "phone_number": Rule(check_string, nullable=True),
    "birthday": Rule(check_date, nullable=False),
    "ip_country": Rule(check_country, nullable=False),
    "ip_v4_address": Rule(check_ipv4, nullable=True),
    "store_country": Rule(check_country, nullable=True),
    "store": Rule(check_non_blank_string, nullable=True),
    "store_account_token": Rule(check_uuid, nullable=True),
    "att_status": Rule(check_att_status, nullable=True),
    "analytics_disabled": Rule(check_boolean, nullable=False),
}
"""The scalar profile fields (``custom_attributes`` and ``installation_meta`` aside)."""

INSTALLATION_META_FIELDS: Mapping[str, Rule] = {
    "device_id": Rule(check_non_blank_string, nullable=False),
    "device": Rule(check_string, nullable=True),
    "locale": Rule(check_string, nullable=True),
    "os": Rule(check_string, nullable=True),
    "platform": Rule(_choice(PLATFORMS), nullable=True),
    "timezone": Rule(check_string, nullable=True),
    "user_agent": Rule(check_string, nullable=True),
    "app_build": Rule(check_string, nullable=True),
    "app_version": Rule(check_string, nullable=True),
    "adapty_sdk_version": Rule(check_string, nullable=True),
    "android_id": Rule(check_string, nullable=True),
    "android_app_set_id": Rule(check_string, nullable=True),
    # Nullable only while analytics is disabled: decided by validate_profile_body / profiles.
    "idfa": Rule(check_string, nullable=True),
    "idfv": Rule(check_string, nullable=True),
    "advertising_id": Rule(check_string, nullable=True),
}

BODY_FIELDS = (*PROFILE_FIELDS, "custom_attributes", "installation_meta")


def _check_field(
    rule: Rule, value: Any, prefix: str, name: str, problems: Problems
) -> tuple[bool, Any]:
    """``(True, normalised)`` for a valid value (``None`` kept for a legal null); a problem's
    source is ``prefix + name`` (made only for a problem)."""
    if value is None:
        if rule.nullable:
            return True, None
        problems.add(prefix + name, errors.NOT_NULL)
        return False, None
    if type(value) is str and rule.check is check_string:  # most fields: nothing to call
        return True, value
    normalised, message = rule.check(value)
    if message is not None:
        problems.add(prefix + name, message)
        return False, None
    return True, normalised


def validate_profile_fields(
    body: Mapping[str, Any], problems: Problems, prefix: str = ""
) -> dict[str, Any]:
    """Check the scalar profile fields present in ``body``; unknown keys are left to the caller."""
    fields: dict[str, Any] = {}
    rules = PROFILE_FIELDS
    for name, value in body.items():
        rule = rules.get(name)
        if rule is None:
            continue
        ok, normalised = _check_field(rule, value, prefix, name, problems)
        if ok:
            fields[name] = normalised
    return fields


def validate_profile_body(
    body: object, mode: Mode, limits: Limits = DEFAULT_LIMITS
) -> ProfileChanges:
    """Check a parsed POST (``mode="create"``) or PATCH (``"update"``) body.

    Raises a 400 ``bad_request`` listing one item per offending field.
    """
    if not isinstance(body, dict):
        raise errors.bad_request(
            [
                (
                    errors.NON_FIELD,
                    [f"Invalid data. Expected a dictionary, but got {json_type(body)}."],
                )
            ]
        )
    problems = Problems()
    for name in body:
        if name not in PROFILE_FIELDS and name not in ("custom_attributes", "installation_meta"):
            problems.add(name, errors.UNKNOWN_FIELD)
    changes = ProfileChanges(fields=validate_profile_fields(body, problems))
    if "custom_attributes" in body:
        changes.attributes = validate_custom_attributes(
            body["custom_attributes"], "custom_attributes", problems, limits
        )
    if "installation_meta" in body:
        meta, deferred = _validate_installation_meta(
            body["installation_meta"], _null_gate(body, mode), problems
        )
        changes.installation_meta = meta
        changes.deferred_nulls = deferred
    problems.raise_if_any()
    return changes


# --- custom_attributes -----------------------------------------------------------------------


def validate_custom_attributes(
    value: Any, source: str, problems: Problems, limits: Limits = DEFAULT_LIMITS
) -> list[AttributeChange] | None:
    """Check a ``custom_attributes`` list; ``None`` when it has problems (recorded)."""
    if value is None:
        problems.add(source, errors.NOT_NULL)
        return None
    if not isinstance(value, list):
        problems.add(source, f'Expected a list of items but got type "{json_type(value)}".')
        return None
    if not value:
        problems.add(source, "at least one attribute key is required")
        return None
    ok = True
    if len(value) > limits.max_attributes:
        problems.add(
            source, f"Ensure this field has no more than {limits.max_attributes} elements."
        )
        ok = False
    changes: list[AttributeChange] = []
    seen: set[str] = set()
    for index, item in enumerate(value):
        change = _validate_attribute(item, source, index, seen, problems, limits)
        if change is None:
            ok = False
        else:
            changes.append(change)
    return changes if ok else None


def _validate_attribute(
    item: Any, source: str, index: int, seen: set[str], problems: Problems, limits: Limits
) -> AttributeChange | None:
    """One ``{"key", "value"}`` item, ``source.index`` in problems (made only for a problem)."""
    if not isinstance(item, dict):
        problems.add(
            f"{source}.{index}", f'Expected a dictionary of items but got type "{json_type(item)}".'
        )
        return None
    ok = True
    if len(item) != 2 or "key" not in item or "value" not in item:
        for name in item:
            if name not in ("key", "value"):
                problems.add(f"{source}.{index}.{name}", errors.UNKNOWN_FIELD)
                ok = False
    key = _attribute_key(item, source, index, seen, problems, limits)
    if "value" not in item:
        problems.add(f"{source}.{index}.value", errors.REQUIRED)
        return None
    value_ok, value = attribute_value(item["value"], limits)
    if not value_ok:
        problems.add(f"{source}.{index}.value", str(value))
        return None
    if key is None or not ok:
        return None
    return key, value


def _attribute_key(
    item: dict[str, Any],
    source: str,
    index: int,
    seen: set[str],
    problems: Problems,
    limits: Limits,
) -> str | None:
    if "key" not in item:
        problems.add(f"{source}.{index}.key", errors.REQUIRED)
        return None
    key = item["key"]
    message: str | None = None
    if key is None:
        message = errors.NOT_NULL
    elif not isinstance(key, str):
        message = errors.NOT_A_STRING
    elif key == "":
        message = errors.BLANK
    elif len(key) > limits.max_key_length:
        message = f"Ensure this field has no more than {limits.max_key_length} characters."
    elif _KEY.fullmatch(key) is None:
        message = "Only letters, numbers, dashes, periods and underscores are allowed."
    elif key in seen:
        message = f'Duplicate key "{key}": each key may appear once per request.'
    if message is not None:
        problems.add(f"{source}.{index}.key", message)
        return None
    seen.add(key)
    return str(key)


def attribute_value(value: Any, limits: Limits = DEFAULT_LIMITS) -> tuple[bool, str | float | None]:
    """``(True, stored value)`` — a float, a string, or ``None`` to delete — or
    ``(False, message)``."""
    if value is None:
        return True, None
    if isinstance(value, bool):
        return True, 1.0 if value else 0.0
    if isinstance(value, str):
        if value == "":
            return True, None
        if len(value) > limits.max_value_length:
            return (
                False,
                f"Ensure this field has no more than {limits.max_value_length} characters.",
            )
        return True, value
    if isinstance(value, int | float):
        # Compared exactly, as JSON Schema does: an integer just above the largest float would
        # round down to it, but it is still out of range.
        too_large = (
            abs(value) > _FLOAT_MAX_INT if isinstance(value, int) else not math.isfinite(value)
        )
        if too_large:
            return False, "Must be a finite number that fits in a 64-bit float."
        return True, float(value)
    return False, f'Must be a string, a number, a boolean or null, not "{json_type(value)}".'


# --- installation_meta -----------------------------------------------------------------------


NullGate = Literal["allow", "deny", "defer", "unknown"]
"""What a ``null`` idfa/idfv/advertising_id meets: allowed (analytics disabled by this request),
denied (enabled by this request, or a POST that leaves the default), deferred to the stored profile
(a PATCH without ``analytics_disabled``), or unknown (``analytics_disabled`` itself is invalid and
already reported)."""


def _null_gate(body: Mapping[str, Any], mode: Mode) -> NullGate:
    if "analytics_disabled" not in body:
        return "deny" if mode == "create" else "defer"
    analytics = body["analytics_disabled"]
    if analytics is True:
        return "allow"
    if analytics is False:
        return "deny"
    return "unknown"


def _validate_installation_meta(
    value: Any, gate: NullGate, problems: Problems
) -> tuple[dict[str, Any] | None, tuple[str, ...]]:
    source = "installation_meta"
    if value is None:
        problems.add(source, errors.NOT_NULL)
        return None, ()
    if not isinstance(value, dict):
        problems.add(source, f'Expected a dictionary of items but got type "{json_type(value)}".')
        return None, ()
    ok = True
    meta: dict[str, Any] = {}
    deferred: list[str] = []
    for name, item in value.items():
        rule = INSTALLATION_META_FIELDS.get(name)
        if rule is None:
            problems.add(f"{source}.{name}", errors.UNKNOWN_FIELD)
            ok = False
            continue
        if item is None and name in ANALYTICS_GATED:
            if gate == "defer":
                deferred.append(name)
            elif gate == "deny":
                problems.add(f"{source}.{name}", errors.NOT_NULL)
            if gate in ("deny", "unknown"):
                ok = False
                continue
            meta[name] = None
            continue
        field_ok, normalised = _check_field(rule, item, "installation_meta.", name, problems)
        if field_ok:
            meta[name] = normalised
        else:
            ok = False
    if "device_id" not in value:
        problems.add(f"{source}.device_id", errors.REQUIRED)
        ok = False
    return (meta if ok else None), tuple(deferred)
