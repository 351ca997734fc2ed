"""A sample service module that keeps Adapty profiles in step with its own users.

It shows the generated client as a service uses it: one ``AuthenticatedClient`` with
``Api-Key`` auth, the identity in headers, ``UNSET`` versus ``None`` in request bodies,
typed errors carrying the ``Request-Id`` to quote to Adapty's support. It passes
``mypy --strict``.

    client = make_client(api_key=os.environ["ADAPTY_SECRET_KEY"])
    profile_id = register_user(client, user_id="user-42", email="jane@example.com")
    set_attributes(client, profile_id, {"plan": "premium", "seats": 3, "beta": None})
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from adapty_profile_client import AuthenticatedClient
from adapty_profile_client.api.profile import (
    create_profile,
    delete_profile,
    get_profile,
    update_profile,
)
from adapty_profile_client.models import (
    CustomAttribute,
    ErrorResponse,
    Profile,
    ProfileCreateRequest,
    ProfileResponse,
    ProfileUpdateRequest,
)
from adapty_profile_client.types import UNSET, Response, Unset

ADAPTY_URL = "https://api.adapty.io"
AttributeValue = str | float | bool | None


@dataclass(frozen=True)
class ProfileApiError(Exception):
    """Adapty answered with its error envelope (or with something undocumented)."""

    status: int
    error_code: str
    messages: tuple[str, ...]
    request_id: str | None

    def __str__(self) -> str:
        detail = "; ".join(self.messages) or "no details"
        return f"{self.status} {self.error_code}: {detail} (Request-Id {self.request_id})"


def make_client(
    api_key: str, base_url: str = ADAPTY_URL, transport: httpx.BaseTransport | None = None
) -> AuthenticatedClient:
    """A client that sends ``Authorization: Api-Key <api_key>`` on every request."""
    httpx_args = {} if transport is None else {"transport": transport}
    return AuthenticatedClient(
        base_url=base_url,
        token=api_key,
        prefix="Api-Key",
        raise_on_unexpected_status=False,
        httpx_args=httpx_args,
    )


def _error(response: Response[Any]) -> ProfileApiError:
    """The error a response stands for, with its Request-Id for Adapty's support."""
    request_id = response.headers.get("Request-Id")
    parsed = response.parsed
    if isinstance(parsed, ErrorResponse):
        # An item is an ErrorItem, or a plain message (other endpoints of Adapty's reference).
        messages = tuple(
            message
            if isinstance(item, str)
            else (f"{item.source}: {message}" if item.source else message)
            for item in parsed.errors
            for message in ([item] if isinstance(item, str) else item.errors)
        )
        return ProfileApiError(int(response.status_code), parsed.error_code, messages, request_id)
    return ProfileApiError(int(response.status_code), "unexpected_response", (), request_id)


def _profile(response: Response[ErrorResponse | ProfileResponse]) -> Profile:
    if isinstance(response.parsed, ProfileResponse):
        return response.parsed.data
    raise _error(response)


def register_user(
    client: AuthenticatedClient,
    user_id: str,
    email: str | None,
    *,
    analytics_disabled: bool | Unset = UNSET,
) -> str:
    """Create the Adapty profile of one of our users; returns Adapty's ``profile_id``.

    ``email=None`` sends ``"email": null``; ``analytics_disabled`` is left out of the
    body unless given, so Adapty applies its default (``false``).
    """
    body = ProfileCreateRequest(email=email, analytics_disabled=analytics_disabled)
    response = create_profile.sync_detailed(
        client=client, body=body, adapty_customer_user_id=user_id
    )
    return _profile(response).profile_id


def set_attributes(
    client: AuthenticatedClient, profile_id: str, attributes: Mapping[str, AttributeValue]
) -> dict[str, str | float]:
    """Set custom attributes (``None`` deletes one); returns the attributes now stored."""
    body = ProfileUpdateRequest(
        custom_attributes=[
            CustomAttribute(key=key, value=value) for key, value in attributes.items()
        ]
    )
    response = update_profile.sync_detailed(client=client, body=body, adapty_profile_id=profile_id)
    return {item.key: item.value for item in _profile(response).custom_attributes}


def clear_contact_details(client: AuthenticatedClient, profile_id: str) -> Profile:
    """Clear the stored email and phone number (``null``), keeping every other field."""
    body = ProfileUpdateRequest(email=None, phone_number=None)
    return _profile(
        update_profile.sync_detailed(client=client, body=body, adapty_profile_id=profile_id)
    )


def find_profile(client: AuthenticatedClient, user_id: str) -> Profile | None:
    """The profile of one of our users, or ``None`` when Adapty has none."""
    response = get_profile.sync_detailed(client=client, adapty_customer_user_id=user_id)
    if response.status_code == 404:
        return None
    return _profile(response)


def has_access(profile: Profile, now: datetime, access_level_id: str = "premium") -> bool:
    """Whether the profile holds ``access_level_id`` at ``now`` (an aware datetime).

    The client parses Adapty's date-times, with or without a colon in the offset,
    into aware ``datetime`` values; ``expires_at`` is ``None`` for a lifetime access.
    """
    for level in profile.access_levels:
        if level.access_level_id != access_level_id:
            continue
        if level.expires_at is None or isinstance(level.expires_at, Unset):
            return True
        if level.expires_at > now:
            return True
    return False


def forget_user(client: AuthenticatedClient, profile_id: str) -> bool:
    """Delete a profile; ``False`` when it did not exist."""
    response = delete_profile.sync_detailed(client=client, adapty_profile_id=profile_id)
    if response.status_code == 204:
        return True
    if response.status_code == 404:
        return False
    raise _error(response)
