"""The profile's entitlements: grant and revoke access levels, set transactions, and what they
need (the app's catalogue, the server's clock).

Hand-written from Adapty's reference and the kit's decisions (``docs/entitlements.md``), never
derived from the spec.
"""

from __future__ import annotations

from recorded_server.emulator.entitlements.catalogue import (
    DEFAULT_CATALOGUE,
    PREMIUM,
    Catalogue,
    Product,
    parse_catalogue,
)
from recorded_server.emulator.entitlements.clock import Clock

__all__ = ["DEFAULT_CATALOGUE", "PREMIUM", "Catalogue", "Clock", "Product", "parse_catalogue"]
