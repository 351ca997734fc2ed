"""The client part of the benchmark: the generated client against raw httpx + json.

Both sides make the same call on the same in-memory transport (``httpx.MockTransport``, whose
handler answers a precomputed full profile): build the request (the seed's example create body),
send it, and parse the answer. The raw side parses with ``json.loads`` and reads one field; the
generated client builds its typed models (30 custom attributes, access levels, subscriptions,
non-subscriptions, and their date-times). Batches of each alternate, and the medians are
compared, so drift on a shared machine hits both sides alike. The client reads bodies with
orjson (``types.parse_json``), so a second line compares it with raw httpx + ``orjson.loads``:
what the typed models alone cost.
"""

from __future__ import annotations

import copy
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

import httpx
import orjson
from _bench_report import Row, fmt_ratio, fmt_us, progress, verdict
from _bench_server import CREATE_BODY, PROFILE_PATH
from adapty_profile_client import AuthenticatedClient
from adapty_profile_client.api.profile import create_profile
from adapty_profile_client.models import ProfileCreateRequest

from recorded_server.emulator import seed_fixture_text

BASE_URL = "https://api.adapty.io"
API_KEY = "bench-client-key"
CLIENT_MAX_RATIO = 1.3

# the seed's example profile, as the kit ships it for its fixtures: one of each purchase kind
_SEED: dict[str, Any] = json.loads(seed_fixture_text())["profiles"][0]
_ACCESS_LEVEL: dict[str, Any] = _SEED["access_levels"][0]
_SUBSCRIPTION: dict[str, Any] = _SEED["subscriptions"][0]
_NON_SUBSCRIPTION: dict[str, Any] = _SEED["non_subscriptions"][0]


def full_profile() -> dict[str, Any]:
    """The seed's example response, grown to 30 attributes and three of each purchase list
    (issue 17's "full profile").

    The other entries use Adapty's reference date-time form (``+00:00``) so both forms parse.
    """

    def three(item: dict[str, Any], id_field: str) -> list[dict[str, Any]]:
        return [item, other(item, id_field, 2), other(item, id_field, 3)]

    def other(item: dict[str, Any], id_field: str, n: int) -> dict[str, Any]:
        copied = copy.deepcopy(item)
        for key, value in copied.items():
            if key.endswith("_at") and isinstance(value, str):
                copied[key] = f"2024-12-2{n}T10:50:23+00:00"
        copied[id_field] = f"{copied[id_field]}-{n}" if id_field in copied else f"x{n}"
        return copied

    attributes = [
        {"key": f"attr_{i:02d}", "value": f"value number {i}" if i % 2 else float(i) * 1.5}
        for i in range(30)
    ]
    return {
        "data": {
            "app_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "profile_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "customer_user_id": "8612ED7C-3477-466D-93AE-1854B8E5FDD5",
            "total_revenue_usd": 109.88999999999999,
            "segment_hash": "string",
            "timestamp": 1700000000000,
            "custom_attributes": attributes,
            "access_levels": three(_ACCESS_LEVEL, "access_level_id"),
            "subscriptions": three(_SUBSCRIPTION, "store_transaction_id"),
            "non_subscriptions": three(_NON_SUBSCRIPTION, "store_transaction_id"),
        }
    }


FULL_RESPONSE = json.dumps(full_profile()).encode()


def _transport() -> httpx.MockTransport:
    headers = {"Content-Type": "application/json", "Request-Id": "0" * 32}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=FULL_RESPONSE, headers=headers)

    return httpx.MockTransport(handler)


def raw_caller(
    loads: Callable[[bytes], Any] = json.loads,
) -> tuple[Callable[[], object], Callable[[], None]]:
    """One raw call: httpx.Client.post(json=...) then ``loads`` (``json.loads``), as a hand-written
    caller would."""
    client = httpx.Client(
        base_url=BASE_URL,
        transport=_transport(),
        headers={"Authorization": f"Api-Key {API_KEY}"},
    )

    def call() -> object:
        body = dict(CREATE_BODY)
        response = client.post(
            PROFILE_PATH, json=body, headers={"adapty-customer-user-id": "bench-user"}
        )
        if response.status_code != 200:
            raise RuntimeError(response.status_code)
        data: dict[str, Any] = loads(response.content)["data"]
        return data["profile_id"]

    return call, client.close


def client_caller() -> tuple[Callable[[], object], Callable[[], None]]:
    """One generated-client call: model from the same dict, create_profile, typed answer."""
    client = AuthenticatedClient(
        base_url=BASE_URL,
        token=API_KEY,
        prefix="Api-Key",
        httpx_args={"transport": _transport()},
    )

    def call() -> object:
        body = ProfileCreateRequest.from_dict(CREATE_BODY)
        response = create_profile.sync_detailed(
            client=client, body=body, adapty_customer_user_id="bench-user"
        )
        if response.status_code != 200 or response.parsed is None:
            raise RuntimeError(response.status_code)
        return response.parsed

    return call, lambda: client.get_httpx_client().close()


def _batch(call: Callable[[], object], calls: int) -> float:
    """Seconds per call over one batch."""
    started = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - started) / calls


def run(*, quick: bool) -> list[Row]:
    # Many short alternating batches: each generated batch is compared with the raw batch right
    # before it, and the median of those ratios is reported (robust to a neighbour's burst).
    calls, rounds = (100, 10) if quick else (200, 40)
    raw, close_raw = raw_caller()
    fast, close_fast = raw_caller(orjson.loads)
    gen, close_gen = client_caller()
    try:
        _batch(raw, calls)  # warm-up: imports, caches
        _batch(fast, calls)
        _batch(gen, calls)
        raw_times: list[float] = []
        fast_times: list[float] = []
        gen_times: list[float] = []
        for n in range(rounds):
            raw_times.append(_batch(raw, calls))
            gen_times.append(_batch(gen, calls))
            fast_times.append(_batch(fast, calls))
            if (n + 1) % max(1, rounds // 4) == 0:
                progress(
                    f"client round {n + 1}/{rounds}: raw {raw_times[-1] * 1e6:.1f} µs, "
                    f"generated {gen_times[-1] * 1e6:.1f} µs per call"
                )
    finally:
        close_raw()
        close_fast()
        close_gen()
    raw_us = statistics.median(raw_times) * 1e6
    fast_us = statistics.median(fast_times) * 1e6
    gen_us = statistics.median(gen_times) * 1e6
    ratio = statistics.median(g / r for g, r in zip(gen_times, raw_times, strict=True))
    fast_ratio = statistics.median(g / f for g, f in zip(gen_times, fast_times, strict=True))
    progress(f"client: {gen_us:.1f} µs vs raw {raw_us:.1f} µs per call, ratio {ratio:.2f}")
    return [
        Row(
            "client",
            f"create_profile per call ({len(FULL_RESPONSE):,} B answer)",
            fmt_us(gen_us),
            fmt_us(raw_us) + " raw httpx+json",
            fmt_ratio(ratio, "x"),
            f"<= {CLIENT_MAX_RATIO:.1f}x",
            verdict(ratio <= CLIENT_MAX_RATIO),
        ),
        Row(
            "client",
            "create_profile per call, against raw httpx+orjson",
            fmt_us(gen_us),
            fmt_us(fast_us) + " raw httpx+orjson",
            fmt_ratio(fast_ratio, "x"),
        ),
        Row("client", "calls per second", f"{1e6 / gen_us:,.0f}/s", f"{1e6 / raw_us:,.0f}/s"),
    ]
