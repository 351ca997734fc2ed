"""Hypothesis strategies for profile request bodies that reach every boundary on purpose.

Random generation alone rarely hits a 31-character key or a null ``idfa`` with analytics on,
so every field here draws from three wire states (absent, ``null``, a value) and every value
pool mixes ordinary values with the contract's boundaries (29/30/31 characters, multi-byte
and astral characters, 0/1/30/31 attributes, ``2001-02-29``, ``"FR\\n"``, ``1.0`` vs ``true``,
``1e308`` vs ``1e400``...).

A body is drawn in one of three modes, so that both verdicts are frequent:

- ``valid``: every field in a state the contract accepts;
- ``one_fault``: a valid body with exactly one rule broken (so a server that accepts exactly
  that one thing is caught: a second fault would mask it);
- ``wild``: every field drawn independently from every pool.

The strategies never decide the verdict: the spec's validator does (see ``oracle.py``). Each
body carries labels naming the boundaries it reaches; tests report them with
``hypothesis.event`` and in the run's summary.
"""

from __future__ import annotations

import datetime
import json
import string
import sys
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from hypothesis import strategies as st

# --- the contract's facts (copied, not read from ../shared) -------------------------------------

MAX_ATTRIBUTES: Final = 30
MAX_KEY_LENGTH: Final = 30
MAX_VALUE_LENGTH: Final = 30
KEY_ALPHABET: Final = string.ascii_letters + string.digits + "-._"
MAX_FLOAT: Final = sys.float_info.max

PROFILE_FIELDS: Final = (
    "first_name",
    "last_name",
    "gender",
    "email",
    "phone_number",
    "birthday",
    "ip_country",
    "ip_v4_address",
    "store_country",
    "store",
    "store_account_token",
    "att_status",
    "analytics_disabled",
)
NON_NULLABLE: Final = frozenset(
    {"birthday", "ip_country", "analytics_disabled", "custom_attributes", "installation_meta"}
)
META_STRING_FIELDS: Final = (
    "device",
    "locale",
    "os",
    "timezone",
    "user_agent",
    "app_build",
    "app_version",
    "adapty_sdk_version",
    "android_id",
    "android_app_set_id",
)
ADVERTISING_IDS: Final = ("idfa", "idfv", "advertising_id")
PLATFORMS: Final = ("iOS", "macOS", "iPadOS", "visionOS", "Android", "web")

# Characters a key may not hold, chosen to catch the usual slips: ASCII punctuation, whitespace
# and control characters, a trailing newline (Python's `$`), non-ASCII digits and letters
# (Python's `\d`/`\w` without re.ASCII), and an astral character (UTF-16 surrogate pairs).
FORBIDDEN_KEY_CHARACTERS: Final = (
    " ",
    "\t",
    "\n",
    "\x00",
    "/",
    "\\",
    "@",
    "$",
    "#",
    ":",
    "+",
    ",",
    "*",
    "?",
    "~",
    '"',
    "'",
    "é",
    "ß",
    "\u0661",  # ARABIC-INDIC DIGIT ONE: a digit for Python's \d, not for [0-9]
    "\uff41",  # FULLWIDTH LATIN SMALL LETTER A
    "😀",
)
# One code point each, of 1, 2, 3 and 4 UTF-8 bytes (the last one is two UTF-16 units).
WIDE_CHARACTERS: Final = ("a", "é", "名", "€", "😀", "\U0001d538")
LONE_SURROGATE: Final = "\ud800"  # valid JSON text (as an escape); not encodable as UTF-8


class _Absent:
    """The "field not sent" wire state (distinct from ``None``, which is sent as ``null``)."""

    _instance: _Absent | None = None

    def __new__(cls) -> _Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:
        return False


ABSENT: Final = _Absent()


class _NotJson:
    """What a strict JSON parser makes of bytes that are not JSON."""

    def __repr__(self) -> str:
        return "NOT_JSON"


NOT_JSON: Final = _NotJson()


@dataclass(frozen=True)
class RawNumber:
    """A JSON number token sent verbatim (``1e400``), which no Python float can write."""

    token: str


@dataclass(frozen=True)
class WireBody:
    """A request body: the bytes sent, what a strict JSON parser reads, the boundaries reached."""

    wire: bytes
    document: Any
    labels: tuple[str, ...]
    mode: str

    def __repr__(self) -> str:
        wire = self.wire if len(self.wire) <= 400 else self.wire[:400] + b"..."
        return f"WireBody(mode={self.mode!r}, labels={self.labels!r}, wire={wire!r})"

    @property
    def is_json(self) -> bool:
        return self.document is not NOT_JSON

    @property
    def attributes(self) -> list[Any] | None:
        """The ``custom_attributes`` list, when the body has a well-formed one."""
        if isinstance(self.document, dict):
            items = self.document.get("custom_attributes")
            if isinstance(items, list):
                return items
        return None


