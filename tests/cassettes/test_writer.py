"""The append-only writer: what is on disk is never rewritten, the file is a VCR.py cassette
after every write, the background writer drains on close, a cut tail is read without it."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import yaml
from vcr.serialize import deserialize  # type: ignore[import-untyped]
from vcr.serializers import yamlserializer  # type: ignore[import-untyped]

from recorded_server.cassettes import yaml_io
from recorded_server.cassettes.format import (
    CassetteError,
    Interaction,
    RecordedRequest,
    RecordedResponse,
    load_cassette,
)
from recorded_server.cassettes.writer import BackgroundWriter, CassetteWriter


def _interaction(n: int) -> Interaction:
    return Interaction(
        RecordedRequest(
            "POST", "http://h/p", (("content-type", "application/json"),), b'{"n":%d}' % n
        ),
        RecordedResponse(200, "OK", (("request-id", f"{n:032x}"),), b"line 1\nline 2\n"),
    )


def test_appends_never_rewrite_what_is_on_disk(tmp_path: Path) -> None:
    writer = CassetteWriter(tmp_path)
    path = tmp_path / "s.yaml"
    before = b""
    for n in range(5):
        writer.append("s", _interaction(n))
        now = path.read_bytes()
        assert now.startswith(before) and len(now) > len(before)  # only added to
        before = now
        requests, _ = deserialize(now.decode(), yamlserializer)  # VCR.py reads it every time
        assert len(requests) == n + 1
    writer.close()
    assert [i.request.body for i in load_cassette(path).interactions] == [
        b'{"n":%d}' % n for n in range(5)
    ]
    assert writer.written() == {"s": 5}


def test_background_writer_writes_everything_by_close(tmp_path: Path) -> None:
    seen: list[int] = []

    def prepare(interaction: Interaction) -> Interaction:
        seen.append(1)
        return interaction

    background = BackgroundWriter(CassetteWriter(tmp_path, fsync_interval=10), prepare=prepare)
    for n in range(200):
        background.submit("a" if n % 2 else "b", _interaction(n))
    assert background.flush()
    background.close()
    assert len(seen) == 200 and background.failures == 0
    assert len(load_cassette(tmp_path / "a.yaml").interactions) == 100
    assert len(load_cassette(tmp_path / "b.yaml").interactions) == 100


def test_a_cut_last_item_is_dropped_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    writer = CassetteWriter(tmp_path)
    for n in range(3):
        writer.append("s", _interaction(n))
    writer.close()
    path = tmp_path / "s.yaml"
    text = path.read_text()
    path.write_text(text + "- request:\n    method: [unclosed\n")  # kill -9 mid-write
    with caplog.at_level(logging.WARNING):
        assert len(load_cassette(path).interactions) == 3
    assert "cut short" in caplog.text
    path.write_text("version: 1\nother: [unclosed\n")  # not the recorder's layout: an error
    with pytest.raises(CassetteError, match="not YAML"):
        load_cassette(path)


def test_the_c_yaml_path_reads_what_the_pure_one_reads(tmp_path: Path) -> None:
    if not yaml_io.C_YAML:
        pytest.skip("PyYAML without libyaml")
    writer = CassetteWriter(tmp_path)
    writer.append_many("s", [_interaction(n) for n in range(3)])
    writer.close()
    text = (tmp_path / "s.yaml").read_text()
    pure = yaml.load(text, Loader=yaml.SafeLoader)
    assert yaml_io._load_yaml(text) == pure


def test_without_libyaml_the_pure_loader_reads_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = CassetteWriter(tmp_path)
    writer.append_many("s", [_interaction(n) for n in range(3)])
    writer.close()
    fast = load_cassette(tmp_path / "s.yaml")
    monkeypatch.setattr(yaml_io, "_CSafeLoader", None)
    assert load_cassette(tmp_path / "s.yaml") == fast
