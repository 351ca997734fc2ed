"""Reading a request body within its size limit, and parsing it as strict JSON."""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Callable

from starlette.types import Receive

from recorded_server.serving import errors, limits


async def read_body(
    receive: Receive,
    content_length: bytes | None,
    max_body: int,
    timeout: float | None = None,
    received: Callable[[Receive], bool] | None = None,
) -> bytes:
    """The whole body, or 413 without reading past ``max_body`` bytes.

    A declared ``Content-Length`` over the limit is refused before any byte is read; a chunked
    body is counted as it streams and refused as soon as it passes the limit. A body that has not
    arrived after ``timeout`` seconds (``limits.BODY_READ_TIMEOUT`` by default) gets 408.
    ``received`` (the server's :mod:`~recorded_server.serving.body_received` extension) says
    when the whole body is already there: it is then read without arming the timeout.
    """
    if content_length is not None:
        try:
            declared = int(content_length)
        except ValueError:
            declared = -1  # the HTTP server rejects these first; be safe anyway
        if declared > max_body:
            raise errors.too_large(max_body)
    if received is not None and received(receive):
        return await _receive_all(receive, max_body)  # returns at once: nothing to time
    seconds = limits.BODY_READ_TIMEOUT if timeout is None else timeout
    try:
        async with asyncio.timeout(seconds):
            return await _receive_all(receive, max_body)
    except TimeoutError:
        raise errors.request_timeout(seconds) from None


async def _receive_all(receive: Receive, max_body: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise errors.parse_error("The client disconnected before sending the whole body.")
        chunk = message.get("body", b"")
        if chunk:
            size += len(chunk)
            if size > max_body:
                raise errors.too_large(max_body)
            chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _reject_constant(token: str) -> float:
    raise ValueError(f"{token} is not valid JSON")


def _parse_int(text: str) -> int | float:
    # Python refuses to convert integers of more than 4300 digits; a number that long is only
    # ever going to be a validation error, so read it as a float (it overflows to inf).
    if len(text) > limits.MAX_JSON_INT_DIGITS:
        return math.inf if not text.startswith("-") else -math.inf
    return int(text)


_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_int=_parse_int)


def parse_json(raw: bytes) -> object:
    """Parse a body as UTF-8 JSON (RFC 8259): no NaN/Infinity tokens, no BOM, no empty body.

    Duplicate object keys: the last wins. Numbers too large for a float come back as ``inf``
    (validation refuses them where a number is allowed). Errors raise 400 ``parse_error``.
    """
    if not raw:
        raise errors.parse_error("JSON parse error - the body is empty; send a JSON object.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise errors.parse_error(
            f"JSON parse error - the body is not valid UTF-8 (byte {exc.start})."
        ) from None
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise errors.parse_error(f"JSON parse error - {exc}") from None
    except RecursionError:
        raise errors.parse_error("JSON parse error - the document is nested too deeply.") from None
    except ValueError as exc:
        raise errors.parse_error(f"JSON parse error - {exc}") from None
