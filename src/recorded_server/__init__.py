"""The recorded server: an emulator of Adapty's server-side profile endpoint, with cassettes
(record, replay, verify), a pytest plugin and the spec's validator.

The packages, one layer each (imports point down; ``pyproject.toml``'s import-linter
contracts enforce it):

- :mod:`recorded_server.cli` — the ``recorded-server`` command.
- :mod:`recorded_server.testing` — the server process and the pytest plugin.
- :mod:`recorded_server.cassettes` — record, replay and verify of real traffic.
- :mod:`recorded_server.emulator` — the emulator: app, endpoints, rules, storage.
- :mod:`recorded_server.serving` — HTTP shared by every server of the kit: uvicorn, the h11
  protocol, the error envelope, logging.
- :mod:`recorded_server.spec` — the spec's validator (the ``spec`` extra), never imported by
  the emulator.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from recorded_server._version import __version__
from recorded_server.emulator.settings import DEFAULT_API_KEY, DEFAULT_APP_ID, Settings

if TYPE_CHECKING:
    from recorded_server.emulator.app import create_app

__all__ = ["DEFAULT_API_KEY", "DEFAULT_APP_ID", "Settings", "__version__", "create_app"]


def __getattr__(name: str) -> Any:
    # Imported lazily so that `import recorded_server` (the pytest plugin does it in every test
    # run) stays cheap and does not pull in Starlette until an app is built.
    if name == "create_app":
        from recorded_server.emulator.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
