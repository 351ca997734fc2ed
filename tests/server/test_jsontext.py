"""``jsontext.dumps`` writes exactly what the standard library writes (it takes orjson's text only
where that is provably the same): generated values, and the cases where orjson differs."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recorded_server.serving.jsontext import dumps, dumps_bytes


def reference(value: object, sort_keys: bool = False) -> str:
    return json.dumps(
        value, ensure_ascii=True, allow_nan=False, separators=(",", ":"), sort_keys=sort_keys
    )


scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=25,
)


@settings(max_examples=1000, deadline=None)
@given(value=values, sort_keys=st.booleans())
def test_the_text_is_the_standard_librarys(value: object, sort_keys: bool) -> None:
    try:
        expected = reference(value, sort_keys)
    except ValueError:  # a NaN or an infinity: refused by both
        with pytest.raises(ValueError):
            dumps(value, sort_keys=sort_keys)
        return
    assert dumps(value, sort_keys=sort_keys) == expected
    assert dumps_bytes(value, sort_keys=sort_keys) == expected.encode()


@pytest.mark.parametrize(
    "value",
    [
        1e-05,
        1.6896721116037608e-07,
        [1e-7, "x"],
        {"v": 5e-9},
        0.0001,
        1e16,
        1e22,
        -0.0,
        5e-324,
        2**63,
        2**64,
        -(2**63) - 1,
        10**40,
        "caf\u00e9",
        "\ud800",
        '\x7f\x00\x1f\b\f\n\r\t"\\/',
        {1: "a", 2.5: "b", None: "c"},
        ("a", 1),
        "3fa85f64-5717-4562-b3fc-2c963f66afa6e-1",
        "1e-7,",
        ["ae-1,", 1e-7],  # the first look-alike is no number; the second is orjson's
        {"k": "xe-2}", "v": 3e-8},
        {"a": None, "b": 0.5},
    ],
)
def test_where_orjson_differs_the_text_is_still_the_standard_librarys(value: object) -> None:
    assert dumps(value) == reference(value)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, {"a": None, "b": [math.nan]}])
def test_nan_and_infinity_are_refused_as_the_standard_library_refuses_them(value: object) -> None:
    with pytest.raises(ValueError):
        dumps(value)
