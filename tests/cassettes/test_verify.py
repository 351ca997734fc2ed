"""``recorded-server verify``: the committed cassettes are clean; a broken field is named."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from recorded_server.cassettes.format import load_cassette, load_cassettes
from recorded_server.cassettes.verify import verify_cassettes
from recorded_server.spec import load_spec

from .conftest import ROOT, run_cli

CASSETTES = ROOT / "contract_tests" / "cassettes"
SEED = CASSETTES / "seed"
SPEC = load_spec()

Document = dict[str, Any]


def _examples(component: str, kind: str = "responses") -> dict[str, Any]:
    content = SPEC["components"][kind][component]["content"]["application/json"]
    return {name: example["value"] for name, example in content["examples"].items()}


def test_committed_cassettes_verify_clean_with_a_one_line_summary() -> None:
    result = run_cli("verify", "--cassettes", str(CASSETTES))
    assert result.returncode == 0, result.stdout + result.stderr
    (line,) = result.stdout.splitlines()
    assert line.startswith("verify: ") and line.endswith("no drift")


def test_reference_recordings_cover_every_documented_status() -> None:
    statuses = {
        (i.request.method, i.response.status)
        for c in load_cassettes(CASSETTES / "reference")
        for i in c.interactions
    }
    documented = {
        (method.upper(), int(status))
        for method, operation in SPEC["paths"]["/api/v2/server-side-api/profile/"].items()
        if method in ("get", "post", "patch", "delete")
        for status in operation["responses"]
    }
    assert documented <= statuses, f"not recorded: {sorted(documented - statuses)}"


def test_seed_cassettes_hold_the_seed_exchanges_verbatim() -> None:
    """Cross-checked against the spec's own copies of the seed's examples."""
    (create,) = load_cassette(SEED / "create_profile_200.yaml").interactions
    assert create.request.method == "POST"
    assert json.loads(create.request.body) == _examples("ProfileCreate", "requestBodies")["seed"]
    assert json.loads(create.response.body) == _examples("Profile")["seed"]
    assert b'"total_revenue_usd": 109.88999999999999,\n' in create.response.body  # as printed
    assert create.response.header("Request-Id") == "758f01dfd9e74ccfbabb4934241c4966"
    (unauthorized,) = load_cassette(SEED / "create_profile_401.yaml").interactions
    assert unauthorized.request.header("authorization") is None
    assert json.loads(unauthorized.response.body) == _examples("Error")["not_authenticated"]
    (missing,) = load_cassette(SEED / "get_profile_404.yaml").interactions
    assert (missing.request.method, missing.response.status) == ("GET", 404)
    assert json.loads(missing.response.body) == _examples("Error")["not_found"]


def _seed_document(name: str = "create_profile_200.yaml") -> Document:
    loaded: Document = yaml.safe_load((SEED / name).read_text(encoding="utf-8"))
    return loaded


def _edit_body(side: str, edit: Callable[[Any], object]) -> Callable[[Document], None]:
    def apply(document: Document) -> None:
        item = document["interactions"][0][side]
        holder = item["body"] if side == "response" else item
        key = "string" if side == "response" else "body"
        value = json.loads(holder[key])
        edit(value)
        holder[key] = json.dumps(value)

    return apply


def _set(path: list[str | int], value: object) -> Callable[[Any], None]:
    def edit(document: Any) -> None:
        target = document
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return edit


def _headers(edit: Callable[[dict[str, list[str]]], object]) -> Callable[[Document], object]:
    return lambda document: edit(document["interactions"][0]["response"]["headers"])


BREAKS: list[tuple[str, Callable[[Document], object], str]] = [
    (
        "string where a number belongs",
        _edit_body("response", _set(["data", "total_revenue_usd"], "109.89")),
        "response body $.data.total_revenue_usd: \"109.89\" is not of type 'number'",
    ),
    (
        "null where none is allowed",
        _edit_body("response", _set(["data", "segment_hash"], None)),
        "response body $.data.segment_hash: null is not of type 'string'",
    ),
    (
        "null profile id",
        _edit_body("response", _set(["data", "profile_id"], None)),
        "response body $.data.profile_id: null",
    ),
    (
        "deep field",
        _edit_body("response", _set(["data", "access_levels", 0, "is_in_grace_period"], "yes")),
        "response body $.data.access_levels[0].is_in_grace_period:",
    ),
    (
        "missing required field",
        _edit_body("response", lambda body: body["data"].pop("timestamp")),
        "response body $.data: 'timestamp' is a required property",
    ),
    (
        "no Request-Id",
        _headers(lambda headers: headers.pop("Request-Id")),
        "response header Request-Id: missing",
    ),
    (
        "Request-Id not 32 lowercase hex",
        _headers(
            lambda headers: headers.update({"Request-Id": ["758F01DFD9E74CCFBABB4934241C4966"]})
        ),
        'response header Request-Id: "758F01DFD9E74CCFBABB4934241C4966" does not match',
    ),
    (
        "undocumented status",
        lambda document: document["interactions"][0]["response"]["status"].update(code=418),
        "response status: 418 is not documented",
    ),
    (
        "response not JSON",
        lambda document: document["interactions"][0]["response"]["body"].update(string="<html>"),
        "response body $: not a JSON document",
    ),
    (
        "response in another media type",
        _headers(lambda headers: headers.update({"Content-Type": ["text/html"]})),
        "response header Content-Type: 'text/html' is not a documented media type",
    ),
    (
        "2xx request with a null where none is allowed",
        _edit_body("request", _set(["birthday"], None)),
        "request body $.birthday: null is not of type 'string'",
    ),
    (
        "2xx request with an unknown field",
        _edit_body("request", _set(["nickname"], "J")),
        "request body $: Additional properties are not allowed ('nickname' was unexpected)",
    ),
    (
        "2xx request with a bad identity header",
        lambda document: document["interactions"][0]["request"]["headers"].update(
            {"adapty-profile-id": ["not-a-uuid"]}
        ),
        "request header adapty-profile-id:",
    ),
    (
        "path not in the spec",
        lambda document: document["interactions"][0]["request"].update(
            uri="https://api.adapty.io/api/v2/server-side-api/profiles/"
        ),
        "request: the path /api/v2/server-side-api/profiles/ is not in the spec",
    ),
    (
        "method not in the spec",
        lambda document: document["interactions"][0]["request"].update(method="PUT"),
        "request: the spec has no PUT operation on this path",
    ),
]


@pytest.mark.parametrize(("what", "breaks", "expected"), BREAKS, ids=[b[0] for b in BREAKS])
def test_a_broken_exchange_is_drift_naming_the_field(
    tmp_path: Path, what: str, breaks: Callable[[Document], object], expected: str
) -> None:
    document = _seed_document()
    breaks(document)
    (tmp_path / "broken.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    report = verify_cassettes(SPEC, load_cassettes(tmp_path), root=tmp_path)
    assert not report.clean
    lines = report.lines("spec")
    assert any(expected in line for line in lines), "\n".join(lines)
    assert all(line.startswith("DRIFT broken.yaml interaction 0 (") for line in lines[:-1])


def test_the_cli_fails_on_drift_naming_cassette_exchange_and_path(tmp_path: Path) -> None:
    document = _seed_document()
    document["interactions"].insert(0, _seed_document("get_profile_404.yaml")["interactions"][0])
    _edit_body("response", _set(["status_code"], "404"))(document)  # the first exchange: 404
    document["interactions"][1]["response"]["body"]["string"] = document["interactions"][1][
        "response"
    ]["body"]["string"].replace("109.88999999999999", '"109.89"')
    (tmp_path / "mixed.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    (tmp_path / "clean.yaml").write_text((SEED / "create_profile_401.yaml").read_text())
    result = run_cli("verify", "--cassettes", str(tmp_path))
    assert result.returncode == 1, result.stdout
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "DRIFT mixed.yaml interaction 0 (GET /api/v2/server-side-api/profile/ -> 404): "
        "response body $.status_code: \"404\" is not of type 'integer'"
    )
    assert lines[1].startswith("DRIFT mixed.yaml interaction 1 (POST ")
    assert "$.data.total_revenue_usd" in lines[1]
    assert lines[2] == (
        "verify: 2 mismatches in 2 of 3 interactions (2 cassettes) against openapi/profile.yaml"
    )


def test_error_responses_are_checked_but_their_requests_are_not(tmp_path: Path) -> None:
    document = _seed_document("create_profile_401.yaml")
    _edit_body("request", _set(["nickname"], "J"))(document)  # a bad request that got a 401: fine
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    assert verify_cassettes(SPEC, load_cassettes(tmp_path)).clean


def test_a_204_with_a_body_is_drift(tmp_path: Path) -> None:
    document = _seed_document("get_profile_404.yaml")
    document["interactions"][0]["request"]["method"] = "DELETE"
    document["interactions"][0]["response"]["status"]["code"] = 204
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    lines = verify_cassettes(SPEC, load_cassettes(tmp_path)).lines("spec")
    assert any("response body: the spec documents no body, got" in line for line in lines)


def test_spec_option_is_honoured(tmp_path: Path) -> None:
    spec = load_spec()
    spec["components"]["schemas"]["Profile"]["properties"]["total_revenue_usd"] = {"type": "string"}
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec))
    result = run_cli("verify", "--cassettes", str(SEED), "--spec", str(tmp_path / "spec.yaml"))
    assert result.returncode == 1
    assert "$.data.total_revenue_usd: 109.88999999999999 is not of type 'string'" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no cassettes in"), ("version: 3\ninteractions: []\n", "cassette version 3")],
)
def test_nothing_to_verify_or_an_unreadable_cassette_is_an_error(
    tmp_path: Path, content: str | None, message: str
) -> None:
    if content is not None:
        (tmp_path / "x.yaml").write_text(content)
    result = run_cli("verify", "--cassettes", str(tmp_path))
    assert result.returncode == 2
    assert message in result.stderr
