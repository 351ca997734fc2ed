"""How much and how fast live mode sends: the request budget, shared fairly, and the pacer.

- ``Budget`` bounds the run to ``CONTRACT_MAX_REQUESTS``. Each part of the suite (a test
  against the target) gets, when it starts, an equal share of what is left after the cleanup
  of every profile created so far. A generated example that starts when its part's share is
  spent sends nothing (the test returns at once), so every part runs and none starves the
  ones after it; a fixed test is never cut short, but nothing is sent past the whole budget
  (``BudgetExhausted`` says which variable to raise). Room for deleting each created profile
  is always kept.
- ``PacedTransport`` sends at most ``CONTRACT_MAX_RPS`` requests per second (request starts
  at least ``1/rate`` apart, across threads) and measures the peak rate: the most requests
  started within any one second.
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable
from typing import Final

import httpx
from hypothesis import currently_in_test_context, reject

__all__ = ["Budget", "BudgetExhausted", "PacedTransport"]

MIN_SHARE: Final = 8
"""A part's share is never below this: enough for a generated example or two."""


class BudgetExhausted(RuntimeError):
    """The run has sent all CONTRACT_MAX_REQUESTS allows."""


class Budget:
    def __init__(self, max_requests: int | None, outstanding: Callable[[], int]) -> None:
        self.max_requests = max_requests
        self._outstanding = outstanding
        self.parts_total = 0
        self.parts_started = 0
        self.part = ""
        self.part_sent = 0
        self.part_share: int | None = None
        self.sent = 0
        self.skipped_examples = 0
        self.part_skipped = 0
        self.parts_cut_short: list[str] = []
        """Parts whose generated examples the budget paid none of (their explicit ones ran)."""
        self._lock = threading.Lock()

    @property
    def outstanding(self) -> int:
        """Profiles created and not yet deleted: each needs one request at cleanup."""
        return self._outstanding()

    def start_part(self, name: str) -> None:
        with self._lock:
            self.part, self.part_sent, self.part_skipped = name, 0, 0
            remaining_parts = max(1, self.parts_total - self.parts_started)
            self.parts_started += 1
            if self.max_requests is None:
                self.part_share = None
                return
            left = self.max_requests - self.sent - self.outstanding
            self.part_share = max(MIN_SHARE, left // remaining_parts)

    def _over_all(self, method: str) -> bool:
        creates = 1 if method.upper() == "POST" else 0
        assert self.max_requests is not None
        return self.sent + self.outstanding + 1 + creates > self.max_requests

    def admit_example(self, method: str) -> bool:
        """At the start of a generated example: whether its part's share still pays for it."""
        if self.max_requests is None:
            return True
        with self._lock:
            over_share = self.part_share is not None and self.part_sent >= self.part_share
            if over_share or self._over_all(method):
                self.skipped_examples += 1
                self.part_skipped += 1
                return False
        return True

    def admit(self, method: str) -> None:
        """Before any request of a test: refuse it past the whole budget (a generated example
        is skipped instead: ``hypothesis.reject``, nothing sent)."""
        if self.max_requests is None:
            return
        with self._lock:
            over_all = self._over_all(method)
        if over_all and currently_in_test_context():
            with self._lock:
                self.skipped_examples += 1
                self.part_skipped += 1
            reject()
        if over_all:
            raise BudgetExhausted(
                f"CONTRACT_MAX_REQUESTS={self.max_requests} is used up ({self.sent} sent, "
                f"{self.outstanding} kept for cleanup): raise it to run the whole suite"
            )

    def count(self, *, cleanup: bool = False) -> None:
        """One request goes on the wire (a retry of a 429 included)."""
        with self._lock:
            if self.max_requests is not None and self.sent >= self.max_requests:
                raise BudgetExhausted(
                    f"CONTRACT_MAX_REQUESTS={self.max_requests}: every request of the budget "
                    "has been sent"
                )
            self.sent += 1
            if not cleanup:
                self.part_sent += 1


class PacedTransport(httpx.BaseTransport):
    """Sends through ``inner`` at most ``max_rps`` requests per second; counts every send."""

    def __init__(self, inner: httpx.BaseTransport, budget: Budget, max_rps: float | None) -> None:
        self.inner = inner
        self.budget = budget
        self.interval = 0.0 if max_rps is None else 1.0 / max_rps
        self.peak = 0
        self.too_many = 0
        """429 answers seen (each waited out by the retry layer above)."""
        self.cleanup = threading.local()
        self._lock = threading.Lock()
        self._next = 0.0
        self._window: collections.deque[float] = collections.deque()

    def _pace(self) -> None:
        with self._lock:
            now = time.monotonic()
            if now < self._next:
                time.sleep(self._next - now)
                now = time.monotonic()
            self._next = now + self.interval
            self._window.append(now)
            while self._window and self._window[0] <= now - 1.0:
                self._window.popleft()
            self.peak = max(self.peak, len(self._window))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.budget.count(cleanup=getattr(self.cleanup, "active", False))
        self._pace()
        response = self.inner.handle_request(request)
        if response.status_code == 429:
            with self._lock:
                self.too_many += 1
        return response

    def close(self) -> None:
        self.inner.close()
