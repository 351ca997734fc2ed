"""The server part of the benchmark: the recorded server against two bare baselines, side by side.

Three processes on loopback, one worker each: the recorded server as users run it
(``python -m recorded_server serve`` with its default logging and HTTP stack, a SQLite file), the
bare Starlette app on the fastest uvicorn stack installed (httptools + uvloop: the baseline the
targets are measured against), and the same app on uvicorn's pure-Python h11 protocol (a second
line, to show what that stack costs: the server's own until issue 17, its fallback since). The
load generator (wrk, or the Python fallback) drives the same scenarios against each in turn,
after a short warm-up:

- POST create: the seed's example body, a fresh ``adapty-customer-user-id`` per request, stored
  in a SQLite *file* (the recorded server's durable writes);
- GET: one existing profile, by ``adapty-customer-user-id``;
- PATCH: the same profile, a small body (a name and two custom attributes).

Each at 64 connections (throughput, p99) and at one connection (latency per request).
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
from _bench_baseline import describe_stack
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


FAST = "baseline"
H11 = "h11 baseline"
SERVER = "recorded server"


@contextmanager
def baseline_server(log_dir: Path, stack: str = "fast") -> Iterator[Target]:
    """The bare Starlette app (scripts/_bench_baseline.py) in its own uvicorn process, on the
    fastest stack installed (``fast``) or on the recorded server's (``h11``)."""
    port = _free_port()
    log = (log_dir / f"baseline-{stack}.log").open("wb")
    command = [sys.executable, str(SCRIPTS / "_bench_baseline.py"), "--port", str(port)]
    proc = subprocess.Popen(
        [*command, "--stack", stack],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield Target(FAST if stack == "fast" else H11, url, proc.pid)
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
        yield Target(SERVER, proc.url, proc.process.pid)
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
    """One scenario at one connection count: the server's run and the two baselines'."""

    scenario: str
    connections: int
    server: Measured
    baseline: Measured
    """The bare app on the fastest stack installed: the targets' baseline."""
    h11: Measured | None = None
    """The bare app on the recorded server's own stack (h11)."""

    @property
    def ratio(self) -> float:
        return _rps_ratio(self.server, self.baseline)


def _rps_ratio(server: Measured, baseline: Measured) -> float:
    return server.load.rps / baseline.load.rps if baseline.load.rps else 0.0


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


def server_stack() -> str:
    """What ``recorded-server serve`` serves HTTP with by default here (``httptools + uvloop``
    when both are installed), as its banner says it."""
    from recorded_server.serving import limits
    from recorded_server.serving.http_protocol import configured_protocol
    from recorded_server.serving.http_protocol import describe_stack as describe_server_stack

    protocol = configured_protocol(
        limits.DEFAULT_HEADER_TIMEOUT, limits.DEFAULT_MAX_CONNECTIONS, "auto"
    )
    return describe_server_stack(protocol)


def stacks_row() -> Row:
    """The stacks, as the table's first server row."""
    return Row(
        "server",
        "stacks",
        f"serve: {server_stack()}, default log",
        f"bare app: {describe_stack('fast').removeprefix('uvicorn ')}",
    )


def stacks_line() -> str:
    """Which stacks the baselines (and the recorded server) run on, for the output."""
    return (
        f"baseline: bare Starlette on {describe_stack('fast')}; h11 baseline: bare Starlette on "
        f"{describe_stack('h11')}; recorded server: `recorded-server serve` ({server_stack()}, "
        "default logging, a SQLite file)"
    )


def run_server_bench(
    *,
    duration_s: float,
    warmup_s: float,
    connections: list[int],
    use_wrk: bool,
    repeat: int,
) -> list[Pair]:
    """Every scenario at every connection count, against the server and both baselines.

    With ``repeat`` > 1 the three take turns (baseline, h11 baseline, server, baseline...) and
    the run with the median requests/s of each is kept.
    """
    pairs: list[Pair] = []
    with tempfile.TemporaryDirectory(prefix="bench-server-") as tmp:
        tmp_path = Path(tmp)
        db = tmp_path / "bench.sqlite3"
        with (
            baseline_server(tmp_path, "fast") as fast,
            baseline_server(tmp_path, "h11") as h11,
            recorded_server(db) as server,
        ):
            progress(stacks_line())
            progress(f"pids: baseline {fast.pid}, h11 baseline {h11.pid}, server {server.pid}")
            progress(f"recorded server database: {db} (a SQLite file)")
            targets = (fast, h11, server)
            for target in targets:
                _prepare(target)
            for scenario in scenarios(BENCH_API_KEY):
                for conns in connections:
                    progress(f"{scenario.name}, {conns} connections ...")
                    runs: dict[str, list[Measured]] = {t.name: [] for t in targets}
                    for target in targets:
                        _warm_up(target, scenario, conns, warmup_s, use_wrk)
                    for n in range(repeat):
                        for target in targets:
                            measured = _measure(target, scenario, conns, duration_s, use_wrk)
                            runs[target.name].append(measured)
                            progress(f"  {target.name} ({n + 1}/{repeat}): {_describe(measured)}")
                    got = {name: _median(found) for name, found in runs.items()}
                    pair = Pair(scenario.name, conns, got[SERVER], got[FAST], got[H11])
                    progress(f"  ratio server/baseline: {pair.ratio:.2f}")
                    pairs.append(pair)
    return pairs


# Targets (2-core machine, issue 17), against the bare app on the fastest stack, same run: at 64
# connections POST create >= 0.50 with p99 <= 25 ms, GET >= 0.60, PATCH >= 0.45; at one
# connection p50 <= 1.3x the baseline's.
MIN_RATIO = {"POST create": 0.50, "GET": 0.60, "PATCH": 0.45}
CREATE_MAX_P99_MS = 25.0
TARGET_CONNECTIONS = 64
ONE_CONNECTION_MAX_P50 = 1.3


def _cpu(measured: Measured) -> str:
    cpu = measured.cpu_us_per_request
    return "n/a" if cpu is None else f"{cpu:.0f} µs"


def _latency(measured: Measured) -> str:
    return f"{fmt_ms(measured.load.p50_ms)} / {fmt_ms(measured.load.p99_ms)}"


def server_rows(pairs: list[Pair]) -> list[Row]:
    rows: list[Row] = []
    for pair in pairs:
        server, base = pair.server, pair.baseline
        errors = f" ({server.load.errors} errors)" if server.load.errors else ""
        label = f"{pair.scenario}, {pair.connections} conn{'s' if pair.connections != 1 else ''}"
        target = result = ""
        minimum = MIN_RATIO.get(pair.scenario)
        if pair.connections == TARGET_CONNECTIONS and minimum is not None:
            target = f">= {minimum:.2f}"
            result = verdict(pair.ratio >= minimum and not server.load.errors)
        rows.append(
            Row(
                "server",
                f"{label}: req/s",
                fmt_rate(server.load.rps) + errors,
                fmt_rate(base.load.rps),
                f"{pair.ratio:.2f}",
                target,
                result,
            )
        )
        if pair.h11 is not None:
            rows.append(
                Row(
                    "server",
                    f"{label}: req/s against the h11 baseline",
                    fmt_rate(server.load.rps),
                    fmt_rate(pair.h11.load.rps) + " h11",
                    f"{_rps_ratio(server, pair.h11):.2f}",
                )
            )
        cpu_ratio = ""
        if server.cpu_us_per_request and base.cpu_us_per_request:
            cpu_ratio = f"{server.cpu_us_per_request / base.cpu_us_per_request:.2f}x"
        h11_cpu = f" (h11 {_cpu(pair.h11)})" if pair.h11 is not None else ""
        rows.append(
            Row(
                "server",
                f"{label}: CPU per request",
                _cpu(server),
                _cpu(base) + h11_cpu,
                cpu_ratio,
            )
        )
        lat_target = lat_result = lat_ratio = ""
        if pair.connections == TARGET_CONNECTIONS and pair.scenario == "POST create":
            lat_target = f"p99 <= {CREATE_MAX_P99_MS:.0f} ms"
            lat_result = verdict(server.load.p99_ms <= CREATE_MAX_P99_MS)
        elif pair.connections == 1:
            p50_ratio = server.load.p50_ms / base.load.p50_ms if base.load.p50_ms else 0.0
            lat_ratio = f"{p50_ratio:.2f}x p50"
            lat_target = f"p50 <= {ONE_CONNECTION_MAX_P50:g}x"
            lat_result = verdict(0 < p50_ratio <= ONE_CONNECTION_MAX_P50)
        rows.append(
            Row(
                "server",
                f"{label}: p50 / p99",
                _latency(server),
                _latency(base),
                lat_ratio,
                lat_target,
                lat_result,
            )
        )
    return rows
