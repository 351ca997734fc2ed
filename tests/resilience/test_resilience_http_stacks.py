"""The HTTP layer's hostile cases over real sockets, on both HTTP protocols: httptools (the
default) and h11 (the fallback, and where httptools hands over what llhttp refuses)."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import pytest
from _raw_http import RawConnection, build_request, envelope_problems
from _resilience_env import API_KEY, AUTH, PROFILE_PATH

from recorded_server.testing.process import ServerProcess

pytestmark = pytest.mark.socket

HEADER_TIMEOUT_S = 1.0


@pytest.fixture(scope="module", params=["httptools", "h11"])
def stack_server(request: pytest.FixtureRequest) -> Iterator[ServerProcess]:
    args = ["--header-timeout", str(HEADER_TIMEOUT_S)]
    proc = ServerProcess(db=":memory:", api_key=API_KEY, http=request.param, extra_args=args)
    proc.start()
    try:
        yield proc
    finally:
        proc.close()


def _connection(server: ServerProcess) -> RawConnection:
    assert server.port is not None
    return RawConnection("127.0.0.1", server.port)


def test_the_banner_says_which_stack_serves(stack_server: ServerProcess) -> None:
    assert f"  http:             {stack_server.http} + " in stack_server.banner()


def test_an_unknown_method_gets_405_fresh_and_on_a_kept_alive_connection(
    stack_server: ServerProcess,
) -> None:
    auth = list(AUTH.items())
    foo = build_request("FOO", PROFILE_PATH, [*auth, ("adapty-customer-user-id", "foo")])
    with _connection(stack_server) as conn:
        fresh = conn.exchange(foo)
        assert fresh.status == 405 and not envelope_problems(fresh)
        assert fresh.headers["allow"] == "GET, POST, PATCH, DELETE"
    with _connection(stack_server) as conn:
        assert conn.exchange(build_request("GET", "/_recorded/health")).status == 200
        reused = conn.exchange(foo)
        assert reused.status == 405 and not envelope_problems(reused)
        assert conn.exchange(build_request("GET", "/_recorded/health")).status == 200
        assert conn.exchange(build_request("FOO", PROFILE_PATH)).status == 401
        assert conn.reconnects == 1  # all on one connection
    assert API_KEY not in stack_server.log()


def test_content_length_with_transfer_encoding_is_answered_and_closes(
    stack_server: ServerProcess,
) -> None:
    request = (
        f"POST {PROFILE_PATH} HTTP/1.1\r\nHost: x\r\nAuthorization: Api-Key {API_KEY}\r\n"
        "adapty-customer-user-id: clte-stacks\r\nContent-Type: application/json\r\n"
        "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
    ).encode()
    assert stack_server.port is not None
    with socket.create_connection(("127.0.0.1", stack_server.port), timeout=5) as sock:
        sock.sendall(request)
        answer = b""
        while data := sock.recv(65536):
            answer += data
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), answer[:300]
    assert b"connection: close" in head.lower()
    assert json.loads(body)["data"]["customer_user_id"] == "clte-stacks"


@pytest.mark.parametrize("pieces", [1, 5])
def test_an_oversized_header_section_gets_the_envelope(
    stack_server: ServerProcess, pieces: int
) -> None:
    request = build_request("GET", "/_recorded/health", [("X-Flood", "a" * 20_000)])[:-4]
    assert stack_server.port is not None
    with socket.create_connection(("127.0.0.1", stack_server.port), timeout=5) as sock:
        size = len(request) // pieces + 1
        for i in range(0, len(request), size):
            sock.sendall(request[i : i + size])
            time.sleep(0.02)
        answer = b""
        while data := sock.recv(65536):
            answer += data
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400"), answer[:300]
    assert b"connection: close" in head.lower() and b"request-id: " in head
    assert json.loads(body)["status_code"] == 400


def test_a_slow_head_is_cut_at_the_header_timeout(stack_server: ServerProcess) -> None:
    assert stack_server.port is not None
    with socket.create_connection(("127.0.0.1", stack_server.port), timeout=5) as sock:
        sock.sendall(b"GET /_recorded/health HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        assert sock.recv(1) == b""
        elapsed = time.monotonic() - started
    assert HEADER_TIMEOUT_S - 0.3 < elapsed < HEADER_TIMEOUT_S + 1.5
    deadline = time.monotonic() + 3.0  # log lines are written in batches
    while "no complete request head within" not in stack_server.log():
        assert time.monotonic() < deadline, stack_server.log()
        time.sleep(0.05)
