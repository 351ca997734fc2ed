"""Hypothesis strategies from Adapty's published Profile schema (data/adapty_profile_schema.json).

hypothesis-jsonschema does not work with current Hypothesis, and Adapty's file is OpenAPI 3.0 in
a 3.1 wrapper anyway (``nullable``), so this is a small translator of the subset that schema
uses: ``$ref``, ``allOf`` (one member), ``oneOf``, ``type`` object / array / string / number /
integer / boolean, ``format`` uuid / date-time / float / int64, ``enum``, ``maxLength``,
``nullable`` and ``required``.

Two modes: ``"published"`` leaves out any property the schema does not mark required (as the
file allows), ``"complete"`` sends every property. A date-time is any RFC 3339 date-time (any
offset, ``Z`` or ``z``, ``T`` or ``t``, 0 to 12 fractional digits, now and then a leap second)
or the seed's ``+0000`` form. An ``OfferDTO`` also comes in the seed's ``offer_*`` shape (Adapty's
objects page uses it too), and objects now and then carry a key the schema does not know.
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any, Final, Literal

from hypothesis import strategies as st

DATA: Final = Path(__file__).parent / "data" / "adapty_profile_schema.json"
DOCUMENT: Final[dict[str, Any]] = json.loads(DATA.read_text(encoding="utf-8"))
SCHEMAS: Final[dict[str, Any]] = DOCUMENT["schemas"]
UNKNOWN_KEY: Final = "x_not_in_the_schema"
# every date-time field of a purchase list item
DATE_TIME_KEYS: Final = frozenset(
    {
        "starts_at",
        "purchased_at",
        "originally_purchased_at",
        "expires_at",
        "renewal_cancelled_at",
        "billing_issue_detected_at",
    }
)
"""The key added to some objects: it must land in ``additional_properties``."""
OFFER_RENAMES: Final = {"category": "offer_category", "type": "offer_type", "id": "offer_id"}

Mode = Literal["published", "complete"]

_DATE_TIME: Final = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(?:\.(\d+))?([Zz]|([+-])(\d\d):?(\d\d))"
)


def expected_datetime(text: str) -> datetime.datetime:
    """What a date-time of the wire means, computed apart from the client: an aware datetime,
    microseconds kept (further digits dropped), a leap second read as the next second."""
    match = _DATE_TIME.fullmatch(text)
    assert match, text
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    micro = int((match.group(7) or "").ljust(6, "0")[:6])
    if match.group(8) in ("Z", "z"):
        offset = datetime.timedelta(0)
    else:
        sign = -1 if match.group(9) == "-" else 1
        offset = sign * datetime.timedelta(hours=int(match.group(10)), minutes=int(match.group(11)))
    zone = datetime.timezone(offset)
    if second == 60:
        return datetime.datetime(
            year, month, day, hour, minute, 59, tzinfo=zone
        ) + datetime.timedelta(seconds=1)
    return datetime.datetime(year, month, day, hour, minute, second, micro, tzinfo=zone)


@st.composite
def date_times(draw: st.DrawFn) -> str:
    moment = draw(
        st.datetimes(
            min_value=datetime.datetime(1, 1, 2), max_value=datetime.datetime(9999, 12, 30)
        )
    )
    text = f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
    text += draw(st.sampled_from("Tt")) + f"{moment.hour:02d}:{moment.minute:02d}:"
    text += "60" if draw(st.integers(0, 19)) == 0 else f"{moment.second:02d}"
    digits = draw(st.integers(0, 12))
    if digits:
        text += "." + draw(st.text("0123456789", min_size=digits, max_size=digits))
    zone = draw(st.sampled_from(["Z", "z", "colon", "seed"]))
    if zone in ("Z", "z"):
        return text + zone
    hours, minutes = draw(st.integers(0, 23)), draw(st.integers(0, 59))
    sign = draw(st.sampled_from("+-"))
    separator = ":" if zone == "colon" else ""
    return f"{text}{sign}{hours:02d}{separator}{minutes:02d}"


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref is not None:
        target: dict[str, Any] = SCHEMAS[ref.rsplit("/", 1)[1]]
        return target
    return schema


def strategy(schema: dict[str, Any], mode: Mode) -> st.SearchStrategy[Any]:
    """Values of ``schema`` (nullable honoured) in ``mode``."""
    inner = _non_null(schema, mode)
    if schema.get("nullable"):
        return st.one_of(st.none(), inner)
    return inner


def _non_null(schema: dict[str, Any], mode: Mode) -> st.SearchStrategy[Any]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        target = strategy(SCHEMAS[name], mode)
        if name == "OfferDTO":  # the seed's (and the objects page's) shape too
            renamed = target.map(
                lambda offer: {OFFER_RENAMES.get(k, k): v for k, v in offer.items()}
            )
            return st.one_of(target, renamed)
        return target
    if "allOf" in schema:
        (member,) = schema["allOf"]
        return _non_null(member, mode)
    if "oneOf" in schema:
        return st.one_of([strategy(member, mode) for member in schema["oneOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "object":
        return _object(schema, mode)
    if kind == "array":
        return st.lists(strategy(schema["items"], mode), max_size=3)
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(-(2**63), 2**63 - 1)
    if kind == "number":
        return st.one_of(
            st.floats(allow_nan=False, allow_infinity=False), st.integers(-(2**53), 2**53)
        )
    if kind == "string":
        if schema.get("format") == "uuid":
            return st.uuids().map(str).flatmap(lambda u: st.sampled_from([u, u.upper()]))
        if schema.get("format") == "date-time":
            return date_times()
        return st.text(max_size=min(schema.get("maxLength", 16), 16))
    raise NotImplementedError(f"schema not translated: {schema!r}")


def _object(schema: dict[str, Any], mode: Mode) -> st.SearchStrategy[dict[str, Any]]:
    schema = _resolve(schema)
    required = set(schema.get("required", ()))
    present: dict[str, st.SearchStrategy[Any]] = {}
    maybe: dict[str, st.SearchStrategy[Any]] = {
        UNKNOWN_KEY: st.one_of(st.none(), st.integers(), st.text(max_size=5))
    }
    for name, prop in schema["properties"].items():
        chosen = present if mode == "complete" or name in required else maybe
        chosen[name] = strategy(prop, mode)
    return st.fixed_dictionaries(present, optional=maybe)


def responses(mode: Mode) -> st.SearchStrategy[dict[str, Any]]:
    """Bodies of a profile response (``ProfileResponse``) that Adapty's schema allows.

    The purchase lists may also be ``null``: Adapty's objects page says they "can be null" (the
    OpenAPI file does not say so).
    """
    body = strategy(SCHEMAS["ProfileResponse"], mode)
    return st.tuples(body, st.sets(st.sampled_from(_NULLABLE_LISTS))).map(_with_null_lists)


_NULLABLE_LISTS: Final = ("access_levels", "subscriptions", "non_subscriptions")


def _with_null_lists(drawn: tuple[dict[str, Any], set[str]]) -> dict[str, Any]:
    body, nulls = drawn
    for name in nulls:
        body["data"][name] = None
    return body


def date_time_properties(schema_name: str) -> frozenset[str]:
    """The properties of a schema whose format is date-time."""
    return frozenset(
        name
        for name, prop in SCHEMAS[schema_name]["properties"].items()
        if prop.get("format") == "date-time"
    )
