"""ASGI middleware around the endpoints: the API key, the request log, injected faults."""

from __future__ import annotations

__all__: list[str] = []  # internal to the kit: its modules are imported by name
