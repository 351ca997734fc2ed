"""Record the reference cassettes: the emulator's answers, recorded through the proxy.

Run by ``nox -s cassettes`` (commit the result). It starts the recorded server
(``ServerProcess``, in memory, with the seed's fixture profile), starts
``recorded-server record`` in front of it, drives the scripted scenarios below
through the proxy (one cassette per scenario, named by the scenario header), then
checks the cassettes against the spec with ``verify``: a drift fails the run.

    python scripts/record_reference_cassettes.py [--out DIR] [--api-key KEY]

Every scenario checks the status it expects, so a changed emulator fails here
rather than recording something else silently. The scenarios are also importable
(``drive``) so that the tests can run the same traffic through record and replay.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from recorded_server.spec import load_spec, request_example

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "contract_tests" / "cassettes" / "reference"
PROFILE_PATH = "/api/v2/server-side-api/profile/"
PURCHASE = "/api/v2/server-side-api/purchase/"
GRANT_PATH = PURCHASE + "profile/grant/access-level/"
REVOKE_PATH = PURCHASE + "profile/revoke/access-level/"
TRANSACTION_PATH = PURCHASE + "set/transaction/"
SCENARIO_HEADER = "x-recorded-server-scenario"
SEED_PROFILE_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
ANONYMOUS_PROFILE_ID = "0b6a8f2e-61c4-4f5b-9a3e-2d7c1e8f4a90"

# The seed's example request (Adapty's "Create profile" page), as the spec carries it.
SEED_CREATE_BODY: dict[str, Any] = request_example(load_spec(), "POST", "seed")


@dataclass
class Exchange:
    """One request a scenario sent and the response it got."""

    scenario: str
    method: str
    headers: dict[str, str]
    body: bytes | None
    response: httpx.Response


@dataclass
class Driver:
    """Sends a scenario's requests, tagged with the scenario, and checks their statuses."""

    client: httpx.Client
    api_key: str
    scenario: str = ""
    exchanges: list[Exchange] = field(default_factory=list)

    def send(
        self,
        method: str,
        expect: int,
        *,
        headers: dict[str, str] | None = None,
        json_body: Any = None,
        content: bytes | None = None,
        auth: bool = True,
        path: str = PROFILE_PATH,
    ) -> httpx.Response:
        sent = {SCENARIO_HEADER: self.scenario}
        if auth:
            sent["Authorization"] = f"Api-Key {self.api_key}"
        if json_body is not None:
            content = json.dumps(json_body).encode()
            sent["Content-Type"] = "application/json"
        sent.update(headers or {})
        response = self.client.request(method, path, headers=sent, content=content)
        if response.status_code != expect:
            raise AssertionError(
                f"scenario {self.scenario}: {method} answered {response.status_code}, "
                f"expected {expect}: {response.text[:300]}"
            )
        self.exchanges.append(Exchange(self.scenario, method, sent, content, response))
        return response


def _create_read_update_delete(d: Driver) -> None:
    user = {"adapty-customer-user-id": "reference-user-1"}
    created = d.send("POST", 200, headers=user, json_body=SEED_CREATE_BODY)
    profile = {"adapty-profile-id": created.json()["data"]["profile_id"]}
    d.send("GET", 200, headers=user)
    d.send(
        "PATCH",
        200,
        headers=profile,
        json_body={
            "first_name": None,
            "att_status": 3,
            "custom_attributes": [
                {"key": "favourite_sport", "value": None},
                {"key": "level", "value": 3},
                {"key": "beta_tester", "value": True},
            ],
            "installation_meta": {"device_id": "second-device", "platform": "Android"},
        },
    )
    d.send("GET", 200, headers=profile)
    d.send("DELETE", 204, headers=profile)
    d.send("GET", 404, headers=profile)


def _anonymous_profile(d: Driver) -> None:
    anonymous = {"adapty-profile-id": ANONYMOUS_PROFILE_ID}
    d.send("POST", 200, headers=anonymous, json_body={})
    d.send("PATCH", 200, headers=anonymous, json_body={"ip_country": "DE", "store": "stripe"})
    # Both headers: attach a customer_user_id to the anonymous profile (Adapty's create page).
    attach = {**anonymous, "adapty-customer-user-id": "reference-user-attached"}
    d.send("POST", 200, headers=attach, json_body={"first_name": "Ann"})
    d.send("POST", 409, headers=attach, json_body={})
    d.send("DELETE", 204, headers=anonymous)


