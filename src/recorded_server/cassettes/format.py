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

from recorded_server.cassettes import model, redaction, writer, yaml_io
from recorded_server.cassettes.model import *  # noqa: F403
from recorded_server.cassettes.redaction import *  # noqa: F403
from recorded_server.cassettes.writer import *  # noqa: F403
from recorded_server.cassettes.yaml_io import *  # noqa: F403

__all__ = [*model.__all__, *redaction.__all__, *writer.__all__, *yaml_io.__all__]
