"""Every task of the project, in one place: run ``nox --list`` to see them.

The default run (plain ``nox``) is the whole test suite, exactly what CI runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")

# uv, which creates the sessions' environments, ignores pip.conf and PIP_*: hand pip's index,
# find-links, certificate, trusted hosts and proxy on to it (a UV_* variable already set wins)
sys.path.insert(0, str(ROOT / "scripts"))
import pip_to_uv  # noqa: E402

pip_to_uv.apply()

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["lint", "docs", "spec", "client", "tests", "contract", "mutants"]


LOCK = ROOT / "uv.lock"
PYPI = "https://pypi.org/simple"
CONSTRAINTS = ROOT / ".nox" / "locked-versions.txt"
_EXPORT = (
    *("--frozen", "--no-hashes", "--no-header", "--no-annotate"),
    *("--all-groups", "--all-extras", "--no-emit-project"),
    *("--no-emit-package", "adapty-profile-client"),  # installed from ./generated, editable
)


def _uv() -> str:
    """The uv that nox[uv] installed next to nox (or the one on PATH)."""
    found = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if found is None:
        raise RuntimeError("uv is not installed: pip install 'nox[uv]'")
    return found


def _locked_versions() -> list[str]:
    """``-c FILE``: every dependency and dev tool at the version uv.lock holds (``uv lock`` to
    update it). Versions only, no index URLs: packages still come from the configured index."""
    if not CONSTRAINTS.exists() or CONSTRAINTS.stat().st_mtime < LOCK.stat().st_mtime:
        exported = subprocess.run(
            [_uv(), "export", *_EXPORT],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        CONSTRAINTS.parent.mkdir(exist_ok=True)
        CONSTRAINTS.write_text(exported, encoding="utf-8")
    return ["-c", str(CONSTRAINTS)]


def _install(session: nox.Session, *groups: str) -> None:
    """Install the client and the kit (both editable) and the named dependency groups, at the
    versions of uv.lock."""
    deps = [dep for group in groups for dep in nox.project.dependency_groups(PYPROJECT, group)]
    session.install(*_locked_versions(), "-e", "./generated", "-e", ".[spec]", *deps)


@nox.session
def lint(session: nox.Session) -> None:
    """uv.lock up to date, ruff, mypy --strict, the layer rules (import-linter), deptry."""
    _install(session, "lint", "test", "generate")
    # uv.lock agrees with pyproject.toml. The lock is made against PyPI (its URLs name it); the
    # check needs no index at all (offline), and names PyPI so that a mirror configured for
    # installs (pip.conf, UV_DEFAULT_INDEX) does not count as a change of the lock
    session.run(_uv(), "lock", "--check", "--offline", "--default-index", PYPI, external=True)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("lint-imports")
    session.run("deptry", "src")
    session.run("mypy", "src", "contract_tests", "scripts")
    # each test folder has its own conftest.py: mypy checks them one folder at a time
    session.run("mypy", *sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("tests/*.py")))
    for folder in sorted(p for p in ROOT.glob("tests/*/") if any(p.glob("*.py"))):
        session.run("mypy", str(folder.relative_to(ROOT)))


@nox.session
def spec(session: nox.Session) -> None:
    """Validate openapi/profile.yaml (openapi-spec-validator) and test its rules and examples."""
    _install(session, "test")
    session.run("openapi-spec-validator", "openapi/profile.yaml")
    session.run("pytest", "tests/spec", *session.posargs)


@nox.session
def generate(session: nox.Session) -> None:
    """Regenerate the client in generated/ from the spec (commit the result)."""
    _install(session, "generate")
    session.run("python", "scripts/generate_client.py", *session.posargs)


@nox.session
def client(session: nox.Session) -> None:
    """Check that generated/ is what the spec generates, and that it passes mypy --strict."""
    _install(session, "generate", "lint", "test")
    session.run("python", "scripts/generate_client.py", "--check")
    session.run("mypy", "--strict", "generated/adapty_profile_client", "examples")
    session.run("pytest", "tests/client", *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """The unit and integration tests: server, cassettes, plugin, resilience.

    The spec's and the client's tests run in their own sessions.
    """
    _install(session, "test")
    # one worker per core (pytest-xdist): most of these tests wait on real processes and sockets
    ignore = ["--ignore=tests/spec", "--ignore=tests/client"]
    session.run("pytest", "tests", "-n", "auto", *ignore, *session.posargs)


@nox.session
def contract(session: nox.Session) -> None:
    """The main job: the contract suite (Schemathesis + Hypothesis) against the embedded server.

    Point it at another server with CONTRACT_BASE_URL and CONTRACT_API_KEY.
    """
    _install(session, "test")
    # one worker per core against the embedded server (each worker holds its own); a live run
    # stays in one process, so that one budget and one rate hold for all of it
    workers = [] if os.environ.get("CONTRACT_BASE_URL") else ["-n", "auto"]
    session.run("pytest", "contract_tests", *workers, *session.posargs)


@nox.session
def mutants(session: nox.Session) -> None:
    """Prove the contract suite bites: every broken server and spec variant must be caught."""
    _install(session, "test")
    session.run("python", "-m", "contract_tests.mutants", *session.posargs)


@nox.session
def cassettes(session: nox.Session) -> None:
    """Re-record the reference cassettes by proxying the emulator (commit the result)."""
    _install(session, "test")
    session.run("python", "scripts/record_reference_cassettes.py", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmark the client, the server and the contract suite against baselines in the same run."""
    _install(session, "test", "bench")
    session.run("python", "scripts/bench.py", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the docs site (mkdocs-material) into site/, strictly: a warning fails the build.

    Offline and quick: only the docs group is installed, not the project.
    """
    session.install(*_locked_versions(), *nox.project.dependency_groups(PYPROJECT, "docs"))
    env = {"NO_MKDOCS_2_WARNING": "1"}  # material's end-of-life banner, not a build warning
    site = str(ROOT / "site")
    session.run("mkdocs", "build", "--strict", "--site-dir", site, *session.posargs, env=env)


@nox.session
def serve(session: nox.Session) -> None:
    """Run the recorded server locally (pass options after --, e.g. nox -s serve -- --port 9000)."""
    _install(session)
    session.run("recorded-server", "serve", *session.posargs)