def _reject_constant(token: str) -> Any:
    raise ValueError(f"{token} is not JSON")


def parse_strict(wire: bytes) -> Any:
    """Parse bytes as a JSON (RFC 8259) text: UTF-8, no NaN/Infinity tokens; NOT_JSON otherwise.

    Duplicate object keys keep the last value, as every JSON parser of this project does.
    """
    try:
        text = wire.decode("utf-8")
        return json.loads(text, parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return NOT_JSON


def serialize(document: Any, *, ascii_only: bool = False) -> bytes:
    """Write a document as JSON bytes, with :class:`RawNumber` tokens written verbatim."""
    raw: dict[str, str] = {}

    def _replace(value: Any) -> Any:
        if isinstance(value, RawNumber):
            placeholder = f"@@raw-{uuid.uuid4().hex}@@"
            raw[placeholder] = value.token
            return placeholder
        if isinstance(value, dict):
            return {key: _replace(item) for key, item in value.items()}
        if isinstance(value, list):
            return [_replace(item) for item in value]
        return value

    prepared = _replace(document)
    try:
        text = json.dumps(prepared, ensure_ascii=ascii_only, allow_nan=False)
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: only its escaped form is valid UTF-8
        text = json.dumps(prepared, ensure_ascii=True, allow_nan=False)
        data = text.encode("utf-8")
    for placeholder, token in raw.items():
        data = data.replace(f'"{placeholder}"'.encode(), token.encode())
    return data


# --- value pools ---------------------------------------------------------------------------------

_WRONG_TYPES: Final = st.sampled_from([0, 1, -1, 2.5, True, False, [], ["x"], {}, {"a": 1}])


def _exact_text(size: int, alphabet: Sequence[str] = WIDE_CHARACTERS) -> st.SearchStrategy[str]:
    return st.text(alphabet=st.sampled_from(alphabet), min_size=size, max_size=size)


def free_text() -> st.SearchStrategy[str]:
    """Any string, ordinary ones and awkward ones (control characters, astral, a lone surrogate)."""
    return st.one_of(
        st.sampled_from(
            ["Jane", "Doe", "", " ", "Zoë Ålvarez", "名前", "😀", "a\x00b", LONE_SURROGATE]
        ),
        st.text(max_size=40),
    )


def _dates() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(["2000-12-31", "2000-02-29", "2024-02-29", "0001-01-01", "9999-12-31"]),
        st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)).map(
            lambda day: day.isoformat()
        ),
    )


_BAD_DATES: Final = (
    "2001-02-29",
    "1900-02-29",
    "2000-02-30",
    "2000-04-31",
    "2000-13-01",
    "2000-00-10",
    "2000-01-00",
    "0000-01-01",
    "2000-1-1",
    "20000-01-01",
    "2000-12-31T10:00:00Z",
    "2000-12-31\n",
    " 2000-12-31",
    "2000/12/31",
    "\u0661\u0669\u0669\u0660-01-01",
    "",
    "not a date",
)


def _countries() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(["FR", "US", "XK", "ZZ", "AA"]),
        st.text(alphabet=string.ascii_uppercase, min_size=2, max_size=2),
    )


_BAD_COUNTRIES: Final = (
    "fr",
    "Fr",
    "FRA",
    "F",
    "",
    "FR\n",
    "F1",
    "\uff26\uff32",
    "ÉS",
    " FR",
    "FR ",
    "12",
)


def _ipv4() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(["0.0.0.0", "255.255.255.255", "192.168.1.1", "10.0.0.255"]),
        st.tuples(*[st.integers(0, 255)] * 4).map(lambda octets: ".".join(map(str, octets))),
    )


_BAD_IPV4: Final = (
    "256.0.0.1",
    "1.2.3.256",
    "01.2.3.4",
    "1.2.3",
    "1.2.3.4.5",
    "1.2.3.4\n",
    "1..2.3",
    "a.b.c.d",
    "\u0661.2.3.4",
    "",
    "::1",
    " 1.2.3.4",
    "1.2.3.-4",
)


def _uuids() -> st.SearchStrategy[str]:
    return st.one_of(
        st.uuids().map(str),
        st.uuids().map(lambda value: str(value).upper()),
        st.just("3fa85f64-5717-4562-b3fc-2c963f66afa6"),
    )


_BAD_UUIDS: Final = (
    "3fa85f6457174562b3fc2c963f66afa6",
    "{3fa85f64-5717-4562-b3fc-2c963f66afa6}",
    "urn:uuid:3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "3fa85f64-5717-4562-b3fc-2c963f66afa6\n",
    "3fa85f64-5717-4562-b3fc-2c963f66afa",
    "3fa85f64-5717-4562-b3fc-2c963f66afag",
    "not-a-uuid",
    "",
)

