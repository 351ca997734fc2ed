"""Serving details: the listening socket, the banner, and the batching log handler."""

from __future__ import annotations

import asyncio
import gc
import io
import itertools
import logging
import socket
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.types import Message, Receive, Scope, Send

import recorded_server.emulator.serve as serve_module
from recorded_server.emulator.app import create_app
from recorded_server.emulator.middleware import request_log
from recorded_server.emulator.runtime import Runtime
from recorded_server.emulator.serve import banner
from recorded_server.emulator.settings import Settings
from recorded_server.serving import log_output
from recorded_server.serving.listen import bind_socket
from recorded_server.serving.log_output import BatchingStreamHandler


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


# --- the access log's direct path --------------------------------------------------------------


def _standard_handler(stream: io.StringIO) -> BatchingStreamHandler:
    """A handler set up as configure_logging sets up its own (without touching the root)."""
    handler = BatchingStreamHandler(stream, interval=3600)
    handler.standard_formatter = logging.Formatter(log_output.LOG_FORMAT)
    handler.setFormatter(handler.standard_formatter)
    return handler


_loggers = itertools.count()


def _lone_logger(handler: logging.Handler) -> logging.Logger:
    """A logger of its own whose records reach ``handler`` only (not the root's handlers)."""
    logger = logging.getLogger(f"tests.server.direct-path-{next(_loggers)}")
    logger.propagate = False
    logger.setLevel(logging.INFO)  # as serve's root (pytest leaves the root at WARNING)
    logger.addHandler(handler)
    return logger


@pytest.mark.parametrize(
    "now",
    [1_700_000_000.0, 1_700_000_000.0005, 1_700_000_000.999_999, 1_700_000_059.5, 951_782_400.25],
)
def test_a_directly_written_info_line_is_the_line_logging_writes(
    monkeypatch: pytest.MonkeyPatch, now: float
) -> None:
    via_logging, direct = io.StringIO(), io.StringIO()
    slow, fast = _standard_handler(via_logging), _standard_handler(direct)
    monkeypatch.setattr(time, "time", lambda: now)
    message = "0123abcd GET /api/v2/server-side-api/profile/ 200 0.3ms"
    logger = _lone_logger(slow)
    logger.info("%s", message)
    fast.append_info(logger.name, message)
    monkeypatch.undo()
    slow.close()
    fast.close()
    assert direct.getvalue() == via_logging.getvalue()
    assert direct.getvalue().endswith(f" INFO {logger.name}: {message}\n")


def test_the_direct_path_reformats_the_time_when_the_second_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    via_logging, direct = io.StringIO(), io.StringIO()
    slow, fast = _standard_handler(via_logging), _standard_handler(direct)
    logger = _lone_logger(slow)
    for now in (
        1_700_000_000.1,
        1_700_000_000.9,
        1_700_000_001.2,
        1_700_000_000.4,
        1_700_003_600.0,
    ):
        monkeypatch.setattr(time, "time", lambda now=now: now)
        logger.info("%s", "line")
        fast.append_info(logger.name, "line")
        monkeypatch.undo()
    slow.close()
    fast.close()
    assert direct.getvalue() == via_logging.getvalue()
    assert len(set(direct.getvalue().splitlines())) == 5


def test_the_direct_path_drops_and_counts_past_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(log_output, "MAX_BUFFERED_LINES", 2)
    stream = io.StringIO()
    handler = _standard_handler(stream)
    for i in range(5):
        handler.append_info("a", f"l{i}")
    handler.close()
    lines = stream.getvalue().splitlines()
    assert [line.split(" ", 2)[2] for line in lines[:2]] == ["INFO a: l0", "INFO a: l1"]
    assert lines[2:] == ["(log) 3 line(s) dropped: the log stream is not being read"]


