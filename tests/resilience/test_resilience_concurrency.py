"""Concurrent writes to one profile: no duplicate rows, no overshoot of the 30 attributes, no
lost update. Each test releases its requests together from a barrier, over real sockets."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from _resilience_env import AUTH
from _resilience_env import PROFILE_PATH as PROFILE

from recorded_server.testing.process import ServerProcess

pytestmark = pytest.mark.socket

TIMEOUT = 30.0


def _together(
    server: ServerProcess, calls: list[Callable[[httpx.Client], httpx.Response]]
) -> list[httpx.Response]:
    """Run each call on its own connection, all released at once from a barrier."""
    barrier = threading.Barrier(len(calls), timeout=TIMEOUT)

    def run(call: Callable[[httpx.Client], httpx.Response]) -> httpx.Response:
        with httpx.Client(base_url=server.url, headers=AUTH, timeout=TIMEOUT) as client:
            client.get("/_recorded/health")  # open the connection before the barrier
            barrier.wait()
            return call(client)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def _stored(server: ServerProcess) -> list[dict[str, Any]]:
    response = httpx.get(f"{server.url}/_recorded/profiles", headers=AUTH, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    profiles: list[dict[str, Any]] = response.json()["profiles"]
    return profiles


def _statuses(responses: list[httpx.Response]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for response in responses:
        counts[response.status_code] = counts.get(response.status_code, 0) + 1
    return counts


@pytest.mark.parametrize("identity", ["adapty-customer-user-id", "adapty-profile-id"])
def test_64_concurrent_creates_of_one_id_make_one_profile(
    server: ServerProcess, identity: str
) -> None:
    value = f"race-{uuid.uuid4()}" if identity == "adapty-customer-user-id" else str(uuid.uuid4())
    body = {"first_name": "Racer", "custom_attributes": [{"key": "lane", "value": 1}]}

    def create(client: httpx.Client) -> httpx.Response:
        return client.post(PROFILE, headers={identity: value}, json=body)

    responses = _together(server, [create] * 64)

    assert _statuses(responses) == {200: 1, 409: 63}, [r.text for r in responses[:3]]
    for response in responses:
        if response.status_code == 409:
            assert response.json()["error_code"] == "profile_already_exists"
            assert response.json()["status_code"] == 409
    key = "customer_user_id" if identity == "adapty-customer-user-id" else "profile_id"
    rows = [p for p in _stored(server) if p[key] == value]
    assert len(rows) == 1, rows
    winner = next(r for r in responses if r.status_code == 200).json()["data"]
    assert winner["profile_id"] == rows[0]["profile_id"]
    assert rows[0]["custom_attributes"] == [{"key": "lane", "value": 1.0}]


def _create(server: ServerProcess, cuid: str, attributes: list[dict[str, Any]] | None) -> None:
    body: dict[str, Any] = {"custom_attributes": attributes} if attributes else {}
    response = httpx.post(
        server.url + PROFILE,
        headers={**AUTH, "adapty-customer-user-id": cuid},
        json=body,
        timeout=TIMEOUT,
    )
    assert response.status_code == 200, response.text


def _attributes(server: ServerProcess, cuid: str) -> dict[str, Any]:
    [row] = [p for p in _stored(server) if p["customer_user_id"] == cuid]
    attributes: list[dict[str, Any]] = row["custom_attributes"]
    assert len(attributes) <= 30
    return {a["key"]: a["value"] for a in attributes}


def _patch(cuid: str, attributes: list[dict[str, Any]]) -> Callable[[httpx.Client], httpx.Response]:
    def call(client: httpx.Client) -> httpx.Response:
        return client.patch(
            PROFILE,
            headers={"adapty-customer-user-id": cuid},
            json={"custom_attributes": attributes},
        )

    return call


def test_concurrent_new_keys_stop_at_30_and_every_accepted_key_is_stored(
    server: ServerProcess,
) -> None:
    cuid = f"patch-race-{uuid.uuid4()}"
    _create(server, cuid, None)
    keys = [f"k{i:02d}" for i in range(48)]

    responses = _together(server, [_patch(cuid, [{"key": k, "value": f"v-{k}"}]) for k in keys])

    accepted = {k for k, r in zip(keys, responses, strict=True) if r.status_code == 200}
    refused = {k for k, r in zip(keys, responses, strict=True) if r.status_code == 400}
    assert len(accepted) + len(refused) == len(keys), _statuses(responses)
    # Serialised, each accepted PATCH adds one key: exactly 30 fit, the others are refused.
    assert len(accepted) == 30, _statuses(responses)
    for response in responses:
        if response.status_code == 200:
            assert len(response.json()["data"]["custom_attributes"]) <= 30
        else:
            assert response.json()["status_code"] == 400
    assert _attributes(server, cuid) == {k: f"v-{k}" for k in accepted}


def test_concurrent_updates_of_different_keys_lose_none(server: ServerProcess) -> None:
    cuid = f"patch-lost-{uuid.uuid4()}"
    start = {f"a{i:02d}": f"old-{i}" for i in range(20)}
    _create(server, cuid, [{"key": k, "value": v} for k, v in start.items()])
    # 20 writers, each on its own key: 10 update a key, 5 delete one, 5 add a new key.
    plan: list[tuple[str, str | None]] = []
    plan += [(f"a{i:02d}", f"new-{i}") for i in range(10)]
    plan += [(f"a{i:02d}", None) for i in range(10, 15)]
    plan += [(f"b{i:02d}", f"added-{i}") for i in range(5)]

    responses = _together(server, [_patch(cuid, [{"key": k, "value": v}]) for k, v in plan])

    assert _statuses(responses) == {200: len(plan)}, [r.text for r in responses[:3]]
    expected = dict(start)
    for key, value in plan:
        if value is None:
            expected.pop(key)
        else:
            expected[key] = value
    assert _attributes(server, cuid) == expected


def test_concurrent_adds_and_deletes_never_exceed_30(server: ServerProcess) -> None:
    cuid = f"patch-mix-{uuid.uuid4()}"
    full = {f"f{i:02d}": i for i in range(30)}
    _create(server, cuid, [{"key": k, "value": v} for k, v in full.items()])
    deletes = [(f"f{i:02d}", None) for i in range(10)]
    adds = [(f"n{i:02d}", "new") for i in range(20)]
    plan = [item for pair in zip(deletes * 2, adds, strict=True) for item in pair]

    responses = _together(server, [_patch(cuid, [{"key": k, "value": v}]) for k, v in plan])

    assert set(_statuses(responses)) <= {200, 400}, _statuses(responses)
    # Deletes always succeed (each key twice: the second is a no-op); adds succeed only while
    # a slot is free, so at most 10 of them can.
    for (key, value), response in zip(plan, responses, strict=True):
        if value is None:
            assert response.status_code == 200, (key, response.text)
        for_response = response.json()
        if response.status_code == 200:
            assert len(for_response["data"]["custom_attributes"]) <= 30
    added = {k for (k, v), r in zip(plan, responses, strict=True) if v and r.status_code == 200}
    assert len(added) <= 10
    expected: dict[str, float | str] = {k: float(v) for k, v in full.items() if int(k[1:]) >= 10}
    expected.update({k: "new" for k in added})
    assert _attributes(server, cuid) == expected
