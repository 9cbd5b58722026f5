"""A callback's `created_at`: the lenient integer reading the receivers have always given it."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bc_subscriptions.services.loose_int import MAX_CHARS, loose_int


@pytest.mark.parametrize(
    ("value", "read"),
    [
        (None, None),
        (1700000000, 1700000000),
        (-(10**30), -(10**30)),
        (True, 1),
        (False, 0),
        (1e3, 1000),
        (-0.0, 0),
        (9223372036854774784.0, 9223372036854774784),
        ("17", 17),
        (" \t17\n", 17),
        ("\u300017\xa0", 17),  # Unicode white space pads too
        ("+17", 17),
        ("-17", -17),
        ("0017", 17),
        ("-0017", -17),
        ("1_700", 1700),
        ("0_0", 0),
        ("17.0", 17),
        ("17.000", 17),
        ("00.0", 0),
        ("0-5", -5),  # a minus after leading zeros is taken as the sign
        ("9" * MAX_CHARS, int("9" * MAX_CHARS)),
        ("0" * (MAX_CHARS + 5), 0),  # leading zeros do not count
    ],
    ids=lambda v: repr(v)[:20],
)
def test_what_reads_as_an_integer(value: object, read: int | None) -> None:
    assert loose_int(value) == read


@pytest.mark.parametrize(
    "value",
    [
        1.5,
        float("nan"),
        float("inf"),
        2.0**63,
        -(2.0**63),
        1e19,
        "",
        " ",
        "1.",
        ".0",
        "1.5",
        "1.0.0",
        "1e3",
        "0x10",
        "_1",
        "1_",
        "1__0",
        "1.0_0",
        "+-1",
        "--1",
        "-+1",
        "+ 1",
        "1 1",
        "\x1c1",  # Python strips it, Unicode does not count it as white space
        "\u0661",  # a digit, but not an ASCII one
        "-" + "9" * MAX_CHARS,  # the sign counts towards the limit
        "9" * (MAX_CHARS + 1),
        [],
        {},
        [1],
    ],
    ids=lambda v: repr(v)[:20],
)
def test_what_is_refused(value: object) -> None:
    with pytest.raises(ValueError, match="created_at"):
        loose_int(value)


@given(
    number=st.integers(min_value=-(10**40), max_value=10**40),
    padding=st.text(" \t\n\r\u3000", max_size=3),
    zeros=st.integers(min_value=0, max_value=3),
    fraction=st.integers(min_value=0, max_value=3),
    grouped=st.booleans(),
)
def test_an_integer_spelled_in_any_accepted_way_reads_as_itself(
    number: int, padding: str, zeros: int, fraction: int, grouped: bool
) -> None:
    # Given the integer with leading zeros, digit groups, a fraction of zeros and padding
    digits = "0" * zeros + (f"{abs(number):_}" if grouped else str(abs(number)))
    text = padding + ("-" if number < 0 else "") + digits
    text += ("." + "0" * fraction if fraction else "") + padding
    # When / Then
    assert loose_int(text) == number


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_float_is_taken_only_when_whole_and_within_64_bits(number: float) -> None:
    if number.is_integer() and abs(number) < 2.0**63:
        assert loose_int(number) == int(number)
    else:
        with pytest.raises(ValueError, match="created_at"):
            loose_int(number)
