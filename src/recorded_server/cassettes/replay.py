"""The replay server behind ``recorded-server replay``: recorded responses, served again.

By default (``--match-on method,path,query,identity,body``) a request matches a recording when
these are all equal:

- the method;
- the path (percent-encoding kept) and the query parameters (in any order);
- the identity headers ``adapty-customer-user-id`` and ``adapty-profile-id``
  (absent is not the same as present; names are case-insensitive);
- the body: compared as JSON values when both are JSON (key order and spacing do
  not matter, ``1`` equals ``1.0``, ``true`` is not ``1``), byte for byte otherwise.

The matchers are in :mod:`recorded_server.cassettes.matchers`. Recordings are taken in order
(cassette files by name, then interaction index) and each one is played once, so the same
request recorded twice with two answers gets them in the order they were recorded; with
``repeat`` (VCR.py's ``allow_playback_repeats``) the last one is played again once all are
played. A request that matches no recording left gets 404 ``no_recording_matches``, naming the
closest recording and what differed; it is never answered with a guess.

Two routes belong to the server itself: ``GET /_recorded/health`` (how many recordings, how many
played; unless the cassettes hold a recorded one, which is then played as recorded) and
``POST /_recorded/rewind`` (every recording unplayed again, as after a restart).
"""

from __future__ import annotations

import contextlib
import logging
import time
import uuid
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from recorded_server.cassettes.matchers import (
    DEFAULT_MATCH_ON,
    IDENTITY_HEADERS,
    KEYS,
    Seen,
    differences,
    json_differences,
)
from recorded_server.cassettes.model import (
    HOP_BY_HOP_HEADERS,
    Cassette,
    Interaction,
    RecordedRequest,
)
from recorded_server.cassettes.redaction import Redactor
from recorded_server.cassettes.yaml_io import load_cassettes
from recorded_server.serving import limits
from recorded_server.serving.errors import error_response

__all__ = [
    "HEALTH_PATH",
    "IDENTITY_HEADERS",
    "NO_MATCH_ERROR_CODE",
    "NO_MATCH_STATUS",
    "REPLAY_SERVER",
    "REWIND_PATH",
    "NoMatch",
    "Recording",
    "Replayer",
    "create_replay_app",
    "envelope_response",
    "json_differences",
    "replayed_response",
]

NO_MATCH_STATUS = 404
REPLAY_SERVER = "replay"
"""The ``server`` member of the replay's health answer: a replay has no inspection API (the
pytest plugin and the contract suite read it so)."""
NO_MATCH_ERROR_CODE = "no_recording_matches"
HEALTH_PATH = "/_recorded/health"
REWIND_PATH = "/_recorded/rewind"
_MAX_LISTED_DIFFERENCES = 10

_log = logging.getLogger("recorded_server.replay")


def envelope_response(
    status: int,
    error_code: str,
    errors: list[tuple[str | None, list[str]]],
    headers: dict[str, str] | None = None,
) -> Response:
    """An error in the contract's envelope, with a fresh ``Request-Id``: the kit's own answers."""
    return error_response(
        status, error_code, errors, headers={"Request-Id": uuid.uuid4().hex, **(headers or {})}
    )


