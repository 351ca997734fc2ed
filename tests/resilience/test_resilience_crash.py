"""``kill -9`` in the middle of a burst of creates: every create that was answered 200 survives a
restart on the same SQLite file (the server answers only after its write is durable)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from _resilience_env import AUTH, PROFILE_PATH

from recorded_server.testing.process import ServerProcess

pytestmark = pytest.mark.socket

WRITERS = 8
KILL_AFTER = 300  # acknowledged creates before the kill
BURST_LIMIT_S = 30.0


def test_kill_9_during_creates_keeps_every_acknowledged_create(
    tmp_path: Path, start_server: Callable[..., ServerProcess]
) -> None:
    db = tmp_path / "crash.sqlite3"
    server = start_server(db)
    acknowledged: dict[str, str] = {}  # customer_user_id -> profile_id
    lock = threading.Lock()
    stop = threading.Event()
    enough = threading.Event()
    unexpected: list[str] = []

    def body(i: int) -> dict[str, object]:
        return {"first_name": "Crash", "custom_attributes": [{"key": "n", "value": i}]}

    def writer(n: int) -> None:
        with httpx.Client(base_url=server.url, headers=AUTH, timeout=5.0) as client:
            i = 0
            while not stop.is_set():
                i += 1
                cuid = f"crash-{n}-{i}"
                try:
                    response = client.post(
                        PROFILE_PATH,
                        headers={"adapty-customer-user-id": cuid},
                        json={
                            "first_name": "Crash",
                            "custom_attributes": [{"key": "n", "value": 1}],
                        },
                    )
                except httpx.HTTPError:
                    return  # the server is gone
                if response.status_code == 200:
                    with lock:
                        acknowledged[cuid] = response.json()["data"]["profile_id"]
                        if len(acknowledged) >= KILL_AFTER:
                            enough.set()
                else:
                    unexpected.append(f"create {cuid}: {response.status_code} {response.text}")
                    return

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    try:
        assert enough.wait(BURST_LIMIT_S), f"only {len(acknowledged)} creates in {BURST_LIMIT_S} s"
        server.kill()  # SIGKILL while the writers are still sending
        killed_at = time.monotonic()
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
    assert not unexpected, unexpected[:3]
    assert server.process is not None
    assert server.process.wait(timeout=10) == -9
    with lock:
        survivors_expected = dict(acknowledged)
    assert len(survivors_expected) >= KILL_AFTER
    assert time.monotonic() - killed_at < 15

    restarted = start_server(db)
    response = httpx.get(f"{restarted.url}/_recorded/profiles", headers=AUTH, timeout=30)
    assert response.status_code == 200
    stored = {p["customer_user_id"]: p for p in response.json()["profiles"]}
    missing = sorted(set(survivors_expected) - set(stored))
    assert not missing, f"{len(missing)} acknowledged creates lost, e.g. {missing[:5]}"
    for cuid, profile_id in survivors_expected.items():
        assert stored[cuid]["profile_id"] == profile_id
    # Creates that were in flight at the kill may or may not be there, but nothing else is.
    assert all(cuid.startswith("crash-") for cuid in stored)
    # The restarted server serves and still refuses a duplicate of an acknowledged create.
    some = next(iter(survivors_expected))
    again = httpx.post(
        restarted.url + PROFILE_PATH,
        headers={**AUTH, "adapty-customer-user-id": some},
        json={},
        timeout=10,
    )
    assert again.status_code == 409, again.text
