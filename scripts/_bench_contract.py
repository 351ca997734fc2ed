"""The contract part of the benchmark: generated cases per second, stage by stage.

One fixed, derandomized Hypothesis run of the contract suite's POST body strategy
(``contract_tests.strategies.bodies``) per stage, each stage adding one layer to the last:

1. draw only: the strategy alone (the baseline: Hypothesis' own cost for these bodies);
2. + oracle: the spec's verdict for each body (``SpecOracle.expected``, jsonschema);
3. + in-process server: the whole differential POST check (``check_post``: send, compare the
   verdict, validate the answer against the spec, read the stored profile back) against the
   embedded server over ASGI, as ``nox -s contract`` runs most of its cases;
4. + real socket: the same check against a ``recorded-server`` process over loopback.

Ratios are cases/s of the stage over the draw-only baseline of the same run.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from _bench_report import Row, fmt_rate, progress

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # contract_tests/ is a folder of the checkout, not installed

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402

from contract_tests.oracle import SpecOracle, load_contract_spec  # noqa: E402
from contract_tests.strategies import WireBody, bodies  # noqa: E402
from contract_tests.targets import in_process_target, socket_target  # noqa: E402
from contract_tests.test_differential import check_post  # noqa: E402


def _cases_per_second(check: Callable[[WireBody], None], examples: int) -> tuple[float, int]:
    """Run ``check`` on ``examples`` generated bodies; return (cases/s, cases run)."""
    seen = 0

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(body=bodies())
    def run(body: WireBody) -> None:
        nonlocal seen
        seen += 1
        check(body)

    started = time.perf_counter()
    run()
    elapsed = time.perf_counter() - started
    return seen / elapsed, seen


def run(*, quick: bool) -> list[Row]:
    examples = 100 if quick else 400
    socket_examples = 25 if quick else 100
    oracle = SpecOracle(load_contract_spec())
    stages: list[tuple[str, float, int]] = []

    def stage(name: str, check: Callable[[WireBody], None], count: int) -> None:
        progress(f"contract: {name}, {count} cases ...")
        rate, seen = _cases_per_second(check, count)
        progress(f"  {fmt_rate(rate)} ({seen} cases)")
        stages.append((name, rate, seen))

    def nothing(body: WireBody) -> None:
        return None

    def verdict(body: WireBody) -> None:
        oracle.expected("POST", body, None)

    _cases_per_second(verdict, 20)  # warm-up: strategy construction, validator compilation
    stage("draw only", nothing, examples)
    stage("+ oracle", verdict, examples)
    with in_process_target() as target:
        stage("+ in-process server", lambda body: check_post(target, oracle, body), examples)
    with socket_target() as target:
        stage("+ real socket", lambda body: check_post(target, oracle, body), socket_examples)

    base = stages[0][1]
    rows = [
        Row(
            "contract",
            f"POST differential: {name} ({seen} cases)",
            fmt_rate(rate),
            fmt_rate(base) + " draw only" if n else "",
            f"{rate / base:.2f}" if n else "",
        )
        for n, (name, rate, seen) in enumerate(stages)
    ]
    return rows
