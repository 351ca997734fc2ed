"""JSON text as every server of the kit writes it: compact, ASCII-only, no NaN or Infinity."""

from __future__ import annotations

import json

__all__ = ["dumps"]


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
