"""Live mode's guard on its own: each rule shown to let through what it must and stop the rest.

The guard's network is an ``httpx.MockTransport`` that records what would have been sent, so
these tests need no server (the end-to-end run against a stand-in account is
``tests/live/test_live_mode.py``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from contract_tests.identities import RunIds
from contract_tests.live_budget import BudgetExhausted
from contract_tests.live_guard import GUARDED_BASE_URL, LiveRun, LiveSafetyError, _same_shape
from contract_tests.live_settings import LiveSettings

ROOT = Path(__file__).resolve().parent.parent
PROFILE = "/api/v2/server-side-api/profile/"


def settings(**overrides: object) -> LiveSettings:
    values: dict[str, object] = {
        "base_url": "https://sandbox.example/prefix",
        "api_key": "secret-key",
        "key_is_default": False,
        "max_rps": None,
        "max_requests": None,
        "seed": 1,
        "loopback": False,
    }
    values.update(overrides)
    return LiveSettings(**values)  # type: ignore[arg-type]


class Network:
    """Answers like a profile endpoint would; remembers every request that reached it."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.seen: list[httpx.Request] = []
        self.statuses = statuses or []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        if self.statuses:
            status = self.statuses.pop(0)
            return httpx.Response(status, headers={"Retry-After": "0"}, json={"errors": []})
        if request.method == "POST":
            profile_id = request.headers.get("adapty-profile-id") or str(uuid.uuid4())
            user = request.headers.get("adapty-customer-user-id")
            body = {"data": {"profile_id": profile_id.lower(), "customer_user_id": user}}
            return httpx.Response(200, json=body)
        if request.method == "DELETE":
            return httpx.Response(204)
        return httpx.Response(404, json={"errors": []})


def guarded(network: Network, **overrides: object) -> tuple[LiveRun, httpx.Client]:
    run = LiveRun(settings(**overrides), RunIds(7), network=httpx.MockTransport(network))
    return run, httpx.Client(base_url=GUARDED_BASE_URL, transport=run.transport)


def test_foreign_customer_user_ids_are_replaced_and_own_ones_kept() -> None:
    network = Network()
    run, client = guarded(network)
    own = run.ids.customer_user_id()
    for value in ["0", "a", "A", "00", "8612ED7C-3477-466D-93AE-1854B8E5FDD5", own, "", "u" * 256]:
        client.get(PROFILE, headers={"adapty-customer-user-id": value})
    sent = [request.headers["adapty-customer-user-id"] for request in network.seen]
    assert all(run.ids.owns_customer_user_id(value) for value in sent[:5])
    assert sent[5] == own and sent[6] == "" and sent[7] == "u" * 256
    assert len(set(sent[:5])) == 5 and own not in sent[:5]
    assert run.replaced == 5


@pytest.mark.parametrize(
    "foreign",
    [
        "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "3FA85F64-5717-4562-B3FC-2C963F66AFA6",
        "3fa85f6457174562b3fc2c963f66afa6",
        "{3fa85f64-5717-4562-b3fc-2c963f66afa6}",
        "urn:uuid:3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "00000000-0000-0000-0000-000000000000",
    ],
)
def test_foreign_profile_ids_are_replaced_in_the_same_form(foreign: str) -> None:
    network = Network()
    _, client = guarded(network)
    client.delete(PROFILE, headers={"adapty-profile-id": foreign})
    (request,) = network.seen
    sent = request.headers["adapty-profile-id"]
    assert sent != foreign and len(sent) == len(foreign)
    assert sent == _same_shape(foreign, str(uuid.UUID(sent)))
    assert request.url == httpx.URL("https://sandbox.example/prefix" + PROFILE)
    assert request.headers["host"] == "sandbox.example"


def test_values_that_name_no_profile_pass_and_own_ids_are_kept() -> None:
    network = Network()
    run, client = guarded(network)
    created = client.post(PROFILE, headers={"adapty-customer-user-id": "0"}, content=b"{}")
    learned = created.json()["data"]["profile_id"]
    minted = run.ids.profile_id()
    for value in ["0", "not-a-uuid", "", learned.upper(), minted]:
        client.get(PROFILE, headers={"adapty-profile-id": value})
    assert [r.headers["adapty-profile-id"] for r in network.seen[1:]] == [
        "0", "not-a-uuid", "", learned.upper(), minted,
    ]  # fmt: skip


