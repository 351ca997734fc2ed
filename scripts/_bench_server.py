"""The server part of the benchmark: the recorded server and the bare baseline, side by side.

Both run as separate uvicorn processes on loopback (same uvicorn loop and HTTP implementation,
one worker each); the load generator (wrk, or the Python fallback) drives the same scenarios
against each, one after the other, with a short warm-up before each measured run:

- POST create: the seed's example body, a fresh ``adapty-customer-user-id`` per request, stored
  in a SQLite *file* (the recorded server's durable writes);
- GET: one existing profile, by ``adapty-customer-user-id``;
- PATCH: the same profile, a small body (a name and two custom attributes).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from _bench_load import LoadResult, Scenario, run_load
from _bench_report import Row, fmt_ms, fmt_rate, progress, verdict

from recorded_server.spec import load_spec, request_example

PROFILE_PATH = "/api/v2/server-side-api/profile/"
SCRIPTS = Path(__file__).resolve().parent
BENCH_API_KEY = "bench-api-key-0123456789"
READ_TARGET = "bench-read-target"

# The seed's example request (Adapty's "Create profile" page), as the spec carries it.
CREATE_BODY: dict[str, Any] = request_example(load_spec(), "POST", "seed")
PATCH_BODY: dict[str, Any] = {
    "first_name": "Janet",
    "custom_attributes": [
        {"key": "level", "value": 7},
        {"key": "favourite_sport", "value": "climbing"},
    ],
}


def _json(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


def scenarios(api_key: str) -> list[Scenario]:
    auth = {"Authorization": f"Api-Key {api_key}"}
    json_type = {"Content-Type": "application/json"}
    read = {"adapty-customer-user-id": READ_TARGET}
    return [
        Scenario(
            "POST create",
            "POST",
            PROFILE_PATH,
            {**auth, **json_type},
            _json(CREATE_BODY),
            fresh_customer_user_id=True,
        ),
        Scenario("GET", "GET", PROFILE_PATH, {**auth, **read}),
        Scenario("PATCH", "PATCH", PROFILE_PATH, {**auth, **json_type, **read}, _json(PATCH_BODY)),
    ]


@dataclass
class Target:
    """A server under load: its name, base URL and process id."""

    name: str
    url: str
    pid: int


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: the process exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/_recorded/health", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url}: not healthy after {timeout_s:.0f} s")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _terminate(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextmanager
def baseline_server(log_dir: Path) -> Iterator[Target]:
    """The bare Starlette app (scripts/_bench_baseline.py) in its own uvicorn process."""
    port = _free_port()
    log = (log_dir / "baseline.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, str(SCRIPTS / "_bench_baseline.py"), "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield Target("baseline", url, proc.pid)
    finally:
        _terminate(proc)
        log.close()


@contextmanager
def recorded_server(db: Path) -> Iterator[Target]:
    """``python -m recorded_server serve`` on a SQLite file (via ``running.ServerProcess``)."""
    from recorded_server.testing.process import ServerProcess

    proc = ServerProcess(db=str(db), api_key=BENCH_API_KEY)
    proc.start()
    try:
        assert proc.process is not None
        yield Target("recorded server", proc.url, proc.process.pid)
    finally:
        proc.close()


def _prepare(target: Target) -> None:
    """Create the profile that GET and PATCH use (the baseline ignores it)."""
    response = httpx.post(
        target.url + PROFILE_PATH,
        headers={
            "Authorization": f"Api-Key {BENCH_API_KEY}",
            "adapty-customer-user-id": READ_TARGET,
        },
        json=CREATE_BODY,
        timeout=10,
    )
    if response.status_code not in (200, 409):
        raise RuntimeError(f"{target.name}: creating the read target: {response.status_code}")


@dataclass(frozen=True)
class Measured:
    """One load run against one server, and the CPU that server spent on it."""

    load: LoadResult
    cpu_us_per_request: float | None
    """User + system CPU of the server process (all threads) per completed request."""


@dataclass(frozen=True)
class Pair:
    """One scenario at one connection count: the server's and the baseline's runs."""

    scenario: str
    connections: int
    server: LoadResult
    baseline: LoadResult
    server_cpu_us: float | None = None
    baseline_cpu_us: float | None = None

    @property
    def ratio(self) -> float:
        return self.server.rps / self.baseline.rps if self.baseline.rps else 0.0


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process and all its threads (Linux /proc), or None."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _measure(
    target: Target,
    scenario: Scenario,
    connections: int,
    duration_s: float,
    use_wrk: bool,
) -> Measured:
    before = process_cpu_seconds(target.pid)
    result = run_load(
        target.url,
        scenario,
        connections=connections,
        duration_s=duration_s,
        prefix=f"run-{uuid.uuid4().hex[:8]}",
        use_wrk=use_wrk,
    )
    after = process_cpu_seconds(target.pid)
    cpu = None
    if before is not None and after is not None and result.requests:
        cpu = (after - before) / result.requests * 1e6
    return Measured(result, cpu)


def _warm_up(
    target: Target, scenario: Scenario, connections: int, seconds: float, wrk: bool
) -> None:
    if seconds > 0:
        run_load(
            target.url,
            scenario,
            connections=connections,
            duration_s=seconds,
            prefix=f"warm-{uuid.uuid4().hex[:8]}",
            use_wrk=wrk,
        )


def _median(runs: list[Measured]) -> Measured:
    return sorted(runs, key=lambda m: m.load.rps)[len(runs) // 2]


def _describe(measured: Measured) -> str:
    result = measured.load
    errors = f", {result.errors} errors" if result.errors else ""
    cpu = (
        f", CPU {measured.cpu_us_per_request:.0f} µs/request"
        if measured.cpu_us_per_request is not None
        else ""
    )
    return (
        f"{fmt_rate(result.rps)}, p50 {fmt_ms(result.p50_ms)}, p99 {fmt_ms(result.p99_ms)}"
        f"{errors}{cpu}"
    )


def run_server_bench(
    *,
    duration_s: float,
    warmup_s: float,
    connections: list[int],
    use_wrk: bool,
    repeat: int,
) -> list[Pair]:
    """Every scenario at every connection count, against both servers, alternating.

    With ``repeat`` > 1 the two servers take turns (baseline, server, baseline, server...) and
    the run with the median requests/s of each is kept.
    """
    pairs: list[Pair] = []
    with tempfile.TemporaryDirectory(prefix="bench-server-") as tmp:
        tmp_path = Path(tmp)
        db = tmp_path / "bench.sqlite3"
        with baseline_server(tmp_path) as base, recorded_server(db) as server:
            progress(f"baseline pid {base.pid} at {base.url}; recorded server pid {server.pid}")
            progress(f"recorded server database: {db} (a SQLite file)")
            for target in (base, server):
                _prepare(target)
            for scenario in scenarios(BENCH_API_KEY):
                for conns in connections:
                    progress(f"{scenario.name}, {conns} connections ...")
                    runs: dict[str, list[Measured]] = {base.name: [], server.name: []}
                    for target in (base, server):
                        _warm_up(target, scenario, conns, warmup_s, use_wrk)
                    for n in range(repeat):
                        for target in (base, server):
                            measured = _measure(target, scenario, conns, duration_s, use_wrk)
                            runs[target.name].append(measured)
                            progress(f"  {target.name} ({n + 1}/{repeat}): {_describe(measured)}")
                    got = {name: _median(found) for name, found in runs.items()}
                    pair = Pair(
                        scenario.name,
                        conns,
                        got[server.name].load,
                        got[base.name].load,
                        got[server.name].cpu_us_per_request,
                        got[base.name].cpu_us_per_request,
                    )
                    progress(f"  ratio server/baseline: {pair.ratio:.2f}")
                    pairs.append(pair)
    return pairs


# Targets (2-core machine): create >= 40% of the baseline with p99 < 25 ms at 64 connections;
# GET >= 60% of the baseline.
CREATE_MIN_RATIO = 0.40
CREATE_MAX_P99_MS = 25.0
GET_MIN_RATIO = 0.60
TARGET_CONNECTIONS = 64


def server_rows(pairs: list[Pair]) -> list[Row]:
    rows: list[Row] = []
    for pair in pairs:
        target = ""
        result = ""
        errors = f" ({pair.server.errors} errors)" if pair.server.errors else ""
        at_target = pair.connections == TARGET_CONNECTIONS
        if at_target and pair.scenario == "POST create":
            target = f">= {CREATE_MIN_RATIO:.2f}"
            result = verdict(pair.ratio >= CREATE_MIN_RATIO and not pair.server.errors)
        elif at_target and pair.scenario == "GET":
            target = f">= {GET_MIN_RATIO:.2f}"
            result = verdict(pair.ratio >= GET_MIN_RATIO and not pair.server.errors)
        label = f"{pair.scenario}, {pair.connections} conns"
        rows.append(
            Row(
                "server",
                f"{label}: req/s",
                fmt_rate(pair.server.rps) + errors,
                fmt_rate(pair.baseline.rps),
                f"{pair.ratio:.2f}",
                target,
                result,
            )
        )
        if pair.server_cpu_us is not None and pair.baseline_cpu_us is not None:
            rows.append(
                Row(
                    "server",
                    f"{label}: CPU per request",
                    f"{pair.server_cpu_us:.0f} µs",
                    f"{pair.baseline_cpu_us:.0f} µs",
                    f"{pair.server_cpu_us / pair.baseline_cpu_us:.2f}x",
                )
            )
        p99_target = ""
        p99_result = ""
        if at_target and pair.scenario == "POST create":
            p99_target = f"p99 < {CREATE_MAX_P99_MS:.0f} ms"
            p99_result = verdict(pair.server.p99_ms < CREATE_MAX_P99_MS)
        rows.append(
            Row(
                "server",
                f"{label}: p50 / p99",
                f"{fmt_ms(pair.server.p50_ms)} / {fmt_ms(pair.server.p99_ms)}",
                f"{fmt_ms(pair.baseline.p50_ms)} / {fmt_ms(pair.baseline.p99_ms)}",
                "",
                p99_target,
                p99_result,
            )
        )
    return rows
