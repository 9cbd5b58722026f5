"""The refresh sweep of allotments: grants whose next period has begun, read from their sparse
sharded partitions of the DueIndex (a run costs what is due, never a scan), each refreshed in
its own transaction. Refreshing is idempotent per period, so a duplicate or overlapping run
changes nothing; what a run leaves (time or budget ran out, a store failed) stays due.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from itertools import islice
from typing import TYPE_CHECKING

import msgspec

from ..observability import logger
from .allotments import AllotmentDeps, refresh_grant

if TYPE_CHECKING:
    from ..ports.allotment_storage import AllotmentDueReader


class RefreshSweepResult(msgspec.Struct, frozen=True):
    grants: int  # grants refreshed
    periods: int  # periods started (a late grant starts several)
    complete: bool
    failed_stores: int = 0


def sweep_allotment_refreshes(
    now: datetime,
    *,
    due: AllotmentDueReader,
    deps: AllotmentDeps,
    budget: int = 5_000,
    time_left_ms: Callable[[], int] = lambda: 60_000,
    reserve_ms: int = 5_000,
) -> RefreshSweepResult:
    grants = periods = failed = 0
    for store_hash in due.stores():
        try:
            for row in islice(due.due(now, store_hash), max(budget - grants, 0)):
                if time_left_ms() < reserve_ms:
                    return RefreshSweepResult(grants, periods, False, failed)
                started = refresh_grant(store_hash, row.grant_id, deps=deps, now=now)
                grants += 1 if started else 0
                periods += started
        except Exception:
            # One store's failure ends only its turn: its grants stay due for the next run.
            logger.exception("allotment refresh of a store failed", store_hash=store_hash)
            failed += 1
        if grants >= budget:
            return RefreshSweepResult(grants, periods, False, failed)
    return RefreshSweepResult(grants, periods, failed == 0, failed)
