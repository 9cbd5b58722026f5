"""Reading back the operator's ops items (what `OpsEvents.record` wrote), one store at a time."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import msgspec


class OpsItem(msgspec.Struct, frozen=True):
    """One recorded ops event as the operator reads it; `id` is unique within the store."""

    id: str
    type: str
    occurred_at: datetime
    data: dict[str, object]


class OpsItemPage(msgspec.Struct, frozen=True):
    items: list[OpsItem]
    cursor: str | None  # pass back for the next (older) page; None: nothing older


class OpsItemReads(Protocol):
    def page(
        self, store_hash: str, *, type_: str | None, cursor: str | None, limit: int
    ) -> OpsItemPage:
        """Newest first; only items of `type_` when given. A cursor handed out for another
        store (or never handed out) raises InvalidCursor."""
        ...
