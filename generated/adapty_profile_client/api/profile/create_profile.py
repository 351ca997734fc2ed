from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.platform import Platform
from ...models.profile_create_request import ProfileCreateRequest
from ...models.profile_response import ProfileResponse
from ...types import UNSET, Response, Unset, parse_json


def _get_kwargs(
    *,
    body: ProfileCreateRequest,
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

    if response.status_code == 409:
        response_409 = ErrorResponse.from_dict(parse_json(response.content))

        return response_409

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
    body: ProfileCreateRequest,
    adapty_customer_user_id: str | Unset = UNSET,
    adapty_profile_id: str | Unset = UNSET,
    adapty_platform: Platform | Unset = UNSET,
) -> Response[ErrorResponse | ProfileResponse]:
    """Create a profile

     Creates a new end user of your app in Adapty.

    * With `adapty-customer-user-id: C`, creates a profile whose
      `customer_user_id` is C and whose `profile_id` is a new UUID.
    * With `adapty-profile-id: P` only (an anonymous profile), creates a profile
      whose `profile_id` is P and whose `customer_user_id` is null.
    * A profile with that `customer_user_id` or that `profile_id` already
      exists: 409 `profile_already_exists`. Of concurrent creates of the same id,
      exactly one gets 200 and the others 409.
    * With both headers, P and C, **attaches** C to the existing profile P
      (Adapty's create page: "This will attach the customer_user_id to the
      existing profile"): the body is validated as any create body is (the
      `idfa` rule reads this request's `analytics_disabled`), then applied as
      `updateProfile` applies it (sent fields set, omitted fields kept,
      attributes merged, at most 30 stored); 200 with the profile. P does not
      exist: 404. P already has a `customer_user_id` (C or another), or C
      belongs to another profile: 409 `profile_already_exists`. Of concurrent
      attaches to P, exactly one gets 200 and the others 409.

    Every body field is optional, so `{}` is a valid body. An omitted field takes
    its default: `analytics_disabled` is stored as `false`, the others are unset.

    Rules enforced by the server that this schema cannot express:
    * a `custom_attributes` key sent twice in one request is a 400;
    * `idfa`, `idfv` and `advertising_id` may be `null` only when this request
      sets `analytics_disabled` to `true` (the schema does express this one,
      with `if`/`else`);
    * attaching (both headers) needs the stored profile: 404, 409, and the
      30-attribute cap after the merge.

    Args:
        adapty_customer_user_id (str | Unset):
        adapty_profile_id (str | Unset): A UUID, hyphenated 8-4-4-4-12 hexadecimal digits, in any
            case.
        adapty_platform (Platform | Unset): A platform: `iOS`, `macOS`, `iPadOS`, `visionOS`,
            `Android` or `web`.
        body (ProfileCreateRequest): The body of `createProfile`. Every field is optional; an
            omitted field takes
            its default (`analytics_disabled`: `false`; the others: unset). Unknown
            fields are rejected.

            `idfa`, `idfv` and `advertising_id` in `installation_meta` may be `null`
            only when this request sets `analytics_disabled` to `true`.

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
    body: ProfileCreateRequest,
    adapty_customer_user_id: str | Unset = UNSET,
    adapty_profile_id: str | Unset = UNSET,
    adapty_platform: Platform | Unset = UNSET,
) -> ErrorResponse | ProfileResponse | None:
    """Create a profile

     Creates a new end user of your app in Adapty.

    * With `adapty-customer-user-id: C`, creates a profile whose
      `customer_user_id` is C and whose `profile_id` is a new UUID.
    * With `adapty-profile-id: P` only (an anonymous profile), creates a profile
      whose `profile_id` is P and whose `customer_user_id` is null.
    * A profile with that `customer_user_id` or that `profile_id` already
      exists: 409 `profile_already_exists`. Of concurrent creates of the same id,
      exactly one gets 200 and the others 409.
    * With both headers, P and C, **attaches** C to the existing profile P
      (Adapty's create page: "This will attach the customer_user_id to the
      existing profile"): the body is validated as any create body is (the
      `idfa` rule reads this request's `analytics_disabled`), then applied as
      `updateProfile` applies it (sent fields set, omitted fields kept,
      attributes merged, at most 30 stored); 200 with the profile. P does not
      exist: 404. P already has a `customer_user_id` (C or another), or C
      belongs to another profile: 409 `profile_already_exists`. Of concurrent
      attaches to P, exactly one gets 200 and the others 409.

    Every body field is optional, so `{}` is a valid body. An omitted field takes
    its default: `analytics_disabled` is stored as `false`, the others are unset.

    Rules enforced by the server that this schema cannot express:
    * a `custom_attributes` key sent twice in one request is a 400;
    * `idfa`, `idfv` and `advertising_id` may be `null` only when this request
      sets `analytics_disabled` to `true` (the schema does express this one,
      with `if`/`else`);
    * attaching (both headers) needs the stored profile: 404, 409, and the
      30-attribute cap after the merge.

    Args:
        adapty_customer_user_id (str | Unset):
        adapty_profile_id (str | Unset): A UUID, hyphenated 8-4-4-4-12 hexadecimal digits, in any
            case.
        adapty_platform (Platform | Unset): A platform: `iOS`, `macOS`, `iPadOS`, `visionOS`,
            `Android` or `web`.
        body (ProfileCreateRequest): The body of `createProfile`. Every field is optional; an
            omitted field takes
            its default (`analytics_disabled`: `false`; the others: unset). Unknown
            fields are rejected.

            `idfa`, `idfv` and `advertising_id` in `installation_meta` may be `null`
            only when this request sets `analytics_disabled` to `true`.

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
    body: ProfileCreateRequest,
    adapty_customer_user_id: str | Unset = UNSET,
    adapty_profile_id: str | Unset = UNSET,
    adapty_platform: Platform | Unset = UNSET,
) -> Response[ErrorResponse | ProfileResponse]:
    """Create a profile

     Creates a new end user of your app in Adapty.

    * With `adapty-customer-user-id: C`, creates a profile whose
      `customer_user_id` is C and whose `profile_id` is a new UUID.
    * With `adapty-profile-id: P` only (an anonymous profile), creates a profile
      whose `profile_id` is P and whose `customer_user_id` is null.
    * A profile with that `customer_user_id` or that `profile_id` already
      exists: 409 `profile_already_exists`. Of concurrent creates of the same id,
      exactly one gets 200 and the others 409.
    * With both headers, P and C, **attaches** C to the existing profile P
      (Adapty's create page: "This will attach the customer_user_id to the
      existing profile"): the body is validated as any create body is (the
      `idfa` rule reads this request's `analytics_disabled`), then applied as
      `updateProfile` applies it (sent fields set, omitted fields kept,
      attributes merged, at most 30 stored); 200 with the profile. P does not
      exist: 404. P already has a `customer_user_id` (C or another), or C
      belongs to another profile: 409 `profile_already_exists`. Of concurrent
      attaches to P, exactly one gets 200 and the others 409.

    Every body field is optional, so `{}` is a valid body. An omitted field takes
    its default: `analytics_disabled` is stored as `false`, the others are unset.

    Rules enforced by the server that this schema cannot express:
    * a `custom_attributes` key sent twice in one request is a 400;
    * `idfa`, `idfv` and `advertising_id` may be `null` only when this request
      sets `analytics_disabled` to `true` (the schema does express this one,
      with `if`/`else`);
    * attaching (both headers) needs the stored profile: 404, 409, and the
      30-attribute cap after the merge.

    Args:
        adapty_customer_user_id (str | Unset):
        adapty_profile_id (str | Unset): A UUID, hyphenated 8-4-4-4-12 hexadecimal digits, in any
            case.
        adapty_platform (Platform | Unset): A platform: `iOS`, `macOS`, `iPadOS`, `visionOS`,
            `Android` or `web`.
        body (ProfileCreateRequest): The body of `createProfile`. Every field is optional; an
            omitted field takes
            its default (`analytics_disabled`: `false`; the others: unset). Unknown
            fields are rejected.

            `idfa`, `idfv` and `advertising_id` in `installation_meta` may be `null`
            only when this request sets `analytics_disabled` to `true`.

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
    body: ProfileCreateRequest,
    adapty_customer_user_id: str | Unset = UNSET,
    adapty_profile_id: str | Unset = UNSET,
    adapty_platform: Platform | Unset = UNSET,
) -> ErrorResponse | ProfileResponse | None:
    """Create a profile

     Creates a new end user of your app in Adapty.

    * With `adapty-customer-user-id: C`, creates a profile whose
      `customer_user_id` is C and whose `profile_id` is a new UUID.
    * With `adapty-profile-id: P` only (an anonymous profile), creates a profile
      whose `profile_id` is P and whose `customer_user_id` is null.
    * A profile with that `customer_user_id` or that `profile_id` already
      exists: 409 `profile_already_exists`. Of concurrent creates of the same id,
      exactly one gets 200 and the others 409.
    * With both headers, P and C, **attaches** C to the existing profile P
      (Adapty's create page: "This will attach the customer_user_id to the
      existing profile"): the body is validated as any create body is (the
      `idfa` rule reads this request's `analytics_disabled`), then applied as
      `updateProfile` applies it (sent fields set, omitted fields kept,
      attributes merged, at most 30 stored); 200 with the profile. P does not
      exist: 404. P already has a `customer_user_id` (C or another), or C
      belongs to another profile: 409 `profile_already_exists`. Of concurrent
      attaches to P, exactly one gets 200 and the others 409.

    Every body field is optional, so `{}` is a valid body. An omitted field takes
    its default: `analytics_disabled` is stored as `false`, the others are unset.

    Rules enforced by the server that this schema cannot express:
    * a `custom_attributes` key sent twice in one request is a 400;
    * `idfa`, `idfv` and `advertising_id` may be `null` only when this request
      sets `analytics_disabled` to `true` (the schema does express this one,
      with `if`/`else`);
    * attaching (both headers) needs the stored profile: 404, 409, and the
      30-attribute cap after the merge.

    Args:
        adapty_customer_user_id (str | Unset):
        adapty_profile_id (str | Unset): A UUID, hyphenated 8-4-4-4-12 hexadecimal digits, in any
            case.
        adapty_platform (Platform | Unset): A platform: `iOS`, `macOS`, `iPadOS`, `visionOS`,
            `Android` or `web`.
        body (ProfileCreateRequest): The body of `createProfile`. Every field is optional; an
            omitted field takes
            its default (`analytics_disabled`: `false`; the others: unset). Unknown
            fields are rejected.

            `idfa`, `idfv` and `advertising_id` in `installation_meta` may be `null`
            only when this request sets `analytics_disabled` to `true`.

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
