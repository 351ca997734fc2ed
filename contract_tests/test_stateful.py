"""Stateful properties over HTTP: the server-only rules that need history.

A Hypothesis ``RuleBasedStateMachine`` creates profiles, patches them with generated bodies
(valid and invalid, attribute keys drawn from the stored ones so merges, updates and deletions
happen), clears fields with ``null``, re-creates, reads and deletes them, and after every step
holds the server against a model of what it must store (``model.ProfileModel``):

- attribute merge never stores more than 30; a request that would exceed it stores nothing;
- a ``null`` clears and an absent field keeps, as the inspection API shows;
- a re-create of an existing id is 409 ``profile_already_exists``;
- a create with both identity headers attaches the ``customer_user_id`` to an anonymous
  profile (the body applied as PATCH applies it); 409 when the profile already has one or the
  ``customer_user_id`` belongs to another; 404 when the profile does not exist;
- delete, then get (or patch, or delete) is 404 (``not_found``, or the reference's
  ``profile_does_not_exist``).

On a target without the inspection API the machine still runs, comparing what responses show
(``custom_attributes``); ``test_inspection_available`` then skips, saying why.
"""

from __future__ import annotations

from typing import Any, ClassVar

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from contract_tests.model import (
    MAX_STORED_ATTRIBUTES,
    ProfileModel,
    attributes_as_dict,
    same_value,
)
from contract_tests.oracle import SpecOracle
from contract_tests.profiles import examples
from contract_tests.strategies import (
    PROFILE_FIELDS,
    WireBody,
    bodies,
    keys,
    serialize,
    wire_body,
)
from contract_tests.summary import SUMMARY
from contract_tests.targets import Sent, Target, fresh_customer_user_id, fresh_profile_id
from contract_tests.verdicts import (
    CHECK_STORED,
    MISSING_PROFILE_CODES,
    check_envelope,
    check_verdict,
)

OPERATION = "stateful"
NULLABLE_FIELDS = tuple(
    name for name in PROFILE_FIELDS if name not in ("birthday", "ip_country", "analytics_disabled")
)


class Profile:
    """One profile the machine created: its identity and the model of what it stores."""

    def __init__(self, customer_user_id: str | None, profile_id: str, model: ProfileModel) -> None:
        self.customer_user_id = customer_user_id
        self.profile_id = profile_id
        self.model = model
        self.deleted = False

    def __repr__(self) -> str:
        return f"Profile({self.customer_user_id!r})"

    @property
    def by_id(self) -> dict[str, str]:
        return {"adapty-profile-id": self.profile_id}

    @property
    def by_user(self) -> dict[str, str]:
        if self.customer_user_id is None:  # anonymous: only the profile id names it
            return self.by_id
        return {"adapty-customer-user-id": self.customer_user_id}


