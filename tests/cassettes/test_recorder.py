"""``recorded-server record`` over real sockets, in front of a tiny echo upstream."""

from __future__ import annotations

import concurrent.futures
import gzip
import json
import re
from pathlib import Path

import httpx
import pytest

from recorded_server.cassettes.format import find_cassettes, load_cassette
from recorded_server.cassettes.recorder import SCENARIO_HEADER

from .conftest import CliProcess, ThreadedServer, free_port

KEY = "live-secret-key-0123456789"
pytestmark = pytest.mark.socket


def _record(upstream_url: str, cassettes: Path, *extra: str) -> CliProcess:
    return CliProcess("record", ["--upstream", upstream_url, "--cassettes", str(cassettes), *extra])


def _comparable(response: httpx.Response) -> tuple[int, list[tuple[str, str]], object]:
    """Status, headers and echoed request, minus what differs between two calls by nature.

    The echo's ``Request-Id`` is fresh per call and its body is the request it saw, which
    differs only in ``Connection`` (hop-by-hop: a proxy never forwards it) and so in length.
    """
    ignored = ("request-id", "date", "content-length")
    headers = [(k, v) for k, v in response.headers.multi_items() if k not in ignored]
    echoed = response.json()
    echoed["headers"] = [h for h in echoed["headers"] if h[0] != "connection"]
    return response.status_code, headers, echoed


def test_requests_pass_through_unchanged_and_are_recorded(
    tmp_path: Path, upstream: tuple[ThreadedServer, object]
) -> None:
    server, echo = upstream
    with _record(server.url, tmp_path, "--scenario", "echo") as proxy:
        headers = {
            "Authorization": f"Api-Key {KEY}",
            "adapty-customer-user-id": "user-1",
            "X-Custom": "kept",
            "Content-Type": "application/json",
        }
        body = b'{"b": 2,  "a": [1, 2.50, "\\u00e9"]}'
        path = "/api/v2/server-side-api/profile/?status=201&z=%2F&a=1"
        via_proxy = httpx.post(proxy.url + path, content=body, headers=headers)
        direct = httpx.post(server.url + path, content=body, headers=headers)
    assert _comparable(via_proxy) == _comparable(direct)
    assert via_proxy.status_code == 201
    assert via_proxy.headers.get_list("set-cookie") == ["a=1", "b=2"]
    assert re.fullmatch(r"[0-9a-f]{32}", via_proxy.headers["request-id"])
    seen, _ = echo.received  # type: ignore[attr-defined]
    assert seen["raw_path"] == "/api/v2/server-side-api/profile/"
    assert seen["query"] == "status=201&z=%2F&a=1"
    assert seen["body"] == body.decode()
    forwarded = dict(seen["headers"])
    assert forwarded["authorization"] == f"Api-Key {KEY}"  # the upstream gets the real key
    assert forwarded["host"] == f"127.0.0.1:{server.port}"
    assert forwarded["x-custom"] == "kept"

    cassette = tmp_path / "echo.yaml"
    assert KEY not in cassette.read_text()
    (interaction,) = load_cassette(cassette).interactions
    assert interaction.request.method == "POST"
    assert interaction.request.uri == server.url + path
    assert interaction.request.body == body
    assert interaction.request.header("authorization") == "Api-Key REDACTED"
    assert interaction.request.header("adapty-customer-user-id") == "user-1"
    assert interaction.response.status == 201
    assert interaction.response.message == "Created"
    # the echo repeats the key in its body: scrubbed there too
    assert KEY.encode() in via_proxy.content
    assert interaction.response.body == via_proxy.content.replace(KEY.encode(), b"REDACTED")
    assert interaction.response.header("request-id") == via_proxy.headers["request-id"]
    assert [v for k, v in interaction.response.headers if k == "set-cookie"] == ["a=1", "b=2"]


def test_empty_body_methods_and_204(
    tmp_path: Path, upstream: tuple[ThreadedServer, object]
) -> None:
    server, echo = upstream
    with _record(server.url, tmp_path, "--scenario", "s") as proxy:
        get = httpx.get(proxy.url + "/x")
        deleted = httpx.delete(proxy.url + "/empty")
        put = httpx.put(proxy.url + "/y")
    assert get.status_code == 200 and deleted.status_code == 204 and put.status_code == 200
    assert deleted.content == b""
    headers = [dict(r["headers"]) for r in echo.received]  # type: ignore[attr-defined]
    assert "content-length" not in headers[0]  # a GET without a body stays without one
    assert headers[2]["content-length"] == "0"  # httpx sends 0 for an empty PUT: so do we
    methods = [i.request.method for i in load_cassette(tmp_path / "s.yaml").interactions]
    assert methods == ["GET", "DELETE", "PUT"]