def _seed_profile(d: Driver) -> None:
    d.send("GET", 200, headers={"adapty-profile-id": SEED_PROFILE_ID})


def _bad_request(d: Driver) -> None:
    user = {"adapty-customer-user-id": "reference-user-400"}
    d.send("POST", 400, json_body={})  # no identity header
    d.send("POST", 400, headers={"adapty-profile-id": "not-a-uuid"}, json_body={})
    d.send(
        "POST",
        400,
        headers=user,
        json_body={"birthday": "2001-02-29", "ip_country": "fr", "gender": "x", "nickname": "j"},
    )
    d.send(
        "POST",
        400,
        headers=user,
        json_body={"custom_attributes": [{"key": "bad key!", "value": "v"}]},
    )
    d.send("GET", 400, headers={"adapty-profile-id": "not-a-uuid"})
    d.send("PATCH", 400, headers=user, json_body={"att_status": 7, "custom_attributes": []})
    d.send("DELETE", 400, headers={"adapty-platform": "Windows", **user})


def _parse_error(d: Driver) -> None:
    user = {"adapty-customer-user-id": "reference-user-400", "Content-Type": "application/json"}
    d.send("POST", 400, headers=user, content=b'{"first_name": ')


def _not_authenticated(d: Driver) -> None:
    user = {"adapty-customer-user-id": "reference-user-401"}
    d.send("POST", 401, headers=user, json_body=SEED_CREATE_BODY, auth=False)
    d.send("GET", 401, headers={**user, "Authorization": "Api-Key wrong-key"}, auth=False)
    d.send("PATCH", 401, headers={**user, "Authorization": "Bearer nonsense"}, auth=False)
    d.send("DELETE", 401, headers=user, auth=False)


def _not_found(d: Driver) -> None:
    missing = {"adapty-customer-user-id": "reference-user-missing"}
    d.send("GET", 404, headers=missing)
    d.send("PATCH", 404, headers=missing, json_body={"first_name": "Nobody"})
    d.send("DELETE", 404, headers=missing)
    # An attach (both headers) to a profile that does not exist.
    unknown = {**missing, "adapty-profile-id": "0c7b6a1f-8d55-4d0b-9d0f-3f4f5e6a7b8c"}
    d.send("POST", 404, headers=unknown, json_body={})


def _already_exists(d: Driver) -> None:
    user = {"adapty-customer-user-id": "reference-user-409"}
    d.send("POST", 200, headers=user, json_body={})
    d.send("POST", 409, headers=user, json_body={})
    d.send("DELETE", 204, headers=user)


def _too_large(d: Driver) -> None:
    user = {"adapty-customer-user-id": "reference-user-413"}
    d.send("POST", 413, headers=user, json_body={"first_name": "x" * 66_000})
    d.send("PATCH", 413, headers=user, json_body={"last_name": "y" * 66_000})


def _unsupported_media_type(d: Driver) -> None:
    user = {"adapty-customer-user-id": "reference-user-415", "Content-Type": "text/plain"}
    d.send("POST", 415, headers=user, content=b"first_name=Jane")
    d.send("PATCH", 415, headers=user, content=b"first_name=Jane")


