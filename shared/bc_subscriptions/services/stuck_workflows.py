"""The stuck-workflow ops queue: renewals that should have finished but have not.

A subscription sits in its store's sparse DueIndex while a renewal (or a dunning retry, or the
final dunning action) is due, and leaves it when the worker finishes the cycle. The sweep runs
every 5 minutes, so a healthy renewal leaves the index within minutes of its due time. One still
there `stuck_after_minutes` (tenant config, 60 by default) after its due time means the worker
keeps failing, its message was dead-lettered, a worker died holding the cycle's lease, or the
store's backlog exceeds what the sweeps hand out. Only the store's own due partitions are read.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import msgspec

if TYPE_CHECKING:
    from ..domain.charge import Charge
    from ..domain.subscription import Subscription
    from ..ports.storage import SubscriptionReader, UnitOfWork

MAX_PAGE = 100


class StuckWorkflow(msgspec.Struct, frozen=True):
    subscription: Subscription
    cycle: int
    due_at: datetime
    minutes_overdue: int
    charge: Charge | None  # None: no worker ever claimed the cycle
    # not_claimed | lease_held (a worker is on it now) | lease_expired (its worker died or
    # gave up) | idle (claimed, no lease: a failure the next message should resume)
    diagnosis: str


def stuck_workflows(
    store_hash: str,
    *,
    uow: UnitOfWork,
    reader: SubscriptionReader,
    now: datetime,
    cursor: str | None,
    limit: int,
) -> tuple[list[StuckWorkflow], str | None]:
    """One page of the store's stuck renewals, longest overdue first."""
    with uow:
        threshold = now - timedelta(minutes=uow.tenant_configs.get(store_hash).stuck_after_minutes)
    page = reader.overdue(store_hash, threshold, cursor=cursor, limit=min(limit, MAX_PAGE))
    stuck = []
    for row in page.items:
        # The index is read before the items: drop what finished in between.
        due_at = row.subscription.due_at()
        if due_at is None or due_at > threshold or row.subscription.next_cycle != row.due.cycle:
            continue
        stuck.append(
            StuckWorkflow(
                subscription=row.subscription,
                cycle=row.due.cycle,
                due_at=due_at,
                minutes_overdue=int((now - due_at).total_seconds() // 60),
                charge=row.charge,
                diagnosis=_diagnosis(row.charge, now),
            )
        )
    return stuck, page.cursor


def _diagnosis(charge: Charge | None, now: datetime) -> str:
    if charge is None:
        return "not_claimed"
    if charge.lease_owner is None:
        return "idle"
    if charge.lease_until is not None and charge.lease_until > now:
        return "lease_held"
    return "lease_expired"
