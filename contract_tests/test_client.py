"""The generated client (``adapty_profile_client``) held against the spec and the server.

- Every body the spec accepts survives the client's request models unchanged:
  ``from_dict`` then ``to_dict`` keeps absent and ``null`` apart, field by field, nested too.
- Every response the server gives parses with the client's models: profiles through the
  client's own functions (create, get, update, delete), errors as ``ErrorResponse`` whose
  ``status_code`` is the HTTP status, and a stored profile with access levels, subscriptions
  and purchases (loaded through the inspection API) with timezone-aware date-times.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import attrs
from adapty_profile_client import AuthenticatedClient
from adapty_profile_client.api.profile import (
    create_profile,
    delete_profile,
    get_profile,
    update_profile,
)
from adapty_profile_client.models import (
    ErrorResponse,
    ProfileCreateRequest,
    ProfileResponse,
    ProfileUpdateRequest,
)
from adapty_profile_client.types import Response
from hypothesis import assume, event, given, note, settings

from contract_tests.model import attributes_as_dict, same_value
from contract_tests.oracle import SpecOracle
from contract_tests.profiles import examples
from contract_tests.strategies import BOUNDARY_BODIES, WireBody, bodies
from contract_tests.summary import SUMMARY
from contract_tests.targets import Target, fresh_customer_user_id, fresh_profile_id
from recorded_server.emulator import seed_fixture_text


def json_equal(left: Any, right: Any) -> bool:
    """Equal as JSON documents: same keys (absent is not null), numbers by value, booleans apart."""
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return left == right
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(json_equal(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(json_equal, left, right))
    return type(left) is type(right) and bool(left == right)


def has_lone_surrogate(document: Any) -> bool:
    if isinstance(document, str):
        return any("\ud800" <= char <= "\udfff" for char in document)
    if isinstance(document, dict):
        return any(has_lone_surrogate(k) or has_lone_surrogate(v) for k, v in document.items())
    if isinstance(document, list):
        return any(map(has_lone_surrogate, document))
    return False


def generated_client(target: Target) -> AuthenticatedClient:
    """The generated client, pointed at the target (through its transport when in-process)."""
    httpx_args: dict[str, Any] = {}
    if target.transport is not None:
        httpx_args["transport"] = target.transport
    return AuthenticatedClient(
        base_url=target.base_url, token=target.api_key, prefix="Api-Key", httpx_args=httpx_args
    )


def test_valid_bodies_survive_request_models(oracle: SpecOracle) -> None:
    """from_dict then to_dict is the identity on every body the spec accepts (POST and PATCH)."""

    @settings(max_examples=examples(3.0))
    @given(body=bodies(modes=["valid", "valid", "one_fault"]))
    def run(body: WireBody) -> None:
        accepted = [
            (method, model)
            for method, model in (("POST", ProfileCreateRequest), ("PATCH", ProfileUpdateRequest))
            if body.is_json and not oracle.spec_errors(method, body)
        ]
        assume(accepted)
        SUMMARY.example("client: request models round trip")
        SUMMARY.label(*body.labels)
        for method, model in accepted:
            event(f"round trip: {method}")
            rebuilt = model.from_dict(body.document).to_dict()
            with SUMMARY.checking(f"{method} profile", "client: from_dict/to_dict identity", ""):
                assert json_equal(rebuilt, body.document), (
                    f"{model.__name__} changed the body:\n  sent    {body.document!r}"
                    f"\n  rebuilt {rebuilt!r}"
                )

    for body in BOUNDARY_BODIES:
        run = example_of(run, body)
    run()


def example_of(test: Any, body: WireBody) -> Any:
    from hypothesis import example

    return example(body=body)(test)


def _check_parsed(operation: str, response: Response[Any], expected: type) -> Any:
    raw = json.loads(response.content) if response.content else None
    with SUMMARY.checking(operation, "client: response parses with the client", ""):
        assert isinstance(response.parsed, expected), (
            f"{response.status_code}: parsed as {type(response.parsed).__name__}, "
            f"expected {expected.__name__}: {response.content[:300]!r}"
        )
    if isinstance(response.parsed, ErrorResponse):
        with SUMMARY.checking(operation, "client: ErrorResponse round trip", ""):
            assert response.parsed.status_code == response.status_code
            assert json_equal(response.parsed.to_dict(), raw), (response.parsed.to_dict(), raw)
    if isinstance(response.parsed, ProfileResponse):
        assert raw is not None
        data = raw["data"]
        parsed = response.parsed.data
        with SUMMARY.checking(operation, "client: ProfileResponse keeps the data", ""):
            assert parsed.profile_id == data["profile_id"]
            assert parsed.customer_user_id == data["customer_user_id"]
            assert parsed.timestamp == data["timestamp"]
            returned = {item.key: item.value for item in parsed.custom_attributes}
            assert same_value(returned, attributes_as_dict(data["custom_attributes"]))
    return response.parsed


def test_server_responses_parse_with_the_client(target: Target, oracle: SpecOracle) -> None:
    """Create, read, update and delete through the client's functions; errors parse too."""
    client = generated_client(target)

    @settings(max_examples=examples(1.0, socket=target.kind == "socket"))
    @given(body=bodies())
    def run(body: WireBody) -> None:
        if not target.admit_example("POST"):
            return
        SUMMARY.example(f"client: server responses ({target.kind})")
        note(repr(body))
        user = fresh_customer_user_id()
        # httpx cannot encode a lone surrogate (valid JSON as an escape, not valid Unicode text),
        # so such bodies go to the server raw: the client is not a way to send them.
        typed = body.is_json and not has_lone_surrogate(body.document)
        if typed and not oracle.spec_errors("POST", body):
            request = ProfileCreateRequest.from_dict(body.document)
            created = create_profile.sync_detailed(
                client=client, body=request, adapty_customer_user_id=user
            )
            expected = ProfileResponse if created.status_code == 200 else ErrorResponse
            _check_parsed("POST profile", created, expected)
        else:
            # Bodies the typed models cannot hold go raw; the answer still parses with them.
            sent = target.send("POST", identity={"adapty-customer-user-id": user}, body=body.wire)
            check = "client: response parses with the client"
            with SUMMARY.checking("POST profile", check, sent.curl):
                if sent.status == 200:
                    ProfileResponse.from_dict(sent.json())
                else:
                    error = ErrorResponse.from_dict(sent.json())
                    assert error.status_code == sent.status, sent.describe()
            user = fresh_customer_user_id()
            created = create_profile.sync_detailed(
                client=client, body=ProfileCreateRequest(), adapty_customer_user_id=user
            )
            _check_parsed("POST profile", created, ProfileResponse)
        if not isinstance(created.parsed, ProfileResponse):
            return
        profile_id = created.parsed.data.profile_id
        got = get_profile.sync_detailed(client=client, adapty_profile_id=profile_id)
        _check_parsed("GET profile", got, ProfileResponse)
        if typed and not oracle.spec_errors("PATCH", body):
            updated = update_profile.sync_detailed(
                client=client,
                body=ProfileUpdateRequest.from_dict(body.document),
                adapty_profile_id=profile_id,
            )
            expected = ProfileResponse if updated.status_code == 200 else ErrorResponse
            _check_parsed("PATCH profile", updated, expected)
        deleted = delete_profile.sync_detailed(client=client, adapty_profile_id=profile_id)
        with SUMMARY.checking("DELETE profile", "client: 204 parses as nothing", ""):
            assert deleted.status_code == 204 and deleted.parsed is None, deleted
        gone = get_profile.sync_detailed(client=client, adapty_profile_id=profile_id)
        _check_parsed("GET profile", gone, ErrorResponse)

    run()


