"""The API key never appears in a server log line or in a cassette.

The requests carry the key where it belongs (``Authorization``) and where a careless caller may
put it: a wrong scheme, the key with a suffix (a wrong key that contains the right one), the
query string, the path, an identity header and a body field echoed back in the response.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from _resilience_env import API_KEY, PROFILE_PATH

from recorded_server.testing.process import ServerProcess

pytestmark = pytest.mark.socket

CARELESS_ID = f"user-{API_KEY}"


def _requests(base_url: str) -> Iterator[httpx.Response]:
    """Every way the key reaches the server in these tests; yields each response."""
    good = {"Authorization": f"Api-Key {API_KEY}"}
    with httpx.Client(base_url=base_url, timeout=10) as client:
        for cuid in ("secrets-1", CARELESS_ID):
            ident = {"adapty-customer-user-id": cuid}
            yield client.post(PROFILE_PATH, headers={**good, **ident}, json={"first_name": API_KEY})
            yield client.get(PROFILE_PATH, headers={**good, **ident})
            yield client.patch(
                PROFILE_PATH,
                headers={**good, **ident},
                json={"custom_attributes": [{"key": "k", "value": API_KEY[:30]}]},
            )
        ident = {"adapty-customer-user-id": "secrets-1"}
        for auth in (
            f"Api-Key {API_KEY}x",
            f"Api-Key x{API_KEY}",
            f"Bearer {API_KEY}",
            f"api-key {API_KEY}",
            f"Api-Key  {API_KEY}",
            API_KEY,
        ):
            yield client.get(PROFILE_PATH, headers={"Authorization": auth, **ident})
        yield client.get(PROFILE_PATH, params={"key": API_KEY}, headers={**good, **ident})
        yield client.get(f"/{API_KEY}/profile/", headers=good)
        yield client.post(
            PROFILE_PATH,
            headers={**good, **ident, "Content-Type": "application/json"},
            content=f'{{"first_name": "{API_KEY}", '.encode(),
        )
        yield client.post(PROFILE_PATH, headers={**good, **ident}, json={API_KEY: 1})
        yield client.delete(PROFILE_PATH, headers={**good, **ident})


def _assert_no_key(text: str, where: str) -> None:
    assert text, f"{where} is empty: nothing was checked"
    assert API_KEY not in text, f"the API key appears in {where}"
    assert API_KEY.lower() not in text.lower(), f"the API key (any case) appears in {where}"


def test_the_api_key_never_appears_in_a_server_log_line() -> None:
    server = ServerProcess(api_key=API_KEY, extra_args=("--log-level", "debug"))
    server.start()
    try:
        responses = list(_requests(server.url))
        assert all(r.status_code < 500 for r in responses)
        server.stop()  # flush the log queue
        log = server.output()
    finally:
        server.close()
    # The log has a line per request (so the check below saw them), and never the key.
    request_ids = {r.headers["request-id"] for r in responses}
    logged = set(re.findall(r"\b[0-9a-f]{32}\b", log))
    assert request_ids <= logged, f"{len(request_ids - logged)} requests not logged"
    _assert_no_key(log, "the server's output")


def _accepts(url: str) -> bool:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            return True
    except OSError:
        return False


def _start_recorder(
    upstream: str, cassettes: Path, out: Path
) -> tuple[subprocess.Popen[bytes], str]:
    command = [sys.executable, "-m", "recorded_server", "record", "--upstream", upstream]
    command += ["--cassettes", str(cassettes), "--port", "0"]
    with out.open("wb") as sink:
        proc = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        match = re.search(r"listening on (http://\S+)", out.read_text(errors="replace"))
        if match and _accepts(match[1]):  # the banner may come before the socket listens
            return proc, match[1]
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    raise RuntimeError(f"the recorder did not start: {out.read_text(errors='replace')}")


@pytest.fixture
def recorded(tmp_path: Path) -> tuple[list[httpx.Response], Path, Path]:
    """The requests sent through ``recorded-server record`` to a recorded server upstream:
    the responses, the cassettes folder and the recorder's own output (its log)."""
    cassettes = tmp_path / "cassettes"
    out = tmp_path / "recorder.out"
    with ServerProcess(api_key=API_KEY) as upstream:
        recorder, url = _start_recorder(upstream.url, cassettes, out)
        try:
            responses = list(_requests(url))
        finally:
            recorder.terminate()
            recorder.wait(timeout=15)
    assert all(r.status_code < 500 for r in responses), [r.status_code for r in responses]
    # The upstream saw the key (so it was recorded through), and echoed it in bodies.
    assert any(API_KEY in r.text for r in responses)
    return responses, cassettes, out


def test_the_api_key_never_appears_in_a_cassette(
    recorded: tuple[list[httpx.Response], Path, Path],
) -> None:
    _, cassettes, _ = recorded
    files = sorted(p for p in cassettes.rglob("*") if p.is_file())
    assert files, "the recorder wrote no cassette"
    text = "".join(p.read_text(encoding="utf-8", errors="replace") for p in files)
    assert text.count("secrets-1") >= 5, "the cassettes miss the recorded exchanges"
    _assert_no_key(text, "the cassettes")


def test_the_api_key_never_appears_in_the_recorders_log(
    recorded: tuple[list[httpx.Response], Path, Path],
) -> None:
    _, _, out = recorded
    _assert_no_key(out.read_text(errors="replace"), "the recorder's output")
