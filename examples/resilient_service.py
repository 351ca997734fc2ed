"""A sample service module that survives Adapty's bad moments: rate limits (429), outages (503),
slow answers and cut connections.

- Every request has a deadline: ``timeout`` (10 seconds, the generated client's default too).
- Reads and updates (GET, PATCH, DELETE: sending one twice does no harm) are retried on 429
  and 503, on timeouts and on cut connections, by httpx-retries' ``RetryTransport``: it
  waits what ``Retry-After`` asks (else an exponential backoff), at most ``retries`` times and
  at most ``max_wait`` seconds in all, then hands back the last answer.
- A create (POST) is never retried blindly: when its answer is an error or never comes, the
  create may have happened anyway, and a second POST would get 409. ``ensure_profile`` looks
  first (GET) and creates again only if the profile is not there.

    client = make_client(api_key=os.environ["ADAPTY_SECRET_KEY"])
    profile_id = ensure_profile(client, "user-42", email="jane@example.com")
    profile = fetch_profile(client, "user-42")
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

import httpx
from adapty_profile_client import AuthenticatedClient
from adapty_profile_client.api.profile import create_profile, get_profile, update_profile
from adapty_profile_client.models import (
    ErrorResponse,
    Profile,
    ProfileCreateRequest,
    ProfileResponse,
    ProfileUpdateRequest,
)
from adapty_profile_client.types import UNSET, Response
from httpx_retries import Retry, RetryTransport

ADAPTY_URL: Final = "https://api.adapty.io"
RETRY_STATUSES: Final = (429, 503)
REPEATABLE: Final = ("GET", "PATCH", "DELETE")
"""The methods whose repetition changes nothing more than the first try: retried."""
AMBIGUOUS: Final = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
"""Failures after which nobody knows whether the server acted on the request."""


@dataclass(frozen=True)
class ProfileApiError(Exception):
    """Adapty answered with an error (after the retries, for the methods that have them)."""

    status: int
    error_code: str
    request_id: str | None

    def __str__(self) -> str:
        return f"{self.status} {self.error_code} (Request-Id {self.request_id})"


def retry_policy(retries: int = 3, max_wait: float = 30.0, backoff_factor: float = 0.5) -> Retry:
    """Retry GET/PATCH/DELETE on 429/503 and on ambiguous failures: ``retries`` times at most,
    honouring ``Retry-After``, ``max_wait`` seconds of waiting in all (and per wait)."""
    return Retry(
        total=retries,
        allowed_methods=REPEATABLE,
        status_forcelist=RETRY_STATUSES,
        retry_on_exceptions=AMBIGUOUS,
        respect_retry_after_header=True,
        backoff_factor=backoff_factor,
        max_backoff_wait=max_wait,
        total_timeout=max_wait,
    )


def make_client(
    api_key: str,
    base_url: str = ADAPTY_URL,
    *,
    timeout: float = 10.0,
    retry: Retry | None = None,
) -> AuthenticatedClient:
    """A client with a deadline on every request and the retry policy in its transport."""
    return AuthenticatedClient(
        base_url=base_url,
        token=api_key,
        prefix="Api-Key",
        timeout=httpx.Timeout(timeout),
        raise_on_unexpected_status=False,
        httpx_args={"transport": RetryTransport(retry=retry or retry_policy())},
    )


def _error(response: Response[Any]) -> ProfileApiError:
    """The error of an answer; the spec documents no 429/503 body, so the envelope is read
    from the raw content when the client did not parse it."""
    parsed = response.parsed
    if not isinstance(parsed, ErrorResponse):
        try:
            parsed = ErrorResponse.from_dict(json.loads(response.content))
        except (ValueError, TypeError, KeyError, AttributeError):
            parsed = None
    code = parsed.error_code if parsed is not None else "unexpected_response"
    return ProfileApiError(int(response.status_code), code, response.headers.get("Request-Id"))


def _profile(response: Response[ErrorResponse | ProfileResponse]) -> Profile:
    if isinstance(response.parsed, ProfileResponse):
        return response.parsed.data
    raise _error(response)


def fetch_profile(client: AuthenticatedClient, user_id: str) -> Profile | None:
    """The profile of one of our users (``None`` when Adapty has none); retried as above."""
    response = get_profile.sync_detailed(client=client, adapty_customer_user_id=user_id)
    if response.status_code == 404:
        return None
    return _profile(response)


def set_email(client: AuthenticatedClient, user_id: str, email: str | None) -> Profile:
    """Set (or with ``None`` clear) a user's email: a PATCH, retried as above."""
    response = update_profile.sync_detailed(
        client=client, body=ProfileUpdateRequest(email=email), adapty_customer_user_id=user_id
    )
    return _profile(response)


Outcome = Response[ErrorResponse | ProfileResponse] | Exception
"""What a create gave: an answer, or one of the ``AMBIGUOUS`` failures."""


def _create(client: AuthenticatedClient, user_id: str, email: str | None) -> Outcome:
    body = ProfileCreateRequest(email=UNSET if email is None else email)
    try:
        return create_profile.sync_detailed(
            client=client, body=body, adapty_customer_user_id=user_id
        )
    except AMBIGUOUS as exc:
        return exc


def _created_id(outcome: Outcome) -> str | None:
    """The new profile's id; ``None`` when the create may have failed or already happened
    (409, 429/503, an ambiguous failure); raises on any other error."""
    if isinstance(outcome, Exception):
        return None
    if outcome.status_code == 200:
        return _profile(outcome).profile_id
    if outcome.status_code in (409, *RETRY_STATUSES):
        return None
    raise _error(outcome)


def _wait_before_looking(outcome: Outcome, retry: Retry | None) -> None:
    """Wait as the retry policy says (what ``Retry-After`` asks, else its backoff); not after
    a 409, which says the profile is there now."""
    if isinstance(outcome, Response) and outcome.status_code == 409:
        return
    seen = (
        outcome
        if isinstance(outcome, Exception)
        else httpx.Response(int(outcome.status_code), headers=dict(outcome.headers))
    )
    (retry or retry_policy()).increment().sleep(seen)


def ensure_profile(
    client: AuthenticatedClient,
    user_id: str,
    email: str | None = None,
    *,
    retry: Retry | None = None,
) -> str:
    """The Adapty ``profile_id`` of one of our users, created if it does not exist yet.

    The create is sent once. If it is refused as a duplicate (409) or fails in a way that may
    hide a create that happened (429/503, a timeout, a cut connection), the profile is looked
    up (GET, after the wait ``Retry-After`` asks) and created a second time only if it is
    not there. Two POSTs at most, never one profile twice; other errors are raised.
    """
    first = _create(client, user_id, email)
    created = _created_id(first)
    if created is not None:
        return created
    _wait_before_looking(first, retry)
    found = fetch_profile(client, user_id)
    if found is not None:
        return found.profile_id
    second = _create(client, user_id, email)
    created = _created_id(second)
    if created is not None:
        return created
    found = fetch_profile(client, user_id)  # the second create may have happened after all
    if found is not None:
        return found.profile_id
    if isinstance(second, Exception):
        raise second
    raise _error(second)
