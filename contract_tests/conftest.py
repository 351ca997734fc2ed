"""pytest configuration of the contract suite: profiles, targets, mutants, and the summary.

Environment:

- ``CONTRACT_PROFILE``: quick (default), ci (default when ``CI=true``), thorough, mutants.
- ``CONTRACT_BASE_URL`` / ``CONTRACT_API_KEY``: hold a live server instead of the embedded one
  (live mode: ``live_guard``), with ``CONTRACT_MAX_RPS``, ``CONTRACT_MAX_REQUESTS`` and
  ``CONTRACT_SEED`` (``live_settings``). ``--live-plan`` prints what a run would send, and
  sends nothing.
- ``CONTRACT_SPEC``: the spec to hold the server against (default: ``openapi/profile.yaml``).
- ``CONTRACT_MUTANT``: install a deliberately broken server variant (``contract_tests.mutations``).
- ``CONTRACT_SOCKET=0``: skip the real-socket runs (mutants live in-process, so they do).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis.errors import Unsatisfiable

from contract_tests.identities import IDS, seed_from_environment
from contract_tests.live_guard import LiveRun
from contract_tests.live_plan import plan_lines
from contract_tests.live_settings import LiveSettings, live_settings
from contract_tests.mutations import MUTANT_ENV, active_mutant
from contract_tests.oracle import SPEC_ENV, SpecOracle, load_contract_spec
from contract_tests.profiles import register_profiles, selected_profile
from contract_tests.summary import SUMMARY
from contract_tests.targets import (
    Target,
    in_process_target,
    live_target,
    socket_target,
)

PROFILE = register_profiles()
SOCKET_ENV = "CONTRACT_SOCKET"
THOROUGH_TIMEOUT = 1800
"""Seconds per test under the thorough profile (pytest-timeout's default is 300)."""


LIVE_PLAN_OPTION = "--live-plan"


def _live() -> LiveSettings | None:
    try:
        seed_from_environment()
        return live_settings()
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        LIVE_PLAN_OPTION,
        action="store_true",
        help="print the target, the limits, the identities and the operations a run would use, "
        "then stop without sending anything",
    )


def target_kinds() -> list[str]:
    """Which targets this run holds: the live server if pointed at one, else in-process + socket."""
    if _live() is not None:
        return ["live"]
    kinds = ["in-process"]
    if os.environ.get(SOCKET_ENV, "1") != "0" and active_mutant() is None:
        kinds.append("socket")
    return kinds


def pytest_report_header(config: pytest.Config) -> list[str]:
    live = _live()
    mutant = active_mutant()
    lines = [
        f"contract: profile {selected_profile()}, targets {', '.join(target_kinds())}"
        + (f" ({live.base_url})" if live else ""),
        f"contract: spec {os.environ.get(SPEC_ENV) or 'openapi/profile.yaml'}"
        + (f", mutant {mutant.name} ({MUTANT_ENV})" if mutant else ""),
    ]
    if live is not None:
        lines += [f"contract live: {line}" for line in plan_lines(live, IDS, brief=True)]
    return lines


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "target" in metafunc.fixturenames:
        metafunc.parametrize("target", target_kinds(), indirect=True, scope="session")


_LIVE_PARTS: list[str] = []
"""In live mode: the tests that use the target, among which the request budget is shared."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The thorough (nightly) budget runs longer than pytest-timeout's default per test."""
    _LIVE_PARTS[:] = [
        item.nodeid for item in items if "target" in getattr(item, "fixturenames", ())
    ]
    if selected_profile() == "thorough":
        for item in items:
            if item.get_closest_marker("timeout") is None:
                item.add_marker(pytest.mark.timeout(THOROUGH_TIMEOUT))


def pytest_collection_finish(session: pytest.Session) -> None:
    if not session.config.getoption(LIVE_PLAN_OPTION):
        return
    live = _live()
    lines = (
        plan_lines(live, IDS, parts=_LIVE_PARTS)
        if live is not None
        else [
            "no live target: CONTRACT_BASE_URL is not set, so the suite holds the embedded "
            "recorded server (in-process and over loopback) and sends nothing to any other server"
        ]
    )
    session.config.get_terminal_writer().line("\n".join(["", "live plan:", *lines]))
    pytest.exit("live plan printed; nothing was sent", returncode=0)


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    kind = request.param
    if kind == "in-process":
        with in_process_target() as built:
            yield built
    elif kind == "socket":
        with socket_target() as built:
            yield built
    else:
        live = _live()
        assert live is not None
        with live_target(live) as built:
            assert built.live is not None
            built.live.budget.parts_total = len(_LIVE_PARTS)
            _LIVE_RUN.append(built.live)
            yield built


_LIVE_RUN: list[LiveRun] = []
"""The live run of this session, once its target is up (at most one)."""


@pytest.fixture(scope="session")
def oracle() -> SpecOracle:
    return SpecOracle(load_contract_spec())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    SUMMARY.current_test = item.nodeid
    if _LIVE_RUN and "target" in getattr(item, "fixturenames", ()):
        _LIVE_RUN[0].budget.start_part(item.nodeid)
    try:
        return (yield)
    except Unsatisfiable:
        # Live mode: every explicit example ran and passed, and the budget paid for no
        # generated one. Not a failure of the server: the summary counts the skipped examples.
        if not _LIVE_RUN or not _LIVE_RUN[0].budget.part_skipped:
            raise
        _LIVE_RUN[0].budget.parts_cut_short.append(item.nodeid)
        return None
    finally:
        SUMMARY.current_test = ""


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # a pytest-xdist worker: hand the summary to the controller
        workeroutput["contract_summary"] = SUMMARY.to_dict()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    data = getattr(node, "workeroutput", {}).get("contract_summary")
    if data is not None:
        SUMMARY.merge(data)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    terminalreporter.section(f"contract summary (profile {PROFILE})")
    for line in SUMMARY.lines(width=terminalreporter._tw.fullwidth):
        terminalreporter.write_line(line)
    for run in _LIVE_RUN:
        terminalreporter.write_line("")
        for line in run.summary_lines():
            terminalreporter.write_line(line)
