from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.one_time_purchase_transaction import OneTimePurchaseTransaction
from ...models.platform import Platform
from ...models.profile_response import ProfileResponse
from ...models.subscription_transaction import SubscriptionTransaction
from ...types import UNSET, Response, Unset, parse_json


def _get_kwargs(
    *,
    body: OneTimePurchaseTransaction | SubscriptionTransaction,
    adapty_customer_user_id: str | Unset = UNSET,
    adapty_profile_id: str | Unset = UNSET,
    adapty_platform: Platform | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(adapty_customer_user_id, Unset):
        headers["adapty-customer-user-id"] = adapty_customer_user_id

    if not isinstance(adapty_profile_id, Unset):
        headers["adapty-profile-id"] = adapty_profile_id

    if not isinstance(adapty_platform, Unset):
        headers["adapty-platform"] = str(adapty_platform)

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v2/server-side-api/purchase/set/transaction/",
    }

    if isinstance(body, SubscriptionTransaction):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ProfileResponse | None:
    if response.status_code == 200:
        response_200 = ProfileResponse.from_dict(parse_json(response.content))

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(parse_json(response.content))

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(parse_json(response.content))

        return response_401

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(parse_json(response.content))

        return response_404

    if response.status_code == 413:
        response_413 = ErrorResponse.from_dict(parse_json(response.content))

        return response_413

    if response.status_code == 415:
        response_415 = ErrorResponse.from_dict(parse_json(response.content))

        return response_415

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | ProfileResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: OneTimePurchaseTransaction | SubscriptionTransaction,
    adapty_customer_user_id: str | Unset = UNSET,
    adapty_profile_id: str | Unset = UNSET,
    adapty_platform: Platform | Unset = UNSET,
) -> Response[ErrorResponse | ProfileResponse]:
    """Set a transaction

     Records a transaction from any store (Stripe, a custom store, ...) and gives
    the access level of its product. The body is one of two shapes, chosen by
    `purchase_type`: `subscription` or `one_time_purchase`. Answers 200 with the
    profile.

    How the profile changes (Adapty documents none of it field by field; these
    are the kit's decisions):
    * transactions form a ledger keyed by `store_transaction_id` within its
      `store_original_transaction_id` chain: the same id again **updates** that
      transaction in place (a billing issue, a renew status); a new id in a known
      chain is a **renewal**;
    * `subscriptions` has one entry per chain, from its latest transaction
      (latest `purchased_at`): a renewal never adds a second one;
      `renewal_cancelled_at` is `renew_status_changed_at` (or `purchased_at`)
      when `renew_status` is false; `is_in_grace_period` is true while the
      server's clock is before `grace_period_expires_at`;
    * `non_subscriptions` has one entry per one-time purchase, with a
      `purchase_id` (a UUID) kept across updates, `is_refund` (`refunded_at` is
      set) and `is_consumable` (from the app's products);
    * the access level is the product's (`store`, `store_product_id`) in the app's
      products; a product the app does not have gives none (Adapty's pages
      disagree: one version gives only `premium`; the recorded server has a
      setting for it). A subscription's level expires with its chain
      (`expires_at`, or `refunded_at` if earlier); a one-time purchase's level is
      lifetime until refunded;
    * `total_revenue_usd` adds each transaction's `price`, converted to US
      dollars at a fixed rate; an update replaces the transaction's amount; a
      refunded transaction counts zero.

    Rules the schema cannot express, each a 400 with its own `error_code`, checked
    after the shape (400 `bad_request`) and before the profile's existence; the
    first that fails answers, in this order:

    | `error_code` | `source` | rule |
    |---|---|---|
    | `store_transaction_id_error` | `store_transaction_id` | a one-time purchase's
    `store_transaction_id` equals its `store_original_transaction_id` |
    | `one_time_purchase_trial_error` | `offer.type` | a one-time purchase has no `free_trial` offer |
    | `expires_date_error` | `expires_at` | `expires_at` is later than `purchased_at` |
    | `originally_purchased_date_error` | `originally_purchased_at` | `originally_purchased_at` is not
    later than `purchased_at` |
    | `billing_issue_detected_at_date_comparison_error` | `billing_issue_detected_at` |
    `billing_issue_detected_at` is not earlier than `purchased_at` |
    | `renew_status_changed_date_error` | `renew_status_changed_at` | `renew_status_changed_at` is not
    earlier than `purchased_at` |
    | `grace_period_expires_date_error` | `grace_period_expires_at` | `grace_period_expires_at` is not
    earlier than `expires_at` |
    | `grace_period_billing_error` | `grace_period_billing_error` | a `grace_period_expires_at` comes
    with a `billing_issue_detected_at` |
    | `refund_fields_error` | `refunded_at` | `refunded_at` is set exactly when `cancellation_reason` is
    `refund` |
    | `refund_date_error` | `refunded_at` | `refunded_at` is not earlier than `purchased_at` |
    | `family_share_price_error` | `is_family_shared` | a family-shared purchase has `price.value` 0 |
    | `free_trial_price_error` | `offer.type` | a `free_trial` offer has `price.value` 0 |
    | `missing_offer_id` | `offer.category` | an offer other than `introductory` has a non-null `id` |

    Then: the profile does not exist: 404 `profile_does_not_exist` (`source`
    null; the reference also documents a 400); the price's currency is not in the
    server's rate table: 400 `bad_request`, source `price.currency` (the recorded
    server's limit, not Adapty's).

    Args:
        adapty_customer_user_id (str | Unset):
        adapty_profile_id (str | Unset): A UUID, hyphenated 8-4-4-4-12 hexadecimal digits, in any
            case.
        adapty_platform (Platform | Unset): A platform: `iOS`, `macOS`, `iPadOS`, `visionOS`,
            `Android` or `web`.
        body (OneTimePurchaseTransaction | SubscriptionTransaction): The body of `setTransaction`:
            a subscription or a one-time purchase, chosen by
            `purchase_type`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ProfileResponse]
    """

    kwargs = _get_kwargs(
        body=body,
        adapty_customer_user_id=adapty_customer_user_id,
        adapty_profile_id=adapty_profile_id,
        adapty_platform=adapty_platform,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: OneTimePurchaseTransaction | SubscriptionTransaction,
    adapty_customer_user_id: str | Unset = UNSET,
    adapty_profile_id: str | Unset = UNSET,
    adapty_platform: Platform | Unset = UNSET,
) -> ErrorResponse | ProfileResponse | None:
    """Set a transaction

     Records a transaction from any store (Stripe, a custom store, ...) and gives
    the access level of its product. The body is one of two shapes, chosen by
    `purchase_type`: `subscription` or `one_time_purchase`. Answers 200 with the
    profile.

    How the profile changes (Adapty documents none of it field by field; these
    are the kit's decisions):
    * transactions form a ledger keyed by `store_transaction_id` within its
      `store_original_transaction_id` chain: the same id again **updates** that
      transaction in place (a billing issue, a renew status); a new id in a known
      chain is a **renewal**;
    * `subscriptions` has one entry per chain, from its latest transaction
      (latest `purchased_at`): a renewal never adds a second one;
      `renewal_cancelled_at` is `renew_status_changed_at` (or `purchased_at`)
      when `renew_status` is false; `is_in_grace_period` is true while the
      server's clock is before `grace_period_expires_at`;
    * `non_subscriptions` has one entry per one-time purchase, with a
      `purchase_id` (a UUID) kept across updates, `is_refund` (`refunded_at` is
      set) and `is_consumable` (from the app's products);
    * the access level is the product's (`store`, `store_product_id`) in the app's
      products; a product the app does not have gives none (Adapty's pages
      disagree: one version gives only `premium`; the recorded server has a
      setting for it). A subscription's level expires with its chain
      (`expires_at`, or `refunded_at` if earlier); a one-time purchase's level is
      lifetime until refunded;
    * `total_revenue_usd` adds each transaction's `price`, converted to US
      dollars at a fixed rate; an update replaces the transaction's amount; a
      refunded transaction counts zero.

    Rules the schema cannot express, each a 400 with its own `error_code`, checked
    after the shape (400 `bad_request`) and before the profile's existence; the
    first that fails answers, in this order:

    | `error_code` | `source` | rule |
    |---|---|---|
    | `store_transaction_id_error` | `store_transaction_id` | a one-time purchase's
    `store_transaction_id` equals its `store_original_transaction_id` |
    | `one_time_purchase_trial_error` | `offer.type` | a one-time purchase has no `free_trial` offer |
    | `expires_date_error` | `expires_at` | `expires_at` is later than `purchased_at` |
    | `originally_purchased_date_error` | `originally_purchased_at` | `originally_purchased_at` is not
    later than `purchased_at` |
    | `billing_issue_detected_at_date_comparison_error` | `billing_issue_detected_at` |
    `billing_issue_detected_at` is not earlier than `purchased_at` |
    | `renew_status_changed_date_error` | `renew_status_changed_at` | `renew_status_changed_at` is not
    earlier than `purchased_at` |
    | `grace_period_expires_date_error` | `grace_period_expires_at` | `grace_period_expires_at` is not
    earlier than `expires_at` |
    | `grace_period_billing_error` | `grace_period_billing_error` | a `grace_period_expires_at` comes
    with a `billing_issue_detected_at` |
    | `refund_fields_error` | `refunded_at` | `refunded_at` is set exactly when `cancellation_reason` is
    `refund` |
    | `refund_date_error` | `refunded_at` | `refunded_at` is not earlier than `purchased_at` |
    | `family_share_price_error` | `is_family_shared` | a family-shared purchase has `price.value` 0 |
    | `free_trial_price_error` | `offer.type` | a `free_trial` offer has `price.value` 0 |
    | `missing_offer_id` | `offer.category` | an offer other than `introductory` has a non-null `id` |

    Then: the profile does not exist: 404 `profile_does_not_exist` (`source`
    null; the reference also documents a 400); the price's currency is not in the
    server's rate table: 400 `bad_request`, source `price.currency` (the recorded
    server's limit, not Adapty's).

    Args:
        adapty_customer_user_id (str | Unset):
        adapty_profile_id (str | Unset): A UUID, hyphenated 8-4-4-4-12 hexadecimal digits, in any
            case.
        adapty_platform (Platform | Unset): A platform: `iOS`, `macOS`, `iPadOS`, `visionOS`,
            `Android` or `web`.
        body (OneTimePurchaseTransaction | SubscriptionTransaction): The body of `setTransaction`:
            a subscription or a one-time purchase, chosen by
            `purchase_type`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ProfileResponse
    """

    return sync_detailed(
        client=client,
        body=body,
        adapty_customer_user_id=adapty_customer_user_id,
        adapty_profile_id=adapty_profile_id,
        adapty_platform=adapty_platform,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: OneTimePurchaseTransaction | SubscriptionTransaction,
    adapty_customer_user_id: str | Unset = UNSET,
    adapty_profile_id: str | Unset = UNSET,
    adapty_platform: Platform | Unset = UNSET,
) -> Response[ErrorResponse | ProfileResponse]:
    """Set a transaction

     Records a transaction from any store (Stripe, a custom store, ...) and gives
    the access level of its product. The body is one of two shapes, chosen by
    `purchase_type`: `subscription` or `one_time_purchase`. Answers 200 with the
    profile.

    How the profile changes (Adapty documents none of it field by field; these
    are the kit's decisions):
    * transactions form a ledger keyed by `store_transaction_id` within its
      `store_original_transaction_id` chain: the same id again **updates** that
      transaction in place (a billing issue, a renew status); a new id in a known
      chain is a **renewal**;
    * `subscriptions` has one entry per chain, from its latest transaction
      (latest `purchased_at`): a renewal never adds a second one;
      `renewal_cancelled_at` is `renew_status_changed_at` (or `purchased_at`)
      when `renew_status` is false; `is_in_grace_period` is true while the
      server's clock is before `grace_period_expires_at`;
    * `non_subscriptions` has one entry per one-time purchase, with a
      `purchase_id` (a UUID) kept across updates, `is_refund` (`refunded_at` is
      set) and `is_consumable` (from the app's products);
    * the access level is the product's (`store`, `store_product_id`) in the app's
      products; a product the app does not have gives none (Adapty's pages
      disagree: one version gives only `premium`; the recorded server has a
      setting for it). A subscription's level expires with its chain
      (`expires_at`, or `refunded_at` if earlier); a one-time purchase's level is
      lifetime until refunded;
    * `total_revenue_usd` adds each transaction's `price`, converted to US
      dollars at a fixed rate; an update replaces the transaction's amount; a
      refunded transaction counts zero.

    Rules the schema cannot express, each a 400 with its own `error_code`, checked
    after the shape (400 `bad_request`) and before the profile's existence; the
    first that fails answers, in this order:

    | `error_code` | `source` | rule |
    |---|---|---|
    | `store_transaction_id_error` | `store_transaction_id` | a one-time purchase's
    `store_transaction_id` equals its `store_original_transaction_id` |
    | `one_time_purchase_trial_error` | `offer.type` | a one-time purchase has no `free_trial` offer |
    | `expires_date_error` | `expires_at` | `expires_at` is later than `purchased_at` |
    | `originally_purchased_date_error` | `originally_purchased_at` | `originally_purchased_at` is not
    later than `purchased_at` |
    | `billing_issue_detected_at_date_comparison_error` | `billing_issue_detected_at` |
    `billing_issue_detected_at` is not earlier than `purchased_at` |
    | `renew_status_changed_date_error` | `renew_status_changed_at` | `renew_status_changed_at` is not
    earlier than `purchased_at` |
    | `grace_period_expires_date_error` | `grace_period_expires_at` | `grace_period_expires_at` is not
    earlier than `expires_at` |
    | `grace_period_billing_error` | `grace_period_billing_error` | a `grace_period_expires_at` comes
    with a `billing_issue_detected_at` |
    | `refund_fields_error` | `refunded_at` | `refunded_at` is set exactly when `cancellation_reason` is
    `refund` |
    | `refund_date_error` | `refunded_at` | `refunded_at` is not earlier than `purchased_at` |
    | `family_share_price_error` | `is_family_shared` | a family-shared purchase has `price.value` 0 |
    | `free_trial_price_error` | `offer.type` | a `free_trial` offer has `price.value` 0 |
    | `missing_offer_id` | `offer.category` | an offer other than `introductory` has a non-null `id` |

    Then: the profile does not exist: 404 `profile_does_not_exist` (`source`
    null; the reference also documents a 400); the price's currency is not in the
    server's rate table: 400 `bad_request`, source `price.currency` (the recorded
    server's limit, not Adapty's).

    Args:
        adapty_customer_user_id (str | Unset):
        adapty_profile_id (str | Unset): A UUID, hyphenated 8-4-4-4-12 hexadecimal digits, in any
            case.
        adapty_platform (Platform | Unset): A platform: `iOS`, `macOS`, `iPadOS`, `visionOS`,
            `Android` or `web`.
        body (OneTimePurchaseTransaction | SubscriptionTransaction): The body of `setTransaction`:
            a subscription or a one-time purchase, chosen by
            `purchase_type`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ProfileResponse]
    """

    kwargs = _get_kwargs(
        body=body,
        adapty_customer_user_id=adapty_customer_user_id,
        adapty_profile_id=adapty_profile_id,
        adapty_platform=adapty_platform,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: OneTimePurchaseTransaction | SubscriptionTransaction,
    adapty_customer_user_id: str | Unset = UNSET,
    adapty_profile_id: str | Unset = UNSET,
    adapty_platform: Platform | Unset = UNSET,
) -> ErrorResponse | ProfileResponse | None:
    """Set a transaction

     Records a transaction from any store (Stripe, a custom store, ...) and gives
    the access level of its product. The body is one of two shapes, chosen by
    `purchase_type`: `subscription` or `one_time_purchase`. Answers 200 with the
    profile.

    How the profile changes (Adapty documents none of it field by field; these
    are the kit's decisions):
    * transactions form a ledger keyed by `store_transaction_id` within its
      `store_original_transaction_id` chain: the same id again **updates** that
      transaction in place (a billing issue, a renew status); a new id in a known
      chain is a **renewal**;
    * `subscriptions` has one entry per chain, from its latest transaction
      (latest `purchased_at`): a renewal never adds a second one;
      `renewal_cancelled_at` is `renew_status_changed_at` (or `purchased_at`)
      when `renew_status` is false; `is_in_grace_period` is true while the
      server's clock is before `grace_period_expires_at`;
    * `non_subscriptions` has one entry per one-time purchase, with a
      `purchase_id` (a UUID) kept across updates, `is_refund` (`refunded_at` is
      set) and `is_consumable` (from the app's products);
    * the access level is the product's (`store`, `store_product_id`) in the app's
      products; a product the app does not have gives none (Adapty's pages
      disagree: one version gives only `premium`; the recorded server has a
      setting for it). A subscription's level expires with its chain
      (`expires_at`, or `refunded_at` if earlier); a one-time purchase's level is
      lifetime until refunded;
    * `total_revenue_usd` adds each transaction's `price`, converted to US
      dollars at a fixed rate; an update replaces the transaction's amount; a
      refunded transaction counts zero.

    Rules the schema cannot express, each a 400 with its own `error_code`, checked
    after the shape (400 `bad_request`) and before the profile's existence; the
    first that fails answers, in this order:

    | `error_code` | `source` | rule |
    |---|---|---|
    | `store_transaction_id_error` | `store_transaction_id` | a one-time purchase's
    `store_transaction_id` equals its `store_original_transaction_id` |
    | `one_time_purchase_trial_error` | `offer.type` | a one-time purchase has no `free_trial` offer |
    | `expires_date_error` | `expires_at` | `expires_at` is later than `purchased_at` |
    | `originally_purchased_date_error` | `originally_purchased_at` | `originally_purchased_at` is not
    later than `purchased_at` |
    | `billing_issue_detected_at_date_comparison_error` | `billing_issue_detected_at` |
    `billing_issue_detected_at` is not earlier than `purchased_at` |
    | `renew_status_changed_date_error` | `renew_status_changed_at` | `renew_status_changed_at` is not
    earlier than `purchased_at` |
    | `grace_period_expires_date_error` | `grace_period_expires_at` | `grace_period_expires_at` is not
    earlier than `expires_at` |
    | `grace_period_billing_error` | `grace_period_billing_error` | a `grace_period_expires_at` comes
    with a `billing_issue_detected_at` |
    | `refund_fields_error` | `refunded_at` | `refunded_at` is set exactly when `cancellation_reason` is
    `refund` |
    | `refund_date_error` | `refunded_at` | `refunded_at` is not earlier than `purchased_at` |
    | `family_share_price_error` | `is_family_shared` | a family-shared purchase has `price.value` 0 |
    | `free_trial_price_error` | `offer.type` | a `free_trial` offer has `price.value` 0 |
    | `missing_offer_id` | `offer.category` | an offer other than `introductory` has a non-null `id` |

    Then: the profile does not exist: 404 `profile_does_not_exist` (`source`
    null; the reference also documents a 400); the price's currency is not in the
    server's rate table: 400 `bad_request`, source `price.currency` (the recorded
    server's limit, not Adapty's).

    Args:
        adapty_customer_user_id (str | Unset):
        adapty_profile_id (str | Unset): A UUID, hyphenated 8-4-4-4-12 hexadecimal digits, in any
            case.
        adapty_platform (Platform | Unset): A platform: `iOS`, `macOS`, `iPadOS`, `visionOS`,
            `Android` or `web`.
        body (OneTimePurchaseTransaction | SubscriptionTransaction): The body of `setTransaction`:
            a subscription or a one-time purchase, chosen by
            `purchase_type`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ProfileResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            adapty_customer_user_id=adapty_customer_user_id,
            adapty_profile_id=adapty_profile_id,
            adapty_platform=adapty_platform,
        )
    ).parsed
