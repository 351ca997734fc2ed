"""The two HTTP protocols (httptools, the default, and h11) give the same answers to the same
bytes, hostile ones included; the httptools one hands to h11 what llhttp refuses.

In-process: each protocol is driven as uvicorn drives it (``connection_made``, ``data_received``)
over a transport that records every write, on an event loop of the test's own; no socket.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from uvicorn.server import ServerState

from recorded_server import Settings, create_app
from recorded_server.serving import http_protocol
from recorded_server.serving.http_protocol import (
    EnvelopeH11Protocol,
    EnvelopeHttpToolsProtocol,
    configured_protocol,
)
from tests.resilience._raw_http import split_answers

from .helpers import KEY, PATH

STACKS = ["httptools", "h11"]
AUTH_LINE = f"Authorization: Api-Key {KEY}".encode()


class RecordingTransport(asyncio.Transport):
    """A transport that keeps what is written to it and hands ``set_protocol`` on."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False
        self.reading = True
        self.protocol: Any = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not self.closed:  # a write after close is dropped, like asyncio's
            self.writes.append(bytes(data))

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            protocol = self.protocol
            asyncio.get_running_loop().call_soon(protocol.connection_lost, None)

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 40000), "sockname": ("127.0.0.1", 8080)}.get(
            name, default
        )

    def pause_reading(self) -> None:
        self.reading = False

    def resume_reading(self) -> None:
        self.reading = True

    def is_reading(self) -> bool:
        return self.reading

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self.protocol = protocol

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self.protocol  # type: ignore[no-any-return]

    @property
    def data(self) -> bytes:
        return b"".join(self.writes)


class Harness:
    """One app, one uvicorn config and server state; connections opened on them."""

    def __init__(self, stack: str, header_timeout: float = 10.0, max_connections: int = 100):
        self.app = create_app(Settings(db=":memory:"))
        self.protocol_class = configured_protocol(header_timeout, max_connections, stack)
        self.config = uvicorn.Config(
            self.app, http=self.protocol_class, lifespan="off", log_config=None
        )
        self.config.load()
        self.state = ServerState()
        self.runner = asyncio.Runner()
        self.loop = self.runner.get_loop()

    def open(self) -> RecordingTransport:
        protocol = self.config.http_protocol_class(  # type: ignore[call-arg]
            config=self.config, server_state=self.state, app_state={}, _loop=self.loop
        )
        transport = RecordingTransport()
        transport.protocol = protocol
        self.runner.run(self._call(protocol.connection_made, transport))
        return transport

    @staticmethod
    async def _call(function: Any, *args: Any) -> None:
        function(*args)

    def send(
        self,
        transport: RecordingTransport,
        *chunks: bytes,
        settle: float = 0.05,
        at_once: bool = False,
    ) -> None:
        """Hand ``chunks`` to the connection's protocol (one ``data_received`` each; with
        ``at_once``, before any app runs), then let the apps run."""

        async def feed() -> None:
            for chunk in chunks:
                if transport.closed:
                    break
                transport.protocol.data_received(chunk)
                if not at_once:
                    await asyncio.sleep(0)
            await self._settle(settle)

        self.runner.run(feed())

    def wait(self, seconds: float) -> None:
        self.runner.run(asyncio.sleep(seconds))

    @staticmethod
    async def _settle(seconds: float) -> None:
        deadline = asyncio.get_running_loop().time() + seconds
        while asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.005)

    def close(self) -> None:
        self.runner.close()
        self.app.state.runtime.stop()


@pytest.fixture(params=STACKS)
def harness(request: pytest.FixtureRequest) -> Iterator[Harness]:
    made = Harness(request.param)
    try:
        yield made
    finally:
        made.close()


def _comparable(data: bytes) -> list[tuple[int, dict[str, str], Any]]:
    out = []
    for status, headers, body in split_answers(data):
        assert re.fullmatch(r"[0-9a-f]{32}", headers.pop("request-id", "")), headers
        headers.pop("date", None)
        parsed: Any = json.loads(body) if body else None
        if isinstance(parsed, dict) and isinstance(parsed.get("data"), dict):
            for varying in ("profile_id", "timestamp"):
                parsed["data"].pop(varying, None)
        out.append((status, headers, parsed))
    return out


def _request(method: bytes, path: bytes, *headers: bytes, body: bytes = b"") -> bytes:
    return b"\r\n".join([method + b" " + path + b" HTTP/1.1", b"Host: x", *headers]) + (
        b"\r\n\r\n" + body
    )


GET_HEALTH = _request(b"GET", b"/_recorded/health")
CUID = b"adapty-customer-user-id: stacks"
JSON_TYPE = b"Content-Type: application/json"
POST = b"POST " + PATH.encode() + b" HTTP/1.1"

