"""For tests: the server as a real process, and the pytest plugin's fixtures and helpers."""

from __future__ import annotations

from recorded_server.testing.plugin import (
    AdaptyServer,
    AdaptyServerError,
    FaultInfo,
    InjectedFault,
    ProfileNotStored,
    StoredProfile,
)
from recorded_server.testing.process import ServerProcess

__all__ = [
    "AdaptyServer",
    "AdaptyServerError",
    "FaultInfo",
    "InjectedFault",
    "ProfileNotStored",
    "ServerProcess",
    "StoredProfile",
]
