"""The purchase operations' validation, in-process and over loopback (the many shape cases
in-process only): the shape of every body (400 ``bad_request``), every documented rule of set
transaction (400 with its own ``error_code``), the order of checks, and the rules that need the
catalogue, the clock or the stored profile."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from . import family
from .conftest import Target, asgi_target, socket_target
from .family import GRANT, REVOKE, SUBSCRIPTION, TRANSACTION, with_
from .helpers import AUTH

pytestmark = pytest.mark.anyio
WHO = {**AUTH, "adapty-customer-user-id": "family-user"}


@pytest.fixture(params=["asgi", "socket"])
async def app(request: pytest.FixtureRequest) -> AsyncIterator[Target]:
    """In-process, and over loopback to the session's server (reset before each test)."""
    async with _family_target(request, request.param) as target:
        yield target


@pytest.fixture
async def in_process(request: pytest.FixtureRequest) -> AsyncIterator[Target]:
    """In-process only: for the many shape cases (each rule is also run over loopback)."""
    async with _family_target(request, "asgi") as target:
        yield target


@asynccontextmanager
async def _family_target(request: pytest.FixtureRequest, mode: str) -> AsyncIterator[Target]:
    if mode == "asgi":
        context = asgi_target()
    else:
        context = socket_target(request.getfixturevalue("shared_server"))
    async with context as target:
        await target.create(WHO)
        response = await target.client.put(
            family.CATALOGUE, headers=AUTH, json=family.CATALOGUE_BODY
        )
        assert response.status_code == 200, response.text
        response = await target.client.put(
            family.CLOCK, headers=AUTH, json={"now": "2030-01-15T00:00:00Z"}
        )
        assert response.status_code == 200, response.text
        yield target


async def post(target: Target, path: str, body: Any, headers: dict[str, str] = WHO) -> Any:
    response = await target.client.post(path, headers=headers, json=body)
    return response.status_code, response.json()


def codes(body: Any) -> tuple[str, list[str | None]]:
    return body["error_code"], [item["source"] for item in body["errors"]]


@pytest.mark.parametrize(("body", "source"), family.SHAPE_CASES)
async def test_transaction_shape_errors_are_bad_request(
    in_process: Target, body: Any, source: str
) -> None:
    status, answer = await post(in_process, TRANSACTION, body)
    assert (status, codes(answer)) == (400, ("bad_request", [source])), answer


@pytest.mark.parametrize(("body", "code", "source"), family.RULE_CASES)
async def test_every_documented_transaction_rule(
    app: Target, body: dict[str, Any], code: str, source: str
) -> None:
    status, answer = await post(app, TRANSACTION, body)
    assert (status, codes(answer)) == (400, (code, [source])), answer


@pytest.mark.parametrize("body", family.RULE_ACCEPTED)
async def test_bodies_at_the_rules_boundaries_are_accepted(
    app: Target, body: dict[str, Any]
) -> None:
    status, answer = await post(app, TRANSACTION, body)
    assert status == 200, answer


async def test_rules_come_before_existence_and_shape_before_rules(app: Target) -> None:
    nobody = {**AUTH, "adapty-customer-user-id": "nobody"}
    rule_broken = with_(SUBSCRIPTION, expires_at="2029-01-01T00:00:00Z")
    assert codes((await post(app, TRANSACTION, rule_broken, nobody))[1])[0] == "expires_date_error"
    both = with_(rule_broken, store="")
    assert codes((await post(app, TRANSACTION, both))[1]) == ("bad_request", ["store"])
    status, answer = await post(app, TRANSACTION, SUBSCRIPTION, nobody)
    assert (status, answer["errors"]) == (404, [{"source": None, "errors": ["Profile not found"]}])
    assert answer["error_code"] == "profile_does_not_exist"


async def test_a_currency_without_a_rate_is_refused_after_existence(app: Target) -> None:
    body = with_(SUBSCRIPTION, price={"country": "US", "currency": "XXX", "value": 1})
    status, answer = await post(app, TRANSACTION, body)
    assert (status, codes(answer)) == (400, ("bad_request", ["price.currency"]))
    nobody = {**AUTH, "adapty-customer-user-id": "nobody"}
    assert (await post(app, TRANSACTION, body, nobody))[0] == 404


@pytest.mark.parametrize(
    ("body", "source"),
    [
        ({}, "access_level_id"),
        ({"access_level_id": ""}, "access_level_id"),
        ({"access_level_id": None}, "access_level_id"),
        ({"access_level_id": 1}, "access_level_id"),
        ({"access_level_id": "premium", "starts_at": "now"}, "starts_at"),
        ({"access_level_id": "premium", "expires_at": "2030-01-01"}, "expires_at"),
        ({"access_level_id": "premium", "duration_days": 7}, "duration_days"),
        ({"access_level_id": "premium", "is_lifetime": True}, "is_lifetime"),
        ({"access_level_id": "premium", "expires_at": "1899-12-31T23:59:59Z"}, "expires_at"),
        ({"access_level_id": "premium", "starts_at": "2200-01-01T00:00:00Z"}, "starts_at"),
        ({"access_level_id": "premium", "starts_at": "0000-01-01T00:00:00Z"}, "starts_at"),
    ],
)
async def test_grant_bad_bodies(app: Target, body: Any, source: str) -> None:
    status, answer = await post(app, GRANT, body)
    assert (status, codes(answer)) == (400, ("bad_request", [source])), answer


