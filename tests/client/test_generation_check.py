"""The staleness check bites: `generate_client.py --check` fails, naming the file, when one line
of generated/ or of the spec changes. Runs the real script on a copy of the project."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytest.importorskip("openapi_python_client", reason="the generator is in the 'generate' group")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of what the script reads and compares: openapi/, generated/ and the script."""
    copy = tmp_path_factory.mktemp("project")
    shutil.copytree(ROOT / "openapi", copy / "openapi")
    shutil.copytree(
        ROOT / "generated",
        copy / "generated",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache", ".ruff_cache"),
    )
    (copy / "scripts").mkdir()
    shutil.copy2(ROOT / "scripts" / "generate_client.py", copy / "scripts")
    return copy


def _check(project: Path) -> subprocess.CompletedProcess[str]:
    script = project / "scripts" / "generate_client.py"
    return subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, timeout=240
    )


@contextmanager
def _edited(path: Path, old: str, new: str) -> Iterator[None]:
    """``path`` with its first ``old`` replaced by ``new``, restored afterwards."""
    original = path.read_text(encoding="utf-8")
    assert old in original
    path.write_text(original.replace(old, new, 1), encoding="utf-8")
    try:
        yield
    finally:
        path.write_text(original, encoding="utf-8")


def test_the_committed_client_is_what_the_spec_generates(project: Path) -> None:
    result = _check(project)
    assert result.returncode == 0, result.stderr
    assert "generated/ is up to date" in result.stdout


def test_one_changed_line_of_generated_fails_naming_the_file(project: Path) -> None:
    model = project / "generated" / "adapty_profile_client" / "models" / "custom_attribute.py"
    with _edited(model, '"""', '"""Edited by hand. '):
        result = _check(project)
    assert result.returncode == 1
    assert "generated/adapty_profile_client/models/custom_attribute.py: differs" in result.stderr
    assert "nox -s generate" in result.stderr


def test_one_changed_line_of_the_spec_fails_naming_what_it_changes(project: Path) -> None:
    spec = project / "openapi" / "profile.yaml"
    with _edited(spec, "maxLength: 30", "maxLength: 31"):
        result = _check(project)
    assert result.returncode == 1
    # the bundled copy of the spec always differs; so does any code the change reaches
    assert "generated/adapty_profile_client/profile.yaml: differs" in result.stderr


def test_a_file_added_by_hand_fails(project: Path) -> None:
    extra = project / "generated" / "adapty_profile_client" / "helpers.py"
    extra.write_text("def hand_written() -> None: ...\n", encoding="utf-8")
    try:
        result = _check(project)
    finally:
        extra.unlink()
    assert result.returncode == 1
    assert (
        "generated/adapty_profile_client/helpers.py: not generated from the spec" in result.stderr
    )
