"""HTTP shared by every server of the kit (emulator, recorder, replay): the listening socket,
uvicorn's h11 protocol answering malformed HTTP with the error envelope, the envelope itself,
request ids and log output. Imports nothing else of the kit."""

from __future__ import annotations

__all__: list[str] = []  # internal to the kit: its modules are imported by name
