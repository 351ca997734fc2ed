"""Record the emulator through the proxy, replay it with the emulator stopped, verify it.

All over real sockets and real processes: ``ServerProcess`` (the emulator),
``recorded-server record`` in front of it, then ``recorded-server replay`` and
``recorded-server verify`` on what was written. The traffic is the reference
scenarios of ``scripts/record_reference_cassettes.py``.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from recorded_server.cassettes.format import load_cassettes
from recorded_server.testing.process import ServerProcess

from .conftest import ROOT, CliProcess, run_cli

KEY = "round-trip-secret-5f0c2a9b7d"
pytestmark = pytest.mark.socket


def _script() -> ModuleType:
    name = "record_reference_cassettes"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _answers(exchanges: list[Any]) -> list[tuple[str, str, int, bytes]]:
    return [(e.scenario, e.method, e.response.status_code, e.response.content) for e in exchanges]


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Any]]:
    """The reference scenarios, driven through ``record`` in front of a running emulator."""
    cassettes = tmp_path_factory.mktemp("cassettes")
    script = _script()
    with (
        ServerProcess(api_key=KEY, fixtures=":seed:") as emulator,
        CliProcess("record", ["--upstream", emulator.url, "--cassettes", str(cassettes)]) as proxy,
    ):
        exchanges = script.drive(proxy.url, KEY)
    return cassettes, exchanges


def test_record_returns_what_the_emulator_returns(tmp_path: Path) -> None:
    """Same request, direct and through the proxy: the same status, headers and bytes."""
    script = _script()
    with (
        ServerProcess(api_key=KEY, fixtures=":seed:") as emulator,
        CliProcess("record", ["--upstream", emulator.url, "--cassettes", str(tmp_path)]) as proxy,
        httpx.Client() as client,
    ):
        auth = {"Authorization": f"Api-Key {KEY}"}
        requests: list[tuple[str, dict[str, str], bytes | None]] = [
            ("GET", {**auth, "adapty-profile-id": script.SEED_PROFILE_ID}, None),
            ("GET", {**auth, "adapty-customer-user-id": "nobody"}, None),
            ("POST", {"adapty-customer-user-id": "x"}, b"{}"),
            ("POST", {**auth, "adapty-customer-user-id": "x", "content-type": "text/csv"}, b"a"),
            ("PATCH", {**auth, "adapty-customer-user-id": "x"}, b'{"first_name": '),
            ("DELETE", {**auth}, None),
        ]
        for method, headers, body in requests:
            path = script.PROFILE_PATH
            direct = client.request(method, emulator.url + path, headers=headers, content=body)
            proxied = client.request(method, proxy.url + path, headers=headers, content=body)
            assert proxied.status_code == direct.status_code
            assert _without_volatile(proxied) == _without_volatile(direct)
            assert proxied.headers["request-id"] != direct.headers["request-id"]  # two requests


def _without_volatile(response: httpx.Response) -> tuple[list[tuple[str, str]], bytes]:
    """Headers and body, minus what differs on every call (Request-Id, Date, timestamp) and the
    hop-by-hop ``Connection`` (whether an early answer closes depends on how much of the body
    had arrived; the proxy keeps its own connection to the client)."""
    volatile = ("request-id", "date", "connection")
    headers = [(k, v) for k, v in response.headers.multi_items() if k not in volatile]
    body = response.content
    if body.startswith(b'{"data"'):
        document = json.loads(body)
        document["data"]["timestamp"] = 0
        body = json.dumps(document).encode()
    return headers, body


def test_cassettes_hold_every_exchange_and_no_api_key(recorded: tuple[Path, list[Any]]) -> None:
    cassettes, exchanges = recorded
    script = _script()
    loaded = {c.path.stem: c.interactions for c in load_cassettes(cassettes)}
    assert sorted(loaded) == sorted(script.SCENARIOS)
    assert sum(len(i) for i in loaded.values()) == len(exchanges)
    for path in cassettes.iterdir():
        text = path.read_text(encoding="utf-8")
        assert KEY not in text, path.name
        assert "Api-Key REDACTED" in text or "authorization" not in text.lower()
    by_scenario: dict[str, list[Any]] = {}
    for exchange in exchanges:
        by_scenario.setdefault(exchange.scenario, []).append(exchange)
    for scenario, interactions in loaded.items():
        got = [(i.request.method, i.response.status, i.response.body) for i in interactions]
        sent = [
            (e.method, e.response.status_code, e.response.content) for e in by_scenario[scenario]
        ]
        assert got == sent, scenario


def test_replay_answers_the_same_with_the_emulator_stopped(
    recorded: tuple[Path, list[Any]],
) -> None:
    cassettes, exchanges = recorded
    with CliProcess("replay", ["--cassettes", str(cassettes)]) as replay:
        replayed = _script().drive(replay.url, "any-key-at-all")
        again = httpx.get(
            replay.url + _script().PROFILE_PATH,
            headers={"adapty-profile-id": _script().SEED_PROFILE_ID},
        )
    assert _answers(replayed) == _answers(exchanges)
    for original, answer in zip(exchanges, replayed, strict=True):
        assert answer.response.headers["request-id"] == original.response.headers["request-id"]
    assert again.status_code == 404  # its one recording was played: no guess
    assert again.json()["error_code"] == "no_recording_matches"
    sources = {item["source"]: item["errors"] for item in again.json()["errors"]}
    assert sources["closest_recording"][0].startswith("seed_profile.yaml interaction 0: GET ")


def test_verify_passes_on_the_recordings(recorded: tuple[Path, list[Any]]) -> None:
    cassettes, _ = recorded
    result = run_cli("verify", "--cassettes", str(cassettes))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("no drift")


def test_verify_fails_on_a_recording_with_a_broken_field(
    recorded: tuple[Path, list[Any]], tmp_path: Path
) -> None:
    cassettes, _ = recorded
    text = (cassettes / "create_read_update_delete.yaml").read_text(encoding="utf-8")
    assert '"total_revenue_usd":0.0' in text
    broken = text.replace('"total_revenue_usd":0.0', '"total_revenue_usd":"0.0"', 1)
    (tmp_path / "create_read_update_delete.yaml").write_text(broken, encoding="utf-8")
    result = run_cli("verify", "--cassettes", str(tmp_path))
    assert result.returncode == 1
    assert (
        "DRIFT create_read_update_delete.yaml interaction 0 "
        "(POST /api/v2/server-side-api/profile/ -> 200): "
        "response body $.data.total_revenue_usd: \"0.0\" is not of type 'number'"
    ) in result.stdout.splitlines()
