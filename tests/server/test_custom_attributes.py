"""custom_attributes: items, keys, values, deletion, the merge by key and the 30 stored cap."""

from __future__ import annotations

from typing import Any

import pytest

from recorded_server.serving import limits

from .conftest import Target, asgi_target
from .helpers import JSON, PATH, assert_error, bad, field_error, who

pytestmark = pytest.mark.anyio

KEY_CHARS = "Only letters, numbers, dashes, periods and underscores are allowed."
KEY_LONG = "Ensure this field has no more than 30 characters."
VALUE_LONG = "Ensure this field has no more than 30 characters."
NUMBER = "Must be a finite number that fits in a 64-bit float."


def attrs(*pairs: tuple[str, Any]) -> dict[str, Any]:
    return {"custom_attributes": [{"key": k, "value": v} for k, v in pairs]}


async def stored_attrs(api: Target, profile_id: str) -> list[dict[str, Any]]:
    attributes: list[dict[str, Any]] = (await api.stored(profile_id))["custom_attributes"]
    return attributes


# --- accepted values and how they are stored -----------------------------------------------


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("yoga", "yoga"),
        ("x" * 30, "x" * 30),
        ("é" * 30, "é" * 30),  # 30 code points, 60 bytes
        ("😀" * 30, "😀" * 30),
        ("0", "0"),
        (" ", " "),
        (3, 3.0),
        (0, 0.0),
        (-7, -7.0),
        (2.5, 2.5),
        (1.0, 1.0),
        (1e308, 1e308),
        (-1.7976931348623157e308, -1.7976931348623157e308),
        (int(1.7976931348623157e308), 1.7976931348623157e308),  # the largest float, as an integer
        (5e-324, 5e-324),
        (12345678901234567890123456789012345, 1.2345678901234568e34),  # numbers: no length limit
        (True, 1.0),
        (False, 0.0),
    ],
    ids=lambda v: repr(v)[:25],
)
async def test_values_are_stored_as_strings_or_floats(api: Target, value: Any, stored: Any) -> None:
    response = await api.client.post(PATH, headers=who("v"), json=attrs(("k", value)))
    assert response.status_code == 200, response.text
    answered = response.json()["data"]["custom_attributes"]
    assert answered == [{"key": "k", "value": stored}]
    assert type(answered[0]["value"]) is type(stored)
    assert await stored_attrs(api, response.json()["data"]["profile_id"]) == answered


async def test_integers_come_back_with_a_fraction_on_the_wire(api: Target) -> None:
    response = await api.client.post(PATH, headers=who("wire"), json=attrs(("n", 3), ("b", True)))
    assert b'"value":3.0' in response.content
    assert b'"value":1.0' in response.content


@pytest.mark.parametrize(
    "key",
    ["a", "A", "0", "-", ".", "_", "a" * 30, "Az09-._", "favourite_sport", "v1.2-beta_3"],
)
async def test_valid_keys(api: Target, key: str) -> None:
    response = await api.client.post(PATH, headers=who("k"), json=attrs((key, "v")))
    assert response.status_code == 200, response.text
    assert response.json()["data"]["custom_attributes"] == [{"key": key, "value": "v"}]


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("a" * 31, KEY_LONG),
        ("é" * 31, KEY_LONG),
        ("", "This field may not be blank."),
        ("a b", KEY_CHARS),
        ("a/b", KEY_CHARS),
        ("a:b", KEY_CHARS),
        ("a+b", KEY_CHARS),
        ("é", KEY_CHARS),
        ("٣", KEY_CHARS),
        ("\uff41", KEY_CHARS),  # fullwidth a
        ("key\n", KEY_CHARS),
        ("$key", KEY_CHARS),
        (None, "This field may not be null."),
        (1, "Not a valid string."),
        (True, "Not a valid string."),
        (["a"], "Not a valid string."),
    ],
    ids=lambda v: repr(v)[:25],
)
async def test_invalid_keys(api: Target, key: Any, message: str) -> None:
    body = {"custom_attributes": [{"key": "ok", "value": 1}, {"key": key, "value": "v"}]}
    response = await api.client.post(PATH, headers=who("k"), json=body)
    assert_error(response, field_error("custom_attributes.1.key", message))
    assert await api.profiles() == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("x" * 31, VALUE_LONG),
        ("é" * 31, VALUE_LONG),
        ([1], 'Must be a string, a number, a boolean or null, not "array".'),
        ({"a": 1}, 'Must be a string, a number, a boolean or null, not "object".'),
    ],
    ids=lambda v: repr(v)[:25],
)
async def test_invalid_values(api: Target, value: Any, message: str) -> None:
    response = await api.client.post(PATH, headers=who("v"), json=attrs(("k", value)))
    assert_error(response, field_error("custom_attributes.0.value", message))


