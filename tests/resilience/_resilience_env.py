"""Constants shared by the resilience tests (a module, not conftest, so tests can import it)."""

from __future__ import annotations

# A distinctive key, so that a leak of it into a log line or a cassette is unmistakable.
API_KEY = "resilience-key-7Qx2-Vb9s-do-not-log"
PROFILE_PATH = "/api/v2/server-side-api/profile/"
AUTH = {"Authorization": f"Api-Key {API_KEY}"}
