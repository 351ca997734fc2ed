"""The request body: its size limit (413) and JSON parsing (400 parse_error)."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from recorded_server import Settings, create_app
from recorded_server.testing.process import ServerProcess

from .conftest import Target, target_with
from .helpers import JSON, KEY, PATH, assert_error, bad, envelope, who

pytestmark = [pytest.mark.anyio, pytest.mark.socket]


def too_large(limit: int = 65536) -> dict[str, Any]:
    return envelope(
        413,
        "request_too_large",
        ("non_field_errors", [f"Request body is larger than {limit} bytes."]),
    )


def padded(size: int) -> bytes:
    """A valid JSON object body of exactly ``size`` bytes."""
    head = b'{"first_name":"'
    tail = b'"}'
    return head + b"a" * (size - len(head) - len(tail)) + tail


# --- size ----------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["POST", "PATCH"])
async def test_a_body_of_exactly_the_limit_is_accepted_one_more_byte_is_413(
    api: Target, method: str
) -> None:
    await api.create(who("size"))
    customer = "size" if method == "PATCH" else "size-new"
    ok = await api.client.request(
        method, PATH, headers={**who(customer), **JSON}, content=padded(65536)
    )
    assert ok.status_code == 200, ok.text
    over = await api.client.request(
        method, PATH, headers={**who("size-over"), **JSON}, content=padded(65537)
    )
    assert_error(over, too_large())


async def test_a_chunked_body_over_the_limit_is_413(api: Target) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"first_name":"'
        # Far over the 64 KiB limit: the server cannot have taken in the whole body before it
        # answers (uvicorn stops reading at 64 KiB of unread body), even on a slow machine.
        for _ in range(2048):
            yield b"a" * 1024
        yield b'"}'

    try:
        response = await api.client.post(PATH, headers={**who("chunked"), **JSON}, content=chunks())
    except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError):
        # Over a socket the 413 comes before the body is read, with `Connection: close`, and
        # nothing more is read (the limits under attack): a client still sending the rest may
        # see the connection reset before it reads the answer.
        assert api.mode == "socket"
        return
    assert_error(response, too_large())
    assert api.mode != "socket" or response.headers["connection"] == "close"


async def test_a_chunked_body_within_the_limit_is_accepted(api: Target) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for part in (b'{"first_', b'name": "Ja', b'ne"}'):
            yield part

    response = await api.client.post(PATH, headers={**who("chunked-ok"), **JSON}, content=chunks())
    assert response.status_code == 200
    assert (await api.stored(response.json()["data"]["profile_id"]))["fields"][
        "first_name"
    ] == "Jane"


async def test_max_body_is_configurable(mode: str) -> None:
    async with target_with(mode, max_body=100) as target:
        ok = await target.client.post(PATH, headers={**who("mb"), **JSON}, content=padded(100))
        assert ok.status_code == 200
        over = await target.client.post(PATH, headers={**who("mb2"), **JSON}, content=padded(101))
        assert_error(over, too_large(100))


async def test_413_comes_before_body_parsing_and_nothing_is_stored(api: Target) -> None:
    response = await api.client.post(PATH, headers={**who("big"), **JSON}, content=b"[" * 70000)
    assert_error(response, too_large())
    assert await api.profiles() == []


async def _asgi_call(
    app: Any, headers: list[tuple[bytes, bytes]], chunks: list[bytes], *, finished: bool = True
) -> tuple[int, int]:
    """Drive the app at the ASGI level; returns (status, how many body messages it read).

    With ``finished=False`` the client never sends the end of its body."""
    read = 0
    status = 0
    messages = [
        {"type": "http.request", "body": chunk, "more_body": not finished or i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]

    async def receive() -> dict[str, Any]:
        nonlocal read
        if read < len(messages):
            read += 1
            return messages[read - 1]
        await asyncio.sleep(3600)  # a client that never sends more
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": PATH,
        "raw_path": PATH.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"authorization", f"Api-Key {KEY}".encode()), *headers],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "state": {},
    }
    await asyncio.wait_for(app(scope, receive, send), timeout=10)
    return status, read


async def test_content_length_over_the_limit_is_refused_before_reading_any_byte() -> None:
    app = create_app(Settings(db=":memory:"))
    async with app.router.lifespan_context(app):
        status, read = await _asgi_call(
            app,
            [(b"adapty-customer-user-id", b"c"), (b"content-length", b"1000000000")],
            [b"x" * 1024] * 10,
        )
    assert (status, read) == (413, 0)


async def test_a_streamed_body_is_refused_as_soon_as_it_passes_the_limit() -> None:
    app = create_app(Settings(db=":memory:", max_body=4096))
    async with app.router.lifespan_context(app):
        status, read = await _asgi_call(
            app, [(b"adapty-customer-user-id", b"c")], [b"x" * 1024] * 1000
        )
    assert status == 413
    assert read == 5  # 5 KiB read: the first chunk past 4 KiB, and nothing after it


def _raw_request(port: int, head: bytes, body: bytes = b"", wait: float = 5.0) -> bytes:
    """Send raw bytes over a socket and read what comes back within ``wait`` seconds."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        sock.sendall(head + body)
        data = b""
        deadline = time.monotonic() + wait
        while b"\r\n\r\n" not in data or len(data) < data.find(b"\r\n\r\n") + 40:
            if time.monotonic() > deadline:
                break
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            data += chunk
        return data


def test_a_huge_declared_length_gets_413_at_once_over_a_socket(
    shared_server: ServerProcess,
) -> None:
    head = (
        f"POST {PATH} HTTP/1.1\r\nHost: x\r\nAuthorization: Api-Key {KEY}\r\n"
        "adapty-customer-user-id: c\r\nContent-Type: application/json\r\n"
        "Content-Length: 1000000000000\r\n\r\n"
    ).encode()
    started = time.monotonic()
    answer = _raw_request(shared_server.port or 0, head, b"{")
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
    assert b"request-id: " in answer.lower()
    assert time.monotonic() - started < 4


