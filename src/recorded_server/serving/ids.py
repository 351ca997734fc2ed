"""Random version-4 UUIDs for profile ids and Request-Ids.

``uuid.uuid4()`` reads 16 bytes from ``os.urandom`` for every id, a system call that costs tens
of microseconds in some sandboxes. These ids are identifiers, not secrets, so they come from a
Mersenne Twister of their own, seeded from ``os.urandom`` at import and again in a forked child:
the same 122 random bits and v4 layout, without a system call per request. It is a private
instance on purpose: test tools (Hypothesis, pytest-randomly) reseed the global ``random`` module,
which would make an in-process server hand out the same "new" id twice.
"""

from __future__ import annotations

import os
import random
import uuid

_random = random.Random()
os.register_at_fork(after_in_child=_random.seed)


# What uuid.UUID(int=n, version=4) does to n: the variant bits 10, the version nibble 4.
_CLEARED = ~((0xC000 << 48) | (0xF000 << 64))
_SET = (0x8000 << 48) | (4 << 76)


def _v4_int() -> int:
    return (_random.getrandbits(128) & _CLEARED) | _SET


def new_uuid4() -> uuid.UUID:
    """A random UUID, version 4 (RFC 9562 variant)."""
    return uuid.UUID(int=_v4_int())


def new_uuid4_text() -> str:
    """``str(new_uuid4())`` without the UUID object: 36 characters, lowercase, dashed."""
    h = f"{_v4_int():032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def new_request_id() -> str:
    """A Request-Id: a uuid4 as 32 lowercase hex characters (``new_uuid4().hex``)."""
    return f"{_v4_int():032x}"
