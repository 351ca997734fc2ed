"""``record --record-mode``: VCR.py's modes for one proxy that plays what its cassette has and
records what it lacks; every cassette written is still one VCR.py loads. Over real sockets."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest
import vcr  # type: ignore[import-untyped]
from vcr.serialize import deserialize  # type: ignore[import-untyped]
from vcr.serializers import yamlserializer  # type: ignore[import-untyped]

from recorded_server.cassettes.format import load_cassette
from recorded_server.cassettes.recorder import SCENARIO_HEADER

from .conftest import CliProcess, ThreadedServer

pytestmark = pytest.mark.socket
KEY = "mode-secret-key-0123456789"
AUTH = {"Authorization": f"Api-Key {KEY}", "adapty-customer-user-id": "u1"}


def _record(upstream: ThreadedServer, cassettes: Path, *extra: str) -> CliProcess:
    args = ["--upstream", upstream.url, "--cassettes", str(cassettes), "--scenario", "s", *extra]
    return CliProcess("record", args)


def _vcr_loads(path: Path) -> int:
    """How many interactions VCR.py itself reads from ``path``."""
    requests, responses = deserialize(path.read_text(encoding="utf-8"), yamlserializer)
    assert len(requests) == len(responses)
    return len(requests)


def _paths(path: Path) -> list[str]:
    return [i.request.path for i in load_cassette(path).interactions]


def test_new_episodes_plays_what_it_has_and_records_what_it_lacks(
    tmp_path: Path, upstream: tuple[ThreadedServer, object]
) -> None:
    server, echo = upstream
    received: list[object] = echo.received  # type: ignore[attr-defined]
    with _record(server, tmp_path) as proxy:  # the default mode, all: a new cassette
        first = httpx.post(proxy.url + "/a", json={"n": 1}, headers=AUTH)
    assert len(received) == 1
    cassette = tmp_path / "s.yaml"
    with _record(server, tmp_path, "--record-mode", "new_episodes") as proxy:
        again = httpx.post(proxy.url + "/a", json={"n": 1}, headers=AUTH)  # played
        new = httpx.post(proxy.url + "/b", json={"n": 2}, headers=AUTH)  # recorded
        twice = httpx.post(proxy.url + "/a", json={"n": 1}, headers=AUTH)  # played once: new
    assert again.content == first.content.replace(KEY.encode(), b"REDACTED")  # as recorded
    assert again.headers["request-id"] == first.headers["request-id"]
    assert new.status_code == 200 and twice.status_code == 200
    assert len(received) == 3  # /b and the second /a reached the upstream, the first /a did not
    assert _paths(cassette) == ["/a", "/b", "/a"]
    assert _vcr_loads(cassette) == 3
    assert KEY not in cassette.read_text()
    with _record(server, tmp_path, "--record-mode", "new_episodes", "--repeat") as proxy:
        for _ in range(3):
            assert httpx.post(proxy.url + "/b", json={"n": 2}, headers=AUTH).status_code == 200
    assert len(received) == 3  # --repeat: played again, never recorded again
    assert _vcr_loads(cassette) == 3


def test_once_none_and_replay(tmp_path: Path, upstream: tuple[ThreadedServer, object]) -> None:
    server, echo = upstream
    received: list[object] = echo.received  # type: ignore[attr-defined]
    with _record(server, tmp_path, "--record-mode", "once") as proxy:  # new: records
        httpx.get(proxy.url + "/a", headers=AUTH)
        httpx.get(proxy.url + "/a", headers=AUTH)
    assert len(received) == 2 and _paths(tmp_path / "s.yaml") == ["/a", "/a"]
    with _record(server, tmp_path, "--record-mode", "once") as proxy:  # existing: plays only
        played = [httpx.get(proxy.url + "/a", headers=AUTH).status_code for _ in range(2)]
        missing = httpx.get(proxy.url + "/other", headers=AUTH)
        fresh = httpx.get(proxy.url + "/c", headers={**AUTH, SCENARIO_HEADER: "fresh"})
    assert played == [200, 200]
    assert missing.status_code == 404
    error = missing.json()
    assert error["error_code"] == "no_recording_matches"
    sources = {item["source"]: item["errors"] for item in error["errors"]}
    assert sources["closest_recording"] == ["s.yaml interaction 0: GET /a -> 200"]
    assert "'once'" in sources["record_mode"][0]
    assert fresh.status_code == 200  # a cassette that did not exist is recorded
    assert len(received) == 3
    assert _paths(tmp_path / "fresh.yaml") == ["/c"] and _vcr_loads(tmp_path / "fresh.yaml") == 1
    with _record(server, tmp_path, "--record-mode", "replay") as proxy:  # replay is none
        assert httpx.get(proxy.url + "/a", headers=AUTH).status_code == 200
        assert httpx.get(proxy.url + "/new", headers=AUTH).status_code == 404
    assert len(received) == 3  # none never reaches the upstream
    assert _vcr_loads(tmp_path / "s.yaml") == 2


def test_vcrpy_plays_back_a_cassette_the_proxy_appended_to(
    tmp_path: Path, upstream: tuple[ThreadedServer, object]
) -> None:
    """A cassette VCR.py wrote (its layout: version last) is appended to by new_episodes, and
    VCR.py itself plays the result."""
    server, _ = upstream
    path = tmp_path / "s.yaml"
    with vcr.use_cassette(str(path), record_mode="once"):
        httpx.get(server.url + "/from-vcr")
    assert path.read_text().rstrip().endswith("version: 1")  # VCR.py's own layout
    with _record(server, tmp_path, "--record-mode", "new_episodes") as proxy:
        httpx.get(proxy.url + "/from-proxy")
    assert _paths(path) == ["/from-vcr", "/from-proxy"]
    with vcr.use_cassette(str(path), record_mode="none", match_on=["method", "path"]):
        assert httpx.get(server.url + "/from-vcr").status_code == 200
        assert httpx.get(server.url + "/from-proxy").status_code == 200


def test_every_answered_exchange_survives_kill_9(
    tmp_path: Path, upstream: tuple[ThreadedServer, object]
) -> None:
    """The writer writes as soon as an exchange is queued: once it has, kill -9 loses nothing
    (the file is valid YAML after every write)."""
    server, _ = upstream
    proxy = _record(server, tmp_path, "--fsync-interval", "5").start()
    try:
        with httpx.Client() as client:
            for n in range(30):
                client.post(proxy.url + "/k", json={"n": n}, headers=AUTH)
        path = tmp_path / "s.yaml"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if path.exists() and path.read_text().count("- request:") == 30:
                break
            time.sleep(0.02)
    finally:
        proxy.kill()
    bodies = [json.loads(i.request.body)["n"] for i in load_cassette(path).interactions]
    assert bodies == list(range(30))
    assert _vcr_loads(path) == 30


def test_record_mode_names() -> None:
    from recorded_server.cassettes.record_modes import RecordMode, parse_record_mode

    assert parse_record_mode("replay") is RecordMode.NONE
    assert parse_record_mode("new-episodes") is RecordMode.NEW_EPISODES
    assert [m.records(True) for m in RecordMode] == [True, True, False, False]
    assert [m.records(False) for m in RecordMode] == [True, True, True, False]
    with pytest.raises(ValueError, match="one of: all, new_episodes, once, none, replay"):
        parse_record_mode("sometimes")
