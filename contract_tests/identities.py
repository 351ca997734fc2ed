"""The run's own identities: every customer user id and profile id the suite sends is minted here.

- a customer user id is ``contract-<run id>-<n>`` (``n`` counts up);
- a profile id is a version-4 UUID drawn from the run's generator.

With ``CONTRACT_SEED=N`` the run id and every id are drawn from ``N``, so two runs with the
same seed send the same ids in the same order (what replaying a recorded run needs); without
it they are drawn from the operating system's randomness. Under pytest-xdist each worker gets
its own run id (the worker's name is mixed into it).

Live mode (``contract_tests.live_guard``) asks ``owns_*`` whether an identity is the run's.
"""

from __future__ import annotations

import os
import random
import secrets
import threading
import uuid
from typing import Final

__all__ = ["IDS", "SEED_ENV", "RunIds", "seed_from_environment"]

SEED_ENV: Final = "CONTRACT_SEED"


def seed_from_environment() -> int | None:
    """``CONTRACT_SEED`` as an integer, None when unset; a ValueError says what is wrong."""
    text = os.environ.get(SEED_ENV, "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise ValueError(
            f"{SEED_ENV}={text!r} is not an integer: set it to a whole number, e.g. "
            f"{SEED_ENV}=1, or unset it for a random run"
        ) from None


class RunIds:
    """The ids of one run, from one generator (thread-safe)."""

    def __init__(self, seed: int | None, *, worker: str = "") -> None:
        self.seed = seed
        material = f"{seed}:{worker}" if seed is not None else secrets.token_hex(16)
        self._random = random.Random(material)
        self.run_id = f"{self._random.getrandbits(32):08x}"
        self._count = 0
        self._lock = threading.Lock()
        self._profile_ids: set[str] = set()

    @property
    def prefix(self) -> str:
        """Every customer user id of this run starts with this."""
        return f"contract-{self.run_id}-"

    def customer_user_id(self) -> str:
        with self._lock:
            self._count += 1
            return f"{self.prefix}{self._count}"

    def profile_id(self) -> str:
        with self._lock:
            value = str(uuid.UUID(int=self._random.getrandbits(128), version=4))
            self._profile_ids.add(value)
            return value

    def owns_customer_user_id(self, value: str) -> bool:
        return value.startswith(self.prefix) and len(value) > len(self.prefix)

    def minted_profile_id(self, value: str) -> bool:
        """Whether this run drew ``value`` (canonical lowercase form) as a profile id."""
        return value in self._profile_ids


def _seed_or_none() -> int | None:
    try:
        return seed_from_environment()
    except ValueError:
        return None


IDS: Final = RunIds(_seed_or_none(), worker=os.environ.get("PYTEST_XDIST_WORKER", ""))
"""The run's ids (an invalid ``CONTRACT_SEED`` is reported by the conftest, not at import)."""
