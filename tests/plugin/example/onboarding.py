"""A small service function, as a service using the generated client would write it."""

from __future__ import annotations

from http import HTTPStatus

from adapty_profile_client import AuthenticatedClient
from adapty_profile_client.api.profile import create_profile, update_profile
from adapty_profile_client.models import (
    CustomAttribute,
    ProfileCreateRequest,
    ProfileResponse,
    ProfileUpdateRequest,
)


class AdaptyError(Exception):
    """Adapty refused the request."""


def onboard_user(client: AuthenticatedClient, user_id: str, email: str, plan: str) -> str:
    """Give the user an Adapty profile with their email and plan; return Adapty's profile id.

    A user who signed up before (409) gets their profile updated instead.
    """
    attributes = [
        CustomAttribute(key="plan", value=plan),
        CustomAttribute(key="onboarded", value=True),
    ]
    response = create_profile.sync_detailed(
        client=client,
        adapty_customer_user_id=user_id,
        body=ProfileCreateRequest(email=email, custom_attributes=attributes),
    )
    if response.status_code == HTTPStatus.CONFLICT:
        response = update_profile.sync_detailed(
            client=client,
            adapty_customer_user_id=user_id,
            body=ProfileUpdateRequest(email=email, custom_attributes=attributes),
        )
    if not isinstance(response.parsed, ProfileResponse):
        raise AdaptyError(f"{response.status_code}: {response.content.decode()}")
    return response.parsed.data.profile_id
