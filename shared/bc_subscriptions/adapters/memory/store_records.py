"""The store records the API handlers read besides the unit of work, in memory: installs and
the users BigCommerce removed from the app.

`tests/integration/test_storage_contract.py` holds them to the DynamoDB adapters.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import TYPE_CHECKING

import msgspec.structs

from .store import second

if TYPE_CHECKING:
    from ...ports.storage import Install


class MemoryInstalls:
    def __init__(self) -> None:
        self._installs: dict[str, Install] = {}
        self._lock = threading.Lock()

    def get(self, store_hash: str) -> Install | None:
        with self._lock:
            return self._installs.get(store_hash)

    def remember_store_id(self, store_hash: str, store_id: str) -> None:
        """Keep the first store id seen; nothing for a store never installed."""
        with self._lock:
            install = self._installs.get(store_hash)
            if install is not None and install.store_id is None:
                self._installs[store_hash] = msgspec.structs.replace(install, store_id=store_id)

    def installed_after(self, cursor: str, limit: int) -> list[str]:
        """Installed stores in hash order, after `cursor` ("" for the first)."""
        with self._lock:
            installed = sorted(
                h for h, i in self._installs.items() if i.status == "installed" and h > cursor
            )
        return installed[:limit]

    def put(self, install: Install, now: datetime) -> None:
        # A put replaces the whole item: the store id learnt before is not kept.
        stored = msgspec.structs.replace(install, changed_at=second(now), store_id=None)
        with self._lock:
            self._installs[install.store_hash] = stored


class MemoryRemovedUsers:
    def __init__(self) -> None:
        self._removed: dict[tuple[str, int], int] = {}

    def remove(self, store_hash: str, user_id: int, at: datetime) -> None:
        self._removed[(store_hash, user_id)] = int(at.timestamp())

    def removed_at(self, store_hash: str, user_id: int) -> int | None:
        """When the user was last removed (epoch seconds), or None."""
        return self._removed.get((store_hash, user_id))
