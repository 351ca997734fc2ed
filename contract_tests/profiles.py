"""Hypothesis profiles of the contract suite, and the example budget of each test.

``CONTRACT_PROFILE`` selects one; without it, ``CI=true`` selects ``ci`` and anything else
``quick``.

- ``quick``: a local run in well under a minute; every boundary example still runs.
- ``ci``: at least 1,000 generated cases in all, the whole suite within minutes on two cores.
- ``thorough``: for nightly runs; ten times ``ci``.
- ``mutants``: ``ci``'s budget, derandomized (every mutant run is the same run), no shrinking.

With ``CONTRACT_SEED`` set, every profile is derandomized and uses no example database, so two
runs send the same requests (live mode's record-once-replay-in-CI). In live mode with a
request budget (``CONTRACT_MAX_REQUESTS``), the example counts shrink to fit it.

Each test asks for ``examples(weight)``: the profile's base budget times the test's weight
(the differential oracle weighs more than the client round trip), and a quarter of that over
the real socket (which proves the stack end to end; in-process explores).
"""

from __future__ import annotations

import os
from typing import Final

from hypothesis import HealthCheck, Phase, settings

PROFILE_ENV: Final = "CONTRACT_PROFILE"
REQUESTS_PER_BASE_EXAMPLE: Final = 72
"""What a whole run sends per example of its base budget (measured: quick, 25, sends ~1,800)."""

BASE_EXAMPLES: Final = {"quick": 25, "ci": 200, "thorough": 1000, "mutants": 100}
SOCKET_SHARE: Final = 0.25

_COMMON: Final = {
    "deadline": None,
    "print_blob": True,
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
        HealthCheck.differing_executors,
        HealthCheck.nested_given,
    ],
}


def selected_profile() -> str:
    name = os.environ.get(PROFILE_ENV, "").strip()
    if name:
        if name not in BASE_EXAMPLES:
            known = ", ".join(BASE_EXAMPLES)
            raise ValueError(f"{PROFILE_ENV}={name!r}: no such profile (known: {known})")
        return name
    return "ci" if os.environ.get("CI", "").lower() == "true" else "quick"


def register_profiles() -> str:
    """Register every profile with Hypothesis, load the selected one, and return its name."""
    seeded = bool(os.environ.get("CONTRACT_SEED", "").strip())
    for name, base in BASE_EXAMPLES.items():
        mutants = name == "mutants"
        settings.register_profile(
            f"contract-{name}",
            max_examples=base,
            derandomize=mutants or seeded,
            database=None if name in ("ci", "mutants") or seeded else settings().database,
            # No Phase.target: the tests call hypothesis.target() to report how far the bodies
            # went (the summary of --hypothesis-show-statistics), and the hill climbing it
            # would drive spends the budget on ever larger bodies: the boundaries are reached
            # on purpose by the strategies instead. A mutant run only needs to know that
            # something fails, not the smallest example: no shrinking either.
            phases=[Phase.explicit, Phase.reuse, Phase.generate]
            + ([] if mutants else [Phase.shrink, Phase.explain]),
            report_multiple_bugs=not mutants,
            **_COMMON,  # type: ignore[arg-type]
        )
    name = selected_profile()
    settings.load_profile(f"contract-{name}")
    return name


def examples(weight: float = 1.0, *, socket: bool = False) -> int:
    """The number of generated examples for a test of this weight, in the loaded profile."""
    base = BASE_EXAMPLES[selected_profile()] * weight * _live_scale()
    if socket:
        base *= SOCKET_SHARE
    return max(5, round(base))


def _live_scale() -> float:
    """Live mode with a request budget: the share of the profile's examples the budget pays."""
    if not os.environ.get("CONTRACT_BASE_URL", "").strip():
        return 1.0
    from contract_tests.live_settings import live_settings

    try:
        live = live_settings()
    except ValueError:
        return 1.0  # reported by the conftest
    if live is None or live.max_requests is None:
        return 1.0
    full_run = BASE_EXAMPLES[selected_profile()] * REQUESTS_PER_BASE_EXAMPLE
    return min(1.0, live.max_requests / full_run)
