"""The hand-written OpenAPI spec as JSON Schema validators (install the ``spec`` extra).

Used by ``recorded-server verify`` and the contract tests; the emulator never imports it.
"""

from __future__ import annotations

from recorded_server.spec.schemas import *  # noqa: F403
from recorded_server.spec.schemas import __all__ as __all__