# Bytes h11 and llhttp read differently (see serving/_httptools_protocol.py), each sent on a
# fresh connection and after a first answer on a kept-alive one.
HOSTILE: dict[str, bytes] = {
    "unknown method": _request(b"FOO", PATH.encode(), AUTH_LINE, CUID),
    "unknown method, no key": _request(b"FOO", PATH.encode(), CUID),
    "lower-case method": _request(b"get", PATH.encode(), AUTH_LINE, CUID),
    "CL+TE": _request(
        b"POST",
        PATH.encode(),
        AUTH_LINE,
        CUID,
        JSON_TYPE,
        b"Content-Length: 2",
        b"Transfer-Encoding: chunked",
        body=b"2\r\n{}\r\n0\r\n\r\n",
    ),
    "two equal Content-Lengths": _request(
        b"POST",
        PATH.encode(),
        AUTH_LINE,
        CUID,
        JSON_TYPE,
        b"Content-Length: 2",
        b"Content-Length: 2",
        body=b"{}",
    ),
    "conflicting Content-Lengths": _request(
        b"POST", PATH.encode(), AUTH_LINE, b"Content-Length: 2", b"Content-Length: 3", body=b"{}"
    ),
    "Content-Length abc": _request(b"POST", PATH.encode(), AUTH_LINE, b"Content-Length: abc"),
    "bare LF": b"GET /_recorded/health HTTP/1.1\nHost: x\n\n",
    "no Host": b"GET /_recorded/health HTTP/1.1\r\n\r\n",
    "two Hosts": b"GET /_recorded/health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    "HTTP/1.0 without Host": b"GET /_recorded/health HTTP/1.0\r\n\r\n",
    "HTTP/9.9": _request(b"GET", b"/_recorded/health").replace(b"HTTP/1.1", b"HTTP/9.9"),
    "no version": b"GET /_recorded/health\r\nHost: x\r\n\r\n",
    "two spaces": b"GET  /_recorded/health HTTP/1.1\r\nHost: x\r\n\r\n",
    "leading CRLF": b"\r\n" + GET_HEALTH,
    "a fragment": _request(b"GET", b"/_recorded/health#frag"),
    "absolute form": _request(b"GET", b"http://x/_recorded/health"),
    "asterisk form": _request(b"OPTIONS", b"*"),
    "obs-fold": _request(b"GET", b"/_recorded/health", b"X-A: a", b" b"),
    "control char in a value": _request(b"GET", b"/_recorded/health", b"X-A: a\x01b"),
    "NUL in a value": _request(b"GET", b"/_recorded/health", b"X-A: a\x00b"),
    "space in a name": _request(b"GET", b"/_recorded/health", b"Bad Name: v"),
    "Transfer-Encoding gzip, chunked": _request(
        b"POST", PATH.encode(), AUTH_LINE, b"Transfer-Encoding: gzip, chunked", body=b"0\r\n\r\n"
    ),
    "Transfer-Encoding identity": _request(
        b"POST", PATH.encode(), AUTH_LINE, b"Transfer-Encoding: identity"
    ),
    "bad chunk size": _request(
        b"POST", PATH.encode(), AUTH_LINE, b"Transfer-Encoding: chunked", body=b"zz\r\n{}\r\n"
    ),
    "chunk size with a space": _request(
        b"POST",
        PATH.encode(),
        AUTH_LINE,
        CUID,
        JSON_TYPE,
        b"Transfer-Encoding: chunked",
        body=b"2 \r\n{}\r\n0\r\n\r\n",
    ),
    "h2c upgrade": _request(
        b"GET", b"/_recorded/health", b"Connection: Upgrade, HTTP2-Settings", b"Upgrade: h2c"
    ),
    "CONNECT": _request(b"CONNECT", b"x:443"),
    "garbage": b"\x00\x01\x02garbage\r\n\r\n",
    "a 70 KB target": _request(b"GET", b"/" + b"a" * 70_000),
    "a 20 KB header section": _request(b"GET", b"/_recorded/health", b"X-F: " + b"a" * 20_000),
}


def _run(stack: str, *chunks: bytes) -> bytes:
    harness = Harness(stack)
    try:
        transport = harness.open()
        harness.send(transport, *chunks)
        return transport.data
    finally:
        harness.close()


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_both_stacks_answer_hostile_bytes_alike(name: str) -> None:
    request = HOSTILE[name]
    fresh = {stack: _comparable(_run(stack, request)) for stack in STACKS}
    assert fresh["httptools"] == fresh["h11"]
    reused = {stack: _comparable(_run(stack, GET_HEALTH, request)) for stack in STACKS}
    assert reused["httptools"] == reused["h11"]
    assert reused["h11"][0][0] == 200


