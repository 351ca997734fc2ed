"""Raw HTTP/1.1 over a plain socket, for requests that no well-behaved client would send.

Requests are bytes written as they are (invalid UTF-8, header floods, odd framing); responses
are parsed by the standard library's ``http.client.HTTPResponse``. One request at a time per
connection (no pipelining); the connection is reopened when the server closes it.
:func:`split_answers` reads several answers written back to back (pipelining).
"""

from __future__ import annotations

import http.client
import json
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

REQUEST_ID = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class RawResponse:
    status: int
    headers: dict[str, str]
    """Lower-cased names; the last value of a repeated header."""
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def split_answers(data: bytes) -> list[tuple[int, dict[str, str], bytes]]:
    """Status, headers (lower-cased names) and body of each answer in ``data``, written back to
    back (Content-Length framed; none: an empty body, as a 204's)."""
    answers = []
    while data:
        head, sep, rest = data.partition(b"\r\n\r\n")
        assert sep, f"an incomplete head: {data[:200]!r}"
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        assert len(rest) >= length, f"a short body: {rest!r}"
        answers.append((int(status_line.split(" ")[1]), headers, rest[:length]))
        data = rest[length:]
    return answers


def build_request(
    method: str,
    path: str,
    headers: Iterable[tuple[str | bytes, str | bytes]] = (),
    body: bytes | None = None,
    *,
    content_length: bool = True,
    host: str = "127.0.0.1",
) -> bytes:
    """Request bytes: the request line, Host, the headers as given, Content-Length, the body."""

    def raw(value: str | bytes) -> bytes:
        return value if isinstance(value, bytes) else value.encode("latin-1")

    lines = [f"{method} {path} HTTP/1.1".encode("latin-1"), b"Host: " + raw(host)]
    lines += [raw(name) + b": " + raw(value) for name, value in headers]
    if body is not None and content_length:
        lines.append(b"Content-Length: " + str(len(body)).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + (body or b"")


class RawConnection:
    """A keep-alive connection that sends raw request bytes and reads one response each."""

    def __init__(self, host: str, port: int, timeout_s: float = 10.0) -> None:
        self.host = host
        self.port = port
        self.timeout_s = timeout_s
        self._sock: socket.socket | None = None
        self.reconnects = 0

    def _connect(self) -> socket.socket:
        if self._sock is None:
            self._sock = socket.create_connection((self.host, self.port), timeout=self.timeout_s)
            self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.reconnects += 1
        return self._sock

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def exchange(self, request: bytes) -> RawResponse:
        """Send one request and read its response (retry once on a stale keep-alive socket)."""
        for attempt in (1, 2):
            sock = self._connect()
            try:
                sock.sendall(request)
            except (BrokenPipeError, ConnectionResetError):
                # The server may answer early (e.g. 413) and close while we are still sending:
                # the answer can still be read below.
                if attempt == 1 and not self._readable(sock):
                    self.close()
                    continue
            try:
                return self._read(sock)
            except (http.client.RemoteDisconnected, ConnectionResetError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    @staticmethod
    def _readable(sock: socket.socket) -> bool:
        try:
            return bool(sock.recv(1, socket.MSG_PEEK))
        except OSError:
            return False

    def _read(self, sock: socket.socket) -> RawResponse:
        response = http.client.HTTPResponse(sock)
        try:
            response.begin()
            body = response.read()
        finally:
            response.close()
        headers = {name.lower(): value for name, value in response.getheaders()}
        if response.will_close:
            self.close()
        return RawResponse(response.status, headers, body)

    def __enter__(self) -> RawConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def envelope_problems(response: RawResponse) -> list[str]:
    """Why this answer is not the contract's error envelope (empty when it is)."""
    problems: list[str] = []
    if not 400 <= response.status < 500:
        problems.append(f"status {response.status} is not a 4xx")
    if not REQUEST_ID.fullmatch(response.headers.get("request-id", "")):
        problems.append(f"Request-Id header {response.headers.get('request-id')!r}")
    try:
        body = response.json()
    except ValueError:
        return [*problems, f"body is not JSON: {response.body[:200]!r}"]
    if not isinstance(body, dict) or set(body) != {"errors", "error_code", "status_code"}:
        return [*problems, f"body is not the envelope: {body!r:.300}"]
    if body["status_code"] != response.status:
        problems.append(f"status_code {body['status_code']!r} != HTTP {response.status}")
    if not isinstance(body["error_code"], str) or not body["error_code"]:
        problems.append(f"error_code {body['error_code']!r}")
    errors = body["errors"]
    if not isinstance(errors, list) or not errors:
        problems.append(f"errors {errors!r:.200}")
    else:
        for item in errors:
            ok = (
                isinstance(item, dict)
                and set(item) == {"source", "errors"}
                and (item["source"] is None or isinstance(item["source"], str))
                and isinstance(item["errors"], list)
                and all(isinstance(m, str) for m in item["errors"])
            )
            if not ok:
                problems.append(f"errors item {item!r:.200}")
    return problems


def rss_kib(pid: int) -> int:
    """The resident set size of a process (VmRSS in /proc/PID/status), in KiB."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")