_FIELD_VALID: Final[dict[str, st.SearchStrategy[Any]]] = {
    "first_name": free_text(),
    "last_name": free_text(),
    "email": st.one_of(st.just("jane@example.com"), free_text()),
    "phone_number": st.one_of(st.just("+1234567890"), free_text()),
    "gender": st.sampled_from(["f", "m", "o"]),
    "birthday": _dates(),
    "ip_country": _countries(),
    "store_country": _countries(),
    "ip_v4_address": _ipv4(),
    "store": st.one_of(
        st.sampled_from(["app_store", "play_store", "stripe", "paddle", "adapty", "x"]),
        st.text(min_size=1, max_size=30),
    ),
    "store_account_token": _uuids(),
    "att_status": st.sampled_from([0, 1, 2, 3, 0.0, 1.0, 2.0, 3.0]),
    "analytics_disabled": st.booleans(),
}

_FIELD_INVALID: Final[dict[str, st.SearchStrategy[Any]]] = {
    "first_name": _WRONG_TYPES,
    "last_name": _WRONG_TYPES,
    "email": _WRONG_TYPES,
    "phone_number": _WRONG_TYPES,
    "gender": st.one_of(st.sampled_from(["F", "M", "male", "x", "", "f\n", "ff"]), _WRONG_TYPES),
    "birthday": st.one_of(st.sampled_from(_BAD_DATES), _WRONG_TYPES),
    "ip_country": st.one_of(st.sampled_from(_BAD_COUNTRIES), _WRONG_TYPES),
    "store_country": st.one_of(st.sampled_from(_BAD_COUNTRIES), _WRONG_TYPES),
    "ip_v4_address": st.one_of(st.sampled_from(_BAD_IPV4), _WRONG_TYPES),
    "store": st.one_of(st.just(""), _WRONG_TYPES),
    "store_account_token": st.one_of(st.sampled_from(_BAD_UUIDS), _WRONG_TYPES),
    "att_status": st.sampled_from([4, -1, 1.5, 0.5, True, False, "1", "0", 1e308, [1], {}]),
    "analytics_disabled": st.sampled_from(["true", "false", 1, 0, 1.0, [], {}, ""]),
}

UNKNOWN_FIELDS: Final = ("unknown", "firstName", "profile_id", "customer_user_id", "", "FIRST_NAME")


# --- custom attributes ---------------------------------------------------------------------------


def keys(*, known: Sequence[str] = ()) -> st.SearchStrategy[str]:
    """Valid attribute keys: every allowed character, lengths 1..30 with 29 and 30 on purpose."""
    pools: list[st.SearchStrategy[str]] = [
        st.sampled_from(["a", "favourite_sport", "A-Z.a_z-0.9", "-", ".", "_", "0"]),
        st.text(alphabet=KEY_ALPHABET, min_size=1, max_size=MAX_KEY_LENGTH),
        st.sampled_from([MAX_KEY_LENGTH - 1, MAX_KEY_LENGTH]).flatmap(
            lambda size: _exact_text(size, KEY_ALPHABET)
        ),
    ]
    if known:
        pools.append(st.sampled_from(list(known)))
    return st.one_of(pools)


def _labelled_bad_keys() -> st.SearchStrategy[tuple[str, Any]]:
    forbidden = st.tuples(
        st.text(alphabet=KEY_ALPHABET, min_size=0, max_size=10),
        st.sampled_from(FORBIDDEN_KEY_CHARACTERS),
        st.text(alphabet=KEY_ALPHABET, min_size=0, max_size=10),
    ).map(lambda parts: (f"key with forbidden {parts[1]!r}", parts[0] + parts[1] + parts[2]))
    too_long = _exact_text(MAX_KEY_LENGTH + 1, KEY_ALPHABET).map(
        lambda key: ("key of 31 characters", key)
    )
    kind = st.sampled_from(["31"] * 3 + ["forbidden"] * 3 + ["empty", "wide", "newline", "type"])
    pools: dict[str, st.SearchStrategy[tuple[str, Any]]] = {
        "31": too_long,
        "forbidden": forbidden,
        "empty": st.just(("key of 0 characters", "")),
        "wide": st.one_of(
            _exact_text(MAX_KEY_LENGTH + 1, WIDE_CHARACTERS).map(
                lambda key: ("key of 31 multi-byte characters", key)
            ),
            _exact_text(MAX_KEY_LENGTH, WIDE_CHARACTERS[1:]).map(
                lambda key: ("key of 30 multi-byte characters", key)
            ),
        ),
        "newline": st.text(alphabet=KEY_ALPHABET, min_size=1, max_size=29).map(
            lambda key: ("key with trailing newline", key + "\n")
        ),
        "type": st.sampled_from([None, 1, True, [], {}]).map(lambda key: ("key not a string", key)),
    }
    return kind.flatmap(lambda name: pools[name])


