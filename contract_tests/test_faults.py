"""Faults on demand (``/_recorded/faults``): the two promises a service's retry tests rely on.

- A request answered by a fault changes nothing: a faulted create stores no profile, a faulted
  update leaves the stored one as it was (so a retry is a first try, never a 409).
- A fault answers exactly ``times`` requests, in the envelope with its status and
  ``Retry-After``; the next request gets the normal answer.

Skipped on a target without the fault API (Adapty's own, a replay). Every test starts and ends
with no faults registered: a fault must never reach another test's requests.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from contract_tests.summary import SUMMARY
from contract_tests.targets import Sent, Target, fresh_identity
from contract_tests.verdicts import check_envelope, check_request_id

FAULTS = "/_recorded/faults"


@pytest.fixture
def faults(target: Target) -> Iterator[Target]:
    """The target, with the fault API checked and its faults cleared before and after."""
    target.require_inspection()
    if target.live is not None:
        pytest.skip("live mode: faults would answer every client of the server, not only this run")
    cleared = target.client.delete(FAULTS, headers=target.auth_headers())
    if cleared.status_code != 204:
        pytest.skip(f"{target.shown_url}{FAULTS} answered {cleared.status_code}: no fault API")
    yield target
    target.client.delete(FAULTS, headers=target.auth_headers())


def add_fault(target: Target, **fault: Any) -> dict[str, Any]:
    SUMMARY.request("POST /_recorded/faults (inspection)")
    response = target.client.post(
        FAULTS,
        headers={**target.auth_headers(), "Content-Type": "application/json"},
        content=json.dumps(fault).encode(),
    )
    assert response.status_code == 201, response.text
    added: dict[str, Any] = response.json()
    return added


def expect_fault(sent: Sent, status: int, error_code: str, check: str) -> None:
    operation = f"{sent.method} profile"
    check_request_id(operation, sent)
    with SUMMARY.checking(operation, check, sent.curl):
        assert sent.status == status, f"expected the fault's {status}: {sent.describe()}"
    envelope = check_envelope(operation, sent)
    with SUMMARY.checking(operation, check, sent.curl):
        assert envelope["error_code"] == error_code, sent.describe()


def test_a_faulted_create_stores_nothing(faults: Target) -> None:
    identity = fresh_identity()
    add_fault(faults, method="POST", status=503)
    sent = faults.send("POST", identity=identity, body=b'{"email": "fault@example.com"}')
    expect_fault(sent, 503, "service_unavailable", "faults: a faulted create stores nothing")
    looked = faults.send("GET", identity=identity)
    with SUMMARY.checking("POST profile", "faults: a faulted create stores nothing", sent.curl):
        assert looked.status == 404, f"the faulted create was stored: {looked.describe()}"
    retried = faults.send("POST", identity=identity, body=b"{}")
    with SUMMARY.checking("POST profile", "faults: the retry is a first try", retried.curl):
        assert retried.status == 200, f"the retry of a faulted create: {retried.describe()}"


def test_a_faulted_update_changes_nothing(faults: Target) -> None:
    identity = fresh_identity()
    created = faults.send("POST", identity=identity, body=b'{"email": "before@example.com"}')
    assert created.status == 200, created.describe()
    profile_id = created.json()["data"]["profile_id"]
    before = faults.stored(profile_id)
    add_fault(faults, method="PATCH", status=500)
    sent = faults.send("PATCH", identity=identity, body=b'{"email": "after@example.com"}')
    expect_fault(sent, 500, "server_error", "faults: a faulted update changes nothing")
    with SUMMARY.checking("PATCH profile", "faults: a faulted update changes nothing", sent.curl):
        assert faults.stored(profile_id) == before, "the faulted update was stored"


@pytest.mark.parametrize("times", [1, 3])
def test_a_fault_answers_exactly_times_requests(faults: Target, times: int) -> None:
    identity = fresh_identity()
    fault = add_fault(faults, method="GET", status=429, retry_after=2, times=times)
    for _ in range(times):
        sent = faults.send("GET", identity=identity)
        expect_fault(sent, 429, "too_many_requests", "faults: exactly `times` uses")
        with SUMMARY.checking("GET profile", "faults: Retry-After", sent.curl):
            assert sent.response.headers.get("Retry-After") == "2", sent.describe()
    after = faults.send("GET", identity=identity)
    with SUMMARY.checking("GET profile", "faults: exactly `times` uses", after.curl):
        assert after.status == 404, f"a fault of {times} use(s) answered more: {after.describe()}"
    listed = faults.client.get(FAULTS, headers=faults.auth_headers()).json()["faults"]
    with SUMMARY.checking("GET profile", "faults: exactly `times` uses", after.curl):
        assert [(f["id"], f["remaining"]) for f in listed] == [(fault["id"], 0)], listed
