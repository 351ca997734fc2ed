"""Cassettes as HAR 1.2 (HTTP Archive), so browser tools and other HTTP tooling can open them.

One ``log`` holds every interaction of the cassettes given, in order; each entry's ``comment``
names the cassette and the interaction. A cassette records no times, so every entry of a
cassette starts at the file's modification time, with zero timings. A body that is not UTF-8
is written base64 (``"encoding": "base64"``).
"""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from recorded_server._version import __version__
from recorded_server.cassettes.model import Cassette, Headers, Interaction

__all__ = ["HAR_VERSION", "cassettes_to_har"]

HAR_VERSION = "1.2"


def _headers(headers: Headers) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in headers]


def _header(headers: Headers, name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def _text(body: bytes) -> tuple[str, str | None]:
    try:
        return body.decode("utf-8"), None
    except UnicodeDecodeError:
        return base64.b64encode(body).decode("ascii"), "base64"


def _cookies(headers: Headers, name: str) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for key, value in headers:
        if key.lower() != name:
            continue
        parts = value.split(";") if name == "cookie" else value.split(";")[:1]
        for part in parts:
            cookie, eq, cookie_value = part.strip().partition("=")
            if eq and cookie:
                out.append({"name": cookie, "value": cookie_value})
    return out


def _entry(interaction: Interaction, started: str, comment: str) -> dict[str, Any]:
    request, response = interaction.request, interaction.response
    entry_request: dict[str, Any] = {
        "method": request.method,
        "url": request.uri,
        "httpVersion": "HTTP/1.1",
        "cookies": _cookies(request.headers, "cookie"),
        "headers": _headers(request.headers),
        "queryString": [
            {"name": name, "value": value}
            for name, value in parse_qsl(urlsplit(request.uri).query, keep_blank_values=True)
        ],
        "headersSize": -1,
        "bodySize": len(request.body),
    }
    if request.body:
        text, encoding = _text(request.body)
        post: dict[str, Any] = {
            "mimeType": _header(request.headers, "content-type") or "application/octet-stream",
            "text": text,
        }
        if encoding:
            post["comment"] = "base64"  # HAR 1.2's postData has no encoding field
        entry_request["postData"] = post
    text, encoding = _text(response.body)
    content: dict[str, Any] = {
        "size": len(response.body),
        "mimeType": _header(response.headers, "content-type") or "",
        "text": text,
    }
    if encoding:
        content["encoding"] = encoding
    return {
        "startedDateTime": started,
        "time": 0,
        "request": entry_request,
        "response": {
            "status": response.status,
            "statusText": response.message,
            "httpVersion": "HTTP/1.1",
            "cookies": _cookies(response.headers, "set-cookie"),
            "headers": _headers(response.headers),
            "content": content,
            "redirectURL": _header(response.headers, "location") or "",
            "headersSize": -1,
            "bodySize": len(response.body),
        },
        "cache": {},
        "timings": {"send": 0, "wait": 0, "receive": 0},
        "comment": comment,
    }


def _started(path: Path) -> str:
    try:
        stamp = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError:
        stamp = datetime.now(UTC)
    return stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def cassettes_to_har(cassettes: Sequence[Cassette], root: Path | None = None) -> dict[str, Any]:
    """A HAR 1.2 document (as JSON-ready data) holding every interaction of ``cassettes``."""
    entries: list[dict[str, Any]] = []
    for cassette in cassettes:
        name = cassette.path.name
        if root is not None and root.is_dir():
            with contextlib.suppress(ValueError):
                name = cassette.path.relative_to(root).as_posix()
        started = _started(cassette.path)
        entries.extend(
            _entry(interaction, started, f"{name} interaction {i}")
            for i, interaction in enumerate(cassette.interactions)
        )
    return {
        "log": {
            "version": HAR_VERSION,
            "creator": {"name": "recorded-server", "version": __version__},
            "pages": [],
            "entries": entries,
        }
    }
