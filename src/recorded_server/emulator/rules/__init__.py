"""The contract's rules, hand-written: headers, bodies, field validation, limits, fixtures."""

from __future__ import annotations

__all__: list[str] = []  # internal to the kit: its modules are imported by name
