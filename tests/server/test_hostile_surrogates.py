"""Lone surrogates (valid JSON escapes, not encodable as UTF-8) never yield a 5xx (issue 16, #2).

The error envelope used to be encoded with ``ensure_ascii=False`` and failed on them; it now
falls back to ``\\uXXXX`` escapes, while the wire output for ordinary input is unchanged.
"""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recorded_server import Settings, create_app
from recorded_server.serving.errors import error_response

from .helpers import KEY, PATH

HEADERS = {
    "Authorization": f"Api-Key {KEY}",
    "adapty-customer-user-id": "surrogate-user",
    "Content-Type": "application/json",
}
ATTACKS = [
    b'{"\\ud800": 1}',
    b'{"gender": "\\udfff"}',
    b'{"installation_meta": {"platform": "\\ud800"}}',
    b'{"custom_attributes": [{"key": "k", "value": 1, "\\ud83d": 2}]}',
]

FUZZ_EXAMPLES = 5000
"""Each example sends two bodies: 10,000 random bodies per run, in-process (about 10 s)."""

surrogate_text = st.text(
    alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF) | st.characters(),
    max_size=20,
)
hostile_values = st.recursive(
    st.none() | st.integers(min_value=-(10**400), max_value=10**400) | surrogate_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(surrogate_text, inner, max_size=3),
    max_leaves=10,
)


def _app_client() -> tuple[object, httpx.AsyncClient]:
    app = create_app(Settings(db=":memory:"))
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
    return app, client


@pytest.mark.parametrize("body", ATTACKS)
def test_lone_surrogate_bodies_get_the_envelope_not_a_500(body: bytes) -> None:
    app, client = _app_client()

    async def go() -> httpx.Response:
        async with client:
            return await client.post(PATH, headers=HEADERS, content=body)

    response = asyncio.run(go())
    assert response.status_code == 400, response.text
    assert set(response.json()) == {"errors", "error_code", "status_code"}
    app.state.runtime.stop()  # type: ignore[attr-defined]
    assert app.state.runtime.unhandled_errors == 0  # type: ignore[attr-defined]


def test_ordinary_error_bodies_keep_utf8_on_the_wire() -> None:
    body = error_response(400, "bad_request", [("gender", ["é not allowed"])]).body
    assert "é".encode() in body
    escaped = error_response(400, "bad_request", [("\ud800", ["x"])]).body
    assert b"\\ud800" in escaped


def test_random_hostile_bodies_never_get_a_5xx() -> None:
    app, client = _app_client()
    with asyncio.Runner() as runner:

        @settings(
            max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck)
        )
        @given(value=hostile_values, nest=st.integers(min_value=0, max_value=3000))
        def check(value: object, nest: int) -> None:
            body = json.dumps({"custom_attributes": [{"key": "k", "value": value}], "x": value})
            for content in (body.encode(errors="surrogatepass"), b"[" * nest):
                response = runner.run(client.patch(PATH, headers=HEADERS, content=content))
                assert response.status_code < 500, response.text

        try:
            check()
        finally:
            runner.run(client.aclose())
    app.state.runtime.stop()  # type: ignore[attr-defined]
    assert app.state.runtime.unhandled_errors == 0  # type: ignore[attr-defined]


def test_a_fixture_with_a_surrogate_customer_user_id_is_rejected_cleanly() -> None:
    app, client = _app_client()
    document = (
        b'{"profiles": [{"profile_id": "5b1b8c1e-1f4c-4d1e-9a55-0d9c2b1e7a01", '
        b'"customer_user_id": "\\ud800"}]}'
    )

    async def go() -> httpx.Response:
        async with client:
            return await client.post("/_recorded/fixtures", headers=HEADERS, content=document)

    response = asyncio.run(go())
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["source"] == "profiles.0.customer_user_id"
    app.state.runtime.stop()  # type: ignore[attr-defined]
    assert app.state.runtime.unhandled_errors == 0  # type: ignore[attr-defined]
