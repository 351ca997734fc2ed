"""Live mode, end to end: the contract suite against a recorded server standing in for a real
account, through ``recorded-server record``; then the same seeded run, offline, against
``recorded-server replay`` of what was recorded.

The stand-in holds profiles whose customer user ids are ``0``, ``1``, ``a``, ``A``, ``00``, the
spec's example ids and a few others, and profile ids such as the spec's example, the nil UUID
and all-``f``. The run must pass, leave every one of them exactly as it was (the inspection
API's listing is the same before and after: nothing changed, nothing left behind), never send
one of their ids (the cassettes show every request), keep to ``CONTRACT_MAX_RPS`` and
``CONTRACT_MAX_REQUESTS``, and pass again against the replay with the same tests passed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from recorded_server import DEFAULT_API_KEY
from recorded_server.testing.process import ServerProcess

ROOT = Path(__file__).resolve().parents[2]
AUTH = {"Authorization": f"Api-Key {DEFAULT_API_KEY}"}
MAX_RPS = 150
MAX_REQUESTS = 800
SEED = "11"
SEEDED_USERS = [
    "0", "1", "a", "A", "00", "-1", "contract", "contract-0-1",
    "8612ED7C-3477-466D-93AE-1854B8E5FDD5", "8612ed7c-3477-466d-93ae-1854b8e5fdd5", "u" * 255,
]  # fmt: skip
SEEDED_ANONYMOUS = ["00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"]
SPEC_PROFILE_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"

pytestmark = [pytest.mark.socket, pytest.mark.timeout(600)]


def _seed_document() -> dict[str, Any]:
    profiles: list[dict[str, Any]] = []
    for index, user in enumerate(SEEDED_USERS):
        profile_id = SPEC_PROFILE_ID if index == 0 else f"00000000-0000-4000-8000-{index:012d}"
        profiles.append(
            {
                "profile_id": profile_id,
                "customer_user_id": user,
                "custom_attributes": [{"key": "seeded", "value": f"value {index}"}],
                "fields": {"first_name": f"Seeded {index}", "analytics_disabled": True},
            }
        )
    profiles += [{"profile_id": pid, "customer_user_id": None} for pid in SEEDED_ANONYMOUS]
    return {"profiles": profiles}


def _listing(url: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{url}/_recorded/profiles", headers=AUTH, timeout=30)
    response.raise_for_status()
    profiles: list[dict[str, Any]] = response.json()["profiles"]
    return sorted(profiles, key=lambda profile: profile["profile_id"])


_LISTENING = re.compile(r"listening on (http://\S+:\d+)")


@contextmanager
def _cli(log: Path, *args: str) -> Iterator[str]:
    """``recorded-server ARGS --port 0``, its URL read from the line it prints once it listens
    (output to a file: a pipe nobody reads would fill)."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "recorded_server", *args, "--port", "0"],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while (match := _LISTENING.search(log.read_text(errors="replace"))) is None:
                assert process.poll() is None, log.read_text(errors="replace")
                assert time.monotonic() < deadline, log.read_text(errors="replace")
                time.sleep(0.05)
            yield match[1]
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _suite(base_url: str, tmp: Path, name: str) -> tuple[str, dict[str, int]]:
    """Run the contract suite against ``base_url`` in live mode; its output and outcome counts."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CONTRACT_", "PYTEST_", "HYPOTHESIS"))
    }
    env.update(
        CONTRACT_BASE_URL=base_url,
        CONTRACT_SEED=SEED,
        CONTRACT_MAX_RPS=str(MAX_RPS),
        CONTRACT_MAX_REQUESTS=str(MAX_REQUESTS),
        CONTRACT_PROFILE="quick",
    )
    result = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "contract_tests", "-q", "-p", "no:cacheprovider"),
            # the live guard's own tests send nothing to the target (nox -s contract runs them)
            "--ignore=contract_tests/test_live_guard.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=500,
    )
    output = result.stdout + result.stderr
    (tmp / f"{name}.log").write_text(output, encoding="utf-8")
    assert result.returncode == 0, output[-6000:]
    counts = {kind: int(n) for n, kind in re.findall(r"(\d+) (passed|skipped|failed)", output)}
    return output, counts


def _live_figures(output: str) -> dict[str, int]:
    sent = re.search(r"requests sent: (\d+) \(limit (\d+)\); peak rate: (\d+) requests", output)
    made = re.search(r"profiles created: (\d+); deleted: (\d+); left behind: (\d+)", output)
    assert sent and made, output[-3000:]
    return {
        "sent": int(sent[1]),
        "peak": int(sent[3]),
        "created": int(made[1]),
        "deleted": int(made[2]),
        "left": int(made[3]),
    }


def test_a_seeded_live_run_is_safe_and_replays(tmp_path: Path) -> None:
    fixtures = tmp_path / "account.json"
    fixtures.write_text(json.dumps(_seed_document()), encoding="utf-8")
    cassettes = tmp_path / "cassettes"
    with ServerProcess(db=tmp_path / "account.sqlite3", fixtures=fixtures).start(timeout=30) as up:
        before = _listing(up.url)
        assert len(before) == len(SEEDED_USERS) + len(SEEDED_ANONYMOUS)
        with _cli(tmp_path / "record.log", "record", "--upstream", up.url, "--cassettes",
                  str(cassettes)) as proxy:  # fmt: skip
            recorded, recorded_counts = _suite(proxy, tmp_path, "recorded")
        after = _listing(up.url)

    # Every seeded profile exactly as it was, and nothing of the run's left behind.
    assert after == before
    figures = _live_figures(recorded)
    assert figures["created"] > 20 and figures["created"] == figures["deleted"]
    assert figures["left"] == 0
    assert figures["sent"] <= MAX_REQUESTS and figures["peak"] <= MAX_RPS, figures
    assert recorded_counts.get("passed", 0) > 25 and "failed" not in recorded_counts

    # No request of the run carried a seeded identity (a profile id in any case). A value that
    # cannot name a profile, such as `adapty-profile-id: 0`, may pass: the server rejects it.
    seeded_ids = {SPEC_PROFILE_ID, *SEEDED_ANONYMOUS}
    seeded_ids |= {f"00000000-0000-4000-8000-{i:012d}" for i in range(1, len(SEEDED_USERS))}
    sent: dict[str, set[str]] = {"adapty-customer-user-id": set(), "adapty-profile-id": set()}
    for path in sorted(cassettes.glob("*.yaml")):
        for interaction in yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]:
            for name, values in interaction["request"]["headers"].items():
                if name.lower() in sent:
                    sent[name.lower()].update(str(value).strip() for value in values)
    users, profile_ids = sent["adapty-customer-user-id"], sent["adapty-profile-id"]
    assert users and profile_ids, "the cassettes show no identity header: the format changed"
    assert not users & set(SEEDED_USERS), sorted(users & set(SEEDED_USERS))
    assert not {value.lower() for value in profile_ids} & seeded_ids
    prefix = re.compile(r"contract-[0-9a-f]{8}-\d+")
    assert all(prefix.match(user) or not user or len(user) > 255 for user in users), users

    # The same seeded run, offline: the upstream is stopped, only the recordings answer.
    with _cli(tmp_path / "replay.log", "replay", "--cassettes", str(cassettes)) as replay:
        replayed, replayed_counts = _suite(replay, tmp_path, "replayed")
    assert replayed_counts == recorded_counts
    again = _live_figures(replayed)
    assert again["peak"] <= MAX_RPS
    assert {**again, "peak": 0} == {**figures, "peak": 0}  # the same requests, the same creates
