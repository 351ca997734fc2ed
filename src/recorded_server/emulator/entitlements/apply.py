"""What grant, revoke and set transaction do to a stored profile: pure functions of the record.

The storage runs them inside its single writer (``Storage.update``), so each is one atomic
read-modify-write, committed before the 200 is sent. Decisions where Adapty is silent are
written on each function and in the spec's operation descriptions.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from recorded_server.emulator.entitlements.bodies import Grant, Revoke, Transaction
from recorded_server.emulator.entitlements.catalogue import PREMIUM, Catalogue
from recorded_server.emulator.entitlements.dates import format_datetime, read_stored
from recorded_server.emulator.records import JSONObject, ProfileRecord
from recorded_server.serving import errors
from recorded_server.serving.ids import new_uuid4

GRANT_STORE = "adapty"
GRANT_PRODUCT = "adapty_server_side_product"
NO_PRODUCT_NONE = "none"
NO_PRODUCT_PREMIUM = "premium"


def paid_level_missing(access_level_id: str) -> errors.ApiError:
    return errors.ApiError(
        400,
        "paid_access_level_does_not_exist",
        [(errors.NON_FIELD, [f"Paid access level `{access_level_id}` does not exist"])],
    )


def _level_index(record: ProfileRecord, access_level_id: str) -> int | None:
    for index, level in enumerate(record.access_levels):
        if isinstance(level, dict) and level.get("access_level_id") == access_level_id:
            return index
    return None


def _fmt(moment: datetime.datetime | None) -> str | None:
    return None if moment is None else format_datetime(moment)


def granted(
    record: ProfileRecord, grant: Grant, catalogue: Catalogue, now: datetime.datetime
) -> ProfileRecord:
    """The profile after a grant. Never shortens: held and granted periods merge (the later
    expiry, ``null`` winning; the earlier start), unless the held one ended before the new start."""
    if not catalogue.has_level(grant.access_level_id):
        raise paid_level_missing(grant.access_level_id)
    starts = grant.starts_at if grant.starts_at is not None else now
    expires = grant.expires_at  # may be in the past (Adapty's reference): granted expired
    levels = list(record.access_levels)
    index = _level_index(record, grant.access_level_id)
    if index is None:
        new_id = f"grant-{new_uuid4().hex}"
        levels.append(
            {
                "access_level_id": grant.access_level_id,
                "store": GRANT_STORE,
                "store_product_id": GRANT_PRODUCT,
                "store_base_plan_id": None,
                "store_transaction_id": new_id,
                "store_original_transaction_id": new_id,
                "offer": None,
                "starts_at": _fmt(starts),
                "purchased_at": _fmt(now),
                "originally_purchased_at": _fmt(now),
                "expires_at": _fmt(expires),
                "renewal_cancelled_at": None,
                "billing_issue_detected_at": None,
                "is_in_grace_period": False,
                "cancellation_reason": None,
            }
        )
    else:
        held: JSONObject = dict(levels[index])
        held_starts = read_stored(held.get("starts_at"))
        held_expires = read_stored(held.get("expires_at"))
        held_lifetime = held.get("expires_at") is None
        if not held_lifetime and held_expires is not None and held_expires < starts:
            new_starts, new_expires = starts, expires  # a new period after the old one ended
        else:
            new_starts = starts if held_starts is None else min(starts, held_starts)
            if held_lifetime or expires is None:
                new_expires = None
            else:
                assert held_expires is not None
                new_expires = max(expires, held_expires)
        held["starts_at"] = _fmt(new_starts)
        held["expires_at"] = _fmt(new_expires)
        held["purchased_at"] = _fmt(now)
        held["cancellation_reason"] = None
        levels[index] = held
    return dataclasses.replace(record, access_levels=levels)


def revoked(
    record: ProfileRecord, revoke: Revoke, catalogue: Catalogue, now: datetime.datetime
) -> ProfileRecord:
    """The profile after a revoke: the level's ``expires_at`` becomes ``revoke_at`` (or now,
    or stays when it is already past); the entry is kept."""
    if not catalogue.has_level(revoke.access_level_id):
        raise paid_level_missing(revoke.access_level_id)
    level = revoke.access_level_id
    index = _level_index(record, level)
    if index is None:
        raise errors.ApiError(
            400,
            "profile_paid_access_level_does_not_exist",
            [
                (
                    errors.NON_FIELD,
                    [f"Profile `{record.profile_id}` has no `{level}` access level"],
                )
            ],
        )
    held: JSONObject = dict(record.access_levels[index])
    held_expires = read_stored(held.get("expires_at"))
    if revoke.revoke_at is not None:
        if revoke.revoke_at <= now:
            raise errors.ApiError(
                400,
                "value_error",
                [("revoke_at", ["Must be greater than the current time or null"])],
            )
        if (
            held_expires is not None
            and held.get("expires_at") is not None
            and (revoke.revoke_at > held_expires)
        ):
            raise errors.ApiError(
                400,
                "revocation_date_more_than_expiration_date",
                [
                    (
                        "revoke_at",
                        [
                            f"Revocation date ({format_datetime(revoke.revoke_at)}) is more than "
                            f"current expiration date ({format_datetime(held_expires)})"
                        ],
                    )
                ],
            )
        ends = revoke.revoke_at
    else:
        ends = (
            now
            if held_expires is None or held.get("expires_at") is None
            else min(now, held_expires)
        )
    held["expires_at"] = format_datetime(ends)
    levels = list(record.access_levels)
    levels[index] = held
    return dataclasses.replace(record, access_levels=levels)


# --- set transaction -------------------------------------------------------------------------


def usd_amount(transaction: Transaction, rates: dict[str, float]) -> float:
    """The transaction's price in US dollars (0 when refunded); 400 for a currency the rate
    table does not have."""
    rate = rates.get(transaction.currency)
    if rate is None:
        raise errors.bad_request(
            [
                (
                    "price.currency",
                    [
                        f"The recorded server has no exchange rate for {transaction.currency} "
                        f"(its settings' usd_rates: {', '.join(sorted(rates))})."
                    ],
                )
            ]
        )
    if transaction.refunded_at is not None:
        return 0.0
    return round(transaction.price * rate, 6)


def _ledger_entry(t: Transaction, usd: float, purchase_id: str | None) -> JSONObject:
    return {
        "purchase_type": t.purchase_type,
        "store": t.store,
        "environment": t.environment,
        "store_product_id": t.store_product_id,
        "store_transaction_id": t.store_transaction_id,
        "store_original_transaction_id": t.store_original_transaction_id,
        "is_family_shared": t.is_family_shared,
        "price": {"country": t.country, "currency": t.currency, "value": t.price},
        "usd": usd,
        "purchased_at": format_datetime(t.purchased_at),
        "variation_id": t.variation_id,
        "offer": None if t.offer is None else t.offer.as_json(),
        "refunded_at": _fmt(t.refunded_at),
        "cancellation_reason": t.cancellation_reason,
        "originally_purchased_at": _fmt(t.originally_purchased_at),
        "expires_at": _fmt(t.expires_at),
        "renew_status": t.renew_status,
        "renew_status_changed_at": _fmt(t.renew_status_changed_at),
        "billing_issue_detected_at": _fmt(t.billing_issue_detected_at),
        "grace_period_expires_at": _fmt(t.grace_period_expires_at),
        "purchase_id": purchase_id,
    }


def _same(entry: JSONObject, chain: str, transaction_id: str) -> bool:
    return (
        entry.get("store_original_transaction_id") == chain
        and entry.get("store_transaction_id") == transaction_id
    )


def _subscription(entry: JSONObject, now: datetime.datetime) -> JSONObject:
    grace = read_stored(entry.get("grace_period_expires_at"))
    cancelled = None
    if entry.get("renew_status") is False:
        cancelled = entry.get("renew_status_changed_at") or entry.get("purchased_at")
    return {
        "store": entry["store"],
        "store_product_id": entry["store_product_id"],
        "store_base_plan_id": None,
        "store_transaction_id": entry["store_transaction_id"],
        "store_original_transaction_id": entry["store_original_transaction_id"],
        "offer": entry.get("offer"),
        "environment": entry["environment"],
        "purchased_at": entry["purchased_at"],
        "originally_purchased_at": entry.get("originally_purchased_at") or entry["purchased_at"],
        "expires_at": _level_expiry(entry),
        "renewal_cancelled_at": cancelled,
        "billing_issue_detected_at": entry.get("billing_issue_detected_at"),
        "is_in_grace_period": grace is not None and now < grace,
        "cancellation_reason": entry.get("cancellation_reason"),
    }


def _level_expiry(entry: JSONObject) -> str | None:
    """A chain's access ends at its expiry, or at its refund if earlier (lifetime for a
    one-time purchase that was not refunded)."""
    refunded = read_stored(entry.get("refunded_at"))
    expires = read_stored(entry.get("expires_at"))
    if refunded is not None and (expires is None or refunded < expires):
        return format_datetime(refunded)
    return entry.get("expires_at")


def _purchased(entry: JSONObject) -> datetime.datetime:
    moment = read_stored(entry.get("purchased_at"))
    return moment if moment is not None else datetime.datetime.min.replace(tzinfo=datetime.UTC)


def _latest(entries: list[JSONObject]) -> JSONObject:
    """The chain's latest transaction: the latest ``purchased_at``, then the last recorded."""
    best = entries[0]
    for entry in entries[1:]:
        if _purchased(entry) >= _purchased(best):
            best = entry
    return best


