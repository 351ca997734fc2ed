"""Where the server's log lines go: stderr, written in batches by a small flusher thread.

Writing each line as it is logged costs a system call on the event loop per request, and a
``QueueHandler`` wakes a listener thread per line (the two threads then trade the GIL all the
time). Here ``emit`` only formats the line and appends it to a list; a daemon thread writes what
has gathered every ``interval`` seconds in one write. Lines appear at most ``interval`` late, and
:meth:`BatchingStreamHandler.close` (at exit) writes the rest.
"""

from __future__ import annotations

import atexit
import logging
import sys
import threading
from typing import TextIO

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_BUFFERED_LINES = 100_000
"""Past this (nobody reads the stream), lines are dropped and counted, not buffered."""


class BatchingStreamHandler(logging.Handler):
    def __init__(self, stream: TextIO | None = None, interval: float = 0.05) -> None:
        super().__init__()
        self.stream = stream if stream is not None else sys.stderr
        self.interval = interval
        self._lines: list[str] = []
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


def configure_logging(level: str, stream: TextIO | None = None) -> BatchingStreamHandler:
    """Route every logger to one batching stderr handler at ``level``; uvicorn's access log off
    (the server writes its own line per request)."""
    handler = BatchingStreamHandler(stream)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    logging.getLogger("uvicorn.access").disabled = True
    atexit.register(handler.close)
    return handler