def _entitlements(d: Driver) -> None:
    """Grant premium for a month, record a Stripe subscription and its renewal, revoke, and the
    purchase operations' errors (a level the app lacks, a missing profile)."""
    user = {"adapty-customer-user-id": "reference-user-entitled"}
    d.send("POST", 200, headers=user, json_body={})
    month = {"starts_at": "2030-01-01T00:00:00Z", "expires_at": "2030-02-01T00:00:00Z"}
    grant = {"access_level_id": "premium", **month}
    d.send("POST", 200, path=GRANT_PATH, headers=user, json_body=grant)
    subscription = {
        "purchase_type": "subscription",
        "store": "stripe",
        "store_product_id": "monthly",
        "store_transaction_id": "in_reference_1",
        "store_original_transaction_id": "in_reference_1",
        "price": {"country": "US", "currency": "USD", "value": 9.99},
        "purchased_at": "2030-01-01T00:00:00Z",
        "originally_purchased_at": "2030-01-01T00:00:00Z",
        "expires_at": "2030-02-01T00:00:00Z",
        "renew_status": True,
    }
    d.send("POST", 200, path=TRANSACTION_PATH, headers=user, json_body=subscription)
    renewal = {
        **subscription,
        "store_transaction_id": "in_reference_2",
        "purchased_at": "2030-02-01T00:00:00Z",
        "expires_at": "2030-03-01T00:00:00Z",
    }
    d.send("POST", 200, path=TRANSACTION_PATH, headers=user, json_body=renewal)
    revoke = {"access_level_id": "premium", "revoke_at": "2030-01-15T00:00:00Z"}
    d.send("POST", 200, path=REVOKE_PATH, headers=user, json_body=revoke)
    d.send("GET", 200, headers=user)
    d.send("POST", 400, path=REVOKE_PATH, headers=user, json_body={"access_level_id": "not_held"})
    nobody = {"adapty-customer-user-id": "reference-user-nobody"}
    d.send("POST", 404, path=GRANT_PATH, headers=nobody, json_body=grant)
    d.send("DELETE", 204, headers=user)


SCENARIOS: dict[str, Callable[[Driver], None]] = {
    "create_read_update_delete": _create_read_update_delete,
    "anonymous_profile": _anonymous_profile,
    "seed_profile": _seed_profile,
    "entitlements": _entitlements,
    "error_400_bad_request": _bad_request,
    "error_400_parse_error": _parse_error,
    "error_401_not_authenticated": _not_authenticated,
    "error_404_not_found": _not_found,
    "error_409_profile_already_exists": _already_exists,
    "error_413_request_too_large": _too_large,
    "error_415_unsupported_media_type": _unsupported_media_type,
}


def drive(base_url: str, api_key: str) -> list[Exchange]:
    """Run every scenario against ``base_url``; the exchanges, in order."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        driver = Driver(client=client, api_key=api_key)
        for name, scenario in SCENARIOS.items():
            driver.scenario = name
            scenario(driver)
        return driver.exchanges


def _wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"recorded-server record exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"recorded-server record is not listening on {port}")


def record(out: Path, api_key: str) -> list[Exchange]:
    """Record every scenario into ``out`` (its old cassettes are replaced)."""
    from recorded_server.testing.process import ServerProcess, free_port

    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.yaml"):
        old.unlink()
    with ServerProcess(api_key=api_key, fixtures=":seed:") as emulator:
        port = free_port()
        command = [
            sys.executable,
            "-m",
            "recorded_server",
            "record",
            "--upstream",
            emulator.url,
            "--cassettes",
            str(out),
            "--port",
            str(port),
        ]
        with tempfile.TemporaryFile() as log:
            proxy = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
            try:
                _wait_for_port(port, proxy)
                exchanges = drive(f"http://127.0.0.1:{port}", api_key)
            except BaseException:
                proxy.terminate()
                proxy.wait(timeout=15)
                log.seek(0)
                sys.stderr.write(log.read().decode("utf-8", "replace"))
                raise
            proxy.terminate()
            proxy.wait(timeout=15)
    return exchanges


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"(default: {DEFAULT_OUT})")
    parser.add_argument(
        "--api-key",
        default=None,
        help="the emulator's key (default: the development key); never written to a cassette",
    )
    args = parser.parse_args(argv)

    from recorded_server import DEFAULT_API_KEY
    from recorded_server.cassettes.format import load_cassettes
    from recorded_server.cassettes.verify import verify_cassettes
    from recorded_server.spec import load_spec

    exchanges = record(args.out, args.api_key or DEFAULT_API_KEY)
    report = verify_cassettes(load_spec(), load_cassettes(args.out), root=args.out)
    for line in report.lines("openapi/profile.yaml"):
        print(line)
    print(f"recorded {len(exchanges)} exchanges in {len(SCENARIOS)} scenarios into {args.out}")
    return 0 if report.clean else 1


if __name__ == "__main__":
    sys.exit(main())
