"""Which JSON values the receivers have always taken as a callback's `created_at`.

Nothing reads `created_at`; it is checked only so that the deliveries refused stay the ones that
always were: null, an integer, a boolean, a whole float strictly inside 64 bits, or a string
spelling an integer (padded with white space, signed, with leading zeros, single underscores
between digits, or a fraction of zeros).
"""

from __future__ import annotations

import math
import re

_LIMIT = 2.0**63
# Unicode's White_Space; `str.strip()` alone would also take \x1c-\x1f.
_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000" + "".join(
    chr(c) for c in range(0x2000, 0x200B)
)
_JSON_INT = re.compile(r"-?(?:0|[1-9][0-9]*)\Z")
MAX_CHARS = 4300  # sign included, as a JSON number's integer part


def loose_int(value: object) -> int | None:
    """`value`, as decoded from JSON, read as an integer (or None for null); `ValueError` when
    it reads as neither."""
    if value is None:
        return None
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and -_LIMIT < value < _LIMIT:
            return int(value)
    elif isinstance(value, str):
        literal = value if _JSON_INT.match(value) else _cleaned(value)
        if literal is not None and _JSON_INT.match(literal) and len(literal) <= MAX_CHARS:
            return int(literal)
    # msgspec's own wording, so that the refusal reads like the others.
    raise ValueError("Expected an integer or null - at `$.created_at`")


def _cleaned(text: str) -> str | None:
    """`text` as a plain integer literal (`-?digits`), or None when it spells no integer."""
    rest = text.strip(_SPACE)
    if rest.startswith("+"):
        rest = rest[1:]
        if rest.startswith("-"):
            return None
    sign = ""
    if rest.startswith("-"):
        rest, sign = rest[1:], "-"
        if rest.startswith(("-", "+")):
            return None
    significant = _without_leading_zeros(rest)
    if significant is None:
        return None
    rest = significant
    whole, dot, fraction = rest.partition(".")
    if dot and fraction and not fraction.strip("0"):
        rest = whole
    if "_" in rest and not (rest.startswith("_") or rest.endswith("_") or "__" in rest):
        return sign + rest.replace("_", "")
    if len(rest) == len(text):
        return None  # nothing to clean: it was not an integer as it stood
    return sign + rest


def _without_leading_zeros(text: str) -> str | None:
    """`text` from its first significant character; one zero is kept before a `.` or alone."""
    if not text or text[0] not in "0123456789-":
        return None
    if text[0] != "0":
        return text
    for at, char in enumerate(text[1:], start=1):
        if char in "123456789-":
            return text[at:]
        if char == ".":
            return text[at - 1 :]
        if char not in "0_":
            return None
    return text[-1:]
