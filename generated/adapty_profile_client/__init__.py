"""A client library for accessing Adapty server-side profile API"""

from .client import AuthenticatedClient, Client

__version__ = "2.0.0"
"""The version of the spec (``info.version``) this client was generated from."""

__all__ = (
    "AuthenticatedClient",
    "Client",
    "__version__",
)
