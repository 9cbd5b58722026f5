"""The one cancel flow the admin and portal APIs share.

ownership (not found otherwise) → rate limit (`RateLimited`, with the seconds to wait; see
`change_limits`) →
commitment lock (`cancel_locked`, with the earliest date a cancel is allowed) → the contract
guard (the subscription's own term, else the store's) before its notice window opens
(`contract_notice_period`, or, in `route` mode, a `subscription.cancel_routed` event and
`cancel_routed_to_legal`) → cancel
through the lifecycle resolver, its event in the same transaction (carrying the store's
early-cancel fee as owed, when one applies) → an ops item so the merchant's operator sees the
cancellation, and another for an owed fee. The fee is not charged: nothing here creates a
BigCommerce order or payment for it.

`when="period_end"` runs the same guards and decides the fee at request time, but instead of
cancelling it schedules the cancel at the next renewal date (`subscription.cancel_scheduled`);
the renewal worker cancels then instead of renewing. Only a trialing or active subscription
has such a period end (`cancel_at_period_end_unavailable`), and one at a time
(`cancel_already_scheduled`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

import msgspec

from ..domain.errors import DomainError
from ..domain.lifecycle import Command, resolve
from ..domain.scheduled_change import ChangeKind
from ..domain.subscription_cancels import cancel, ensure_cancel_schedulable, schedule_cancel
from ..domain.subscription_contract import route_cancel
from ..domain.timestamps import iso_timestamp
from ..ports.storage import OpsEvent, OpsEvents, UnitOfWork
from .change_limits import cancel_limit
from .subscription_admin import change_subscription

if TYPE_CHECKING:
    from ..domain.subscription import Subscription
    from ..domain.tenant_config import TenantConfig


class CancelLocked(DomainError):
    """The plan's commitment is not met yet."""

    code = "cancel_locked"

    def __init__(self, earliest_cancel_at: datetime, remaining_cycles: int):
        super().__init__(f"{remaining_cycles} committed cycle(s) still to be paid")
        self.earliest_cancel_at = earliest_cancel_at
        self.remaining_cycles = remaining_cycles


class ContractNoticePeriod(DomainError):
    """The store's contract term does not allow a cancel before its notice window opens."""

    code = "contract_notice_period"

    def __init__(self, window_opens_at: datetime):
        super().__init__("the contract's notice window is not open yet")
        self.window_opens_at = window_opens_at


class CancelRoutedToLegal(ContractNoticePeriod):
    """As `ContractNoticePeriod`, but the request was recorded for the merchant's legal team."""

    code = "cancel_routed_to_legal"


class Cancelled(msgspec.Struct, frozen=True):
    subscription: Subscription
    # What the shopper owes for cancelling early (in the subscription's currency), or None.
    early_cancel_fee: Decimal | None


def earliest_cancel_at(sub: Subscription) -> datetime | None:
    """When the commitment will be met if every renewal is paid (None: it is met already)."""
    remaining = sub.terms.commitment_count - sub.paid_cycles
    if remaining <= 0:
        return None
    # The next `remaining` cycles must be paid; the last of them starts at this date.
    return sub.cycle_starts_at(sub.next_cycle + remaining - 1)


def cancel_subscription(
    store_hash: str,
    subscription_id: str,
    *,
    actor: str,
    uow_factory: Callable[[], UnitOfWork],
    ops: OpsEvents,
    now: datetime,
    customer_id: int | None = None,
    when: Literal["immediately", "period_end"] = "immediately",
) -> Cancelled:
    with uow_factory() as uow:
        config: TenantConfig = uow.tenant_configs.get(store_hash)
    store_guard, fee_policy = config.contract_guard, config.early_cancel_fee
    routed: list[datetime] = []
    fees: list[Decimal] = []

    def _cancel(sub: Subscription) -> None:
        earliest = earliest_cancel_at(sub)
        if earliest is not None:
            raise CancelLocked(earliest, sub.terms.commitment_count - sub.paid_cycles)
        if when == "period_end":
            ensure_cancel_schedulable(sub)
        guard = sub.contract if sub.contract is not None else store_guard
        if guard is not None and guard.guards(now):
            resolve(sub.status, Command.CANCEL)  # an invalid transition answers as such
            if guard.mode == "block":
                raise ContractNoticePeriod(guard.window_opens_at)
            route_cancel(sub, now, guard.window_opens_at)
            routed.append(guard.window_opens_at)
            return
        fee = None if fee_policy is None else fee_policy.owed(sub.paid_cycles)
        if when == "period_end":
            schedule_cancel(sub, now, fee)
        else:
            cancel(sub, now, fee)
        if fee is not None:
            fees.append(fee)

    # Counted after ownership, so probing others' ids does not spend a shopper's budget, and
    # with the outcome, so an attempt that fails (a concurrent change won) is not counted.
    sub = change_subscription(
        store_hash,
        subscription_id,
        _cancel,
        uow_factory=uow_factory,
        now=now,
        customer_id=customer_id,
        limit=cancel_limit(actor, customer_id),
    )
    if routed:
        ops.record(
            OpsEvent(
                store_hash,
                "subscription.cancel_routed",
                {"subscription_id": sub.id, "customer_id": sub.customer_id, "actor": actor},
                now,
            )
        )
        raise CancelRoutedToLegal(routed[0])
    fee = fees[0] if fees else None
    _report(ops, sub, actor=actor, when=when, fee=fee, now=now)
    return Cancelled(sub, fee)


def _report(
    ops: OpsEvents,
    sub: Subscription,
    *,
    actor: str,
    when: str,
    fee: Decimal | None,
    now: datetime,
) -> None:
    """Ops items for the merchant's operator: the cancel, and a fee owed for it."""
    store_hash = sub.store_hash
    # A scheduled cancel says when it takes effect (the fee is owed from then on).
    cancel_at = sub.scheduled_at(ChangeKind.CANCEL)
    scheduled = {} if cancel_at is None else {"cancel_at": iso_timestamp(cancel_at)}
    ops.record(
        OpsEvent(
            store_hash,
            "subscription.cancel_requested",
            {
                "subscription_id": sub.id,
                "customer_id": sub.customer_id,
                "actor": actor,
                "when": when,
                **scheduled,
            },
            now,
        )
    )
    if fee is not None:
        ops.record(
            OpsEvent(
                store_hash,
                "subscription.early_cancel_fee_owed",
                {
                    "subscription_id": sub.id,
                    "customer_id": sub.customer_id,
                    "amount": str(fee),
                    "currency": sub.currency,
                    **scheduled,
                },
                now,
            )
        )
