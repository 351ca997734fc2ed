"""pytest plugin: a recorded server and a generated client for a service's own tests.

Registered through the ``pytest11`` entry point ``adapty``, so installing the project is enough:

    def test_signup(adapty_server, adapty_client):
        signup(adapty_client, "user-1")
        assert adapty_server.stored(customer_user_id="user-1")["fields"]["email"] == ...

Fixtures:

- ``adapty_server``: an :class:`AdaptyServer` handle. By default a real recorded server
  (``python -m recorded_server serve``) on 127.0.0.1 and a free port, started once per test
  session (once per pytest-xdist worker) with a temporary SQLite file, emptied before every test
  unless the test is marked ``@pytest.mark.adapty_keep_store``.
- ``adapty_server_session``: the same handle, session-scoped and not reset, for session-scoped
  fixtures that need the server's URL and key.
- ``adapty_client``: the generated ``AuthenticatedClient`` pointed at that server with its key.
- ``adapty_async_client``: another ``AuthenticatedClient`` for the generated ``asyncio`` functions;
  its ``httpx.AsyncClient`` keeps no idle connections, so it works in any event loop
  (``asyncio.run``, ``@pytest.mark.anyio``, pytest-asyncio) and is closed after the test.

Faults on demand (``docs/faults.md``): ``adapty_server.fail_next("GET", status=503, times=2)``,
``slow_next("GET", delay_ms=2000)`` and ``drop_next("POST")`` make the server answer the next
requests with an error, late, or not at all (each also a context manager).

``--adapty-url URL`` (or ``ADAPTY_SERVER_URL``) points the fixtures at another server instead
(``recorded-server replay``, a shared emulator), with ``--adapty-api-key`` (or ``ADAPTY_API_KEY``).
The inspection helpers then work only if that server answers ``GET /_recorded/health``; when it
does not, a test that calls them is skipped with the reason, and no reset happens.

This module is imported by every pytest run in the environment: it imports nothing heavy at import
time (httpx, the server and the client are imported inside the fixtures) and never fails to import.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import warnings
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict
from urllib.parse import quote

import pytest

if TYPE_CHECKING:
    import httpx
    from adapty_profile_client import AuthenticatedClient

    from recorded_server.testing.process import ServerProcess

__all__ = [
    "API_KEY_ENV",
    "KEEP_STORE_MARKER",
    "URL_ENV",
    "AdaptyServer",
    "AdaptyServerError",
    "FaultInfo",
    "InjectedFault",
    "ProfileNotStored",
    "StoredProfile",
]

URL_ENV = "ADAPTY_SERVER_URL"
API_KEY_ENV = "ADAPTY_API_KEY"
KEEP_STORE_MARKER = "adapty_keep_store"

_START_TIMEOUT = 30.0
_HTTP_TIMEOUT = 10.0
_OUTPUT_LIMIT = 8000


class StoredProfile(TypedDict):
    """A profile as the inspection API returns it (``GET /_recorded/profiles/{id}``).

    ``fields`` holds only the profile fields a request ever set: a field never sent is absent,
    a field sent as ``null`` is present with the value ``None``. The same holds for each entry of
    ``installation_metas`` (keyed by ``device_id``).
    """

    profile_id: str
    customer_user_id: str | None
    app_id: str
    fields: dict[str, Any]
    custom_attributes: list[dict[str, Any]]
    installation_metas: dict[str, dict[str, Any]]
    total_revenue_usd: float
    access_levels: list[dict[str, Any]]
    subscriptions: list[dict[str, Any]]
    non_subscriptions: list[dict[str, Any]]


class FaultInfo(TypedDict):
    """A registered fault as ``/_recorded/faults`` answers it (see ``docs/faults.md``)."""

    id: int
    method: str | None
    path: str
    status: int | None
    times: int
    remaining: int
    retry_after: int | None
    delay_ms: int | None
    disconnect: bool


class InjectedFault:
    """A fault registered by ``fail_next``/``slow_next``/``drop_next``/``add_fault``.

    Also a context manager: leaving the ``with`` block removes the fault if uses are left, so
    it cannot spill into the rest of the test::

        with adapty_server.fail_next("GET", status=503, times=2) as fault:
            ...
        assert fault.used == 2
    """

    def __init__(self, server: AdaptyServer, info: FaultInfo) -> None:
        self._server = server
        self.info = info
        """The fault as registered (``remaining`` as it was then)."""
        self._used_when_removed = 0

    @property
    def id(self) -> int:
        return self.info["id"]

    @property
    def remaining(self) -> int:
        """Uses left now (0 when used up or removed)."""
        for fault in self._server.faults():
            if fault["id"] == self.id:
                return fault["remaining"]
        return 0

    @property
    def used(self) -> int:
        """How many requests this fault has answered so far."""
        for fault in self._server.faults():
            if fault["id"] == self.id:
                return fault["times"] - fault["remaining"]
        return self._used_when_removed

    def remove(self) -> None:
        """Forget this fault (``DELETE /_recorded/faults/{id}``); nothing if already gone."""
        self._used_when_removed = self.used
        self._server._request("DELETE", f"/_recorded/faults/{self.id}", expect=(204, 404))

    def __enter__(self) -> InjectedFault:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.remove()

    def __repr__(self) -> str:
        return f"<InjectedFault {self.info}>"


class AdaptyServerError(RuntimeError):
    """The server the fixtures use answered something unexpected (or stopped)."""


class ProfileNotStored(LookupError):
    """``AdaptyServer.stored()`` found no such profile in the server's store."""


