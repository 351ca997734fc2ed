"""Durable state: profiles in SQLite, committed before an answer is sent.

Knows nothing of HTTP: it raises :class:`Conflict` and :class:`NotFound`, which the endpoints
turn into the contract's errors.
"""

from __future__ import annotations

from recorded_server.emulator.storage.sqlite import (
    Conflict,
    Lookup,
    NotFound,
    Storage,
    StorageClosed,
    StorageFailure,
)

__all__ = ["Conflict", "Lookup", "NotFound", "Storage", "StorageClosed", "StorageFailure"]
