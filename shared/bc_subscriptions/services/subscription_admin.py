"""Reading and changing subscriptions on behalf of a merchant (or, scoped, a shopper).

Every change loads the subscription in a unit of work, applies one domain operation (which
goes through the lifecycle resolver and records its event) and commits state and event
together. A subscription of another store, or not the shopper's, is reported as not found.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgspec

from ..domain import subscription_cancels, subscription_dunning, subscription_pauses
from ..domain.actors import customers_of
from ..domain.company_access import reaches as company_reaches
from ..domain.errors import DomainError
from ..domain.lifecycle import Status
from ..ports.storage import ConcurrencyConflict, SubscriptionReader, UnitOfWork
from .change_limits import ChangeLimit, RateLimited, change_limit
from .messages import RenewSubscription
from .payment_recovery import choose_card, send_retries, stored_instrument

if TYPE_CHECKING:
    from ..domain.subscription import Subscription
    from ..ports.bigcommerce import BigCommerce
    from ..ports.queues import MessageQueue

MAX_PAGE = 100
_SUBSCRIPTION_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")

# The ops queues: which statuses wait in each (the index is updated with the subscription, so
# the status check below only drops what changed between the index read and the item read).
OPS_QUEUES = {"failed_charges": Status.PAST_DUE, "requires_action": Status.REQUIRES_ACTION}


class SubscriptionNotFound(Exception):
    """Unknown here: another store's, another shopper's, or no such subscription."""


class RenewalInProgress(DomainError):
    """The next cycle's renewal is running (its charge is claimed and not final): a change
    that would stop it or move past it waits until it has finished."""

    code = "renewal_in_progress"


# The statuses in which the renewal worker charges a cycle.
_RENEWING = frozenset({Status.TRIALING, Status.ACTIVE, Status.PAST_DUE, Status.REQUIRES_ACTION})


class Filters(msgspec.Struct, frozen=True):
    status: Status | None = None
    customer_id: int | None = None
    product_id: int | None = None
    renews_after: datetime | None = None
    renews_before: datetime | None = None

    def match(self, sub: Subscription) -> bool:
        if self.status is not None and sub.status != self.status:
            return False
        # A customer's links outlive a role they left: the record says who holds one now.
        if self.customer_id is not None and self.customer_id not in customers_of(
            sub.actors_in_force()
        ):
            return False
        if self.product_id is not None and all(
            line.product_id != self.product_id for line in sub.lines
        ):
            return False
        renews = sub.next_renewal_at
        if self.renews_after is not None and renews < self.renews_after:
            return False
        return not (self.renews_before is not None and renews >= self.renews_before)


def list_subscriptions(
    store_hash: str,
    filters: Filters,
    *,
    reader: SubscriptionReader,
    cursor: str | None,
    limit: int,
) -> tuple[list[Subscription], str | None]:
    """One page of the store's subscriptions that match; filters other than the customer apply
    within the page read, so a page may hold fewer than `limit` (the cursor still advances)."""
    page = reader.page(
        store_hash, customer_id=filters.customer_id, cursor=cursor, limit=min(limit, MAX_PAGE)
    )
    return [s for s in page.subscriptions if filters.match(s)], page.cursor


def ops_queue(
    store_hash: str,
    queue: str,
    *,
    reader: SubscriptionReader,
    cursor: str | None,
    limit: int,
) -> tuple[list[Subscription], str | None]:
    """One page of the store's subscriptions waiting in an ops queue, oldest failure first."""
    page = reader.ops_queue(store_hash, queue, cursor=cursor, limit=min(limit, MAX_PAGE))
    wanted = OPS_QUEUES[queue]
    return [s for s in page.subscriptions if s.status == wanted], page.cursor


def retry_payment_now(
    store_hash: str,
    subscription_id: str,
    *,
    uow_factory: Callable[[], UnitOfWork],
    queue: MessageQueue,
    now: datetime,
    customer_id: int | None = None,
) -> tuple[Subscription, int]:
    """Bring the cycle's scheduled dunning retry forward to now and hand it to the renewal
    worker, whose dunning path pays the cycle's existing order again. The retry time is
    committed first: should the send fail, the next sweep finds the retry due anyway."""
    cycles: list[int] = []

    def bring_forward(sub: Subscription) -> None:
        cycles.append(subscription_dunning.retry_payment_now(sub, now))

    sub = change_subscription(
        store_hash,
        subscription_id,
        bring_forward,
        uow_factory=uow_factory,
        now=now,
        customer_id=customer_id,
    )
    body = RenewSubscription(store_hash=store_hash, subscription_id=sub.id, cycle=cycles[0])
    queue.send_batch([body.to_json()])
    return sub, cycles[0]


