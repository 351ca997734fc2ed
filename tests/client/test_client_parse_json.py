"""``types.parse_json`` reads every response body exactly as ``json.loads`` reads it (orjson reads
it only where the two agree): generated documents and number texts, and the cases where orjson
alone would read a different value or refuse the body."""

from __future__ import annotations

import json

import pytest
from adapty_profile_client.types import parse_json
from hypothesis import given, settings
from hypothesis import strategies as st


def same(body: bytes) -> None:
    """``parse_json`` gives what ``json.loads`` gives, to the type and the sign of a zero (reprs
    differ for ``1`` and ``1.0``, ``0.0`` and ``-0.0``, ``True`` and ``1``), or raises the same."""
    try:
        expected = json.loads(body)
    except ValueError as refused:
        with pytest.raises(type(refused)):
            parse_json(body)
        return
    assert repr(parse_json(body)) == repr(expected)


scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text()
)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=25,
)


@settings(max_examples=1000, deadline=None)
@given(value=documents, ensure_ascii=st.booleans())
def test_a_document_reads_as_the_standard_library_reads_it(
    value: object, ensure_ascii: bool
) -> None:
    same(json.dumps(value, ensure_ascii=ensure_ascii).encode("utf-8", "surrogatepass"))


# Number texts as a server may write them: any digits, any fraction, any exponent.
number_texts = st.builds(
    lambda sign, digits, fraction, exponent: f"{sign}{digits}{fraction}{exponent}",
    st.sampled_from(["", "-"]),
    st.from_regex(r"(0|[1-9][0-9]{0,40})", fullmatch=True),
    st.sampled_from([""]) | st.from_regex(r"\.[0-9]{1,40}", fullmatch=True),
    st.sampled_from([""]) | st.from_regex(r"[eE][+-]?[0-9]{1,4}", fullmatch=True),
)


@settings(max_examples=2000, deadline=None)
@given(number=number_texts)
def test_a_number_reads_as_the_standard_library_reads_it(number: str) -> None:
    same(f'{{"total_revenue_usd":{number},"list":[{number}]}}'.encode())


@pytest.mark.parametrize(
    "body",
    [
        b'{"timestamp": 18446744073709551616}',  # past 64 bits: orjson alone reads a float
        b'{"timestamp": -9223372036854775809}',
        b"123456789012345678901234567890",
        b'{"v": 1e400}',  # past a float's range: json reads inf, orjson refuses
        b'{"v": NaN}',
        b'{"v": -Infinity}',
        b'"\\ud800"',  # a lone surrogate
        b'\xef\xbb\xbf{"a": 1}',  # a UTF-8 byte order mark
        '{"a": "caf\u00e9"}'.encode("utf-16"),
        '{"a": 1}'.encode("utf-32-le"),
        b'{"a": 1, "a": 2}',  # a repeated key: the last one
        b'{"v": -0.0, "w": -0}',
        b'{"v": 5e-324, "w": 1.7976931348623157e308}',
        b"",
        b"{",
        b'{"a": 1} x',
        b"\xff\xfe\x00",
    ],
)
def test_where_orjson_alone_would_differ(body: bytes) -> None:
    same(body)


def test_a_long_digit_run_in_a_string_still_reads() -> None:
    """Only the speed differs: the standard library reads it."""
    body = b'{"store_transaction_id": "10000000000000000000000"}'
    assert parse_json(body) == {"store_transaction_id": "10000000000000000000000"}
