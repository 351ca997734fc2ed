from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.platform import Platform
from ...types import UNSET, Response, Unset, parse_json


def _get_kwargs(
    *,
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
        "method": "delete",
        "url": "/api/v2/server-side-api/profile/",
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorResponse | None:
    if response.status_code == 204:
        return None
    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(parse_json(response.content))

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(parse_json(response.content))

        return response_401

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(parse_json(response.content))

        return response_404

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | None]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    adapty_customer_user_id: str | Unset = UNSET,
    adapty_profile_id: str | Unset = UNSET,
    adapty_platform: Platform | Unset = UNSET,
) -> Response[ErrorResponse | None]:
    """Delete a profile

     Deletes the profile named by the identity headers (as for `getProfile`),
    with its custom attributes and installation metas: a later GET is a 404.
    Answers 204 with no body. A profile that does not exist is a 404
    `not_found`. The request body and `Content-Type` are ignored.

    Args:
        adapty_customer_user_id (str | Unset):
        adapty_profile_id (str | Unset): A UUID, hyphenated 8-4-4-4-12 hexadecimal digits, in any
            case.
        adapty_platform (Platform | Unset): A platform: `iOS`, `macOS`, `iPadOS`, `visionOS`,
            `Android` or `web`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | None]
    """

    kwargs = _get_kwargs(
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
    adapty_customer_user_id: str | Unset = UNSET,
    adapty_profile_id: str | Unset = UNSET,
    adapty_platform: Platform | Unset = UNSET,
) -> ErrorResponse | None:
    """Delete a profile

     Deletes the profile named by the identity headers (as for `getProfile`),
    with its custom attributes and installation metas: a later GET is a 404.
    Answers 204 with no body. A profile that does not exist is a 404
    `not_found`. The request body and `Content-Type` are ignored.

    Args:
        adapty_customer_user_id (str | Unset):
        adapty_profile_id (str | Unset): A UUID, hyphenated 8-4-4-4-12 hexadecimal digits, in any
            case.
        adapty_platform (Platform | Unset): A platform: `iOS`, `macOS`, `iPadOS`, `visionOS`,
            `Android` or `web`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | None
    """

    return sync_detailed(
        client=client,
        adapty_customer_user_id=adapty_customer_user_id,
        adapty_profile_id=adapty_profile_id,
        adapty_platform=adapty_platform,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    adapty_customer_user_id: str | Unset = UNSET,
    adapty_profile_id: str | Unset = UNSET,
    adapty_platform: Platform | Unset = UNSET,
) -> Response[ErrorResponse | None]:
    """Delete a profile

     Deletes the profile named by the identity headers (as for `getProfile`),
    with its custom attributes and installation metas: a later GET is a 404.
    Answers 204 with no body. A profile that does not exist is a 404
    `not_found`. The request body and `Content-Type` are ignored.

    Args:
        adapty_customer_user_id (str | Unset):
        adapty_profile_id (str | Unset): A UUID, hyphenated 8-4-4-4-12 hexadecimal digits, in any
            case.
        adapty_platform (Platform | Unset): A platform: `iOS`, `macOS`, `iPadOS`, `visionOS`,
            `Android` or `web`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | None]
    """

    kwargs = _get_kwargs(
        adapty_customer_user_id=adapty_customer_user_id,
        adapty_profile_id=adapty_profile_id,
        adapty_platform=adapty_platform,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    adapty_customer_user_id: str | Unset = UNSET,
    adapty_profile_id: str | Unset = UNSET,
    adapty_platform: Platform | Unset = UNSET,
) -> ErrorResponse | None:
    """Delete a profile

     Deletes the profile named by the identity headers (as for `getProfile`),
    with its custom attributes and installation metas: a later GET is a 404.
    Answers 204 with no body. A profile that does not exist is a 404
    `not_found`. The request body and `Content-Type` are ignored.

    Args:
        adapty_customer_user_id (str | Unset):
        adapty_profile_id (str | Unset): A UUID, hyphenated 8-4-4-4-12 hexadecimal digits, in any
            case.
        adapty_platform (Platform | Unset): A platform: `iOS`, `macOS`, `iPadOS`, `visionOS`,
            `Android` or `web`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | None
    """

    return (
        await asyncio_detailed(
            client=client,
            adapty_customer_user_id=adapty_customer_user_id,
            adapty_profile_id=adapty_profile_id,
            adapty_platform=adapty_platform,
        )
    ).parsed
