"""Is an access level active? Adapty's server-side API v2 has no ``is_active``: its objects page
says to check that the time lies between ``starts_at`` and ``expires_at``. This module does.

It imports nothing of the server (no Starlette, no SQLite) and takes what the client gives you —
the generated ``AccessLevel`` model, or a plain ``dict`` from the wire — so a service can use it
in production code::

    from recorded_server.access_levels import is_active, active_access_level_ids

    profile = get_profile.sync(client=client, adapty_customer_user_id="user-42").data
    if is_active(profile.access_levels, "premium"):
        ...

The rule, at a moment ``at`` (default: now, UTC):

* ``starts_at`` absent or ``null``: started; else active only from ``starts_at`` on (inclusive);
* ``expires_at`` absent or ``null``: a lifetime level, never expires; else active only strictly
  before ``expires_at`` (at ``expires_at`` it is over).

Date-times may be ``datetime`` objects (timezone-aware; a naive one is read as UTC) or strings in
any form Adapty sends (RFC 3339, or ``2022-10-12T09:42:50.000000+0000``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["active_access_level_ids", "as_datetime", "find", "is_active", "is_level_active"]

_UTC = datetime.UTC


def as_datetime(value: object) -> datetime.datetime | None:
    """``value`` as a timezone-aware ``datetime`` (``None`` for ``None``, ``UNSET`` or absent).

    Raises ``ValueError`` for a string that is no date-time, ``TypeError`` for anything else.
    """
    if value is None or type(value).__name__ == "Unset":
        return None
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=_UTC)
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 10 and text[10] == "t":
            text = f"{text[:10]}T{text[11:]}"
        if text[-1:] in ("Z", "z"):
            text = text[:-1] + "+00:00"
        if len(text) >= 5 and text[-5] in "+-" and text[-3] != ":":
            text = text[:-2] + ":" + text[-2:]  # the seed's "+0000"
        moment = datetime.datetime.fromisoformat(text)
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=_UTC)
    raise TypeError(f"not a date-time: {value!r}")


def _field(level: object, name: str) -> Any:
    if isinstance(level, Mapping):
        return level.get(name)
    return getattr(level, name, None)


def is_level_active(level: object, at: datetime.datetime | None = None) -> bool:
    """Whether one access level (a model or a dict) is active at ``at`` (default: now)."""
    moment = as_datetime(at) if at is not None else datetime.datetime.now(_UTC)
    assert moment is not None
    starts = as_datetime(_field(level, "starts_at"))
    expires = as_datetime(_field(level, "expires_at"))
    if starts is not None and moment < starts:
        return False
    return expires is None or moment < expires


def find(levels: Iterable[object] | None, access_level_id: str) -> object | None:
    """The entry of ``access_level_id`` in a profile's ``access_levels`` (``None`` if absent)."""
    for level in levels or ():
        if _field(level, "access_level_id") == access_level_id:
            return level
    return None


def is_active(
    levels: Iterable[object] | None, access_level_id: str, at: datetime.datetime | None = None
) -> bool:
    """Whether the profile's ``access_levels`` hold ``access_level_id``, active at ``at``."""
    level = find(levels, access_level_id)
    return level is not None and is_level_active(level, at)


def active_access_level_ids(
    levels: Iterable[object] | None, at: datetime.datetime | None = None
) -> list[str]:
    """The ids of the levels active at ``at``, in the profile's order."""
    return [
        str(_field(level, "access_level_id"))
        for level in levels or ()
        if is_level_active(level, at)
    ]
