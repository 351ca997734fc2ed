"""Placeholder until the client is generated (nox -s generate)."""