def test_compressed_responses_pass_through_and_are_written_readable(
    tmp_path: Path, upstream: tuple[ThreadedServer, object]
) -> None:
    server, _ = upstream
    with _record(server.url, tmp_path, "--scenario", "gz") as proxy:
        raw = httpx.get(proxy.url + "/gzip", headers={"Accept-Encoding": "gzip"})
    assert raw.headers["content-encoding"] == "gzip"
    assert json.loads(raw.content)["compressed"] is True  # httpx decoded the proxied gzip
    (interaction,) = load_cassette(tmp_path / "gz.yaml").interactions
    assert interaction.response.header("content-encoding") is None
    assert json.loads(interaction.response.body)["compressed"] is True
    assert interaction.response.header("content-length") == str(len(interaction.response.body))
    assert gzip.compress(interaction.response.body)  # and it is the plain body


def test_scenario_header_picks_the_cassette_and_is_not_forwarded(
    tmp_path: Path, upstream: tuple[ThreadedServer, object]
) -> None:
    server, echo = upstream
    with _record(server.url, tmp_path) as proxy:
        httpx.get(proxy.url + "/a", headers={SCENARIO_HEADER: "first"})
        httpx.get(proxy.url + "/b", headers={SCENARIO_HEADER: "second"})
        httpx.get(proxy.url + "/c", headers={SCENARIO_HEADER: "first"})
        httpx.get(proxy.url + "/d")
        bad = httpx.get(proxy.url + "/e", headers={SCENARIO_HEADER: "../escape"})
    assert bad.status_code == 400
    assert bad.json()["error_code"] == "invalid_scenario"
    assert re.fullmatch(r"[0-9a-f]{32}", bad.headers["request-id"])
    for seen in echo.received:  # type: ignore[attr-defined]
        assert SCENARIO_HEADER not in dict(seen["headers"])
    names = sorted(p.name for p in find_cassettes(tmp_path))
    assert names[:2] == ["first.yaml", "second.yaml"]
    assert len(names) == 3 and re.fullmatch(r"session-\d{8}T\d{6}Z-[0-9a-f]{8}\.yaml", names[2])
    paths = [i.request.path for i in load_cassette(tmp_path / "first.yaml").interactions]
    assert paths == ["/a", "/c"]
    session = load_cassette(tmp_path / names[2]).interactions
    assert [i.request.path for i in session] == ["/d"]  # the refused /e was not recorded


def test_redact_fields_in_request_and_response(
    tmp_path: Path, upstream: tuple[ThreadedServer, object]
) -> None:
    server, echo = upstream
    with _record(
        server.url, tmp_path, "--scenario", "r", "--redact", "email", "--redact", "phone_number"
    ) as proxy:
        answer = httpx.post(proxy.url + "/profile", json={"email": "me@example.com", "x": 1})
    assert answer.json()["data"]["email"] == "jane@example.com"  # the caller sees it all
    assert "me@example.com" in echo.received[0]["body"]  # type: ignore[attr-defined]
    text = (tmp_path / "r.yaml").read_text()
    assert "example.com" not in text and "+1234" not in text
    (interaction,) = load_cassette(tmp_path / "r.yaml").interactions
    assert json.loads(interaction.request.body) == {"email": "REDACTED", "x": 1}
    assert json.loads(interaction.response.body)["data"] == {
        "email": "REDACTED",
        "phone_number": "REDACTED",
        "keep": "yes",
    }


def test_upstream_down_is_502_in_the_envelope_and_not_recorded(tmp_path: Path) -> None:
    with _record(f"http://127.0.0.1:{free_port()}", tmp_path, "--scenario", "down") as proxy:
        response = httpx.post(
            proxy.url + "/api/v2/server-side-api/profile/",
            json={},
            headers={"Authorization": f"Api-Key {KEY}"},
        )
    assert response.status_code == 502
    body = response.json()
    assert body["error_code"] == "upstream_unavailable"
    assert body["status_code"] == 502
    assert body["errors"][0]["source"] == "upstream"
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["request-id"])
    assert find_cassettes(tmp_path) == []


