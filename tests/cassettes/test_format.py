"""The cassette format: VCR.py's YAML, written atomically, read back exactly, readable by VCR.py."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest
import vcr  # type: ignore[import-untyped]
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vcr.serialize import deserialize  # type: ignore[import-untyped]
from vcr.serializers import yamlserializer  # type: ignore[import-untyped]

from recorded_server.cassettes.format import (
    CassetteError,
    CassetteWriter,
    Interaction,
    RecordedRequest,
    RecordedResponse,
    dump_cassette,
    find_cassettes,
    load_cassette,
    parse_cassette,
    valid_scenario_name,
    write_cassette,
)

from .conftest import ThreadedServer

PRETTY = b'{\n"data": {\n"app_id": "x",\n"total": 109.88999999999999\n}\n}'


def _interaction(
    body: bytes = b'{"first_name":"Jane"}', response_body: bytes = b'{"data":{}}', status: int = 200
) -> Interaction:
    return Interaction(
        request=RecordedRequest(
            method="POST",
            uri="http://127.0.0.1:9/api/v2/server-side-api/profile/?b=2&a=1",
            headers=(
                ("host", "127.0.0.1:9"),
                ("authorization", "Api-Key REDACTED"),
                ("content-type", "application/json"),
            ),
            body=body,
        ),
        response=RecordedResponse(
            status=status,
            message="OK",
            headers=(
                ("content-type", "application/json"),
                ("request-id", "758f01dfd9e74ccfbabb4934241c4966"),
                ("set-cookie", "a=1"),
                ("set-cookie", "b=2"),
            ),
            body=response_body,
        ),
    )


def test_written_cassette_is_vcr_yaml_version_1(tmp_path: Path) -> None:
    path = tmp_path / "one.yaml"
    write_cassette(path, [_interaction()])
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["version"] == 1
    (item,) = data["interactions"]
    assert set(item) == {"request", "response"}
    assert item["request"] == {
        "method": "POST",
        "uri": "http://127.0.0.1:9/api/v2/server-side-api/profile/?b=2&a=1",
        "body": '{"first_name":"Jane"}',
        "headers": {
            "host": ["127.0.0.1:9"],
            "authorization": ["Api-Key REDACTED"],
            "content-type": ["application/json"],
        },
    }
    assert item["response"]["status"] == {"code": 200, "message": "OK"}
    assert item["response"]["headers"]["set-cookie"] == ["a=1", "b=2"]
    assert item["response"]["body"] == {"string": '{"data":{}}'}


def test_round_trip_keeps_everything(tmp_path: Path) -> None:
    interactions = [
        _interaction(),
        _interaction(body=b"", response_body=b"", status=204),
        _interaction(body=b"\xff\xfe not utf-8", response_body=PRETTY, status=401),
    ]
    path = tmp_path / "c.yaml"
    write_cassette(path, interactions)
    assert load_cassette(path).interactions == tuple(interactions)
    text = path.read_text(encoding="utf-8")
    assert "!!binary" in text  # the non-UTF-8 body
    assert "|-" in text or "|\n" in text  # the pretty body as a readable literal block


_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=200)
_header_value = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=40)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    request_body=st.one_of(st.binary(max_size=100), _text.map(lambda t: t.encode("utf-8"))),
    response_body=st.one_of(st.binary(max_size=100), _text.map(lambda t: t.encode("utf-8"))),
    value=_header_value,
    status=st.integers(100, 599),
)
def test_any_body_and_header_round_trips(
    request_body: bytes, response_body: bytes, value: str, status: int
) -> None:
    interaction = Interaction(
        request=RecordedRequest(
            "PATCH", "http://h/p", (("x-a", value), ("x-a", "2")), request_body
        ),
        response=RecordedResponse(status, "Whatever", (("x-b", value),), response_body),
    )
    assert parse_cassette(dump_cassette([interaction])) == (interaction,)


def test_vcrpy_plays_our_cassette_back(tmp_path: Path) -> None:
    """VCR.py itself loads what we write, and answers an httpx request with it."""
    path = tmp_path / "ours.yaml"
    write_cassette(path, [_interaction(response_body=PRETTY, status=201)])
    requests, responses = deserialize(path.read_text(), yamlserializer)
    assert requests[0].method == "POST"
    assert requests[0].body == b'{"first_name":"Jane"}'
    assert responses[0]["body"]["string"] == PRETTY
    with vcr.use_cassette(str(path), record_mode="none", match_on=["method", "uri"]):
        response = httpx.post(
            "http://127.0.0.1:9/api/v2/server-side-api/profile/?b=2&a=1",
            json={"first_name": "Jane"},
        )
    assert response.status_code == 201
    assert response.content == PRETTY
    assert response.headers["request-id"] == "758f01dfd9e74ccfbabb4934241c4966"
    assert response.headers.get_list("set-cookie") == ["a=1", "b=2"]


def test_we_read_what_vcrpy_records(
    tmp_path: Path, upstream: tuple[ThreadedServer, object]
) -> None:
    server, _ = upstream
    path = tmp_path / "vcr.yaml"
    with vcr.use_cassette(str(path), record_mode="once"):
        httpx.post(f"{server.url}/thing?status=201", json={"a": 1}, headers={"X-Y": "z"})
    (interaction,) = load_cassette(path).interactions
    assert interaction.request.method == "POST"
    assert interaction.request.path == "/thing"
    assert interaction.request.header("x-y") == "z"
    assert interaction.response.status == 201
    assert interaction.response.header("x-upstream") == "echo"
    assert b'"raw_path": "/thing"' in interaction.response.decoded_body()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("interactions: [", "not YAML"),
        ("- a\n- b\n", "no top-level mapping"),
        ("version: 2\ninteractions: []\n", "version 2"),
        ("version: 1\n", "'interactions' is not a list"),
        ("version: 1\ninteractions: [{request: {method: GET}}]\n", "needs a 'request'"),
        (
            "version: 1\ninteractions: [{request: {method: GET, uri: /},"
            " response: {status: {}}}]\n",
            "status.code is not an integer",
        ),
        (
            "version: 1\ninteractions: [{request: {method: GET, uri: /, body: 3},"
            " response: {status: {code: 200}}}]\n",
            "body is neither text nor !!binary",
        ),
    ],
)
def test_unreadable_cassettes_are_named(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(CassetteError, match=message) as caught:
        load_cassette(path)
    assert str(path) in str(caught.value)


def test_yaml_tags_that_run_code_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text("version: 1\ninteractions: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(CassetteError, match="not YAML"):
        load_cassette(path)


def test_find_cassettes_sorted_and_skips_hidden(tmp_path: Path) -> None:
    for name in ("b.yaml", "a.yml", "sub/c.yaml", ".hidden.yaml", ".x.yaml.tmp", "notes.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("version: 1\ninteractions: []\n")
    assert [p.relative_to(tmp_path).as_posix() for p in find_cassettes(tmp_path)] == [
        "a.yml",
        "b.yaml",
        "sub/c.yaml",
    ]
    with pytest.raises(CassetteError, match="no such directory"):
        find_cassettes(tmp_path / "missing")


@pytest.mark.parametrize("name", ["", ".hidden", "../up", "a/b", "a b", "x" * 101, "a..b", "é"])
def test_bad_scenario_names_are_refused(tmp_path: Path, name: str) -> None:
    assert not valid_scenario_name(name)
    with pytest.raises(CassetteError):
        CassetteWriter(tmp_path).append(name, _interaction())


@pytest.mark.parametrize("name", ["create", "error_401", "a.b-c_9", "x" * 100])
def test_good_scenario_names(name: str) -> None:
    assert valid_scenario_name(name)


def test_writer_keeps_every_concurrent_append(tmp_path: Path) -> None:
    writer = CassetteWriter(tmp_path)
    threads = [
        threading.Thread(
            target=lambda n=n: [
                writer.append("shared", _interaction(body=f'{{"n":{n},"i":{i}}}'.encode()))
                for i in range(10)
            ]
        )
        for n in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    bodies = {i.request.body for i in load_cassette(tmp_path / "shared.yaml").interactions}
    assert len(bodies) == 80
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shared.yaml"]  # no temporary left


def test_an_existing_cassette_is_never_overwritten_only_appended_to(tmp_path: Path) -> None:
    """Issue 16 #6: any client could overwrite a cassette by naming it in the scenario header."""
    CassetteWriter(tmp_path).append("s", _interaction(body=b'{"old":1}'))
    other_session = CassetteWriter(tmp_path)
    assert other_session.refusal("s") is not None and "--append" in str(other_session.refusal("s"))
    with pytest.raises(CassetteError, match="not overwritten"):
        other_session.append("s", _interaction(body=b'{"new":1}'))
    assert [i.request.body for i in load_cassette(tmp_path / "s.yaml").interactions] == [
        b'{"old":1}'
    ]
    CassetteWriter(tmp_path, append=True).append("s", _interaction(body=b'{"more":1}'))
    assert [i.request.body for i in load_cassette(tmp_path / "s.yaml").interactions] == [
        b'{"old":1}',
        b'{"more":1}',
    ]


def test_a_failed_write_leaves_the_old_cassette(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "keep.yaml"
    write_cassette(path, [_interaction()])
    before = path.read_bytes()

    def explode(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("recorded_server.cassettes.yaml_io.os.fsync", explode)
    with pytest.raises(OSError, match="disk full"):
        write_cassette(path, [_interaction(), _interaction()])
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.yaml"]
