"""Moved to :mod:`recorded_server.testing` (the plugin's helpers: ``AdaptyServer``,
``StoredProfile``, ...); this name keeps working. The plugin itself is registered as
``recorded_server.testing.plugin``."""

from __future__ import annotations

from recorded_server.testing.plugin import *  # noqa: F403
from recorded_server.testing.plugin import __all__ as __all__
