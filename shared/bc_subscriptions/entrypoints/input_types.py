"""Field types for what callers send us: numbers that are numbers, text that is only text.

JSON `true` is not the number 1, so ids and counts are strict integers. Text may hold no
control characters (NUL and the C0/C1 ranges; multi-line text keeps tab and newline) and no
bidirectional override or isolate characters, which make an address or a label display as
something other than what is stored.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator, Field, Strict

# LRE, RLE, PDF, LRO, RLO and LRI, RLI, FSI, PDI
_BIDI_CONTROLS = frozenset(chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def _refuse(text: str, allowed: frozenset[str]) -> str:
    for char in text:
        if char in allowed:
            continue
        if unicodedata.category(char) == "Cc" or char in _BIDI_CONTROLS:
            raise ValueError(f"contains a control character (U+{ord(char):04X})")
    return text


def single_line(text: str) -> str:
    return _refuse(text, frozenset())


def multi_line(text: str) -> str:
    return _refuse(text, frozenset("\t\n"))


StrictCount = Annotated[int, Strict()]
SingleLine = Annotated[str, AfterValidator(single_line)]
MultiLine = Annotated[str, AfterValidator(multi_line)]
Id = Annotated[int, Strict(), Field(ge=1)]