def _labelled_values() -> st.SearchStrategy[tuple[str, Any]]:
    """Valid attribute values, each with the label of the boundary it stands for."""
    return st.one_of(
        st.sampled_from([29, 30]).flatmap(
            lambda size: _exact_text(size).map(lambda text: (f"value of {size} characters", text))
        ),
        st.text(max_size=MAX_VALUE_LENGTH).map(lambda text: ("value string", text)),
        st.sampled_from(["", None]).map(lambda value: ("value deleting", value)),
        st.sampled_from([LONE_SURROGATE, "x", "yoga"]).map(
            lambda text: (
                ("value string with lone surrogate", text)
                if text == LONE_SURROGATE
                else ("value string", text)
            )
        ),
        st.integers(-(10**15), 10**15).map(lambda number: ("value integer", number)),
        st.floats(allow_nan=False, allow_infinity=False).map(
            lambda number: ("value float", number)
        ),
        st.sampled_from([0, -0.0, 1e308, -1e308, MAX_FLOAT, -MAX_FLOAT, 5e-324, 2**53 + 1]).map(
            lambda number: ("value number at a float boundary", number)
        ),
        st.booleans().map(lambda flag: ("value boolean", flag)),
    )


def _labelled_bad_values() -> st.SearchStrategy[tuple[str, Any]]:
    return st.one_of(
        st.sampled_from([*WIDE_CHARACTERS, "\u0301"]).flatmap(
            lambda char: st.just((f"value of 31 characters ({char!r})", char * 31))
        ),
        _exact_text(MAX_VALUE_LENGTH + 1).map(lambda text: ("value of 31 characters", text)),
        st.sampled_from([{}, {"a": 1}, [], ["x"]]).map(
            lambda value: ("value object or array", value)
        ),
        st.sampled_from(
            [
                RawNumber("1e400"),
                RawNumber("-1e400"),
                10**309,
                int(MAX_FLOAT) + 1,
                -int(MAX_FLOAT) - 1,
            ]
        ).map(lambda value: ("value number beyond float64", value)),
    )


@dataclass
class _Draft:
    """A body under construction, with the labels of the boundaries it reaches."""

    fields: dict[str, Any] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)

    def label(self, text: str) -> None:
        self.labels.append(text)


def _attribute_items(
    draw: st.DrawFn, draft: _Draft, count: int, known: Sequence[str]
) -> list[dict[str, Any]]:
    chosen = draw(st.lists(keys(known=known), min_size=count, max_size=count, unique=True))
    items = []
    for key in chosen:
        label, value = draw(_labelled_values())
        draft.label(label)
        if len(key) == MAX_KEY_LENGTH:
            draft.label("key of 30 characters")
        elif len(key) == MAX_KEY_LENGTH - 1:
            draft.label("key of 29 characters")
        if key in known:
            draft.label("key already stored")
        items.append({"key": key, "value": value})
    return items


def _valid_attributes(draw: st.DrawFn, draft: _Draft, known: Sequence[str]) -> list[dict[str, Any]]:
    count = draw(
        st.one_of(st.sampled_from([1, 1, 2, MAX_ATTRIBUTES]), st.integers(1, MAX_ATTRIBUTES))
    )
    draft.label(f"{count} attributes" if count in (1, MAX_ATTRIBUTES) else "some attributes")
    return _attribute_items(draw, draft, count, known)


def _valid_meta(draw: st.DrawFn, draft: _Draft, *, ids_nullable: bool) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "device_id": draw(st.one_of(st.just("3fa85f64-5717-4562-b3fc-2c963f66afa6"), free_text()))
    }
    if meta["device_id"] == "":
        meta["device_id"] = "d"
    for name in META_STRING_FIELDS:
        state = draw(st.sampled_from(["absent", "absent", "value", "null"]))
        if state == "value":
            meta[name] = draw(free_text())
        elif state == "null":
            meta[name] = None
    platform = draw(st.sampled_from(["absent", "value", "null"]))
    if platform != "absent":
        meta["platform"] = draw(st.sampled_from(PLATFORMS)) if platform == "value" else None
    for name in ADVERTISING_IDS:
        states = ["absent", "value", "null"] if ids_nullable else ["absent", "value"]
        state = draw(st.sampled_from(states))
        if state == "value":
            meta[name] = draw(st.one_of(_uuids(), st.just(""), free_text()))
        elif state == "null":
            meta[name] = None
            draft.label(f"installation_meta.{name} null with analytics disabled")
    return meta


