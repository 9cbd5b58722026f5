"""The sparse indexes the sweeps read (DueIndex, AuthExpiryIndex), over a MemoryStore.

They hold what the DynamoDB adapter would index from the same records: a subscription while
it has a due time, a charge while its authorization has a check time, each listed once its
time (to the second, as the index keys keep it) is at or before `now`, shard by shard.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from ...domain.charge import Charge
from ...domain.record import from_json
from ...domain.subscription import Subscription
from ...ports.storage import AuthorizationDue, DueSubscription
from ..dynamodb import keys
from .store import MemoryStore, second


class StoresVisited:
    """The stores a sweep visits: `installed`, or every store holding a record under
    `PARTITION` (what the installs table would list)."""

    PARTITION = "SUB#"

    def __init__(
        self, store: MemoryStore, *, shards: int = 8, installed: Iterable[str] | None = None
    ) -> None:
        self._store, self._shards = store, shards
        self._installed = None if installed is None else sorted(set(installed))

    def stores(self) -> Iterator[str]:
        if self._installed is not None:
            yield from self._installed
            return
        found = {pk.split("#")[1] for (pk, _), _ in self._store.scan(self.PARTITION, keys.META)}
        yield from sorted(found)


class MemoryDueSubscriptions(StoresVisited):
    """`installed`: the stores the sweep visits (None: every store holding a subscription)."""

    def due(self, now: datetime, store_hash: str) -> Iterator[DueSubscription]:
        limit = keys.timestamp(now)
        rows: list[tuple[int, str, DueSubscription]] = []
        for (_, sk), row in self._store.scan(keys.sub_pk(store_hash, ""), keys.META):
            if sk != keys.META:
                continue
            sub = from_json(Subscription, row.value)
            due_at = sub.due_at()
            if due_at is None or keys.timestamp(due_at) > limit:
                continue
            _, due_sk = keys.due_keys(store_hash, sub.id, due_at, self._shards)
            shard = keys.shard_of(sub.id, self._shards)
            rows.append(
                (
                    shard,
                    due_sk,
                    DueSubscription(store_hash, sub.id, sub.next_cycle, second(due_at)),
                )
            )
        for _, _, due in sorted(rows, key=lambda r: (r[0], r[1])):
            yield due


class MemoryOpenAuthorizations:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def due(self, now: datetime) -> Iterator[AuthorizationDue]:
        limit = keys.timestamp(now)
        rows: list[tuple[str, str, AuthorizationDue]] = []
        for _, row in self._store.scan("SUB#", "CHARGE#"):
            charge = from_json(Charge, row.value)
            check_at = charge.authorization.check_at if charge.authorization else None
            if check_at is None or keys.timestamp(check_at) > limit:
                continue
            ids = (charge.store_hash, charge.subscription_id, charge.cycle)
            pk, sk = keys.auth_keys(*ids, check_at, charge.location_id)
            rows.append((pk, sk, AuthorizationDue(*ids, charge.location_id)))
        for _, _, due in sorted(rows, key=lambda r: (r[0], r[1])):
            yield due
