"""The emulator's routes: the profile endpoint and the ``/_recorded/`` inspection and fault API."""

from __future__ import annotations

__all__: list[str] = []  # internal to the kit: its modules are imported by name
