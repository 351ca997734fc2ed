"""Faults on demand (``/_recorded/faults``): every field, every bad input, the order and count
of uses under concurrency, and "a faulted request stores nothing", in-process and over HTTP."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from typing import Any

import httpx
import pytest

from recorded_server.emulator.faults import Fault, FaultStore
from recorded_server.serving.dropping import ConnectionDropped

from .conftest import Target
from .helpers import AUTH, JSON, NOT_FOUND, PATH, assert_error, assert_request_id, bad, who

pytestmark = [pytest.mark.anyio, pytest.mark.socket]

FAULTS = "/_recorded/faults"
USER = "fault-user"


async def add(api: Target, **fault: Any) -> dict[str, Any]:
    response = await api.client.post(FAULTS, headers=AUTH, json=fault)
    assert response.status_code == 201, response.text
    assert_request_id(response)
    added: dict[str, Any] = response.json()
    return added


async def listed(api: Target) -> list[dict[str, Any]]:
    response = await api.client.get(FAULTS, headers=AUTH)
    assert response.status_code == 200, response.text
    faults: list[dict[str, Any]] = response.json()["faults"]
    return faults


def injected(status: int, code: str, fault_id: int) -> dict[str, Any]:
    message = (
        f"Fault {fault_id} injected by the recorded server (POST /_recorded/faults);"
        " this request changed nothing."
    )
    return {
        "errors": [{"source": "non_field_errors", "errors": [message]}],
        "error_code": code,
        "status_code": status,
    }


# --- registering ------------------------------------------------------------------------------


async def test_a_fault_is_answered_201_with_its_id_and_defaults(api: Target) -> None:
    fault = await add(api, method="GET", status=503)
    assert fault == {
        "id": fault["id"],
        "method": "GET",
        "path": PATH,
        "status": 503,
        "times": 1,
        "remaining": 1,
        "retry_after": None,
        "delay_ms": None,
        "disconnect": False,
    }
    assert isinstance(fault["id"], int)
    assert await listed(api) == [fault]


async def test_the_fault_api_needs_the_key(api: Target) -> None:
    response = await api.client.post(FAULTS, json={"method": "GET", "status": 503})
    assert response.status_code == 401
    response = await api.client.get(FAULTS)
    assert response.status_code == 401
    assert await listed(api) == []


BAD_FAULTS: list[tuple[Any, str | None, str]] = [
    ([], "non_field_errors", "Invalid data. Expected a JSON object describing one fault."),
    ("GET", "non_field_errors", "Invalid data. Expected a JSON object describing one fault."),
    (None, "non_field_errors", "Invalid data. Expected a JSON object describing one fault."),
    (
        {"method": "GET", "status": 503, "retries": 2},
        "retries",
        "Unknown field; a fault has method, path, status, times, retry_after, delay_ms,"
        " disconnect.",
    ),
    (
        {"status": 503},
        "method",
        "This field is required. Send one of GET, POST, PATCH, DELETE, or null.",
    ),
    *(
        ({"method": method, "status": 503}, "method", BAD_METHOD)
        for method, BAD_METHOD in [
            ("get", "Must be one of GET, POST, PATCH, DELETE, or null for any."),
            ("PUT", "Must be one of GET, POST, PATCH, DELETE, or null for any."),
            (1, "Must be one of GET, POST, PATCH, DELETE, or null for any."),
            (["GET"], "Must be one of GET, POST, PATCH, DELETE, or null for any."),
        ]
    ),
    *(
        ({"method": "GET", "status": status}, "status", message)
        for status, message in [
            (200, "Must be an error status, 400 to 599."),
            (399, "Must be an error status, 400 to 599."),
            (600, "Must be an error status, 400 to 599."),
            (-503, "Must be an error status, 400 to 599."),
            ("503", "A valid integer is required."),
            (503.5, "A valid integer is required."),
            (True, "A valid integer is required."),
        ]
    ),
    *(
        ({"method": "GET", "status": 503, "times": times}, "times", message)
        for times, message in [
            (0, "Must be between 1 and 1000000."),
            (-1, "Must be between 1 and 1000000."),
            (1_000_001, "Must be between 1 and 1000000."),
            ("2", "A valid integer is required."),
            (2.0, "A valid integer is required."),
            (None, "This field may not be null."),
            (True, "A valid integer is required."),
        ]
    ),
    *(
        ({"method": "GET", "status": 429, "retry_after": value}, "retry_after", message)
        for value, message in [
            (-1, "Must be between 0 and 86400."),
            (86_401, "Must be between 0 and 86400."),
            ("3", "A valid integer is required."),
            (1.5, "A valid integer is required."),
        ]
    ),
    (
        {"method": "GET", "delay_ms": 100, "retry_after": 3},
        "retry_after",
        "Needs a status: Retry-After is sent with an error answer.",
    ),
    *(
        ({"method": "GET", "delay_ms": value}, "delay_ms", message)
        for value, message in [
            (0, "Must be between 1 and 120000."),
            (-5, "Must be between 1 and 120000."),
            (120_001, "Must be between 1 and 120000."),
            ("100", "A valid integer is required."),
            (False, "A valid integer is required."),
        ]
    ),
    *(
        ({"method": "GET", "disconnect": value}, "disconnect", "Must be a valid boolean.")
        for value in ["yes", 1, None, "true"]
    ),
    (
        {"method": "GET", "disconnect": True, "status": 503},
        "disconnect",
        "Cannot be combined with a status: a dropped connection has no answer.",
    ),
    (
        {"method": "GET"},
        "non_field_errors",
        "A fault needs a status (400 to 599), a delay_ms, or disconnect: true.",
    ),
    (
        {"method": "GET", "disconnect": False, "times": 3},
        "non_field_errors",
        "A fault needs a status (400 to 599), a delay_ms, or disconnect: true.",
    ),
    *(
        ({"method": "GET", "status": 503, "path": path}, "path", message)
        for path, message in [
            (None, "This field may not be null."),
            (7, "Not a valid string."),
        ]
    ),
]


@pytest.mark.parametrize(
    ("document", "source", "message"),
    BAD_FAULTS,
    ids=[f"{source}-{index}" for index, (_, source, _) in enumerate(BAD_FAULTS)],
)
async def test_a_bad_fault_is_400_and_registers_nothing(
    api: Target, document: Any, source: str, message: str
) -> None:
    body = json.dumps(document).encode()  # json=None would send no body at all
    response = await api.client.post(FAULTS, headers={**AUTH, **JSON}, content=body)
    assert_error(response, bad((source, [message])))
    assert await listed(api) == []


@pytest.mark.parametrize(
    "path", ["/_recorded/faults", "/_recorded/profiles", "/api/v2/server-side-api/profile", "/x/"]
)
async def test_a_path_the_server_does_not_serve_is_400(api: Target, path: str) -> None:
    response = await api.client.post(
        FAULTS, headers=AUTH, json={"method": "GET", "status": 503, "path": path}
    )
    assert response.status_code == 400
    (item,) = response.json()["errors"]
    assert item["source"] == "path"
    (message,) = item["errors"]
    assert message.startswith("Not a path this server serves; one of: ")
    assert PATH in message and "/_recorded" not in message  # the paths it does serve
    assert await listed(api) == []


async def test_every_bad_field_is_named_at_once(api: Target) -> None:
    response = await api.client.post(
        FAULTS, headers=AUTH, json={"method": "put", "status": 302, "times": 0, "x": 1}
    )
    assert response.status_code == 400
    sources = [item["source"] for item in response.json()["errors"]]
    assert sources == ["x", "method", "status", "times"]
    assert await listed(api) == []


@pytest.mark.parametrize(
    ("body", "headers", "status", "code"),
    [
        (b'{"method": "GET", "status": 503', JSON, 400, "parse_error"),
        (b"", JSON, 400, "parse_error"),
        (b'{"method": "GET", "status": NaN}', JSON, 400, "parse_error"),
        (b'{"method": "GET", "status": 503}', {"Content-Type": "text/plain"}, 415, None),
    ],
    ids=["truncated", "empty", "nan", "not-json-media-type"],
)
async def test_malformed_bodies_register_nothing(
    api: Target, body: bytes, headers: dict[str, str], status: int, code: str | None
) -> None:
    response = await api.client.post(FAULTS, headers={**AUTH, **headers}, content=body)
    assert response.status_code == status, response.text
    if code is not None:
        assert response.json()["error_code"] == code
    assert_request_id(response)
    assert await listed(api) == []


async def test_null_means_none_for_status_retry_after_and_delay(api: Target) -> None:
    fault = await add(
        api, method=None, status=None, retry_after=None, delay_ms=50, disconnect=False
    )
    assert (fault["method"], fault["status"], fault["retry_after"]) == (None, None, None)
    assert fault["delay_ms"] == 50


# --- each field -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, "bad_request"),
        (401, "not_authenticated"),
        (404, "not_found"),
        (429, "too_many_requests"),
        (500, "server_error"),
        (502, "bad_gateway"),
        (503, "service_unavailable"),
        (504, "gateway_timeout"),
        (599, "error"),
    ],
)
async def test_status_is_answered_in_the_envelope(api: Target, status: int, code: str) -> None:
    fault = await add(api, method="GET", status=status)
    response = await api.client.get(PATH, headers=who(USER))
    assert_error(response, injected(status, code, fault["id"]))
    assert "retry-after" not in response.headers
    # used up: the next GET is the normal answer (404: no such profile)
    assert_error(await api.client.get(PATH, headers=who(USER)), NOT_FOUND)


async def test_retry_after_is_sent_with_the_status(api: Target) -> None:
    await add(api, method="GET", status=429, retry_after=7)
    response = await api.client.get(PATH, headers=who(USER))
    assert response.status_code == 429
    assert response.json()["error_code"] == "too_many_requests"
    assert response.headers["retry-after"] == "7"


async def test_method_matches_only_that_method(api: Target) -> None:
    await add(api, method="PATCH", status=503)
    created = await api.client.post(PATH, headers=who(USER), json={})
    assert created.status_code == 200
    assert (await api.client.get(PATH, headers=who(USER))).status_code == 200
    patched = await api.client.patch(PATH, headers=who(USER), json={"email": "a@b.co"})
    assert patched.status_code == 503
    assert (await listed(api))[0]["remaining"] == 0


async def test_method_null_matches_any_method(api: Target) -> None:
    await add(api, method=None, status=500, times=4)
    answers = [
        await api.client.post(PATH, headers=who(USER), json={}),
        await api.client.get(PATH, headers=who(USER)),
        await api.client.patch(PATH, headers=who(USER), json={}),
        await api.client.delete(PATH, headers=who(USER)),
    ]
    assert [answer.status_code for answer in answers] == [500, 500, 500, 500]
    assert await api.profiles() == []


async def test_an_explicit_path_is_the_profile_path(api: Target) -> None:
    fault = await add(api, method="GET", status=502, path=PATH)
    assert fault["path"] == PATH
    assert (await api.client.get(PATH, headers=who(USER))).status_code == 502


async def test_times_counts_down_and_then_the_fault_is_used_up(api: Target) -> None:
    fault = await add(api, method="GET", status=503, times=3)
    for left in (2, 1, 0):
        assert (await api.client.get(PATH, headers=who(USER))).status_code == 503
        assert [f["remaining"] for f in await listed(api)] == [left]
    assert (await api.client.get(PATH, headers=who(USER))).status_code == 404
    assert await listed(api) == [{**fault, "remaining": 0}]


async def test_faults_are_used_in_the_order_registered(api: Target) -> None:
    first = await add(api, method="GET", status=503, times=2)
    second = await add(api, method=None, status=429)
    statuses = [(await api.client.get(PATH, headers=who(USER))).status_code for _ in range(4)]
    assert statuses == [503, 503, 429, 404]
    assert [(f["id"], f["remaining"]) for f in await listed(api)] == [
        (first["id"], 0),
        (second["id"], 0),
    ]
    assert second["id"] > first["id"]


async def test_delay_with_a_status_waits_then_answers_the_status(api: Target) -> None:
    await add(api, method="GET", status=504, delay_ms=300)
    started = time.perf_counter()
    response = await api.client.get(PATH, headers=who(USER))
    assert time.perf_counter() - started >= 0.3
    assert response.status_code == 504


async def test_delay_alone_waits_then_gives_the_normal_answer(api: Target) -> None:
    await api.create(who(USER))
    await add(api, method="GET", delay_ms=300)
    started = time.perf_counter()
    response = await api.client.get(PATH, headers=who(USER))
    assert time.perf_counter() - started >= 0.3
    assert response.status_code == 200
    assert response.json()["data"]["customer_user_id"] == USER


async def test_a_delayed_create_still_creates(api: Target) -> None:
    await add(api, method="POST", delay_ms=100)
    response = await api.client.post(PATH, headers=who(USER), json={"email": "x@y.co"})
    assert response.status_code == 200
    assert [p["customer_user_id"] for p in await api.profiles()] == [USER]


async def test_disconnect_closes_the_connection_without_an_answer(api: Target) -> None:
    await add(api, method="GET", disconnect=True)
    if api.mode == "asgi":  # an in-process harness cannot drop: the app raises instead
        with pytest.raises(ConnectionDropped):
            await api.client.get(PATH, headers=who(USER))
    else:
        with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
            await api.client.get(PATH, headers=who(USER))
    assert (await listed(api))[0]["remaining"] == 0
    assert (await api.client.get(PATH, headers=who(USER))).status_code == 404


# --- a faulted request changes nothing --------------------------------------------------------


async def test_a_faulted_create_stores_nothing(api: Target) -> None:
    await add(api, method="POST", status=503)
    response = await api.client.post(PATH, headers=who(USER), json={"email": "a@b.co"})
    assert response.status_code == 503
    assert await api.profiles() == []
    assert (await api.client.get(PATH, headers=who(USER))).status_code == 404
    # the retry creates it (not a 409: the first try never happened)
    assert (await api.client.post(PATH, headers=who(USER), json={})).status_code == 200


async def test_a_faulted_update_and_delete_change_nothing(api: Target) -> None:
    created = await api.create(who(USER), {"email": "before@b.co"})
    profile_id = created.json()["data"]["profile_id"]
    before = await api.stored(profile_id)
    await add(api, method="PATCH", status=500)
    await add(api, method="DELETE", status=429, retry_after=1)
    patched = await api.client.patch(PATH, headers=who(USER), json={"email": "after@b.co"})
    assert patched.status_code == 500
    deleted = await api.client.delete(PATH, headers=who(USER))
    assert deleted.status_code == 429
    assert await api.stored(profile_id) == before


async def test_a_dropped_create_stores_nothing(api: Target) -> None:
    await add(api, method="POST", disconnect=True, delay_ms=50)
    with pytest.raises((httpx.RemoteProtocolError, ConnectionDropped)):
        await api.client.post(PATH, headers=who(USER), json={"email": "a@b.co"})
    assert await api.profiles() == []


async def test_authentication_comes_before_the_fault(api: Target) -> None:
    await add(api, method="GET", status=503)
    response = await api.client.get(PATH, headers={"adapty-customer-user-id": USER})
    assert response.status_code == 401
    wrong = await api.client.get(
        PATH, headers={"Authorization": "Api-Key wrong", "adapty-customer-user-id": USER}
    )
    assert wrong.status_code == 401
    assert [f["remaining"] for f in await listed(api)] == [1]


async def test_the_inspection_api_is_never_faulted(api: Target) -> None:
    await add(api, method=None, status=503, times=5)
    assert (await api.client.get("/_recorded/profiles", headers=AUTH)).status_code == 200
    assert (await api.client.get(FAULTS, headers=AUTH)).status_code == 200
    assert [f["remaining"] for f in await listed(api)] == [5]


# --- listing and clearing ---------------------------------------------------------------------


async def test_delete_clears_every_fault(api: Target) -> None:
    await add(api, method="GET", status=503)
    await add(api, method="POST", status=503)
    response = await api.client.delete(FAULTS, headers=AUTH)
    assert response.status_code == 204
    assert await listed(api) == []
    assert (await api.client.get(PATH, headers=who(USER))).status_code == 404


async def test_delete_one_fault_by_id(api: Target) -> None:
    first = await add(api, method="GET", status=503)
    second = await add(api, method="GET", status=429)
    assert (await api.client.delete(f"{FAULTS}/{first['id']}", headers=AUTH)).status_code == 204
    assert [f["id"] for f in await listed(api)] == [second["id"]]
    for missing in (first["id"], "abc", "99999999999999999999999", "-1"):
        response = await api.client.delete(f"{FAULTS}/{missing}", headers=AUTH)
        assert_error(response, NOT_FOUND)


async def test_the_store_reset_clears_the_faults(api: Target) -> None:
    await add(api, method="GET", status=503)
    assert (await api.client.delete("/_recorded/profiles", headers=AUTH)).status_code == 204
    assert await listed(api) == []


# --- concurrency ------------------------------------------------------------------------------


async def test_concurrent_requests_never_share_the_last_use(api: Target) -> None:
    """Rounds of 12 concurrent GETs against a fault of 5 uses: exactly 5 are faulted."""
    for _ in range(5):
        await add(api, method="GET", status=503, times=5)
        answers = await asyncio.gather(
            *(api.client.get(PATH, headers=who(USER)) for _ in range(12))
        )
        statuses = sorted(answer.status_code for answer in answers)
        assert statuses == [404] * 7 + [503] * 5
        assert (await listed(api))[-1]["remaining"] == 0


def test_the_store_hands_out_each_use_once_across_threads() -> None:
    import threading

    store = FaultStore()
    store.add(Fault(0, "GET", PATH, 503, 1000, None, None, False, 1000))
    taken: list[int] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        count = 0
        while store.take("GET", PATH) is not None:
            count += 1
        taken.append(count)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(taken) == 1000
    assert store.all()[0].remaining == 0


# --- over a raw socket: no bytes at all -------------------------------------------------------


def test_a_dropped_connection_sends_no_bytes(shared_server: Any) -> None:
    httpx.delete(f"{shared_server.url}{FAULTS}", headers=AUTH).raise_for_status()
    response = httpx.post(
        f"{shared_server.url}{FAULTS}", headers=AUTH, json={"method": "GET", "disconnect": True}
    )
    assert response.status_code == 201
    host, port = shared_server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            f"GET {PATH} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {AUTH['Authorization']}\r\n"
            f"adapty-customer-user-id: {USER}\r\n\r\n".encode()
        )
        received = b""
        while chunk := sock.recv(4096):
            received += chunk
    assert received == b""
    assert "Exception in ASGI application" not in shared_server.log()
    assert "returned without" not in shared_server.log()


def test_a_held_back_answer_has_done_its_work(shared_server: Any) -> None:
    """A delay-only fault runs the request at once: a client that gives up still created."""
    httpx.delete(f"{shared_server.url}/_recorded/profiles", headers=AUTH).raise_for_status()
    response = httpx.post(
        f"{shared_server.url}{FAULTS}", headers=AUTH, json={"method": "POST", "delay_ms": 1500}
    )
    assert response.status_code == 201
    started = time.perf_counter()
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(f"{shared_server.url}{PATH}", headers=who(USER), json={}, timeout=0.2)
    listed = httpx.get(f"{shared_server.url}/_recorded/profiles", headers=AUTH).json()
    assert time.perf_counter() - started < 1.5  # looked before the answer was due
    assert [p["customer_user_id"] for p in listed["profiles"]] == [USER]
    again = httpx.post(f"{shared_server.url}{PATH}", headers=who(USER), json={})
    assert again.status_code == 409  # why a create is not retried blindly