@pytest.mark.parametrize("name", ["a 20 KB header section", "a 70 KB target", "CL+TE"])
def test_both_stacks_answer_alike_when_the_bytes_come_in_pieces(name: str) -> None:
    request = HOSTILE[name]
    pieces = [request[i : i + 4096] for i in range(0, len(request), 4096)]
    answers = {stack: _comparable(_run(stack, *pieces)) for stack in STACKS}
    assert answers["httptools"] == answers["h11"]


def test_an_unknown_method_gets_the_405_envelope_after_the_401_check(harness: Harness) -> None:
    with_key = harness.open()
    harness.send(with_key, HOSTILE["unknown method"])
    [(status, headers, body)] = split_answers(with_key.data)
    assert status == 405 and headers["allow"] == "GET, POST, PATCH, DELETE"
    assert json.loads(body)["error_code"] == "method_not_allowed"
    without_key = harness.open()
    harness.send(without_key, HOSTILE["unknown method, no key"])
    assert split_answers(without_key.data)[0][0] == 401


def test_a_connection_handed_to_h11_keeps_answering() -> None:
    harness = Harness("httptools")
    try:
        transport = harness.open()
        assert isinstance(transport.protocol, EnvelopeHttpToolsProtocol)
        harness.send(transport, GET_HEALTH)
        assert isinstance(transport.protocol, EnvelopeHttpToolsProtocol)
        harness.send(transport, HOSTILE["unknown method"])
        assert isinstance(transport.protocol, EnvelopeH11Protocol)
        assert harness.state.connections == {transport.protocol}
        harness.send(transport, GET_HEALTH)
        harness.send(transport, GET_HEALTH[:20], GET_HEALTH[20:])
        statuses = [status for status, _, _ in split_answers(transport.data)]
        assert statuses == [200, 405, 200, 200]
        assert not transport.closed
        # the h11 protocol has the same limits
        assert transport.protocol.header_timeout == harness.protocol_class.header_timeout
    finally:
        harness.close()


def test_a_refusal_after_pipelined_requests_is_answered_after_them(harness: Harness) -> None:
    transport = harness.open()
    harness.send(transport, GET_HEALTH + GET_HEALTH + b"NOT A REQUEST LINE\r\n\r\n")
    answers = split_answers(transport.data)
    assert [status for status, _, _ in answers] == [200, 200, 400]
    assert answers[2][1]["connection"] == "close"
    assert transport.closed


def test_an_unknown_method_pipelined_behind_an_answer_in_progress_is_handed_over() -> None:
    """FOO in its own chunk, while the answer before it is not written yet: h11 answers it
    once that answer is out (as h11 alone would have)."""
    for stack in STACKS:
        harness = Harness(stack)
        try:
            transport = harness.open()
            post = _request(
                b"POST", PATH.encode(), AUTH_LINE, CUID, JSON_TYPE, b"Content-Length: 2", body=b"{}"
            )
            harness.send(transport, post, HOSTILE["unknown method"], settle=0.2, at_once=True)
            statuses = [status for status, _, _ in split_answers(transport.data)]
            assert statuses == [200, 405], stack
        finally:
            harness.close()


def test_one_write_per_answer(harness: Harness) -> None:
    transport = harness.open()
    harness.send(transport, GET_HEALTH)
    harness.send(transport, GET_HEALTH + GET_HEALTH + GET_HEALTH)
    assert len(transport.writes) == 4
    for write in transport.writes:
        assert len(split_answers(write)) == 1


def test_connection_close_when_the_body_is_left_unread(harness: Harness) -> None:
    transport = harness.open()
    head = _request(
        b"POST", PATH.encode(), b"Authorization: Api-Key wrong", CUID, b"Content-Length: 100000"
    )
    harness.send(transport, head + b"{" * 100)
    [(status, headers, _)] = split_answers(transport.data)
    assert status == 401 and headers["connection"] == "close"
    assert transport.closed


@pytest.mark.parametrize("stack", STACKS)
def test_the_header_timeout_closes_a_connection_with_no_complete_head(stack: str) -> None:
    harness = Harness(stack, header_timeout=0.2)
    try:
        silent = harness.open()
        half = harness.open()
        answered = harness.open()
        harness.send(half, GET_HEALTH[:10], settle=0.15)
        harness.send(answered, GET_HEALTH, settle=0)  # at 0.15 s: the timer starts again
        assert split_answers(answered.data)[0][0] == 200
        harness.wait(0.1)  # 0.25 s
        assert silent.closed and half.closed
        assert not answered.closed
        harness.wait(0.15)  # 0.4 s
        assert answered.closed
    finally:
        harness.close()


