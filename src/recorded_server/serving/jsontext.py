"""JSON text as every server of the kit writes it: compact, ASCII-only, no NaN or Infinity; and the
JSON name of a parsed value's type, for messages."""

from __future__ import annotations

import json

__all__ = ["dumps", "json_type"]


def dumps(value: object, *, sort_keys: bool = False) -> str:
    """JSON text for storage and responses: ASCII-only (so lone surrogates a client escaped
    survive), no NaN/Infinity, compact."""
    return (_SORTED_ENCODER if sort_keys else _ENCODER).encode(value)


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
