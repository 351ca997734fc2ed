"""The fault helpers of adapty_server (fail_next, slow_next, drop_next), against the server the
plugin starts for this session, and their reset between tests."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from recorded_server.testing.plugin import AdaptyServer

pytest_plugins = ["pytester"]

RunInner = Callable[..., pytest.RunResult]
PATH = "/api/v2/server-side-api/profile/"
DOC = Path(__file__).resolve().parents[2] / "docs" / "pytest-plugin.md"
DOC_SECTION = "## Faults on demand"


def doc_example() -> str:
    """The Python block of the faults section of the plugin's docs page."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index(DOC_SECTION) :]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match is not None, "docs/pytest-plugin.md: the faults section has no Python example"
    return match.group(1)


def call(server: AdaptyServer, method: str, user: str = "u1") -> httpx.Response:
    headers = {"Authorization": f"Api-Key {server.api_key}", "adapty-customer-user-id": user}
    body: dict[str, object] | None = {} if method in ("POST", "PATCH") else None
    return httpx.request(method, server.url + PATH, headers=headers, json=body, timeout=10)


def test_fail_next_answers_the_status_with_retry_after(adapty_server: AdaptyServer) -> None:
    fault = adapty_server.fail_next("GET", status=429, times=2, retry_after=3)
    assert fault.info["status"] == 429 and fault.remaining == 2
    for _ in range(2):
        response = call(adapty_server, "GET")
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "3"
        assert response.json()["error_code"] == "too_many_requests"
    assert call(adapty_server, "GET").status_code == 404
    assert (fault.remaining, fault.used) == (0, 2)


def test_fail_next_defaults_to_one_503_and_stores_nothing(adapty_server: AdaptyServer) -> None:
    adapty_server.fail_next("POST")
    assert call(adapty_server, "POST").status_code == 503
    assert adapty_server.profiles() == []
    assert call(adapty_server, "POST").status_code == 200


def test_slow_next_delays_the_normal_answer(adapty_server: AdaptyServer) -> None:
    adapty_server.slow_next(None, delay_ms=250)
    started = time.perf_counter()
    assert call(adapty_server, "POST").status_code == 200
    assert time.perf_counter() - started >= 0.25
    assert len(adapty_server.profiles()) == 1


def test_drop_next_closes_the_connection(adapty_server: AdaptyServer) -> None:
    adapty_server.drop_next("PATCH")
    call(adapty_server, "POST")
    with pytest.raises(httpx.RemoteProtocolError):
        call(adapty_server, "PATCH")
    assert call(adapty_server, "PATCH").status_code == 200


def test_the_context_manager_removes_what_is_left(adapty_server: AdaptyServer) -> None:
    with adapty_server.fail_next("GET", status=500, times=5) as fault:
        assert call(adapty_server, "GET").status_code == 500
    assert fault.used == 1
    assert adapty_server.faults() == []
    assert call(adapty_server, "GET").status_code == 404


def test_faults_lists_and_clear_faults_forgets(adapty_server: AdaptyServer) -> None:
    first = adapty_server.fail_next("GET")
    second = adapty_server.drop_next(None, times=2)
    assert [f["id"] for f in adapty_server.faults()] == [first.id, second.id]
    adapty_server.clear_faults()
    assert adapty_server.faults() == []


def test_a_fault_the_server_refuses_raises_value_error(adapty_server: AdaptyServer) -> None:
    with pytest.raises(ValueError, match="Must be an error status"):
        adapty_server.fail_next("GET", status=302)
    with pytest.raises(ValueError, match="Must be one of GET"):
        adapty_server.fail_next("get")
    assert adapty_server.faults() == []


def test_the_docs_example_passes_and_faults_never_outlive_their_test(
    pytester: pytest.Pytester, run_inner: RunInner
) -> None:
    pytester.makepyfile(test_docs_example=doc_example())
    pytester.makepyfile(
        test_leak="""
import pytest


def test_registers_and_leaves(adapty_server):
    adapty_server.fail_next("GET", times=100)
    adapty_server.drop_next("POST", times=100)


def test_starts_clean(adapty_server):
    assert adapty_server.faults() == []


@pytest.mark.adapty_keep_store
def test_registers_again(adapty_server):
    adapty_server.fail_next("GET", times=100)


@pytest.mark.adapty_keep_store
def test_kept_store_starts_without_faults(adapty_server):
    assert adapty_server.faults() == []
"""
    )
    run_inner("-v").assert_outcomes(passed=7)