@pytest.mark.parametrize("stack", STACKS)
def test_the_connection_cap_closes_the_oldest_connection_waiting_for_its_head(stack: str) -> None:
    harness = Harness(stack, max_connections=2)
    try:
        oldest = harness.open()
        harness.wait(0.01)
        busy = harness.open()
        harness.send(busy, GET_HEALTH[:-2], settle=0)  # no complete head yet
        newest = harness.open()
        harness.wait(0.01)
        assert oldest.closed and not busy.closed and not newest.closed
    finally:
        harness.close()


def test_auto_picks_httptools_when_it_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    assert http_protocol.httptools_available()
    assert issubclass(configured_protocol(5, 10), EnvelopeHttpToolsProtocol)
    assert issubclass(configured_protocol(5, 10, "httptools"), EnvelopeHttpToolsProtocol)
    h11_class = configured_protocol(5, 10, "h11")
    assert issubclass(h11_class, EnvelopeH11Protocol)
    assert (h11_class.header_timeout, h11_class.max_connections) == (5, 10)
    monkeypatch.setattr(http_protocol, "EnvelopeHttpToolsProtocol", None)
    assert not http_protocol.httptools_available()
    assert issubclass(configured_protocol(5, 10), EnvelopeH11Protocol)
    with pytest.raises(RuntimeError, match="httptools is not installed"):
        configured_protocol(5, 10, "httptools")
    with pytest.raises(ValueError, match="auto, httptools, h11"):
        configured_protocol(5, 10, "h2")


def test_the_command_line_knows_the_same_stacks() -> None:
    import importlib

    main = importlib.import_module("recorded_server.cli.main")
    assert main.HTTP_STACKS == http_protocol.HTTP_STACKS


def test_serve_http_comes_from_the_option_or_its_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib

    main = importlib.import_module("recorded_server.cli.main")
    parser = main.build_parser()
    monkeypatch.delenv(main.HTTP_VARIABLE, raising=False)
    assert main._http_stack(parser.parse_args(["serve"])) == "auto"
    assert main._http_stack(parser.parse_args(["serve", "--http", "h11"])) == "h11"
    monkeypatch.setenv(main.HTTP_VARIABLE, "H11")
    assert main._http_stack(parser.parse_args(["serve"])) == "h11"
    assert main._http_stack(parser.parse_args(["serve", "--http", "httptools"])) == "httptools"
    monkeypatch.setenv(main.HTTP_VARIABLE, "h2")
    with pytest.raises(ValueError, match="RECORDED_SERVER_SERVE_HTTP='h2': not one of"):
        main._http_stack(parser.parse_args(["serve"]))
    with pytest.raises(SystemExit):
        parser.parse_args(["serve", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--http {auto,httptools,h11}" in help_text
    assert "[env: RECORDED_SERVER_SERVE_HTTP]" in help_text


SAME_CHUNK = [
    "unknown method",
    "CL+TE",
    "bare LF",
    "h2c upgrade",
    "absolute form",
    "a fragment",
    "no Host",
    "chunk size with a space",
]


@pytest.mark.parametrize("name", SAME_CHUNK)
@pytest.mark.parametrize("split", [False, True])
def test_both_stacks_answer_alike_behind_another_request_in_the_same_chunk(
    name: str, split: bool
) -> None:
    """A request that begins in the chunk where the one before it ends (its first byte is not
    known to httptools) is handed to h11 all the same: h11 finds where it begins."""
    data = GET_HEALTH + HOSTILE[name] + GET_HEALTH
    cut = len(GET_HEALTH) + len(HOSTILE[name]) // 2 if split else len(data)
    chunks = [data[:cut], data[cut:]] if split else [data]
    answers = {stack: _comparable(_run(stack, *chunks)) for stack in STACKS}
    assert answers["httptools"] == answers["h11"]
    assert answers["h11"][0][0] == 200


def test_a_body_that_came_with_its_head_is_read_without_a_timer(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # recorded_server.serving.body_received: the timeout is armed only for a body still coming
    armed: list[float] = []
    real_timeout = asyncio.timeout

    def counting_timeout(delay: float | None) -> Any:
        armed.append(0.0 if delay is None else delay)
        return real_timeout(delay)

    monkeypatch.setattr(asyncio, "timeout", counting_timeout)
    content = b'{"first_name": "Ann"}'

    def create(who: bytes) -> bytes:
        length = f"Content-Length: {len(content)}".encode()
        return _request(b"POST", PATH.encode(), AUTH_LINE, who, JSON_TYPE, length)

    transport = harness.open()
    harness.send(transport, create(b"adapty-customer-user-id: one-piece") + content)
    assert [status for status, _, _ in split_answers(transport.data)] == [200]
    assert armed == []
    harness.send(transport, create(b"adapty-customer-user-id: two-pieces") + content[:5])
    harness.send(transport, content[5:])
    assert [status for status, _, _ in split_answers(transport.data)] == [200, 200]
    assert len(armed) == 1
