"""Pipelined requests (several sent at once on one connection, before any answer) get their
answers whole and in order, a malformed one last included: each answer is written to the
socket in one piece (serving/http_protocol.py), and nothing may come between its head and its
body, nor before it the answer to the next request. On both HTTP protocols (httptools, h11)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest
from _raw_http import REQUEST_ID, build_request, split_answers
from _resilience_env import API_KEY, AUTH, PROFILE_PATH

from recorded_server.testing.process import ServerProcess


@pytest.fixture(scope="module", params=["httptools", "h11"])
def server(request: pytest.FixtureRequest) -> Iterator[ServerProcess]:
    """An in-memory server on each HTTP protocol."""
    proc = ServerProcess(db=":memory:", api_key=API_KEY, http=request.param)
    proc.start()
    try:
        yield proc
    finally:
        proc.close()


def _read_until_closed(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_pipelined_answers_come_whole_and_in_order(server: ServerProcess) -> None:
    cuid = "pipelined-1"
    auth = list(AUTH.items())
    create = json.dumps({"first_name": "Pipe"}).encode()
    requests = [
        build_request("GET", "/_recorded/health"),
        build_request(
            "POST",
            PROFILE_PATH,
            [*auth, ("Content-Type", "application/json"), ("adapty-customer-user-id", cuid)],
            create,
        ),
        build_request("GET", PROFILE_PATH, [*auth, ("adapty-customer-user-id", cuid)]),
        build_request("GET", PROFILE_PATH, [("Authorization", "Api-Key wrong")]),
        build_request("DELETE", PROFILE_PATH, [*auth, ("adapty-customer-user-id", cuid)]),
        b"NOT A REQUEST LINE\r\n\r\n",
    ]
    assert server.port is not None
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"".join(requests))
        answers = split_answers(_read_until_closed(sock))
    assert [status for status, _, _ in answers] == [200, 200, 200, 401, 204, 400]
    health, created, read, refused, _deleted, malformed = answers
    assert json.loads(health[2])["status"] == "ok"
    assert json.loads(created[2])["data"]["customer_user_id"] == cuid
    assert json.loads(read[2])["data"]["customer_user_id"] == cuid
    assert json.loads(refused[2])["status_code"] == 401
    assert json.loads(malformed[2])["status_code"] == 400
    assert malformed[1]["connection"] == "close"
    ids = [headers["request-id"] for _, headers, _ in answers]
    assert all(REQUEST_ID.fullmatch(i) for i in ids) and len(set(ids)) == len(ids)
    assert API_KEY not in server.log()
