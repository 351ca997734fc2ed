"""pytest configuration of the contract suite: profiles, targets, mutants, and the summary.

Environment:

- ``CONTRACT_PROFILE``: quick (default), ci (default when ``CI=true``), thorough, mutants.
- ``CONTRACT_BASE_URL`` / ``CONTRACT_API_KEY``: hold a live server instead of the embedded one.
- ``CONTRACT_SPEC``: the spec to hold the server against (default: ``openapi/profile.yaml``).
- ``CONTRACT_MUTANT``: install a deliberately broken server variant (``contract_tests.mutations``).
- ``CONTRACT_SOCKET=0``: skip the real-socket runs (mutants live in-process, so they do).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from contract_tests.mutations import MUTANT_ENV, active_mutant
from contract_tests.oracle import SPEC_ENV, SpecOracle, load_contract_spec
from contract_tests.profiles import register_profiles, selected_profile
from contract_tests.summary import SUMMARY
from contract_tests.targets import (
    Target,
    in_process_target,
    live_settings,
    live_target,
    socket_target,
)

PROFILE = register_profiles()
SOCKET_ENV = "CONTRACT_SOCKET"
THOROUGH_TIMEOUT = 1800
"""Seconds per test under the thorough profile (pytest-timeout's default is 300)."""


def target_kinds() -> list[str]:
    """Which targets this run holds: the live server if pointed at one, else in-process + socket."""
    if live_settings() is not None:
        return ["live"]
    kinds = ["in-process"]
    if os.environ.get(SOCKET_ENV, "1") != "0" and active_mutant() is None:
        kinds.append("socket")
    return kinds


def pytest_report_header(config: pytest.Config) -> list[str]:
    live = live_settings()
    mutant = active_mutant()
    return [
        f"contract: profile {selected_profile()}, targets {', '.join(target_kinds())}"
        + (f" ({live[0]})" if live else ""),
        f"contract: spec {os.environ.get(SPEC_ENV) or 'openapi/profile.yaml'}"
        + (f", mutant {mutant.name} ({MUTANT_ENV})" if mutant else ""),
    ]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "target" in metafunc.fixturenames:
        metafunc.parametrize("target", target_kinds(), indirect=True, scope="session")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The thorough (nightly) budget runs longer than pytest-timeout's default per test."""
    if selected_profile() == "thorough":
        for item in items:
            if item.get_closest_marker("timeout") is None:
                item.add_marker(pytest.mark.timeout(THOROUGH_TIMEOUT))


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
        live = live_settings()
        assert live is not None
        with live_target(*live) as built:
            yield built


@pytest.fixture(scope="session")
def oracle() -> SpecOracle:
    return SpecOracle(load_contract_spec())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    SUMMARY.current_test = item.nodeid
    try:
        return (yield)
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
