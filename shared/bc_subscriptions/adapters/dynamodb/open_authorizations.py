"""Reads of the sparse AuthExpiryIndex: the sweep costs what needs looking at, not what exists."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from ...ports.storage import AuthorizationDue
from . import keys
from .errors import translated_errors
from .models import ChargeItem


class OpenAuthorizations:
    def __init__(self, page_size: int = 200) -> None:
        self.page_size = page_size

    def due(self, now: datetime) -> Iterator[AuthorizationDue]:
        upper = f"{keys.timestamp(now)}~"  # '~' sorts after '#': every key at `now` is included
        for shard in range(keys.AUTH_SHARDS):
            with translated_errors():
                rows = ChargeItem.auth_expiry.query(
                    f"AUTH#{shard}", ChargeItem.auth_sk <= upper, page_size=self.page_size
                )
                for row in rows:
                    _, store_hash, subscription_id, cycle, *location = str(row.auth_sk).split("#")
                    location_id = location[0] if location else None
                    yield AuthorizationDue(store_hash, subscription_id, int(cycle), location_id)
