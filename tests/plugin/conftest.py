"""Helpers for the plugin's own tests: run a separate pytest over files written by pytester.

The test modules enable pytester themselves (``pytest_plugins = ["pytester"]``): pytest refuses
``pytest_plugins`` in a conftest below the root one.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

# A separate pytest (plus a recorded server) per call: bounded, and generous for a loaded machine.
INNER_TIMEOUT = 180

# Written beside the inner tests as inner_http.py: they create profiles over plain HTTP when what
# they test is the plugin, not the generated client.
INNER_HTTP = '''
"""Plain-HTTP helpers for the inner tests."""

import httpx

PROFILE_PATH = "/api/v2/server-side-api/profile/"


def create(server, customer_user_id, body=None):
    response = httpx.post(
        server.url + PROFILE_PATH,
        headers={
            "Authorization": f"Api-Key {server.api_key}",
            "adapty-customer-user-id": customer_user_id,
        },
        json={} if body is None else body,
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]
'''


@pytest.fixture
def run_inner(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., pytest.RunResult]:
    """Run pytest in a subprocess in pytester's folder, with no adapty target in the environment."""
    monkeypatch.delenv("ADAPTY_SERVER_URL", raising=False)
    monkeypatch.delenv("ADAPTY_API_KEY", raising=False)
    pytester.makepyfile(inner_http=INNER_HTTP)

    def run(*args: str) -> pytest.RunResult:
        return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args, timeout=INNER_TIMEOUT)

    return run