def _valid_body(draw: st.DrawFn, draft: _Draft, known: Sequence[str]) -> None:
    for name in PROFILE_FIELDS:
        nullable = name not in NON_NULLABLE
        states = ["absent", "absent", "value"] + (["null"] if nullable else [])
        state = draw(st.sampled_from(states))
        if state == "value":
            draft.fields[name] = draw(_FIELD_VALID[name])
        elif state == "null":
            draft.fields[name] = None
    if draw(st.booleans()):
        draft.fields["custom_attributes"] = _valid_attributes(draw, draft, known)
    if draw(st.booleans()):
        disabled = draft.fields.get("analytics_disabled") is True
        draft.fields["installation_meta"] = _valid_meta(draw, draft, ids_nullable=disabled)


# --- faults: each breaks exactly one rule of a valid body ---------------------------------------

Fault = Callable[[st.DrawFn, _Draft, Sequence[str]], None]


def _fault_null_non_nullable(draw: st.DrawFn, draft: _Draft, known: Sequence[str]) -> None:
    name = draw(st.sampled_from(sorted(NON_NULLABLE)))
    draft.fields[name] = None
    draft.label(f"{name} null (not nullable)")


def _fault_field_value(draw: st.DrawFn, draft: _Draft, known: Sequence[str]) -> None:
    name = draw(st.sampled_from(PROFILE_FIELDS))
    draft.fields[name] = draw(_FIELD_INVALID[name])
    draft.label(f"{name} invalid value")


def _fault_unknown_field(draw: st.DrawFn, draft: _Draft, known: Sequence[str]) -> None:
    name = draw(st.sampled_from(UNKNOWN_FIELDS))
    draft.fields[name] = draw(st.one_of(st.none(), free_text(), st.integers()))
    draft.label("unknown field")


def _fault_attribute_count(draw: st.DrawFn, draft: _Draft, known: Sequence[str]) -> None:
    count = draw(st.sampled_from([0, MAX_ATTRIBUTES + 1, MAX_ATTRIBUTES + 2]))
    draft.fields["custom_attributes"] = _attribute_items(draw, draft, count, ())
    draft.label(f"{count} attributes")


def _existing_attributes(draw: st.DrawFn, draft: _Draft, known: Sequence[str]) -> list[Any]:
    items = draft.fields.get("custom_attributes")
    if not isinstance(items, list) or not items:
        items = _valid_attributes(draw, draft, known)
        draft.fields["custom_attributes"] = items
    for index, item in enumerate(items):
        if not isinstance(item, dict):  # an earlier fault (wild mode) broke this item
            items[index] = {"key": f"k{index}", "value": "v"}
    return items


def _fault_attribute_key(draw: st.DrawFn, draft: _Draft, known: Sequence[str]) -> None:
    items = _existing_attributes(draw, draft, known)
    index = draw(st.integers(0, len(items) - 1))
    label, key = draw(_labelled_bad_keys())
    items[index] = {"key": key, "value": items[index].get("value", "v")}
    draft.label(label)


def _fault_attribute_value(draw: st.DrawFn, draft: _Draft, known: Sequence[str]) -> None:
    items = _existing_attributes(draw, draft, known)
    index = draw(st.integers(0, len(items) - 1))
    label, value = draw(_labelled_bad_values())
    items[index] = {"key": items[index].get("key", "k"), "value": value}
    draft.label(label)


def _fault_attribute_shape(draw: st.DrawFn, draft: _Draft, known: Sequence[str]) -> None:
    items = _existing_attributes(draw, draft, known)
    index = draw(st.integers(0, len(items) - 1))
    item = dict(items[index])
    shape = draw(
        st.sampled_from(
            ["missing key", "missing value", "extra property", "not an object", "not an array"]
        )
    )
    if shape == "missing key":
        item.pop("key", None)
    elif shape == "missing value":
        item.pop("value", None)
    elif shape == "extra property":
        item["type"] = "string"
    if shape == "not an array":
        draft.fields["custom_attributes"] = draw(
            st.sampled_from([{"favourite_sport": "yoga"}, "yoga", 1, True])
        )
    elif shape == "not an object":
        items[index] = draw(st.sampled_from(["yoga", None, 1, ["k", "v"]]))
    else:
        items[index] = item
    draft.label(f"attribute {shape}")


def _fault_duplicate_key(draw: st.DrawFn, draft: _Draft, known: Sequence[str]) -> None:
    items = _existing_attributes(draw, draft, known)
    if len(items) >= MAX_ATTRIBUTES:
        items.pop()
    source = draw(st.sampled_from(items))
    if "key" not in source:
        source = {"key": "k", "value": "v"}
        items.append(source)
    _, value = draw(_labelled_values())
    items.insert(draw(st.integers(0, len(items))), {"key": source["key"], "value": value})
    draft.label("duplicate attribute key")


