"""Prove the contract suite bites: ``python -m contract_tests.mutants`` (``nox -s mutants``).

Runs the relevant part of the suite once against the unmutated server (it must pass), then once
per deliberately broken variant (``contract_tests.mutations``): each server mutant installed in
the embedded server through ``CONTRACT_MUTANT``, and the spec with one rule loosened through
``CONTRACT_SPEC``. A variant is caught when the suite fails against it. Prints a table, and
exits non-zero unless the unmutated server passes and every variant is caught.

Runs use the ``mutants`` Hypothesis profile (derandomized: the same cases every run) and stop at
the first failure (``-x``). ``--jobs`` runs variants side by side (default: 2).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from contract_tests.mutations import (
    MUTANT_ENV,
    SERVER_MUTANTS,
    SPEC_MUTANT_BREAKS,
    SPEC_MUTANT_NAME,
    write_loosened_spec,
)
from contract_tests.oracle import SPEC_ENV
from contract_tests.profiles import PROFILE_ENV

ROOT = Path(__file__).resolve().parent.parent
SPEC_TESTS = ("contract_tests/test_differential.py",)


@dataclass
class Variant:
    name: str
    breaks: str
    built_with: str
    tests: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)
    expect_failure: bool = True


@dataclass
class Outcome:
    variant: Variant
    exit_code: int
    seconds: float
    failed_tests: list[str]
    output: str

    @property
    def ok(self) -> bool:
        if self.variant.expect_failure:
            return self.exit_code == 1
        return self.exit_code == 0

    @property
    def verdict(self) -> str:
        if not self.variant.expect_failure:
            return "passes" if self.exit_code == 0 else f"FAILS (exit {self.exit_code})"
        if self.exit_code == 1:
            return "caught"
        if self.exit_code == 0:
            return "SURVIVED"
        return f"ERROR (exit {self.exit_code})"


def variants(spec_copy: Path) -> list[Variant]:
    found = [
        Variant(
            name=mutant.name,
            breaks=mutant.breaks,
            built_with=mutant.built_with,
            tests=mutant.tests,
            env={MUTANT_ENV: mutant.name},
        )
        for mutant in SERVER_MUTANTS
    ]
    found.append(
        Variant(
            name=SPEC_MUTANT_NAME,
            breaks=SPEC_MUTANT_BREAKS,
            built_with="a copy of openapi/profile.yaml, CustomAttributeKey loosened to 31 "
            "characters, selected with CONTRACT_SPEC",
            tests=SPEC_TESTS,
            env={SPEC_ENV: str(spec_copy)},
        )
    )
    return found


def baseline(selected: Sequence[Variant]) -> Variant:
    tests = tuple(sorted({test for variant in selected for test in variant.tests}))
    return Variant(
        name="(none)",
        breaks="the unmutated server and spec",
        built_with="create_app(Settings(db=':memory:')) and openapi/profile.yaml",
        tests=tests,
        expect_failure=False,
    )


def _node_id(junit_name: str) -> str:
    """JUnit's ``classname::name`` (``contract_tests.test_x::test_y[p]``) as a pytest node id."""
    classname, _, name = junit_name.partition("::")
    parts = classname.split(".")
    for cut in range(len(parts), 0, -1):
        path = "/".join(parts[:cut]) + ".py"
        if (ROOT / path).is_file():
            return "::".join([path, *parts[cut:], name])
    return junit_name


def _failed_tests(report: Path) -> list[str]:
    if not report.is_file():
        return []
    failed = []
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed.append(f"{case.get('classname', '')}::{case.get('name', '')}")
    return failed


