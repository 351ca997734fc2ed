"""Where the server's log lines go: stderr, written in batches by a small flusher thread.

Writing each line as it is logged costs a system call on the event loop per request, and a
``QueueHandler`` wakes a listener thread per line (the two threads then trade the GIL all the
time). Here ``emit`` only formats the line and appends it to a list; a daemon thread writes what
has gathered every ``interval`` seconds in one write. Lines appear at most ``interval`` late, and
:meth:`BatchingStreamHandler.close` (at exit) writes the rest.
"""

from __future__ import annotations

import atexit
import json
import logging
import sys
import threading
import time
from typing import TextIO

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_MSEC_FORMAT = "%s,%03d"
"""``logging.Formatter``'s defaults, which :meth:`BatchingStreamHandler.append_info` follows."""
LOG_FORMATS = ("text", "json")
"""``--log-format``: ``LOG_FORMAT`` lines, or one JSON object per line (for log collectors)."""
MAX_BUFFERED_LINES = 100_000
"""Past this (nobody reads the stream), lines are dropped and counted, not buffered."""


_STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``,
    and the fields a log call passed as ``extra`` (``request_id``, ``status``, ...)."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        line: dict[str, object] = {
            "time": f"{stamp}.{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES and not key.startswith("_"):
                line[key] = value if isinstance(value, str | int | float | bool) else str(value)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class BatchingStreamHandler(logging.Handler):
    def __init__(self, stream: TextIO | None = None, interval: float = 0.05) -> None:
        super().__init__()
        self.stream = stream if stream is not None else sys.stderr
        self.interval = interval
        self.standard_formatter: logging.Formatter | None = None
        """The ``LOG_FORMAT`` formatter :func:`configure_logging` installed (see
        :func:`direct_handler`)."""
        self._lines: list[str] = []
        self._second: tuple[int, str] = (-1, "")
        """The last whole second :meth:`append_info` formatted, and its text."""
        self._dropped = 0
        self._wake = threading.Event()
        self._write_lock = threading.Lock()
        self._stopped = False
        self._flusher = threading.Thread(target=self._run, name="recorded-server-log", daemon=True)
        self._flusher.start()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:  # pragma: no cover - logging must never break a request
            self.handleError(record)
            return
        if len(self._lines) >= MAX_BUFFERED_LINES:
            self._dropped += 1
            return
        self._lines.append(line)  # list.append is atomic under the GIL
        if record.levelno >= logging.ERROR:
            self._wake.set()

    def append_info(self, logger_name: str, message: str) -> None:
        """Buffer an INFO line of ``logger_name``, formatted as the standard formatter would
        (``LOG_FORMAT``: local time with milliseconds, level, logger name, message), without a
        ``LogRecord``: the access log's per-request path. Only for a handler that
        :func:`direct_handler` returned."""
        now = time.time()  # as LogRecord takes it
        second = int(now)
        cached = self._second
        if cached[0] != second:  # the text logging.Formatter.formatTime makes for it
            cached = self._second = (second, time.strftime(_TIME_FORMAT, time.localtime(now)))
        millis = int((now - second) * 1000)  # LogRecord.msecs, to the digit
        line = f"{cached[1]},{millis:03d} INFO {logger_name}: {message}"
        self.acquire()  # as logging.Handler.handle does around emit (flush swaps the list)
        try:
            if len(self._lines) >= MAX_BUFFERED_LINES:
                self._dropped += 1
            else:
                self._lines.append(line)
        finally:
            self.release()

    def _run(self) -> None:
        while not self._stopped:
            self._wake.wait(self.interval)
            self._wake.clear()
            self.flush()

    def flush(self) -> None:
        # Swap the list under the handler's lock (emit holds it), write outside it, so that a
        # slow stream never holds up the thread that logs.
        self.acquire()
        try:
            lines, self._lines = self._lines, []
            dropped, self._dropped = self._dropped, 0
        finally:
            self.release()
        if dropped:
            lines.append(f"(log) {dropped} line(s) dropped: the log stream is not being read")
        if not lines:
            return
        with self._write_lock:
            try:
                self.stream.write("\n".join(lines) + "\n")
                self.stream.flush()
            except (OSError, ValueError):  # pragma: no cover - stderr closed or broken
                pass

    def close(self) -> None:
        self._stopped = True
        self._wake.set()
        if self._flusher.is_alive() and threading.current_thread() is not self._flusher:
            self._flusher.join(timeout=2)
        self.flush()
        super().close()


_frozen_answers: dict[str, BatchingStreamHandler | None] | None = None
""":func:`direct_handler`'s answers by logger name, once :func:`freeze_logging` has run."""


def freeze_logging() -> None:
    """Say that this process's logging configuration no longer changes (``serve()`` owns its
    process: it configures logging once, before it serves): :func:`direct_handler` then works
    out its answer once per logger instead of on every request (the walk is about a twentieth
    of a GET's instructions). Never called where other code may still configure logging (an
    app embedded in another process, the test suite's in-process apps)."""
    global _frozen_answers
    _frozen_answers = {}


def direct_handler(logger: logging.Logger) -> BatchingStreamHandler | None:
    """The handler an INFO record of ``logger`` would reach, when it is the only one and nothing
    between could change or add to the line (so :meth:`BatchingStreamHandler.append_info` writes
    exactly what ``logger.info`` would); ``None`` when logging must decide (anything else
    configured: filters, other handlers, another formatter or record factory, a level...).
    After :func:`freeze_logging`, the answer first given for a logger."""
    frozen = _frozen_answers
    if frozen is None:
        return _direct_handler(logger)
    try:
        return frozen[logger.name]
    except KeyError:
        found = frozen[logger.name] = _direct_handler(logger)
        return found


def _direct_handler(logger: logging.Logger) -> BatchingStreamHandler | None:
    if type(logger) is not logging.Logger or logger.filters:
        return None
    if not logger.isEnabledFor(logging.INFO):
        return None
    found: BatchingStreamHandler | None = None
    current: logging.Logger | None = logger
    while current is not None:
        for handler in current.handlers:
            if found is not None or type(handler) is not BatchingStreamHandler:
                return None
            found = handler
        current = current.parent if current.propagate else None
    if (
        found is None
        or found.level > logging.INFO
        or found.filters
        or found.formatter is None
        or found.formatter is not found.standard_formatter
        or found.formatter.converter is not time.localtime
        or found.formatter.default_time_format != _TIME_FORMAT
        or found.formatter.default_msec_format != _MSEC_FORMAT
        or logging.getLogRecordFactory() is not logging.LogRecord
        or logging.getLevelName(logging.INFO) != "INFO"
    ):
        return None
    return found


def configure_logging(
    level: str, stream: TextIO | None = None, log_format: str = "text"
) -> BatchingStreamHandler:
    """Route every logger to one batching stderr handler at ``level``, as ``LOG_FORMAT`` lines
    or (``log_format="json"``) JSON lines; uvicorn's access log off (the server writes its own
    line per request)."""
    handler = BatchingStreamHandler(stream)
    if log_format == "json":
        handler.setFormatter(JsonFormatter())  # not the standard one: no direct_handler path
    else:
        handler.standard_formatter = logging.Formatter(LOG_FORMAT)
        handler.setFormatter(handler.standard_formatter)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    logging.getLogger("uvicorn.access").disabled = True
    atexit.register(handler.close)
    return handler
