"""No input, however malformed, yields a 5xx, a traceback, or a body outside the envelope.

Hypothesis drives the in-process app with random methods, paths, headers and bodies (structured
profile-like JSON and raw bytes); a few raw-socket cases check the real server the same way.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import string
import time
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recorded_server import Settings, create_app
from recorded_server.emulator.rules.validation import BODY_FIELDS, INSTALLATION_META_FIELDS
from recorded_server.testing.process import ServerProcess

from .helpers import KEY, PATH, PROFILE_ID

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | st.sampled_from(["", "f", "FR", "2000-12-31", "1.2.3.4", PROFILE_ID, "iOS"])
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
attribute_items = st.one_of(
    st.fixed_dictionaries(
        {
            "key": st.one_of(st.from_regex(r"[A-Za-z0-9._-]{1,31}", fullmatch=True), json_scalars),
            "value": json_scalars,
        }
    ),
    st.dictionaries(st.sampled_from(["key", "value", "other"]), json_values, max_size=3),
    json_values,
)
installation_metas = st.one_of(
    st.dictionaries(
        st.sampled_from([*INSTALLATION_META_FIELDS, "extra"]), json_scalars, max_size=6
    ),
    json_values,
)
profile_bodies = st.dictionaries(
    st.sampled_from([*BODY_FIELDS, "unknown"]),
    st.one_of(
        json_scalars,
        st.lists(attribute_items, max_size=33),
        installation_metas,
        json_values,
    ),
    max_size=8,
)
raw_bodies = st.one_of(
    st.binary(max_size=300),
    profile_bodies.map(lambda body: json.dumps(body).encode()),
    profile_bodies.map(lambda body: json.dumps(body).encode()[: len(json.dumps(body)) // 2]),
    st.sampled_from([b"", b"NaN", b'{"a": Infinity}', b"[" * 3000, b"\xff\xfe", b'{"x": 1e999}']),
)
latin1_text = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"),
    max_size=300,
)
header_values = st.one_of(
    latin1_text.map(lambda text: text.strip()),
    st.sampled_from([PROFILE_ID, PROFILE_ID.upper(), "x", "iOS", "web", "application/json"]),
)


@st.composite
def requests(draw: st.DrawFn) -> dict[str, Any]:
    headers: list[tuple[str, bytes]] = []
    auth = draw(st.sampled_from(["ok", "ok", "ok", "wrong", "missing", "garbage"]))
    if auth == "ok":
        headers.append(("Authorization", f"Api-Key {KEY}".encode()))
    elif auth == "wrong":
        headers.append(("Authorization", b"Api-Key nope"))
    elif auth == "garbage":
        headers.append(("Authorization", draw(header_values).encode("latin-1")))
    for name in ("adapty-customer-user-id", "adapty-profile-id", "adapty-platform", "Content-Type"):
        if draw(st.booleans()):
            headers.append((name, draw(header_values).encode("latin-1")))
    return {
        "method": draw(
            st.sampled_from(["GET", "POST", "PATCH", "DELETE", "POST", "PATCH", "PUT", "OPTIONS"])
        ),
        "url": draw(
            st.one_of(
                st.just(PATH),
                st.just(PATH),
                st.sampled_from(
                    [
                        "/_recorded/profiles",
                        "/_recorded/fixtures",
                        f"/_recorded/profiles/{PROFILE_ID}",
                    ]
                ),
                st.text(alphabet=string.ascii_letters + "/_-.%", max_size=30).map(
                    lambda p: "/" + p
                ),
            )
        ),
        "headers": headers,
        "content": draw(raw_bodies),
    }


def assert_well_formed(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    request_id = response.headers.get("request-id", "")
    assert len(request_id) == 32
    if response.status_code == 204:
        assert response.content == b""
        return
    body = response.json()
    if response.status_code >= 400:
        assert set(body) == {"errors", "error_code", "status_code"}
        assert body["status_code"] == response.status_code
        assert isinstance(body["error_code"], str)
        assert body["errors"], body
        for item in body["errors"]:
            assert set(item) == {"source", "errors"}
            assert item["source"] is None or isinstance(item["source"], str)
            assert item["errors"] and all(isinstance(m, str) for m in item["errors"])
        assert "Traceback" not in response.text


def test_random_requests_never_get_a_5xx() -> None:
    app = create_app(Settings(db=":memory:"))
    runtime = app.state.runtime
    with asyncio.Runner() as runner:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")

        @settings(
            max_examples=600,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(request=requests())
        def check(request: dict[str, Any]) -> None:
            response = runner.run(client.request(**request))
            assert_well_formed(response)

        try:
            check()
        finally:
            runner.run(client.aclose())
    runtime.stop()
    assert runtime.unhandled_errors == 0


def test_valid_looking_profile_bodies_get_200_or_400_only() -> None:
    app = create_app(Settings(db=":memory:"))
    runtime = app.state.runtime
    counter = iter(range(10**9))
    seen: set[int] = set()
    with asyncio.Runner() as runner:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")

        @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(body=profile_bodies, method=st.sampled_from(["POST", "PATCH"]))
        def check(body: dict[str, Any], method: str) -> None:
            customer = f"fuzz-{next(counter)}"
            headers = {"Authorization": f"Api-Key {KEY}", "adapty-customer-user-id": customer}
            if method == "PATCH":
                runner.run(client.post(PATH, headers=headers, json={}))
            response = runner.run(client.request(method, PATH, headers=headers, json=body))
            assert_well_formed(response)
            assert response.status_code in (200, 400), response.text
            seen.add(response.status_code)

        try:
            check()
        finally:
            runner.run(client.aclose())
    runtime.stop()
    assert seen == {200, 400}
    assert runtime.unhandled_errors == 0


def _raw(port: int, data: bytes) -> bytes:
    """Send ``data`` and read until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except (TimeoutError, ConnectionResetError):
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def _request(head: bytes, *headers: bytes, body: bytes = b"") -> bytes:
    lines = [head, b"Host: x", b"Connection: close", *headers]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def test_broken_http_over_a_socket_leaves_the_server_answering(
    shared_server: ServerProcess,
) -> None:
    port = shared_server.port or 0
    post = b"POST " + PATH.encode() + b" HTTP/1.1"
    get = b"GET " + PATH.encode() + b" HTTP/1.1"
    auth = f"Authorization: Api-Key {KEY}".encode()
    cases = [
        b"\x00\x01\x02garbage\r\n\r\n",
        _request(b"GET / HTTP/9.9"),
        _request(b"GET /" + b"a" * 70_000 + b" HTTP/1.1"),
        _request(post, auth, b"Content-Length: abc"),
        _request(post, auth, b"Content-Length: -1"),
        _request(post, auth, b"Content-Length: 2", b"Transfer-Encoding: chunked", body=b"{}"),
        _request(
            post, auth, b"adapty-customer-user-id: \xff\xfe", b"Content-Length: 2", body=b"{}"
        ),
        _request(get, auth, b"adapty-profile-id: \x80\x81"),
        _request(
            post, b"Authorization: Api-Key \xff" + KEY.encode(), b"Content-Length: 2", body=b"{}"
        ),
        # Header sections over h11's 16 KiB limit (kept under one 64 KiB read, so that the server
        # has read everything when it answers and closes, and the kernel sends no RST).
        get + b"\r\nHost: x\r\nX-Flood: " + b"a" * 20_000,
        get + b"\r\nHost: x\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(2500)),
    ]
    for case in cases:
        answer = _raw(port, case)
        assert not answer.startswith(b"HTTP/1.1 5"), (case[:60], answer[:200])
        head, _, body = answer.partition(b"\r\n\r\n")
        assert re.search(rb"(?im)^request-id: [0-9a-f]{32}\r?$", head), head
        status = int(head.split(b" ")[1])
        if status >= 400:
            envelope = json.loads(body)
            assert set(envelope) == {"errors", "error_code", "status_code"}
            assert envelope["status_code"] == status
    response = httpx.get(f"{shared_server.url}/_recorded/health", timeout=5)
    assert response.status_code == 200
    time.sleep(0.3)  # log lines are written in batches
    log = shared_server.log()
    assert "unhandled exception" not in log
    assert "(malformed request) 400" in log
    assert "a" * 201 not in log  # long paths are cut in log lines
    assert "...(70001 chars)" in log
