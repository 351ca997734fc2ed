"""Live mode's choke point: every request to a live target goes through ``LiveRun.transport``.

The live target's clients are given a base URL that resolves nowhere
(``http://live-target.invalid``); only this transport knows the real one. So a request that
does not come through here cannot reach the server at all: it fails, loudly. Through here,
each request is:

1. **kept to the run's own identities.** An ``adapty-customer-user-id`` that is not
   ``contract-<run id>-<n>`` is replaced with a new one of the run's; an ``adapty-profile-id``
   that is a UUID the run neither drew nor got back from one of its own creates is replaced
   with a new one of the run's, written in the same form (case, hyphens, braces), so a
   malformed-looking case stays malformed. Values that cannot name a profile pass as they are
   (an empty or a 256-character customer user id, a profile id that is no UUID in any form):
   the server must reject them before any lookup.
2. **kept away from the inspection API's writes.** Of ``/_recorded/``, only the health check,
   reading one of the run's profiles and loading fixtures of the run's own ids are allowed;
   anything else raises ``LiveSafetyError`` (a reset would wipe the account).
3. **budgeted and paced** (``live_budget``): a 429 is waited out, honouring ``Retry-After``,
   by httpx-retries' ``RetryTransport`` (up to 5 times, 60 s at most each).
4. **filed:** a ``x-recorded-server-scenario: contract-<NNN>`` header names the part of the
   suite (``recorded-server record`` files each part in a cassette of its own, in run order;
   other servers ignore the header, and record does not forward it);
5. **booked:** every profile a request of the run creates is noted, and deleted by
   ``cleanup`` at the end of the run (also after failures and Ctrl-C: it runs in the
   teardown of the session's target). What cannot be deleted is listed with a curl command.
"""

from __future__ import annotations

import contextlib
import json
import shlex
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Final

import httpx
from httpx_retries import Retry, RetryTransport

from contract_tests.identities import IDS, RunIds
from contract_tests.live_budget import Budget, BudgetExhausted, PacedTransport
from contract_tests.live_settings import LiveSettings

__all__ = ["GUARDED_BASE_URL", "LiveRun", "LiveSafetyError"]

GUARDED_BASE_URL: Final = "http://live-target.invalid"
PROFILE_PATH: Final = "/api/v2/server-side-api/profile/"
PURCHASE_PREFIX: Final = "/api/v2/server-side-api/purchase/"
"""Grant, revoke, set transaction: never sent to a live server."""
USER_HEADER: Final = "adapty-customer-user-id"
PROFILE_HEADER: Final = "adapty-profile-id"
MAX_USER_ID: Final = 255
SCENARIO_HEADER: Final = "x-recorded-server-scenario"
ALL_METHODS: Final = (
    "GET", "POST", "PATCH", "DELETE", "PUT", "HEAD", "OPTIONS", "TRACE", "CONNECT", "QUERY",
)  # fmt: skip
RETRY_429: Final = Retry(
    total=5,
    allowed_methods=ALL_METHODS,
    status_forcelist=[429],
    retry_on_exceptions=[],
    backoff_factor=1.0,
    respect_retry_after_header=True,
    max_backoff_wait=60.0,
)
"""A 429 means the request was not handled: it is safe to send again, whatever its method."""


class LiveSafetyError(RuntimeError):
    """A request live mode will not send (it could touch what the run did not create)."""


def _same_shape(original: str, fresh: str) -> str:
    """``fresh`` (a canonical UUID) written as ``original`` writes its UUID."""
    core = original.strip()
    lead, trail = (
        original[: len(original) - len(original.lstrip())],
        original[len(original.rstrip()) :],
    )
    prefix = suffix = ""
    if core.lower().startswith("urn:uuid:"):
        prefix, core = core[:9], core[9:]
    if core.startswith("{") and core.endswith("}"):
        prefix, suffix, core = prefix + "{", "}", core[1:-1]
    value = fresh if "-" in core else fresh.replace("-", "")
    if any(c.isalpha() for c in core) and core.upper() == core:
        value = value.upper()
    return f"{lead}{prefix}{value}{suffix}{trail}"


@dataclass
class _Ledger:
    """Profiles the run created: profile id -> customer user id (None: anonymous)."""

    alive: dict[str, str | None] = field(default_factory=dict)
    created: int = 0
    deleted: int = 0
    uncertain: list[dict[str, str]] = field(default_factory=list)
    """Identities of creates whose outcome is unknown (no answer, 5xx): deleted by identity."""
    left: list[str] = field(default_factory=list)


