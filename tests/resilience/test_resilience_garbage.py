"""No request leaves cyclic garbage: valid ones, errors, malformed ones, on both HTTP stacks.

``serve()`` runs the garbage collector rarely (its first threshold is 20,000: collections cost
the POST benchmark a fifth of its throughput at the default), which is only safe if what a
request leaves behind is freed by reference counting alone. A reference cycle per request or
per connection (an exception whose traceback holds its own frame, a protocol whose attributes
point back at it) would instead pile up, with the request's buffers, between collections. The
server runs under ``_garbage_probe.py``, which keeps what the collector finds; a thousand
requests of every kind, on connections opened and closed all the time, must leave (almost)
nothing: one cycle per request or connection would be thousands of objects.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from _malformed import malformed_requests
from _raw_http import RawConnection
from _resilience_env import API_KEY, AUTH, PROFILE_PATH

from recorded_server.testing.process import ServerProcess

pytestmark = pytest.mark.socket

PROBE = Path(__file__).with_name("_garbage_probe.py")
MOST_OBJECTS = 100
"""What a run may leave: a few objects made once (a cache filled by the first request of a
kind), never a number that grows with the requests."""


class _ProbedServer(ServerProcess):
    def command(self) -> list[str]:
        args = super().command()
        assert args[1:3] == ["-m", "recorded_server"]
        return [args[0], str(PROBE), *args[3:]]


def _garbage(server: ServerProcess, report: Path) -> dict[str, Any]:
    """What the collector finds now (and has not reported before)."""
    lines = report.read_text(encoding="utf-8").splitlines() if report.exists() else []
    assert server.process is not None
    os.kill(server.process.pid, signal.SIGUSR1)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        now = report.read_text(encoding="utf-8").splitlines() if report.exists() else []
        if len(now) > len(lines):
            found: dict[str, Any] = json.loads(now[-1])
            return found
        time.sleep(0.02)
    raise AssertionError("the server wrote no garbage report")


def _valid_traffic(base_url: str) -> None:
    """Every status the profile endpoint answers, on fresh connections and on kept ones."""
    json_type = {**AUTH, "Content-Type": "application/json"}
    for n in range(40):
        with httpx.Client(base_url=base_url, timeout=10) as client:  # a connection each
            who = {"adapty-customer-user-id": f"garbage-{n}"}
            writes = {**json_type, **who}
            reads = {**AUTH, **who}
            assert client.post(PROFILE_PATH, headers=writes, json={}).status_code == 200
            for _ in range(3):  # kept alive
                assert client.get(PROFILE_PATH, headers=reads).status_code == 200
            assert client.post(PROFILE_PATH, headers=writes, json={}).status_code == 409
            assert (
                client.patch(PROFILE_PATH, headers=writes, json={"first_name": 5}).status_code
                == 400
            )
            assert (
                client.patch(PROFILE_PATH, headers=writes, json={"first_name": "A"}).status_code
                == 200
            )
            assert client.delete(PROFILE_PATH, headers=reads).status_code == 204
            assert client.get(PROFILE_PATH, headers=reads).status_code == 404
            assert client.get(PROFILE_PATH).status_code == 401
            assert client.put(PROFILE_PATH, headers=AUTH).status_code == 405


def _malformed_traffic(server: ServerProcess) -> None:
    requests = malformed_requests(1_200, 7, API_KEY)  # a hundred of each kind
    assert server.port is not None
    port = server.port

    def run(shard: list[Any]) -> None:
        with RawConnection("127.0.0.1", port) as conn:
            for item in shard:
                conn.exchange(item.request)

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(run, [requests[i::4] for i in range(4)]))


@pytest.mark.parametrize("http", ["httptools", "h11"])
def test_no_request_leaves_cyclic_garbage(http: str, tmp_path: Path) -> None:
    if sys.platform == "win32":  # pragma: no cover - SIGUSR1
        pytest.skip("needs SIGUSR1")
    report = tmp_path / "garbage.jsonl"
    env = {"GARBAGE_REPORT": str(report)}
    with _ProbedServer(
        db=str(tmp_path / "g.sqlite3"), api_key=API_KEY, http=http, env=env
    ) as server:
        _garbage(server, report)  # what starting left
        _valid_traffic(server.url)
        _malformed_traffic(server)
        time.sleep(0.2)  # the last connections' close reaches the server
        found = _garbage(server, report)
    assert found["objects"] <= MOST_OBJECTS, found