def test_slow_upstream_is_504_in_the_envelope_and_not_recorded(
    tmp_path: Path, upstream: tuple[ThreadedServer, object]
) -> None:
    server, _ = upstream
    with _record(server.url, tmp_path, "--scenario", "slow", "--timeout", "0.5") as proxy:
        slow = httpx.get(proxy.url + "/slow?seconds=3", timeout=10)
        fast = httpx.get(proxy.url + "/fast")
    assert slow.status_code == 504
    assert slow.json()["error_code"] == "upstream_timeout"
    assert slow.json()["status_code"] == 504
    assert re.fullmatch(r"[0-9a-f]{32}", slow.headers["request-id"])
    assert fast.status_code == 200
    paths = [i.request.path for i in load_cassette(tmp_path / "slow.yaml").interactions]
    assert paths == ["/fast"]


def test_concurrent_exchanges_are_all_recorded(
    tmp_path: Path, upstream: tuple[ThreadedServer, object]
) -> None:
    server, _ = upstream
    with _record(server.url, tmp_path, "--scenario", "many") as proxy, httpx.Client() as client:

        def call(n: int) -> int:
            return client.post(f"{proxy.url}/n/{n}", json={"n": n}).status_code

        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(call, range(40)))
    assert statuses == [200] * 40
    interactions = load_cassette(tmp_path / "many.yaml").interactions
    assert sorted(json.loads(i.request.body)["n"] for i in interactions) == list(range(40))


def test_record_refuses_bad_options(tmp_path: Path) -> None:
    from .conftest import run_cli

    for args in (
        ["--upstream", "ftp://x", "--cassettes", str(tmp_path)],
        ["--upstream", "http://x", "--cassettes", str(tmp_path), "--scenario", "../x"],
        ["--upstream", "http://x", "--cassettes", str(tmp_path), "--timeout", "0"],
        ["--cassettes", str(tmp_path)],
    ):
        result = run_cli("record", *args, timeout=60)
        assert result.returncode == 2, (args, result.stderr)
        assert "error" in result.stderr


def test_an_upstream_with_a_base_path_gets_it_in_front(
    tmp_path: Path, upstream: tuple[ThreadedServer, object]
) -> None:
    server, echo = upstream
    with _record(server.url + "/base/", tmp_path, "--scenario", "b") as proxy:
        answer = httpx.get(proxy.url + "/api/x%20y?q=1")
    assert answer.status_code == 200
    assert echo.received[0]["raw_path"] == "/base/api/x%20y"  # type: ignore[attr-defined]
    assert echo.received[0]["query"] == "q=1"  # type: ignore[attr-defined]
    (interaction,) = load_cassette(tmp_path / "b.yaml").interactions
    assert interaction.request.uri == server.url + "/base/api/x%20y?q=1"


def test_record_refuses_big_bodies_overwrites_and_secret_file_names(
    tmp_path: Path, upstream: tuple[ThreadedServer, object]
) -> None:
    """Issue 16 #6 and #4: a 200 MB body went through record; any client could overwrite an
    existing cassette by naming it; a scenario equal to the key named a file after it."""
    server, _ = upstream
    (tmp_path / "existing.yaml").write_text("version: 1\ninteractions: []\n")
    auth = {"Authorization": f"Api-Key {KEY}"}
    with _record(server.url, tmp_path, "--max-body", "1000") as proxy:
        big = httpx.post(proxy.url + "/p", content=b"x" * 1001, headers=auth)
        overwrite = httpx.get(proxy.url + "/p", headers={**auth, SCENARIO_HEADER: "existing"})
        secret = httpx.get(proxy.url + "/p", headers={**auth, SCENARIO_HEADER: KEY})
        fine = httpx.post(proxy.url + "/p", content=b"x" * 1000, headers=auth)
    assert big.status_code == 413, big.text
    assert "--max-body" in big.text
    assert overwrite.status_code == 409, overwrite.text
    assert "--append" in overwrite.text
    assert secret.status_code == 400, secret.text
    assert KEY not in secret.text
    assert fine.status_code == 200, fine.text
    assert (tmp_path / "existing.yaml").read_text() == "version: 1\ninteractions: []\n"
    assert not any(KEY in p.name for p in tmp_path.iterdir())
    text = "".join(p.read_text() for p in find_cassettes(tmp_path))
    assert KEY not in text and "x" * 1001 not in text
