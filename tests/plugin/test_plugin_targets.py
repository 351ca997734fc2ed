"""Pointing the fixtures at another server (option, environment); clear errors when they cannot."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import httpx
import pytest
import yaml

from recorded_server.testing.process import ServerProcess

pytest_plugins = ["pytester"]

RunInner = Callable[..., pytest.RunResult]

OTHER_KEY = "another-team-emulator-key"

# Runs inside the inner pytest: asserts the fixtures point at EXPECTED_URL, then writes a profile.
INNER_EXTERNAL = """
import os

import httpx


def test_uses_the_other_server(adapty_server, adapty_client):
    assert adapty_server.url == os.environ["EXPECTED_URL"]
    assert adapty_server.api_key == os.environ["EXPECTED_KEY"]
    assert not adapty_server.started_by_plugin
    assert adapty_server.has_inspection
    # the reset before this test emptied the other server's store
    assert adapty_server.profiles() == []
    assert adapty_client.get_httpx_client().base_url == httpx.URL(adapty_server.url)
    response = httpx.post(
        adapty_server.url + "/api/v2/server-side-api/profile/",
        headers={
            "Authorization": f"Api-Key {adapty_server.api_key}",
            "adapty-customer-user-id": "written-through-the-fixture",
        },
        json={},
    )
    assert response.status_code == 200, response.text
"""


@pytest.fixture
def other_server() -> Iterator[ServerProcess]:
    """A recorded server started here, with a key of its own: the 'shared emulator'."""
    server = ServerProcess(db=":memory:", api_key=OTHER_KEY).start()
    try:
        yield server
    finally:
        server.stop()


def _stored_customer_ids(server: ServerProcess) -> list[str | None]:
    response = httpx.get(
        f"{server.url}/_recorded/profiles", headers={"Authorization": f"Api-Key {OTHER_KEY}"}
    )
    assert response.status_code == 200, response.text
    return [p["customer_user_id"] for p in response.json()["profiles"]]


def _leftover(server: ServerProcess) -> None:
    response = httpx.post(
        f"{server.url}/api/v2/server-side-api/profile/",
        headers={"Authorization": f"Api-Key {OTHER_KEY}", "adapty-customer-user-id": "leftover"},
        json={},
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("how", ["option", "environment"])
def test_url_points_the_fixtures_at_another_server(
    pytester: pytest.Pytester,
    run_inner: RunInner,
    monkeypatch: pytest.MonkeyPatch,
    other_server: ServerProcess,
    how: str,
) -> None:
    _leftover(other_server)
    pytester.makepyfile(test_external=INNER_EXTERNAL)
    monkeypatch.setenv("EXPECTED_URL", other_server.url)
    monkeypatch.setenv("EXPECTED_KEY", OTHER_KEY)
    if how == "option":
        result = run_inner(
            "-v", f"--adapty-url={other_server.url}", f"--adapty-api-key={OTHER_KEY}"
        )
    else:
        # run_inner cleared both variables; set them after it did
        monkeypatch.setenv("ADAPTY_SERVER_URL", other_server.url + "/")
        monkeypatch.setenv("ADAPTY_API_KEY", OTHER_KEY)
        result = run_inner("-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [f"adapty: the adapty_* fixtures use the server at {other_server.url}*"]
    )
    # the other server was reset by the fixture, then got the inner test's profile
    assert _stored_customer_ids(other_server) == ["written-through-the-fixture"]


def test_the_option_wins_over_the_environment(
    pytester: pytest.Pytester,
    run_inner: RunInner,
    monkeypatch: pytest.MonkeyPatch,
    other_server: ServerProcess,
) -> None:
    pytester.makepyfile(test_external=INNER_EXTERNAL)
    monkeypatch.setenv("EXPECTED_URL", other_server.url)
    monkeypatch.setenv("EXPECTED_KEY", OTHER_KEY)
    # run_inner cleared both variables; set misleading ones after it did
    monkeypatch.setenv("ADAPTY_SERVER_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("ADAPTY_API_KEY", "not-this-one")
    result = run_inner(f"--adapty-url={other_server.url}", f"--adapty-api-key={OTHER_KEY}")
    result.assert_outcomes(passed=1)


def test_xdist_workers_sharing_one_server_are_warned(
    pytester: pytest.Pytester, run_inner: RunInner, other_server: ServerProcess
) -> None:
    pytester.makepyfile(
        test_shared="""
def test_a(adapty_server):
    pass


def test_b(adapty_server):
    pass
"""
    )
    result = run_inner(
        "-n", "2", f"--adapty-url={other_server.url}", f"--adapty-api-key={OTHER_KEY}"
    )
    result.assert_outcomes(passed=2, warnings=2)
    result.stdout.fnmatch_lines(["*adapty_server: 2 xdist workers share the server at*"])


class _NoInspection(BaseHTTPRequestHandler):
    """A server without the inspection API (like a replay of recordings): 404 to everything."""

    seen: ClassVar[list[str]] = []

    def _answer(self) -> None:
        self.seen.append(f"{self.command} {self.path}")
        body = json.dumps(
            {
                "errors": [{"source": None, "errors": ["Not found."]}],
                "error_code": "not_found",
                "status_code": 404,
            }
        ).encode()
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = do_PATCH = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def bare_server() -> Iterator[tuple[str, list[str]]]:
    _NoInspection.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _NoInspection)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", _NoInspection.seen
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def test_without_inspection_the_helpers_skip_and_nothing_is_reset(
    pytester: pytest.Pytester, run_inner: RunInner, bare_server: tuple[str, list[str]]
) -> None:
    url, seen = bare_server
    pytester.makepyfile(
        test_bare="""