def test_inspection_writes_and_foreign_reads_are_refused() -> None:
    network = Network()
    run, client = guarded(network)
    for method, path in [
        ("DELETE", "/_recorded/profiles"),
        ("POST", "/_recorded/faults"),
        ("GET", "/_recorded/profiles/3fa85f64-5717-4562-b3fc-2c963f66afa6"),
    ]:
        with pytest.raises(LiveSafetyError):
            client.request(method, path)
    foreign = {"profiles": [{"profile_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}]}
    with pytest.raises(LiveSafetyError):
        client.post("/_recorded/fixtures", json=foreign)
    own = {"profiles": [{"profile_id": run.ids.profile_id(), "customer_user_id": None}]}
    client.post("/_recorded/fixtures", json=own)
    client.get("/_recorded/health")
    assert [r.url.path for r in network.seen] == [
        "/prefix/_recorded/fixtures", "/prefix/_recorded/health",
    ]  # fmt: skip
    assert run.ledger.created == 1


def test_cleanup_deletes_what_the_run_created_and_lists_what_it_could_not() -> None:
    network = Network()
    run, client = guarded(network)
    for _ in range(3):
        client.post(PROFILE, headers={"adapty-customer-user-id": "x"}, content=b"{}")
    anonymous = run.ids.profile_id()
    client.post(PROFILE, headers={"adapty-profile-id": anonymous}, content=b"{}")
    client.delete(PROFILE, headers={"adapty-profile-id": anonymous})
    assert run.ledger.created == 4 and len(run.ledger.alive) == 3
    network.statuses = [500]
    run.cleanup(client, {"Authorization": "Api-Key secret-key"})
    assert run.ledger.deleted == 3 and len(run.ledger.alive) == 1
    (command,) = run.ledger.left
    assert "$CONTRACT_API_KEY" in command and "secret-key" not in command
    assert "adapty-profile-id: " in command and "https://sandbox.example/prefix" in command
    text = "\n".join(run.summary_lines())
    assert "profiles created: 4; deleted: 3; left behind: 1" in text, text


def test_the_pace_and_the_peak_rate() -> None:
    network = Network()
    run, client = guarded(network, max_rps=40.0)
    started = time.monotonic()
    for _ in range(21):
        client.get(PROFILE, headers={"adapty-customer-user-id": "a"})
    assert time.monotonic() - started >= 20 / 40
    assert run.paced.peak <= 40


def test_a_429_is_waited_out_and_counted() -> None:
    network = Network(statuses=[429, 429])
    run, client = guarded(network)
    response = client.post(PROFILE, headers={"adapty-customer-user-id": "a"}, content=b"{}")
    assert response.status_code == 200 and len(network.seen) == 3
    assert run.paced.too_many == 2 and run.budget.sent == 3


def test_the_budget_keeps_room_for_cleanup_and_then_refuses() -> None:
    network = Network()
    run, client = guarded(network, max_requests=6)
    for _ in range(3):  # each create keeps one request for its deletion
        client.post(PROFILE, headers={"adapty-customer-user-id": "a"}, content=b"{}")
    with pytest.raises(BudgetExhausted, match="CONTRACT_MAX_REQUESTS"):
        client.post(PROFILE, headers={"adapty-customer-user-id": "a"}, content=b"{}")
    run.cleanup(client, {})
    assert run.ledger.deleted == 3 and run.budget.sent == 6 and not run.ledger.left


def _live_plan(**environment: str) -> subprocess.CompletedProcess[str]:
    """``pytest contract_tests --live-plan`` in a fresh process, with these variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONTRACT_", "PYTEST_"))}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "contract_tests", "--live-plan", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_live_plan_prints_and_sends_nothing() -> None:
    # Port 9 (discard) on loopback: nothing listens; a run that sent anything would fail.
    result = _live_plan(
        CONTRACT_BASE_URL="http://127.0.0.1:9", CONTRACT_SEED="3", CONTRACT_MAX_RPS="2"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for expected in [
        "target: http://127.0.0.1:9",
        "at most 2 requests/s",
        "identities: customer user ids contract-",
        "cleanup: every profile the run creates is deleted",
        "POST, GET, PATCH, DELETE /api/v2/server-side-api/profile/",
        "parts sharing the budget",
        "CONTRACT_SEED=3",
        "nothing was sent",
    ]:
        assert expected in out, out


def test_a_bad_limit_says_which_variable_and_what_to_set() -> None:
    result = _live_plan(CONTRACT_BASE_URL="http://127.0.0.1:9", CONTRACT_MAX_RPS="fast")
    assert result.returncode != 0
    assert "CONTRACT_MAX_RPS='fast'" in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_purchase_operations_and_the_clock_are_never_sent_live() -> None:
    """Grant, revoke and set transaction change a real account's entitlements and revenue, and
    deleting the run's profiles undoes none of it: the guard refuses them, with the run's own
    identity too; the clock and the catalogue are inspection writes, refused as well."""
    network = Network()
    run, client = guarded(network)
    own = {"adapty-customer-user-id": run.ids.customer_user_id()}
    for path in (
        "/api/v2/server-side-api/purchase/profile/grant/access-level/",
        "/api/v2/server-side-api/purchase/profile/revoke/access-level/",
        "/api/v2/server-side-api/purchase/set/transaction/",
    ):
        with pytest.raises(LiveSafetyError, match="purchase operations"):
            client.post(path, headers=own, json={"access_level_id": "premium"})
    for method, path in [("PUT", "/_recorded/clock"), ("PUT", "/_recorded/catalogue")]:
        with pytest.raises(LiveSafetyError):
            client.request(method, path, json={})
    assert network.seen == []
