"""The contract's error envelope and the exception that carries it to the response.

Every error body is ``{"errors": [{"source": str|null, "errors": [str, ...]}],
"error_code": str, "status_code": int}`` with ``status_code`` equal to the HTTP status.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from starlette.responses import Response

ErrorItems = Sequence[tuple[str | None, Sequence[str]]]
"""One ``(source, messages)`` pair per offending field."""

NON_FIELD = "non_field_errors"

# DRF-style messages (Adapty's API is a Django REST framework app).
NOT_PROVIDED = "Authentication credentials were not provided."
INVALID_KEY = "Invalid API key."
NOT_FOUND = "Not found."
REQUIRED = "This field is required."
NOT_NULL = "This field may not be null."
BLANK = "This field may not be blank."
UNKNOWN_FIELD = "Unknown field."
NOT_A_STRING = "Not a valid string."
NOT_A_BOOLEAN = "Must be a valid boolean."
NOT_AN_INTEGER = "A valid integer is required."
NOT_A_UUID = "Must be a valid UUID."
ALREADY_EXISTS = "A profile with this id already exists."
TOO_LARGE = "Request body is larger than {limit} bytes."
UNSUPPORTED_MEDIA = 'Unsupported media type "{media_type}" in request; use "application/json".'
TIMEOUT = "The request body did not arrive within {seconds:g} seconds."
SERVER_ERROR = "The server could not handle this request."
STORAGE_ERROR = "The server's storage could not complete this request; retry it."


def envelope(status: int, error_code: str, errors: ErrorItems) -> dict[str, object]:
    """The error body as a dict."""
    return {
        "errors": [{"source": source, "errors": list(messages)} for source, messages in errors],
        "error_code": error_code,
        "status_code": status,
    }


def error_response(
    status: int,
    error_code: str,
    errors: ErrorItems,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A JSON response carrying the contract's error envelope."""
    body = _encode(envelope(status, error_code, errors))
    return Response(body, status_code=status, headers=headers, media_type="application/json")


def _encode(value: object) -> bytes:
    """UTF-8 JSON; input with lone surrogates (not encodable as UTF-8) is escaped as \\uXXXX
    instead, so an error body can carry any input and never turns into a 5xx."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode()
    except UnicodeEncodeError:
        return json.dumps(value, ensure_ascii=True, separators=(",", ":")).encode()


class ApiError(Exception):
    """Raised anywhere in request handling; turned into the envelope by the app."""

    def __init__(
        self,
        status: int,
        error_code: str,
        errors: ErrorItems,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {error_code}")
        self.status = status
        self.error_code = error_code
        self.errors = [(source, list(messages)) for source, messages in errors]
        self.headers = dict(headers or {})

    def response(self) -> Response:
        return error_response(self.status, self.error_code, self.errors, self.headers)


def bad_request(errors: ErrorItems) -> ApiError:
    return ApiError(400, "bad_request", errors)


def parse_error(message: str) -> ApiError:
    return ApiError(400, "parse_error", [(NON_FIELD, [message])])


def not_authenticated(message: str = NOT_PROVIDED) -> ApiError:
    return ApiError(401, "not_authenticated", [(NON_FIELD, [message])])


def not_found() -> ApiError:
    return ApiError(404, "not_found", [(NON_FIELD, [NOT_FOUND])])


def method_not_allowed(method: str, allowed: Sequence[str]) -> ApiError:
    return ApiError(
        405,
        "method_not_allowed",
        [(NON_FIELD, [f'Method "{method}" not allowed.'])],
        headers={"Allow": ", ".join(allowed)},
    )


def already_exists(source: str) -> ApiError:
    return ApiError(409, "profile_already_exists", [(source, [ALREADY_EXISTS])])


def too_large(limit: int) -> ApiError:
    return ApiError(413, "request_too_large", [(NON_FIELD, [TOO_LARGE.format(limit=limit)])])


def unsupported_media_type(media_type: str) -> ApiError:
    return ApiError(
        415,
        "unsupported_media_type",
        [(NON_FIELD, [UNSUPPORTED_MEDIA.format(media_type=media_type)])],
    )


def request_timeout(seconds: float) -> ApiError:
    return ApiError(408, "request_timeout", [(NON_FIELD, [TIMEOUT.format(seconds=seconds)])])


def storage_unavailable() -> ApiError:
    return ApiError(503, "service_unavailable", [(NON_FIELD, [STORAGE_ERROR])])