@pytest.mark.parametrize(
    "raw",
    [
        b"1e400",
        b"-1e400",
        b"1.8e308",
        b"1" * 400,
        b"-" + b"9" * 5000,
        str(int(1.7976931348623157e308) + 1).encode(),  # would round down to the largest float
        str(-int(1.7976931348623157e308) - 1).encode(),
    ],
    ids=lambda v: v[:12].decode(),
)
async def test_numbers_too_large_for_a_float_are_400(api: Target, raw: bytes) -> None:
    body = b'{"custom_attributes": [{"key": "k", "value": ' + raw + b"}]}"
    response = await api.client.post(PATH, headers={**who("big"), **JSON}, content=body)
    assert_error(response, field_error("custom_attributes.0.value", NUMBER))


@pytest.mark.parametrize("raw", [b"NaN", b"Infinity", b"-Infinity"])
async def test_nan_and_infinity_tokens_are_parse_errors(api: Target, raw: bytes) -> None:
    body = b'{"custom_attributes": [{"key": "k", "value": ' + raw + b"}]}"
    response = await api.client.post(PATH, headers={**who("nan"), **JSON}, content=body)
    assert response.status_code == 400
    assert response.json()["error_code"] == "parse_error"


# --- the list itself ---------------------------------------------------------------------


async def test_an_empty_list_is_400(api: Target) -> None:
    response = await api.client.post(PATH, headers=who("e"), json={"custom_attributes": []})
    assert_error(
        response, field_error("custom_attributes", "at least one attribute key is required")
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"key": "a", "value": 1}, 'Expected a list of items but got type "object".'),
        ("a=1", 'Expected a list of items but got type "string".'),
        ({"a": 1}, 'Expected a list of items but got type "object".'),
        (1, 'Expected a list of items but got type "number".'),
        (True, 'Expected a list of items but got type "boolean".'),
    ],
)
async def test_not_a_list_is_400(api: Target, value: Any, message: str) -> None:
    response = await api.client.post(PATH, headers=who("e"), json={"custom_attributes": value})
    assert_error(response, field_error("custom_attributes", message))


async def test_30_items_are_accepted_31_are_400(api: Target) -> None:
    thirty = attrs(*((f"k{i}", i) for i in range(30)))
    ok = await api.client.post(PATH, headers=who("thirty"), json=thirty)
    assert ok.status_code == 200
    assert len(ok.json()["data"]["custom_attributes"]) == 30
    thirty_one = attrs(*((f"k{i}", i) for i in range(31)))
    response = await api.client.post(PATH, headers=who("thirty-one"), json=thirty_one)
    assert_error(
        response,
        field_error("custom_attributes", "Ensure this field has no more than 30 elements."),
    )


async def test_deletion_items_count_toward_the_31_limit(api: Target) -> None:
    body = attrs(*((f"k{i}", None) for i in range(31)))
    response = await api.client.post(PATH, headers=who("del31"), json=body)
    assert_error(
        response,
        field_error("custom_attributes", "Ensure this field has no more than 30 elements."),
    )


@pytest.mark.parametrize(
    ("item", "errors"),
    [
        ("k", [("custom_attributes.0", ['Expected a dictionary of items but got type "string".'])]),
        (None, [("custom_attributes.0", ['Expected a dictionary of items but got type "null".'])]),
        ([], [("custom_attributes.0", ['Expected a dictionary of items but got type "array".'])]),
        (
            {},
            [
                ("custom_attributes.0.key", ["This field is required."]),
                ("custom_attributes.0.value", ["This field is required."]),
            ],
        ),
        ({"key": "k"}, [("custom_attributes.0.value", ["This field is required."])]),
        ({"value": "v"}, [("custom_attributes.0.key", ["This field is required."])]),
        (
            {"key": "k", "value": "v", "type": "string"},
            [("custom_attributes.0.type", ["Unknown field."])],
        ),
        (
            {"Key": "k", "value": "v"},
            [
                ("custom_attributes.0.Key", ["Unknown field."]),
                ("custom_attributes.0.key", ["This field is required."]),
            ],
        ),
    ],
    ids=repr,
)
async def test_malformed_items(api: Target, item: Any, errors: list[tuple[str, list[str]]]) -> None:
    response = await api.client.post(PATH, headers=who("m"), json={"custom_attributes": [item]})
    assert_error(response, bad(*errors))


