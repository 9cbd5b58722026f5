"""The cycle side of a multi-location renewal: which locations a cycle ships to, reopening its
declined orders for a dunning retry, and the one outcome the cycle records.

Each location's order goes through the renewal workflow's own per-order stages (price, find
or create the order, pay) on a charge of its own, keyed (subscription, cycle, location); the
cycle's charge holds the lease and, once every location has an outcome, records the renewal
or the decline on the subscription exactly once.

Dunning is the subscription's: one location's decline makes the subscription past_due (one
card pays every location, so what declined one will decline the next), the retry pays only the
orders still unpaid, and the final action ends the whole subscription. A location whose order
was paid is never paid again.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from ..domain.charge import Charge, Stage
from ..domain.declines import DeclineClass
from ..domain.locations import location_total
from ..domain.subscription_invoices import record_invoiced_locations
from .renewal_deliveries import materialize_deliveries
from .renewal_dunning import record_failure

if TYPE_CHECKING:
    from ..domain.subscription import Subscription
    from ..ports.storage import UnitOfWork


def start_location_charges(
    sub: Subscription, cycle_charge: Charge, uow: UnitOfWork, now: datetime
) -> None:
    """On the cycle's first claim, copy the subscription's locations onto the cycle: a later
    addition or removal reaches the next cycle, never this one. Staged before the cycle's
    charge is added, in the same transaction."""
    if not sub.delivery_locations:
        return
    cycle_charge.location_ids = [loc.id for loc in sub.delivery_locations]
    for location in sub.delivery_locations:
        uow.charges.add(
            Charge(
                store_hash=sub.store_hash,
                subscription_id=sub.id,
                cycle=cycle_charge.cycle,
                location_id=location.id,
                location=location,
                currency=sub.currency,
                created_at=now,
                updated_at=now,
            )
        )
    # The claim saves the subscription in the same transaction, so a location change racing
    # it conflicts instead of passing by.


def location_charges(sub: Subscription, cycle_charge: Charge, uow: UnitOfWork) -> list[Charge]:
    charges = []
    for location_id in cycle_charge.location_ids:
        charge = uow.charges.get(sub.store_hash, sub.id, cycle_charge.cycle, location_id)
        if charge is None:
            raise LookupError(f"cycle {cycle_charge.cycle} of {sub.id} lost location {location_id}")
        charges.append(charge)
    return charges


def location_amount(sub: Subscription, charge: Charge) -> Decimal:
    assert charge.location is not None
    return location_total(sub.lines, charge.location, terms=sub.terms, cadence=sub.cadence)


def reopen_for_retry(
    sub: Subscription, cycle_charge: Charge, uow: UnitOfWork, worker: str, now: datetime
) -> None:
    """A dunning retry: the cycle's declined order is paid again (a voided one replaced); of a
    multi-location cycle, each declined location's order, the paid ones left alone."""
    if not cycle_charge.location_ids:
        cycle_charge.reopen_for_retry(worker, now)
        return
    if cycle_charge.stage != Stage.PAYMENT_FAILED:
        raise ValueError(f"only a failed cycle is retried, not {cycle_charge.stage}")
    cycle_charge.retries += 1
    cycle_charge.decline_code = cycle_charge.decline_reason = cycle_charge.decline_class = None
    cycle_charge.advance(Stage.PRICED, now)
    cycle_charge.take_lease(worker, now)
    for charge in location_charges(sub, cycle_charge, uow):
        if charge.stage == Stage.PAYMENT_FAILED:
            charge.reopen_for_retry(worker, now)
            uow.charges.save(charge)


def complete_cycle(
    sub: Subscription, cycle_charge: Charge, charges: list[Charge], uow: UnitOfWork, now: datetime
) -> str:
    """Record the cycle's outcome once every location's order has one (staged, not committed):
    renewed when all are paid, else the subscription's dunning step for the worst decline."""
    failed = [c for c in charges if c.stage == Stage.PAYMENT_FAILED]
    if failed:
        # A hard decline is never retried automatically, whichever location it came from.
        worst = next((c for c in failed if c.decline_class == DeclineClass.HARD), failed[0])
        record_failure(sub, worst, uow, now)
        cycle_charge.decline_code = worst.decline_code
        cycle_charge.decline_reason = worst.decline_reason
        cycle_charge.decline_class = worst.decline_class
        cycle_charge.advance(Stage.PAYMENT_FAILED, now)
        outcome = "payment_failed"
    else:
        first = charges[0]
        assert first.bc_order_id is not None
        total = sum((c.amount or Decimal("0") for c in charges), Decimal("0"))
        cycle_charge.amount, cycle_charge.currency = total, sub.currency
        if cycle_charge.fulfilment_only:
            sub.record_delivery(cycle=cycle_charge.cycle, order_id=first.bc_order_id, now=now)
            outcome = "delivered"
        elif sub.invoice_terms is not None:
            orders: list[tuple[int, str | None, Decimal]] = []
            for c in charges:
                assert c.bc_order_id is not None
                orders.append((c.bc_order_id, c.location_id, c.amount or Decimal("0")))
            record_invoiced_locations(sub, cycle=cycle_charge.cycle, orders=orders, now=now)
            outcome = "invoiced"
        else:
            sub.record_renewal(
                cycle=cycle_charge.cycle,
                order_id=first.bc_order_id,
                transaction_id=first.transaction_id or "",
                now=now,
                amount=total,
            )
            outcome = "renewed"
        cycle_charge.advance(Stage.COMPLETED, now)
        materialize_deliveries(sub, cycle_charge.cycle, first.bc_order_id, uow)
    cycle_charge.release_lease(now)
    uow.subscriptions.save(sub)
    uow.charges.save(cycle_charge)
    return outcome
