"""The purchase operations on any target with the inspection API (the recorded server): grant,
revoke and set transaction, step by step and as random sequences.

Stateful properties (each checked after every step of a random sequence):

- a granted level shows in GET, and a grant never shortens it;
- a revoked level is no longer active at the server's clock;
- ``total_revenue_usd`` is the sum of the ledger (the latest price of each transaction, a refunded
  one counting zero);
- a renewal never adds a second subscription of its chain.

The server's clock is frozen (``PUT /_recorded/clock``) and its catalogue set
(``PUT /_recorded/catalogue``), so these need the inspection API: a live server is never sent a
purchase operation (they change a real account's entitlements and revenue; the live guard
refuses them).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract_tests.family import GRANT_PATH, REVOKE_PATH, TRANSACTION_PATH
from contract_tests.profiles import examples
from contract_tests.summary import SUMMARY
from contract_tests.targets import Sent, Target, fresh_customer_user_id
from contract_tests.verdicts import MISSING_PROFILE_CODES

UTC = datetime.UTC
T0 = datetime.datetime(2030, 1, 15, tzinfo=UTC)
CATALOGUE = {
    "access_levels": ["premium", "vip"],
    "products": [
        {"store": "stripe", "store_product_id": "monthly", "access_level_id": "vip"},
        {"store": "my_store", "store_product_id": "lifetime", "access_level_id": "premium"},
    ],
}
OPERATION = "POST purchase"


def _text(moment: datetime.datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _read(value: object) -> datetime.datetime | None:
    if not isinstance(value, str):
        return None
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    if len(text) >= 5 and text[-5] in "+-" and text[-3] != ":":
        text = text[:-2] + ":" + text[-2:]
    return datetime.datetime.fromisoformat(text)


def _active(level: dict[str, Any], at: datetime.datetime) -> bool:
    starts, expires = _read(level.get("starts_at")), _read(level.get("expires_at"))
    return (starts is None or starts <= at) and (expires is None or at < expires)


class Family:
    """One fresh profile on the target, and the calls of the purchase operations."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.user = fresh_customer_user_id()
        self.identity = {"adapty-customer-user-id": self.user}

    def inspect(self, method: str, path: str, body: object = None) -> Any:
        content = None if body is None else json.dumps(body).encode()
        headers = self.target.auth_headers()
        if content is not None:
            headers["Content-Type"] = "application/json"
        response = self.target.client.request(method, path, headers=headers, content=content)
        assert response.status_code in (200, 204), response.text
        return response.json() if response.content else None

    def send(self, path: str, body: object) -> Sent:
        return self.target.send(
            "POST", identity=self.identity, body=json.dumps(body).encode(), path=path
        )

    def ok(self, path: str, body: object, check: str) -> dict[str, Any]:
        sent = self.send(path, body)
        with SUMMARY.checking(OPERATION, check, sent.curl):
            assert sent.status == 200, sent.describe()
        data: dict[str, Any] = sent.json()["data"]
        return data

    def refused(self, path: str, body: object, code: str, check: str) -> None:
        sent = self.send(path, body)
        with SUMMARY.checking(OPERATION, check, sent.curl):
            assert (sent.status, sent.json().get("error_code")) == (400, code), sent.describe()

    def read(self) -> dict[str, Any]:
        sent = self.target.send("GET", identity=self.identity)
        assert sent.status == 200, sent.describe()
        data: dict[str, Any] = sent.json()["data"]
        return data


def _require_a_test_server(target: Target) -> None:
    """Live mode never sends a purchase operation (nor writes the clock or the catalogue)."""
    if target.kind == "live":
        pytest.skip("live mode: the purchase operations change a real account's entitlements")
    target.require_inspection()


@pytest.fixture
def family(target: Target) -> Iterator[Family]:
    _require_a_test_server(target)
    family = Family(target)
    family.inspect("PUT", "/_recorded/catalogue", CATALOGUE)
    family.inspect("PUT", "/_recorded/clock", {"now": _text(T0)})
    sent = target.send("POST", identity=family.identity, body=b"{}")
    assert sent.status == 200, sent.describe()
    yield family
    target.send("DELETE", identity=family.identity)
    family.inspect("DELETE", "/_recorded/clock")
    family.inspect("PUT", "/_recorded/catalogue", {})


