"""JSON text as every server of the kit writes it: compact, ASCII-only, no NaN or Infinity; and the
JSON name of a parsed value's type, for messages.

The text is the standard library's (``json.dumps(value, ensure_ascii=True, allow_nan=False,
separators=(",", ":"))``), byte for byte. orjson writes it about ten times faster, so it writes
first, and its text is kept where it is provably the same. orjson differs on non-ASCII text and
on DEL (the standard library escapes both), on floats below 1e-4 (``0.00001`` for ``1e-05``,
``1e-7`` for ``1e-07``) and on NaN and infinities (``null`` where the standard library refuses);
it refuses what the standard library takes (integers past 64 bits, keys that are not strings,
lone surrogates). The first three show in orjson's output (a string that merely looks like them
only costs the slower path), a ``null`` in the output has the value searched for a NaN or an
infinity, and a refusal is an exception: each falls back to the standard library.
``tests/server/test_jsontext.py`` holds the two to the same text over generated values.
"""

from __future__ import annotations

import json
import math
import re

import orjson

__all__ = ["dumps", "dumps_bytes", "json_type"]


def dumps(value: object, *, sort_keys: bool = False) -> str:
    """JSON text for storage and responses: ASCII-only (so lone surrogates a client escaped
    survive), no NaN/Infinity, compact."""
    text = _orjson_text(value, sort_keys)
    if text is None:
        return (_SORTED_ENCODER if sort_keys else _ENCODER).encode(value)
    return text.decode("ascii")


def dumps_bytes(value: object, *, sort_keys: bool = False) -> bytes:
    """:func:`dumps` as bytes (a response body)."""
    text = _orjson_text(value, sort_keys)
    if text is None:
        return (_SORTED_ENCODER if sort_keys else _ENCODER).encode(value).encode("ascii")
    return text


def _orjson_text(value: object, sort_keys: bool) -> bytes | None:
    """orjson's text of ``value`` where it is the standard library's, else ``None``."""
    try:
        text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS if sort_keys else 0)
    except (orjson.JSONEncodeError, TypeError):
        return None
    if (
        text.isascii()
        and b"\x7f" not in text
        and b"0.0000" not in text
        and not _short_exponent(text)
        and not (b"null" in text and _has_non_finite(value))
    ):
        return text
    return None


def _short_exponent(text: bytes) -> bool:
    """Whether ``text`` may hold orjson's one-digit negative exponent (``1e-7``: the standard
    library writes ``1e-07``): a digit, ``e-``, one digit, and what ends a number in compact
    JSON (a comma, a bracket, a brace, the end)."""
    found = _EXPONENT_END.search(text)  # rarely anything: the usual text is scanned once
    while found is not None:
        at = found.start()
        if at > 0 and text[at - 1] in _DIGITS:
            return True
        found = _EXPONENT_END.search(text, at + 1)
    return False


_EXPONENT_END = re.compile(rb"e-[0-9](?:[,\]}]|\Z)")
_DIGITS = frozenset(b"0123456789")


def _has_non_finite(value: object) -> bool:
    """Whether a NaN or an infinity is anywhere in ``value`` (orjson writes them as ``null``)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float):
            if not math.isfinite(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return False


# What json.dumps(value, ensure_ascii=True, allow_nan=False, separators=(",", ":"), sort_keys=...)
# builds on every call, built once (an encoder keeps no state between calls).
_ENCODER = json.JSONEncoder(ensure_ascii=True, allow_nan=False, separators=(",", ":"))
_SORTED_ENCODER = json.JSONEncoder(
    ensure_ascii=True, allow_nan=False, separators=(",", ":"), sort_keys=True
)


def json_type(value: object) -> str:
    """The JSON name of a parsed value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
