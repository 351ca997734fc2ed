"""Entitlements through the plugin only: a service grants premium with the generated client, a
test freezes the server's clock past the expiry and sees it inactive; another records a Stripe
subscription and its renewal and reads the revenue and the expiry back."""

from __future__ import annotations

import datetime

import pytest
from adapty_profile_client import AuthenticatedClient
from adapty_profile_client.api.profile import create_profile, get_profile
from adapty_profile_client.api.purchase import (
    grant_access_level,
    revoke_access_level,
    set_transaction,
)
from adapty_profile_client.models import (
    ErrorResponse,
    GrantAccessLevelRequest,
    Price,
    ProfileCreateRequest,
    ProfileResponse,
    RevokeAccessLevelRequest,
    SubscriptionTransaction,
)

from recorded_server.access_levels import is_active
from recorded_server.testing import AdaptyServer

UTC = datetime.UTC
JAN = datetime.datetime(2030, 1, 1, tzinfo=UTC)


def give_a_week_of_premium(client: AuthenticatedClient, user: str) -> None:
    """The service under test: a promo code gives seven days of premium."""
    create_profile.sync(client=client, body=ProfileCreateRequest(), adapty_customer_user_id=user)
    expires = JAN + datetime.timedelta(days=7)
    body = GrantAccessLevelRequest(access_level_id="premium", starts_at=JAN, expires_at=expires)
    answer = grant_access_level.sync(client=client, body=body, adapty_customer_user_id=user)
    assert isinstance(answer, ProfileResponse), answer


def has_premium(server: AdaptyServer, client: AuthenticatedClient, user: str) -> bool:
    profile = get_profile.sync(client=client, adapty_customer_user_id=user)
    assert isinstance(profile, ProfileResponse)
    return is_active(profile.data.access_levels, "premium", server.now())


def test_a_granted_week_of_premium_expires(
    adapty_server: AdaptyServer, adapty_client: AuthenticatedClient
) -> None:
    adapty_server.freeze_time(JAN)
    give_a_week_of_premium(adapty_client, "promo-user")
    assert has_premium(adapty_server, adapty_client, "promo-user")
    adapty_server.advance_time(days=6, hours=23)
    assert has_premium(adapty_server, adapty_client, "promo-user")
    adapty_server.advance_time(hours=1)  # exactly the expiry: over
    assert not has_premium(adapty_server, adapty_client, "promo-user")


def test_revoke_errors_read_the_frozen_clock(
    adapty_server: AdaptyServer, adapty_client: AuthenticatedClient
) -> None:
    adapty_server.freeze_time("2030-01-03T00:00:00Z")
    give_a_week_of_premium(adapty_client, "chargeback")
    past = RevokeAccessLevelRequest(access_level_id="premium", revoke_at=JAN)
    answer = revoke_access_level.sync(
        client=adapty_client, body=past, adapty_customer_user_id="chargeback"
    )
    assert isinstance(answer, ErrorResponse) and answer.error_code == "value_error"
    now = revoke_access_level.sync(
        client=adapty_client,
        body=RevokeAccessLevelRequest(access_level_id="premium"),
        adapty_customer_user_id="chargeback",
    )
    assert isinstance(now, ProfileResponse)
    assert not is_active(now.data.access_levels, "premium", adapty_server.now())


def month(transaction_id: str, start: datetime.datetime) -> SubscriptionTransaction:
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    return SubscriptionTransaction(
        purchase_type="subscription",
        store="stripe",
        store_product_id="pro_monthly",
        store_transaction_id=transaction_id,
        store_original_transaction_id="in_first",
        price=Price(country="DE", currency="EUR", value=10.0),
        purchased_at=start,
        originally_purchased_at=JAN,
        expires_at=end,
        renew_status=True,
    )


def test_a_stripe_subscription_and_its_renewal(
    adapty_server: AdaptyServer, adapty_client: AuthenticatedClient
) -> None:
    adapty_server.set_catalogue(
        access_levels=["pro"],
        products=[{"store": "stripe", "store_product_id": "pro_monthly", "access_level_id": "pro"}],
    )
    adapty_server.freeze_time(JAN)
    user = "stripe-user"
    create_profile.sync(
        client=adapty_client, body=ProfileCreateRequest(), adapty_customer_user_id=user
    )
    answers = [
        set_transaction.sync(
            client=adapty_client, body=month(transaction_id, start), adapty_customer_user_id=user
        )
        for transaction_id, start in (("in_first", JAN), ("in_second", JAN.replace(month=2)))
    ]
    last = answers[-1]
    assert isinstance(last, ProfileResponse), answers
    profile = last.data
    assert profile.total_revenue_usd == pytest.approx(22.0)  # 2 x 10 EUR at the fixed 1.10
    (subscription,) = profile.subscriptions  # the renewal did not add a second one
    assert subscription.expires_at == datetime.datetime(2030, 3, 1, tzinfo=UTC)
    assert is_active(profile.access_levels, "pro", datetime.datetime(2030, 2, 15, tzinfo=UTC))
    assert not is_active(profile.access_levels, "pro", datetime.datetime(2030, 3, 1, tzinfo=UTC))


def test_the_reset_before_each_test_releases_the_clock_and_the_catalogue(
    adapty_server: AdaptyServer,
) -> None:
    # The tests above froze the clock and set a catalogue; this one starts from neither.
    assert abs(adapty_server.now() - datetime.datetime.now(UTC)) < datetime.timedelta(minutes=5)
    assert adapty_server.catalogue() == {"access_levels": ["premium"], "products": []}
    adapty_server.freeze_time(datetime.datetime(2031, 1, 1))  # naive: read as UTC
    assert adapty_server.now() == datetime.datetime(2031, 1, 1, tzinfo=UTC)
    adapty_server.release_time()
    with pytest.raises(ValueError):
        adapty_server.freeze_time("tomorrow")
    with pytest.raises(ValueError):
        adapty_server.set_catalogue(products=[{"store": "stripe"}])
