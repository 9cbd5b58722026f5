"""A plan's grants end with their subscription.

The entitlement worker feeds the subscription events it follows (the table's stream) here
too. On `subscription.cancelled` or `subscription.expired`, read against the subscription's
current status (an ended subscription never lives again), each grant its plan made for it is
revoked through the usual revoke path, its `allotment.revoked` event naming the end and its
reason; the merchant's own grants to the same customer are left alone. Each grant is revoked
in its own transaction and a revoked one is skipped, so a duplicate delivery, concurrent
workers or a crash between two grants' commits change nothing twice: the redelivery revokes
what is left. A cancel at period end is scheduled with the subscription still active, so its
grants last until the cancel takes effect (its own `subscription.cancelled`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from ..domain import events as ev
from ..domain.allotments import AllotmentGrant, AllotmentNotActive, GrantedBy, GrantStatus
from ..domain.lifecycle import Status
from ..observability import logger
from .allotments import MAX_PAGE, AllotmentDeps, change_status

if TYPE_CHECKING:
    from ..domain.subscription import Subscription
    from ..ports.allotment_storage import AllotmentRepository
    from ..ports.storage import UnitOfWork

ENDED = frozenset({Status.CANCELLED, Status.EXPIRED})
ENDINGS = frozenset({ev.SUBSCRIPTION_CANCELLED, ev.SUBSCRIPTION_EXPIRED})


def end_plan_allotments(
    store_hash: str,
    subscription_id: str,
    *,
    event_type: str,
    data: dict[str, Any],
    uow_factory: Callable[[], UnitOfWork],
    deps: AllotmentDeps,
) -> int:
    """Revoke the plan's grants of an ended subscription; how many this call revoked."""
    if event_type not in ENDINGS:
        return 0
    with uow_factory() as uow:
        sub = uow.subscriptions.get(store_hash, subscription_id)
    if sub is None or sub.status not in ENDED:
        return 0
    reason = end_reason(event_type, data)
    revoked = 0
    for grant in list(plan_grants(sub, deps.grants)):
        if grant.status is GrantStatus.REVOKED:
            continue  # revoked before: by an earlier delivery, or by the merchant
        try:
            change_status(store_hash, grant.id, "revoke", deps=deps, reason=reason)
        except AllotmentNotActive:
            continue  # a concurrent delivery revoked it between our read and its write
        revoked += 1
    if revoked:
        logger.info(
            "plan allotments revoked", store_hash=store_hash, subscription_id=sub.id, count=revoked
        )
    return revoked


def plan_grants(sub: Subscription, grants: AllotmentRepository) -> Iterator[AllotmentGrant]:
    """The grants the subscription's plan made (its customer's, granted by the subscription)."""
    granted_by = GrantedBy(kind="plan", id=sub.id)
    cursor: str | None = None
    while True:
        page = grants.page(
            sub.store_hash, customer_id=sub.customer_id, cursor=cursor, limit=MAX_PAGE
        )
        for grant in page.grants:
            if grant.granted_by == granted_by and grant.subscription_id == sub.id:
                yield grant
        if page.cursor is None:
            return
        cursor = page.cursor


def end_reason(event_type: str, data: dict[str, Any]) -> str:
    """The end as the revoked event records it: `subscription.cancelled:period_end`,
    `subscription.cancelled:dunning_exhausted`, `subscription.expired`."""
    why = data.get("reason")
    return f"{event_type}:{why}" if isinstance(why, str) and why else event_type
