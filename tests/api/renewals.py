"""Renewals for API tests: the real sweep over the in-memory due index and the real renewal
workflow for each message the sweep (or a route, such as "retry now") put on the queue, as
RenewalSweepFunction and RenewalWorkerFunction run them on the topology."""

from __future__ import annotations

import itertools
from datetime import timedelta

from bc_subscriptions.adapters.memory.indexes import MemoryDueSubscriptions
from bc_subscriptions.services.messages import RenewSubscription
from bc_subscriptions.services.renewal_sweep import sweep_due_renewals
from bc_subscriptions.services.renewal_workflow import RenewalDeps, run_renewal

from ..services.world import APP_ID
from .world import ApiStack

_workers = itertools.count(1)


def renew(stack: ApiStack, months: int = 1) -> None:
    """A month later (31 days a month), every store's due renewals are swept and worked."""
    stack.clock.advance(timedelta(days=31 * months))
    sweep_due_renewals(stack.now(), due=MemoryDueSubscriptions(stack.store), queue=stack.queue)
    work(stack)


def work(stack: ApiStack) -> None:
    """The renewal worker over every waiting message, in the order they were sent."""
    while stack.queue.bodies:
        cmd = RenewSubscription.from_json(stack.queue.bodies.pop(0))
        deps = RenewalDeps(
            uow=stack.uow(),
            bc=stack.bc,
            clock=stack.clock,
            app_id=APP_ID,
            worker_id=f"worker-{next(_workers)}",
            ops=stack.ops,
        )
        run_renewal(cmd, deps)
