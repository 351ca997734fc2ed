"""Request header rules: the API key, the identity headers, the platform and Content-Type."""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass

from recorded_server.serving import errors, limits

PLATFORMS = ("iOS", "macOS", "iPadOS", "visionOS", "Android", "web")

CUSTOMER_USER_ID = "adapty-customer-user-id"
PROFILE_ID = "adapty-profile-id"
PLATFORM = "adapty-platform"

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_SCHEME = b"api-key"


def is_uuid(value: str) -> bool:
    """A hyphenated 8-4-4-4-12 hex UUID, any case (ASCII only, whole string)."""
    return _UUID.fullmatch(value) is not None


def first_header(raw_headers: Iterable[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    """The first value of a header (``name`` in lowercase, as ASGI servers give it)."""
    for key, value in raw_headers:
        if key == name:
            return value
    return None


def check_api_key(authorization: bytes | None, api_key: bytes) -> errors.ApiError | None:
    """``None`` when ``Authorization: Api-Key <key>`` carries the key, else the 401 to answer.

    The scheme is case-insensitive (RFC 9110); the key is compared in constant time.
    """
    if authorization is None:
        return errors.not_authenticated()
    parts = authorization.split()
    if len(parts) != 2 or parts[0].lower() != _SCHEME:
        return errors.not_authenticated()
    if not hmac.compare_digest(parts[1], api_key):
        return errors.not_authenticated(errors.INVALID_KEY)
    return None


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a profile request is about, from its headers."""

    profile_id: str | None
    """Lowercased UUID from ``adapty-profile-id``."""
    customer_user_id: str | None
    platform: str | None


def identity(headers: Iterable[tuple[bytes, bytes]]) -> Identity:
    """Read and check the identity and platform headers; raise a 400 listing every bad one.

    Header values are read as Latin-1, as HTTP servers and WSGI do, so lengths count bytes;
    surrounding spaces and tabs are not part of a value (RFC 9110), whatever the server gave.
    """
    customer: bytes | None = None
    profile: bytes | None = None
    platform: bytes | None = None
    for key, value in headers:
        if key == b"adapty-customer-user-id":
            if customer is None:
                customer = value.strip(b" \t")
        elif key == b"adapty-profile-id":
            if profile is None:
                profile = value.strip(b" \t")
        elif key == b"adapty-platform" and platform is None:
            platform = value.strip(b" \t")
    problems: list[tuple[str | None, list[str]]] = []
    customer_id: str | None = None
    profile_id: str | None = None
    platform_name: str | None = None
    if customer is not None:
        customer_id = customer.decode("latin-1")
        if customer_id == "":
            problems.append((CUSTOMER_USER_ID, [errors.BLANK]))
        elif len(customer_id) > limits.MAX_CUSTOMER_USER_ID_LENGTH:
            problems.append(
                (
                    CUSTOMER_USER_ID,
                    [
                        "Ensure this field has no more than "
                        f"{limits.MAX_CUSTOMER_USER_ID_LENGTH} characters."
                    ],
                )
            )
    if profile is not None:
        text = profile.decode("latin-1")
        if is_uuid(text):
            profile_id = text.lower()
        else:
            problems.append((PROFILE_ID, [errors.NOT_A_UUID]))
    if customer is None and profile is None:
        problems.append((CUSTOMER_USER_ID, [errors.REQUIRED]))
    if platform is not None:
        platform_name = platform.decode("latin-1")
        if platform_name not in PLATFORMS:
            problems.append((PLATFORM, [f'"{platform_name}" is not a valid choice.']))
    if problems:
        raise errors.bad_request(problems)
    return Identity(profile_id, customer_id, platform_name)


def check_content_type(content_type: bytes | None) -> None:
    """POST/PATCH: an absent Content-Type is fine (the body decides); a present one must be
    ``application/json``, optionally with ``charset=utf-8`` (case-insensitive), else 415."""
    if content_type is None:
        return
    text = content_type.decode("latin-1").strip(" \t")
    media_type, *params = text.split(";")
    ok = media_type.strip().lower() == "application/json"
    for param in params:
        if not param.strip():
            continue
        name, sep, value = param.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        if not sep or name.strip().lower() != "charset" or value.lower() != "utf-8":
            ok = False
    if not ok:
        raise errors.unsupported_media_type(text)
