"""Create with both identity headers: the attach sequence, step by step, on any target.

Adapty's create page: "include both the profile_id and customer_user_id in the header. This will
attach the customer_user_id to the existing profile". The contract (CONTRACT.md, "Create
semantics"): an anonymous profile P gets the customer_user_id C, the body applied as PATCH
applies it (200); P already attached (to C or another): 409; C belongs to another profile: 409;
P unknown: 404 (``not_found``, or the reference's ``profile_does_not_exist``). The state machine
(``test_stateful.py``) explores the same rules at random; this sequence states each one once, so
that a server breaking any of them fails here by name. Every profile it creates, it deletes.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contract_tests.summary import SUMMARY
from contract_tests.targets import Sent, Target, fresh_customer_user_id, fresh_profile_id
from contract_tests.verdicts import MISSING_PROFILE_CODES, check_envelope, check_request_id

OPERATION = "POST profile (attach)"


def _expect(sent: Sent, status: int, codes: tuple[str, ...], check: str) -> None:
    check_request_id(OPERATION, sent)
    with SUMMARY.checking(OPERATION, check, sent.curl):
        assert sent.status == status, f"expected {status}: {sent.describe()}"
    if codes:
        envelope = check_envelope(OPERATION, sent)
        with SUMMARY.checking(OPERATION, check, sent.curl):
            assert envelope.get("error_code") in codes, f"expected {codes}: {sent.describe()}"


@pytest.fixture
def created(target: Target) -> Iterator[list[str]]:
    """Profile ids the test created, deleted after it."""
    ids: list[str] = []
    yield ids
    for profile_id in ids:
        target.send("DELETE", identity={"adapty-profile-id": profile_id})


def _anonymous(target: Target, created: list[str], body: bytes = b"{}") -> str:
    profile_id = fresh_profile_id()
    sent = target.send("POST", identity={"adapty-profile-id": profile_id}, body=body)
    _expect(sent, 200, (), "create an anonymous profile")
    created.append(profile_id)
    return profile_id


def test_attach_sequence(target: Target, created: list[str]) -> None:
    profile_id = _anonymous(
        target, created, b'{"first_name": "Anon", "custom_attributes": [{"key": "a", "value": 1}]}'
    )
    user = fresh_customer_user_id()
    both = {"adapty-profile-id": profile_id, "adapty-customer-user-id": user}
    attached = target.send(
        "POST", identity=both, body=b'{"custom_attributes": [{"key": "b", "value": "2"}]}'
    )
    _expect(attached, 200, (), "attach: 200 with the anonymous profile")
    data = attached.json()["data"]
    with SUMMARY.checking(OPERATION, "attach: the same profile, now with the customer_user_id", ""):
        assert (data["profile_id"], data["customer_user_id"]) == (profile_id, user), data
    with SUMMARY.checking(OPERATION, "attach: the body applied as PATCH (attributes merged)", ""):
        values = {item["key"]: item["value"] for item in data["custom_attributes"]}
        assert values == {"a": 1.0, "b": "2"}, data["custom_attributes"]
    if target.has_inspection:
        stored = target.stored(profile_id)
        with SUMMARY.checking(OPERATION, "attach: omitted fields kept", ""):
            assert stored is not None and stored["fields"].get("first_name") == "Anon", stored
    by_user = target.send("GET", identity={"adapty-customer-user-id": user})
    _expect(by_user, 200, (), "attach: the profile answers to its customer_user_id")
    with SUMMARY.checking(OPERATION, "attach: the profile answers to its customer_user_id", ""):
        assert by_user.json()["data"]["profile_id"] == profile_id

    again = target.send("POST", identity=both, body=b"{}")
    _expect(again, 409, ("profile_already_exists",), "attach: same customer_user_id again is 409")
    other = {**both, "adapty-customer-user-id": fresh_customer_user_id()}
    _expect(
        target.send("POST", identity=other, body=b"{}"),
        409,
        ("profile_already_exists",),
        "attach: to a profile that has a customer_user_id is 409",
    )

    second = _anonymous(target, created)
    taken = {"adapty-profile-id": second, "adapty-customer-user-id": user}
    _expect(
        target.send("POST", identity=taken, body=b"{}"),
        409,
        ("profile_already_exists",),
        "attach: a customer_user_id of another profile is 409",
    )
    if target.has_inspection:
        stored = target.stored(second)
        with SUMMARY.checking(OPERATION, "attach: a rejected attach stores nothing", ""):
            assert stored is not None and stored["customer_user_id"] is None, stored

    unknown = {"adapty-profile-id": fresh_profile_id(), "adapty-customer-user-id": user + "-new"}
    _expect(
        target.send("POST", identity=unknown, body=b"{}"),
        404,
        MISSING_PROFILE_CODES,
        "attach: to an unknown profile is 404",
    )
    absent = target.send("GET", identity={"adapty-customer-user-id": user + "-new"})
    _expect(absent, 404, MISSING_PROFILE_CODES, "attach: a 404 attach creates nothing")