def _fault_merge_overflow(draw: st.DrawFn, draft: _Draft, known: Sequence[str]) -> None:
    """More than 30 stored after the merge (PATCH on a profile that already has attributes)."""
    if not known:
        _fault_duplicate_key(draw, draft, known)
        return
    fresh = MAX_ATTRIBUTES + 1 - len(known)
    new_keys = draw(
        st.lists(
            keys().filter(lambda key: key not in known),
            min_size=fresh,
            max_size=fresh,
            unique=True,
        )
    )
    items: list[Any] = [{"key": key, "value": "v"} for key in new_keys]
    if len(items) < MAX_ATTRIBUTES and draw(st.booleans()):
        items.append({"key": draw(st.sampled_from(list(known))), "value": "updated"})
    draft.fields["custom_attributes"] = items
    draft.label("more than 30 attributes after merge")


def _meta(draw: st.DrawFn, draft: _Draft) -> dict[str, Any]:
    meta = draft.fields.get("installation_meta")
    if not isinstance(meta, dict):
        meta = _valid_meta(draw, draft, ids_nullable=False)
        draft.fields["installation_meta"] = meta
    return meta


def _fault_meta(draw: st.DrawFn, draft: _Draft, known: Sequence[str]) -> None:
    meta = _meta(draw, draft)
    kind = draw(
        st.sampled_from(
            [
                "device_id missing",
                "device_id empty",
                "device_id null",
                "device_id not a string",
                "string field wrong type",
                "platform invalid",
                "advertising id wrong type",
                "unknown field",
                "not an object",
            ]
        )
    )
    if kind == "device_id missing":
        meta.pop("device_id", None)
    elif kind == "device_id empty":
        meta["device_id"] = ""
    elif kind == "device_id null":
        meta["device_id"] = None
    elif kind == "device_id not a string":
        meta["device_id"] = draw(_WRONG_TYPES)
    elif kind == "string field wrong type":
        meta[draw(st.sampled_from(META_STRING_FIELDS))] = draw(_WRONG_TYPES)
    elif kind == "platform invalid":
        meta["platform"] = draw(st.sampled_from(["ios", "IOS", "Windows", "", "web\n", 1]))
    elif kind == "advertising id wrong type":
        meta[draw(st.sampled_from(ADVERTISING_IDS))] = draw(_WRONG_TYPES)
    elif kind == "unknown field":
        meta["idfa_v2"] = "x"
    else:
        draft.fields["installation_meta"] = draw(st.sampled_from([[], ["x"], "device", 1, True]))
    draft.label(f"installation_meta {kind}")


def _fault_null_advertising_id(draw: st.DrawFn, draft: _Draft, known: Sequence[str]) -> None:
    """A null idfa/idfv/advertising_id with analytics on (false) or not said (absent)."""
    meta = _meta(draw, draft)
    name = draw(st.sampled_from(ADVERTISING_IDS))
    meta[name] = None
    analytics = draw(st.sampled_from(["absent", "false"]))
    if analytics == "absent":
        draft.fields.pop("analytics_disabled", None)
    else:
        draft.fields["analytics_disabled"] = False
    draft.label(f"installation_meta.{name} null with analytics_disabled {analytics}")


FAULTS: Final[tuple[Fault, ...]] = (
    _fault_null_non_nullable,
    _fault_field_value,
    _fault_field_value,
    _fault_unknown_field,
    _fault_attribute_count,
    _fault_attribute_key,
    _fault_attribute_key,
    _fault_attribute_value,
    _fault_attribute_value,
    _fault_attribute_shape,
    _fault_duplicate_key,
    _fault_merge_overflow,
    _fault_meta,
    _fault_null_advertising_id,
    _fault_null_advertising_id,
)


def _wild_body(draw: st.DrawFn, draft: _Draft, known: Sequence[str]) -> None:
    """Every field drawn independently from every pool: several faults at once, or none."""
    for name in PROFILE_FIELDS:
        state = draw(st.sampled_from(["absent", "absent", "null", "value", "invalid"]))
        if state == "value":
            draft.fields[name] = draw(_FIELD_VALID[name])
        elif state == "invalid":
            draft.fields[name] = draw(_FIELD_INVALID[name])
        elif state == "null":
            draft.fields[name] = None
    if draw(st.booleans()):
        disabled = draft.fields.get("analytics_disabled") is True
        draft.fields["installation_meta"] = _valid_meta(
            draw, draft, ids_nullable=disabled or draw(st.booleans())
        )
    if draw(st.booleans()):
        draft.fields["custom_attributes"] = _valid_attributes(draw, draft, known)
    for fault in draw(st.lists(st.sampled_from(FAULTS), max_size=2)):
        fault(draw, draft, known)


