"""10,000 malformed requests, sent concurrently over a few keep-alive connections: never a 5xx,
always the error envelope (status_code equal to the HTTP status, a Request-Id), the server still
answers a valid request afterwards, and its memory stays bounded.

Memory bound: nothing here is ever stored, and each of the CONNECTIONS (4) connections holds
at most one request at a time: a body of at most ``max_body`` (64 KiB), a header block of a few
hundred KiB at most, plus what parsing them allocates (a 64 KiB body of nested arrays is a few
MiB of Python objects, freed at once), so ~4 x 3 MiB live at the worst. Once the allocator has
seen the worst requests (the warm-up sends a hundred of each kind), the RSS must stop growing:
it may grow by at most ``GROWTH_BOUND_KIB`` (16 MiB) from the end of the warm-up to the end of
the run, and by at most ``LEAK_BOUND_KIB`` (4 MiB) over the second half. A leak of 1 KiB per
request would add ~5 MiB over the second half; a body buffered past the limit would add the
oversized bodies (up to 128 KiB each, hundreds of them). Measured here: under 1 MiB.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from _malformed import Malformed, malformed_requests
from _raw_http import RawConnection, RawResponse, envelope_problems, rss_kib
from _resilience_env import API_KEY, AUTH, PROFILE_PATH

from recorded_server.testing.process import ServerProcess

pytestmark = pytest.mark.socket

COUNT = 10_000
CONNECTIONS = 4
SEED = 6
GROWTH_BOUND_KIB = 16 * 1024
LEAK_BOUND_KIB = 4 * 1024
WARMUP = 1_200  # one hundred of each kind


def _send_all(server: ServerProcess, requests: list[Malformed]) -> list[tuple[str, RawResponse]]:
    """Send the requests over CONNECTIONS connections (request i on connection i % N)."""
    shards = [requests[i::CONNECTIONS] for i in range(CONNECTIONS)]

    def run(shard: list[Malformed]) -> list[tuple[str, RawResponse]]:
        out = []
        assert server.port is not None
        with RawConnection("127.0.0.1", server.port) as conn:
            for item in shard:
                out.append((item.category, conn.exchange(item.request)))
        return out

    with ThreadPoolExecutor(max_workers=CONNECTIONS) as pool:
        return [pair for shard in pool.map(run, shards) for pair in shard]


def _check(answers: list[tuple[str, RawResponse]]) -> list[str]:
    failures = []
    for category, response in answers:
        for problem in envelope_problems(response):
            failures.append(f"{category}: {problem}")
    return failures


def _summary(answers: list[tuple[str, RawResponse]]) -> str:
    counts = Counter((category, response.status) for category, response in answers)
    return ", ".join(f"{c} {s}: {n}" for (c, s), n in sorted(counts.items()))


def test_10000_malformed_requests_never_5xx_and_memory_stays_bounded(
    server: ServerProcess,
) -> None:
    requests = malformed_requests(COUNT, SEED, API_KEY)
    assert server.process is not None
    pid = server.process.pid
    started = time.monotonic()

    warm = _send_all(server, requests[:WARMUP])
    rss_start = rss_kib(pid)
    first = _send_all(server, requests[WARMUP : COUNT // 2])
    rss_middle = rss_kib(pid)
    second = _send_all(server, requests[COUNT // 2 :])
    rss_end = rss_kib(pid)
    elapsed = time.monotonic() - started

    answers = warm + first + second
    assert len(answers) == COUNT
    failures = _check(answers)
    assert not failures, f"{len(failures)} bad answers, e.g. {failures[:5]}; {_summary(answers)}"
    assert not any(response.status >= 500 for _, response in answers)

    # Still serving: a valid create and read on a fresh connection.
    with httpx.Client(base_url=server.url, headers=AUTH, timeout=10) as client:
        created = client.post(
            PROFILE_PATH, headers={"adapty-customer-user-id": "after-malformed"}, json={}
        )
        assert created.status_code == 200, created.text
        read = client.get(PROFILE_PATH, headers={"adapty-customer-user-id": "after-malformed"})
        assert read.status_code == 200
        # Nothing of the 10,000 was stored (their identities all start with "malformed-").
        stored = client.get("/_recorded/profiles").json()["profiles"]
        ids = [p["customer_user_id"] or "" for p in stored]
        assert "after-malformed" in ids
        assert not [i for i in ids if i.startswith("malformed-")]

    memory = f"RSS {rss_start} -> {rss_middle} -> {rss_end} KiB in {elapsed:.1f} s"
    assert rss_end - rss_start <= GROWTH_BOUND_KIB, memory
    assert rss_end - rss_middle <= LEAK_BOUND_KIB, memory
    print(memory, json.dumps(Counter(c for c, _ in answers)))


LONE_SURROGATES = [
    b'{"first_name": "\\ud800"}',
    b'{"last_name": "a\\udfffb"}',
    b'{"custom_attributes": [{"key": "k", "value": "\\ud83d"}]}',
    b'{"custom_attributes": [{"key": "\\udc00", "value": "v"}]}',
    b'{"installation_meta": {"device_id": "\\ud800", "locale": "\\udbff"}}',
]


@pytest.mark.parametrize("body", LONE_SURROGATES, ids=range(len(LONE_SURROGATES)))
def test_lone_surrogates_are_refused_or_stored_never_5xx(
    server: ServerProcess, body: bytes
) -> None:
    """JSON may escape a lone surrogate (valid JSON, not valid Unicode): never a 5xx, and
    whatever is accepted can be read back, from the response, GET and the inspection API."""
    cuid = f"surrogate-{LONE_SURROGATES.index(body)}"
    with httpx.Client(base_url=server.url, headers=AUTH, timeout=10) as client:
        for method in ("POST", "PATCH"):
            response = client.request(
                method,
                PROFILE_PATH,
                headers={"adapty-customer-user-id": cuid, "Content-Type": "application/json"},
                content=body,
            )
            assert response.status_code in (200, 400), response.text
            response.json()
        read = client.get(PROFILE_PATH, headers={"adapty-customer-user-id": cuid})
        assert read.status_code in (200, 404), read.text
        read.json()
        listed = client.get("/_recorded/profiles")
        assert listed.status_code == 200, listed.text