def _level(data: dict[str, Any], name: str) -> dict[str, Any] | None:
    found = [e for e in data.get("access_levels") or [] if e.get("access_level_id") == name]
    return found[0] if found else None


def subscription(transaction_id: str, purchased: datetime.datetime, **more: Any) -> dict[str, Any]:
    return {
        "purchase_type": "subscription",
        "store": "stripe",
        "store_product_id": "monthly",
        "store_transaction_id": transaction_id,
        "store_original_transaction_id": "chain-1",
        "price": {"country": "US", "currency": "USD", "value": 5.0},
        "purchased_at": _text(purchased),
        "originally_purchased_at": _text(T0 - datetime.timedelta(days=40)),
        "expires_at": _text(purchased + datetime.timedelta(days=30)),
        "renew_status": True,
        **more,
    }


def test_family_sequence(family: Family) -> None:
    """Each rule once, by name."""
    later = _text(T0 + datetime.timedelta(days=10))
    data = family.ok(GRANT_PATH, {"access_level_id": "premium", "expires_at": later}, "grant: 200")
    with SUMMARY.checking(OPERATION, "grant: the level shows, active at the clock", ""):
        level = _level(family.read(), "premium")
        assert level is not None and _active(level, T0), data
    sooner = _text(T0 + datetime.timedelta(days=2))
    data = family.ok(GRANT_PATH, {"access_level_id": "premium", "expires_at": sooner}, "grant")
    with SUMMARY.checking(OPERATION, "grant: never shortens a level", ""):
        level = _level(data, "premium")
        assert level is not None and _read(level["expires_at"]) == _read(later), level
    family.refused(
        GRANT_PATH,
        {"access_level_id": "gold"},
        "paid_access_level_does_not_exist",
        "grant: a level the app lacks",
    )
    past = _text(T0 - datetime.timedelta(seconds=1))
    family.refused(
        REVOKE_PATH,
        {"access_level_id": "premium", "revoke_at": past},
        "value_error",
        "revoke: revoke_at in the past",
    )
    beyond = _text(T0 + datetime.timedelta(days=11))
    family.refused(
        REVOKE_PATH,
        {"access_level_id": "premium", "revoke_at": beyond},
        "revocation_date_more_than_expiration_date",
        "revoke: after the expiry",
    )
    family.refused(
        REVOKE_PATH,
        {"access_level_id": "vip"},
        "profile_paid_access_level_does_not_exist",
        "revoke: a level the profile lacks",
    )
    data = family.ok(REVOKE_PATH, {"access_level_id": "premium"}, "revoke now: 200")
    with SUMMARY.checking(OPERATION, "revoke: the level is kept, inactive at the clock", ""):
        level = _level(family.read(), "premium")
        assert level is not None and not _active(level, T0), level

    first = subscription("in-1", T0 - datetime.timedelta(days=10))
    data = family.ok(TRANSACTION_PATH, first, "set transaction: 200")
    with SUMMARY.checking(OPERATION, "transaction: the product's level from the catalogue", ""):
        level = _level(data, "vip")
        assert level is not None and _active(level, T0), data["access_levels"]
    with SUMMARY.checking(OPERATION, "transaction: counted in total_revenue_usd", ""):
        assert data["total_revenue_usd"] == pytest.approx(5.0), data["total_revenue_usd"]
    renewal = subscription("in-2", T0 + datetime.timedelta(days=20))
    data = family.ok(TRANSACTION_PATH, renewal, "renewal: 200")
    with SUMMARY.checking(OPERATION, "renewal: one subscription per chain", ""):
        chain = [
            s for s in data["subscriptions"] if s.get("store_original_transaction_id") == "chain-1"
        ]
        assert len(chain) == 1, data["subscriptions"]
    with SUMMARY.checking(OPERATION, "renewal: extends the level, adds its price", ""):
        level = _level(data, "vip")
        assert level is not None and _read(level["expires_at"]) == _read(renewal["expires_at"])
        assert data["total_revenue_usd"] == pytest.approx(10.0)
    missing = {**first, "store_transaction_id": "t", "store_original_transaction_id": "t"}
    family.target.send("DELETE", identity=family.identity)
    sent = family.send(TRANSACTION_PATH, missing)
    with SUMMARY.checking(OPERATION, "transaction: a missing profile", sent.curl):
        code = sent.json().get("error_code")
        assert (sent.status, code) in [(404, c) for c in MISSING_PROFILE_CODES] + [
            (400, "profile_does_not_exist")
        ], sent.describe()


