"""Replay as a real server, over real sockets: health, rewind, --repeat, --match-on, the
environment variables, JSON logs with the replayed Request-Id, and HAR export."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from recorded_server.cassettes.format import (
    Interaction,
    RecordedRequest,
    RecordedResponse,
    write_cassette,
)
from recorded_server.cassettes.matchers import parse_match_on
from recorded_server.cli.env import variable_name

from .conftest import CliProcess, ThreadedServer, run_cli

pytestmark = pytest.mark.socket
P = "/api/v2/server-side-api/profile/"
KEY = "replay-env-secret-0123456789"


def _cassette(directory: Path) -> Path:
    path = directory / "c.yaml"
    write_cassette(
        path,
        [
            Interaction(
                RecordedRequest(
                    "POST",
                    "http://up" + P,
                    (
                        ("adapty-customer-user-id", "u1"),
                        ("x-client", "a"),
                        ("accept", "*/*"),  # what httpx sends: the headers matcher sees it
                        ("content-type", "application/json"),
                    ),
                    b'{"a": 1}',
                ),
                RecordedResponse(200, "OK", (("request-id", "1" * 32),), b'{"n": 1}'),
            ),
            Interaction(
                RecordedRequest(
                    "GET", "http://up" + P + "?x=1", (("adapty-customer-user-id", "u1"),)
                ),
                RecordedResponse(200, "OK", (("request-id", "2" * 32),), b'{"n": 2}'),
            ),
        ],
    )
    return path


def test_health_rewind_and_repeat(tmp_path: Path) -> None:
    _cassette(tmp_path)
    user = {"adapty-customer-user-id": "u1", "Authorization": f"Api-Key {KEY}"}
    with (
        CliProcess("replay", ["--cassettes", str(tmp_path), "--log-format", "json"]) as replay,
        httpx.Client(base_url=f"http://127.0.0.1:{replay.port}") as client,
    ):
        health = client.get("/_recorded/health").json()
        assert health == {
            "status": "ok",
            "server": "replay",
            "recordings": 2,
            "played": 0,
            "unplayed": 2,
            "repeat": False,
            "match_on": ["method", "path", "query", "identity", "body"],
        }
        assert client.post(P, json={"a": 1}, headers=user).json() == {"n": 1}
        again = client.post(P, json={"a": 1}, headers=user)
        assert again.status_code == 404 and "POST /_recorded/rewind" in again.text
        assert client.get("/_recorded/health").json()["played"] == 1
        assert client.get("/_recorded/rewind").status_code == 405
        assert client.post("/_recorded/rewind").json() == {"rewound": 1, "recordings": 2}
        assert client.post(P, json={"a": 1}, headers=user).json() == {"n": 1}  # from the start
    lines = [json.loads(line) for line in replay.output.decode().splitlines() if line[:1] == "{"]
    replayed = [line for line in lines if line.get("source") == "c.yaml interaction 0"]
    assert len(replayed) == 2
    assert {line["request_id"] for line in replayed} == {"1" * 32}  # the replayed Request-Id
    assert replayed[0]["status"] == 200 and replayed[0]["path"] == P
    assert any(line.get("source") == "no recording" for line in lines)
    assert KEY not in replay.output.decode()

    with (
        CliProcess("replay", ["--cassettes", str(tmp_path), "--repeat"]) as replay,
        httpx.Client(base_url=f"http://127.0.0.1:{replay.port}") as client,
    ):
        answers = [client.get(P + "?x=1", headers=user).status_code for _ in range(3)]
        assert answers == [200, 200, 200]
        assert client.get("/_recorded/health").json()["repeat"] is True


def test_match_on_and_environment_variables(tmp_path: Path) -> None:
    _cassette(tmp_path)
    env = {
        variable_name("replay", "--cassettes"): str(tmp_path),
        variable_name("replay", "--match-on"): "method,path",
    }
    with CliProcess("replay", [], env=env) as replay:
        # body, query and identity are not compared: method and path are enough
        loose = httpx.post(replay.url + P, json={"other": True})
        health = httpx.get(replay.url + "/_recorded/health").json()
    assert loose.status_code == 200 and loose.json() == {"n": 1}
    assert health["match_on"] == ["method", "path"]

    with CliProcess(
        "replay", ["--cassettes", str(tmp_path), "--match-on", "method,path,headers"], env=env
    ) as replay:  # the command line wins over the variable
        user = {"adapty-customer-user-id": "u1"}
        wrong = httpx.post(replay.url + P, json={"a": 1}, headers={**user, "x-client": "b"})
        right = httpx.post(replay.url + P, json={"other": 1}, headers={**user, "x-client": "a"})
    assert wrong.status_code == 404
    differences = {i["source"]: i["errors"] for i in wrong.json()["errors"]}["differences"]
    assert differences == ["header x-client: recorded 'a', got 'b'"]
    assert right.status_code == 200


@pytest.mark.parametrize(
    ("command", "variable", "value", "expected"),
    [
        ("replay", "RECORDED_SERVER_REPLAY_MATCH_ON", "method,colour", "unknown matcher 'colour'"),
        ("replay", "RECORDED_SERVER_REPLAY_PORT", "eighty", "not a port number"),
        ("replay", "RECORDED_SERVER_REPLAY_REPEAT", "maybe", "expected one of"),
        ("record", "RECORDED_SERVER_RECORD_RECORD_MODE", "sometimes", "unknown record mode"),
        ("record", "RECORDED_SERVER_RECORD_FSYNC_INTERVAL", "-1", "must be 0 or more"),
        ("verify", "RECORDED_SERVER_VERIFY_LOG_FORMAT", "xml", "not one of text, json"),
    ],
)
def test_an_invalid_variable_is_named(
    tmp_path: Path, command: str, variable: str, value: str, expected: str
) -> None:
    args = [command, "--cassettes", str(tmp_path)]
    if command == "record":
        args += ["--upstream", "http://127.0.0.1:9"]
    result = run_cli(*args, env={variable: value}, timeout=60)
    assert result.returncode == 2, result.stderr
    assert f"{variable}={value!r}" in result.stderr and expected in result.stderr
    assert "Traceback" not in result.stderr


def test_matchers_are_named_and_checked() -> None:
    assert parse_match_on("method, path,,body") == ("method", "path", "body")
    with pytest.raises(ValueError, match="unknown matcher 'host'"):
        parse_match_on("method,host")


def test_record_logs_the_upstreams_request_id_in_json_and_no_secret(
    tmp_path: Path, upstream: tuple[ThreadedServer, object]
) -> None:
    server, _ = upstream
    args = ["--upstream", server.url, "--cassettes", str(tmp_path), "--scenario", "j"]
    env = {variable_name("record", "--log-format"): "json"}
    with CliProcess("record", args, env=env) as proxy:
        answer = httpx.get(
            proxy.url + f"/x?token={KEY}", headers={"Authorization": f"Api-Key {KEY}"}
        )
    output = proxy.output.decode()
    lines = [json.loads(line) for line in output.splitlines() if line[:1] == "{"]
    (line,) = [line for line in lines if line.get("source") == "recorded"]
    assert line["request_id"] == answer.headers["request-id"]
    assert line["method"] == "GET" and line["status"] == 200
    assert line["path"] == "/x?token=REDACTED"
    assert KEY not in output


def test_export_har(tmp_path: Path) -> None:
    _cassette(tmp_path)
    (tmp_path / "bin.yaml").write_text("")  # replaced below
    write_cassette(
        tmp_path / "bin.yaml",
        [
            Interaction(
                RecordedRequest(
                    "PUT", "http://up/b", (("content-type", "image/png"),), b"\xff\x00"
                ),
                RecordedResponse(201, "Created", (("set-cookie", "s=1; Path=/"),), b"\xfe"),
            )
        ],
    )
    out = tmp_path / "out.har"
    result = run_cli("export", "--cassettes", str(tmp_path), "--har", str(out), timeout=60)
    assert result.returncode == 0, result.stderr
    assert "exported 3 interactions from 2 cassettes" in result.stderr
    har = json.loads(out.read_text())["log"]
    assert har["version"] == "1.2" and har["creator"]["name"] == "recorded-server"
    binary, post, get = har["entries"]  # bin.yaml sorts first
    for entry in har["entries"]:
        assert set(entry) >= {"startedDateTime", "time", "request", "response", "cache", "timings"}
        assert entry["startedDateTime"].endswith("Z")
        assert set(entry["request"]) >= {
            "method",
            "url",
            "httpVersion",
            "cookies",
            "headers",
            "queryString",
            "headersSize",
            "bodySize",
        }
        assert set(entry["response"]) >= {
            "status",
            "statusText",
            "httpVersion",
            "cookies",
            "headers",
            "content",
            "redirectURL",
            "headersSize",
            "bodySize",
        }
    assert post["request"]["postData"]["text"] == '{"a": 1}'
    assert post["response"]["content"]["text"] == '{"n": 1}'
    assert post["comment"] == "c.yaml interaction 0"
    assert get["request"]["queryString"] == [{"name": "x", "value": "1"}]
    assert binary["response"]["content"] == {
        "size": 1,
        "mimeType": "",
        "text": "/g==",
        "encoding": "base64",
    }
    assert binary["response"]["cookies"] == [{"name": "s", "value": "1"}]


def test_serve_logs_json_too(tmp_path: Path) -> None:
    """``--log-format json`` is on every command, ``serve`` included (a Settings field)."""
    args = ["--db", ":memory:", "--log-format", "json"]
    with CliProcess("serve", args) as serve:
        httpx.get(serve.url + P, params={"profile_id": "nobody"}, headers={"Authorization": "x"})
    lines = [json.loads(line) for line in serve.output.decode().splitlines() if line[:1] == "{"]
    assert lines and all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    assert any(P in line["message"] for line in lines)


def test_lists_switches_and_the_command_line_over_variables() -> None:
    import argparse

    from recorded_server.cli.env import bind_environment

    def build(environ: dict[str, str]) -> argparse.ArgumentParser:
        parser = argparse.ArgumentParser()
        parser.add_argument("--redact", action="append", default=[])
        parser.add_argument("--append", action="store_true")
        parser.add_argument("--timeout", type=float, default=30.0)
        parser.set_defaults(func=lambda args: args)
        bind_environment(parser, "record", environ)
        return parser

    env = {
        "RECORDED_SERVER_RECORD_REDACT": "email, phone_number",
        "RECORDED_SERVER_RECORD_APPEND": "yes",
        "RECORDED_SERVER_RECORD_TIMEOUT": "2.5",
    }
    parser = build(env)
    args = parser.parse_args([])
    args = args.func(args)
    assert (args.redact, args.append, args.timeout) == (["email", "phone_number"], True, 2.5)
    args = parser.parse_args(["--redact", "name", "--timeout", "1"])
    args = args.func(args)
    assert (args.redact, args.timeout) == (["name"], 1.0)  # the command line wins
    assert "[env: RECORDED_SERVER_RECORD_TIMEOUT]" in build({}).format_help()


def test_a_recorded_health_is_played_as_recorded() -> None:
    """A recording of a recorded server's run holds its ``GET /_recorded/health``: replay
    answers that, so a replayed run sees the same server as the recorded one did."""
    from recorded_server.cassettes.format import Cassette
    from recorded_server.cassettes.replay import Replayer, control_response

    health = Interaction(
        RecordedRequest("GET", "http://up/_recorded/health"),
        RecordedResponse(200, "OK", (), b'{"status": "ok"}'),
    )
    recorded = Replayer([Cassette(Path("h.yaml"), (health,))])
    assert control_response(recorded, "GET", "/_recorded/health") is None  # matched as usual
    assert control_response(Replayer(), "GET", "/_recorded/health") is not None