def test_an_endless_chunked_body_gets_413_without_being_read_to_the_end(
    shared_server: ServerProcess,
) -> None:
    head = (
        f"POST {PATH} HTTP/1.1\r\nHost: x\r\nAuthorization: Api-Key {KEY}\r\n"
        "adapty-customer-user-id: c\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode()
    chunk = b"4000\r\n" + b"a" * 0x4000 + b"\r\n"
    answer = _raw_request(shared_server.port or 0, head, chunk * 5)  # 80 KiB, never terminated
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]


NAME_EXPECTED = "JSON parse error - Expecting property name enclosed in double quotes: "

# --- parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "JSON parse error - the body is empty; send a JSON object."),
        (
            b"{",
            NAME_EXPECTED + "line 1 column 2 (char 1)",
        ),
        (
            b'{"first_name": "x"',
            "JSON parse error - Expecting ',' delimiter: line 1 column 19 (char 18)",
        ),
        (
            b"{'a': 1}",
            NAME_EXPECTED + "line 1 column 2 (char 1)",
        ),
        (b'{"a": NaN}', "JSON parse error - NaN is not valid JSON"),
        (b'{"a": Infinity}', "JSON parse error - Infinity is not valid JSON"),
        (b'{"a": -Infinity}', "JSON parse error - -Infinity is not valid JSON"),
        (b"{} {}", "JSON parse error - Extra data: line 1 column 4 (char 3)"),
        (b"{},", "JSON parse error - Extra data: line 1 column 3 (char 2)"),
        (
            b'{"a": 1,}',
            NAME_EXPECTED + "line 1 column 9 (char 8)",
        ),
        (b"\xef\xbb\xbf{}", "JSON parse error - Expecting value: line 1 column 1 (char 0)"),
        (b'{"first_name": "\xff"}', "JSON parse error - the body is not valid UTF-8 (byte 16)."),
        (b'{"first_name": "\xc3"}', "JSON parse error - the body is not valid UTF-8 (byte 16)."),
        (
            b'{"first_name": "\xed\xa0\x80"}',
            "JSON parse error - the body is not valid UTF-8 (byte 16).",
        ),
        ("{}".encode("utf-16"), "JSON parse error - the body is not valid UTF-8 (byte 0)."),
        (b"[" * 5000 + b"]" * 5000, "JSON parse error - the document is nested too deeply."),
        (b"undefined", "JSON parse error - Expecting value: line 1 column 1 (char 0)"),
        (
            b'{"a":"\x01"}',
            "JSON parse error - Invalid control character at: line 1 column 7 (char 6)",
        ),
    ],
    ids=lambda value: repr(value)[:40] if isinstance(value, bytes) else "",
)
@pytest.mark.parametrize("method", ["POST", "PATCH"])
async def test_malformed_bodies_are_400_parse_error(
    api: Target, method: str, body: bytes, message: str
) -> None:
    await api.create(who("parse"))
    customer = "parse" if method == "PATCH" else "parse-new"
    response = await api.client.request(
        method, PATH, headers={**who(customer), **JSON}, content=body
    )
    assert_error(response, envelope(400, "parse_error", ("non_field_errors", [message])))
    assert len(await api.profiles()) == 1


@pytest.mark.parametrize(
    ("body", "type_name"),
    [
        (b"[]", "array"),
        (b"[{}]", "array"),
        (b'"{}"', "string"),
        (b"1", "number"),
        (b"1.5", "number"),
        (b"true", "boolean"),
        (b"null", "null"),
    ],
)
async def test_json_that_is_not_an_object_is_400(api: Target, body: bytes, type_name: str) -> None:
    response = await api.client.post(PATH, headers={**who("nobj"), **JSON}, content=body)
    assert_error(
        response,
        bad(("non_field_errors", [f"Invalid data. Expected a dictionary, but got {type_name}."])),
    )


async def test_whitespace_around_the_object_and_duplicate_keys_are_fine(api: Target) -> None:
    body = b' \r\n\t{"first_name": "A", "first_name": "B"} \n'
    response = await api.client.post(PATH, headers={**who("dup"), **JSON}, content=body)
    assert response.status_code == 200
    stored = await api.stored(response.json()["data"]["profile_id"])
    assert stored["fields"]["first_name"] == "B"  # the last one wins


async def test_escaped_unicode_and_lone_surrogates_survive(api: Target) -> None:
    body = b'{"first_name": "\\u00e9\\ud83d\\ude00", "last_name": "\\ud800"}'
    response = await api.client.post(PATH, headers={**who("uni"), **JSON}, content=body)
    assert response.status_code == 200
    stored = await api.stored(response.json()["data"]["profile_id"])
    assert stored["fields"]["first_name"] == "é😀"
    assert stored["fields"]["last_name"] == "\ud800"


async def test_a_slow_body_gets_408_and_does_not_block_others() -> None:
    from recorded_server.serving import limits

    old = limits.BODY_READ_TIMEOUT
    limits.BODY_READ_TIMEOUT = 0.5
    try:
        app = create_app(Settings(db=":memory:"))
        async with app.router.lifespan_context(app):
            slow = asyncio.create_task(
                _asgi_call(app, [(b"adapty-customer-user-id", b"slow")], [b'{"a":'], finished=False)
            )
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                fast = await client.post(PATH, headers=who("fast"), json={})
                assert fast.status_code == 200
                assert not slow.done()
            status, _ = await slow
        assert status == 408
    finally:
        limits.BODY_READ_TIMEOUT = old
