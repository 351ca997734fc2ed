"""HTTP and cassette limits shared by every server of the kit: bodies, timeouts, connections.

The limits on a profile's content are the emulator's settings (:mod:`recorded_server.emulator`).
"""

from __future__ import annotations

DEFAULT_MAX_BODY = 65536
"""Default request body limit in bytes (64 KiB); larger bodies get 413."""


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
