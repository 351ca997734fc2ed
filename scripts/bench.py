"""Benchmark the client, the server and the contract suite, each against a baseline measured in
the same run (``nox -s bench`` runs this script; the machine is shared and noisy, so the ratios
are what count).

- client: time per call of the generated client (build the request, send it, parse a full
  profile: 30 custom attributes, access levels, subscriptions, non-subscriptions) against raw
  httpx + json on the same in-memory transport (httpx.MockTransport);
- server: the recorded server as users run it (``recorded-server serve``, default logging)
  over loopback under a real load generator (wrk; a Python fallback when wrk is missing) at 64
  connections and at one, POST create (fresh ids, a SQLite file), GET and PATCH, against a bare
  Starlette app on the fastest uvicorn stack installed (httptools + uvloop), and against the
  same app on the server's own h11 stack as a second line;
- contract: generated contract cases per second;
- record: the recording proxy's overhead per exchange against a direct call, its cost over a
  10,000-exchange session (last tenth against first), and the replay of that cassette
  (``scripts/_bench_record.py``).

Progress lines go to stderr; the final table to stdout (``--markdown FILE`` also writes it as
Markdown). Targets (2-core machine) are printed with PASS or MISS.

    python scripts/bench.py                 # everything, 5 s per load run
    python scripts/bench.py --quick         # a smoke run (1 s per load run, fewer calls)
    python scripts/bench.py --only server --duration 10 --markdown bench.md
    python scripts/bench.py --only record --exchanges 10000
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bench_load import WRK_INSTALL_HINT, wrk_path
from _bench_report import Row, markdown_table, progress, text_table

PARTS = ("client", "server", "contract", "record")


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark the client, the server and the contract suite against baselines.",
    )
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument(
        "--duration", type=float, help="seconds per load run (default 5; 1 with --quick)"
    )
    parser.add_argument("--only", choices=PARTS, action="append", help="run only this part")
    parser.add_argument(
        "--connections",
        default="1,64",
        help="comma-separated connection counts for the server part (default 1,64: latency "
        "and throughput)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        help="load runs per figure, the two servers taking turns; the median is kept "
        "(default 3; 1 with --quick)",
    )
    parser.add_argument(
        "--python-load",
        action="store_true",
        help="use the Python load generator even when wrk is installed",
    )
    parser.add_argument(
        "--exchanges",
        type=int,
        help="exchanges in the record part's session (default 10000; 1000 with --quick)",
    )
    parser.add_argument("--markdown", metavar="FILE", help="also write the table as Markdown")
    return parser.parse_args(argv)


def _machine_line() -> str:
    load = os.getloadavg()
    return (
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )


def _client_rows(quick: bool) -> list[Row]:
    try:
        import _bench_client
    except ImportError as exc:
        progress(f"client: skipped, the generated client is not importable ({exc})")
        return [Row("client", "time per call", "skipped: client not importable")]
    return _bench_client.run(quick=quick)


def _server_rows(args: argparse.Namespace, duration: float) -> list[Row]:
    from _bench_server import run_server_bench, server_rows, stacks_line, stacks_row

    use_wrk = not args.python_load
    if use_wrk and wrk_path() is None:
        progress(f"wrk not found: {WRK_INSTALL_HINT}")
        progress("falling back to the Python load generator (it competes for the CPU:")
        progress("  both figures are lower, and the ratios pessimistic for the faster server)")
        use_wrk = False
    generator = "wrk" if use_wrk else "python fallback"
    connections = [int(c) for c in args.connections.split(",") if c.strip()]
    warmup = 0.0 if args.quick else 1.0
    progress(f"server: load generator {generator}, {duration:g} s per run, warm-up {warmup:g} s")
    progress(f"server: {stacks_line()}")
    pairs = run_server_bench(
        duration_s=duration,
        warmup_s=warmup,
        connections=connections,
        use_wrk=use_wrk,
        repeat=max(1, args.repeat or (1 if args.quick else 3)),
    )
    return [stacks_row(), *server_rows(pairs)]


def _contract_rows(quick: bool) -> list[Row]:
    try:
        import _bench_contract
    except ImportError as exc:
        progress(f"contract: skipped ({exc})")
        return [Row("contract", "generated cases per second", "skipped")]
    return _bench_contract.run(quick=quick)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    parts = args.only or list(PARTS)
    duration = args.duration if args.duration else (1.0 if args.quick else 5.0)
    started = time.perf_counter()
    machine_before = _machine_line()
    progress(f"machine: {machine_before}")
    rows: list[Row] = []
    if "client" in parts:
        progress("client: generated client vs raw httpx + json (httpx.MockTransport)")
        rows += _client_rows(args.quick)
    if "server" in parts:
        rows += _server_rows(args, duration)
    if "contract" in parts:
        progress("contract: generated cases per second")
        rows += _contract_rows(args.quick)
    if "record" in parts:
        import _bench_record

        exchanges = args.exchanges or (1000 if args.quick else 10_000)
        rows += _bench_record.run(exchanges=exchanges)
    machine_after = _machine_line()
    progress(f"done in {time.perf_counter() - started:.0f} s; machine: {machine_after}")
    print(text_table(rows))
    verdicts = [r.verdict for r in rows if r.verdict]
    print(
        f"\ntargets: {verdicts.count('PASS')} PASS, {verdicts.count('MISS')} MISS"
        f" (of {len(verdicts)})"
    )
    if args.markdown:
        given = argv if argv is not None else sys.argv[1:]
        command = " ".join(["python scripts/bench.py", *given])
        note = (
            f"`{command}`; at the start: {machine_before}; at the end: "
            f"{machine_after.split('load average ')[-1]}"
        )
        Path(args.markdown).write_text(markdown_table(rows) + f"\n\n{note}\n", encoding="utf-8")
        progress(f"Markdown table written to {args.markdown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
