"""Moved to :mod:`recorded_server.testing` (``ServerProcess``); this name keeps working."""

from __future__ import annotations

from recorded_server.testing.process import *  # noqa: F403
from recorded_server.testing.process import __all__ as __all__
