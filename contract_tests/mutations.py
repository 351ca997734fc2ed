"""Deliberately broken variants of the server and of the spec, to prove the suite bites.

None of them touches the server's code: each server mutant is ASGI middleware wrapped around
``create_app(...)`` that rewrites requests or responses, or a monkeypatch of a name the server
reads at call time (the attach rule, ``recorded_server.emulator.profiles.attached_profile``), or
an app built with other settings (``Settings(max_stored_attributes=31)``). The spec mutant is a
copy of ``openapi/profile.yaml`` with one rule loosened, selected with ``CONTRACT_SPEC``.

``CONTRACT_MUTANT=<name>`` installs a server mutant in the embedded (in-process) server;
``python -m contract_tests.mutants`` runs the suite once per mutant and requires every one
to be caught.
"""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml

MUTANT_ENV: Final = "CONTRACT_MUTANT"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# (scope, body) -> the body the server sees, or a (status, headers, body) answer instead
RequestRewrite = Callable[[Scope, bytes], "bytes | tuple[int, list[tuple[bytes, bytes]], bytes]"]
# (scope, status, headers, body) -> what the client sees
ResponseRewrite = Callable[
    [Scope, int, list[tuple[bytes, bytes]], bytes], tuple[int, list[tuple[bytes, bytes]], bytes]
]

PROFILE_PATH: Final = "/api/v2/server-side-api/profile/"


def _is_profile_write(scope: Scope) -> bool:
    return (
        scope.get("type") == "http"
        and scope.get("path") == PROFILE_PATH
        and scope.get("method") in ("POST", "PATCH")
    )


