"""Date-times in the purchase operations: strict RFC 3339 in, one UTC form out.

A request's date-time is RFC 3339 with an uppercase ``T``, seconds 00 to 59, 1 to 9 optional
fractional digits and ``Z`` or an offset with a colon, in the years 1900 to 2199; its date must be
a real calendar date.
Responses carry ``2030-01-01T00:00:00.000000+00:00`` (UTC, microseconds).
"""

from __future__ import annotations

import datetime
import re

_RFC3339 = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?"
    r"(Z|([+-])([0-9]{2}):([0-9]{2}))"
)
UTC = datetime.UTC


def parse_request_datetime(text: str) -> datetime.datetime | None:
    """The instant ``text`` names, in UTC; ``None`` when it is not a request date-time."""
    match = _RFC3339.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(match[i]) for i in range(1, 7))
    fraction = match[7] or ""
    micro = int((fraction + "000000")[:6])
    if not 1900 <= year <= 2199 or hour > 23 or minute > 59 or second > 59:
        return None
    if match[8] == "Z":
        offset = datetime.timedelta(0)
    else:
        off_h, off_m = int(match[10]), int(match[11])
        if off_h > 23 or off_m > 59:
            return None
        offset = datetime.timedelta(hours=off_h, minutes=off_m)
        if match[9] == "-":
            offset = -offset
    try:
        local = datetime.datetime(
            year, month, day, hour, minute, second, micro, datetime.timezone(offset)
        )
        return local.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def format_datetime(moment: datetime.datetime) -> str:
    """The response form: UTC with microseconds, ``2030-01-01T00:00:00.000000+00:00``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def read_stored(text: object) -> datetime.datetime | None:
    """A stored or fixture date-time (any RFC 3339 form, or the seed's ``+0000``), or None."""
    if not isinstance(text, str):
        return None
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    if len(value) >= 5 and value[-5] in "+-" and value[-3] != ":":
        value = value[:-2] + ":" + value[-2:]
    try:
        moment = datetime.datetime.fromisoformat(value.replace("t", "T"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
