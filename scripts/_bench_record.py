"""The recording benchmark: ``recorded-server record`` in front of a small local upstream.

- overhead: the median time of an exchange through the proxy minus the median of the same
  request sent straight to the upstream, the two taking turns in the same run (loopback,
  one keep-alive connection each);
- flat cost: a session of ``exchanges`` (10,000 by default) recorded into one cassette; the
  median wall time through the proxy and the proxy's CPU time per exchange (user+system, all
  threads, ``/proc/PID/stat``) over the last tenth against the first tenth;
- replay: the cassette loaded by ``recorded-server replay`` (the time from start to the
  listening line) and every exchange played back in order.
"""

from __future__ import annotations

import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import httpx
from _bench_report import Row, progress, verdict

ROOT = Path(__file__).resolve().parents[1]
_LISTENING = re.compile(rb"listening on http://\S+:(\d+)")
OVERHEAD_TARGET_MS = 5.0
FLAT_TARGET = 1.5

_UPSTREAM = textwrap.dedent(
    """
    import json, os, uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    BODY = json.dumps({"data": {"app_id": "a" * 36, "attributes": {f"k{i}": i for i in range(30)}}})

    async def profile(request: Request) -> Response:
        await request.body()
        return Response(BODY, media_type="application/json",
                        headers={"request-id": os.urandom(16).hex()})

    app = Starlette(routes=[Route("/{path:path}", profile, methods=["GET", "POST"])])
    from recorded_server.serving.listen import bind_socket  # TCP_NODELAY: no 40 ms Nagle stall

    sock = bind_socket("127.0.0.1", 0)
    print(f"upstream listening on http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False)).run(sockets=[sock])
    """
)


class _Process:
    def __init__(self, argv: list[str]) -> None:
        self.log = tempfile.TemporaryFile()  # noqa: SIM115
        started = time.perf_counter()
        self.popen = subprocess.Popen(argv, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while True:
            self.log.seek(0)
            match = _LISTENING.search(self.log.read())
            if match:
                break
            if self.popen.poll() is not None or time.monotonic() > deadline:
                self.log.seek(0)
                raise RuntimeError(f"{argv} did not start: {self.log.read()!r}")
            time.sleep(0.01)
        self.start_s = time.perf_counter() - started
        self.url = f"http://127.0.0.1:{int(match[1])}"

    def cpu_s(self) -> float:
        fields = Path(f"/proc/{self.popen.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> float:
        started = time.perf_counter()
        self.popen.send_signal(signal.SIGTERM)
        self.popen.wait(timeout=120)
        return time.perf_counter() - started


def _timed(client: httpx.Client, url: str, n: int) -> float:
    body = f'{{"n": {n}, "custom_attributes": {{"plan": "pro", "seats": {n % 7}}}}}'
    headers = {
        "Authorization": "Api-Key bench-secret-key-0123456789",
        "adapty-customer-user-id": f"user-{n}",
        "content-type": "application/json",
    }
    started = time.perf_counter()
    response = client.post(url + "/api/v2/server-side-api/profile/", content=body, headers=headers)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"exchange {n}: {response.status_code} {response.text[:200]}")
    return elapsed


def run(exchanges: int = 10_000) -> list[Row]:
    """The recording benchmark's rows."""
    rows: list[Row] = []
    tenth = max(1, exchanges // 10)
    with tempfile.TemporaryDirectory() as tmp:
        upstream = _Process([sys.executable, "-c", _UPSTREAM])
        proxy = _Process(
            [
                sys.executable, "-m", "recorded_server", "record", "--upstream", upstream.url,
                "--cassettes", tmp, "--scenario", "bench", "--port", "0",
            ]
        )  # fmt: skip
        progress(f"record: {exchanges} exchanges through the proxy, each next to a direct call")
        direct: list[float] = []
        proxied: list[float] = []
        cpu_marks: dict[int, float] = {}
        wall_marks: dict[int, float] = {}
        try:
            with httpx.Client() as straight, httpx.Client() as through:
                for n in range(exchanges):
                    if n in (0, tenth, exchanges - tenth):
                        cpu_marks[n] = proxy.cpu_s()
                        wall_marks[n] = time.perf_counter()
                    direct.append(_timed(straight, upstream.url, n))
                    proxied.append(_timed(through, proxy.url, n))
                cpu_marks[exchanges] = proxy.cpu_s()
                wall_marks[exchanges] = time.perf_counter()
            stop_s = proxy.stop()
        finally:
            if proxy.popen.poll() is None:
                proxy.popen.kill()
        overhead = [p - d for p, d in zip(proxied, direct, strict=True)]
        median_overhead = statistics.median(overhead) * 1000
        first_wall = statistics.median(proxied[:tenth]) * 1000
        last_wall = statistics.median(proxied[-tenth:]) * 1000
        first_cpu = (cpu_marks[tenth] - cpu_marks[0]) / tenth * 1e6
        last_cpu = (cpu_marks[exchanges] - cpu_marks[exchanges - tenth]) / tenth * 1e6
        size = (Path(tmp) / "bench.yaml").stat().st_size
        rows += [
            Row(
                "record",
                "overhead per exchange (median, loopback)",
                f"{median_overhead:.2f} ms",
                f"{statistics.median(direct) * 1000:.2f} ms direct call",
                "",
                f"<= {OVERHEAD_TARGET_MS:g} ms",
                verdict(median_overhead <= OVERHEAD_TARGET_MS),
            ),
            Row(
                "record",
                f"wall per exchange, last tenth of {exchanges:,}",
                f"{last_wall:.2f} ms",
                f"{first_wall:.2f} ms first tenth",
                f"{last_wall / first_wall:.2f}x",
                f"<= {FLAT_TARGET:g}x",
                verdict(last_wall / first_wall <= FLAT_TARGET),
            ),
            Row(
                "record",
                f"proxy CPU per exchange, last tenth of {exchanges:,}",
                f"{last_cpu:.0f} µs",
                f"{first_cpu:.0f} µs first tenth",
                f"{last_cpu / first_cpu:.2f}x" if first_cpu else "",
                f"<= {FLAT_TARGET:g}x",
                verdict(first_cpu > 0 and last_cpu / first_cpu <= FLAT_TARGET),
            ),
            Row(
                "record",
                "clean stop (queue written, fsynced)",
                f"{stop_s * 1000:.0f} ms",
                f"cassette {size / 1e6:.1f} MB",
            ),
        ]
        progress("replay: load the cassette and play every exchange back")
        replay = _Process(
            [
                sys.executable, "-m", "recorded_server", "replay", "--cassettes", tmp,
                "--port", "0", "--max-cassette-size", str(max(size * 2, 64 << 20)),
            ]
        )  # fmt: skip
        try:
            started = time.perf_counter()
            with httpx.Client() as client:
                played = [_timed(client, replay.url, n) for n in range(exchanges)]
            replay_s = time.perf_counter() - started
        finally:
            replay.stop()
            upstream.stop()
        rows += [
            Row(
                "record",
                f"replay start ({exchanges:,} recordings)",
                f"{replay.start_s:.2f} s",
                f"{upstream.start_s:.2f} s bare upstream start",
            ),
            Row(
                "record",
                f"replay in full: {len(played):,} exchanges",
                f"{replay_s:.1f} s",
                f"{statistics.median(played) * 1000:.2f} ms median",
            ),
        ]
    return rows
