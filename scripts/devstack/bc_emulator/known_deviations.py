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


# Empty: renewal line prices go out as numbers, as the spec types them.
KNOWN_DEVIATIONS: tuple[Deviation, ...] = ()


def tolerated(endpoint: str, reason: str) -> Deviation | None:
    """The entry that tolerates `reason` on `endpoint`, if any."""
    return next(
        (d for d in KNOWN_DEVIATIONS if d.endpoint == endpoint and d.reason.match(reason)), None
    )