async def test_a_key_twice_in_one_request_is_400(api: Target) -> None:
    body = attrs(("a", 1), ("b", 2), ("a", 3))
    response = await api.client.post(PATH, headers=who("dup"), json=body)
    assert_error(
        response,
        field_error(
            "custom_attributes.2.key", 'Duplicate key "a": each key may appear once per request.'
        ),
    )
    # Keys differing in case are different keys.
    ok = await api.client.post(PATH, headers=who("case"), json=attrs(("a", 1), ("A", 2)))
    assert ok.status_code == 200


async def test_a_key_twice_as_set_and_delete_is_400_too(api: Target) -> None:
    response = await api.client.post(PATH, headers=who("dup"), json=attrs(("a", 1), ("a", None)))
    assert response.status_code == 400


# --- merging across requests -------------------------------------------------------------


async def test_attributes_merge_by_key_and_null_or_empty_deletes(api: Target) -> None:
    created = await api.create(who("merge"), attrs(("a", "1"), ("b", 2), ("c", True)))
    profile_id = created.json()["data"]["profile_id"]
    response = await api.client.patch(
        PATH, headers=who("merge"), json=attrs(("b", None), ("c", ""), ("d", "new"), ("a", "one"))
    )
    assert response.status_code == 200
    expected = [{"key": "a", "value": "one"}, {"key": "d", "value": "new"}]
    assert response.json()["data"]["custom_attributes"] == expected
    assert await stored_attrs(api, profile_id) == expected
    # PATCH without custom_attributes keeps them.
    await api.client.patch(PATH, headers=who("merge"), json={"first_name": "x"})
    assert await stored_attrs(api, profile_id) == expected


async def test_deleting_a_missing_key_is_fine(api: Target) -> None:
    created = await api.create(who("delmiss"), attrs(("gone", None), ("there", "")))
    assert created.json()["data"]["custom_attributes"] == []


async def test_30_stored_is_the_cap_and_a_request_over_it_stores_nothing(api: Target) -> None:
    created = await api.create(who("cap"), attrs(*((f"k{i}", i) for i in range(25))))
    profile_id = created.json()["data"]["profile_id"]
    # 25 + 5 new = 30: fine.
    ok = await api.client.patch(
        PATH, headers=who("cap"), json=attrs(*((f"n{i}", i) for i in range(5)))
    )
    assert ok.status_code == 200
    assert len(ok.json()["data"]["custom_attributes"]) == 30
    before = await api.stored(profile_id)
    # One more new key, along with other changes: 400, and nothing of the request is stored.
    over = await api.client.patch(
        PATH,
        headers=who("cap"),
        json={"first_name": "changed", **attrs(("k0", "updated"), ("extra", 1))},
    )
    assert_error(
        over,
        field_error(
            "custom_attributes",
            "A profile keeps at most 30 custom attributes; this request would leave 31 stored.",
        ),
    )
    assert await api.stored(profile_id) == before
    # Replacing and deleting in the same request keeps it within the cap: fine.
    swap = await api.client.patch(PATH, headers=who("cap"), json=attrs(("k0", None), ("extra", 1)))
    assert swap.status_code == 200
    attributes = swap.json()["data"]["custom_attributes"]
    assert len(attributes) == 30
    assert attributes[-1] == {"key": "extra", "value": 1.0}


async def test_the_stored_cap_is_read_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # In-process only: a monkeypatch does not reach a server process.
    monkeypatch.setattr(limits, "MAX_STORED_ATTRIBUTES", 2)
    async with asgi_target() as api:
        await api.create(who("cap2"), attrs(("a", 1), ("b", 2)))
        response = await api.client.patch(PATH, headers=who("cap2"), json=attrs(("c", 3)))
        assert response.status_code == 400
        created = await api.client.post(
            PATH, headers=who("cap3"), json=attrs(("a", 1), ("b", 2), ("c", 3))
        )
        assert created.status_code == 400


async def test_a_new_profile_starts_with_no_attributes(api: Target) -> None:
    created = await api.create(who("none"))
    assert created.json()["data"]["custom_attributes"] == []
