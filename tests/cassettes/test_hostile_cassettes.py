"""Hostile cassettes are refused at load time, naming the file and the interaction; the CLI
exits 2 without a traceback (issue 16, finding 5)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from recorded_server.cassettes.format import CassetteError, decode_content, load_cassettes
from recorded_server.serving import limits

from .conftest import run_cli

INTERACTION = """\
- request: {{method: GET, uri: 'http://h/p', headers: {{}}, body: ''}}
  response:
    status: {{code: {status}, message: OK}}
    headers: {{x-h: [{header}]}}
    body: {{string: '{body}'}}
"""


def _cassette(status: object = 200, header: str = "ok", body: str = "{}") -> str:
    return "version: 1\ninteractions:\n" + INTERACTION.format(
        status=status, header=header, body=body
    )


ALIAS_BOMB = "version: 1\n" + "\n".join(
    [
        "a: &a [x, x, x, x, x, x, x, x, x, x]",
        *(
            f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]"
            for i in range(8)
        ),
        "interactions: [*i]",
    ]
)

HOSTILE = {
    "alias bomb": (ALIAS_BOMB, "aliases (*name) are not allowed"),
    "deep nesting": ("version: 1\ninteractions: " + "[" * 1000 + "]" * 1000, "nested deeper"),
    "status 0": (_cassette(status=0), "interactions[0].response.status.code 0 is not"),
    "status 1000": (_cassette(status=1000), "is not an HTTP status"),
    "non-Latin-1 header": (_cassette(header="'\u20ac'"), "interactions[0].response.headers"),
    "header with a newline": (_cassette(header='"a\\r\\nb: c"'), "control characters"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_cassette_is_refused_naming_where(tmp_path: Path, name: str) -> None:
    text, expected = HOSTILE[name]
    (tmp_path / "bad.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(CassetteError) as caught:
        load_cassettes(tmp_path)
    assert "bad.yaml" in str(caught.value)
    assert expected in str(caught.value)


@pytest.mark.parametrize("command", ["verify", "replay"])
def test_the_cli_exits_2_without_a_traceback(tmp_path: Path, command: str) -> None:
    (tmp_path / "bomb.yaml").write_text(HOSTILE["deep nesting"][0], encoding="utf-8")
    args = [command, "--cassettes", str(tmp_path)]
    if command == "replay":
        args += ["--port", "0"]
    result = run_cli(*args, timeout=30)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "bomb.yaml" in result.stderr and "nested deeper" in result.stderr
    assert len(result.stderr.splitlines()) < 10


def test_a_cassette_over_the_size_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_CASSETTE_FILE", 100)
    (tmp_path / "big.yaml").write_text(_cassette(body="x" * 200), encoding="utf-8")
    with pytest.raises(CassetteError, match="over the 100-byte cassette limit"):
        load_cassettes(tmp_path)


def test_a_body_over_the_body_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_CASSETTE_BODY", 100)
    (tmp_path / "big.yaml").write_text(_cassette(body="x" * 200), encoding="utf-8")
    with pytest.raises(CassetteError, match=r"interactions\[0\].response.body is 200 bytes"):
        load_cassettes(tmp_path)


def test_a_gzip_bomb_is_not_inflated_past_the_limit() -> None:
    bomb = gzip.compress(b"\0" * (limits.MAX_CASSETTE_BODY + 1))
    assert len(bomb) < limits.MAX_CASSETTE_BODY // 100
    assert decode_content(bomb, "gzip") is None
    assert decode_content(gzip.compress(b'{"a": 1}'), "gzip") == b'{"a": 1}'


def test_the_cassette_limits_are_cli_options(tmp_path: Path) -> None:
    (tmp_path / "big.yaml").write_text(_cassette(body="x" * 2000), encoding="utf-8")
    result = run_cli("verify", "--cassettes", str(tmp_path), "--max-cassette-size", "1000")
    assert result.returncode == 2, result.stderr
    assert "over the 1000-byte cassette limit (--max-cassette-size)" in result.stderr
    result = run_cli("verify", "--cassettes", str(tmp_path), "--max-cassette-body", "1000")
    assert result.returncode == 2, result.stderr
    assert "over the 1000-byte limit (--max-cassette-body)" in result.stderr
    assert "Traceback" not in result.stderr
