"""The server's clock: real time, or a moment a test froze it at (``/_recorded/clock``).

Every "now" of the purchase operations reads it (a grant's default ``starts_at``, the revoke
checks, the grace period), and so does every response's ``timestamp``.
"""

from __future__ import annotations

import datetime
import time

from recorded_server.emulator.entitlements.dates import UTC


class Clock:
    def __init__(self) -> None:
        self.frozen: datetime.datetime | None = None

    def now(self) -> datetime.datetime:
        frozen = self.frozen
        return frozen if frozen is not None else datetime.datetime.now(UTC)

    def now_ms(self) -> int:
        frozen = self.frozen
        if frozen is None:
            return time.time_ns() // 1_000_000
        return int(frozen.timestamp() * 1000)

    def freeze(self, moment: datetime.datetime | None) -> None:
        """Freeze at ``moment`` (UTC); ``None`` returns to real time."""
        self.frozen = None if moment is None else moment.astimezone(UTC)
