"""The kit's public surface: every package says what it exports, and the old names still work.

A package's ``__all__`` is its surface: each name in it resolves, none is private, and the
top-level names users import are the ones listed here (a removal fails this test, not a user).
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import pytest

import recorded_server

TOP_LEVEL = {"DEFAULT_API_KEY", "DEFAULT_APP_ID", "Settings", "__version__", "create_app"}
MOVED = {
    # old module -> where its names live now (the old one re-exports them)
    "recorded_server.running": "recorded_server.testing.process",
    "recorded_server.pytest_plugin": "recorded_server.testing.plugin",
}


def _packages() -> list[str]:
    found = [recorded_server.__name__]
    for info in pkgutil.walk_packages(recorded_server.__path__, prefix="recorded_server."):
        if info.ispkg:
            found.append(info.name)
    return found


@pytest.mark.parametrize("name", _packages())
def test_every_package_lists_its_public_names(name: str) -> None:
    package: ModuleType = importlib.import_module(name)
    exported = getattr(package, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    assert len(set(exported)) == len(exported), f"{name}.__all__ repeats a name"
    for item in exported:
        assert item == "__version__" or not item.startswith("_"), f"{name} exports {item}"
        assert getattr(package, item, None) is not None, f"{name}.{item} does not resolve"


def test_the_top_level_names_users_import() -> None:
    assert set(recorded_server.__all__) == TOP_LEVEL
    assert recorded_server.__version__


@pytest.mark.parametrize(("old", "new"), sorted(MOVED.items()))
def test_moved_modules_re_export_every_name(old: str, new: str) -> None:
    before, after = importlib.import_module(old), importlib.import_module(new)
    assert list(before.__all__) == list(after.__all__)
    for item in after.__all__:
        assert getattr(before, item) is getattr(after, item)


def test_the_client_lists_its_public_names() -> None:
    client = importlib.import_module("adapty_profile_client")
    assert {"AuthenticatedClient", "Client"} <= set(client.__all__)
    for item in client.__all__:
        assert getattr(client, item, None) is not None