def run(
    variant: Variant, workdir: Path, extra: Sequence[str], deselect: Sequence[str] = ()
) -> Outcome:
    report = workdir / f"{variant.name.strip('()')}.xml"
    env = {
        **os.environ,
        PROFILE_ENV: os.environ.get(PROFILE_ENV, "mutants"),
        "CONTRACT_SOCKET": "0",
        **variant.env,
    }
    env.pop("CONTRACT_BASE_URL", None)
    if MUTANT_ENV not in variant.env:
        env.pop(MUTANT_ENV, None)
    if SPEC_ENV not in variant.env:
        env.pop(SPEC_ENV, None)
    command = [
        sys.executable,
        "-m",
        "pytest",
        *variant.tests,
        "-q",
        "-p",
        "no:cacheprovider",
        "--no-header",
        f"--junitxml={report}",
        # a variant stops at its first failure; the unmutated run, which must pass all of it and
        # runs before any variant can start, uses a worker per core (pytest-xdist)
        *(["-x"] if variant.expect_failure else ["-n", "auto"]),
        *(f"--deselect={test}" for test in deselect),
        *extra,
    ]
    started = time.perf_counter()
    completed = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    return Outcome(
        variant=variant,
        exit_code=completed.returncode,
        seconds=seconds,
        failed_tests=_failed_tests(report),
        output=completed.stdout + completed.stderr,
    )


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def table(outcomes: Sequence[Outcome]) -> str:
    rows = [("variant", "breaks", "result", "caught by", "time")]
    for outcome in outcomes:
        names = [test.split("::", 1)[-1] for test in outcome.failed_tests[:2]]
        caught_by = ", ".join(names).replace("/api/v2/server-side-api/profile/", "profile") or "-"
        rows.append(
            (
                outcome.variant.name,
                outcome.variant.breaks,
                outcome.verdict,
                caught_by,
                f"{outcome.seconds:.1f}s",
            )
        )
    widths = [min(max(len(row[i]) for row in rows), 60) for i in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        cells = [_clip(cell, widths[i]) for i, cell in enumerate(row)]
        lines.append(" | ".join(cell.ljust(widths[i]) for i, cell in enumerate(cells)).rstrip())
        if index == 0:
            lines.append("-+-".join("-" * width for width in widths))
    return "\n".join(lines)


def _progress(outcome: Outcome, done: int, total: int) -> None:
    """One line as soon as a run ends, so a long run is never silent."""
    print(
        f"[{done}/{total}] {outcome.variant.name}: {outcome.verdict} ({outcome.seconds:.1f}s)",
        flush=True,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m contract_tests.mutants",
        description="Run the contract suite against broken variants of the server and the spec; "
        "fail unless every variant is caught and the unmutated server passes.",
    )
    parser.add_argument("--only", action="append", default=[], help="run only this variant")
    parser.add_argument("--list", action="store_true", help="list the variants and exit")
    parser.add_argument(
        "--jobs", type=int, default=2, help="variants run side by side (default: 2)"
    )
    parser.add_argument(
        "--show-output", action="store_true", help="print pytest's output of every run"
    )
    parser.add_argument("pytest_args", nargs="*", help="extra arguments for pytest (after --)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="contract-mutants-") as tmp:
        workdir = Path(tmp)
        spec_copy = write_loosened_spec(ROOT / "openapi" / "profile.yaml", workdir / "loose.yaml")
        selected = variants(spec_copy)
        if args.only:
            unknown = set(args.only) - {variant.name for variant in selected}
            if unknown:
                parser.error(f"unknown variants: {', '.join(sorted(unknown))}")
            selected = [variant for variant in selected if variant.name in args.only]
        if args.list:
            for variant in selected:
                print(f"{variant.name}: {variant.breaks} ({variant.built_with})")
            return 0
        started = time.perf_counter()
        print(
            f"Running the suite against the unmutated server, then {len(selected)} variants "
            f"({args.jobs} at a time); each verdict is printed as it comes.",
            flush=True,
        )
        control = run(baseline(selected), workdir, args.pytest_args)
        _progress(control, 0, len(selected))
        # A variant is judged only by tests the unmutated server passes: a test that already
        # fails proves nothing about a mutant.
        known = [_node_id(test) for test in control.failed_tests]
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            futures = [pool.submit(run, v, workdir, args.pytest_args, known) for v in selected]
            for done, future in enumerate(concurrent.futures.as_completed(futures), start=1):
                _progress(future.result(), done, len(selected))
            outcomes = [control, *(future.result() for future in futures)]
        elapsed = time.perf_counter() - started

    for outcome in outcomes:
        if args.show_output or not outcome.ok:
            print(f"===== {outcome.variant.name}: {outcome.verdict} =====")
            print(outcome.output[-4000:])
    print()
    print(table(outcomes))
    print()
    caught = sum(1 for o in outcomes if o.variant.expect_failure and o.ok)
    total = sum(1 for o in outcomes if o.variant.expect_failure)
    clean = all(o.ok for o in outcomes if not o.variant.expect_failure)
    print(
        f"{caught}/{total} variants caught; unmutated server "
        f"{'passes' if clean else 'FAILS'}; {elapsed:.0f}s in all"
    )
    if not clean:
        print(
            "The unmutated server fails the suite: fix that first. The variants were judged "
            "only by the tests it passes."
        )
    return 0 if clean and caught == total else 1


if __name__ == "__main__":
    raise SystemExit(main())
