"""What a newcomer runs first, run for real: the README's curl example and the client quickstart
script, each against a real ``recorded-server serve`` process over loopback."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from recorded_server.testing.process import ServerProcess

ROOT = Path(__file__).resolve().parents[1]
README_URL = "http://127.0.0.1:8080"


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    with ServerProcess() as running:  # the development key, as a newcomer's server has
        yield running


def _quickstart(*args: str) -> subprocess.CompletedProcess[str]:
    script = ROOT / "examples" / "quickstart.py"
    return subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, timeout=60
    )


def _readme_curl_block() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Create, read, update and delete a profile", 1)[1]
    match = re.search(r"```bash\n(.*?)```", section, flags=re.DOTALL)
    assert match, "the README's curl example is gone"
    return match[1]


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_readme_curl_example_creates_reads_updates_and_deletes(server: ServerProcess) -> None:
    script = _readme_curl_block()
    assert README_URL in script
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script.replace(README_URL, server.url)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    # create, read and update each print one JSON document; delete prints its status
    decoder = json.JSONDecoder()
    out, documents = result.stdout, []
    while out.lstrip().startswith("{"):
        document, end = decoder.raw_decode(out.lstrip())
        documents.append(document)
        out = out.lstrip()[end:]
    assert out.split() == ["204"]
    created, read, updated = documents
    assert created["data"]["customer_user_id"] == "user-1"
    assert created["data"]["custom_attributes"] == [{"key": "plan", "value": "pro"}]
    assert read["data"]["profile_id"] == created["data"]["profile_id"]
    assert updated["data"]["custom_attributes"] == [{"key": "visits", "value": 3.0}]


def test_the_client_quickstart_script_runs_against_the_server(server: ServerProcess) -> None:
    result = _quickstart("--url", server.url)
    assert result.returncode == 0, result.stdout + result.stderr
    statuses = [line.split()[:2] for line in result.stdout.splitlines() if not line.startswith(" ")]
    assert statuses == [
        ["create", "200"],
        ["get", "200"],
        ["update", "200"],
        ["delete", "204"],
        ["get", "404"],
    ]
    assert "attributes {'visits': 3.0}" in result.stdout


def test_the_client_quickstart_script_fails_clearly_on_a_wrong_key(server: ServerProcess) -> None:
    result = _quickstart("--url", server.url, "--api-key", "wrong-key", "--user-id", "other")
    assert result.returncode == 1
    assert "create  401" in result.stdout
    assert "not_authenticated" in result.stderr
