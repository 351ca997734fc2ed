"""The kit's version, read from its installed distribution's metadata."""

from __future__ import annotations

from importlib import metadata

DISTRIBUTION = "adapty-profile-contract"

try:
    __version__ = metadata.version(DISTRIBUTION)
except metadata.PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"