STEP = st.one_of(
    st.tuples(
        st.just("grant"),
        st.sampled_from(["premium", "vip"]),
        st.one_of(st.none(), st.integers(-5, 20)),
    ),
    st.tuples(
        st.just("revoke"),
        st.sampled_from(["premium", "vip"]),
        st.one_of(st.none(), st.integers(1, 20)),
    ),
    st.tuples(
        st.just("transaction"),
        st.sampled_from(["chain-a", "chain-b"]),
        st.tuples(
            st.integers(0, 3), st.integers(0, 30), st.sampled_from([0.0, 1.5, 9.99]), st.booleans()
        ),
    ),
)


@settings(
    max_examples=examples(0.15),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=1, max_size=6))
def test_family_properties(target: Target, steps: list[tuple[Any, ...]]) -> None:
    _require_a_test_server(target)
    family = Family(target)
    family.inspect("PUT", "/_recorded/catalogue", CATALOGUE)
    family.inspect("PUT", "/_recorded/clock", {"now": _text(T0)})
    assert target.send("POST", identity=family.identity, body=b"{}").status == 200
    SUMMARY.example("family: a random sequence of purchase operations")
    ledger: dict[tuple[str, str], float] = {}
    try:
        for kind, name, arg in steps:
            before = family.read()
            if kind == "grant":
                body: dict[str, Any] = {"access_level_id": name}
                if arg is not None:
                    body["expires_at"] = _text(T0 + datetime.timedelta(days=arg))
                sent = family.send(GRANT_PATH, body)
                assert sent.status == 200, sent.describe()
                after = sent.json()["data"]
                with SUMMARY.checking(
                    OPERATION, "property: a granted level shows in GET", sent.curl
                ):
                    assert _level(family.read(), name) is not None
                held, level = _level(before, name), _level(after, name)
                with SUMMARY.checking(
                    OPERATION, "property: a grant never shortens a level", sent.curl
                ):
                    assert level is not None
                    if held is not None and _active(held, T0):
                        old, new = _read(held.get("expires_at")), _read(level.get("expires_at"))
                        assert new is None or (old is not None and new >= old), (held, level)
            elif kind == "revoke":
                body = {"access_level_id": name}
                if arg is not None:
                    body["revoke_at"] = _text(T0 + datetime.timedelta(days=arg))
                sent = family.send(REVOKE_PATH, body)
                if sent.status == 200:
                    level = _level(family.read(), name)
                    with SUMMARY.checking(
                        OPERATION, "property: revoked now is inactive at the clock", sent.curl
                    ):
                        assert level is not None
                        if arg is None:
                            assert not _active(level, T0), level
                else:
                    assert sent.status == 400, sent.describe()
            else:
                number, day, price, refund = arg
                purchased = T0 - datetime.timedelta(days=30) + datetime.timedelta(days=day)
                more: dict[str, Any] = {"store_original_transaction_id": name}
                more["price"] = {"country": "US", "currency": "USD", "value": price}
                if refund:
                    more["refunded_at"] = _text(purchased + datetime.timedelta(hours=1))
                    more["cancellation_reason"] = "refund"
                body = subscription(f"{name}-{number}", purchased, **more)
                sent = family.send(TRANSACTION_PATH, body)
                assert sent.status == 200, sent.describe()
                ledger[(name, str(number))] = 0.0 if refund else price
                data = sent.json()["data"]
                with SUMMARY.checking(
                    OPERATION, "property: revenue is the sum of the ledger", sent.curl
                ):
                    assert data["total_revenue_usd"] == pytest.approx(sum(ledger.values())), ledger
                with SUMMARY.checking(OPERATION, "property: one subscription per chain", sent.curl):
                    chains = [s.get("store_original_transaction_id") for s in data["subscriptions"]]
                    assert len(chains) == len(set(chains)), data["subscriptions"]
    finally:
        target.send("DELETE", identity=family.identity)
        family.inspect("DELETE", "/_recorded/clock")
        family.inspect("PUT", "/_recorded/catalogue", {})