class LiveRun:
    """One live run: its settings, ids, budget, transport stack and what it created."""

    def __init__(
        self,
        settings: LiveSettings,
        ids: RunIds = IDS,
        *,
        network: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.ids = ids
        self.ledger = _Ledger()
        self.budget = Budget(settings.max_requests, outstanding=lambda: len(self.ledger.alive))
        self.paced = PacedTransport(
            network or httpx.HTTPTransport(retries=0), self.budget, settings.max_rps
        )
        self.transport = _GuardTransport(self, RetryTransport(self.paced, retry=RETRY_429))
        self.replaced = 0
        self._learned: set[str] = set()
        self._lock = threading.Lock()
        self._real = httpx.URL(settings.base_url)

    # --- ownership ------------------------------------------------------------------------

    def owns_profile_id(self, canonical: str) -> bool:
        return self.ids.minted_profile_id(canonical) or canonical in self._learned

    def _police_user(self, value: str) -> str:
        stripped = value.strip()
        if not stripped or len(value) > MAX_USER_ID or self.ids.owns_customer_user_id(stripped):
            return value
        self.replaced += 1
        return self.ids.customer_user_id()

    def _police_profile(self, value: str) -> str:
        try:
            canonical = str(uuid.UUID(value.strip()))
        except ValueError:
            return value  # no UUID in any form: it names no profile
        if self.owns_profile_id(canonical):
            return value
        self.replaced += 1
        return _same_shape(value, self.ids.profile_id())

    def police(self, request: httpx.Request) -> tuple[httpx.Request, dict[str, list[str]]]:
        """The request as it may be sent (own identities, real URL), and its identities."""
        headers: list[tuple[bytes, bytes]] = []
        identities: dict[str, list[str]] = {USER_HEADER: [], PROFILE_HEADER: []}
        for raw_name, raw_value in request.headers.raw:
            name = raw_name.decode("latin-1").lower()
            if name == "host":
                continue
            if name in identities:
                text = raw_value.decode("utf-8", errors="replace")
                police = self._police_user if name == USER_HEADER else self._police_profile
                kept = police(text)
                if kept != text:
                    raw_value = kept.encode("utf-8")
                identities[name].append(kept)
            headers.append((raw_name, raw_value))
        part = (
            "cleanup"
            if getattr(self.paced.cleanup, "active", False)
            else (f"{self.budget.parts_started:03d}")
        )
        headers.append((SCENARIO_HEADER.encode("ascii"), f"contract-{part}".encode("ascii")))
        path = request.url.raw_path
        if request.url.path.startswith(PURCHASE_PREFIX):
            raise LiveSafetyError(
                f"live mode does not send {request.method} {request.url.path}: the purchase "
                "operations change a real account's entitlements, revenue, analytics and "
                "integrations, and deleting the profile afterwards undoes none of that"
            )
        self._check_inspection(request)
        url = self._real.copy_with(raw_path=self._real.raw_path.rstrip(b"/") + path)
        sent = httpx.Request(
            request.method,
            url,
            headers=headers,
            content=request.content,
            extensions=request.extensions,
        )
        return sent, identities

    def _check_inspection(self, request: httpx.Request) -> None:
        method, path = request.method, request.url.path
        if not path.startswith("/_recorded/"):
            return
        if method == "GET" and path == "/_recorded/health":
            return
        prefix = "/_recorded/profiles/"
        if method == "GET" and path.startswith(prefix):
            try:
                canonical = str(uuid.UUID(path[len(prefix) :]))
            except ValueError:
                canonical = ""
            if canonical and self.owns_profile_id(canonical):
                return
            raise LiveSafetyError(f"live mode reads only the run's own profiles, not {path}")
        if method == "POST" and path == "/_recorded/fixtures":
            self._check_fixtures(request.content)
            return
        raise LiveSafetyError(
            f"live mode does not send {method} {path}: it could change what the run did not "
            "create (a reset, faults for every client)"
        )

    def _check_fixtures(self, content: bytes) -> None:
        try:
            profiles = json.loads(content)["profiles"]
            pairs = [(str(p["profile_id"]).lower(), p.get("customer_user_id")) for p in profiles]
        except (ValueError, KeyError, TypeError, AttributeError):
            raise LiveSafetyError("live mode loads only fixtures it can read") from None
        for profile_id, user in pairs:
            if not self.ids.minted_profile_id(profile_id) or (
                user is not None and not self.ids.owns_customer_user_id(str(user))
            ):
                raise LiveSafetyError(
                    f"live mode loads fixtures of the run's own ids only, not {profile_id}/{user}"
                )
        with self._lock:
            for profile_id, user in pairs:
                self._note_created(profile_id, user)

    # --- bookkeeping -------------------------------------------------------------------------

    def _note_created(self, profile_id: str, user: str | None) -> None:
        if profile_id not in self.ledger.alive:
            self.ledger.created += 1
        self.ledger.alive[profile_id] = user
        self._learned.add(profile_id)

    def _note_deleted(self, profile_id: str) -> None:
        if self.ledger.alive.pop(profile_id, "absent") != "absent":
            self.ledger.deleted += 1

    def book(
        self,
        request: httpx.Request,
        identities: dict[str, list[str]],
        response: httpx.Response | None,
    ) -> None:
        """Note what the exchange created or deleted."""
        if request.url.path.rstrip("/") != PROFILE_PATH.rstrip("/"):
            return
        users = identities[USER_HEADER]
        profiles = []
        for value in identities[PROFILE_HEADER]:
            with contextlib.suppress(ValueError):
                profiles.append(str(uuid.UUID(value.strip())))
        method = request.method.upper()
        with self._lock:
            if method == "POST" and (response is None or response.status_code >= 500):
                identity = {USER_HEADER: users[0]} if users else {}
                if profiles:
                    identity = {PROFILE_HEADER: profiles[0]}
                if identity:
                    self.ledger.uncertain.append(identity)
                return
            if response is None:
                return
            if response.status_code == 200 and method in ("POST", "GET", "PATCH"):
                data = _profile_data(response)
                if data is not None:
                    profile_id, user = data
                    if method == "POST":
                        self._note_created(profile_id, user)
                    elif profile_id in self.ledger.alive:
                        self.ledger.alive[profile_id] = user
                    self._learned.add(profile_id)
            if method == "DELETE" and response.status_code in (204, 404):
                for profile_id in (
                    profiles
                    or [pid for pid, user in self.ledger.alive.items() if user in users][:1]
                ):
                    self._note_deleted(profile_id)

    # --- cleanup -----------------------------------------------------------------------------

    @contextmanager
    def _cleaning(self) -> Iterator[None]:
        self.paced.cleanup.active = True
        try:
            yield
        finally:
            self.paced.cleanup.active = False

    def cleanup(self, client: httpx.Client, headers: dict[str, str]) -> None:
        """Delete every profile the run created and has not deleted; note what is left."""
        pending = [{PROFILE_HEADER: pid} for pid in list(self.ledger.alive)]
        pending += self.ledger.uncertain
        self.ledger.uncertain = []
        with self._cleaning():
            for index, identity in enumerate(pending):
                try:
                    response = client.delete(PROFILE_PATH, headers={**headers, **identity})
                except (httpx.HTTPError, BudgetExhausted, KeyboardInterrupt):
                    self.ledger.left += [self._curl(i) for i in pending[index:]]
                    return
                if response.status_code not in (204, 404):
                    self.ledger.left.append(self._curl(identity))

    def _curl(self, identity: dict[str, str]) -> str:
        ((name, value),) = identity.items()
        url = shlex.quote(self.settings.base_url + PROFILE_PATH)
        return (
            f'curl -sS -X DELETE -H "Authorization: Api-Key $CONTRACT_API_KEY" '
            f"-H {shlex.quote(f'{name}: {value}')} {url}"
        )

    def summary_lines(self) -> list[str]:
        settings, budget, ledger = self.settings, self.budget, self.ledger
        rate = "unlimited" if settings.max_rps is None else f"{settings.max_rps:g}/s"
        total = "unlimited" if settings.max_requests is None else str(settings.max_requests)
        lines = [
            f"live run against {settings.base_url} (run id {self.ids.run_id}):",
            f"  requests sent: {budget.sent} (limit {total}); peak rate: {self.paced.peak} "
            f"requests in one second (limit {rate}); 429 answers waited out: {self.paced.too_many}",
            f"  identity headers replaced with the run's own: {self.replaced}; generated examples "
            f"skipped to keep to the budget: {budget.skipped_examples}",
            f"  profiles created: {ledger.created}; deleted: {ledger.deleted}; "
            f"left behind: {len(ledger.left)}",
        ]
        if budget.parts_cut_short:
            lines.append(
                f"  parts that ran only their explicit examples (budget spent): "
                f"{len(budget.parts_cut_short)}; raise CONTRACT_MAX_REQUESTS to generate more"
            )
            lines += [f"    {part}" for part in budget.parts_cut_short]
        if ledger.left:
            lines.append("  not deleted; delete them with:")
            lines += [f"    {command}" for command in ledger.left]
        return lines


def _profile_data(response: httpx.Response) -> tuple[str, str | None] | None:
    try:
        data: Any = json.loads(response.content)["data"]
        profile_id = str(uuid.UUID(str(data["profile_id"])))
        user = data.get("customer_user_id")
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return profile_id, user if isinstance(user, str) else None


class _GuardTransport(httpx.BaseTransport):
    def __init__(self, run: LiveRun, inner: httpx.BaseTransport) -> None:
        self.run = run
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        if not getattr(self.run.paced.cleanup, "active", False):
            self.run.budget.admit(request.method)
        sent, identities = self.run.police(request)
        try:
            response = self.inner.handle_request(sent)
            response.read()
        except httpx.HTTPError:
            self.run.book(request, identities, None)
            raise
        self.run.book(request, identities, response)
        return response

    def close(self) -> None:
        self.inner.close()