class RewriteRequests:
    """Middleware: read the whole body of a profile POST/PATCH and let ``rewrite`` change it."""

    def __init__(self, app: ASGIApp, rewrite: RequestRewrite) -> None:
        self.app = app
        self.rewrite = rewrite

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _is_profile_write(scope):
            await self.app(scope, receive, send)
            return
        chunks = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        outcome = self.rewrite(scope, b"".join(chunks))
        if isinstance(outcome, tuple):
            status, headers, body = outcome
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        body = outcome
        scope = dict(scope)
        scope["headers"] = [
            (name, str(len(body)).encode() if name.lower() == b"content-length" else value)
            for name, value in scope["headers"]
        ]
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class RewriteResponses:
    """Middleware: buffer every HTTP response and let ``rewrite`` change status, headers, body."""

    def __init__(self, app: ASGIApp, rewrite: ResponseRewrite) -> None:
        self.app = app
        self.rewrite = rewrite

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def buffer(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                status, headers, body = self.rewrite(
                    scope, start["status"], list(start.get("headers", [])), b"".join(chunks)
                )
                headers = [
                    (name, str(len(body)).encode() if name.lower() == b"content-length" else value)
                    for name, value in headers
                ]
                await send({"type": "http.response.start", "status": status, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        await self.app(scope, receive, buffer)


def _json_rewrite(change: Callable[[Scope, Any], bool]) -> RequestRewrite:
    """A request rewrite that edits the parsed JSON body in place; other bodies pass untouched,
    and so does a body the edit leaves alone (byte for byte: nothing else changes)."""

    def rewrite(scope: Scope, body: bytes) -> bytes:
        try:
            document = json.loads(body)
        except ValueError:
            return body
        return json.dumps(document).encode() if change(scope, document) else body

    return rewrite


def _truncate_long_keys(scope: Scope, document: Any) -> bool:
    items = document.get("custom_attributes") if isinstance(document, dict) else None
    changed = False
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("key"), str) and len(item["key"]) > 30:
            item["key"] = item["key"][:30]
            changed = True
    return changed


def _drop_null_birthday(scope: Scope, document: Any) -> bool:
    if isinstance(document, dict) and "birthday" in document and document["birthday"] is None:
        del document["birthday"]
        return True
    return False


def _drop_null_advertising_ids(scope: Scope, document: Any) -> bool:
    if not isinstance(document, dict) or document.get("analytics_disabled") is True:
        return False
    meta = document.get("installation_meta")
    changed = False
    if isinstance(meta, dict):
        for name in ("idfa", "idfv", "advertising_id"):
            if name in meta and meta[name] is None:
                del meta[name]
                changed = True
    return changed


def _att_status_bool_as_int(scope: Scope, document: Any) -> bool:
    if isinstance(document, dict) and isinstance(document.get("att_status"), bool):
        document["att_status"] = int(document["att_status"])
        return True
    return False


def _patch_ignores_nulls(scope: Scope, document: Any) -> bool:
    changed = False
    if scope.get("method") == "PATCH" and isinstance(document, dict):
        for name in ("first_name", "last_name", "gender", "email", "phone_number"):
            if name in document and document[name] is None:
                del document[name]
                changed = True
    return changed


def _malformed_json_500(scope: Scope, body: bytes) -> bytes | tuple[int, list[Any], bytes]:
    try:
        json.loads(body)
    except ValueError:
        return 500, [(b"content-type", b"text/plain")], b"Internal Server Error"
    return body


def _strip_request_id(
    scope: Scope, status: int, headers: list[tuple[bytes, bytes]], body: bytes
) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    return status, [(k, v) for k, v in headers if k.lower() != b"request-id"], body


def _error_status_code_always_400(
    scope: Scope, status: int, headers: list[tuple[bytes, bytes]], body: bytes
) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    if status >= 400:
        try:
            document = json.loads(body)
        except ValueError:
            return status, headers, body
        if isinstance(document, dict) and "status_code" in document:
            document["status_code"] = 400
            body = json.dumps(document).encode()
    return status, headers, body


def _timestamp_as_string(
    scope: Scope, status: int, headers: list[tuple[bytes, bytes]], body: bytes
) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    if status == 200 and scope.get("path") == PROFILE_PATH:
        document = json.loads(body)
        document["data"]["timestamp"] = str(document["data"]["timestamp"])
        body = json.dumps(document).encode()
    return status, headers, body


def _create_instead_of_attach(app: ASGIApp) -> ASGIApp:
    """A POST with both identity headers loses adapty-profile-id: it creates a new profile."""

    async def create(scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") == "http" and _is_profile_write(scope) and scope["method"] == "POST":
            names = {name.lower() for name, _ in scope["headers"]}
            if {b"adapty-profile-id", b"adapty-customer-user-id"} <= names:
                scope = dict(scope)
                scope["headers"] = [
                    (k, v) for k, v in scope["headers"] if k.lower() != b"adapty-profile-id"
                ]
        await app(scope, receive, send)

    return create


def _attach_over_a_customer_user_id(
    record: Any, changes: Any, customer_user_id: str, limits: Any
) -> Any:
    """``profiles.attached_profile`` without its 409: attaches over an existing customer_user_id."""
    import dataclasses

    from recorded_server.emulator.profiles import updated_profile

    updated = updated_profile(record, changes, limits)
    return dataclasses.replace(updated, customer_user_id=customer_user_id)


def _lend_an_api_key(app: ASGIApp) -> ASGIApp:
    """Ignores auth: a profile request without Authorization gets the server's own key."""

    async def lend(scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") == "http" and scope.get("path") == PROFILE_PATH:
            headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"authorization"]
            from recorded_server import DEFAULT_API_KEY

            headers.append((b"authorization", f"Api-Key {DEFAULT_API_KEY}".encode()))
            scope = dict(scope)
            scope["headers"] = headers
        await app(scope, receive, send)

    return lend


def _faults_store_writes(app: Any) -> Any:
    """The app with a fault layer that runs the endpoint (its answer thrown away) before
    answering a status fault: the write happens, the client sees the fault."""
    from starlette.middleware import Middleware

    from recorded_server.emulator.middleware.faults import FaultMiddleware

    class StoringFaults(FaultMiddleware):
        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            if scope.get("type") == "http" and not scope["path"].startswith("/_recorded/"):
                upcoming = [
                    fault
                    for fault in self.runtime.faults.all()
                    if fault.matches(scope["method"], scope["path"])
                ]
                if upcoming and upcoming[0].status is not None:

                    async def discard(message: Message) -> None:
                        pass

                    await self.app(scope, receive, discard)
            await super().__call__(scope, receive, send)

    app.user_middleware = [
        Middleware(StoringFaults, *layer.args, **layer.kwargs)
        if layer.cls is FaultMiddleware
        else layer
        for layer in app.user_middleware
    ]
    return app


def _faults_one_use_too_many(app: Any) -> Any:
    """The app with a fault store whose faults answer ``times + 1`` requests."""
    from recorded_server.emulator.faults import Fault, FaultStore

    class OneUseTooMany(FaultStore):
        def __init__(self) -> None:
            super().__init__()
            self.extra_used: set[int] = set()

        def take(self, method: str, path: str) -> Fault | None:
            taken = super().take(method, path)
            if taken is not None:
                return taken
            for fault in self.all():
                used_up_here = fault.remaining == 0 and fault.path == path
                if (
                    used_up_here
                    and fault.method in (None, method)
                    and fault.id not in self.extra_used
                ):
                    self.extra_used.add(fault.id)
                    return fault
            return None

    app.state.runtime.faults = OneUseTooMany()
    return app


# --- the purchase operations: monkeypatches of the names the endpoints call ---------------------

_FAMILY_ENDPOINTS: Final = "recorded_server.emulator.entitlements.endpoints"


def _grant_overwrites(record: Any, grant: Any, catalogue: Any, now: Any) -> Any:
    """``apply.granted`` that forgets the held level first: a shorter grant shortens it."""
    import dataclasses

    from recorded_server.emulator.entitlements.apply import granted

    levels = [
        level
        for level in record.access_levels
        if not (isinstance(level, dict) and level.get("access_level_id") == grant.access_level_id)
    ]
    return granted(dataclasses.replace(record, access_levels=levels), grant, catalogue, now)


def _revoke_in_the_past(record: Any, revoke: Any, catalogue: Any, now: Any) -> Any:
    """``apply.revoked`` with a clock far in the past: a past ``revoke_at`` is accepted."""
    import datetime

    from recorded_server.emulator.entitlements.apply import revoked

    if revoke.revoke_at is None:
        return revoked(record, revoke, catalogue, now)
    return revoked(record, revoke, catalogue, datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC))


def _renewal_duplicates(
    record: Any, transaction: Any, catalogue: Any, rates: Any, no_product: Any, now: Any
) -> Any:
    """``apply.recorded`` that keeps the chain's old subscription beside the new one."""
    from recorded_server.emulator.entitlements.apply import recorded

    result = recorded(record, transaction, catalogue, rates, no_product, now)
    if transaction.is_subscription:
        kept = [s for s in record.subscriptions if s not in result.subscriptions]
        result.subscriptions = kept + result.subscriptions
    return result


def _revenue_not_counted(
    record: Any, transaction: Any, catalogue: Any, rates: Any, no_product: Any, now: Any
) -> Any:
    """``apply.recorded`` that leaves ``total_revenue_usd`` as it was."""
    from recorded_server.emulator.entitlements.apply import recorded

    result = recorded(record, transaction, catalogue, rates, no_product, now)
    result.total_revenue_usd = record.total_revenue_usd
    return result


def _catalogue_ignored(
    record: Any, transaction: Any, catalogue: Any, rates: Any, no_product: Any, now: Any
) -> Any:
    """``apply.recorded`` with the default catalogue: the app's products give no level."""
    from recorded_server.emulator.entitlements import DEFAULT_CATALOGUE
    from recorded_server.emulator.entitlements.apply import recorded

    return recorded(record, transaction, DEFAULT_CATALOGUE, rates, no_product, now)


@dataclass(frozen=True)
class Mutant:
    """A deliberately broken server variant: how it breaks the contract, and how it is built."""

    name: str
    breaks: str
    built_with: str
    wrap: Callable[[ASGIApp], ASGIApp] | None = None
    patches: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    """Settings the embedded server is built with instead of the contract's."""
    tests: tuple[str, ...] = ()
    """The part of the suite expected to catch it (pytest node ids relative to the repo root)."""


_ORACLE = "contract_tests/test_differential.py"
_STATEFUL = "contract_tests/test_stateful.py"
_SCHEMATHESIS = "contract_tests/test_schemathesis.py"
_PROTOCOL = "contract_tests/test_protocol.py"
_ATTACH = "contract_tests/test_attach.py"
_FAULTS = "contract_tests/test_faults.py"
_FAMILY = "contract_tests/test_family.py::test_family_sequence"

SERVER_MUTANTS: Final[tuple[Mutant, ...]] = (
    Mutant(
        name="accepts-31-char-key",
        breaks="accepts a 31-character custom attribute key",
        built_with="request middleware: truncates keys longer than 30 characters",
        wrap=lambda app: RewriteRequests(app, _json_rewrite(_truncate_long_keys)),
        tests=(_ORACLE,),
    ),
    Mutant(
        name="accepts-null-birthday",
        breaks='accepts "birthday": null',
        built_with='request middleware: drops a "birthday": null',
        wrap=lambda app: RewriteRequests(app, _json_rewrite(_drop_null_birthday)),
        tests=(_ORACLE,),
    ),
    Mutant(
        name="stores-31-attributes",
        breaks="stores a 31st attribute through PATCH",
        built_with="create_app(Settings(max_stored_attributes=31))",
        settings={"max_stored_attributes": 31},
        tests=(_ORACLE, _STATEFUL),
    ),
    Mutant(
        name="accepts-null-idfa",
        breaks="accepts a null idfa/idfv/advertising_id with analytics on",
        built_with="request middleware: drops null advertising ids unless analytics_disabled",
        wrap=lambda app: RewriteRequests(app, _json_rewrite(_drop_null_advertising_ids)),
        tests=(_ORACLE,),
    ),
    Mutant(
        name="malformed-json-500",
        breaks="answers malformed JSON with a 500",
        built_with="request middleware: a body that is not JSON gets a bare 500",
        wrap=lambda app: RewriteRequests(app, _malformed_json_500),
        tests=(_ORACLE,),
    ),
    Mutant(
        name="drops-request-id",
        breaks="drops the Request-Id response header",
        built_with="response middleware: removes Request-Id",
        wrap=lambda app: RewriteResponses(app, _strip_request_id),
        tests=(_SCHEMATHESIS,),
    ),
    Mutant(
        name="accepts-att-status-true",
        breaks="accepts att_status true (a boolean is not the integer 1)",
        built_with="request middleware: turns a boolean att_status into 0/1",
        wrap=lambda app: RewriteRequests(app, _json_rewrite(_att_status_bool_as_int)),
        tests=(_ORACLE,),
    ),
    Mutant(
        name="patch-null-keeps",
        breaks="PATCH with null keeps the stored name/email/phone instead of clearing it",
        built_with="request middleware: drops null first_name/last_name/gender/email/phone "
        "on PATCH",
        wrap=lambda app: RewriteRequests(app, _json_rewrite(_patch_ignores_nulls)),
        tests=(_STATEFUL,),
    ),
    Mutant(
        name="envelope-status-400",
        breaks="writes status_code 400 in every error envelope (401/404/409 included)",
        built_with="response middleware: rewrites the envelope's status_code",
        wrap=lambda app: RewriteResponses(app, _error_status_code_always_400),
        tests=(_SCHEMATHESIS, _STATEFUL),
    ),
    Mutant(
        name="timestamp-as-string",
        breaks="returns the profile's timestamp as a string",
        built_with="response middleware: rewrites data.timestamp",
        wrap=lambda app: RewriteResponses(app, _timestamp_as_string),
        tests=(_SCHEMATHESIS,),
    ),
    Mutant(
        name="creates-instead-of-attach",
        breaks="POST with both identity headers creates a new profile instead of attaching",
        built_with="request middleware: drops adapty-profile-id from a POST that has both",
        wrap=_create_instead_of_attach,
        tests=(_ATTACH, _STATEFUL),
    ),
    Mutant(
        name="attaches-over-customer-user-id",
        breaks="attaches to a profile that already has a customer_user_id (200, not 409)",
        built_with="monkeypatch: recorded_server.emulator.profiles.attached_profile, no 409",
        patches={
            "recorded_server.emulator.profiles.attached_profile": _attach_over_a_customer_user_id
        },
        tests=(_ATTACH, _STATEFUL),
    ),
    Mutant(
        name="ignores-auth",
        breaks="serves profile requests without a valid API key",
        built_with="request middleware: puts the server's own key on every profile request",
        wrap=_lend_an_api_key,
        tests=(_SCHEMATHESIS,),
    ),
    Mutant(
        name="faults-store-writes",
        breaks="a request answered by a fault still stores its write",
        built_with="a fault layer that runs the endpoint before answering the fault's status",
        wrap=_faults_store_writes,
        tests=(_FAULTS,),
    ),
    Mutant(
        name="fault-one-use-too-many",
        breaks="a fault answers times + 1 requests",
        built_with="a fault store that hands out one more use of each fault",
        wrap=_faults_one_use_too_many,
        tests=(_FAULTS,),
    ),
    Mutant(
        name="grant-shortens",
        breaks="a grant with an earlier expiry shortens a held level",
        built_with=f"monkeypatch: {_FAMILY_ENDPOINTS}.granted forgets the held level",
        patches={f"{_FAMILY_ENDPOINTS}.granted": _grant_overwrites},
        tests=(_FAMILY,),
    ),
    Mutant(
        name="revoke-past-accepted",
        breaks="revoke accepts a revoke_at in the past (no value_error)",
        built_with=f"monkeypatch: {_FAMILY_ENDPOINTS}.revoked reads a clock of 1900",
        patches={f"{_FAMILY_ENDPOINTS}.revoked": _revoke_in_the_past},
        tests=(_FAMILY,),
    ),
    Mutant(
        name="renewal-duplicates-subscription",
        breaks="a renewal adds a second subscription of its chain",
        built_with=f"monkeypatch: {_FAMILY_ENDPOINTS}.recorded keeps the old subscription",
        patches={f"{_FAMILY_ENDPOINTS}.recorded": _renewal_duplicates},
        tests=(_FAMILY,),
    ),
    Mutant(
        name="revenue-not-counted",
        breaks="set transaction leaves total_revenue_usd unchanged",
        built_with=f"monkeypatch: {_FAMILY_ENDPOINTS}.recorded restores the revenue",
        patches={f"{_FAMILY_ENDPOINTS}.recorded": _revenue_not_counted},
        tests=(_FAMILY,),
    ),
    Mutant(
        name="catalogue-ignored",
        breaks="set transaction ignores the app's products (no access level)",
        built_with=f"monkeypatch: {_FAMILY_ENDPOINTS}.recorded with the default catalogue",
        patches={f"{_FAMILY_ENDPOINTS}.recorded": _catalogue_ignored},
        tests=(_FAMILY,),
    ),
)


def mutant_named(name: str) -> Mutant:
    for mutant in SERVER_MUTANTS:
        if mutant.name == name:
            return mutant
    known = ", ".join(mutant.name for mutant in SERVER_MUTANTS)
    raise LookupError(f"{MUTANT_ENV}={name!r}: no such mutant (known: {known})")


def active_mutant() -> Mutant | None:
    name = os.environ.get(MUTANT_ENV, "").strip()
    return mutant_named(name) if name else None


def install_active_mutant(app: Any) -> Any:
    """Wrap ``app`` in the mutant named by $CONTRACT_MUTANT (and apply its patches), if any."""
    mutant = active_mutant()
    if mutant is None:
        return app
    import importlib

    for target, value in mutant.patches.items():
        module_name, attribute = target.rsplit(".", 1)
        setattr(importlib.import_module(module_name), attribute, value)
    return mutant.wrap(app) if mutant.wrap is not None else app


# --- the spec mutant ---------------------------------------------------------------------------

SPEC_MUTANT_NAME: Final = "spec-key-max-31"
SPEC_MUTANT_BREAKS: Final = "the spec allows 31-character attribute keys (maxLength 31)"


def loosen_key_length(spec_text: str) -> str:
    """The spec with CustomAttributeKey loosened from 30 to 31 characters (length and pattern)."""
    spec = yaml.safe_load(spec_text)
    key = spec["components"]["schemas"]["CustomAttributeKey"]
    if key.get("maxLength") != 30:
        raise ValueError("CustomAttributeKey has no maxLength 30 to loosen")
    key["maxLength"] = 31
    if "pattern" in key:
        key["pattern"] = key["pattern"].replace("{1,30}", "{1,31}")
    return yaml.safe_dump(spec, sort_keys=False, allow_unicode=True)


def write_loosened_spec(source: Path, destination: Path) -> Path:
    destination.write_text(loosen_key_length(source.read_text(encoding="utf-8")), encoding="utf-8")
    return destination
