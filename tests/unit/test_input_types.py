"""What callers may put in text and number fields."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from bc_subscriptions.entrypoints.input_types import MultiLine, SingleLine, StrictCount

BIDI = [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]


class Form(BaseModel):
    line: SingleLine = ""
    text: MultiLine = ""
    count: StrictCount = 0


def _clean(text: str) -> bool:
    return all(unicodedata.category(c) != "Cc" and c not in BIDI for c in text)


@given(st.text(max_size=40))
def test_single_line_text_is_refused_exactly_when_it_holds_a_control_or_bidi_character(
    text: str,
) -> None:
    if _clean(text):
        assert Form(line=text).line == text
    else:
        with pytest.raises(ValidationError, match="line"):
            Form(line=text)


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f", "\x85", *BIDI])
def test_multi_line_text_refuses_control_and_bidi_characters_but_keeps_tab_and_newline(
    char: str,
) -> None:
    assert Form(text="a\tb\nc").text == "a\tb\nc"
    with pytest.raises(ValidationError, match="text"):
        Form(text=f"a{char}b")


@pytest.mark.parametrize("value", [True, False, "3", 3.0])
def test_a_count_must_be_a_json_integer(value: object) -> None:
    with pytest.raises(ValidationError, match="count"):
        Form.model_validate({"count": value})
