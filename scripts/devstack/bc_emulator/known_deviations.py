"""Requests our client sends today that BigCommerce's contract refuses, tolerated until fixed.

Each entry names the endpoint, the exact refusal it tolerates and the issue that fixes it. A
tolerated request is served and recorded as tolerated (the contract test lists them); anything
else about the same request is still refused. Remove an entry with the fix it names.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Deviation(NamedTuple):
    endpoint: str
    reason: re.Pattern[str]
    fixed_by: str


KNOWN_DEVIATIONS: tuple[Deviation, ...] = (
    Deviation(
        "POST /stores/{store_hash}/v2/orders",
        re.compile(
            r"^body\.products\[\d+\]\.price_(ex|inc)_tax: '-?\d+(\.\d+)?' is not of type 'number'$"
        ),
        "issue 13, renewal orders: prices go out as decimal strings; the spec types them numbers",
    ),
)


def tolerated(endpoint: str, reason: str) -> Deviation | None:
    """The entry that tolerates `reason` on `endpoint`, if any."""
    return next(
        (d for d in KNOWN_DEVIATIONS if d.endpoint == endpoint and d.reason.match(reason)), None
    )
