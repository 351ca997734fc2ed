"""examples/resilient_service.py against the server the plugin starts, with faults on demand:
429/503 retried with Retry-After, a budget, a timeout, and creates that are never doubled."""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Iterator
from types import ModuleType

import httpx
import pytest
from adapty_profile_client import AuthenticatedClient
from adapty_profile_client.api.profile import create_profile
from adapty_profile_client.models import ProfileCreateRequest

from recorded_server.testing.plugin import AdaptyServer

USER = "user-42"


@pytest.fixture(scope="module")
def service() -> ModuleType:
    """The example, imported as a user would run it (the checkout is on pytest's path)."""
    return importlib.import_module("examples.resilient_service")


def _client(
    service: ModuleType, server: AdaptyServer, timeout: float = 5.0, retries: int = 3
) -> AuthenticatedClient:
    retry = service.retry_policy(retries=retries, max_wait=5.0, backoff_factor=0.01)
    client: AuthenticatedClient = service.make_client(
        server.api_key, server.url, timeout=timeout, retry=retry
    )
    return client


@pytest.fixture
def client(service: ModuleType, adapty_server: AdaptyServer) -> Iterator[AuthenticatedClient]:
    with _client(service, adapty_server) as made:
        yield made


def test_two_503s_then_the_answer(
    service: ModuleType, adapty_server: AdaptyServer, client: AuthenticatedClient
) -> None:
    service.ensure_profile(client, USER, email="jane@example.com")
    fault = adapty_server.fail_next("GET", status=503, times=2)
    profile = service.fetch_profile(client, USER)
    assert profile is not None and profile.customer_user_id == USER
    assert fault.used == 2


def test_retry_after_is_honoured(
    service: ModuleType, adapty_server: AdaptyServer, client: AuthenticatedClient
) -> None:
    adapty_server.fail_next("GET", status=429, retry_after=1)
    started = time.perf_counter()
    assert service.fetch_profile(client, USER) is None  # 429, a 1 s wait, then the real 404
    assert time.perf_counter() - started >= 1.0


def test_an_update_is_retried_too(
    service: ModuleType, adapty_server: AdaptyServer, client: AuthenticatedClient
) -> None:
    service.ensure_profile(client, USER)
    adapty_server.fail_next("PATCH", status=429, times=2, retry_after=0)
    assert service.set_email(client, USER, "new@example.com").customer_user_id == USER
    assert adapty_server.stored(customer_user_id=USER)["fields"]["email"] == "new@example.com"


def test_it_gives_up_after_its_budget(
    service: ModuleType, adapty_server: AdaptyServer, client: AuthenticatedClient
) -> None:
    fault = adapty_server.fail_next("GET", status=503, times=10)
    with pytest.raises(service.ProfileApiError) as raised:
        service.fetch_profile(client, USER)
    assert (raised.value.status, raised.value.error_code) == (503, "service_unavailable")
    assert raised.value.request_id  # the one to quote to Adapty's support
    assert fault.used == 4  # the first try and 3 retries, then the last answer is kept


def test_a_slow_answer_hits_the_timeout(service: ModuleType, adapty_server: AdaptyServer) -> None:
    fault = adapty_server.slow_next("GET", delay_ms=2000, times=10)
    started = time.perf_counter()
    with (
        _client(service, adapty_server, timeout=0.25, retries=1) as client,
        pytest.raises(httpx.ReadTimeout),
    ):
        service.fetch_profile(client, USER)
    assert time.perf_counter() - started < 1.9  # two tries of 0.25 s, not one 2 s answer
    assert fault.used == 2


def test_a_dropped_read_is_retried(
    service: ModuleType, adapty_server: AdaptyServer, client: AuthenticatedClient
) -> None:
    fault = adapty_server.drop_next("GET")
    assert service.fetch_profile(client, USER) is None
    assert fault.used == 1


def test_a_failed_create_is_looked_up_then_sent_again(
    service: ModuleType, adapty_server: AdaptyServer, client: AuthenticatedClient
) -> None:
    fault = adapty_server.fail_next("POST", status=503)
    profile_id = service.ensure_profile(client, USER)
    assert adapty_server.stored(profile_id)["customer_user_id"] == USER
    assert fault.used == 1
    assert len(adapty_server.profiles()) == 1


def test_a_dropped_create_is_looked_up_then_sent_again(
    service: ModuleType, adapty_server: AdaptyServer, client: AuthenticatedClient
) -> None:
    adapty_server.drop_next("POST")
    profile_id = service.ensure_profile(client, USER)
    assert [p["profile_id"] for p in adapty_server.profiles()] == [profile_id]


def test_a_create_is_never_retried_by_the_transport(
    service: ModuleType, adapty_server: AdaptyServer, client: AuthenticatedClient
) -> None:
    fault = adapty_server.fail_next("POST", status=503, times=10)
    with pytest.raises(service.ProfileApiError, match="503"):
        service.ensure_profile(client, USER)
    assert fault.used == 2  # the create and one more after looking: no blind loop
    assert adapty_server.profiles() == []


def _wait_until_stored(server: AdaptyServer, deadline: float = 10.0) -> None:
    end = time.monotonic() + deadline
    while not server.profiles():
        assert time.monotonic() < end, "the delayed create never landed"
        time.sleep(0.05)


def test_a_blind_retry_of_a_create_that_happened_gets_409(
    service: ModuleType, adapty_server: AdaptyServer
) -> None:
    """Why creates are not retried blindly: the answer was lost, the create was not."""
    adapty_server.slow_next("POST", delay_ms=600)  # the server creates, then answers late
    with _client(service, adapty_server, timeout=0.2, retries=0) as client:
        body = ProfileCreateRequest()
        with pytest.raises(httpx.ReadTimeout):
            create_profile.sync_detailed(client=client, body=body, adapty_customer_user_id=USER)
        _wait_until_stored(adapty_server)
        again = create_profile.sync_detailed(client=client, body=body, adapty_customer_user_id=USER)
        assert again.status_code == 409
        # the safe pattern finds the profile the first try made
        (stored,) = adapty_server.profiles()
        assert service.ensure_profile(client, USER) == stored["profile_id"]


def test_ensure_profile_after_a_lost_answer_makes_one_profile(
    service: ModuleType, adapty_server: AdaptyServer
) -> None:
    adapty_server.slow_next("POST", delay_ms=600)
    with _client(service, adapty_server, timeout=0.2, retries=0) as client:
        profile_id = service.ensure_profile(client, USER)
    _wait_until_stored(adapty_server)
    time.sleep(0.6)  # the late first create has run by now (and got its 409, unseen)
    assert [p["profile_id"] for p in adapty_server.profiles()] == [profile_id]