@dataclass(eq=False)
class Recording:
    """One recorded interaction and whether it has been played."""

    cassette: str
    index: int
    interaction: Interaction
    played: bool = False
    seen: Seen = field(init=False)

    def __post_init__(self) -> None:
        self.seen = Seen(self.interaction.request)

    @property
    def body_json(self) -> tuple[bool, object]:
        """The recorded request body, parsed once (``parse_json``)."""
        return self.seen.body_json

    @property
    def label(self) -> str:
        """``cassette.yaml interaction 3``: how errors and logs name it."""
        return f"{self.cassette} interaction {self.index}"


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
    """Finds the recording that answers a request, playing each recording once (or again, with
    ``repeat``), under the matchers ``match_on``.

    Recordings are indexed by the keys of the matchers that compare for equality, so a match
    costs the same with ten recordings or ten thousand; only a request that matches nothing
    is compared with every recording (to name the closest).
    """

    def __init__(
        self,
        cassettes: Sequence[Cassette] = (),
        *,
        root: Path | None = None,
        redactor: Redactor | None = None,
        repeat: bool = False,
        match_on: Sequence[str] = DEFAULT_MATCH_ON,
    ) -> None:
        self.redactor = redactor or Redactor()
        self.repeat = repeat
        self.match_on = tuple(match_on)
        self._keyed = tuple(name for name in self.match_on if name in KEYS)
        self._compared = tuple(name for name in self.match_on if name not in KEYS)
        self.recordings: list[Recording] = []
        self._index: dict[Hashable, list[Recording]] = {}
        self._health_candidates: list[Recording] = []
        for cassette in cassettes:
            self.add(_display(cassette.path, root), cassette.interactions)

    @property
    def recorded_health(self) -> bool:
        """Whether the cassettes hold a ``GET /_recorded/health`` (a recorded server's): then
        that is what replay answers, as recorded, and not its own health."""
        return any(
            r.seen.path == HEALTH_PATH and r.interaction.request.method == "GET"
            for r in self._health_candidates
        )

    def _key(self, seen: Seen) -> Hashable:
        return tuple(KEYS[name](seen) for name in self._keyed)

    def add(self, cassette: str, interactions: Iterable[Interaction]) -> None:
        """Add the interactions of ``cassette`` (its display name), after those there are."""
        for i, interaction in enumerate(interactions):
            recording = Recording(cassette=cassette, index=i, interaction=interaction)
            self.recordings.append(recording)
            self._index.setdefault(self._key(recording.seen), []).append(recording)
            if recording.seen.path == HEALTH_PATH:
                self._health_candidates.append(recording)

    def match(self, request: RecordedRequest) -> Recording | NoMatch:
        """The next recording for ``request``, marked played; or why there is none."""
        request = self.redactor.redact_request(request)
        got = Seen(request)
        bucket = self._index.get(self._key(got), [])
        matching = [r for r in bucket if not differences(r.seen, got, self._compared)]
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
                    "been played (replay --repeat plays the last one again; "
                    f"POST {REWIND_PATH} starts them over)",
                ),
            )
        if not self.recordings:
            return NoMatch(request=request, closest=None, differences=())
        scored = ((r, differences(r.seen, got, self.match_on)) for r in self.recordings)
        closest, diffs = min(scored, key=lambda item: sum(w for w, _ in item[1]))
        return NoMatch(request=request, closest=closest, differences=tuple(d for _, d in diffs))

    def unplayed(self) -> list[Recording]:
        """The recordings not played yet."""
        return [r for r in self.recordings if not r.played]

    def rewind(self) -> int:
        """Mark every recording unplayed again; returns how many had been played."""
        played = 0
        for recording in self.recordings:
            played += recording.played
            recording.played = False
        return played

    def health(self) -> dict[str, object]:
        """What ``GET /_recorded/health`` answers."""
        played = sum(r.played for r in self.recordings)
        return {
            "status": "ok",
            "server": REPLAY_SERVER,
            "recordings": len(self.recordings),
            "played": played,
            "unplayed": len(self.recordings) - played,
            "repeat": self.repeat,
            "match_on": list(self.match_on),
        }


def _display(path: Path, root: Path | None) -> str:
    if root is not None and root.is_dir():
        with contextlib.suppress(ValueError):
            return path.relative_to(root).as_posix()
    return path.name


def replayed_response(recording: Recording) -> Response:
    """The recorded response, as the server sends it again."""
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


def request_id_of(response: Response) -> str:
    """The ``Request-Id`` header a response carries ('-' when none)."""
    for name, value in response.raw_headers:
        if name.lower() == b"request-id":
            return value.decode("latin-1")
    return "-"


def scope_request(scope: Scope) -> RecordedRequest:
    """The request line and headers of ``scope``, without a body."""
    raw_path: bytes = scope.get("raw_path") or scope["path"].encode("utf-8")
    query: bytes = scope.get("query_string", b"")
    uri = raw_path.decode("latin-1") + ("?" + query.decode("latin-1") if query else "")
    headers = tuple((n.decode("latin-1"), v.decode("latin-1")) for n, v in scope["headers"])
    return RecordedRequest(method=scope["method"], uri=uri, headers=headers, body=b"")


