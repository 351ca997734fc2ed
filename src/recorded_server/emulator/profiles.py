"""The profile rules that need the stored state: create, attach, update, and the attribute cap.

Pure functions on :class:`~recorded_server.emulator.records.ProfileRecord`; the storage layer runs
:func:`apply_update` inside its single writer, so a read-modify-write never loses an update.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from recorded_server.emulator.records import AttributeValue, JSONObject, ProfileRecord
from recorded_server.emulator.rules.headers import PROFILE_ID
from recorded_server.emulator.rules.validation import AttributeChange, ProfileChanges
from recorded_server.serving import errors, limits


def new_profile(
    changes: ProfileChanges, profile_id: str, customer_user_id: str | None
) -> ProfileRecord:
    """The profile a valid POST creates (``analytics_disabled`` defaults to false).

    Raises 400 if the attributes would exceed ``limits.MAX_STORED_ATTRIBUTES``.
    """
    record = ProfileRecord(profile_id=profile_id, customer_user_id=customer_user_id)
    record.fields.update(changes.fields)
    problems: list[tuple[str | None, list[str]]] = []
    if changes.attributes is not None:
        record.custom_attributes = _merged(record.custom_attributes, changes.attributes, problems)
    if changes.installation_meta is not None:
        record.installation_metas = _meta_merged({}, changes.installation_meta, problems)
    if problems:
        raise errors.bad_request(problems)
    return record


def updated_profile(record: ProfileRecord, changes: ProfileChanges) -> ProfileRecord:
    """The profile after a valid PATCH: sent fields set (``null`` clears), omitted fields kept.

    Raises 400 (storing nothing) when a ``null`` idfa/idfv/advertising_id meets a profile whose
    stored analytics is enabled, or when the merge would exceed ``limits.MAX_STORED_ATTRIBUTES``.
    """
    problems: list[tuple[str | None, list[str]]] = []
    if changes.deferred_nulls and record.fields.get("analytics_disabled") is not True:
        problems.extend(
            (f"installation_meta.{name}", [errors.NOT_NULL]) for name in changes.deferred_nulls
        )
    result = dataclasses.replace(record, fields={**record.fields, **changes.fields})
    if changes.attributes is not None:
        result.custom_attributes = _merged(record.custom_attributes, changes.attributes, problems)
    if changes.installation_meta is not None:
        result.installation_metas = _meta_merged(
            record.installation_metas, changes.installation_meta, problems
        )
    if problems:
        raise errors.bad_request(problems)
    return result


def attached_profile(
    record: ProfileRecord, changes: ProfileChanges, customer_user_id: str
) -> ProfileRecord:
    """The anonymous profile after a POST that names it and a new ``customer_user_id``.

    Adapty's create page: both headers attach the ``customer_user_id`` to the existing profile.
    The body was validated as a create body (its ``idfa`` rule reads this request's
    ``analytics_disabled``) and is applied as PATCH applies it. Raises 409 when the profile
    already has a ``customer_user_id`` (the same one or another), and 400 as
    :func:`updated_profile` does. Whether ``customer_user_id`` belongs to another profile is the
    storage's to decide (its UNIQUE constraint).
    """
    if record.customer_user_id is not None:
        raise errors.already_exists(PROFILE_ID)
    return dataclasses.replace(updated_profile(record, changes), customer_user_id=customer_user_id)


def _merged(
    stored: dict[str, AttributeValue],
    changes: Iterable[AttributeChange],
    problems: list[tuple[str | None, list[str]]],
) -> dict[str, AttributeValue]:
    """Stored attributes merged by key with the request's (``None`` deletes; new keys go last)."""
    merged = dict(stored)
    for key, value in changes:
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    cap = limits.MAX_STORED_ATTRIBUTES
    if len(merged) > cap:
        problems.append(
            (
                "custom_attributes",
                [
                    f"A profile keeps at most {cap} custom attributes; this request would leave "
                    f"{len(merged)} stored."
                ],
            )
        )
    return merged


def _meta_merged(
    stored: dict[str, JSONObject],
    meta: JSONObject,
    problems: list[tuple[str | None, list[str]]],
) -> dict[str, JSONObject]:
    """The entry of the request's device_id updated field by field; other devices untouched.

    A new device beyond ``limits.MAX_INSTALLATION_METAS`` is a problem (400, nothing stored).
    """
    merged = dict(stored)
    device_id = meta["device_id"]
    cap = limits.MAX_INSTALLATION_METAS
    if device_id not in stored and len(stored) >= cap:
        problems.append(
            (
                "installation_meta.device_id",
                [
                    f"A profile keeps at most {cap} installation metas (one per device_id); "
                    "this would be a new one. Reuse a device_id or delete the profile."
                ],
            )
        )
        return merged
    merged[device_id] = {**stored.get(device_id, {}), **meta}
    return merged
