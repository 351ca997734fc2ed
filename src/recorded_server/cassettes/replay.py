"""The replay server behind ``recorded-server replay``: recorded responses, served again.

A request matches a recording when these are all equal:

- the method;
- the path (percent-encoding kept) and the query parameters (in any order);
- the identity headers ``adapty-customer-user-id`` and ``adapty-profile-id``
  (absent is not the same as present; names are case-insensitive);
- the body: compared as JSON values when both are JSON (key order and spacing do
  not matter, ``1`` equals ``1.0``, ``true`` is not ``1``), byte for byte otherwise.

Recordings are taken in order (cassette files by name, then interaction index) and
each one is played once, so the same request recorded twice with two answers gets
them in the order they were recorded. A request that matches no recording left gets
404 ``no_recording_matches``, naming the closest recording and what differed; it is
never answered with a guess.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from recorded_server.cassettes.format import (
    HOP_BY_HOP_HEADERS,
    Cassette,
    Interaction,
    RecordedRequest,
    Redactor,
    load_cassettes,
    parse_json,
)
from recorded_server.cassettes.recorder import bounded_body as _bounded_body
from recorded_server.cassettes.recorder import envelope_response
from recorded_server.serving import limits

IDENTITY_HEADERS = ("adapty-customer-user-id", "adapty-profile-id")
NO_MATCH_STATUS = 404
NO_MATCH_ERROR_CODE = "no_recording_matches"

# How much each kind of difference weighs when looking for the closest recording.
_METHOD, _PATH, _QUERY, _IDENTITY, _BODY_BYTES, _BODY_JSON = 1000, 100, 10, 10, 5, 1
_MAX_LISTED_DIFFERENCES = 10
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_log = logging.getLogger("recorded_server.replay")


@dataclass
class Recording:
    """One recorded interaction and whether it has been played."""

    cassette: str
    index: int
    interaction: Interaction
    played: bool = False

    @functools.cached_property
    def body_json(self) -> tuple[bool, object]:
        """The recorded request body, parsed once (``parse_json``)."""
        return parse_json(self.interaction.request.body)

    @property
    def label(self) -> str:
        """``cassette.yaml interaction 3``: how errors and logs name it."""
        return f"{self.cassette} interaction {self.index}"


def _show(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 80 else text[:77] + "..."


def _child(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    if _PLAIN_KEY.fullmatch(key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def json_differences(recorded: object, got: object, path: str = "$") -> list[str]:
    """Where two JSON values differ, as ``$.json.path: recorded X, got Y`` lines."""
    if isinstance(recorded, dict) and isinstance(got, dict):
        out: list[str] = []
        for key, value in recorded.items():
            if key not in got:
                out.append(f"{_child(path, key)}: recorded {_show(value)}, absent from the request")
            else:
                out.extend(json_differences(value, got[key], _child(path, key)))
        out.extend(
            f"{_child(path, key)}: not in the recording, got {_show(value)}"
            for key, value in got.items()
            if key not in recorded
        )
        return out
    if isinstance(recorded, list) and isinstance(got, list):
        out = []
        for i, (a, b) in enumerate(zip(recorded, got, strict=False)):
            out.extend(json_differences(a, b, _child(path, i)))
        if len(recorded) != len(got):
            out.append(f"{path}: recorded {len(recorded)} items, got {len(got)}")
        return out
    if _kind(recorded) == _kind(got) and recorded == got:
        return []
    return [f"{path}: recorded {_show(recorded)}, got {_show(got)}"]


def _differences(
    recorded: RecordedRequest,
    got: RecordedRequest,
    recorded_json: tuple[bool, object] | None = None,
    got_json: tuple[bool, object] | None = None,
) -> list[tuple[int, str]]:
    """Every way ``got`` differs from ``recorded``, each with its weight.

    ``recorded_json`` and ``got_json`` are the bodies already parsed (``parse_json``).
    """
    out: list[tuple[int, str]] = []
    if recorded.method.upper() != got.method.upper():
        out.append((_METHOD, f"method: recorded {recorded.method}, got {got.method}"))
    if recorded.path != got.path:
        out.append((_PATH, f"path: recorded {recorded.path}, got {got.path}"))
    if recorded.query != got.query:
        out.append((_QUERY, f"query: recorded {recorded.query}, got {got.query}"))
    for name in IDENTITY_HEADERS:
        a, b = recorded.header(name), got.header(name)
        if a != b:
            shown_a = "absent" if a is None else repr(a)
            shown_b = "absent" if b is None else repr(b)
            out.append((_IDENTITY, f"header {name}: recorded {shown_a}, got {shown_b}"))
    a_json, a_value = recorded_json or parse_json(recorded.body)
    b_json, b_value = got_json or parse_json(got.body)
    if a_json and b_json:
        out.extend((_BODY_JSON, f"body {d}") for d in json_differences(a_value, b_value))
    elif recorded.body != got.body:

        def describe(body: bytes, is_json: bool) -> str:
            if not body:
                return "no body"
            return f"{len(body)} bytes of {'JSON' if is_json else 'non-JSON'}"

        out.append(
            (
                _BODY_BYTES,
                f"body: recorded {describe(recorded.body, a_json)}, "
                f"got {describe(got.body, b_json)}",
            )
        )
    return out


@dataclass(frozen=True)
class NoMatch:
    """Why a request got no recording: the closest one and how it differs."""

    request: RecordedRequest
    closest: Recording | None
    differences: tuple[str, ...]

    def errors(self) -> list[tuple[str | None, list[str]]]:
        """The items of the error envelope."""
        summary = f"No recording matches {self.request.method} {self.request.path}."
        if self.closest is None:
            return [(None, [summary + " The cassettes hold no recordings."])]
        recorded = self.closest.interaction
        shown = list(self.differences[:_MAX_LISTED_DIFFERENCES])
        if len(self.differences) > len(shown):
            shown.append(f"... and {len(self.differences) - len(shown)} more")
        return [
            (None, [summary]),
            (
                "closest_recording",
                [
                    f"{self.closest.label}: {recorded.request.method} "
                    f"{recorded.request.path} -> {recorded.response.status}"
                ],
            ),
            ("differences", shown),
        ]


class Replayer:
    """Finds the recording that answers a request, playing each recording once."""

    def __init__(
        self,
        cassettes: Sequence[Cassette],
        *,
        root: Path | None = None,
        redactor: Redactor | None = None,
        repeat: bool = False,
    ) -> None:
        self.recordings = [
            Recording(cassette=_display(c.path, root), index=i, interaction=interaction)
            for c in cassettes
            for i, interaction in enumerate(c.interactions)
        ]
        self.redactor = redactor or Redactor()
        self.repeat = repeat

    def match(self, request: RecordedRequest) -> Recording | NoMatch:
        """The next recording for ``request``, marked played; or why there is none."""
        request = self.redactor.redact_request(request)
        got_json = parse_json(request.body)
        scored = [
            (r, _differences(r.interaction.request, request, r.body_json, got_json))
            for r in self.recordings
        ]
        matching = [r for r, diffs in scored if not diffs]
        for recording in matching:
            if not recording.played:
                recording.played = True
                return recording
        if matching:
            if self.repeat:
                return matching[-1]
            return NoMatch(
                request=request,
                closest=matching[-1],
                differences=(
                    f"already replayed: all {len(matching)} recording(s) of this request have "
                    "been played (replay --repeat plays the last one again)",
                ),
            )
        if not scored:
            return NoMatch(request=request, closest=None, differences=())
        closest, diffs = min(scored, key=lambda item: sum(w for w, _ in item[1]))
        return NoMatch(request=request, closest=closest, differences=tuple(d for _, d in diffs))

    def unplayed(self) -> list[Recording]:
        """The recordings not played yet."""
        return [r for r in self.recordings if not r.played]


def _display(path: Path, root: Path | None) -> str:
    if root is not None and root.is_dir():
        with contextlib.suppress(ValueError):
            return path.relative_to(root).as_posix()
    return path.name


def _replayed_response(recording: Recording) -> Response:
    recorded = recording.interaction.response
    response = Response(content=recorded.body, status_code=recorded.status)
    headers = [
        (name.encode("latin-1"), value.encode("latin-1"))
        for name, value in recorded.headers
        if name.lower() not in HOP_BY_HOP_HEADERS and name.lower() != "content-length"
    ]
    if recorded.header("request-id") is None:
        headers.append((b"request-id", uuid.uuid4().hex.encode("ascii")))
    if recorded.status >= 200 and recorded.status not in (204, 304):
        headers.append((b"content-length", str(len(recorded.body)).encode("ascii")))
    response.raw_headers = headers
    return response


class _ReplayEndpoint:
    def __init__(self, replayer: Replayer) -> None:
        self.replayer = replayer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode("utf-8")
        query: bytes = scope.get("query_string", b"")
        uri = raw_path.decode("latin-1") + ("?" + query.decode("latin-1") if query else "")
        headers = tuple((n.decode("latin-1"), v.decode("latin-1")) for n, v in scope["headers"])
        head = RecordedRequest(method=request.method, uri=uri, headers=headers, body=b"")
        # Logged as a cassette would show it: a key in the path or query is scrubbed.
        shown = self.replayer.redactor.redact_request(head).path
        body = await _bounded_body(request, limits.MAX_RECORD_BODY)
        if body is None:
            _log.warning("%s %s: body over %d bytes", request.method, shown, limits.MAX_RECORD_BODY)
            response = envelope_response(
                413,
                "request_too_large",
                [(None, [f"The request body is over {limits.MAX_RECORD_BODY} bytes."])],
            )
            await response(scope, receive, send)
            return
        found = self.replayer.match(replace(head, body=body))
        if isinstance(found, NoMatch):
            _log.warning("no recording matches %s %s", request.method, shown)
            response = envelope_response(NO_MATCH_STATUS, NO_MATCH_ERROR_CODE, found.errors())
        else:
            _log.info("%s %s: replaying %s", request.method, shown, found.label)
            response = _replayed_response(found)
        await response(scope, receive, send)


def create_replay_app(
    cassettes: Path, *, redactor: Redactor | None = None, repeat: bool = False
) -> Starlette:
    """The replay server as an ASGI app; reads every cassette under ``cassettes`` now."""
    replayer = Replayer(load_cassettes(cassettes), root=cassettes, redactor=redactor, repeat=repeat)
    app = Starlette(routes=[Route("/{path:path}", _ReplayEndpoint(replayer))])
    app.state.replayer = replayer
    return app