def test_once_logging_is_frozen_the_direct_path_is_worked_out_once_per_logger(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``serve()`` freezes its process's logging after configuring it; the answer for a logger
    is then kept (nothing in that process changes the configuration)."""
    monkeypatch.setattr(log_output, "_frozen_answers", None)  # and back, after the test
    handler = _standard_handler(io.StringIO())
    try:
        logger = _lone_logger(handler)
        other = _lone_logger(logging.NullHandler())
        log_output.freeze_logging()
        assert log_output.direct_handler(logger) is handler
        assert log_output.direct_handler(other) is None
        logger.addFilter(lambda record: True)  # would send it through logging, unfrozen
        assert log_output.direct_handler(logger) is handler
        assert log_output._direct_handler(logger) is None
        assert log_output._frozen_answers == {logger.name: handler, other.name: None}
    finally:
        handler.close()


def test_the_direct_path_is_taken_only_when_logging_would_write_the_same_line() -> None:
    stream = io.StringIO()
    handler = _standard_handler(stream)
    try:
        logger = _lone_logger(handler)
        assert log_output.direct_handler(logger) is handler

        def deviations() -> list[tuple[str, Callable[[], Callable[[], None]]]]:
            def extra_handler() -> Callable[[], None]:
                other = logging.NullHandler()
                logger.addHandler(other)
                return lambda: logger.removeHandler(other)

            def logger_filter() -> Callable[[], None]:
                logger.addFilter(keep)
                return lambda: logger.removeFilter(keep)

            def handler_filter() -> Callable[[], None]:
                handler.addFilter(keep)
                return lambda: handler.removeFilter(keep)

            def other_formatter() -> Callable[[], None]:
                handler.setFormatter(logging.Formatter(log_output.LOG_FORMAT))
                return lambda: handler.setFormatter(handler.standard_formatter)

            def handler_level() -> Callable[[], None]:
                handler.setLevel(logging.WARNING)
                return lambda: handler.setLevel(logging.NOTSET)

            def logger_level() -> Callable[[], None]:
                logger.setLevel(logging.WARNING)
                return lambda: logger.setLevel(logging.INFO)

            def disabled() -> Callable[[], None]:
                logger.disabled = True
                return lambda: setattr(logger, "disabled", False)

            def gmt() -> Callable[[], None]:
                assert handler.formatter is not None
                handler.formatter.converter = time.gmtime
                return lambda: delattr(handler.formatter, "converter")

            def record_factory() -> Callable[[], None]:
                logging.setLogRecordFactory(lambda *a, **k: logging.LogRecord(*a, **k))
                return lambda: logging.setLogRecordFactory(logging.LogRecord)

            return [
                ("extra handler", extra_handler),
                ("logger filter", logger_filter),
                ("handler filter", handler_filter),
                ("other formatter", other_formatter),
                ("handler level", handler_level),
                ("logger level", logger_level),
                ("disabled", disabled),
                ("gmt", gmt),
                ("record factory", record_factory),
            ]

        def keep(record: logging.LogRecord) -> bool:
            return True

        for name, apply in deviations():
            undo = apply()
            try:
                assert log_output.direct_handler(logger) is None, name
            finally:
                undo()
            assert log_output.direct_handler(logger) is handler, name
        assert log_output.direct_handler(_lone_logger(logging.NullHandler())) is None
        assert log_output.direct_handler(logging.Logger("not in the hierarchy")) is None
        lone = logging.getLogger(f"tests.server.direct-path-{next(_loggers)}")
        lone.propagate = False
        lone.setLevel(logging.INFO)
        assert log_output.direct_handler(lone) is None  # no handler at all: lastResort
    finally:
        handler.close()


def _run_logged_request(path: str, status: int) -> None:
    """One request through RequestLogMiddleware (driven by hand: the app never waits)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def send(message: Message) -> None:
        pass

    async def receive() -> Message:  # pragma: no cover - the app does not read
        return {"type": "http.disconnect"}

    middleware = request_log.RequestLogMiddleware(app, api_key="the-key", on_unhandled=lambda: None)
    scope: Scope = {"type": "http", "method": "GET", "path": path, "headers": []}
    coroutine = middleware(scope, receive, send)
    with pytest.raises(StopIteration):
        coroutine.send(None)


def test_the_middleware_writes_the_same_access_line_on_both_paths(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    outputs: list[str] = []
    logger = _lone_logger(logging.NullHandler())
    for force_logging in (False, True):
        stream = io.StringIO()
        handler = _standard_handler(stream)
        logger.handlers = [handler]
        if force_logging:
            handler.addFilter(lambda record: True)  # logging decides: the LogRecord path
        assert (log_output.direct_handler(logger) is None) == force_logging
        ticks = iter([10.0, 10.01234])
        with monkeypatch.context() as patch:
            patch.setattr(request_log, "access_log", logger)
            patch.setattr(request_log, "new_request_id", lambda: "f" * 32)
            patch.setattr(time, "perf_counter", ticks.__next__)
            patch.setattr(time, "time", lambda: 1_700_000_000.25)
            _run_logged_request("/p/the-key/\x07\n" + "x" * 300, 418)
        handler.close()
        outputs.append(stream.getvalue())
    assert outputs[0] == outputs[1]
    assert outputs[0].endswith(
        f" INFO {logger.name}: {'f' * 32} GET /p/[redacted]/\\x07\\x0a{'x' * 184}"
        "...(316 chars) 418 12.3ms\n"
    )


# --- garbage collection while serving ----------------------------------------------------------


def _threshold_after(start: tuple[int, int, int], *, served: bool) -> tuple[int, ...]:
    """The GC thresholds after an app's lifespan (``served=False``) or after ``serve()``'s
    tuning (``served=True``), starting from ``start``."""
    original = gc.get_threshold()
    gc.set_threshold(*start)
    try:
        if served:
            serve_module._collect_less_often()
        else:
            app = create_app(Settings(db=":memory:"))

            async def main() -> None:
                async with app.router.lifespan_context(app):
                    pass

            asyncio.run(main())
        return gc.get_threshold()
    finally:
        gc.set_threshold(*original)


def test_serve_collects_garbage_less_often() -> None:
    assert _threshold_after((700, 10, 10), served=True) == (serve_module.GC_FIRST_THRESHOLD, 10, 10)


def test_an_embedded_app_leaves_its_hosts_gc_alone() -> None:
    """Issue 14: the lifespan used to raise the GC threshold of whoever hosted the app."""
    assert _threshold_after((700, 10, 10), served=False) == (700, 10, 10)


@pytest.mark.parametrize("chosen", [(0, 10, 10), (50_000, 5, 5)])
def test_a_gc_threshold_the_process_chose_is_left_alone(chosen: tuple[int, int, int]) -> None:
    assert _threshold_after(chosen, served=True) == chosen