import pytest


def test_plain_use(adapty_server, adapty_client):
    assert not adapty_server.has_inspection
    assert adapty_server.app_id is None


@pytest.mark.parametrize("helper", ["profiles", "reset", "load_seed"])
def test_helper(adapty_server, helper):
    getattr(adapty_server, helper)()


def test_stored(adapty_server):
    adapty_server.stored("3fa85f64-5717-4562-b3fc-2c963f66afa6")
"""
    )
    result = run_inner("-rs", f"--adapty-url={url}", "--adapty-api-key=k")
    result.assert_outcomes(passed=1, skipped=4)
    result.stdout.fnmatch_lines(
        [
            "SKIPPED*adapty_server.stored() needs the inspection API (/_recorded/...), which the"
            f" server at {url} does not have: GET /_recorded/health answered 404"
        ]
    )
    # one health probe for the whole session, and never a reset
    assert seen == ["GET /_recorded/health"]


def test_an_unreachable_url_is_a_clear_error(
    pytester: pytest.Pytester, run_inner: RunInner
) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    pytester.makepyfile(
        test_unreachable="""
def test_a(adapty_server):
    pass


def test_b(adapty_client):
    pass
"""
    )
    result = run_inner(f"--adapty-url={url}")
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        [f"*adapty_server: cannot reach the server at {url} (from --adapty-url)*"]
    )


def test_a_server_that_fails_to_start_is_a_clear_error_with_its_output(
    pytester: pytest.Pytester, run_inner: RunInner
) -> None:
    pytester.makepyfile(
        test_broken="""
def test_a(adapty_server):
    pass


def test_b(adapty_server):
    pass
"""
    )
    result = run_inner("--adapty-server-arg=--no-such-option")
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        [
            "*adapty_server: the recorded server did not start*",
            "*--- stderr ---*",
            "*unrecognized arguments: --no-such-option*",
        ]
    )
    # every test that asks for the server gets the message (counted in the error reports,
    # not in the short summary, whose lines depend on the terminal's width)
    reports = [
        line
        for line in result.stdout.lines
        if line.startswith("adapty_server: the recorded server did not start")
    ]
    assert len(reports) == 2, result.stdout.str()


REPLAYED_PROFILE = {
    "data": {
        "app_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "profile_id": "0b7e1a52-3c6d-4e3f-9a1b-2c3d4e5f6a7b",
        "customer_user_id": "replayed-user",
        "total_revenue_usd": 4.99,
        "segment_hash": "7ec31968e3ada50b",
        "timestamp": 1795965305116,
        "custom_attributes": [{"key": "plan", "value": "premium"}],
        "access_levels": [],
        "subscriptions": [],
        "non_subscriptions": [],
    }
}


@pytest.fixture
def replay_server(tmp_path: Path) -> Iterator[str]:
    """``recorded-server replay`` of one recorded GET: a target without the inspection API."""
    cassettes = tmp_path / "cassettes"
    cassettes.mkdir()
    interaction = {
        "request": {
            "method": "GET",
            "uri": "https://api.adapty.io/api/v2/server-side-api/profile/",
            "body": None,
            "headers": {"adapty-customer-user-id": ["replayed-user"]},
        },
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Type": ["application/json"]},
            "body": {"string": json.dumps(REPLAYED_PROFILE)},
        },
    }
    document = {"version": 1, "interactions": [interaction]}
    (cassettes / "get_profile.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    banner = tmp_path / "banner.txt"
    command = [sys.executable, "-m", "recorded_server", "replay", "--cassettes", str(cassettes)]
    with banner.open("wb") as out:
        process = subprocess.Popen([*command, "--port", "0"], stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while (match := re.search(r"listening on (http://\S+)", banner.read_text())) is None:
            assert process.poll() is None, banner.read_text()
            assert time.monotonic() < deadline, banner.read_text()
            time.sleep(0.05)
        yield match[1]
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_a_replay_of_recordings_serves_the_client(
    pytester: pytest.Pytester, run_inner: RunInner, replay_server: str
) -> None:
    pytester.makepyfile(
        test_replayed="""
from adapty_profile_client.api.profile import get_profile
from adapty_profile_client.models import ProfileResponse


def test_read(adapty_server, adapty_client):
    assert not adapty_server.has_inspection
    read = get_profile.sync(client=adapty_client, adapty_customer_user_id="replayed-user")
    assert isinstance(read, ProfileResponse), read
    assert read.data.total_revenue_usd == 4.99


def test_inspection_is_skipped(adapty_server):
    adapty_server.profiles()
"""
    )
    result = run_inner("-rs", f"--adapty-url={replay_server}")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["SKIPPED*GET /_recorded/health says it is a replay*"])


def test_a_server_that_dies_mid_session_is_reported_by_the_next_test(
    pytester: pytest.Pytester, run_inner: RunInner
) -> None:
    pytester.makepyfile(
        test_dies="""
def test_kills_it(adapty_server):
    adapty_server.process.kill()


def test_next(adapty_server):
    pass
"""
    )
    result = run_inner()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*AdaptyServerError: the recorded server at http://127.0.0.1:* has stopped"
            " (exit code -9)*",
            "*recorded-server listening on http://127.0.0.1:*",
        ]
    )
