"""The servers the suite can hold against the spec, behind one small interface.

- ``in-process``: the embedded recorded server (``create_app``), called through ASGI in this
  process: fast, and the place where the mutants are installed.
- ``socket``: a real ``python -m recorded_server serve`` process (``ServerProcess``) on a free
  port of 127.0.0.1, over real HTTP.
- ``live``: any server named by ``CONTRACT_BASE_URL`` (with ``CONTRACT_API_KEY``): a running
  emulator, a replay of recordings, or Adapty's API with a sandbox key. Every request to it
  goes through the run's guard (``live_guard``): own identities only, a budget and a rate,
  and the deletion of every profile the run created when the session ends.

A target "has inspection" when ``GET /_recorded/health`` answers 200; tests that need the
inspection API skip themselves on a target without it, saying why.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

import httpx
import pytest

from contract_tests.identities import IDS
from contract_tests.live_guard import GUARDED_BASE_URL, LiveRun
from contract_tests.live_settings import API_KEY_ENV, BASE_URL_ENV, LiveSettings
from contract_tests.live_settings import live_settings as current_live_settings
from contract_tests.summary import SUMMARY, curl_command

__all__ = [
    "API_KEY_ENV",
    "BASE_URL_ENV",
    "Sent",
    "Target",
    "fresh_customer_user_id",
    "fresh_identity",
    "fresh_profile_id",
    "in_process_target",
    "live_settings",
    "live_target",
    "socket_target",
]

PROFILE_PATH: Final = "/api/v2/server-side-api/profile/"
HEALTH_PATH: Final = "/_recorded/health"
IN_PROCESS_URL_SHOWN: Final = "http://127.0.0.1:8080"
"""In curl commands of in-process failures: where ``recorded-server serve`` listens by default."""

JSON: Final = "application/json"


@dataclass(frozen=True)
class Sent:
    """One request and its response, with a curl command that repeats the request."""

    method: str
    response: httpx.Response
    curl: str

    @property
    def status(self) -> int:
        return self.response.status_code

    def json(self) -> Any:
        return self.response.json()

    def describe(self) -> str:
        text = self.response.text
        if len(text) > 600:
            text = text[:600] + "..."
        return f"{self.method} -> {self.status} {text}"


@dataclass
class Target:
    """A server under test, and how to talk to it."""

    kind: str
    client: httpx.Client
    shown_url: str
    api_key: str
    key_is_secret: bool
    inspection_missing: str | None
    app: Any = None
    transport: httpx.BaseTransport | None = None
    """In-process: the transport to the app; live: the run's guard. Other clients, such as
    the generated one, must use it."""
    live: LiveRun | None = None

    @property
    def base_url(self) -> str:
        return str(self.client.base_url).rstrip("/")

    @property
    def has_inspection(self) -> bool:
        return self.inspection_missing is None

    def admit_example(self, method: str) -> bool:
        """Whether to send this generated example: False in live mode when this part's share
        of the request budget is spent (the caller then returns without sending)."""
        return self.live is None or self.live.budget.admit_example(method)

    def require_inspection(self) -> None:
        if self.inspection_missing is not None:
            pytest.skip(self.inspection_missing)

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Api-Key {self.api_key}"}

    def send(
        self,
        method: str,
        *,
        identity: Mapping[str, str] | None = None,
        body: bytes | None = None,
        content_type: str | None = JSON,
        headers: Mapping[str, str] | None = None,
        path: str = PROFILE_PATH,
        auth: bool = True,
    ) -> Sent:
        sent_headers: dict[str, str] = {}
        if auth:
            sent_headers.update(self.auth_headers())
        sent_headers.update(identity or {})
        if body is not None and content_type is not None:
            sent_headers["Content-Type"] = content_type
        sent_headers.update(headers or {})
        SUMMARY.request(f"{method} {_operation_name(path)}")
        response = self.client.request(method, path, headers=sent_headers, content=body)
        curl = curl_command(
            method,
            self.shown_url + path,
            sent_headers,
            body,
            secret=self.api_key if self.key_is_secret else None,
        )
        return Sent(method, response, curl)

    # --- the inspection API -------------------------------------------------------------------

    def stored(self, profile_id: str) -> dict[str, Any] | None:
        """What the server stores for a profile (None when it stores nothing under that id)."""
        self.require_inspection()
        SUMMARY.request("GET /_recorded/profiles/{id} (inspection)")
        response = self.client.get(f"/_recorded/profiles/{profile_id}", headers=self.auth_headers())
        if response.status_code == 404:
            return None
        response.raise_for_status()
        stored: dict[str, Any] = response.json()
        return stored


def _operation_name(path: str) -> str:
    return "profile" if path == PROFILE_PATH else path


def fresh_customer_user_id() -> str:
    """A customer user id no other case uses (identity travels in headers: one per case)."""
    return IDS.customer_user_id()


def fresh_profile_id() -> str:
    """A profile id (a UUID) no other case uses: the run's own, for creates and for 404s."""
    return IDS.profile_id()


