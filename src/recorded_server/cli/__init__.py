"""The ``recorded-server`` command (``python -m recorded_server``)."""

from __future__ import annotations

from recorded_server.cli.main import main

__all__ = ["main"]
