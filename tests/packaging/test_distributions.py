"""The two distributions as users install them: with pip, from the source tree, into fresh venvs.

``pip install ./generated .`` gives a consistent environment (``pip check``) in which no file
belongs to two distributions, and the client installed alone pulls in no server library.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import venv
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
# orjson is not here: the client reads response bodies with it too (types.parse_json)
SERVER_LIBRARIES = {
    "starlette",
    "uvicorn",
    "pyyaml",
    "jsonschema",
    "adapty-profile-contract",
}

# run in the fresh venv: every distribution with the files its RECORD lists
_LIST_FILES = """
import json
from importlib import metadata
print(json.dumps({
    dist.metadata["Name"].lower(): [str(f) for f in (dist.files or [])]
    for dist in metadata.distributions()
}))
"""


def _fresh_venv(path: Path) -> Path:
    venv.EnvBuilder(with_pip=True, clear=True).create(path)
    return path / "bin" / "python"


def _pip(python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return subprocess.run(
        [str(python), "-m", "pip", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _installed(python: Path) -> dict[str, list[str]]:
    listed = subprocess.run(
        [str(python), "-c", _LIST_FILES], capture_output=True, text=True, check=True, timeout=60
    )
    files: dict[str, list[str]] = json.loads(listed.stdout)
    return files


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the source tree without build leftovers (a pdm editable build, caches)."""
    copy = tmp_path_factory.mktemp("src") / "tree"
    ignore = shutil.ignore_patterns(
        ".git", ".nox", ".venv", "site", ".pdm-build", "__pycache__", "*.egg-info", ".*_cache"
    )
    shutil.copytree(ROOT, copy, ignore=ignore)
    return copy


def test_kit_and_client_install_together_with_no_shared_file(source: Path, tmp_path: Path) -> None:
    python = _fresh_venv(tmp_path / "both")
    installed = _pip(python, "install", "-q", "./generated", ".", cwd=source)
    assert installed.returncode == 0, installed.stderr[-3000:]
    check = _pip(python, "check", cwd=source)
    assert check.returncode == 0, check.stdout + check.stderr

    files = _installed(python)
    owners: dict[str, list[str]] = {}
    for name, listed in files.items():
        for file in listed:
            if not file.endswith((".pyc", "RECORD", "INSTALLER", "REQUESTED")):
                owners.setdefault(file, []).append(name)
    shared = {file: names for file, names in owners.items() if len(names) > 1}
    assert shared == {}
    # each distribution's own files: the client's package only in one, the kit's only in the other
    assert {"adapty-profile-client", "adapty-profile-contract"} <= set(files)
    assert any(f.startswith("adapty_profile_client/") for f in files["adapty-profile-client"])
    assert not any(f.startswith("adapty_profile_client/") for f in files["adapty-profile-contract"])
    assert any(f.startswith("recorded_server/") for f in files["adapty-profile-contract"])


def test_the_client_alone_pulls_in_no_server_library(source: Path, tmp_path: Path) -> None:
    python = _fresh_venv(tmp_path / "client")
    installed = _pip(python, "install", "-q", "./generated", cwd=source)
    assert installed.returncode == 0, installed.stderr[-3000:]
    packages = set(_installed(python))
    assert "adapty-profile-client" in packages
    assert packages & SERVER_LIBRARIES == set()
    assert "orjson" in packages  # what types.parse_json reads with
    imported = subprocess.run(
        [str(python), "-c", "import adapty_profile_client as c; print(c.__version__)"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == _spec_version()


def _spec_version() -> str:
    spec = yaml.safe_load((ROOT / "openapi" / "profile.yaml").read_text(encoding="utf-8"))
    return str(spec["info"]["version"])
