"""The store is emptied before every test, unless the test opts out; one server per xdist worker."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

RunInner = Callable[..., pytest.RunResult]

HTTP_HELPER = "from inner_http import create\n"


def test_two_tests_in_a_row_do_not_see_each_others_profiles(
    pytester: pytest.Pytester, run_inner: RunInner
) -> None:
    pytester.makepyfile(
        test_first=HTTP_HELPER
        + """
def test_one(adapty_server):
    assert adapty_server.profiles() == []
    create(adapty_server, "same-user")
    assert [p["customer_user_id"] for p in adapty_server.profiles()] == ["same-user"]


def test_two(adapty_server):
    # the same customer_user_id again: a 409 if test_one's profile were still there
    assert adapty_server.profiles() == []
    create(adapty_server, "same-user")
    create(adapty_server, "other-user")
    assert len(adapty_server.profiles()) == 2
""",
    )
    result = run_inner("-v")
    result.assert_outcomes(passed=2)


def test_keep_store_marker_opts_out_of_the_reset(
    pytester: pytest.Pytester, run_inner: RunInner
) -> None:
    pytester.makepyfile(
        test_keep=HTTP_HELPER
        + """
import pytest


def test_writes(adapty_server):
    create(adapty_server, "kept-user")


@pytest.mark.adapty_keep_store
def test_kept(adapty_server):
    assert [p["customer_user_id"] for p in adapty_server.profiles()] == ["kept-user"]


def test_emptied_again(adapty_server):
    assert adapty_server.profiles() == []


@pytest.mark.adapty_keep_store
class TestOnAClass:
    def test_writes(self, adapty_server):
        create(adapty_server, "class-user")

    def test_still_there(self, adapty_server):
        assert [p["customer_user_id"] for p in adapty_server.profiles()] == ["class-user"]


@pytest.fixture(scope="session")
def service_settings(adapty_server_session):
    # a session-scoped fixture of the service's own, configured once with the server's URL
    return {"adapty_url": adapty_server_session.url, "adapty_key": adapty_server_session.api_key}


def test_session_scoped_fixtures_see_the_same_server(service_settings, adapty_server):
    assert service_settings["adapty_url"] == adapty_server.url
    assert service_settings["adapty_key"] == adapty_server.api_key
    # asking for the session handle does not skip the reset adapty_server does
    assert adapty_server.profiles() == []
""",
    )
    # --strict-markers: the plugin registers its marker
    result = run_inner("-v", "--strict-markers")
    result.assert_outcomes(passed=6)


def test_xdist_runs_one_server_per_worker(
    pytester: pytest.Pytester, run_inner: RunInner, tmp_path: Path
) -> None:
    record = tmp_path / "servers"
    record.mkdir()
    tests = "\n".join(
        f"""
def test_{i}(adapty_server):
    seen(adapty_server, {i})
    # every test creates the same user: a shared server would answer 409
    create(adapty_server, "same-user")
    assert len(adapty_server.profiles()) == 1
"""
        for i in range(6)
    )
    pytester.makepyfile(
        test_parallel=HTTP_HELPER
        + f"""
import json
import os
import pathlib

RECORD = pathlib.Path({str(record)!r})


def seen(server, i):
    info = {{
        "worker": os.environ["PYTEST_XDIST_WORKER"],
        "url": server.url,
        "pid": server.process.process.pid,
    }}
    (RECORD / f"{{i}}.json").write_text(json.dumps(info))
"""
        + tests
    )
    result = run_inner("-n", "2", "-v")
    result.assert_outcomes(passed=6)
    seen = [json.loads(p.read_text()) for p in sorted(record.iterdir())]
    assert len(seen) == 6
    by_worker: dict[str, set[tuple[str, int]]] = {}
    for info in seen:
        by_worker.setdefault(info["worker"], set()).add((info["url"], info["pid"]))
    assert sorted(by_worker) == ["gw0", "gw1"], by_worker
    # one server per worker, started once for the whole session of that worker
    assert all(len(servers) == 1 for servers in by_worker.values()), by_worker
    (gw0_server,) = by_worker["gw0"]
    (gw1_server,) = by_worker["gw1"]
    assert gw0_server[0] != gw1_server[0]
    assert gw0_server[1] != gw1_server[1]