_MALFORMED: Final = (
    (b"", "empty body"),
    (b"{", "truncated JSON"),
    (b'{"first_name": "Jane",}', "trailing comma"),
    (b"{'first_name': 'Jane'}", "single quotes"),
    (b"NaN", "NaN token"),
    (b'{"custom_attributes": [{"key": "a", "value": NaN}]}', "NaN token"),
    (b'{"custom_attributes": [{"key": "a", "value": Infinity}]}', "Infinity token"),
    (b'{"att_status": -Infinity}', "Infinity token"),
    (b'{"first_name": "\xff"}', "invalid UTF-8"),
    (b'{"first_name": "\xc3"}', "invalid UTF-8"),
    (b"\xff\xfe{\x00}\x00", "UTF-16 body"),
    (b"{} {}", "two documents"),
    (b'{"first_name": "Jane"} x', "trailing garbage"),
    (b"first_name=Jane", "form encoding"),
    (b'{"first_name": "a\x01b"}', "raw control character in string"),
)


def _is_not_json(data: bytes) -> bool:
    return parse_strict(data) is NOT_JSON


@st.composite
def _malformed(draw: st.DrawFn) -> WireBody:
    wire, label = draw(st.sampled_from(_MALFORMED))
    if draw(st.booleans()):
        wire, label = (
            draw(st.binary(min_size=1, max_size=40).filter(_is_not_json)),
            "random bytes",
        )
    return WireBody(
        wire=wire, document=parse_strict(wire), labels=(f"malformed: {label}",), mode="wire"
    )


@st.composite
def _not_an_object(draw: st.DrawFn) -> WireBody:
    document = draw(st.sampled_from([[], [{"first_name": "Jane"}], "Jane", 1, 1.5, True, None]))
    wire = serialize(document)
    return WireBody(
        wire=wire, document=parse_strict(wire), labels=("body not an object",), mode="wire"
    )


@st.composite
def bodies(
    draw: st.DrawFn, *, known_keys: Sequence[str] = (), modes: Sequence[str] = ()
) -> WireBody:
    """Profile request bodies for POST and PATCH: valid, one fault, wild, or not JSON at all.

    ``known_keys`` are attribute keys already stored on the target profile (PATCH): attribute
    keys are drawn from them too, so merges, updates, deletions and the 30-after-merge limit
    are reached.
    """
    mode = draw(
        st.sampled_from(list(modes) or [*["valid"] * 8, *["one_fault"] * 9, "wild", "wild", "wire"])
    )
    if mode == "wire":
        return draw(st.one_of(_malformed(), _not_an_object()))
    draft = _Draft()
    _valid_body(draw, draft, known_keys)
    if mode == "one_fault":
        fault = draw(st.sampled_from(FAULTS))
        fault(draw, draft, known_keys)
    elif mode == "wild":
        draft.fields.clear()
        _wild_body(draw, draft, known_keys)
    if draft.fields.get("custom_attributes") is not None and not draft.fields.get(
        "custom_attributes"
    ):
        draft.label("0 attributes")
    document = dict(draw(st.permutations(list(draft.fields.items()))))
    wire = serialize(document, ascii_only=draw(st.booleans()))
    if document and draw(st.sampled_from([False] * 9 + [True])):
        # The same object key twice on the wire: the last one wins (a decision, not an error).
        shadowed = draw(st.sampled_from(sorted(document)))
        prefix = json.dumps(shadowed).encode() + b': "shadowed", '
        wire = b"{" + prefix + wire[1:]
        draft.label("duplicate JSON object key (last wins)")
    if not document:
        draft.label("empty object")
    return WireBody(
        wire=wire, document=parse_strict(wire), labels=tuple(dict.fromkeys(draft.labels)), mode=mode
    )


@dataclass(frozen=True)
class StoredState:
    """What a PATCH target holds before the PATCH: the stated state of the differential oracle."""

    analytics_disabled: bool
    attribute_keys: tuple[str, ...]

    def creation_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"analytics_disabled": self.analytics_disabled}
        if self.attribute_keys:
            body["custom_attributes"] = [
                {"key": key, "value": f"v{index}"} for index, key in enumerate(self.attribute_keys)
            ]
        return body


@st.composite
def stored_states(draw: st.DrawFn) -> StoredState:
    """A profile with analytics on or off and 0, 1, 29 or 30 stored attributes."""
    count = draw(st.sampled_from([0, 1, MAX_ATTRIBUTES - 1, MAX_ATTRIBUTES]))
    stored = draw(st.lists(keys(), min_size=count, max_size=count, unique=True))
    return StoredState(analytics_disabled=draw(st.booleans()), attribute_keys=tuple(stored))


@st.composite
def patch_cases(draw: st.DrawFn) -> tuple[StoredState, WireBody]:
    """A stated stored state, and a PATCH body whose attribute keys overlap the stored ones."""
    state = draw(stored_states())
    return state, draw(bodies(known_keys=state.attribute_keys))


# --- boundaries every run reaches (explicit examples, before any random case) -------------------


def wire_body(document: Any, *labels: str, wire: bytes | None = None) -> WireBody:
    data = serialize(document) if wire is None else wire
    return WireBody(wire=data, document=parse_strict(data), labels=labels, mode="boundary")


