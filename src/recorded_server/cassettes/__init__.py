"""Cassettes: VCR.py-format recordings of real traffic, and the servers that record, replay and
verify them.

The modules: ``model`` (the data), ``yaml_io`` (reading and writing cassette files),
``writer`` (append-only recording), ``redaction``, ``matchers`` (``--match-on``),
``record_modes``, ``har`` (HAR 1.2 export), ``recorder``, ``replay``, ``verify``; ``format``
keeps the names it always had.
"""

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
from recorded_server.cassettes.har import cassettes_to_har
from recorded_server.cassettes.matchers import DEFAULT_MATCH_ON, MATCHERS, parse_match_on
from recorded_server.cassettes.record_modes import RecordMode, parse_record_mode
from recorded_server.cassettes.writer import BackgroundWriter, CassetteWriter

__all__ = [
    "DEFAULT_MATCH_ON",
    "MATCHERS",
    "BackgroundWriter",
    "Cassette",
    "CassetteError",
    "CassetteWriter",
    "Interaction",
    "RecordMode",
    "RecordedRequest",
    "RecordedResponse",
    "Redactor",
    "cassettes_to_har",
    "load_cassette",
    "load_cassettes",
    "parse_match_on",
    "parse_record_mode",
    "write_cassette",
]