def choose_payment_method(
    store_hash: str,
    subscription_id: str,
    instrument_token: str,
    *,
    uow_factory: Callable[[], UnitOfWork],
    bc: BigCommerce,
    queue: MessageQueue,
    now: datetime,
    customer_id: int | None = None,
) -> tuple[Subscription, int | None]:
    """The merchant (or a shopper whose role may) puts one of the payer's stored cards on
    this subscription; a cycle
    waiting on a card is retried at once with it (`payment_recovery`). Returns the cycle
    handed to the renewal worker, if any."""
    retried: list[int | None] = []

    def choose(sub: Subscription) -> None:
        card = stored_instrument(bc, store_hash, sub.payer_customer_id, instrument_token, now)
        retried.append(choose_card(sub, card, now))

    sub = change_subscription(
        store_hash,
        subscription_id,
        choose,
        uow_factory=uow_factory,
        now=now,
        customer_id=customer_id,
    )
    if (cycle := retried[-1]) is not None:
        send_retries(queue, store_hash, [(sub.id, cycle)])
    return sub, cycle


def subscription_detail(
    store_hash: str,
    subscription_id: str,
    *,
    uow: UnitOfWork,
    reader: SubscriptionReader,
    customer_id: int | None = None,
) -> tuple[Subscription, dict[str, list[dict[str, Any]]]]:
    sub = _owned(uow, store_hash, subscription_id, customer_id)
    return sub, reader.partition(store_hash, subscription_id)


def change_subscription(
    store_hash: str,
    subscription_id: str,
    operation: Callable[[Subscription], None],
    *,
    uow_factory: Callable[[], UnitOfWork],
    now: datetime,
    customer_id: int | None = None,
    limit: ChangeLimit | None = None,
) -> Subscription:
    """Apply one domain operation and commit it with its events; domain errors propagate.

    The attempt is counted against `limit` (by default the subscription's change limit for
    this caller) in the same transaction: see `change_limits`. A concurrent change committed
    first raises `ConcurrencyConflict` and nothing of this one is written.
    """
    limit = limit or change_limit(subscription_id, customer_id)
    with uow_factory() as uow:
        sub = _owned(uow, store_hash, subscription_id, customer_id)
        wait = uow.rate_limits.spend(
            store_hash, limit.key, limit=limit.limit, window=limit.window, now=now
        )
        if wait is not None:
            raise RateLimited(wait)
        before = (sub.status, sub.next_cycle)
        try:
            operation(sub)
            _refuse_during_renewal(uow, sub, *before)
        except DomainError:
            _count_refused(uow)
            raise
        uow.subscriptions.save(sub)
        uow.commit()
    return sub


def _refuse_during_renewal(
    uow: UnitOfWork, sub: Subscription, status: Status, next_cycle: int
) -> None:
    """A pause, cancel or skip while the worker is charging the next cycle would leave it
    charging a subscription that no longer renews that cycle. The worker saves the
    subscription when it claims a cycle, so a change that read it before the claim loses
    the race instead (a conflict), and one that reads it after finds the charge here."""
    stops = sub.status != status and sub.status not in _RENEWING
    if status not in _RENEWING or not (stops or sub.next_cycle != next_cycle):
        return
    charge = uow.charges.get(sub.store_hash, sub.id, next_cycle)
    if charge is not None and not charge.is_final:
        raise RenewalInProgress(f"cycle {next_cycle} of {sub.id} is being renewed; try again soon")


def _count_refused(uow: UnitOfWork) -> None:
    """A refused attempt still counts: only its counter is committed."""
    # Another attempt may have taken the last place in the window: the refusal stands.
    with suppress(ConcurrencyConflict):
        uow.commit()


def _owned(
    uow: UnitOfWork, store_hash: str, subscription_id: str, customer_id: int | None
) -> Subscription:
    # An id no subscription can have is not looked up: a key past DynamoDB's size limit fails.
    if not _SUBSCRIPTION_ID.fullmatch(subscription_id):
        raise SubscriptionNotFound(subscription_id)
    sub = uow.subscriptions.get(store_hash, subscription_id)
    # A shopper reaches the subscriptions they hold a role on (owner, payer, beneficiary,
    # manager, org admin), and a company buyer their company's; what that role may do there
    # is `actor_access`'s to say.
    if sub is None or (
        customer_id is not None
        and customer_id not in customers_of(sub.actors_in_force())
        and not company_reaches(sub, customer_id)
    ):
        raise SubscriptionNotFound(subscription_id)
    return sub


def owned_by_caller(
    uow: UnitOfWork, store_hash: str, subscription_id: str, customer_id: int | None
) -> Subscription:
    """The subscription, if the caller may see it at all (else `SubscriptionNotFound`)."""
    return _owned(uow, store_hash, subscription_id, customer_id)


def pause(now: datetime, resume_at: datetime | None = None) -> Callable[[Subscription], None]:
    return lambda sub: subscription_pauses.pause(sub, now, resume_at)


def resume(now: datetime) -> Callable[[Subscription], None]:
    return lambda sub: subscription_pauses.resume(sub, now)


def skip(now: datetime) -> Callable[[Subscription], None]:
    return lambda sub: sub.skip_next_cycle(now)


def withdraw_scheduled_cancel(now: datetime) -> Callable[[Subscription], None]:
    return lambda sub: subscription_cancels.withdraw_scheduled_cancel(sub, now)
