"""Serving details: the listening socket, the banner, and the batching log handler."""

from __future__ import annotations

import asyncio
import io
import logging
import socket
import time
from pathlib import Path

import pytest

from recorded_server import log_output
from recorded_server.log_output import BatchingStreamHandler
from recorded_server.runtime import Runtime
from recorded_server.serve import banner, bind_socket
from recorded_server.settings import Settings


def test_the_listening_socket_gives_connections_tcp_nodelay() -> None:
    # asyncio sets TCP_NODELAY only on sockets whose proto is TCP; without it Nagle's algorithm
    # and delayed ACKs stall every response ~40 ms.
    listener = bind_socket("127.0.0.1", 0)
    assert listener.proto == socket.IPPROTO_TCP
    port = listener.getsockname()[1]
    seen: list[int] = []

    async def main() -> None:
        def accepted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            sock = writer.get_extra_info("socket")
            seen.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(accepted, sock=listener)
        async with server:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            for _ in range(100):
                if seen:
                    break
                await asyncio.sleep(0.01)
            writer.close()

    asyncio.run(main())
    assert seen and seen[0] != 0


def test_banner_shows_the_default_key_and_hides_a_custom_one(tmp_path: Path) -> None:
    default = Settings(db=":memory:")
    text = banner(default, 1234, Runtime(default))
    assert text.splitlines()[0] == "recorded-server listening on http://127.0.0.1:1234"
    assert "dev-recorded-server-key" in text
    custom = Settings(db=":memory:", api_key="my-Secret-1", host="::1")
    text = banner(custom, 5678, Runtime(custom))
    assert "my-Secret-1" not in text
    assert "http://[::1]:5678" in text
    runtime = Runtime(Settings(db=str(tmp_path / "b.sqlite3")))
    runtime.start()
    try:
        text = banner(runtime.settings, 1, runtime)
    finally:
        runtime.stop()
    assert f"{tmp_path / 'b.sqlite3'}  (SQLite, journal wal, synchronous=FULL)" in text


def _record(message: str, level: int = logging.INFO) -> logging.LogRecord:
    return logging.LogRecord("t", level, __file__, 1, message, None, None)


def test_the_log_handler_writes_lines_in_batches_and_flushes_on_close() -> None:
    stream = io.StringIO()
    handler = BatchingStreamHandler(stream, interval=3600)
    for i in range(3):
        handler.handle(_record(f"line {i}"))
    assert stream.getvalue() == ""  # gathered, not written yet
    handler.close()
    assert stream.getvalue() == "line 0\nline 1\nline 2\n"


def test_the_log_handler_flushes_on_its_own_and_at_once_for_errors() -> None:
    stream = io.StringIO()
    handler = BatchingStreamHandler(stream, interval=0.05)
    try:
        handler.handle(_record("soon"))
        for _ in range(200):
            if stream.getvalue():
                break
            time.sleep(0.01)
        assert stream.getvalue() == "soon\n"
    finally:
        handler.close()
    errors = io.StringIO()
    slow = BatchingStreamHandler(errors, interval=3600)
    try:
        slow.handle(_record("bad", logging.ERROR))
        for _ in range(200):
            if errors.getvalue():
                break
            time.sleep(0.01)
        assert errors.getvalue() == "bad\n"
    finally:
        slow.close()


def test_the_log_handler_drops_and_counts_past_its_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(log_output, "MAX_BUFFERED_LINES", 2)
    stream = io.StringIO()
    handler = BatchingStreamHandler(stream, interval=3600)
    for i in range(5):
        handler.handle(_record(f"l{i}"))
    handler.close()
    assert stream.getvalue() == (
        "l0\nl1\n(log) 3 line(s) dropped: the log stream is not being read\n"
    )
