from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.grant_access_level_request import GrantAccessLevelRequest
from ...models.platform import Platform
from ...models.profile_response import ProfileResponse
from ...types import UNSET, Response, Unset, parse_json


def _get_kwargs(
    *,
    body: GrantAccessLevelRequest,
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
        "url": "/api/v2/server-side-api/purchase/profile/grant/access-level/",
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
    body: GrantAccessLevelRequest,
    adapty_customer_user_id: str | Unset = UNSET,
    adapty_profile_id: str | Unset = UNSET,
    adapty_platform: Platform | Unset = UNSET,
) -> Response[ErrorResponse | ProfileResponse]:
    """Grant an access level

     Gives the profile an access level of the app (promo codes, support comps,
    "premium after a web payment"). The profile is named as for `getProfile`.
    Answers 200 with the profile as stored after the grant.

    * `starts_at` omitted or `null`: the level starts now (the server's clock).
    * `expires_at` omitted or `null`: a lifetime level. It may be in the past (the
      reference says so): then the level is granted already expired.
    * **A grant never shortens a level** (Adapty's migration guide: grant "adds or
      extends" access; how a grant meets a level the profile holds is
      undocumented, this is the kit's decision): when the profile holds the level,
      the result expires at the later of the two expiries (`null`, lifetime, wins)
      and starts at the earlier start, unless the held level had already ended
      before the new `starts_at` (then the grant's period replaces it).
    * A level granted without a transaction shows `store` `adapty`,
      `store_product_id` `adapty_server_side_product` (v1's names; v2 does not say),
      and a generated transaction id; a level held from a transaction keeps its
      store fields.

    Errors, after the checks every operation makes (401, identity headers, 415, 413,
    the body's shape: 400 `bad_request`):
    * the profile does not exist: 404 `profile_does_not_exist`, `source` null (the
      reference also documents a 400 with that code: clients and the suite accept
      both);
    * `access_level_id` is not a paid access level of the app: 400
      `paid_access_level_does_not_exist`, source `non_field_errors` (the
      reference's table says 404, its example 400; the kit answers 400).

    Args:
        adapty_customer_user_id (str | Unset):
        adapty_profile_id (str | Unset): A UUID, hyphenated 8-4-4-4-12 hexadecimal digits, in any
            case.
        adapty_platform (Platform | Unset): A platform: `iOS`, `macOS`, `iPadOS`, `visionOS`,
            `Android` or `web`.
        body (GrantAccessLevelRequest): The body of `grantAccessLevel`.

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
    body: GrantAccessLevelRequest,
    adapty_customer_user_id: str | Unset = UNSET,
    adapty_profile_id: str | Unset = UNSET,
    adapty_platform: Platform | Unset = UNSET,
) -> ErrorResponse | ProfileResponse | None:
    """Grant an access level

     Gives the profile an access level of the app (promo codes, support comps,
    "premium after a web payment"). The profile is named as for `getProfile`.
    Answers 200 with the profile as stored after the grant.

    * `starts_at` omitted or `null`: the level starts now (the server's clock).
    * `expires_at` omitted or `null`: a lifetime level. It may be in the past (the
      reference says so): then the level is granted already expired.
    * **A grant never shortens a level** (Adapty's migration guide: grant "adds or
      extends" access; how a grant meets a level the profile holds is
      undocumented, this is the kit's decision): when the profile holds the level,
      the result expires at the later of the two expiries (`null`, lifetime, wins)
      and starts at the earlier start, unless the held level had already ended
      before the new `starts_at` (then the grant's period replaces it).
    * A level granted without a transaction shows `store` `adapty`,
      `store_product_id` `adapty_server_side_product` (v1's names; v2 does not say),
      and a generated transaction id; a level held from a transaction keeps its
      store fields.

    Errors, after the checks every operation makes (401, identity headers, 415, 413,
    the body's shape: 400 `bad_request`):
    * the profile does not exist: 404 `profile_does_not_exist`, `source` null (the
      reference also documents a 400 with that code: clients and the suite accept
      both);
    * `access_level_id` is not a paid access level of the app: 400
      `paid_access_level_does_not_exist`, source `non_field_errors` (the
      reference's table says 404, its example 400; the kit answers 400).

    Args:
        adapty_customer_user_id (str | Unset):
        adapty_profile_id (str | Unset): A UUID, hyphenated 8-4-4-4-12 hexadecimal digits, in any
            case.
        adapty_platform (Platform | Unset): A platform: `iOS`, `macOS`, `iPadOS`, `visionOS`,
            `Android` or `web`.
        body (GrantAccessLevelRequest): The body of `grantAccessLevel`.

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
    body: GrantAccessLevelRequest,
    adapty_customer_user_id: str | Unset = UNSET,
    adapty_profile_id: str | Unset = UNSET,
    adapty_platform: Platform | Unset = UNSET,
) -> Response[ErrorResponse | ProfileResponse]:
    """Grant an access level

     Gives the profile an access level of the app (promo codes, support comps,
    "premium after a web payment"). The profile is named as for `getProfile`.
    Answers 200 with the profile as stored after the grant.

    * `starts_at` omitted or `null`: the level starts now (the server's clock).
    * `expires_at` omitted or `null`: a lifetime level. It may be in the past (the
      reference says so): then the level is granted already expired.
    * **A grant never shortens a level** (Adapty's migration guide: grant "adds or
      extends" access; how a grant meets a level the profile holds is
      undocumented, this is the kit's decision): when the profile holds the level,
      the result expires at the later of the two expiries (`null`, lifetime, wins)
      and starts at the earlier start, unless the held level had already ended
      before the new `starts_at` (then the grant's period replaces it).
    * A level granted without a transaction shows `store` `adapty`,
      `store_product_id` `adapty_server_side_product` (v1's names; v2 does not say),
      and a generated transaction id; a level held from a transaction keeps its
      store fields.

    Errors, after the checks every operation makes (401, identity headers, 415, 413,
    the body's shape: 400 `bad_request`):
    * the profile does not exist: 404 `profile_does_not_exist`, `source` null (the
      reference also documents a 400 with that code: clients and the suite accept
      both);
    * `access_level_id` is not a paid access level of the app: 400
      `paid_access_level_does_not_exist`, source `non_field_errors` (the
      reference's table says 404, its example 400; the kit answers 400).

    Args:
        adapty_customer_user_id (str | Unset):
        adapty_profile_id (str | Unset): A UUID, hyphenated 8-4-4-4-12 hexadecimal digits, in any
            case.
        adapty_platform (Platform | Unset): A platform: `iOS`, `macOS`, `iPadOS`, `visionOS`,
            `Android` or `web`.
        body (GrantAccessLevelRequest): The body of `grantAccessLevel`.

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
    body: GrantAccessLevelRequest,
    adapty_customer_user_id: str | Unset = UNSET,
    adapty_profile_id: str | Unset = UNSET,
    adapty_platform: Platform | Unset = UNSET,
) -> ErrorResponse | ProfileResponse | None:
    """Grant an access level

     Gives the profile an access level of the app (promo codes, support comps,
    "premium after a web payment"). The profile is named as for `getProfile`.
    Answers 200 with the profile as stored after the grant.

    * `starts_at` omitted or `null`: the level starts now (the server's clock).
    * `expires_at` omitted or `null`: a lifetime level. It may be in the past (the
      reference says so): then the level is granted already expired.
    * **A grant never shortens a level** (Adapty's migration guide: grant "adds or
      extends" access; how a grant meets a level the profile holds is
      undocumented, this is the kit's decision): when the profile holds the level,
      the result expires at the later of the two expiries (`null`, lifetime, wins)
      and starts at the earlier start, unless the held level had already ended
      before the new `starts_at` (then the grant's period replaces it).
    * A level granted without a transaction shows `store` `adapty`,
      `store_product_id` `adapty_server_side_product` (v1's names; v2 does not say),
      and a generated transaction id; a level held from a transaction keeps its
      store fields.

    Errors, after the checks every operation makes (401, identity headers, 415, 413,
    the body's shape: 400 `bad_request`):
    * the profile does not exist: 404 `profile_does_not_exist`, `source` null (the
      reference also documents a 400 with that code: clients and the suite accept
      both);
    * `access_level_id` is not a paid access level of the app: 400
      `paid_access_level_does_not_exist`, source `non_field_errors` (the
      reference's table says 404, its example 400; the kit answers 400).

    Args:
        adapty_customer_user_id (str | Unset):
        adapty_profile_id (str | Unset): A UUID, hyphenated 8-4-4-4-12 hexadecimal digits, in any
            case.
        adapty_platform (Platform | Unset): A platform: `iOS`, `macOS`, `iPadOS`, `visionOS`,
            `Android` or `web`.
        body (GrantAccessLevelRequest): The body of `grantAccessLevel`.

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
