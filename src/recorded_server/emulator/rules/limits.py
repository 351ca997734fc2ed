"""The contract's limits on what a profile holds: fields of :class:`~..settings.Settings`.

The defaults are the contract's numbers; a test or a deliberately broken variant builds an app
with other ones (``create_app(Settings(max_stored_attributes=31))``), never a monkeypatch.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_LIMITS", "FIXTURES_BODY", "Limits"]


@dataclass(frozen=True, slots=True)
class Limits:
    """The profile rules' numbers, as the endpoints pass them to the rules."""

    max_attributes: int = 30
    """Most ``custom_attributes`` items in one request."""
    max_stored_attributes: int = 30
    """Most custom attributes a profile keeps after the request's merge (a cross-request rule)."""
    max_installation_metas: int = 100
    """Most installation metas (distinct ``device_id`` values) a profile keeps; a request adding
    one more gets 400 and stores nothing (cycling device ids cannot grow a profile forever)."""
    max_key_length: int = 30
    """Most code points in a custom attribute key."""
    max_value_length: int = 30
    """Most code points in a string custom attribute value."""
    max_customer_user_id_length: int = 255
    """Most characters in the ``adapty-customer-user-id`` header."""
    profiles_page_size: int = 1000
    """Most profiles in one ``GET /_recorded/profiles`` answer (the ``limit`` maximum)."""


DEFAULT_LIMITS = Limits()
"""The contract's limits."""

FIXTURES_BODY = 16 * 1024 * 1024
"""Body limit of ``POST /_recorded/fixtures`` (fixture documents may be larger than a profile)."""
