"""The recorded server: an emulator of Adapty's server-side profile endpoint."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from recorded_server.settings import DEFAULT_API_KEY, DEFAULT_APP_ID, Settings

if TYPE_CHECKING:
    from recorded_server.app import create_app

__all__ = ["DEFAULT_API_KEY", "DEFAULT_APP_ID", "Settings", "create_app"]


def __getattr__(name: str) -> Any:
    # Imported lazily so that `import recorded_server` (the pytest plugin does it in every test
    # run) stays cheap and does not pull in Starlette until an app is built.
    if name == "create_app":
        from recorded_server.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
