"""The differential oracle: for every generated body, the server's verdict is the spec's.

POST runs each body against a fresh identity; PATCH runs it against a profile created in a
stated stored state (analytics on or off, 0/1/29/30 stored attributes), so that the
server-only rules that depend on that state (``oracle.SERVER_ONLY_RULES``) are decided too.
Accepted requests must also answer a body that matches the spec, with the attributes the
merge model predicts; rejected ones must store nothing.
"""

from __future__ import annotations

from hypothesis import event, example, given, note, settings, target

from contract_tests.model import ProfileModel, attributes_as_dict, same_value
from contract_tests.oracle import SpecOracle
from contract_tests.profiles import examples
from contract_tests.strategies import (
    BOUNDARY_BODIES,
    BOUNDARY_PATCHES,
    StoredState,
    WireBody,
    bodies,
    patch_cases,
    serialize,
)
from contract_tests.summary import SUMMARY
from contract_tests.targets import Target, fresh_identity
from contract_tests.verdicts import (
    CHECK_ATTRIBUTES,
    CHECK_NO_PARTIAL_WRITE,
    CHECK_STORED,
    check_response_schema,
    check_verdict,
)

POST = "POST profile"
PATCH = "PATCH profile"


def _report(body: WireBody) -> None:
    note(repr(body))
    event(f"mode: {body.mode}")
    for label in body.labels:
        event(label)
    items = body.attributes
    target(float(len(items)) if items is not None else 0.0, label="attributes in a body")


def _check_attributes(operation: str, model: ProfileModel, document: object, curl: str) -> None:
    with SUMMARY.checking(operation, CHECK_ATTRIBUTES, curl):
        assert isinstance(document, dict)
        returned = attributes_as_dict(document["data"]["custom_attributes"])
        assert same_value(returned, model.attributes), (
            f"returned custom_attributes {returned!r}, expected {model.attributes!r}"
        )


def check_post(target: Target, oracle: SpecOracle, body: WireBody) -> None:
    _report(body)
    verdict = oracle.expected("POST", body, None)
    event(f"verdict: {'accepted' if verdict.accepted else 'rejected'}")
    identity = fresh_identity()
    sent = target.send("POST", identity=identity, body=body.wire)
    check_verdict(POST, verdict, body, sent)
    if sent.status == 200:
        document = check_response_schema(POST, oracle.response_validator("POST", 200), sent)
        model = ProfileModel()
        model.apply(body.document)
        _check_attributes(POST, model, document, sent.curl)
        if target.has_inspection:
            stored = target.stored(document["data"]["profile_id"])
            with SUMMARY.checking(POST, CHECK_STORED, sent.curl):
                assert stored is not None, "the created profile is not stored"
                problems = model.differences(stored)
                assert not problems, "; ".join(problems)
    elif sent.status == 400:
        after = target.send("GET", identity=identity)
        with SUMMARY.checking(POST, CHECK_NO_PARTIAL_WRITE, sent.curl):
            assert after.status == 404, f"a rejected POST created the profile: {after.describe()}"


def _create(target: Target, state: StoredState) -> tuple[dict[str, str], ProfileModel, str]:
    identity = fresh_identity()
    creation = state.creation_body()
    created = target.send("POST", identity=identity, body=serialize(creation))
    assert created.status == 200, f"cannot create the PATCH target: {created.describe()}"
    model = ProfileModel()
    model.apply(creation)
    return identity, model, created.json()["data"]["profile_id"]


def check_patch(target: Target, oracle: SpecOracle, state: StoredState, body: WireBody) -> None:
    _report(body)
    stored_count = len(state.attribute_keys)
    event(f"stored: {stored_count} attributes, analytics_disabled {state.analytics_disabled}")
    identity, model, profile_id = _create(target, state)
    verdict = oracle.expected("PATCH", body, model)
    event(f"verdict: {'accepted' if verdict.accepted else 'rejected'}")
    sent = target.send("PATCH", identity={"adapty-profile-id": profile_id}, body=body.wire)
    check_verdict(PATCH, verdict, body, sent)
    if sent.status == 200:
        document = check_response_schema(PATCH, oracle.response_validator("PATCH", 200), sent)
        model.apply(body.document)
        _check_attributes(PATCH, model, document, sent.curl)
    if sent.status in (200, 400) and target.has_inspection:
        stored = target.stored(profile_id)
        check = CHECK_STORED if sent.status == 200 else CHECK_NO_PARTIAL_WRITE
        with SUMMARY.checking(PATCH, check, sent.curl):
            assert stored is not None, "the profile disappeared"
            problems = model.differences(stored)
            assert not problems, "; ".join(problems)
    elif sent.status == 400:
        after = target.send("GET", identity=identity)
        with SUMMARY.checking(PATCH, CHECK_NO_PARTIAL_WRITE, sent.curl):
            assert after.status == 200, after.describe()
            returned = attributes_as_dict(after.json()["data"]["custom_attributes"])
            assert same_value(returned, model.attributes), (
                f"a rejected PATCH changed the attributes to {returned!r}"
            )


def test_post_verdicts_agree(target: Target, oracle: SpecOracle) -> None:
    """POST: the server accepts exactly the bodies the spec accepts (and no server rule rejects)."""

    @settings(max_examples=examples(3.0, socket=target.kind == "socket"))
    @given(body=bodies())
    def run(body: WireBody) -> None:
        if not target.admit_example("POST"):
            return
        SUMMARY.example(f"oracle: POST bodies ({target.kind})")
        check_post(target, oracle, body)

    for body in reversed(BOUNDARY_BODIES):
        run = example(body=body)(run)
    run()


def test_patch_verdicts_agree(target: Target, oracle: SpecOracle) -> None:
    """PATCH against a stated stored state: the spec's verdict plus the stateful server rules."""

    @settings(max_examples=examples(2.0, socket=target.kind == "socket"))
    @given(case=patch_cases())
    def run(case: tuple[StoredState, WireBody]) -> None:
        if not target.admit_example("POST"):
            return
        SUMMARY.example(f"oracle: PATCH bodies on a stated state ({target.kind})")
        check_patch(target, oracle, *case)

    for case in reversed(BOUNDARY_PATCHES):
        run = example(case=case)(run)
    run()


def test_bodies_reach_both_verdicts(oracle: SpecOracle) -> None:
    """The generator is not lopsided: the spec accepts and rejects a fair share of its bodies."""
    verdicts: dict[bool, int] = {True: 0, False: 0}

    @settings(max_examples=200, database=None, derandomize=True)
    @given(body=bodies())
    def run(body: WireBody) -> None:
        verdicts[oracle.expected("POST", body, None).accepted] += 1

    run()
    total = sum(verdicts.values())
    assert verdicts[True] >= total // 4, verdicts
    assert verdicts[False] >= total // 4, verdicts
