"""The key does not leak through the tooling (issue 16, finding 4): not on a server's command
line (``ps``), not in the output of a failing test that shows the generated client, and not in
replay's log or answers. (The server's log and record's cassettes and log are checked by
test_resilience_secrets.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
import pytest
from _resilience_env import API_KEY, AUTH, PROFILE_PATH

from recorded_server.testing.process import ServerProcess

pytestmark = pytest.mark.socket


def test_a_server_process_gets_the_key_through_its_environment_not_argv() -> None:
    with ServerProcess(api_key=API_KEY) as server:
        assert server.process is not None
        cmdline = Path(f"/proc/{server.process.pid}/cmdline").read_bytes()
        assert API_KEY.encode() not in cmdline
        assert API_KEY not in " ".join(server.command())
        ok = httpx.get(
            f"{server.url}{PROFILE_PATH}", headers={**AUTH, "adapty-customer-user-id": "u"}
        )
        assert ok.status_code == 404, ok.text  # the key works: no such profile, not 401


def test_a_failing_assert_on_the_client_does_not_print_the_key(tmp_path: Path) -> None:
    test = tmp_path / "test_service.py"
    test.write_text(
        textwrap.dedent(
            """
            import os

            from adapty_profile_client import AuthenticatedClient

            def test_fails() -> None:
                key = os.environ["SERVICE_API_KEY"]
                client = AuthenticatedClient(base_url="http://127.0.0.1:9", token=key)
                del key
                client.get_httpx_client()
                assert client is None, client
            """
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-vv", "--showlocals", test],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
        env={**os.environ, "SERVICE_API_KEY": API_KEY},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "AuthenticatedClient(" in output
    assert API_KEY not in output