async def test_a_grant_may_expire_in_the_past(app: Target) -> None:
    # Adapty's reference: expires_at "may be in the past"; the level is granted, expired.
    for body in (
        {"access_level_id": "premium", "expires_at": "2030-01-14T00:00:00Z"},
        {
            "access_level_id": "vip",
            "starts_at": "2030-02-01T00:00:00Z",
            "expires_at": "2030-01-31T00:00:00Z",
        },
        {"access_level_id": "vip", "expires_at": "1900-01-01T00:00:00-05:00"},
    ):
        status, answer = await post(app, GRANT, body)
        assert status == 200, answer


@pytest.mark.parametrize(
    ("body", "source"),
    [
        ({}, "access_level_id"),
        ({"access_level_id": None}, "access_level_id"),
        ({"access_level_id": "premium", "revoke_at": "tomorrow"}, "revoke_at"),
        ({"access_level_id": "premium", "expires_at": "2030-02-01T00:00:00Z"}, "expires_at"),
        ({"access_level_id": "premium", "is_refund": True}, "is_refund"),
    ],
)
async def test_revoke_bad_bodies(app: Target, body: Any, source: str) -> None:
    status, answer = await post(app, REVOKE, body)
    assert (status, codes(answer)) == (400, ("bad_request", [source])), answer


async def test_grant_and_revoke_of_a_level_the_app_lacks(app: Target) -> None:
    for path in (GRANT, REVOKE):
        status, answer = await post(app, path, {"access_level_id": "gold"})
        assert (status, codes(answer)) == (
            400,
            ("paid_access_level_does_not_exist", ["non_field_errors"]),
        )
        assert answer["errors"][0]["errors"] == ["Paid access level `gold` does not exist"]


async def test_missing_profile_comes_before_the_catalogue(app: Target) -> None:
    nobody = {**AUTH, "adapty-profile-id": "0c7b6a1f-8d55-4d0b-9d0f-3f4f5e6a7b8c"}
    for path in (GRANT, REVOKE):
        status, answer = await post(app, path, {"access_level_id": "gold"}, nobody)
        assert (status, answer["error_code"]) == (404, "profile_does_not_exist")


async def test_revoke_rules(app: Target) -> None:
    status, answer = await post(app, REVOKE, {"access_level_id": "vip"})
    assert (status, codes(answer)) == (
        400,
        ("profile_paid_access_level_does_not_exist", ["non_field_errors"]),
    )
    grant = {"access_level_id": "vip", "expires_at": "2030-03-01T00:00:00Z"}
    assert (await post(app, GRANT, grant))[0] == 200
    for past in ("2030-01-15T00:00:00Z", "2030-01-14T23:59:59Z"):  # now is not "later than now"
        status, answer = await post(app, REVOKE, {"access_level_id": "vip", "revoke_at": past})
        assert (status, codes(answer)) == (400, ("value_error", ["revoke_at"])), past
        assert answer["errors"][0]["errors"] == ["Must be greater than the current time or null"]
    late = {"access_level_id": "vip", "revoke_at": "2030-03-01T00:00:00.000001Z"}
    status, answer = await post(app, REVOKE, late)
    assert (status, codes(answer)) == (
        400,
        ("revocation_date_more_than_expiration_date", ["revoke_at"]),
    )
    at_expiry = {"access_level_id": "vip", "revoke_at": "2030-03-01T00:00:00Z"}
    assert (await post(app, REVOKE, at_expiry))[0] == 200


async def test_the_order_of_checks_on_a_purchase_operation(app: Target) -> None:
    client = app.client
    no_key = await client.post(GRANT, json={})
    assert no_key.status_code == 401
    no_identity = await client.post(GRANT, headers=AUTH, json={})
    assert (no_identity.status_code, no_identity.json()["errors"][0]["source"]) == (
        400,
        "adapty-customer-user-id",
    )
    form = await client.post(GRANT, headers={**WHO, "Content-Type": "text/plain"}, content=b"{}")
    assert form.status_code == 415
    huge = await client.post(GRANT, headers=WHO, json={"access_level_id": "x" * 70_000})
    assert huge.status_code == 413
    broken = await client.post(
        GRANT, headers={**WHO, "Content-Type": "application/json"}, content=b"{"
    )
    assert (broken.status_code, broken.json()["error_code"]) == (400, "parse_error")
    method = await client.get(GRANT, headers=WHO)
    assert (method.status_code, method.headers["Allow"]) == (405, "POST")


async def test_one_time_purchase_accepts_only_its_fields(app: Target) -> None:
    status, answer = await post(app, TRANSACTION, family.ONE_TIME)
    assert status == 200, answer
