"""Contains some shared types for properties"""

import datetime
from collections.abc import Mapping, MutableMapping
from http import HTTPStatus
from typing import IO, BinaryIO, Generic, Literal, TypeVar

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


__all__ = ["UNSET", "File", "FileTypes", "RequestFiles", "Response", "Unset", "parse_datetime"]
