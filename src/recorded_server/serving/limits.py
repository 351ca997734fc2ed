"""The contract's numeric limits, in one place.

Validation reads these as module attributes at call time (``limits.MAX_KEY_LENGTH``, never
``from limits import ...``), so a test or a deliberately broken variant can monkeypatch them.
"""

from __future__ import annotations

MAX_ATTRIBUTES = 30
"""Most ``custom_attributes`` items in one request."""

MAX_STORED_ATTRIBUTES = 30
"""Most custom attributes a profile keeps after the request's merge (a cross-request rule)."""

MAX_INSTALLATION_METAS = 100
"""Most installation metas (distinct ``device_id`` values) a profile keeps; a request adding one
more gets 400 and stores nothing (an attacker cycling device ids cannot grow a profile forever)."""

MAX_KEY_LENGTH = 30
"""Most code points in a custom attribute key."""

MAX_VALUE_LENGTH = 30
"""Most code points in a string custom attribute value."""

MAX_CUSTOMER_USER_ID_LENGTH = 255
"""Most characters in the ``adapty-customer-user-id`` header."""

DEFAULT_MAX_BODY = 65536
"""Default request body limit in bytes (64 KiB); larger bodies get 413."""

PROFILES_PAGE_SIZE = 1000
"""Most profiles in one ``GET /_recorded/profiles`` answer (the ``limit`` parameter's maximum)."""

MAX_FIXTURES_BODY = 16 * 1024 * 1024
"""Body limit of ``POST /_recorded/fixtures`` (fixture documents may be larger than a profile)."""

MAX_CASSETTE_BODY = 16 * 1024 * 1024
"""Most bytes in one recorded body (as stored, and after undoing its gzip or deflate encoding)."""

MAX_RECORD_BODY = 1024 * 1024
"""Default request body limit of ``record`` (1 MiB: room to record the upstream's own 413)."""

MAX_CASSETTE_FILE = 64 * 1024 * 1024
"""Largest cassette file ``replay``, ``verify`` and ``record --append`` read."""

MAX_CASSETTE_DEPTH = 100
"""Deepest nesting of a cassette's YAML document (JSON bodies too deep for Python's parser are
reported as "not a JSON document" by verify)."""

BODY_READ_TIMEOUT = 30.0
"""Seconds a client may take to send its whole body before it gets 408."""

DEFAULT_HEADER_TIMEOUT = 10.0
"""Seconds a connection may take to send a complete request head (from when it opened, or from
the previous answer) before the server closes it: idle and half-sent connections are reaped."""

KEEP_ALIVE_TIMEOUT = 5
"""Seconds an idle keep-alive connection stays open after an answer (uvicorn's timer)."""

DEFAULT_MAX_CONNECTIONS = 1000
"""Most connections open at once; beyond it the oldest one still waiting for its request head is
closed (or, if every connection is busy with a request, the new one). Lowered automatically to
fit the process's descriptor limit."""

FD_RESERVE = 32
"""Descriptors kept free below ``RLIMIT_NOFILE`` for the listening socket, SQLite and logs."""

GRACEFUL_SHUTDOWN_TIMEOUT = 10
"""Seconds uvicorn waits for open requests on SIGTERM before closing them."""

MAX_JSON_INT_DIGITS = 4000
"""Longer integer literals are read as floats (so they overflow to inf and fail validation)
instead of tripping Python's int-to-str digit limit."""
