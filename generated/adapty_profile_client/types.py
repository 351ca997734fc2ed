"""Contains some shared types for properties"""

import datetime
import json
from collections.abc import Mapping, MutableMapping
from http import HTTPStatus
from typing import IO, Any, BinaryIO, Generic, Literal, TypeVar

import orjson
from attrs import define


class Unset:
    def __bool__(self) -> Literal[False]:
        return False


UNSET: Unset = Unset()

# The types that `httpx.Client(files=)` can accept, copied from that library.
FileContent = IO[bytes] | bytes | str
FileTypes = (
    # (filename, file (or bytes), content_type)
    tuple[str | None, FileContent, str | None]
    # (filename, file (or bytes), content_type, headers)
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
RequestFiles = list[tuple[str, FileTypes]]


@define
class File:
    """Contains information for file uploads"""

    payload: BinaryIO
    file_name: str | None = None
    mime_type: str | None = None

    def to_tuple(self) -> FileTypes:
        """Return a tuple representation that httpx will accept for multipart/form-data"""
        return self.file_name, self.payload, self.mime_type


T = TypeVar("T")


@define
class Response(Generic[T]):
    """A response from an endpoint"""

    status_code: HTTPStatus
    content: bytes
    headers: MutableMapping[str, str]
    parsed: T | None


def parse_datetime(text: str) -> datetime.datetime:
    """A date-time of a response as an aware ``datetime`` equal to it.

    Reads any RFC 3339 date-time (any offset, ``Z`` or ``z``, ``T`` or ``t``, any number of
    fractional digits) and Adapty's ``+0000`` form. ``datetime`` keeps microseconds: digits
    past the sixth are dropped. A leap second (``23:59:60``) reads as the instant after
    ``23:59:59``, as POSIX time counts it. Raises ``ValueError`` on text that is no date-time.
    """
    try:
        # Every form but two: lowercase "t" or "z", and a leap second (":60").
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        normalized = text.upper()
        leap = normalized[16:19] == ":60"
        if leap:
            normalized = normalized[:17] + "59" + normalized[19:]
        parsed = datetime.datetime.fromisoformat(normalized)
        if leap:
            try:
                parsed = parsed.replace(microsecond=0) + datetime.timedelta(seconds=1)
            except OverflowError:  # 9999-12-31T23:59:60: the last instant datetime holds
                parsed = parsed.replace(microsecond=999999)
        return parsed


# An integer of 19 digits or more may lie past 64 bits, which orjson reads as a float. A body
# holds one where it holds 19 digits in a row: every digit made "0", every other byte " ", then
# one substring search (a regular expression takes ten times as long).
_DIGITS_AS_ZEROS = bytes(48 if 48 <= byte <= 57 else 32 for byte in range(256))
_LONG_DIGITS = b"0" * 19


def parse_json(content: bytes) -> Any:
    """A response body read exactly as ``json.loads(content)`` reads it, usually faster.

    orjson reads it first; the standard library reads what orjson reads otherwise or refuses:
    any body with 19 digits in a row (orjson keeps integers to 64 bits and reads longer ones
    as floats, losing digits), and every body orjson refuses (``NaN`` and infinities, numbers
    past a float's range, lone surrogates, a byte order mark, UTF-16 and UTF-32). Raises what
    ``json.loads`` raises on a body that is no JSON.
    """
    if _LONG_DIGITS not in content.translate(_DIGITS_AS_ZEROS):
        try:
            return orjson.loads(content)
        except orjson.JSONDecodeError:
            pass
    return json.loads(content)


__all__ = ["UNSET", "File", "FileTypes", "RequestFiles", "Response", "Unset", "parse_datetime", "parse_json"]
