"""The contract's rules, as the spec's own request schemas decide them.

One test per rule family, each with bodies the schema must accept AND bodies it must
reject, at every boundary the contract names. ``body_validator`` runs each shared
rule against POST's schema and then PATCH's; the conditional nullability of
``idfa``, ``idfv`` and ``advertising_id`` differs between them and is tested per method.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from jsonschema.protocols import Validator

from contract_tests.strategies import ADVERTISING_IDS, META_STRING_FIELDS
from recorded_server.spec import validator

NULLABLE_FIELDS = {
    "first_name": "Jane",
    "last_name": "Doe",
    "gender": "f",
    "email": "jane@example.com",
    "phone_number": "+1234567890",
    "ip_v4_address": "192.168.0.1",
    "store_country": "US",
    "store": "app_store",
    "store_account_token": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "att_status": 3,
}
NOT_NULLABLE_FIELDS = {
    "birthday": "2000-12-31",
    "ip_country": "FR",
    "analytics_disabled": False,
    "custom_attributes": [{"key": "favourite_sport", "value": "yoga"}],
    "installation_meta": {"device_id": "device-1"},
}
STRING_FIELDS = ["first_name", "last_name", "email", "phone_number", "store"]
META_NULLABLE_STRINGS = META_STRING_FIELDS
UUID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def _errors(v: Validator, body: Any) -> list[str]:
    return [error.message for error in v.iter_errors(body)]


def _check(v: Validator, body: Any, accepted: bool) -> None:
    errors = _errors(v, body)
    if accepted:
        assert errors == [], body
    else:
        assert errors != [], f"accepted but must be rejected: {body!r}"


def _attrs(count: int) -> list[dict[str, Any]]:
    return [{"key": f"key_{index}", "value": index} for index in range(count)]


# ---------------------------------------------------------------------------
# The body as a whole
# ---------------------------------------------------------------------------


def test_the_fields_of_both_bodies_are_the_contracts(spec: dict[str, Any]) -> None:
    expected = set(NULLABLE_FIELDS) | set(NOT_NULLABLE_FIELDS)
    for name in ("ProfileCreateRequest", "ProfileUpdateRequest"):
        assert set(spec["components"]["schemas"][name]["properties"]) == expected, name


@pytest.mark.parametrize(
    ("body", "accepted"),
    [
        ({}, True),
        ([], False),
        ([{}], False),
        ("{}", False),
        (None, False),
        (0, False),
        ({"unknown": 1}, False),
        ({"First_name": "Jane"}, False),
        ({"first_name": "Jane", "firstname": "Jane"}, False),
    ],
    ids=repr,
)
def test_body_is_an_object_without_unknown_fields(
    body_validator: Validator, body: Any, accepted: bool
) -> None:
    _check(body_validator, body, accepted)


# ---------------------------------------------------------------------------
# Nullability, field by field: absent, null and a value are three states
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("field", sorted(NULLABLE_FIELDS | NOT_NULLABLE_FIELDS))
def test_each_field_may_be_absent_or_a_value(body_validator: Validator, field: str) -> None:
    value = {**NULLABLE_FIELDS, **NOT_NULLABLE_FIELDS}[field]
    _check(body_validator, {}, True)
    _check(body_validator, {field: value}, True)


@pytest.mark.parametrize("field", sorted(NULLABLE_FIELDS))
def test_nullable_fields_accept_null(body_validator: Validator, field: str) -> None:
    _check(body_validator, {field: None}, True)


@pytest.mark.parametrize("field", sorted(NOT_NULLABLE_FIELDS))
def test_non_nullable_fields_reject_null(body_validator: Validator, field: str) -> None:
    _check(body_validator, {field: None}, False)


def test_every_field_at_once(body_validator: Validator) -> None:
    _check(body_validator, {**NULLABLE_FIELDS, **NOT_NULLABLE_FIELDS}, True)
    everything_null = {field: None for field in NULLABLE_FIELDS}
    _check(body_validator, everything_null, True)


@pytest.mark.parametrize("field", STRING_FIELDS)
@pytest.mark.parametrize("value", [1, 1.5, True, [], {}], ids=repr)
def test_string_fields_reject_other_types(
    body_validator: Validator, field: str, value: Any
) -> None:
    _check(body_validator, {field: value}, False)


@pytest.mark.parametrize(
    ("value", "accepted"),
    [("", True), ("Жанна", True), ("x" * 1000, True)],
    ids=repr,
)
def test_free_strings_have_no_length_rule(
    body_validator: Validator, value: str, accepted: bool
) -> None:
    for field in ("first_name", "last_name", "email", "phone_number"):
        _check(body_validator, {field: value}, accepted)


@pytest.mark.parametrize(
    ("store", "accepted"),
    [("app_store", True), ("play_store", True), ("my custom store", True), ("", False), (1, False)],
    ids=repr,
)
def test_store_is_a_non_empty_string(body_validator: Validator, store: Any, accepted: bool) -> None:
    _check(body_validator, {"store": store}, accepted)


# ---------------------------------------------------------------------------
# Enums
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gender", "accepted"),
    [
        ("f", True),
        ("m", True),
        ("o", True),
        ("F", False),
        ("x", False),
        ("", False),
        ("f\n", False),
    ],
    ids=repr,
)
def test_gender(body_validator: Validator, gender: str, accepted: bool) -> None:
    _check(body_validator, {"gender": gender}, accepted)


@pytest.mark.parametrize(
    ("att_status", "accepted"),
    [
        (0, True),
        (1, True),
        (2, True),
        (3, True),
        (1.0, True),
        (3.0, True),
        (-1, False),
        (4, False),
        (1.5, False),
        (True, False),
        (False, False),
        ("1", False),
    ],
    ids=repr,
)
def test_att_status_is_an_integer_from_0_to_3(
    body_validator: Validator, att_status: Any, accepted: bool
) -> None:
    _check(body_validator, {"att_status": att_status}, accepted)


def test_att_status_one_point_zero_parsed_from_json(body_validator: Validator) -> None:
    body = json.loads('{"att_status": 1.0}')
    assert isinstance(body["att_status"], float)
    _check(body_validator, body, True)


@pytest.mark.parametrize(
    ("value", "accepted"),
    [(True, True), (False, True), (0, False), (1, False), ("true", False)],
    ids=repr,
)
def test_analytics_disabled_is_a_boolean(
    body_validator: Validator, value: Any, accepted: bool
) -> None:
    _check(body_validator, {"analytics_disabled": value}, accepted)


@pytest.mark.parametrize(
    ("platform", "accepted"),
    [
        ("iOS", True),
        ("macOS", True),
        ("iPadOS", True),
        ("visionOS", True),
        ("Android", True),
        ("web", True),
        (None, True),
        ("ios", False),
        ("Web", False),
        ("tvOS", False),
        ("", False),
    ],
    ids=repr,
)
def test_installation_meta_platform(
    body_validator: Validator, platform: Any, accepted: bool
) -> None:
    _check(
        body_validator, {"installation_meta": {"device_id": "d", "platform": platform}}, accepted
    )


# ---------------------------------------------------------------------------
# Dates and countries
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birthday", "accepted"),
    [
        ("2000-12-31", True),
        ("2000-02-29", True),
        ("2001-02-28", True),
        ("0001-01-01", True),
        ("9999-12-31", True),
        ("2001-02-29", False),
        ("1900-02-29", False),
        ("2001-13-01", False),
        ("2001-04-31", False),
        ("2001-00-10", False),
        ("0000-01-01", False),
        ("2001-1-01", False),
        ("20010101", False),
        ("2001-01-01T00:00:00", False),
        ("2001-02-28\n", False),
        (" 2001-02-28", False),
        ("٢٠٠١-٠٢-٢٨", False),
        ("", False),
        (20010101, False),
    ],
    ids=repr,
)
def test_birthday_is_a_real_calendar_date(
    body_validator: Validator, birthday: Any, accepted: bool
) -> None:
    _check(body_validator, {"birthday": birthday}, accepted)


COUNTRY_CASES = [
    ("FR", True),
    ("US", True),
    ("XK", True),
    ("fr", False),
    ("Fr", False),
    ("F", False),
    ("FRA", False),
    ("", False),
    ("FR\n", False),
    ("\nFR", False),
    (" FR", False),
    ("\uff26\uff32", False),  # fullwidth FR
    ("ÉT", False),
    (33, False),
]


@pytest.mark.parametrize(("country", "accepted"), COUNTRY_CASES, ids=repr)
def test_country_codes(body_validator: Validator, country: Any, accepted: bool) -> None:
    _check(body_validator, {"ip_country": country}, accepted)
    _check(body_validator, {"store_country": country}, accepted)


def test_store_country_is_nullable_but_ip_country_is_not(body_validator: Validator) -> None:
    _check(body_validator, {"store_country": None}, True)
    _check(body_validator, {"ip_country": None}, False)


@pytest.mark.parametrize(
    ("address", "accepted"),
    [
        ("192.168.0.1", True),
        ("0.0.0.0", True),
        ("255.255.255.255", True),
        ("10.0.100.9", True),
        ("256.0.0.1", False),
        ("1.2.3.300", False),
        ("01.2.3.4", False),
        ("1.2.3.04", False),
        ("1.2.3", False),
        ("1.2.3.4.5", False),
        ("1.2.3.4\n", False),
        (" 1.2.3.4", False),
        ("1..3.4", False),
        ("\u0661.2.3.4", False),  # Arabic-Indic 1
        ("::1", False),
        ("", False),
    ],
    ids=repr,
)
def test_ip_v4_address(body_validator: Validator, address: str, accepted: bool) -> None:
    _check(body_validator, {"ip_v4_address": address}, accepted)


@pytest.mark.parametrize(
    ("token", "accepted"),
    [
        (UUID, True),
        (UUID.upper(), True),
        ("3FA85F64-5717-4562-b3fc-2c963f66afa6", True),
        (UUID.replace("-", ""), False),
        ("{" + UUID + "}", False),
        (UUID[:-1], False),
        (UUID + "0", False),
        (UUID[:-1] + "g", False),
        (UUID + "\n", False),
        ("", False),
    ],
    ids=repr,
)
def test_store_account_token_is_a_uuid(
    body_validator: Validator, token: str, accepted: bool
) -> None:
    _check(body_validator, {"store_account_token": token}, accepted)


# ---------------------------------------------------------------------------
# custom_attributes
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "accepted"), [(0, False), (1, True), (2, True), (29, True), (30, True), (31, False)]
)
def test_custom_attributes_hold_1_to_30_items(
    body_validator: Validator, count: int, accepted: bool
) -> None:
    _check(body_validator, {"custom_attributes": _attrs(count)}, accepted)


def test_a_deleting_item_counts_toward_the_30(body_validator: Validator) -> None:
    deletions = [{"key": f"key_{index}", "value": None} for index in range(31)]
    _check(body_validator, {"custom_attributes": deletions[:30]}, True)
    _check(body_validator, {"custom_attributes": deletions}, False)


@pytest.mark.parametrize(
    "attributes",
    [
        None,
        {"favourite_sport": "yoga"},
        "favourite_sport=yoga",
        [["favourite_sport", "yoga"]],
        [None],
    ],
    ids=repr,
)
def test_custom_attributes_are_a_list_of_objects(
    body_validator: Validator, attributes: Any
) -> None:
    _check(body_validator, {"custom_attributes": attributes}, False)


@pytest.mark.parametrize(
    ("item", "accepted"),
    [
        ({"key": "k", "value": "v"}, True),
        ({"key": "k"}, False),
        ({"value": "v"}, False),
        ({}, False),
        ({"key": "k", "value": "v", "extra": 1}, False),
        ({"key": None, "value": "v"}, False),
        ({"key": 1, "value": "v"}, False),
    ],
    ids=repr,
)
def test_custom_attribute_item_shape(
    body_validator: Validator, item: dict[str, Any], accepted: bool
) -> None:
    _check(body_validator, {"custom_attributes": [item]}, accepted)


@pytest.mark.parametrize(
    ("key", "accepted"),
    [
        ("a", True),
        ("k" * 29, True),
        ("k" * 30, True),
        ("k" * 31, False),
        ("", False),
        ("ABC_xyz-0.9", True),
        ("-", True),
        (".", True),
        ("_", True),
        ("0", True),
        ("with space", False),
        ("slash/key", False),
        ("colon:key", False),
        ("at@key", False),
        ("dollar$", False),
        ("plus+", False),
        ("comma,", False),
        ("key\n", False),
        ("\nkey", False),
        ("tab\tkey", False),
        ("é", False),
        ("ключ", False),
        ("٣", False),
        ("é" * 30, False),
        ("k" * 29 + "é", False),
    ],
    ids=repr,
)
def test_custom_attribute_key(body_validator: Validator, key: str, accepted: bool) -> None:
    _check(body_validator, {"custom_attributes": [{"key": key, "value": "v"}]}, accepted)


def test_every_allowed_key_character(body_validator: Validator) -> None:
    allowed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._"
    for char in allowed:
        _check(body_validator, {"custom_attributes": [{"key": char * 30, "value": 1}]}, True)
    for code in range(0x20, 0x7F):
        char = chr(code)
        if char not in allowed:
            _check(body_validator, {"custom_attributes": [{"key": char, "value": 1}]}, False)


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        ("", True),
        ("v" * 29, True),
        ("v" * 30, True),
        ("v" * 31, False),
        ("é" * 30, True),
        ("é" * 31, False),
        ("日" * 30, True),
        ("日" * 31, False),
        ("😀" * 30, True),
        ("😀" * 31, False),
        ("e\u0301" * 15, True),
        ("e\u0301" * 15 + "e", False),
        (None, True),
        (True, True),
        (False, True),
        (0, True),
        (-1, True),
        (3, True),
        (1.5, True),
        (123456789012345678901234567890123, True),
        (1e308, True),
        (-1e308, True),
        (sys.float_info.max, True),
        (-sys.float_info.max, True),
        (float("inf"), False),
        (float("-inf"), False),
        ({}, False),
        ({"nested": 1}, False),
        ([], False),
        (["v"], False),
    ],
    ids=repr,
)
def test_custom_attribute_value(body_validator: Validator, value: Any, accepted: bool) -> None:
    _check(body_validator, {"custom_attributes": [{"key": "k", "value": value}]}, accepted)


@pytest.mark.parametrize(
    ("literal", "accepted"),
    [
        ("1e308", True),
        ("1.7976931348623157e308", True),
        ("1e400", False),
        ("-1e400", False),
        # integers are compared exactly: the float's shortest decimal form plus one is still
        # below its exact value (Schemathesis's "maximum + 1" of this bound), its exact value
        # plus one is not
        ("17976931348623157" + "0" * 291 + "1", True),
        (str(int(1.7976931348623157e308) + 1), False),
    ],
)
def test_custom_attribute_number_must_fit_a_float64(
    body_validator: Validator, literal: str, accepted: bool
) -> None:
    """A JSON number too large for a float64 reaches Python as infinity: rejected."""
    body = json.loads(f'{{"custom_attributes": [{{"key": "k", "value": {literal}}}]}}')
    _check(body_validator, body, accepted)


def test_duplicate_keys_are_not_a_schema_rule(body_validator: Validator) -> None:
    """JSON Schema cannot say "unique by key": the server rejects a key sent twice."""
    twice = [{"key": "k", "value": 1}, {"key": "k", "value": 2}]
    _check(body_validator, {"custom_attributes": twice}, True)


# ---------------------------------------------------------------------------
# installation_meta
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("meta", "accepted"),
    [
        ({"device_id": "d"}, True),
        ({"device_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}, True),
        ({}, False),
        ({"device_id": ""}, False),
        ({"device_id": None}, False),
        ({"device_id": 1}, False),
        ({"device": "iPhone"}, False),
        ({"device_id": "d", "unknown": "x"}, False),
        ([{"device_id": "d"}], False),
        ("d", False),
    ],
    ids=repr,
)
def test_installation_meta_shape(body_validator: Validator, meta: Any, accepted: bool) -> None:
    _check(body_validator, {"installation_meta": meta}, accepted)


@pytest.mark.parametrize("field", META_NULLABLE_STRINGS)
def test_installation_meta_strings_are_nullable(body_validator: Validator, field: str) -> None:
    _check(body_validator, {"installation_meta": {"device_id": "d", field: "value"}}, True)
    _check(body_validator, {"installation_meta": {"device_id": "d", field: ""}}, True)
    _check(body_validator, {"installation_meta": {"device_id": "d", field: None}}, True)
    _check(body_validator, {"installation_meta": {"device_id": "d", field: 1}}, False)
    _check(body_validator, {"installation_meta": {"device_id": "d", field: True}}, False)


def _meta_body(analytics: bool | None, field: str, value: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"installation_meta": {"device_id": "d", field: value}}
    if analytics is not None:
        body["analytics_disabled"] = analytics
    return body


@pytest.mark.parametrize("field", ADVERTISING_IDS)
@pytest.mark.parametrize(
    ("analytics_disabled", "accepted"),
    [(True, True), (False, False), (None, False)],
    ids=["analytics-disabled", "analytics-enabled", "analytics-absent"],
)
def test_post_advertising_id_null_only_when_the_request_disables_analytics(
    post_validator: Validator, field: str, analytics_disabled: bool | None, accepted: bool
) -> None:
    _check(post_validator, _meta_body(analytics_disabled, field, None), accepted)
    # A string, or the field left out, is fine whatever analytics says.
    _check(post_validator, _meta_body(analytics_disabled, field, "EA7583CD"), True)
    _check(post_validator, _meta_body(analytics_disabled, field, ""), True)
    _check(post_validator, _meta_body(analytics_disabled, "device", "x"), True)
    _check(post_validator, _meta_body(analytics_disabled, field, 1), False)


@pytest.mark.parametrize("field", ADVERTISING_IDS)
@pytest.mark.parametrize(
    ("analytics_disabled", "accepted"),
    [(True, True), (False, False), (None, True)],
    ids=["analytics-disabled", "analytics-enabled", "analytics-absent-stored-decides"],
)
def test_patch_advertising_id_null_unless_the_request_enables_analytics(
    patch_validator: Validator, field: str, analytics_disabled: bool | None, accepted: bool
) -> None:
    """On PATCH, an omitted analytics_disabled leaves the decision to the stored value:
    the schema accepts, and the server decides."""
    _check(patch_validator, _meta_body(analytics_disabled, field, None), accepted)
    _check(patch_validator, _meta_body(analytics_disabled, field, "EA7583CD"), True)
    _check(patch_validator, _meta_body(analytics_disabled, "device", "x"), True)
    _check(patch_validator, _meta_body(analytics_disabled, field, 1), False)


def test_analytics_disabled_null_does_not_open_the_advertising_ids(
    post_validator: Validator, patch_validator: Validator
) -> None:
    body = {"analytics_disabled": None, "installation_meta": {"device_id": "d", "idfa": None}}
    _check(post_validator, body, False)
    _check(patch_validator, body, False)


def test_all_three_advertising_ids_null_together(
    post_validator: Validator, patch_validator: Validator
) -> None:
    meta = {"device_id": "d", "idfa": None, "idfv": None, "advertising_id": None}
    for v in (post_validator, patch_validator):
        _check(v, {"analytics_disabled": True, "installation_meta": meta}, True)
        _check(v, {"analytics_disabled": False, "installation_meta": meta}, False)
        # One rejection per field: a caller sees every offending field.
        errors = _errors(v, {"analytics_disabled": False, "installation_meta": meta})
        assert len(errors) == 3


# ---------------------------------------------------------------------------
# Headers and the response's Request-Id
# ---------------------------------------------------------------------------


def _parameter_validator(spec: dict[str, Any], name: str) -> Validator:
    return validator(spec["components"]["parameters"][name]["schema"], spec)


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        ("u", True),
        ("user-1", True),
        ("8612ED7C-3477-466D-93AE-1854B8E5FDD5", True),
        ("x" * 255, True),
        ("x" * 256, False),
        ("", False),
    ],
    ids=lambda value: repr(value)[:20],
)
def test_customer_user_id_header(spec: dict[str, Any], value: str, accepted: bool) -> None:
    _check(_parameter_validator(spec, "CustomerUserId"), value, accepted)


@pytest.mark.parametrize(
    ("value", "accepted"),
    [(UUID, True), (UUID.upper(), True), ("not-a-uuid", False), (UUID + "\n", False), ("", False)],
    ids=repr,
)
def test_profile_id_header(spec: dict[str, Any], value: str, accepted: bool) -> None:
    _check(_parameter_validator(spec, "ProfileId"), value, accepted)


@pytest.mark.parametrize(
    ("value", "accepted"), [("iOS", True), ("web", True), ("IOS", False), ("", False)], ids=repr
)
def test_platform_header(spec: dict[str, Any], value: str, accepted: bool) -> None:
    _check(_parameter_validator(spec, "Platform"), value, accepted)


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        ("758f01dfd9e74ccfbabb4934241c4966", True),
        ("758F01DFD9E74CCFBABB4934241C4966", False),
        ("758f01df-d9e7-4ccf-babb-4934241c4966", False),
        ("758f01dfd9e74ccfbabb4934241c496", False),
        ("758f01dfd9e74ccfbabb4934241c4966\n", False),
    ],
    ids=repr,
)
def test_request_id_header(spec: dict[str, Any], value: str, accepted: bool) -> None:
    _check(validator(spec["components"]["headers"]["RequestId"]["schema"], spec), value, accepted)