class AdaptyServer:
    """The server the ``adapty_*`` fixtures talk to, and helpers to inspect and seed its store.

    Attributes:
        url: base URL, e.g. ``http://127.0.0.1:54321`` (no trailing slash).
        api_key: the key the server accepts (``Authorization: Api-Key <api_key>``).
        app_id: the app id the server answers with (``None`` for a server not started here).
        process: the ``ServerProcess`` when the plugin started the server, else ``None``.
        has_inspection: whether the server has the inspection API (``/_recorded/...``).
    """

    def __init__(
        self,
        url: str,
        api_key: str,
        app_id: str | None,
        *,
        process: ServerProcess | None = None,
        no_inspection_reason: str | None = None,
    ) -> None:
        import httpx

        self.url = url.rstrip("/")
        self.api_key = api_key
        self.app_id = app_id
        self.process = process
        self._no_inspection_reason = no_inspection_reason
        self._http = httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Api-Key {api_key}"},
            timeout=_HTTP_TIMEOUT,
        )

    def __repr__(self) -> str:
        how = "started by the plugin" if self.process is not None else "external"
        return f"<AdaptyServer {self.url} ({how}, inspection={self.has_inspection})>"

    @property
    def started_by_plugin(self) -> bool:
        """True when this session started the server (False with ``--adapty-url``)."""
        return self.process is not None

    @property
    def has_inspection(self) -> bool:
        """True when the server answers ``GET /_recorded/health`` (a recorded server)."""
        return self._no_inspection_reason is None

    # -- inspection API -------------------------------------------------------------------

    def reset(self) -> None:
        """Empty the store (``DELETE /_recorded/profiles``)."""
        self._require_inspection("reset()")
        self._request("DELETE", "/_recorded/profiles", expect=204)

    def profiles(self) -> list[StoredProfile]:
        """Every stored profile (``GET /_recorded/profiles``, page after page)."""
        self._require_inspection("profiles()")
        profiles: list[StoredProfile] = []
        path: str | None = "/_recorded/profiles"
        while path is not None:
            body = self._request("GET", path, expect=200).json()
            profiles += body["profiles"]
            path = body.get("next")
        return profiles

    def stored(
        self, profile_id: object = None, *, customer_user_id: str | None = None
    ) -> StoredProfile:
        """What the server stored for one profile, found by ``profile_id`` or ``customer_user_id``.

        ``profile_id`` may be a string or a ``uuid.UUID`` (as the generated client returns it).
        Raises :class:`ProfileNotStored` when the store holds no such profile.
        """
        self._require_inspection("stored()")
        if (profile_id is None) == (customer_user_id is None):
            raise TypeError("stored() takes a profile_id or a customer_user_id (exactly one)")
        if customer_user_id is not None:
            found = [p for p in self.profiles() if p["customer_user_id"] == customer_user_id]
            if not found:
                raise ProfileNotStored(
                    f"no stored profile has customer_user_id {customer_user_id!r}"
                    f" ({self._summary()})"
                )
            return found[0]
        path = f"/_recorded/profiles/{quote(str(profile_id), safe='')}"
        response = self._request("GET", path, expect=(200, 404))
        if response.status_code == 404:
            raise ProfileNotStored(
                f"no stored profile has profile_id {profile_id} ({self._summary()})"
            )
        profile: StoredProfile = response.json()
        return profile

    def load_fixtures(self, doc_or_path: Mapping[str, Any] | str | os.PathLike[str]) -> int:
        """Load a fixtures document (``POST /_recorded/fixtures``); returns how many profiles.

        ``doc_or_path`` is the document itself (``{"profiles": [...]}``, the format of
        ``recorded-server serve --fixtures``) or the path of a JSON file holding it.
        """
        self._require_inspection("load_fixtures()")
        if isinstance(doc_or_path, Mapping):
            content = json.dumps(doc_or_path).encode()
        else:
            content = Path(doc_or_path).read_bytes()
        response = self._request(
            "POST",
            "/_recorded/fixtures",
            expect=200,
            content=content,
            headers={"Content-Type": "application/json"},
        )
        loaded: int = response.json()["loaded"]
        return loaded

    def load_seed(self) -> int:
        """Load the shipped fixture built from the seed document's example profile."""
        from recorded_server.emulator import seed_fixture_text

        return self.load_fixtures(json.loads(seed_fixture_text()))

    # -- entitlements: the clock and the catalogue (docs/entitlements.md) ----------------

    def now(self) -> datetime.datetime:
        """The server's "now" (``GET /_recorded/clock``): frozen, or the real time."""
        self._require_inspection("now()")
        body = self._request("GET", "/_recorded/clock", expect=200).json()
        return _parse_instant(body["now"])

    def freeze_time(self, at: datetime.datetime | str) -> datetime.datetime:
        """Freeze the server's clock at ``at`` (a timezone-aware ``datetime``, a naive one read
        as UTC, or an RFC 3339 string): every "now" of the server reads it, until
        :meth:`release_time` or the next test (the reset before each test releases it)."""
        self._require_inspection("freeze_time()")
        if isinstance(at, datetime.datetime):
            moment = at if at.tzinfo is not None else at.replace(tzinfo=datetime.UTC)
            text = moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
        else:
            text = at
        body = self._request(
            "PUT",
            "/_recorded/clock",
            expect=(200, 400),
            content=json.dumps({"now": text}).encode(),
            headers={"Content-Type": "application/json"},
        )
        if body.status_code == 400:
            raise ValueError(f"the server refused the time {at!r}: {body.text[:500]}")
        return _parse_instant(body.json()["now"])

    def advance_time(
        self, delta: datetime.timedelta | float | None = None, **units: float
    ) -> datetime.datetime:
        """Move the server's clock forward by ``delta`` (a ``timedelta`` or seconds) or by
        ``timedelta`` keyword units (``advance_time(days=31)``), freezing it if it was not."""
        step = (
            delta
            if isinstance(delta, datetime.timedelta)
            else datetime.timedelta(seconds=float(delta or 0))
        )
        return self.freeze_time(self.now() + step + datetime.timedelta(**units))

    def release_time(self) -> None:
        """Return the server's clock to real time (``DELETE /_recorded/clock``)."""
        self._require_inspection("release_time()")
        self._request("DELETE", "/_recorded/clock", expect=200)

    def set_catalogue(
        self,
        access_levels: Iterable[str] = (),
        products: Iterable[Mapping[str, Any]] = (),
    ) -> dict[str, Any]:
        """Set the app's paid access levels (``premium`` always exists) and products
        (``{"store", "store_product_id", "access_level_id", "is_consumable"}``), as
        ``PUT /_recorded/catalogue``; returns the catalogue. The reset before each test goes
        back to the one the server started with."""
        self._require_inspection("set_catalogue()")
        document = {"access_levels": list(access_levels), "products": [dict(p) for p in products]}
        response = self._request(
            "PUT",
            "/_recorded/catalogue",
            expect=(200, 400),
            content=json.dumps(document).encode(),
            headers={"Content-Type": "application/json"},
        )
        if response.status_code == 400:
            raise ValueError(f"the server refused the catalogue: {response.text[:2000]}")
        catalogue: dict[str, Any] = response.json()
        return catalogue

    def catalogue(self) -> dict[str, Any]:
        """The app's catalogue (``GET /_recorded/catalogue``)."""
        self._require_inspection("catalogue()")
        catalogue: dict[str, Any] = self._request("GET", "/_recorded/catalogue", expect=200).json()
        return catalogue

    # -- faults on demand (docs/faults.md) ------------------------------------------------

    def fail_next(
        self,
        method: str | None,
        status: int = 503,
        *,
        times: int = 1,
        retry_after: int | None = None,
        delay_ms: int | None = None,
        path: str | None = None,
    ) -> InjectedFault:
        """Answer the next ``times`` requests of ``method`` (None: any) with ``status``.

        The answer is the contract's error envelope (429: ``too_many_requests``), with
        ``Retry-After: <retry_after>`` if given, after ``delay_ms`` if given; the request
        changes nothing. ``path`` defaults to the profile endpoint.
        """
        return self.add_fault(
            method=method,
            status=status,
            times=times,
            retry_after=retry_after,
            delay_ms=delay_ms,
            **_given(path=path),
        )

    def slow_next(
        self,
        method: str | None,
        *,
        delay_ms: int,
        times: int = 1,
        status: int | None = None,
        path: str | None = None,
    ) -> InjectedFault:
        """Answer the next ``times`` requests of ``method`` only after ``delay_ms``.

        Without ``status`` the request then runs as usual (and a create still creates); with
        one, it is answered with that error and changes nothing.
        """
        return self.add_fault(
            method=method, delay_ms=delay_ms, times=times, status=status, **_given(path=path)
        )

    def drop_next(
        self,
        method: str | None,
        *,
        times: int = 1,
        delay_ms: int | None = None,
        path: str | None = None,
    ) -> InjectedFault:
        """Close the connection of the next ``times`` requests of ``method`` without an answer
        (httpx raises ``RemoteProtocolError``), after ``delay_ms`` if given; nothing changes."""
        return self.add_fault(
            method=method, disconnect=True, times=times, delay_ms=delay_ms, **_given(path=path)
        )

    def add_fault(self, **fault: Any) -> InjectedFault:
        """Register a fault as ``POST /_recorded/faults`` takes it (keyword per JSON field)."""
        self._require_inspection("add_fault()")
        response = self._request(
            "POST",
            "/_recorded/faults",
            expect=(201, 400, 404, 405),
            content=json.dumps(fault).encode(),
            headers={"Content-Type": "application/json"},
        )
        if response.status_code in (404, 405):
            raise AdaptyServerError(self._no_fault_api(response))
        if response.status_code == 400:
            raise ValueError(f"the server refused the fault {fault}: {response.text[:2000]}")
        info: FaultInfo = response.json()
        return InjectedFault(self, info)

    def faults(self) -> list[FaultInfo]:
        """Every registered fault in order, with the uses left (``GET /_recorded/faults``)."""
        self._require_inspection("faults()")
        response = self._request("GET", "/_recorded/faults", expect=(200, 404, 405))
        if response.status_code != 200:
            raise AdaptyServerError(self._no_fault_api(response))
        faults: list[FaultInfo] = response.json()["faults"]
        return faults

    def clear_faults(self) -> None:
        """Forget every fault (``DELETE /_recorded/faults``; the reset before a test does too)."""
        self._require_inspection("clear_faults()")
        response = self._request("DELETE", "/_recorded/faults", expect=(204, 404, 405))
        if response.status_code != 204:
            raise AdaptyServerError(self._no_fault_api(response))

    def _no_fault_api(self, response: httpx.Response) -> str:
        return (
            f"the server at {self.url} has no fault API (/_recorded/faults answered"
            f" {response.status_code}): faults need a recorded server of this version"
            " (recorded-server serve, or the one the plugin starts)"
        )

    # -- internals ------------------------------------------------------------------------

    def _require_inspection(self, what: str) -> None:
        if self._no_inspection_reason is not None:
            pytest.skip(
                f"adapty_server.{what} needs the inspection API (/_recorded/...), which the server"
                f" at {self.url} does not have: {self._no_inspection_reason}"
            )

    def _summary(self) -> str:
        ids = [(p["profile_id"], p["customer_user_id"]) for p in self.profiles()]
        return f"{len(ids)} stored: {ids}" if ids else "the store is empty"

    def _request(
        self,
        method: str,
        path: str,
        *,
        expect: int | tuple[int, ...],
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        import httpx

        self._check_alive()
        try:
            response = self._http.request(method, path, content=content, headers=headers)
        except httpx.HTTPError as exc:
            raise AdaptyServerError(
                f"{method} {self.url}{path} failed: {exc!r}{self._output_note()}"
            ) from exc
        expected = (expect,) if isinstance(expect, int) else expect
        if response.status_code not in expected:
            raise AdaptyServerError(
                f"{method} {self.url}{path} answered {response.status_code}"
                f" (expected {' or '.join(map(str, expected))}): {response.text[:2000]}"
            )
        return response

    def _check_alive(self) -> None:
        popen = None if self.process is None else self.process.process
        if popen is None:
            return
        code = popen.poll()
        if code is not None:
            raise AdaptyServerError(
                f"the recorded server at {self.url} has stopped (exit code {code})"
                f"{self._output_note()}"
            )

    def _output_note(self) -> str:
        if self.process is None:
            return ""
        output = _process_output(self.process)
        return f"\n--- recorded server output ---\n{output}" if output.strip() else ""

    def _close(self) -> None:
        self._http.close()
        if self.process is not None:
            try:
                self.process.close()
            except Exception:
                self.process.kill()
                raise


# -- options and configuration ---------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("adapty", "Adapty recorded server (adapty_server, adapty_client)")
    group.addoption(
        "--adapty-url",
        dest="adapty_url",
        metavar="URL",
        default=None,
        help=(
            "Point the adapty_* fixtures at this server instead of starting a recorded server"
            f" (a replay, a shared emulator). Default: ${URL_ENV}."
        ),
    )
    group.addoption(
        "--adapty-api-key",
        dest="adapty_api_key",
        metavar="KEY",
        default=None,
        help=(
            f"API key for the server of --adapty-url / ${URL_ENV}. Default: ${API_KEY_ENV}, else"
            " the recorded server's development key. A server the plugin starts always uses"
            " the development key."
        ),
    )
    group.addoption(
        "--adapty-server-arg",
        dest="adapty_server_args",
        metavar="ARG",
        action="append",
        default=[],
        help=(
            "Extra argument for the 'recorded-server serve' the plugin starts (repeatable),"
            " e.g. --adapty-server-arg=--max-body=1024."
        ),
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{KEEP_STORE_MARKER}: the adapty_server fixture keeps what earlier tests stored"
        " (no reset before this test).",
    )


def pytest_report_header(config: pytest.Config) -> str | None:
    url, source = _external_url(config)
    if url is None:
        return None
    return f"adapty: the adapty_* fixtures use the server at {url} (from {source})"


def _external_url(config: pytest.Config) -> tuple[str | None, str]:
    option: str | None = config.getoption("adapty_url", None)
    if option:
        return option, "--adapty-url"
    env = os.environ.get(URL_ENV)
    if env:
        return env, f"${URL_ENV}"
    return None, ""


def _external_api_key(config: pytest.Config) -> str:
    option: str | None = config.getoption("adapty_api_key", None)
    if option:
        return option
    env = os.environ.get(API_KEY_ENV)
    if env:
        return env
    from recorded_server import DEFAULT_API_KEY

    return DEFAULT_API_KEY


# -- starting or reaching the server ---------------------------------------------------------


def _process_output(process: ServerProcess) -> str:
    """Whatever the server process wrote so far, bounded (empty when nothing is available)."""
    try:
        text = process.output()
    except Exception:
        return ""
    if len(text) > _OUTPUT_LIMIT:
        text = "[...]\n" + text[-_OUTPUT_LIMIT:]
    return text


def _start_server(config: pytest.Config, tmp_dir: Path) -> AdaptyServer:
    from recorded_server import DEFAULT_APP_ID
    from recorded_server.testing.process import ServerProcess

    args: list[str] = config.getoption("adapty_server_args", []) or []
    process = ServerProcess(db=tmp_dir / "recorded-server.sqlite3", extra_args=args)
    failure: str | None = None
    try:
        process.start(timeout=_START_TIMEOUT)
    except Exception as exc:
        failure = f"{type(exc).__name__}): {exc}"
        output = _process_output(process)
        with contextlib.suppress(Exception):
            process.close()
        if output.strip() and output.strip() not in failure:
            failure += f"\n--- recorded server output ---\n{output}"
    if failure is not None:
        # outside the except block: the message says it all, no chained traceback
        pytest.fail(f"adapty_server: the recorded server did not start ({failure}", pytrace=False)
    return AdaptyServer(process.url, process.api_key, DEFAULT_APP_ID, process=process)


def _is_replay_health(response: Any) -> bool:
    """A ``recorded-server replay``'s own health answer: 200, but no inspection API behind it."""
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("server") == "replay"


def _connect(url: str, source: str, api_key: str) -> AdaptyServer:
    import httpx

    url = url.rstrip("/")
    try:
        response = httpx.get(f"{url}/_recorded/health", timeout=_HTTP_TIMEOUT)
    except httpx.HTTPError as exc:
        pytest.fail(
            f"adapty_server: cannot reach the server at {url} (from {source}): {exc!r}",
            pytrace=False,
        )
    reason = None
    if response.status_code != 200:
        reason = f"GET /_recorded/health answered {response.status_code}"
    elif _is_replay_health(response):
        reason = "GET /_recorded/health says it is a replay (recorded-server replay)"
    return AdaptyServer(url, api_key, None, no_inspection_reason=reason)


# -- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def adapty_server_session(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AdaptyServer]:
    """The same server as ``adapty_server``, session-scoped and never reset by this fixture.

    One per session (per xdist worker): started here, or the one of ``--adapty-url``. For your
    own session-scoped fixtures that need the server's URL and key (an app under test configured
    once); tests should ask for ``adapty_server``, which empties the store first.
    """
    url, source = _external_url(request.config)
    if url is not None:
        server = _connect(url, source, _external_api_key(request.config))
        workers = os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")
        if server.has_inspection and workers.isdigit() and int(workers) > 1:
            warnings.warn(
                pytest.PytestWarning(
                    f"adapty_server: {workers} xdist workers share the server at {url} and each"
                    " test empties its store, also under the other workers' tests: run them with"
                    " one worker (-n 0), or let the plugin start a server per worker"
                ),
                stacklevel=1,
            )
    else:
        server = _start_server(request.config, tmp_path_factory.mktemp("adapty-server"))
    try:
        yield server
    finally:
        server._close()


@pytest.fixture
def adapty_server(
    request: pytest.FixtureRequest, adapty_server_session: AdaptyServer
) -> AdaptyServer:
    """The recorded server, emptied before this test (unless marked ``adapty_keep_store``),
    with no faults registered (the reset clears them; a kept store gets them cleared)."""
    server = adapty_server_session
    server._check_alive()
    if server.has_inspection:
        if request.node.get_closest_marker(KEEP_STORE_MARKER) is None:
            server.reset()
        else:
            server._request("DELETE", "/_recorded/faults", expect=(204, 404, 405))
    return server


def _given(**values: object) -> dict[str, object]:
    """The keyword arguments that were given (not None): optional fields the API takes absent."""
    return {name: value for name, value in values.items() if value is not None}


def _make_client(server: AdaptyServer, **httpx_args: Any) -> AuthenticatedClient:
    from adapty_profile_client import AuthenticatedClient

    return AuthenticatedClient(
        base_url=server.url, token=server.api_key, prefix="Api-Key", httpx_args=httpx_args
    )


@pytest.fixture
def adapty_client(adapty_server: AdaptyServer) -> Iterator[AuthenticatedClient]:
    """The generated ``AuthenticatedClient``, pointed at ``adapty_server`` with its key."""
    client = _make_client(adapty_server)
    try:
        yield client
    finally:
        client.get_httpx_client().close()


@pytest.fixture
def adapty_async_client(adapty_server: AdaptyServer) -> Iterator[AuthenticatedClient]:
    """An ``AuthenticatedClient`` for the generated ``asyncio``/``asyncio_detailed`` functions.

    Its ``httpx.AsyncClient`` keeps no idle connection, so no connection outlives the event loop
    that opened it: use it under ``asyncio.run``, ``@pytest.mark.anyio`` or pytest-asyncio, with or
    without ``async with``. It is closed after the test.
    """
    import httpx

    client = _make_client(adapty_server, limits=httpx.Limits(max_keepalive_connections=0))
    try:
        yield client
    finally:
        _close_async(client.get_async_httpx_client())


def _close_async(http: httpx.AsyncClient) -> None:
    import asyncio

    if http.is_closed:
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(http.aclose())


def _parse_instant(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text)
