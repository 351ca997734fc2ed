from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.platform import Platform
from ...models.profile_response import ProfileResponse
from ...models.revoke_access_level_request import RevokeAccessLevelRequest
from ...types import UNSET, Response, Unset, parse_json


def _get_kwargs(
    *,
    body: RevokeAccessLevelRequest,
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
        "url": "/api/v2/server-side-api/purchase/profile/revoke/access-level/",
    }

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
    body: RevokeAccessLevelRequest,
    adapty_customer_user_id: str | Unset = UNSET,
    adapty_profile_id: str | Unset = UNSET,
    adapty_platform: Platform | Unset = UNSET,
) -> Response[ErrorResponse | ProfileResponse]:
    """Revoke an access level

     Ends an access level the profile holds: now (`revoke_at` omitted or `null`) or
    at `revoke_at`. The entry stays in `access_levels` with its new `expires_at`
    (whether Adapty removes it is undocumented; the objects page allows a past
    `expires_at`). Revoking now a level that has already expired leaves its
    `expires_at` as it is. Answers 200 with the profile.

    Errors, after the shape checks (400 `bad_request`), in this order:
    * the profile does not exist: 404 `profile_does_not_exist`, `source` null;
    * `access_level_id` is not a paid access level of the app: 400
      `paid_access_level_does_not_exist`, source `non_field_errors`;
    * the profile does not hold that level: 400
      `profile_paid_access_level_does_not_exist`, source `non_field_errors`;
    * `revoke_at` is not later than now (the server's clock): 400 `value_error`,
      source `revoke_at` ("Must be greater than the current time or null"; the
      reference's example shows source `null`, its table `revoke_at`);
    * `revoke_at` is later than the level's current `expires_at`: 400
      `revocation_date_more_than_expiration_date`, source `revoke_at` (the
      reference's table says `non_field_errors`, its example `revoke_at`). To
      lengthen a level, grant it.

    Args:
        adapty_customer_user_id (str | Unset):
        adapty_profile_id (str | Unset): A UUID, hyphenated 8-4-4-4-12 hexadecimal digits, in any
            case.
        adapty_platform (Platform | Unset): A platform: `iOS`, `macOS`, `iPadOS`, `visionOS`,
            `Android` or `web`.
        body (RevokeAccessLevelRequest): The body of `revokeAccessLevel`.

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
    body: RevokeAccessLevelRequest,
    adapty_customer_user_id: str | Unset = UNSET,
    adapty_profile_id: str | Unset = UNSET,
    adapty_platform: Platform | Unset = UNSET,
) -> ErrorResponse | ProfileResponse | None:
    """Revoke an access level

     Ends an access level the profile holds: now (`revoke_at` omitted or `null`) or
    at `revoke_at`. The entry stays in `access_levels` with its new `expires_at`
    (whether Adapty removes it is undocumented; the objects page allows a past
    `expires_at`). Revoking now a level that has already expired leaves its
    `expires_at` as it is. Answers 200 with the profile.

    Errors, after the shape checks (400 `bad_request`), in this order:
    * the profile does not exist: 404 `profile_does_not_exist`, `source` null;
    * `access_level_id` is not a paid access level of the app: 400
      `paid_access_level_does_not_exist`, source `non_field_errors`;
    * the profile does not hold that level: 400
      `profile_paid_access_level_does_not_exist`, source `non_field_errors`;
    * `revoke_at` is not later than now (the server's clock): 400 `value_error`,
      source `revoke_at` ("Must be greater than the current time or null"; the
      reference's example shows source `null`, its table `revoke_at`);
    * `revoke_at` is later than the level's current `expires_at`: 400
      `revocation_date_more_than_expiration_date`, source `revoke_at` (the
      reference's table says `non_field_errors`, its example `revoke_at`). To
      lengthen a level, grant it.

    Args:
        adapty_customer_user_id (str | Unset):
        adapty_profile_id (str | Unset): A UUID, hyphenated 8-4-4-4-12 hexadecimal digits, in any
            case.
        adapty_platform (Platform | Unset): A platform: `iOS`, `macOS`, `iPadOS`, `visionOS`,
            `Android` or `web`.
        body (RevokeAccessLevelRequest): The body of `revokeAccessLevel`.

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
    body: RevokeAccessLevelRequest,
    adapty_customer_user_id: str | Unset = UNSET,
    adapty_profile_id: str | Unset = UNSET,
    adapty_platform: Platform | Unset = UNSET,
) -> Response[ErrorResponse | ProfileResponse]:
    """Revoke an access level

     Ends an access level the profile holds: now (`revoke_at` omitted or `null`) or
    at `revoke_at`. The entry stays in `access_levels` with its new `expires_at`
    (whether Adapty removes it is undocumented; the objects page allows a past
    `expires_at`). Revoking now a level that has already expired leaves its
    `expires_at` as it is. Answers 200 with the profile.

    Errors, after the shape checks (400 `bad_request`), in this order:
    * the profile does not exist: 404 `profile_does_not_exist`, `source` null;
    * `access_level_id` is not a paid access level of the app: 400
      `paid_access_level_does_not_exist`, source `non_field_errors`;
    * the profile does not hold that level: 400
      `profile_paid_access_level_does_not_exist`, source `non_field_errors`;
    * `revoke_at` is not later than now (the server's clock): 400 `value_error`,
      source `revoke_at` ("Must be greater than the current time or null"; the
      reference's example shows source `null`, its table `revoke_at`);
    * `revoke_at` is later than the level's current `expires_at`: 400
      `revocation_date_more_than_expiration_date`, source `revoke_at` (the
      reference's table says `non_field_errors`, its example `revoke_at`). To
      lengthen a level, grant it.

    Args:
        adapty_customer_user_id (str | Unset):
        adapty_profile_id (str | Unset): A UUID, hyphenated 8-4-4-4-12 hexadecimal digits, in any
            case.
        adapty_platform (Platform | Unset): A platform: `iOS`, `macOS`, `iPadOS`, `visionOS`,
            `Android` or `web`.
        body (RevokeAccessLevelRequest): The body of `revokeAccessLevel`.

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
    body: RevokeAccessLevelRequest,
    adapty_customer_user_id: str | Unset = UNSET,
    adapty_profile_id: str | Unset = UNSET,
    adapty_platform: Platform | Unset = UNSET,
) -> ErrorResponse | ProfileResponse | None:
    """Revoke an access level

     Ends an access level the profile holds: now (`revoke_at` omitted or `null`) or
    at `revoke_at`. The entry stays in `access_levels` with its new `expires_at`
    (whether Adapty removes it is undocumented; the objects page allows a past
    `expires_at`). Revoking now a level that has already expired leaves its
    `expires_at` as it is. Answers 200 with the profile.

    Errors, after the shape checks (400 `bad_request`), in this order:
    * the profile does not exist: 404 `profile_does_not_exist`, `source` null;
    * `access_level_id` is not a paid access level of the app: 400
      `paid_access_level_does_not_exist`, source `non_field_errors`;
    * the profile does not hold that level: 400
      `profile_paid_access_level_does_not_exist`, source `non_field_errors`;
    * `revoke_at` is not later than now (the server's clock): 400 `value_error`,
      source `revoke_at` ("Must be greater than the current time or null"; the
      reference's example shows source `null`, its table `revoke_at`);
    * `revoke_at` is later than the level's current `expires_at`: 400
      `revocation_date_more_than_expiration_date`, source `revoke_at` (the
      reference's table says `non_field_errors`, its example `revoke_at`). To
      lengthen a level, grant it.

    Args:
        adapty_customer_user_id (str | Unset):
        adapty_profile_id (str | Unset): A UUID, hyphenated 8-4-4-4-12 hexadecimal digits, in any
            case.
        adapty_platform (Platform | Unset): A platform: `iOS`, `macOS`, `iPadOS`, `visionOS`,
            `Android` or `web`.
        body (RevokeAccessLevelRequest): The body of `revokeAccessLevel`.

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
