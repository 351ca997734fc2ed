"""Cassettes: VCR.py-format recordings of real traffic, and the servers that record, replay and
verify them."""

from __future__ import annotations

from recorded_server.cassettes.format import (
    Cassette,
    CassetteError,
    Interaction,
    RecordedRequest,
    RecordedResponse,
    Redactor,
    load_cassette,
    load_cassettes,
    write_cassette,
)

__all__ = [
    "Cassette",
    "CassetteError",
    "Interaction",
    "RecordedRequest",
    "RecordedResponse",
    "Redactor",
    "load_cassette",
    "load_cassettes",
    "write_cassette",
]
