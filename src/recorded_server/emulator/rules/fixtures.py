"""Fixture documents: profiles with access levels, subscriptions, non-subscriptions and revenue.

Format (JSON)::

    {"profiles": [{"profile_id": UUID, "customer_user_id": str|null, "total_revenue_usd": number,
                   "access_levels": [...], "subscriptions": [...], "non_subscriptions": [...],
                   "custom_attributes": [{"key", "value"}, ...]?,
                   "fields": {profile fields, as in a request body}?}]}

A document may also carry the app's ``"catalogue"`` (its access levels and products, as
``PUT /_recorded/catalogue`` takes it). Only ``profile_id`` is required. ``custom_attributes``
and ``fields`` follow the request rules; the purchase lists are taken as given (they are what
the server answers, not what it accepts).
"""

from __future__ import annotations

import json
import math
from importlib import resources
from pathlib import Path
from typing import Any

from recorded_server.emulator.entitlements.catalogue import Catalogue, parse_catalogue
from recorded_server.emulator.records import ProfileRecord
from recorded_server.emulator.rules.headers import is_uuid
from recorded_server.emulator.rules.validation import (
    PROFILE_FIELDS,
    AttributeChange,
    Problems,
    validate_custom_attributes,
    validate_profile_fields,
)
from recorded_server.emulator.settings import SEED_FIXTURES
from recorded_server.serving import errors
from recorded_server.serving.jsontext import json_type

SEED_FIXTURE_NAME = "seed_profile.json"
_PROFILE_KEYS = (
    "profile_id",
    "customer_user_id",
    "total_revenue_usd",
    "access_levels",
    "subscriptions",
    "non_subscriptions",
    "custom_attributes",
    "fields",
)
_LISTS = ("access_levels", "subscriptions", "non_subscriptions")


def seed_fixture_text() -> str:
    """The bundled fixture built from the seed's example response."""
    return (
        resources.files("recorded_server.emulator")
        .joinpath("fixtures", SEED_FIXTURE_NAME)
        .read_text(encoding="utf-8")
    )


def read_fixture_file(path: Path) -> list[ProfileRecord]:
    """Parse a fixture file (``:seed:`` is the bundled one); ValueError says what is wrong."""
    if str(path) == SEED_FIXTURES:
        text = seed_fixture_text()
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"cannot read fixtures file {path}: {exc}") from exc
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:
        raise ValueError(f"fixtures file {path} is not valid JSON: {exc}") from exc
    try:
        return parse_fixtures(document)
    except errors.ApiError as exc:
        details = "; ".join(f"{source}: {' '.join(messages)}" for source, messages in exc.errors)
        raise ValueError(f"fixtures file {path} is invalid: {details}") from exc


def fixture_catalogue(document: object) -> Catalogue | None:
    """The catalogue of a fixtures document that :func:`parse_fixtures` accepted, if any."""
    if isinstance(document, dict) and "catalogue" in document:
        return parse_catalogue(document["catalogue"], "catalogue")
    return None


def read_fixture_catalogue(path: Path) -> Catalogue | None:
    """The catalogue of a fixture file that :func:`read_fixture_file` accepted, if any."""
    if str(path) == SEED_FIXTURES:
        return None
    return fixture_catalogue(json.loads(path.read_text(encoding="utf-8")))


def _reject_constant(token: str) -> float:
    raise ValueError(f"{token} is not valid JSON")


def parse_fixtures(document: object) -> list[ProfileRecord]:
    """Check a fixtures document; raise a 400 ``bad_request`` listing every problem."""
    problems = Problems()
    if not isinstance(document, dict):
        raise errors.bad_request(
            [(errors.NON_FIELD, [f"Expected an object, but got {json_type(document)}."])]
        )
    for name in document:
        if name not in ("profiles", "catalogue"):
            problems.add(name, errors.UNKNOWN_FIELD)
    if "catalogue" in document:
        try:
            parse_catalogue(document["catalogue"], "catalogue")
        except errors.ApiError as exc:
            problems.items.extend(exc.errors)
    profiles = document.get("profiles")
    if not isinstance(profiles, list):
        problems.add("profiles", errors.REQUIRED if profiles is None else "Expected a list.")
        problems.raise_if_any()
        return []
    records: list[ProfileRecord] = []
    seen: set[str] = set()
    for index, item in enumerate(profiles):
        record = _parse_profile(item, f"profiles.{index}", problems)
        if record is not None:
            if record.profile_id in seen:
                problems.add(
                    f"profiles.{index}.profile_id", "Duplicate profile_id in this document."
                )
            seen.add(record.profile_id)
            records.append(record)
    problems.raise_if_any()
    return records


def _is_unicode_text(text: str) -> bool:
    """False for text with lone surrogates (valid JSON escapes that UTF-8 cannot encode)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _parse_profile(item: Any, source: str, problems: Problems) -> ProfileRecord | None:
    if not isinstance(item, dict):
        problems.add(source, f"Expected an object, but got {json_type(item)}.")
        return None
    before = len(problems.items)
    for name in item:
        if name not in _PROFILE_KEYS:
            problems.add(f"{source}.{name}", errors.UNKNOWN_FIELD)
    profile_id = item.get("profile_id")
    if not isinstance(profile_id, str) or not is_uuid(profile_id):
        problems.add(
            f"{source}.profile_id", errors.REQUIRED if profile_id is None else errors.NOT_A_UUID
        )
    customer_user_id = item.get("customer_user_id")
    if customer_user_id is not None and (
        not isinstance(customer_user_id, str) or not customer_user_id
    ):
        problems.add(f"{source}.customer_user_id", "Must be a non-empty string or null.")
    elif customer_user_id is not None and not _is_unicode_text(customer_user_id):
        problems.add(
            f"{source}.customer_user_id", "Must be Unicode text (a lone surrogate is not)."
        )
    revenue = item.get("total_revenue_usd", 0.0)
    if (
        isinstance(revenue, bool)
        or not isinstance(revenue, int | float)
        or not math.isfinite(float(revenue))
    ):
        problems.add(f"{source}.total_revenue_usd", "Must be a finite number.")
    for name in _LISTS:
        value = item.get(name, [])
        if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
            problems.add(f"{source}.{name}", "Expected a list of objects.")
    fields: dict[str, Any] = {}
    raw_fields = item.get("fields", {})
    if not isinstance(raw_fields, dict):
        problems.add(f"{source}.fields", "Expected an object.")
    else:
        for name in raw_fields:
            if name not in PROFILE_FIELDS:
                problems.add(f"{source}.fields.{name}", errors.UNKNOWN_FIELD)
        fields = validate_profile_fields(raw_fields, problems, prefix=f"{source}.fields.")
    attributes: list[AttributeChange] | None = None
    if item.get("custom_attributes") == []:
        attributes = []  # a fixture may say "no attributes" explicitly
    elif "custom_attributes" in item:
        attributes = validate_custom_attributes(
            item["custom_attributes"], f"{source}.custom_attributes", problems
        )
    if len(problems.items) > before:
        return None
    record = ProfileRecord(
        profile_id=str(profile_id).lower(),
        customer_user_id=customer_user_id,
        total_revenue_usd=float(revenue),
        access_levels=item.get("access_levels", []),
        subscriptions=item.get("subscriptions", []),
        non_subscriptions=item.get("non_subscriptions", []),
    )
    record.fields.update(fields)
    for key, value in attributes or []:
        if value is not None:
            record.custom_attributes[key] = value
    return record
