"""Cassettes: recorded HTTP exchanges in VCR.py's YAML format (version 1).

A cassette file is what VCR.py writes and reads::

    version: 1
    interactions:
    - request:
        method: POST
        uri: http://127.0.0.1:8080/api/v2/server-side-api/profile/
        body: '{"first_name": "Jane"}'          # null when the request had no body
        headers:
          authorization: [Api-Key REDACTED]
          content-type: [application/json]
      response:
        status: {code: 200, message: OK}
        headers:
          request-id: [758f01dfd9e74ccfbabb4934241c4966]
        body: {string: '{"data": {...}}'}

Bodies are text when they are valid UTF-8 and YAML ``!!binary`` otherwise. Header
values are lists (a header may repeat).

This module keeps the names it has always had; the code lives in ``model`` (the data),
``yaml_io`` (reading and writing files), ``writer`` (append-only recording) and ``redaction``.
"""

from __future__ import annotations

from recorded_server.cassettes.model import (
    CASSETTE_FORMAT_VERSION,
    CASSETTE_SUFFIXES,
    HOP_BY_HOP_HEADERS,
    REDACTED,
    SECRET_HEADERS,
    SECRET_QUERY_PARAMETERS,
    Cassette,
    CassetteError,
    Headers,
    Interaction,
    RecordedRequest,
    RecordedResponse,
    decode_content,
    session_name,
    valid_scenario_name,
)
from recorded_server.cassettes.redaction import Redactor, parse_json, redact_json_fields
from recorded_server.cassettes.writer import CassetteWriter
from recorded_server.cassettes.yaml_io import (
    dump_cassette,
    find_cassettes,
    interaction_to_yaml,
    load_cassette,
    load_cassettes,
    parse_cassette,
    write_cassette,
)

__all__ = [
    "CASSETTE_FORMAT_VERSION",
    "CASSETTE_SUFFIXES",
    "HOP_BY_HOP_HEADERS",
    "REDACTED",
    "SECRET_HEADERS",
    "SECRET_QUERY_PARAMETERS",
    "Cassette",
    "CassetteError",
    "CassetteWriter",
    "Headers",
    "Interaction",
    "RecordedRequest",
    "RecordedResponse",
    "Redactor",
    "decode_content",
    "dump_cassette",
    "find_cassettes",
    "interaction_to_yaml",
    "load_cassette",
    "load_cassettes",
    "parse_cassette",
    "parse_json",
    "redact_json_fields",
    "session_name",
    "valid_scenario_name",
    "write_cassette",
]
