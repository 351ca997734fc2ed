"""Faults on demand: what a test asks the server to do wrong, and the store that hands them out.

A fault answers the next ``times`` requests matching its ``method`` and ``path`` with an error
``status`` (in the contract's envelope, optionally with ``Retry-After``), after a ``delay_ms``,
or by dropping the connection (``disconnect``). Faults live in memory, per server process (not
in the SQLite file): a restart forgets them, and every worker process of a server would have
its own (the recorded server runs one). Registering checks every field by hand (no schema) and
either registers the whole fault or nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from http import HTTPStatus
from typing import Any, Final

from recorded_server.serving import errors

__all__ = [
    "FAULT_METHODS",
    "MAX_DELAY_MS",
    "MAX_RETRY_AFTER",
    "MAX_TIMES",
    "Fault",
    "FaultStore",
    "fault_answer",
    "parse_fault",
]

FAULT_METHODS: Final = ("GET", "POST", "PATCH", "DELETE")
MAX_TIMES: Final = 1_000_000
MAX_DELAY_MS: Final = 120_000
"""Two minutes: longer than any client timeout worth testing, short enough to shut down."""
MAX_RETRY_AFTER: Final = 86_400

_FIELDS: Final = ("method", "path", "status", "times", "retry_after", "delay_ms", "disconnect")

_ERROR_CODES: Final = {
    400: "bad_request",
    401: "not_authenticated",
    404: "not_found",
    429: "too_many_requests",
    500: "server_error",
}
"""The error codes the server itself uses; other statuses get their reason phrase in snake case
(503 ``service_unavailable``, 504 ``gateway_timeout``), or ``error`` when HTTP names none."""

_NEEDS_EFFECT = "A fault needs a status (400 to 599), a delay_ms, or disconnect: true."


@dataclass(frozen=True, slots=True)
class Fault:
    """One registered fault. ``remaining`` counts down from ``times`` to 0 (used up)."""

    id: int
    method: str | None
    path: str
    status: int | None
    times: int
    retry_after: int | None
    delay_ms: int | None
    disconnect: bool
    remaining: int

    def as_json(self) -> dict[str, Any]:
        """The fault as the API answers it (every field; ``null`` where nothing was asked)."""
        return {
            "id": self.id,
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "times": self.times,
            "remaining": self.remaining,
            "retry_after": self.retry_after,
            "delay_ms": self.delay_ms,
            "disconnect": self.disconnect,
        }

    def matches(self, method: str, path: str) -> bool:
        return self.remaining > 0 and path == self.path and self.method in (None, method.upper())


class FaultStore:
    """The registered faults of one server process, in registration order.

    ``take`` finds and uses up a fault under a lock, with nothing awaited in between: two
    concurrent requests never both take a fault's last use.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._next_id = 1

    def add(self, fault: Fault) -> Fault:
        """Register ``fault`` (its ``id`` is replaced by the next one) and return it."""
        with self._lock:
            added = replace(fault, id=self._next_id, remaining=fault.times)
            self._next_id += 1
            self._faults.append(added)
            return added

    def all(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def remove(self, fault_id: int) -> bool:
        with self._lock:
            kept = [fault for fault in self._faults if fault.id != fault_id]
            removed = len(kept) != len(self._faults)
            self._faults = kept
            return removed

    def take(self, method: str, path: str) -> Fault | None:
        """The first registered fault that matches a request, with one use taken, or None."""
        if not self._faults:  # the common case: no lock when there is nothing to find
            return None
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.matches(method, path):
                    used = replace(fault, remaining=fault.remaining - 1)
                    self._faults[index] = used
                    return used
        return None


def error_code(status: int) -> str:
    """The envelope's ``error_code`` for a fault's status (429 is ``too_many_requests``)."""
    if status in _ERROR_CODES:
        return _ERROR_CODES[status]
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "error"


def fault_answer(fault: Fault) -> errors.ApiError:
    """The error a fault with a status answers: the envelope, and ``Retry-After`` if asked."""
    assert fault.status is not None
    headers = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
    message = (
        f"Fault {fault.id} injected by the recorded server (POST /_recorded/faults);"
        " this request changed nothing."
    )
    return errors.ApiError(
        fault.status, error_code(fault.status), [(errors.NON_FIELD, [message])], headers
    )


# --- registering: every field checked by hand ----------------------------------------------


def _integer(
    value: object, low: int, high: int, out_of_range: str | None = None
) -> tuple[int | None, str | None]:
    if isinstance(value, bool) or not isinstance(value, int):
        return None, errors.NOT_AN_INTEGER
    if not low <= value <= high:
        return None, out_of_range or f"Must be between {low} and {high}."
    return value, None


def parse_fault(document: object, paths: Collection[str], default_path: str) -> Fault:
    """A fault from a ``POST /_recorded/faults`` body, or a 400 naming every offending field.

    ``paths`` are the paths a fault may target (the server's own routes outside the inspection
    API); ``default_path`` is used when the body has no ``path``.
    """
    if not isinstance(document, Mapping):
        raise errors.bad_request(
            [(errors.NON_FIELD, ["Invalid data. Expected a JSON object describing one fault."])]
        )
    problems: list[tuple[str | None, list[str]]] = []

    def problem(source: str, message: str) -> None:
        problems.append((source, [message]))

    for name in document:
        if name not in _FIELDS:
            problem(str(name), f"Unknown field; a fault has {', '.join(_FIELDS)}.")

    method: str | None = None
    if "method" not in document:
        problem("method", f"{errors.REQUIRED} Send one of {', '.join(FAULT_METHODS)}, or null.")
    elif document["method"] is not None:
        if document["method"] in FAULT_METHODS:
            method = document["method"]
        else:
            problem("method", f"Must be one of {', '.join(FAULT_METHODS)}, or null for any.")

    path = default_path
    if "path" in document:
        value = document["path"]
        if value is None:
            problem("path", errors.NOT_NULL)
        elif not isinstance(value, str):
            problem("path", errors.NOT_A_STRING)
        elif value not in paths:
            problem("path", f"Not a path this server serves; one of: {', '.join(sorted(paths))}.")
        else:
            path = value

    def optional_integer(
        name: str, low: int, high: int, out_of_range: str | None = None
    ) -> int | None:
        value = document.get(name)
        if value is None:
            return None
        number, message = _integer(value, low, high, out_of_range)
        if message is not None:
            problem(name, message)
        return number

    status = optional_integer("status", 400, 599, "Must be an error status, 400 to 599.")
    retry_after = optional_integer("retry_after", 0, MAX_RETRY_AFTER)
    delay_ms = optional_integer("delay_ms", 1, MAX_DELAY_MS)

    times = 1
    if "times" in document:
        number, message = _integer(document["times"], 1, MAX_TIMES)
        if document["times"] is None:
            message = errors.NOT_NULL
        if message is not None:
            problem("times", message)
        else:
            assert number is not None
            times = number

    disconnect = False
    if "disconnect" in document:
        value = document["disconnect"]
        if not isinstance(value, bool):
            problem("disconnect", errors.NOT_A_BOOLEAN)
        else:
            disconnect = value

    if not problems:
        if disconnect and document.get("status") is not None:
            problem(
                "disconnect",
                "Cannot be combined with a status: a dropped connection has no answer.",
            )
        elif retry_after is not None and status is None:
            problem("retry_after", "Needs a status: Retry-After is sent with an error answer.")
        elif status is None and delay_ms is None and not disconnect:
            problem(errors.NON_FIELD, _NEEDS_EFFECT)
    if problems:
        raise errors.bad_request(problems)
    return Fault(
        id=0,
        method=method,
        path=path,
        status=status,
        times=times,
        retry_after=retry_after,
        delay_ms=delay_ms,
        disconnect=disconnect,
        remaining=times,
    )
