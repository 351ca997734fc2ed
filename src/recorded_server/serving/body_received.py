"""Whether a request's whole body has arrived: an ASGI extension of the kit's HTTP protocols.

The kit's protocols (:mod:`recorded_server.serving.http_protocol`) put :func:`whole_body_received`
in every request scope, under ``scope["extensions"][BODY_RECEIVED_EXTENSION]``: called with the
request's ``receive``, it is true once the server holds the whole body, so that the next
``receive()`` returns it without waiting. :func:`recorded_server.emulator.rules.body.read_body`
then reads the body without arming its timeout (a timer costs about 7 µs, a twentieth of a
create's CPU, and a create's body nearly always comes with its head). A body still on its way,
and any server or in-process harness without the extension, are read under the timeout.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

__all__ = ["BODY_RECEIVED_EXTENSION", "body_received_check", "whole_body_received"]

BODY_RECEIVED_EXTENSION: Final = "recorded_server.body_received"


def whole_body_received(receive: Callable[..., Any]) -> bool:
    """Whether uvicorn's request cycle behind ``receive`` (of either protocol) holds the whole
    body: it sets ``more_body`` false, and its message event, once the body has ended."""
    return getattr(getattr(receive, "__self__", None), "more_body", True) is False


def body_received_check(scope: Mapping[str, Any]) -> Callable[[Callable[..., Any]], bool] | None:
    """The extension's function in ``scope``, or ``None`` when the server gives none."""
    extensions = scope.get("extensions")
    if not extensions:
        return None
    found: Callable[[Callable[..., Any]], bool] | None = extensions.get(BODY_RECEIVED_EXTENSION)
    return found
