from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.platform import Platform
from ...models.profile_response import ProfileResponse
from ...models.profile_update_request import ProfileUpdateRequest
from ...types import UNSET, Response, Unset, parse_json


def _get_kwargs(
    *,
    body: ProfileUpdateRequest,
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
        "method": "patch",
        "url": "/api/v2/server-side-api/profile/",
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
    body: ProfileUpdateRequest,
    adapty_customer_user_id: str | Unset = UNSET,
    adapty_profile_id: str | Unset = UNSET,
    adapty_platform: Platform | Unset = UNSET,
) -> Response[ErrorResponse | ProfileResponse]:
    """Update a profile

     Updates the profile named by the identity headers (as for `getProfile`); a
    profile that does not exist is a 404 `not_found`.

    A field the body omits keeps its stored value; a field sent as `null` clears
    it (where the field is nullable); a field with a value replaces it.
    `custom_attributes` merge by key with the stored ones (a `null` or `""`
    value deletes that key) and `installation_meta` updates the entry of its
    `device_id` only, field by field, leaving other devices alone.

    Rules enforced by the server that this schema cannot express:
    * after the merge, at most 30 attributes may be stored: a request that would
      leave more is a 400 and stores nothing of that request;
    * a `custom_attributes` key sent twice in one request is a 400;
    * when the body omits `analytics_disabled`, a `null` `idfa`, `idfv` or
      `advertising_id` is allowed only when the stored `analytics_disabled` is
      `true` (when the body sends it, the schema decides: `false` forbids
      those nulls).

    Args:
        adapty_customer_user_id (str | Unset):
        adapty_profile_id (str | Unset): A UUID, hyphenated 8-4-4-4-12 hexadecimal digits, in any
            case.
        adapty_platform (Platform | Unset): A platform: `iOS`, `macOS`, `iPadOS`, `visionOS`,
            `Android` or `web`.
        body (ProfileUpdateRequest): The body of `updateProfile`. Every field is optional; an
            omitted field keeps
            its stored value, `null` clears a nullable field. Unknown fields are
            rejected.

            When this request sets `analytics_disabled` to `false`, `idfa`, `idfv` and
            `advertising_id` in `installation_meta` may not be `null`. When it sets it to
            `true`, they may. When it omits it, the stored value decides (the server's
            rule: see the operation).

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
    body: ProfileUpdateRequest,
    adapty_customer_user_id: str | Unset = UNSET,
    adapty_profile_id: str | Unset = UNSET,
    adapty_platform: Platform | Unset = UNSET,
) -> ErrorResponse | ProfileResponse | None:
    """Update a profile

     Updates the profile named by the identity headers (as for `getProfile`); a
    profile that does not exist is a 404 `not_found`.

    A field the body omits keeps its stored value; a field sent as `null` clears
    it (where the field is nullable); a field with a value replaces it.
    `custom_attributes` merge by key with the stored ones (a `null` or `""`
    value deletes that key) and `installation_meta` updates the entry of its
    `device_id` only, field by field, leaving other devices alone.

    Rules enforced by the server that this schema cannot express:
    * after the merge, at most 30 attributes may be stored: a request that would
      leave more is a 400 and stores nothing of that request;
    * a `custom_attributes` key sent twice in one request is a 400;
    * when the body omits `analytics_disabled`, a `null` `idfa`, `idfv` or
      `advertising_id` is allowed only when the stored `analytics_disabled` is
      `true` (when the body sends it, the schema decides: `false` forbids
      those nulls).

    Args:
        adapty_customer_user_id (str | Unset):
        adapty_profile_id (str | Unset): A UUID, hyphenated 8-4-4-4-12 hexadecimal digits, in any
            case.
        adapty_platform (Platform | Unset): A platform: `iOS`, `macOS`, `iPadOS`, `visionOS`,
            `Android` or `web`.
        body (ProfileUpdateRequest): The body of `updateProfile`. Every field is optional; an
            omitted field keeps
            its stored value, `null` clears a nullable field. Unknown fields are
            rejected.

            When this request sets `analytics_disabled` to `false`, `idfa`, `idfv` and
            `advertising_id` in `installation_meta` may not be `null`. When it sets it to
            `true`, they may. When it omits it, the stored value decides (the server's
            rule: see the operation).

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
    body: ProfileUpdateRequest,
    adapty_customer_user_id: str | Unset = UNSET,
    adapty_profile_id: str | Unset = UNSET,
    adapty_platform: Platform | Unset = UNSET,
) -> Response[ErrorResponse | ProfileResponse]:
    """Update a profile

     Updates the profile named by the identity headers (as for `getProfile`); a
    profile that does not exist is a 404 `not_found`.

    A field the body omits keeps its stored value; a field sent as `null` clears
    it (where the field is nullable); a field with a value replaces it.
    `custom_attributes` merge by key with the stored ones (a `null` or `""`
    value deletes that key) and `installation_meta` updates the entry of its
    `device_id` only, field by field, leaving other devices alone.

    Rules enforced by the server that this schema cannot express:
    * after the merge, at most 30 attributes may be stored: a request that would
      leave more is a 400 and stores nothing of that request;
    * a `custom_attributes` key sent twice in one request is a 400;
    * when the body omits `analytics_disabled`, a `null` `idfa`, `idfv` or
      `advertising_id` is allowed only when the stored `analytics_disabled` is
      `true` (when the body sends it, the schema decides: `false` forbids
      those nulls).

    Args:
        adapty_customer_user_id (str | Unset):
        adapty_profile_id (str | Unset): A UUID, hyphenated 8-4-4-4-12 hexadecimal digits, in any
            case.
        adapty_platform (Platform | Unset): A platform: `iOS`, `macOS`, `iPadOS`, `visionOS`,
            `Android` or `web`.
        body (ProfileUpdateRequest): The body of `updateProfile`. Every field is optional; an
            omitted field keeps
            its stored value, `null` clears a nullable field. Unknown fields are
            rejected.

            When this request sets `analytics_disabled` to `false`, `idfa`, `idfv` and
            `advertising_id` in `installation_meta` may not be `null`. When it sets it to
            `true`, they may. When it omits it, the stored value decides (the server's
            rule: see the operation).

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
    body: ProfileUpdateRequest,
    adapty_customer_user_id: str | Unset = UNSET,
    adapty_profile_id: str | Unset = UNSET,
    adapty_platform: Platform | Unset = UNSET,
) -> ErrorResponse | ProfileResponse | None:
    """Update a profile

     Updates the profile named by the identity headers (as for `getProfile`); a
    profile that does not exist is a 404 `not_found`.

    A field the body omits keeps its stored value; a field sent as `null` clears
    it (where the field is nullable); a field with a value replaces it.
    `custom_attributes` merge by key with the stored ones (a `null` or `""`
    value deletes that key) and `installation_meta` updates the entry of its
    `device_id` only, field by field, leaving other devices alone.

    Rules enforced by the server that this schema cannot express:
    * after the merge, at most 30 attributes may be stored: a request that would
      leave more is a 400 and stores nothing of that request;
    * a `custom_attributes` key sent twice in one request is a 400;
    * when the body omits `analytics_disabled`, a `null` `idfa`, `idfv` or
      `advertising_id` is allowed only when the stored `analytics_disabled` is
      `true` (when the body sends it, the schema decides: `false` forbids
      those nulls).

    Args:
        adapty_customer_user_id (str | Unset):
        adapty_profile_id (str | Unset): A UUID, hyphenated 8-4-4-4-12 hexadecimal digits, in any
            case.
        adapty_platform (Platform | Unset): A platform: `iOS`, `macOS`, `iPadOS`, `visionOS`,
            `Android` or `web`.
        body (ProfileUpdateRequest): The body of `updateProfile`. Every field is optional; an
            omitted field keeps
            its stored value, `null` clears a nullable field. Unknown fields are
            rejected.

            When this request sets `analytics_disabled` to `false`, `idfa`, `idfv` and
            `advertising_id` in `installation_meta` may not be `null`. When it sets it to
            `true`, they may. When it omits it, the stored value decides (the server's
            rule: see the operation).

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