def recorded(
    record: ProfileRecord,
    transaction: Transaction,
    catalogue: Catalogue,
    rates: dict[str, float],
    no_product: str,
    now: datetime.datetime,
) -> ProfileRecord:
    """The profile after a transaction: the ledger upserted by ``(chain, store_transaction_id)``,
    then ``subscriptions`` / ``non_subscriptions``, the access level and the revenue derived."""
    usd = usd_amount(transaction, rates)
    chain = transaction.store_original_transaction_id
    ledger: list[JSONObject] = [dict(e) for e in record.ledger]
    previous = next((e for e in ledger if _same(e, chain, transaction.store_transaction_id)), None)
    purchase_id = None
    if not transaction.is_subscription:
        purchase_id = (previous or {}).get("purchase_id") or str(new_uuid4())
    entry = _ledger_entry(transaction, usd, purchase_id)
    revenue = record.total_revenue_usd + usd
    if previous is not None:
        revenue -= float(previous.get("usd", 0.0))
        ledger[ledger.index(previous)] = entry
    else:
        ledger.append(entry)
    product = catalogue.product(transaction.store, transaction.store_product_id)
    result = dataclasses.replace(record, ledger=ledger, total_revenue_usd=round(revenue, 6))
    chain_entries = [e for e in ledger if e.get("store_original_transaction_id") == chain]
    if transaction.is_subscription:
        latest = _latest(chain_entries)
        subscriptions = [
            s
            for s in record.subscriptions
            if not (isinstance(s, dict) and s.get("store_original_transaction_id") == chain)
        ]
        subscriptions.append(_subscription(latest, now))
        result.subscriptions = subscriptions
    else:
        latest = entry
        purchases = [
            p
            for p in record.non_subscriptions
            if not (isinstance(p, dict) and p.get("purchase_id") == purchase_id)
        ]
        purchases.append(
            {
                "purchase_id": purchase_id,
                "store": transaction.store,
                "store_product_id": transaction.store_product_id,
                "store_base_plan_id": None,
                "store_transaction_id": transaction.store_transaction_id,
                "store_original_transaction_id": chain,
                "purchased_at": entry["purchased_at"],
                "environment": transaction.environment,
                "is_refund": transaction.refunded_at is not None,
                "is_consumable": bool(product and product.is_consumable),
            }
        )
        result.non_subscriptions = purchases
    if product is not None:
        level_id = product.access_level_id
    else:
        level_id = PREMIUM if no_product == NO_PRODUCT_PREMIUM else None
    if level_id is not None:
        result.access_levels = _with_level(
            record.access_levels, level_id, latest, chain_entries, now
        )
    return result


