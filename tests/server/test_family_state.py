"""What grant, revoke and set transaction leave in the profile, in-process and over a real socket:
the catalogue and the clock, a grant that never shortens, a revoke that keeps its entry, the
transaction ledger (updates, renewals, refunds), the derived lists and the revenue; and what a
restart keeps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from recorded_server.access_levels import is_active
from recorded_server.testing.process import ServerProcess

from .conftest import Target, target_with
from .family import (
    CATALOGUE,
    CATALOGUE_BODY,
    CLOCK,
    GRANT,
    ONE_TIME,
    REVOKE,
    SUBSCRIPTION,
    TRANSACTION,
    with_,
)
from .helpers import AUTH, PATH

pytestmark = [pytest.mark.anyio, pytest.mark.socket]
WHO = {**AUTH, "adapty-customer-user-id": "state-user"}


async def ok(target: Target, path: str, body: Any, headers: dict[str, str] = WHO) -> Any:
    response = await target.client.post(path, headers=headers, json=body)
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def freeze(target: Target, now: str) -> None:
    response = await target.client.put(CLOCK, headers=AUTH, json={"now": now})
    assert response.status_code == 200, response.text


async def setup(target: Target) -> None:
    await target.create(WHO)
    response = await target.client.put(CATALOGUE, headers=AUTH, json=CATALOGUE_BODY)
    assert response.status_code == 200, response.text
    await freeze(target, "2030-01-15T00:00:00Z")


def level(data: dict[str, Any], name: str) -> dict[str, Any]:
    entries: list[dict[str, Any]] = [
        e for e in data["access_levels"] if e["access_level_id"] == name
    ]
    assert len(entries) == 1
    return entries[0]


async def test_the_clock_and_the_catalogue_routes(api: Target) -> None:
    client = api.client
    real = (await client.get(CLOCK, headers=AUTH)).json()
    assert real["frozen"] is False
    assert (await client.get(CATALOGUE, headers=AUTH)).json() == {
        "access_levels": ["premium"],
        "products": [],
    }
    await freeze(api, "2030-01-01T01:00:00+01:00")
    assert (await client.get(CLOCK, headers=AUTH)).json() == {
        "now": "2030-01-01T00:00:00.000000+00:00",
        "frozen": True,
    }
    created = await api.create({**AUTH, "adapty-customer-user-id": "clock"})
    assert created.json()["data"]["timestamp"] == 1_893_456_000_000
    put = await client.put(CATALOGUE, headers=AUTH, json={"access_levels": ["vip"]})
    assert put.json() == {"access_levels": ["premium", "vip"], "products": []}
    bad = await client.put(CATALOGUE, headers=AUTH, json={"access_levels": [""], "x": 1})
    assert (bad.status_code, bad.json()["error_code"]) == (400, "bad_request")
    bad_clock = await client.put(CLOCK, headers=AUTH, json={"now": "2030-01-01"})
    assert bad_clock.status_code == 400
    released = await client.delete(CLOCK, headers=AUTH)
    assert released.json()["frozen"] is False
    # The reset between tests returns both to the startup state.
    await client.put(CLOCK, headers=AUTH, json={"now": "2030-01-01T00:00:00Z"})
    assert (await client.delete("/_recorded/profiles", headers=AUTH)).status_code == 204
    assert (await client.get(CLOCK, headers=AUTH)).json()["frozen"] is False
    assert (await client.get(CATALOGUE, headers=AUTH)).json()["access_levels"] == ["premium"]


async def test_grant_then_expiry_then_revoke(api: Target) -> None:
    await setup(api)
    data = await ok(
        api, GRANT, {"access_level_id": "premium", "expires_at": "2030-02-01T00:00:00Z"}
    )
    premium = level(data, "premium")
    assert premium["starts_at"] == "2030-01-15T00:00:00.000000+00:00"  # the server's now
    assert premium["expires_at"] == "2030-02-01T00:00:00.000000+00:00"
    assert is_active(data["access_levels"], "premium", _at("2030-01-15T00:00:00Z"))
    read = await api.client.get(PATH, headers=WHO)
    assert read.json()["data"]["access_levels"] == data["access_levels"]
    # Never shortens: a shorter grant keeps the longer expiry; a longer one extends it.
    data = await ok(
        api, GRANT, {"access_level_id": "premium", "expires_at": "2030-01-20T00:00:00Z"}
    )
    assert level(data, "premium")["expires_at"] == "2030-02-01T00:00:00.000000+00:00"
    data = await ok(
        api, GRANT, {"access_level_id": "premium", "expires_at": "2030-03-01T00:00:00Z"}
    )
    assert level(data, "premium")["expires_at"] == "2030-03-01T00:00:00.000000+00:00"
    # Revoke later, then now: the entry stays with its new expiry, inactive at the clock.
    data = await ok(
        api, REVOKE, {"access_level_id": "premium", "revoke_at": "2030-02-10T00:00:00Z"}
    )
    assert level(data, "premium")["expires_at"] == "2030-02-10T00:00:00.000000+00:00"
    data = await ok(api, REVOKE, {"access_level_id": "premium"})
    assert level(data, "premium")["expires_at"] == "2030-01-15T00:00:00.000000+00:00"
    assert not is_active(data["access_levels"], "premium", _at("2030-01-15T00:00:00Z"))
    # A lifetime grant after an ended level starts a new period.
    await freeze(api, "2030-04-01T00:00:00Z")
    data = await ok(api, GRANT, {"access_level_id": "premium"})
    assert level(data, "premium")["starts_at"] == "2030-04-01T00:00:00.000000+00:00"
    assert level(data, "premium")["expires_at"] is None
    data = await ok(
        api, GRANT, {"access_level_id": "premium", "expires_at": "2030-05-01T00:00:00Z"}
    )
    assert level(data, "premium")["expires_at"] is None  # lifetime is never shortened


async def test_a_subscription_its_renewal_an_update_and_a_refund(api: Target) -> None:
    await setup(api)
    data = await ok(api, TRANSACTION, SUBSCRIPTION)
    assert data["total_revenue_usd"] == pytest.approx(9.99)
    assert len(data["subscriptions"]) == 1
    vip = level(data, "vip")
    assert (vip["store"], vip["store_product_id"], vip["expires_at"]) == (
        "stripe",
        "monthly",
        "2030-02-01T00:00:00.000000+00:00",
    )
    renewal = with_(
        SUBSCRIPTION,
        store_transaction_id="in_2",
        purchased_at="2030-02-01T00:00:00Z",
        expires_at="2030-03-01T00:00:00Z",
    )
    data = await ok(api, TRANSACTION, renewal)
    assert data["total_revenue_usd"] == pytest.approx(19.98)
    (subscription,) = data["subscriptions"]  # a renewal never adds a second subscription
    assert subscription["store_transaction_id"] == "in_2"
    assert subscription["originally_purchased_at"] == "2030-01-01T00:00:00.000000+00:00"
    assert level(data, "vip")["expires_at"] == "2030-03-01T00:00:00.000000+00:00"
    # The same id again updates in place: a billing issue and auto-renew off, no new revenue.
    update = with_(
        renewal,
        renew_status=False,
        renew_status_changed_at="2030-02-02T00:00:00Z",
        billing_issue_detected_at="2030-02-02T00:00:00Z",
    )
    data = await ok(api, TRANSACTION, update)
    assert data["total_revenue_usd"] == pytest.approx(19.98)
    (subscription,) = data["subscriptions"]
    assert subscription["renewal_cancelled_at"] == "2030-02-02T00:00:00.000000+00:00"
    assert subscription["billing_issue_detected_at"] == "2030-02-02T00:00:00.000000+00:00"
    # A refund of the renewal: its price no longer counts, and access ends at the refund.
    refund = with_(update, refunded_at="2030-02-03T00:00:00Z", cancellation_reason="refund")
    data = await ok(api, TRANSACTION, refund)
    assert data["total_revenue_usd"] == pytest.approx(9.99)
    assert level(data, "vip")["expires_at"] == "2030-02-03T00:00:00.000000+00:00"
    read = (await api.client.get(PATH, headers=WHO)).json()["data"]
    assert read["subscriptions"] == data["subscriptions"]


async def test_one_time_purchases_currencies_and_the_catalogue(api: Target) -> None:
    await setup(api)
    data = await ok(api, TRANSACTION, ONE_TIME)  # 10 EUR, lifetime premium
    assert data["total_revenue_usd"] == pytest.approx(11.0)
    (purchase,) = data["non_subscriptions"]
    assert (purchase["is_refund"], purchase["is_consumable"]) == (False, False)
    assert level(data, "premium")["expires_at"] is None
    coins = with_(
        ONE_TIME,
        store_product_id="coins",
        store_transaction_id="t-2",
        store_original_transaction_id="t-2",
        price={"country": "GB", "currency": "GBP", "value": 2},
    )
    data = await ok(api, TRANSACTION, coins)
    assert data["total_revenue_usd"] == pytest.approx(13.5)
    assert [p["is_consumable"] for p in data["non_subscriptions"]] == [False, True]
    again = await ok(api, TRANSACTION, coins)  # the same id: updated in place, counted once
    assert again["total_revenue_usd"] == pytest.approx(13.5)
    assert [p["purchase_id"] for p in again["non_subscriptions"]] == [
        p["purchase_id"] for p in data["non_subscriptions"]
    ]
    unknown = with_(
        ONE_TIME,
        store_product_id="not-in-the-catalogue",
        store_transaction_id="t-3",
        store_original_transaction_id="t-3",
    )
    data = await ok(api, TRANSACTION, unknown)
    assert len(data["non_subscriptions"]) == 3
    assert [e["access_level_id"] for e in data["access_levels"]] == ["premium"]


async def test_an_unknown_product_gives_premium_when_set_so() -> None:
    # A setting built in code (like the limits): in-process only.
    async with target_with("asgi", unknown_product_access="premium") as target:
        who = {**AUTH, "adapty-customer-user-id": "premium-by-default"}
        await target.create(who)
        response = await target.client.post(TRANSACTION, headers=who, json=SUBSCRIPTION)
        data = response.json()["data"]
        assert [e["access_level_id"] for e in data["access_levels"]] == ["premium"]


async def test_a_restart_keeps_the_ledger_the_catalogue_and_the_clock(tmp_path: Path) -> None:
    db = tmp_path / "family.sqlite3"
    import httpx

    with ServerProcess(db=str(db)) as server:
        async with httpx.AsyncClient(base_url=server.url) as client:
            target = Target(client, "socket", server=server)
            await setup(target)
            await ok(target, TRANSACTION, SUBSCRIPTION)
    with ServerProcess(db=str(db)) as server:
        async with httpx.AsyncClient(base_url=server.url) as client:
            assert (await client.get(CLOCK, headers=AUTH)).json()["now"].startswith("2030-01-15")
            assert (await client.get(CATALOGUE, headers=AUTH)).json() == {
                **CATALOGUE_BODY,
                "access_levels": ["premium", "vip"],
            }
            renewal = with_(
                SUBSCRIPTION,
                store_transaction_id="in_2",
                purchased_at="2030-02-01T00:00:00Z",
                expires_at="2030-03-01T00:00:00Z",
            )
            response = await client.post(TRANSACTION, headers=WHO, json=renewal)
            data = response.json()["data"]
            assert data["total_revenue_usd"] == pytest.approx(19.98)
            assert len(data["subscriptions"]) == 1


def _at(text: str) -> Any:
    from recorded_server.access_levels import as_datetime

    return as_datetime(text)