def log_exchange(
    logger: logging.Logger,
    level: int,
    method: str,
    shown: str,
    response: Response,
    started: float,
    what: str,
) -> None:
    """One line per exchange: method, path (redacted), status, time, what answered, Request-Id
    (also as fields, for ``--log-format json``)."""
    request_id = request_id_of(response)
    elapsed = (time.perf_counter() - started) * 1000
    logger.log(
        level,
        "%s %s %d %.1fms %s request_id=%s",
        method,
        shown,
        response.status_code,
        elapsed,
        what,
        request_id,
        extra={
            "method": method,
            "path": shown,
            "status": response.status_code,
            "duration_ms": round(elapsed, 2),
            "request_id": request_id,
            "source": what,
        },
    )


def control_response(replayer: Replayer, method: str, path: str) -> Response | None:
    """The answer of the replay server's own routes, or None for any other path."""
    if path == HEALTH_PATH and not replayer.recorded_health:
        if method not in ("GET", "HEAD"):
            return _not_allowed(path, "GET")
        return JSONResponse(replayer.health(), headers={"Request-Id": uuid.uuid4().hex})
    if path == REWIND_PATH:
        if method != "POST":
            return _not_allowed(path, "POST")
        played = replayer.rewind()
        body = {"rewound": played, "recordings": len(replayer.recordings)}
        return JSONResponse(body, headers={"Request-Id": uuid.uuid4().hex})
    return None


def _not_allowed(path: str, allowed: str) -> Response:
    return envelope_response(
        405,
        "method_not_allowed",
        [(None, [f"{path} accepts {allowed} only."])],
        headers={"Allow": allowed},
    )


async def read_body(request: Request, limit: int) -> bytes | None:
    """The request's body, or None when it is over ``limit`` bytes (the rest is not read)."""
    length = request.headers.get("content-length", "")
    if length.isascii() and length.isdigit() and int(length) > limit:
        return None
    parts: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        parts.append(chunk)
    return b"".join(parts)


class _ReplayEndpoint:
    def __init__(self, replayer: Replayer) -> None:
        self.replayer = replayer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        request = Request(scope, receive)
        head = scope_request(scope)
        control = control_response(self.replayer, request.method, scope["path"])
        if control is not None:
            await control(scope, receive, send)
            return
        # Logged as a cassette would show it: a key in the path or query is scrubbed.
        shown = self.replayer.redactor.redact_request(head).path
        body = await read_body(request, limits.MAX_RECORD_BODY)
        if body is None:
            response = envelope_response(
                413,
                "request_too_large",
                [(None, [f"The request body is over {limits.MAX_RECORD_BODY} bytes."])],
            )
            log_exchange(
                _log, logging.WARNING, request.method, shown, response, started, "body too large"
            )
            await response(scope, receive, send)
            return
        found = self.replayer.match(replace(head, body=body))
        if isinstance(found, NoMatch):
            response = envelope_response(NO_MATCH_STATUS, NO_MATCH_ERROR_CODE, found.errors())
            log_exchange(
                _log, logging.WARNING, request.method, shown, response, started, "no recording"
            )
        else:
            response = replayed_response(found)
            log_exchange(_log, logging.INFO, request.method, shown, response, started, found.label)
        await response(scope, receive, send)


def create_replay_app(
    cassettes: Path,
    *,
    redactor: Redactor | None = None,
    repeat: bool = False,
    match_on: Sequence[str] = DEFAULT_MATCH_ON,
) -> Starlette:
    """The replay server as an ASGI app; reads every cassette under ``cassettes`` now."""
    replayer = Replayer(
        load_cassettes(cassettes),
        root=cassettes,
        redactor=redactor,
        repeat=repeat,
        match_on=match_on,
    )
    app = Starlette(routes=[Route("/{path:path}", _ReplayEndpoint(replayer))])
    app.state.replayer = replayer
    return app
