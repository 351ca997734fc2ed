"""A real ``recorded-server serve`` process: command line, banner, logs, shutdown, durability."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from recorded_server import DEFAULT_API_KEY
from recorded_server.testing.process import ServerProcess, free_port

from .helpers import PATH, PROFILE_ID

pytestmark = pytest.mark.socket

CLI = [sys.executable, "-m", "recorded_server"]
ENV_NAMES = [
    "RECORDED_SERVER_HOST",
    "RECORDED_SERVER_PORT",
    "RECORDED_SERVER_API_KEY",
    "RECORDED_SERVER_APP_ID",
    "RECORDED_SERVER_DB",
    "RECORDED_SERVER_FIXTURES",
    "RECORDED_SERVER_MAX_BODY",
]


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECORDED_SERVER_")}
    return {**env, **extra}


def headers(key: str = DEFAULT_API_KEY, customer: str | None = None) -> dict[str, str]:
    result = {"Authorization": f"Api-Key {key}"}
    if customer is not None:
        result["adapty-customer-user-id"] = customer
    return result


def run_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, timeout=60, env=env or clean_env(), cwd=cwd
    )


# --- the command line --------------------------------------------------------------------


def test_help_lists_every_option_with_its_default_and_env_var() -> None:
    result = run_cli("serve", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    for option in ("--host", "--port", "--api-key", "--app-id", "--db", "--fixtures", "--max-body"):
        assert option in text
    for name in ENV_NAMES:
        assert name in text
    for default in (
        "127.0.0.1",
        "8080",
        DEFAULT_API_KEY,
        "recorded-server.sqlite3",
        "65536",
        ":memory:",
    ):
        assert default in text


def test_top_level_help_lists_serve() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    assert "serve" in result.stdout


def test_version_names_the_kit_and_the_client() -> None:
    from importlib import metadata

    result = run_cli("--version")
    assert result.returncode == 0, result.stderr
    kit = metadata.version("adapty-profile-contract")
    client = metadata.version("adapty-profile-client")
    assert result.stdout.startswith(f"recorded-server {kit} (adapty-profile-client {client}, ")


def test_no_command_prints_help_and_exits_2() -> None:
    result = run_cli()
    assert result.returncode == 2
    assert "serve" in result.stderr


def test_the_console_script_runs() -> None:
    script = Path(sys.executable).parent / "recorded-server"
    if not script.exists():
        pytest.skip("the console script is not installed next to this interpreter")
    result = subprocess.run(
        [str(script), "serve", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert "--max-body" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "70000"], "port must be 0..65535"),
        (["--app-id", "not-a-uuid"], "app_id must be a UUID"),
        (["--max-body", "0"], "max_body must be at least 1 byte"),
        (["--api-key", "has space"], "api_key must be one or more printable ASCII characters"),
        (["--api-key", ""], "api_key must be one or more printable ASCII characters"),
    ],
)
def test_invalid_options_exit_2_with_a_message(args: list[str], message: str) -> None:
    result = run_cli("serve", *args)
    assert result.returncode == 2
    assert message in result.stderr


def test_invalid_env_var_exits_2_with_a_message() -> None:
    result = run_cli("serve", env=clean_env(RECORDED_SERVER_PORT="eighty"))
    assert result.returncode == 2
    assert "RECORDED_SERVER_PORT='eighty': expected an integer" in result.stderr


def test_a_database_that_cannot_be_opened_stops_the_start(tmp_path: Path) -> None:
    not_a_db = tmp_path / "file.sqlite3"
    not_a_db.write_bytes(b"this is not a SQLite database, not at all" * 100)
    result = run_cli("serve", "--port", "0", "--db", str(not_a_db))
    assert result.returncode != 0
    assert "cannot open the database" in result.stderr
    assert "listening on" not in result.stdout


def test_a_bad_fixtures_file_stops_the_start(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"profiles": [{"profile_id": "nope"}]}')
    result = run_cli("serve", "--port", "0", "--db", ":memory:", "--fixtures", str(bad))
    assert result.returncode != 0
    assert "profiles.0.profile_id: Must be a valid UUID." in result.stderr


def test_a_port_in_use_exits_1_with_a_message() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--port", str(port), "--db", ":memory:")
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


# --- zero config, banner, env vars ---------------------------------------------------------


def _start_cli(
    args: list[str], env: dict[str, str], cwd: Path
) -> tuple[subprocess.Popen[str], str, str]:
    """Start the CLI; return it with the URL its banner printed and the whole banner."""
    process = subprocess.Popen(
        [*CLI, "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=cwd,
    )
    assert process.stdout is not None
    banner = process.stdout.readline()
    match = re.search(r"listening on (http://\S+)", banner)
    if match is None:
        process.kill()
        raise AssertionError(f"no banner: {banner!r} {process.communicate(timeout=10)}")
    while not banner.endswith("Stop with Ctrl+C or SIGTERM.\n"):
        banner += process.stdout.readline()
    return process, match[1], banner


def test_zero_config_start_with_banner_and_a_file_database(tmp_path: Path) -> None:
    # Only the port is chosen (a fixed 8080 may be taken on a test machine).
    process, url, out = _start_cli([], clean_env(RECORDED_SERVER_PORT="0"), tmp_path)
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
        assert int(url.rsplit(":", 1)[1]) != 0
        response = httpx.post(url + PATH, headers=headers(customer="zero"), json={})
        assert response.status_code == 200
        assert (tmp_path / "recorded-server.sqlite3").exists()
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=20)
    assert process.returncode == 0
    assert f"API key:          {DEFAULT_API_KEY}" in out
    assert str(tmp_path / "recorded-server.sqlite3") in out
    assert "journal wal, synchronous=FULL" in out
    assert f"profile endpoint: {url}{PATH}" in out


def test_env_vars_configure_the_server_and_options_win(tmp_path: Path) -> None:
    env = clean_env(
        RECORDED_SERVER_PORT="0",
        RECORDED_SERVER_API_KEY="env-key",
        RECORDED_SERVER_APP_ID="1b4e28ba-2fa1-11d2-883f-0016d3cca427",
        RECORDED_SERVER_DB=str(tmp_path / "env.sqlite3"),
        RECORDED_SERVER_MAX_BODY="50",
        RECORDED_SERVER_FIXTURES=":seed:",
    )
    process, url, out = _start_cli(["--max-body", "60"], env, tmp_path)
    try:
        created = httpx.post(url + PATH, headers=headers("env-key", "e"), json={})
        assert created.json()["data"]["app_id"] == "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
        assert httpx.post(url + PATH, headers=headers(customer="e2"), json={}).status_code == 401
        body = b'{"first_name": "' + b"a" * 40 + b'"}'  # 57 bytes: over 50, within 60
        assert (
            httpx.post(url + PATH, headers=headers("env-key", "e3"), content=body).status_code
            == 200
        )
        seeded = httpx.get(
            url + PATH, headers=headers("env-key", "8612ED7C-3477-466D-93AE-1854B8E5FDD5")
        )
        assert seeded.json()["data"]["total_revenue_usd"] == 109.88999999999999
        assert (tmp_path / "env.sqlite3").exists()
    finally:
        process.send_signal(signal.SIGTERM)
        rest, _ = process.communicate(timeout=20)
    assert process.returncode == 0
    assert "env-key" not in out + rest  # a custom key is not printed
    assert "RECORDED_SERVER_API_KEY" in out
    assert "fixtures:         1 profile(s) from :seed:" in out


# --- shutdown, restart, durability ---------------------------------------------------------


def test_sigterm_exits_0_and_a_restart_keeps_the_data(tmp_path: Path) -> None:
    db = tmp_path / "data.sqlite3"
    server = ServerProcess(db=db).start()
    try:
        created = httpx.post(
            server.url + PATH,
            headers={**server.headers, "adapty-profile-id": PROFILE_ID},
            json={"first_name": "Kept", "custom_attributes": [{"key": "k", "value": 1}]},
        )
        assert created.status_code == 200
        assert server.stop() == 0
        assert "Application shutdown complete" in server.log()
        server.restart()
        got = httpx.get(
            server.url + PATH, headers={**server.headers, "adapty-profile-id": PROFILE_ID}
        )
        assert got.status_code == 200
        assert got.json()["data"]["custom_attributes"] == [{"key": "k", "value": 1.0}]
        stored = httpx.get(f"{server.url}/_recorded/profiles/{PROFILE_ID}", headers=server.headers)
        assert stored.json()["fields"]["first_name"] == "Kept"
    finally:
        server.close()


def test_an_in_memory_store_starts_empty_after_a_restart() -> None:
    with ServerProcess(db=":memory:") as server:
        httpx.post(
            server.url + PATH, headers={**server.headers, "adapty-customer-user-id": "m"}, json={}
        )
        server.restart()
        listed = httpx.get(server.url + "/_recorded/profiles", headers=server.headers)
        assert listed.json() == {"profiles": []}


def test_sigterm_while_requests_are_in_flight_exits_0(tmp_path: Path) -> None:
    server = ServerProcess(db=tmp_path / "busy.sqlite3").start()
    try:

        async def burst() -> None:
            async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
                tasks = [
                    asyncio.create_task(
                        client.post(
                            PATH,
                            headers={**server.headers, "adapty-customer-user-id": f"b{i}"},
                            json={},
                        )
                    )
                    for i in range(50)
                ]
                await asyncio.sleep(0.05)
                server.terminate()
                await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run(burst())
        assert server.stop() == 0
        assert server.stop() == 0  # idempotent: no second SIGTERM, the same exit code
    finally:
        server.close()


def test_kill_9_during_a_burst_of_creates_loses_no_acknowledged_create(tmp_path: Path) -> None:
    db = tmp_path / "crash.sqlite3"
    server = ServerProcess(db=db).start()
    acknowledged: list[str] = []

    async def burst() -> None:
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        async with httpx.AsyncClient(base_url=server.url, timeout=10, limits=limits) as client:
            stop = asyncio.Event()

            async def worker(w: int) -> None:
                i = 0
                while not stop.is_set() and i < 2000:
                    customer = f"w{w}-{i}"
                    i += 1
                    try:
                        response = await client.post(
                            PATH,
                            headers={**server.headers, "adapty-customer-user-id": customer},
                            json={},
                        )
                    except httpx.HTTPError:
                        return
                    if response.status_code == 200:
                        acknowledged.append(customer)

            workers = [asyncio.create_task(worker(w)) for w in range(64)]
            deadline = time.monotonic() + 20
            while len(acknowledged) < 300 and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            server.kill()  # SIGKILL in the middle of the burst
            stop.set()
            await asyncio.gather(*workers)

    try:
        asyncio.run(burst())
        assert server.process is not None and server.process.returncode == -signal.SIGKILL
        assert len(acknowledged) >= 300
        server.restart()
        listed = httpx.get(server.url + "/_recorded/profiles", headers=server.headers, timeout=30)
        stored = {p["customer_user_id"] for p in listed.json()["profiles"]}
        missing = set(acknowledged) - stored
        assert not missing, f"{len(missing)} acknowledged creates lost, e.g. {sorted(missing)[:5]}"
    finally:
        server.close()


# --- logs ----------------------------------------------------------------------------------


def test_one_log_line_per_request_with_its_request_id() -> None:
    with ServerProcess() as server:
        ok = httpx.post(
            server.url + PATH, headers={**server.headers, "adapty-customer-user-id": "log"}, json={}
        )
        missing = httpx.get(server.url + "/nope", headers=server.headers)
        unauthorized = httpx.delete(server.url + PATH)
        time.sleep(0.3)  # the log is written by a background thread
        log = server.log()
    for response, method, path in [
        (ok, "POST", PATH),
        (missing, "GET", "/nope"),
        (unauthorized, "DELETE", PATH),
    ]:
        request_id = response.headers["request-id"]
        lines = [line for line in log.splitlines() if request_id in line]
        assert len(lines) == 1, log
        assert re.fullmatch(
            r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} "
            rf"INFO recorded_server\.access: {request_id} {method} {re.escape(path)} "
            rf"{response.status_code} \d+\.\dms",
            lines[0],
        ), lines[0]
    assert "uvicorn.access" not in log


def test_the_api_key_never_appears_in_the_log() -> None:
    key = "Sk-Very-Secret-0123456789abcdef"
    with ServerProcess(api_key=key) as server:
        auth = {"Authorization": f"Api-Key {key}"}
        requests = [
            ("POST", PATH, {**auth, "adapty-customer-user-id": key}, b"{}"),
            ("GET", PATH, {**auth, "adapty-customer-user-id": key}, b""),
            ("GET", f"/{key}", auth, b""),
            ("GET", f"/_recorded/profiles/{key}", auth, b""),
            ("POST", PATH + f"?key={key}", auth, b""),
            ("GET", PATH, {"Authorization": f"Api-Key {key}x"}, b""),
            ("GET", PATH, {"Authorization": f"Bearer {key}"}, b""),
            (
                "PATCH",
                PATH,
                {**auth, "adapty-customer-user-id": key},
                b'{"first_name": "' + key.encode() + b'"}',
            ),
            ("DELETE", PATH, {**auth, "adapty-customer-user-id": key}, b""),
        ]
        for method, path, request_headers, body in requests:
            response = httpx.request(
                method, server.url + path, headers=request_headers, content=body
            )
            assert response.status_code < 500
        time.sleep(0.3)
        log = server.log()
        banner = server.banner()
    assert log.count("recorded_server.access") >= len(requests)
    assert key not in log
    assert key not in banner
    assert "[redacted]" in log


def test_free_port_gives_a_bindable_port() -> None:
    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_server_process_reports_a_failed_start() -> None:
    server = ServerProcess(extra_args=["--max-body", "0"])
    with pytest.raises(RuntimeError, match="max_body must be at least 1 byte"):
        server.start(timeout=20)
    assert server.process is not None and server.process.returncode == 2
