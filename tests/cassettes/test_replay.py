"""``recorded-server replay``: matching rules, order, and the no-match error."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest

from recorded_server.cassettes.format import (
    Cassette,
    Interaction,
    RecordedRequest,
    RecordedResponse,
    Redactor,
    write_cassette,
)
from recorded_server.cassettes.replay import NoMatch, Recording, Replayer, json_differences

from .conftest import CliProcess

P = "/api/v2/server-side-api/profile/"
USER = ("adapty-customer-user-id", "u1")


def _rec(
    method: str = "POST",
    body: bytes = b'{"a": 1, "b": [true, "x"]}',
    headers: tuple[tuple[str, str], ...] = (USER,),
    answer: bytes = b'{"n": 1}',
    status: int = 200,
    uri: str = "http://upstream:1" + P,
) -> Interaction:
    return Interaction(
        RecordedRequest(method, uri, (("authorization", "Api-Key REDACTED"), *headers), body),
        RecordedResponse(status, "", (("request-id", "a" * 32),), answer),
    )


def _replayer(*interactions: Interaction, **kwargs: object) -> Replayer:
    return Replayer([Cassette(Path("c.yaml"), interactions)], **kwargs)  # type: ignore[arg-type]


def _ask(
    method: str = "POST",
    body: bytes = b'{"b":[true,"x"],"a":1.0}',
    headers: tuple[tuple[str, str], ...] = (USER,),
    uri: str = P,
) -> RecordedRequest:
    return RecordedRequest(method, uri, (("authorization", "Api-Key other"), *headers), body)


def test_json_bodies_match_as_json_not_bytes() -> None:
    found = _replayer(_rec()).match(_ask())
    assert isinstance(found, Recording)
    assert found.index == 0


@pytest.mark.parametrize(
    ("body", "difference"),
    [
        (b'{"a": 1, "b": [1, "x"]}', "body $.b[0]: recorded true, got 1"),
        (b'{"a": 1, "b": [true, "y"]}', 'body $.b[1]: recorded "x", got "y"'),
        (b'{"a": 1}', 'body $.b: recorded [true, "x"], absent from the request'),
        (b'{"a": 1, "b": [true, "x"], "c": null}', "body $.c: not in the recording, got null"),
        (b'{"a": 1, "b": [true, "x", 3]}', "body $.b: recorded 2 items, got 3"),
        (b'{"a": "1", "b": [true, "x"]}', 'body $.a: recorded 1, got "1"'),
        (b"not json", "body: recorded 26 bytes of JSON, got 8 bytes of non-JSON"),
        (b"", "body: recorded 26 bytes of JSON, got no body"),
    ],
)
def test_a_different_body_is_no_match_and_says_where(body: bytes, difference: str) -> None:
    found = _replayer(_rec()).match(_ask(body=body))
    assert isinstance(found, NoMatch)
    assert difference in found.differences


@pytest.mark.parametrize(
    ("asked", "difference"),
    [
        (_ask(method="PATCH"), "method: recorded POST, got PATCH"),
        (_ask(uri=P + "x"), f"path: recorded {P}, got {P}x"),
        (_ask(uri=P + "?a=1"), "query: recorded [], got [('a', '1')]"),
        (_ask(headers=()), "header adapty-customer-user-id: recorded 'u1', got absent"),
        (_ask(headers=(("adapty-customer-user-id", "u2"),)), "recorded 'u1', got 'u2'"),
        (
            _ask(headers=(USER, ("adapty-profile-id", "x"))),
            "header adapty-profile-id: recorded absent, got 'x'",
        ),
    ],
)
def test_method_path_query_and_identity_headers_must_match(
    asked: RecordedRequest, difference: str
) -> None:
    found = _replayer(_rec()).match(asked)
    assert isinstance(found, NoMatch)
    assert any(difference in d for d in found.differences), found.differences


def test_other_headers_and_query_order_do_not_matter() -> None:
    replayer = _replayer(_rec(uri="http://u" + P + "?a=1&b=2"))
    asked = RecordedRequest(
        "POST",
        P + "?b=2&a=1",
        (("ADAPTY-CUSTOMER-USER-ID", "u1"), ("x-trace", "1")),
        b'{"a":1,"b":[true,"x"]}',
    )
    assert isinstance(replayer.match(asked), Recording)


def test_the_same_request_recorded_twice_is_replayed_in_order_then_refused() -> None:
    replayer = _replayer(_rec(answer=b"first"), _rec(answer=b"second", status=409))
    first, second, third = (replayer.match(_ask()) for _ in range(3))
    assert isinstance(first, Recording) and first.interaction.response.body == b"first"
    assert isinstance(second, Recording) and second.interaction.response.status == 409
    assert isinstance(third, NoMatch)
    assert third.closest is second
    assert "already replayed" in third.differences[0]


def test_repeat_plays_the_last_recording_again() -> None:
    replayer = _replayer(_rec(answer=b"first"), _rec(answer=b"second"), repeat=True)
    bodies = []
    for _ in range(4):
        found = replayer.match(_ask())
        assert isinstance(found, Recording)
        bodies.append(found.interaction.response.body)
    assert bodies == [b"first", b"second", b"second", b"second"]


def test_the_closest_recording_is_named() -> None:
    replayer = Replayer(
        [
            Cassette(Path("a.yaml"), (_rec(method="GET", body=b""),)),
            Cassette(Path("b.yaml"), (_rec(body=b'{"a": 2}'), _rec(body=b'{"a": 1, "b": [true]}'))),
        ]
    )
    found = replayer.match(_ask())
    assert isinstance(found, NoMatch)
    assert found.closest is not None and found.closest.label == "b.yaml interaction 1"
    assert found.differences == ("body $.b: recorded 1 items, got 2",)


def test_redacted_fields_match_when_replay_redacts_them_too() -> None:
    recorded = _rec(body=b'{"email":"REDACTED","a":1}')
    asked = _ask(body=b'{"email": "jane@example.com", "a": 1}')
    assert isinstance(_replayer(recorded).match(asked), NoMatch)
    redactor = Redactor.build(body_fields=["email"])
    assert isinstance(_replayer(recorded, redactor=redactor).match(asked), Recording)


def test_json_differences_paths() -> None:
    assert json_differences({"a b": [{"c": 1}]}, {"a b": [{"c": 2}]}) == [
        '$["a b"][0].c: recorded 1, got 2'
    ]
    assert json_differences(1, 1.0) == []
    assert json_differences(True, 1) == ["$: recorded true, got 1"]
    assert json_differences(None, False) == ["$: recorded null, got false"]


@pytest.mark.socket
def test_replay_server_over_a_socket(tmp_path: Path) -> None:
    write_cassette(
        tmp_path / "one.yaml",
        [
            _rec(answer=b'{"first": true}'),
            _rec(answer=b'{"second": true}', status=409),
            Interaction(
                RecordedRequest("DELETE", "http://u" + P, (USER,)),
                RecordedResponse(204, "No Content", (("date", "yesterday"),), b""),
            ),
        ],
    )
    (tmp_path / "sub").mkdir()
    write_cassette(tmp_path / "sub" / "two.yaml", [_rec(method="GET", body=b"", answer=b"{}")])
    with (
        CliProcess("replay", ["--cassettes", str(tmp_path)]) as replay,
        httpx.Client() as client,
    ):
        body = {"b": [True, "x"], "a": 1}
        first = client.post(replay.url + P, json=body, headers=dict([USER]))
        second = client.post(replay.url + P, json=body, headers=dict([USER]))
        third = client.post(replay.url + P, json=body, headers=dict([USER]))
        deleted = client.delete(replay.url + P, headers=dict([USER]))
        got = client.get(replay.url + P, headers=dict([USER]))
        other = client.get(replay.url + P, headers={"adapty-customer-user-id": "nobody"})
    assert (first.status_code, first.content) == (200, b'{"first": true}')
    assert first.headers["request-id"] == "a" * 32
    assert (second.status_code, second.content) == (409, b'{"second": true}')
    assert deleted.status_code == 204 and deleted.content == b""
    assert deleted.headers["date"] == "yesterday"  # the recorded header, not the server's
    assert re.fullmatch(r"[0-9a-f]{32}", deleted.headers["request-id"])  # none recorded: made
    assert (got.status_code, got.content) == (200, b"{}")

    assert third.status_code == 404
    error = third.json()
    assert error["error_code"] == "no_recording_matches"
    assert error["status_code"] == 404
    assert re.fullmatch(r"[0-9a-f]{32}", third.headers["request-id"])
    closest = {item["source"]: item["errors"] for item in error["errors"]}
    assert closest["closest_recording"] == [f"one.yaml interaction 1: POST {P} -> 409"]
    assert "already replayed" in closest["differences"][0]

    assert other.status_code == 404
    sources = {item["source"]: item["errors"] for item in other.json()["errors"]}
    assert sources["closest_recording"] == [f"sub/two.yaml interaction 0: GET {P} -> 200"]
    assert sources["differences"] == ["header adapty-customer-user-id: recorded 'u1', got 'nobody'"]
    assert json.loads(other.content)["error_code"] == "no_recording_matches"


@pytest.mark.socket
def test_replay_of_nothing_says_so(tmp_path: Path) -> None:
    write_cassette(tmp_path / "empty.yaml", [])
    with CliProcess("replay", ["--cassettes", str(tmp_path)]) as replay:
        answer = httpx.get(replay.url + P)
    assert answer.status_code == 404
    assert "hold no recordings" in answer.json()["errors"][0]["errors"][0]


def test_replay_refuses_a_broken_cassette(tmp_path: Path) -> None:
    from .conftest import run_cli

    (tmp_path / "bad.yaml").write_text("version: 7\ninteractions: []\n")
    result = run_cli("replay", "--cassettes", str(tmp_path), "--port", "0", timeout=60)
    assert result.returncode == 2
    assert "bad.yaml" in result.stderr and "version 7" in result.stderr


def test_replay_logs_no_raw_secret_and_bounds_bodies(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 16 #4: replay logged raw paths, so a key sent in a path landed in its log."""
    import asyncio
    import logging

    from recorded_server.cassettes.replay import create_replay_app
    from recorded_server.serving import limits

    key = "replay-secret-key-0123456789"
    (tmp_path / "empty.yaml").write_text("version: 1\ninteractions: []\n")
    app = create_replay_app(tmp_path)
    auth = {"Authorization": f"Api-Key {key}"}

    async def go() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return [
                await client.get(f"/{key}/profile/?token={key}", headers=auth),
                await client.post("/p", content=b"x" * (limits.MAX_RECORD_BODY + 1)),
            ]

    with caplog.at_level(logging.INFO, logger="recorded_server.replay"):
        missing, big = asyncio.run(go())
    assert missing.status_code >= 400 and big.status_code == 413
    assert "/REDACTED/profile/" in caplog.text
    assert key not in caplog.text and key not in missing.text