def _attrs(*items: tuple[str, Any]) -> dict[str, Any]:
    return {"custom_attributes": [{"key": key, "value": value} for key, value in items]}


def _many(count: int, prefix: str = "k") -> dict[str, Any]:
    return _attrs(*[(f"{prefix}{index}", "v") for index in range(count)])


def _meta_with(**fields: Any) -> dict[str, Any]:
    return {"device_id": "device-1", **fields}


BOUNDARY_BODIES: Final[tuple[WireBody, ...]] = (
    wire_body({}, "empty object"),
    wire_body(_attrs(("k" * 30, "v")), "key of 30 characters"),
    wire_body(_attrs(("k" * 31, "v")), "key of 31 characters"),
    wire_body(_attrs(("a", "é" * 30)), "value of 30 multi-byte characters"),
    wire_body(_attrs(("a", "😀" * 30)), "value of 30 astral characters"),
    wire_body(_attrs(("a", "é" * 31)), "value of 31 characters"),
    wire_body(_many(1), "1 attributes"),
    wire_body(_many(30), "30 attributes"),
    wire_body(_many(31), "31 attributes"),
    wire_body({"custom_attributes": []}, "0 attributes"),
    wire_body(_attrs(("a", "x"), ("a", "y")), "duplicate attribute key"),
    wire_body(_attrs(("a b", "x")), "key with forbidden ' '"),
    wire_body(_attrs(("ab\n", "x")), "key with trailing newline"),
    wire_body(_attrs(("a", 1e308)), "value 1e308"),
    wire_body(_attrs(("a", RawNumber("1e400"))), "value number beyond float64"),
    wire_body(_attrs(("a", int(MAX_FLOAT) + 1)), "value integer just above float64's maximum"),
    wire_body(_attrs(("a", True)), "value boolean"),
    wire_body(_attrs(("a", None), ("b", "")), "value deleting"),
    wire_body({"birthday": None}, "birthday null (not nullable)"),
    wire_body({"birthday": "2000-02-29"}, "birthday 2000-02-29"),
    wire_body({"birthday": "2001-02-29"}, "birthday 2001-02-29"),
    wire_body({"ip_country": "FR\n"}, "ip_country FR\\n"),
    wire_body({"ip_country": None}, "ip_country null (not nullable)"),
    wire_body({"store_country": None, "first_name": None}, "nullable fields null"),
    wire_body({"att_status": 1.0}, "att_status 1.0"),
    wire_body({"att_status": True}, "att_status true"),
    wire_body({"analytics_disabled": None}, "analytics_disabled null (not nullable)"),
    wire_body({"installation_meta": _meta_with(idfa=None)}, "idfa null, analytics absent"),
    wire_body(
        {"analytics_disabled": False, "installation_meta": _meta_with(idfv=None)},
        "idfv null, analytics on",
    ),
    wire_body(
        {"analytics_disabled": True, "installation_meta": _meta_with(advertising_id=None)},
        "advertising_id null, analytics off",
    ),
    wire_body({"first_name": "Jane", "unknown": 1}, "unknown field"),
    wire_body(None, "malformed: truncated JSON", wire=b'{"first_name": '),
    wire_body(None, "malformed: empty body", wire=b""),
    wire_body(None, "malformed: NaN token", wire=b'{"att_status": NaN}'),
    wire_body(["first_name"], "body not an object"),
)

_THIRTY_STORED: Final = StoredState(
    analytics_disabled=False, attribute_keys=tuple(f"k{index}" for index in range(30))
)
BOUNDARY_PATCHES: Final[tuple[tuple[StoredState, WireBody], ...]] = (
    (_THIRTY_STORED, wire_body(_attrs(("k31", "v")), "more than 30 attributes after merge")),
    (
        _THIRTY_STORED,
        wire_body(_attrs(("k0", None), ("k31", "v")), "delete one, add one at 30 stored"),
    ),
    (_THIRTY_STORED, wire_body(_attrs(("k0", "new")), "update at 30 stored")),
    (
        StoredState(analytics_disabled=True, attribute_keys=()),
        wire_body({"installation_meta": _meta_with(idfa=None)}, "idfa null, stored analytics off"),
    ),
    (
        StoredState(analytics_disabled=False, attribute_keys=()),
        wire_body({"installation_meta": _meta_with(idfa=None)}, "idfa null, stored analytics on"),
    ),
    (
        StoredState(analytics_disabled=True, attribute_keys=()),
        wire_body(
            {"analytics_disabled": False, "installation_meta": _meta_with(idfa=None)},
            "idfa null, analytics turned on in the request",
        ),
    ),
    (StoredState(analytics_disabled=False, attribute_keys=("a",)), wire_body({}, "empty PATCH")),
    *((StoredState(False, ()), body) for body in BOUNDARY_BODIES),
)