class ProfileLifecycle(RuleBasedStateMachine):
    """Profiles created, patched, cleared, re-created, read and deleted, against a model."""

    target: ClassVar[Target]
    oracle: ClassVar[SpecOracle]

    profiles = Bundle("profiles")

    def __init__(self) -> None:
        super().__init__()
        self.live: list[Profile] = []
        self.touched: Profile | None = None

    # --- helpers ----------------------------------------------------------------------------

    def _check(self, check: str, sent: Sent, condition: bool, message: str) -> None:
        with SUMMARY.checking(OPERATION, check, sent.curl):
            assert condition, f"{message}: {sent.describe()}"

    def _check_missing(self, check: str, operation: str, sent: Sent) -> None:
        """A 404 in the envelope, with either error code of a missing profile."""
        self._check(check, sent, sent.status == 404, "expected 404")
        envelope = check_envelope(operation, sent)
        self._check(
            check,
            sent,
            envelope.get("error_code") in MISSING_PROFILE_CODES,
            f"expected error_code in {MISSING_PROFILE_CODES}",
        )

    def _patch(self, profile: Profile, body: WireBody) -> Sent:
        SUMMARY.example("stateful: steps")
        verdict = self.oracle.expected("PATCH", body, profile.model)
        sent = self.target.send("PATCH", identity=profile.by_id, body=body.wire)
        check_verdict("PATCH profile", verdict, body, sent)
        if sent.status == 200:
            profile.model.apply(body.document)
        self.touched = profile
        return sent

    # --- rules ------------------------------------------------------------------------------

    @rule(target=profiles, body=bodies(modes=["valid"]))
    def create(self, body: WireBody) -> Profile | Any:
        SUMMARY.example("stateful: steps")
        verdict = self.oracle.expected("POST", body, None)
        identity = {"adapty-customer-user-id": fresh_customer_user_id()}
        sent = self.target.send("POST", identity=identity, body=body.wire)
        check_verdict("POST profile", verdict, body, sent)
        if sent.status != 200:
            return multiple()  # nothing created
        model = ProfileModel()
        model.apply(body.document)
        profile = Profile(
            identity["adapty-customer-user-id"], sent.json()["data"]["profile_id"], model
        )
        self.live.append(profile)
        self.touched = profile
        return profile

    @rule(target=profiles, body=bodies(modes=["valid"]))
    def create_anonymous(self, body: WireBody) -> Profile | Any:
        """POST with only adapty-profile-id: an anonymous profile (what attach needs)."""
        SUMMARY.example("stateful: steps")
        verdict = self.oracle.expected("POST", body, None)
        profile_id = fresh_profile_id()
        sent = self.target.send("POST", identity={"adapty-profile-id": profile_id}, body=body.wire)
        check_verdict("POST profile", verdict, body, sent)
        if sent.status != 200:
            return multiple()
        model = ProfileModel()
        model.apply(body.document)
        profile = Profile(None, profile_id, model)
        self.live.append(profile)
        self.touched = profile
        return profile

    @rule(profile=profiles, data=st.data(), taken=st.booleans())
    def attach(self, profile: Profile, data: st.DataObject, taken: bool) -> None:
        """POST with both headers: attach a customer_user_id (fresh, or another profile's)."""
        SUMMARY.example("stateful: steps")
        others = [
            p.customer_user_id
            for p in self.live
            if p is not profile and not p.deleted and p.customer_user_id is not None
        ]
        user = data.draw(st.sampled_from(others)) if taken and others else None
        user = user or fresh_customer_user_id()
        body = data.draw(bodies(known_keys=tuple(profile.model.attributes)))
        identity = {"adapty-profile-id": profile.profile_id, "adapty-customer-user-id": user}
        sent = self.target.send("POST", identity=identity, body=body.wire)
        alone = self.oracle.expected("POST", body, None)  # the body's own rules: 400 first
        if not alone.accepted:
            check_verdict("POST profile", alone, body, sent)
            return
        if profile.deleted:
            self._check_missing("attach to a missing profile is 404", "POST profile", sent)
            return
        if profile.customer_user_id is not None or user in others:
            check = "attach to an attached profile, or of a taken id, is 409"
            self._check(check, sent, sent.status == 409, "expected 409")
            envelope = check_envelope("POST profile", sent)
            self._check(
                check,
                sent,
                envelope.get("error_code") == "profile_already_exists",
                "expected error_code profile_already_exists",
            )
            return
        verdict = self.oracle.expected("POST", body, profile.model)  # the merge limit
        check_verdict("POST profile (attach)", verdict, body, sent)
        if sent.status != 200:
            return
        answered = sent.json()["data"]
        self._check(
            "attach answers the anonymous profile with its customer_user_id",
            sent,
            (answered["profile_id"], answered["customer_user_id"]) == (profile.profile_id, user),
            f"expected ({profile.profile_id!r}, {user!r})",
        )
        profile.model.apply(body.document)
        profile.customer_user_id = user
        self.touched = profile

    @precondition(lambda self: any(not p.deleted for p in self.live))
    @rule(data=st.data())
    def patch(self, data: st.DataObject) -> None:
        profile = data.draw(st.sampled_from([p for p in self.live if not p.deleted]))
        body = data.draw(bodies(known_keys=tuple(profile.model.attributes)))
        self._patch(profile, body)

    @precondition(lambda self: any(not p.deleted for p in self.live))
    @rule(data=st.data(), extra=st.integers(0, 2))
    def fill_attributes(self, data: st.DataObject, extra: int) -> None:
        """New keys up to 30 stored, or past it: the merge limit, exactly at its boundary."""
        profile = data.draw(st.sampled_from([p for p in self.live if not p.deleted]))
        room = MAX_STORED_ATTRIBUTES - len(profile.model.attributes)
        wanted = max(1, min(MAX_STORED_ATTRIBUTES, room + extra))
        fresh = data.draw(
            st.lists(
                keys().filter(lambda key: key not in profile.model.attributes),
                min_size=wanted,
                max_size=wanted,
                unique=True,
            )
        )
        items = [{"key": key, "value": f"v{index}"} for index, key in enumerate(fresh)]
        body = wire_body(
            {"custom_attributes": items}, f"fill to {len(profile.model.attributes) + wanted}"
        )
        event(f"fill: {len(profile.model.attributes)} stored + {wanted} new")
        self._patch(profile, body)

    @precondition(lambda self: any(not p.deleted for p in self.live))
    @rule(data=st.data(), field=st.sampled_from(NULLABLE_FIELDS))
    def clear_field(self, data: st.DataObject, field: str) -> None:
        """A null clears: the field is stored as null (not removed, not kept)."""
        profile = data.draw(st.sampled_from([p for p in self.live if not p.deleted]))
        self._patch(profile, wire_body({field: None}, f"{field} null"))

    @rule(profile=profiles, by_id=st.booleans())
    def recreate(self, profile: Profile, by_id: bool) -> None:
        SUMMARY.example("stateful: steps")
        identity = profile.by_id if by_id else profile.by_user
        sent = self.target.send("POST", identity=identity, body=b"{}")
        if profile.deleted:
            # The id is free again: a new profile (anonymous when created by profile id).
            self._check("re-create after delete is 200", sent, sent.status == 200, "expected 200")
            if sent.status == 200:
                profile.deleted = False
                profile.model = ProfileModel()
                profile.profile_id = sent.json()["data"]["profile_id"]
                if "adapty-customer-user-id" not in identity:
                    profile.customer_user_id = None
                self.touched = profile
            return
        self._check("409 on re-create", sent, sent.status == 409, "expected 409")
        envelope = check_envelope("POST profile", sent)
        self._check(
            "409 on re-create",
            sent,
            envelope.get("error_code") == "profile_already_exists",
            "expected error_code profile_already_exists",
        )

    @rule(profile=profiles)
    def get(self, profile: Profile) -> None:
        SUMMARY.example("stateful: steps")
        sent = self.target.send("GET", identity=profile.by_id)
        if profile.deleted:
            self._check_missing("delete then get is 404", "GET profile", sent)
            return
        self._check("get is 200", sent, sent.status == 200, "expected 200")
        returned = attributes_as_dict(sent.json()["data"]["custom_attributes"])
        self._check(
            "returned custom_attributes == merged model",
            sent,
            same_value(returned, profile.model.attributes),
            f"expected {profile.model.attributes!r}, returned {returned!r}",
        )

    @rule(profile=profiles, then=st.sampled_from(["GET", "PATCH", "DELETE"]))
    def delete(self, profile: Profile, then: str) -> None:
        SUMMARY.example("stateful: steps")
        sent = self.target.send("DELETE", identity=profile.by_id)
        if profile.deleted:
            self._check("delete twice is 404", sent, sent.status == 404, "expected 404")
            return
        self._check(
            "delete is 204, no body",
            sent,
            sent.status == 204 and not sent.response.content,
            "expected 204",
        )
        profile.deleted = True
        after = self.target.send(
            then, identity=profile.by_id, body=b"{}" if then == "PATCH" else None
        )
        self._check(
            f"delete then {then.lower()} is 404", after, after.status == 404, "expected 404"
        )
        if self.target.has_inspection:
            self._check(
                "deleted profile is not stored",
                after,
                self.target.stored(profile.profile_id) is None,
                "the inspection API still has it",
            )

    # --- invariants -------------------------------------------------------------------------

    @invariant()
    def stored_state_is_the_model(self) -> None:
        profile, self.touched = self.touched, None
        if profile is None or profile.deleted or not self.target.has_inspection:
            return
        stored = self.target.stored(profile.profile_id)
        with SUMMARY.checking(
            OPERATION, CHECK_STORED, f"GET /_recorded/profiles/{profile.profile_id}"
        ):
            assert stored is not None, f"{profile} is not stored"
            problems = profile.model.differences(stored)
            assert not problems, "; ".join(problems)
        with SUMMARY.checking(OPERATION, "never more than 30 stored attributes", ""):
            count = len(stored.get("custom_attributes") or [])
            assert count <= MAX_STORED_ATTRIBUTES, f"{profile} stores {count} attributes"


def test_profile_lifecycle(target: Target, oracle: SpecOracle) -> None:
    class Machine(ProfileLifecycle):
        pass

    Machine.target = target
    Machine.oracle = oracle
    run_state_machine_as_test(
        Machine,
        settings=settings(
            max_examples=examples(0.4, socket=target.kind == "socket"),
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


def test_inspection_available(target: Target) -> None:
    """The stored-state properties need the inspection API: say so when the target has none."""
    target.require_inspection()
    identity = {"adapty-customer-user-id": fresh_customer_user_id()}
    created = target.send("POST", identity=identity, body=serialize({"first_name": None}))
    assert created.status == 200, created.describe()
    stored = target.stored(created.json()["data"]["profile_id"])
    assert stored is not None
    assert "first_name" in stored["fields"], "a null sent must be stored as null"
    assert stored["fields"]["first_name"] is None
    assert "last_name" not in stored["fields"], "a field never sent must be absent"
