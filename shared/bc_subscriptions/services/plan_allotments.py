"""A plan's allotments, granted to each subscriber when their subscription starts.

Each grant's id derives from the subscription, the product and the allotment's place in the
plan, so granting again (a duplicate webhook, a retry after a crash between the capture and
the grants) grants nothing more. The holder is the subscription's customer, who is the
store's by construction: no BigCommerce check is needed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..domain.allotments import GrantedBy, PlanAllotment
from ..domain.lifecycle import Status
from ..ports.storage import ConcurrencyConflict, UnitOfWork
from .allotments import AllotmentDeps, NewGrant, grant_allotment

if TYPE_CHECKING:
    from ..domain.subscription import Subscription
    from .capture_from_order import PlanLookup

STARTED = frozenset({Status.ACTIVE, Status.TRIALING})


def plan_grant_id(subscription_id: str, product_id: int, index: int) -> str:
    return f"alg_{subscription_id}_{product_id}_{index}"


def grant_plan_allotments(
    store_hash: str,
    subscription_ids: tuple[str, ...],
    *,
    uow_factory: Callable[[], UnitOfWork],
    plans: PlanLookup,
    deps: AllotmentDeps,
) -> int:
    """Grant what the subscriptions' plans grant; how many grants are new."""
    with uow_factory() as uow:
        subs = [
            sub
            for sid in subscription_ids
            if (sub := uow.subscriptions.get(store_hash, sid)) is not None and sub.status in STARTED
        ]
    product_ids = {line.product_id for sub in subs for line in sub.lines}
    if not subs:
        return 0
    found = plans.plans_for(store_hash, product_ids, deps.clock.now())
    granted = 0
    for sub in subs:
        for product_id in sorted({line.product_id for line in sub.lines}):
            plan = found.get(product_id)
            for index, allotment in enumerate(plan.allotments if plan else ()):
                granted += _grant_once(sub, product_id, index, allotment, deps)
    return granted


def _grant_once(
    sub: Subscription, product_id: int, index: int, terms: PlanAllotment, deps: AllotmentDeps
) -> int:
    request = NewGrant(
        customer_id=sub.customer_id,
        unit=terms.unit,
        amount_per_period=terms.amount_per_period,
        granted_by=GrantedBy(kind="plan", id=sub.id),
        currency_code=terms.currency_code,
        cadence=terms.cadence,
        rollover=terms.rollover,
        overdraft_limit=terms.overdraft_limit,
        order_debit=terms.order_debit,
        product_ids=terms.product_ids,
        reason=terms.reason or "plan",
        subscription_id=sub.id,
    )
    try:
        grant_allotment(
            sub.store_hash,
            request,
            deps=deps,
            bc=None,
            grant_id=plan_grant_id(sub.id, product_id, index),
        )
    except ConcurrencyConflict:
        return 0  # granted before
    return 1