def fresh_identity() -> dict[str, str]:
    return {"adapty-customer-user-id": fresh_customer_user_id()}


def probe_inspection(client: httpx.Client, shown_url: str) -> str | None:
    """None when the target has the inspection API; otherwise why not, for skip messages."""
    try:
        response = client.get(HEALTH_PATH)
    except httpx.HTTPError as error:
        return f"{shown_url}{HEALTH_PATH} did not answer ({error!r}): no inspection API"
    if response.status_code != 200:
        return (
            f"{shown_url}{HEALTH_PATH} answered {response.status_code}, not 200: this target "
            "has no inspection API (it is not a recorded server)"
        )
    with contextlib.suppress(ValueError):
        body = response.json()
        if isinstance(body, dict) and body.get("server") == "replay":
            return (
                f"{shown_url}{HEALTH_PATH} says it is a replay (recorded-server replay): "
                "no inspection API"
            )
    return None


def live_settings() -> tuple[str, str] | None:
    """(base URL, API key) from CONTRACT_BASE_URL / CONTRACT_API_KEY, when the suite is pointed."""
    settings = current_live_settings()
    return None if settings is None else (settings.base_url, settings.api_key)


def embedded_app(**settings: Any) -> Any:
    """A fresh embedded recorded server (in-memory store), with the active mutant installed."""
    from contract_tests.mutations import active_mutant, install_active_mutant
    from recorded_server import create_app
    from recorded_server.emulator.settings import Settings

    mutant = active_mutant()
    if mutant is not None:
        settings = {**mutant.settings, **settings}
    return install_active_mutant(create_app(Settings(db=":memory:", **settings)))


@contextlib.contextmanager
def in_process_target() -> Iterator[Target]:
    from contract_tests.asgi import asgi_transport
    from recorded_server import DEFAULT_API_KEY

    app = embedded_app()
    with (
        asgi_transport(app) as transport,
        httpx.Client(transport=transport, base_url="http://testserver", timeout=30) as client,
    ):
        yield Target(
            kind="in-process",
            client=client,
            shown_url=IN_PROCESS_URL_SHOWN,
            api_key=DEFAULT_API_KEY,
            key_is_secret=False,
            inspection_missing=probe_inspection(client, IN_PROCESS_URL_SHOWN),
            app=app,
            transport=transport,
        )


@contextlib.contextmanager
def socket_target() -> Iterator[Target]:
    from recorded_server import DEFAULT_API_KEY
    from recorded_server.testing.process import ServerProcess

    server = ServerProcess(db=":memory:", api_key=DEFAULT_API_KEY).start(timeout=30)
    with server, httpx.Client(base_url=server.url, timeout=30) as client:
        yield Target(
            kind="socket",
            client=client,
            shown_url=server.url,
            api_key=DEFAULT_API_KEY,
            key_is_secret=False,
            inspection_missing=probe_inspection(client, server.url),
        )


@contextlib.contextmanager
def live_target(settings: LiveSettings) -> Iterator[Target]:
    """The live server, behind the run's guard; the run's profiles are deleted on the way out
    (after failures and Ctrl-C too)."""
    run = LiveRun(settings)
    with httpx.Client(base_url=GUARDED_BASE_URL, transport=run.transport, timeout=30) as client:
        target = Target(
            kind="live",
            client=client,
            shown_url=settings.base_url,
            api_key=settings.api_key,
            key_is_secret=not settings.key_is_default,
            inspection_missing=None,
            transport=run.transport,
            live=run,
        )
        try:
            target.inspection_missing = probe_inspection(client, settings.base_url)
            yield target
        finally:
            run.cleanup(client, target.auth_headers())