def _aware(value: Any) -> bool:
    return not isinstance(value, datetime.datetime) or value.tzinfo is not None


def test_stored_purchases_parse_with_the_client(target: Target) -> None:
    """A profile with access levels, subscriptions and purchases (the seed's example response,
    loaded as fixtures) parses, date-times timezone-aware, offers in both of their shapes."""
    target.require_inspection()
    document = json.loads(seed_fixture_text())
    profile = document["profiles"][0]
    profile["profile_id"] = fresh_profile_id()
    profile["customer_user_id"] = fresh_customer_user_id()
    loaded = target.client.post("/_recorded/fixtures", json=document, headers=target.auth_headers())
    assert loaded.status_code == 200, loaded.text
    client = generated_client(target)
    got = get_profile.sync_detailed(client=client, adapty_profile_id=profile["profile_id"])
    parsed = _check_parsed("GET profile", got, ProfileResponse)
    data = parsed.data
    with SUMMARY.checking("GET profile", "client: purchases and date-times parse", ""):
        assert len(data.access_levels) == len(profile["access_levels"]) > 0
        assert len(data.subscriptions) == len(profile["subscriptions"]) > 0
        assert len(data.non_subscriptions) == len(profile["non_subscriptions"]) > 0
        for item in [*data.access_levels, *data.subscriptions, *data.non_subscriptions]:
            values = attrs.asdict(item, recurse=False).values()
            assert all(_aware(value) for value in values), item
        assert data.access_levels[0].purchased_at == datetime.datetime(
            2022, 10, 12, 9, 42, 50, tzinfo=datetime.UTC
        )
