"""The emulator of Adapty's profile endpoint: a Starlette app with durable SQLite state.

``create_app(Settings(...))`` builds the ASGI app; :mod:`.serve` runs it with uvicorn.

Layers inside, pointing down: :mod:`.app` builds the app from :mod:`.endpoints` and
:mod:`.middleware`; they apply :mod:`.rules` (headers, bodies, validation, limits, fixtures) and
keep state in :mod:`.storage`, which knows nothing of HTTP.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from recorded_server.emulator.settings import (
    DEFAULT_API_KEY,
    DEFAULT_APP_ID,
    ENV_VARS,
    Settings,
    SettingsError,
)

if TYPE_CHECKING:
    from recorded_server.emulator.app import create_app
    from recorded_server.emulator.rules.fixtures import seed_fixture_text

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_APP_ID",
    "ENV_VARS",
    "Settings",
    "SettingsError",
    "create_app",
    "seed_fixture_text",
]


def __getattr__(name: str) -> Any:
    # Lazy: building an app imports Starlette; settings do not.
    if name == "create_app":
        from recorded_server.emulator.app import create_app

        return create_app
    if name == "seed_fixture_text":
        from recorded_server.emulator.rules.fixtures import seed_fixture_text

        return seed_fixture_text
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
