"""The JSON grammar a BigCommerce delivery body is read with: what it takes and what it refuses."""

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bc_subscriptions.services.webhook_json import (
    MAX_DEPTH,
    MAX_INTEGER_CHARS,
    NotJson,
    read_json,
)

json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(),
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(), inner)),
    max_leaves=20,
)


@given(json_values)
def test_any_json_document_reads_back_as_what_was_written(value: object) -> None:
    # Given / When / Then (text as it is and escaped to ASCII alike)
    assert read_json(json.dumps(value).encode()) == value
    assert read_json(json.dumps(value, ensure_ascii=False).encode()) == value


def test_nan_infinity_and_a_number_too_large_for_a_float_are_taken() -> None:
    # Given / When
    value = read_json(b'{"a": NaN, "b": Infinity, "c": -Infinity, "d": 1e400, "e": -0.0}')
    # Then
    assert isinstance(value, dict)
    assert math.isnan(value["a"])
    assert (value["b"], value["c"], value["d"]) == (math.inf, -math.inf, math.inf)
    assert math.copysign(1, value["e"]) == -1


def test_a_repeated_member_keeps_its_last_value_in_its_first_place() -> None:
    value = read_json(b'{"a": 1, "b": 2, "a": 3}')
    assert isinstance(value, dict)
    assert list(value.items()) == [("a", 3), ("b", 2)]


def _nested(depth: int, kinds: list[str], leaf: bytes) -> bytes:
    opening = b"".join(b"[" if k == "list" else b'{"k":' for k in kinds[:depth])
    closing = b"".join(b"]" if k == "list" else b"}" for k in reversed(kinds[:depth]))
    return opening + leaf + closing


@given(
    depth=st.integers(min_value=MAX_DEPTH - 3, max_value=MAX_DEPTH + 3),
    kinds=st.lists(st.sampled_from(["list", "dict"]), min_size=MAX_DEPTH + 3),
    leaf=st.sampled_from([b"1", b'"s"', b"null"]),
)
def test_a_value_inside_more_than_200_containers_is_refused_however_they_mix(
    depth: int, kinds: list[str], leaf: bytes
) -> None:
    # Given a value nested in `depth` arrays and objects
    body = _nested(depth, kinds, leaf)
    # When / Then
    if depth <= MAX_DEPTH:
        read_json(body)
    else:
        with pytest.raises(NotJson):
            read_json(body)


def test_an_empty_container_counts_no_value_inside_it() -> None:
    # Given / When / Then: the innermost empty array holds nothing at depth 201
    read_json(b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1))
    with pytest.raises(NotJson):
        read_json(b"[" * (MAX_DEPTH + 2) + b"]" * (MAX_DEPTH + 2))


def test_nesting_as_deep_as_the_body_allows_is_a_refusal_not_a_crash() -> None:
    with pytest.raises(NotJson):
        read_json(b"[" * 30_000 + b"]" * 30_000)


@pytest.mark.parametrize(
    ("number", "taken"),
    [
        (b"9" * MAX_INTEGER_CHARS, True),
        (b"9" * (MAX_INTEGER_CHARS + 1), False),
        (b"-" + b"9" * (MAX_INTEGER_CHARS - 1), True),
        (b"-" + b"9" * MAX_INTEGER_CHARS, False),  # the sign counts
        (b"1" + b"0" * (MAX_INTEGER_CHARS - 1) + b".5", True),
        (b"1" + b"0" * MAX_INTEGER_CHARS + b".5", False),
        (b"1" + b"0" * MAX_INTEGER_CHARS + b"e3", False),
        (b"1." + b"1" * 10_000, True),  # only the integer part is limited
        (b"1e" + b"1" * 10_000, True),
    ],
    ids=lambda v: repr(v)[:20],
)
def test_a_number_s_integer_part_is_at_most_4300_characters(number: bytes, taken: bool) -> None:
    # Given / When / Then
    if taken:
        read_json(b"[" + number + b"]")
    else:
        with pytest.raises(NotJson):
            read_json(b"[" + number + b"]")


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"  ",
        b'{"a": 1} x',
        b"{}{}",
        b"\xef\xbb\xbf{}",  # a byte-order mark
        b'{"a": "\xff"}',  # not UTF-8
        b'{"a": "\xed\xa0\x80"}',  # a surrogate encoded in UTF-8
        b'{"a": "\\ud800"}',  # a lone surrogate escape, in a value
        b'{"\\udc00": 1}',  # and in a key
        b'["\\udc00\\ud800"]',  # a pair in the wrong order
        b'{"a": "\x01"}',  # a raw control character
        b'{"a": 01}',
        b'{"a": nan}',
        b'{"a": +Infinity}',
        b'{"a": 1,}',
        b"{'a': 1}",
    ],
    ids=lambda b: repr(b)[:24],
)
def test_what_is_not_json_is_refused(body: bytes) -> None:
    with pytest.raises(NotJson):
        read_json(body)


def test_a_surrogate_pair_escape_is_one_character() -> None:
    assert read_json(b'["\\ud83d\\ude00"]') == ["\U0001f600"]