def _with_level(
    levels: list[Any],
    level_id: str,
    latest: JSONObject,
    chain_entries: list[JSONObject],
    now: datetime.datetime,
) -> list[Any]:
    """The access levels with ``level_id`` set from the chain's latest transaction: replaced
    when the held level comes from the same chain (a renewal extends it, a refund ends it),
    else only when the chain's access lasts longer (never shortening a grant or another chain)."""
    first = min(chain_entries, key=_purchased)
    subscription = latest["purchase_type"] == "subscription"
    grace = read_stored(latest.get("grace_period_expires_at"))
    new: JSONObject = {
        "access_level_id": level_id,
        "store": latest["store"],
        "store_product_id": latest["store_product_id"],
        "store_base_plan_id": None,
        "store_transaction_id": latest["store_transaction_id"],
        "store_original_transaction_id": latest["store_original_transaction_id"],
        "offer": latest.get("offer"),
        "starts_at": first["purchased_at"],
        "purchased_at": latest["purchased_at"],
        "originally_purchased_at": latest.get("originally_purchased_at") or first["purchased_at"],
        "expires_at": _level_expiry(latest),
        "renewal_cancelled_at": _subscription(latest, now)["renewal_cancelled_at"]
        if subscription
        else None,
        "billing_issue_detected_at": latest.get("billing_issue_detected_at"),
        "is_in_grace_period": grace is not None and now < grace,
        "cancellation_reason": latest.get("cancellation_reason"),
    }
    result = list(levels)
    for index, held in enumerate(result):
        if not isinstance(held, dict) or held.get("access_level_id") != level_id:
            continue
        same_chain = (
            held.get("store_original_transaction_id") == new["store_original_transaction_id"]
            and held.get("store") == new["store"]
        )
        if same_chain or _lasts_longer(new, held):
            result[index] = new
        return result
    result.append(new)
    return result


def _lasts_longer(new: JSONObject, held: JSONObject) -> bool:
    if held.get("expires_at") is None:
        return False
    if new.get("expires_at") is None:
        return True
    new_end, held_end = read_stored(new["expires_at"]), read_stored(held["expires_at"])
    return new_end is not None and held_end is not None and new_end > held_end
