"""The renewal workflow for one (subscription, cycle): claim, price, order, pay, complete.

Each stage is committed before the next BigCommerce call, so a crash at any point resumes
from the last recorded stage; every call whose outcome may be unknown is resolved by reading
BigCommerce before it is attempted again (at most one order and one payment per cycle).
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import msgspec

from ..domain.charge import PAID_STAGES, Charge, Stage
from ..domain.declines import DeclineClass, classify, reason
from ..domain.events import CHARGE_STAGES
from ..domain.lifecycle import Status
from ..domain.locations import location_lines, location_shipping
from ..domain.record import from_data, to_data
from ..domain.subscription import PaymentMethod, Subscription
from ..domain.subscription_cancels import cancel_as_scheduled, cancel_due
from ..domain.subscription_dunning import give_up
from ..domain.subscription_pauses import resume_as_scheduled, resume_due
from ..domain.subscription_pricing import (
    renewal_lines,
    renewal_shipping,
    renewal_total,
    shipping_addresses,
)
from ..ports.bigcommerce import (
    Address,
    BigCommerce,
    BigCommerceError,
    NewOrder,
    NewOrderLine,
    Order,
    OutcomeUnknown,
    PaymentDeclined,
    ShippingAddress,
    Transaction,
)
from ..ports.storage import ConcurrencyConflict, OpsEvents, OrderLink, UnitOfWork
from .payment_actions import ActionDeps, RenewalCharge, settle_authorization
from .renewal_authorization import fetch_transactions, record_payment
from .renewal_deliveries import materialize_deliveries
from .renewal_dunning import card_still_valid, record_failure
from .renewal_invoice import (
    complete_invoiced,
    flag_overdue_invoices,
    invoiced_order,
    is_invoiced,
    raise_ops,
)
from .renewal_locations import (
    complete_cycle,
    location_amount,
    location_charges,
    reopen_for_retry,
    start_location_charges,
)

if TYPE_CHECKING:
    from ..ports.clock import Clock
    from .messages import RenewSubscription

_PAYMENT_EVENTS = frozenset({"purchase", "authorization", "capture", "settled"})
AWAITING_FULFILLMENT = 11
# The order metafield naming the subscription and cycle; its key is the order's external id.
ORDER_METAFIELD_NAMESPACE = "bc_subscriptions"
INSTRUMENT_NOT_FOUND = 30051

log = logging.getLogger(__name__)


class SubscriptionNotFound(Exception):
    """The message names a subscription that does not exist in that store."""


class RetryLater(Exception):
    """Another worker holds the cycle, or BigCommerce's answer is still unknown."""


class RenewalOutcome(msgspec.Struct, frozen=True):
    # renewed | delivered | payment_failed | not_due | already_done | expired | cancelled | paused
    # | resumed (a scheduled end of a pause: the next sweep renews it when due)
    # | payment_pending (the gateway has not settled: the next sweep reads the transactions)
    outcome: str
    order_id: int | None = None
    # What this run did on the way, for the pipeline metrics: claimed (took the cycle's lease),
    # retried (reopened a declined cycle for a dunning retry), ordered (created its order).
    steps: frozenset[str] = frozenset()


class RenewalDeps(msgspec.Struct):
    uow: UnitOfWork
    bc: BigCommerce
    clock: Clock
    app_id: str
    worker_id: str
    # Where overdue purchase-order invoices are raised for the merchant's operator.
    ops: OpsEvents | None = None


def run_renewal(cmd: RenewSubscription, deps: RenewalDeps) -> RenewalOutcome:
    """Drive the cycle's charge to a final stage, resuming wherever a previous run stopped."""
    with deps.uow:
        claimed = _claim(cmd, deps)
        if isinstance(claimed, RenewalOutcome):
            return claimed
        sub, charge, retried = claimed
        steps = {"claimed", "retried"} if retried else {"claimed"}
        if charge.location_ids:
            return _renew_locations(sub, charge, deps, steps)
        if charge.stage == Stage.CLAIMED:
            # Locked prices with the cadence discount and volume tiers, never today's catalog;
            # a prepaid cycle covered by an earlier charge costs nothing.
            charge.fulfilment_only = not sub.charges_on(charge.cycle)
            total = Decimal("0") if charge.fulfilment_only else renewal_total(sub)
            charge.amount, charge.currency = total, sub.currency
            _commit_stage(deps, sub, charge, Stage.PRICED)
        if charge.bc_order_id is None:
            order = _find_or_create_order(sub, charge, deps)
            charge.bc_order_id = order.id
            deps.uow.order_links.add(
                OrderLink(sub.store_hash, order.id, "renewal", (sub.id,), charge.cycle)
            )
            _commit_stage(deps, sub, charge, Stage.ORDER_CREATED)
            steps.add("ordered")
        if charge.stage == Stage.ORDER_CREATED and is_invoiced(sub):
            return _invoice(sub, charge, deps, steps)
        if charge.stage == Stage.ORDER_CREATED and not charge.fulfilment_only:
            _pay(sub, charge, deps)
            if charge.stage == Stage.ORDER_CREATED and charge.payment_pending:
                return _wait_for_settlement(charge, deps)
        outcome = _complete(sub, charge, deps)
        if outcome.outcome == "renewed":
            _capture_if_immediate(sub, charge, deps)
        return RenewalOutcome(outcome.outcome, outcome.order_id, frozenset(steps))


def _claim(
    cmd: RenewSubscription, deps: RenewalDeps
) -> RenewalOutcome | tuple[Subscription, Charge, bool]:
    """The cycle's subscription and charge under this worker's lease, and whether this claim
    reopened a declined cycle for a dunning retry; or the outcome when nothing is to be done."""
    uow, now = deps.uow, deps.clock.now()
    retried = False
    sub = _load(cmd, deps)
    if (scheduled := _apply_scheduled_changes(sub, deps, now)) is not None:
        return scheduled
    charge = uow.charges.get(cmd.store_hash, cmd.subscription_id, cmd.cycle)
    if charge is not None and charge.is_final:
        dunning = sub.dunning
        if charge.stage != Stage.PAYMENT_FAILED or dunning is None or dunning.cycle != cmd.cycle:
            return RenewalOutcome("already_done", charge.bc_order_id)
        if dunning.final_action_due(now):
            return _give_up(sub, charge, deps)
        if not (sub.status == Status.PAST_DUE and dunning.retry_due(now)):
            return RenewalOutcome("not_due", charge.bc_order_id)
        # A dunning retry: the same order is paid again; only a voided one gets a replacement.
        reopen_for_retry(sub, charge, uow, deps.worker_id, now)
        uow.charges.save(charge)
        retried = True
    elif charge is None:
        if cmd.cycle != sub.next_cycle or not sub.is_due(now):
            return RenewalOutcome("not_due")
        if sub.fixed_length_done:
            sub.expire(now)
            uow.subscriptions.save(sub)
            _commit(deps, f"expiry of {sub.id}")
            return RenewalOutcome("expired")
        charge = Charge(
            store_hash=sub.store_hash,
            subscription_id=sub.id,
            cycle=cmd.cycle,
            created_at=now,
            updated_at=now,
        )
        charge.take_lease(deps.worker_id, now)
        start_location_charges(sub, charge, uow, now)
        uow.charges.add(charge)
    elif charge.lease_free_for(deps.worker_id, now):
        charge.take_lease(deps.worker_id, now)
        uow.charges.save(charge)
    else:
        raise RetryLater(f"cycle {cmd.cycle} of {sub.id} is leased until {charge.lease_until}")
    # Saved unchanged, so its version moves: a shopper's pause, skip or cancel that read the
    # subscription before this claim fails instead of landing under a running charge.
    uow.subscriptions.save(sub)
    _commit(deps, f"cycle {cmd.cycle} of {sub.id} was claimed concurrently")
    return sub, charge, retried


def _load(cmd: RenewSubscription, deps: RenewalDeps) -> Subscription:
    sub = deps.uow.subscriptions.get(cmd.store_hash, cmd.subscription_id)
    if sub is None:
        raise SubscriptionNotFound(f"{cmd.store_hash}/{cmd.subscription_id}")
    return sub


def _apply_scheduled_changes(
    sub: Subscription, deps: RenewalDeps, now: datetime
) -> RenewalOutcome | None:
    """A scheduled cancel or end of a pause that has come is applied before any renewal, whatever
    cycle the message names; once applied it is gone, so a repeated message finds nothing.

    A cancel waits for a charge of the next cycle still in progress (claimed before the cancel
    was asked for): that run finishes, and the next sweep finds the cancel due again.
    A purchase-order invoice past its due date is flagged first (the renewal goes on after)."""
    if raised := flag_overdue_invoices(sub, deps.uow, now):
        _commit(deps, f"overdue invoice of {sub.id} raced another change")
        raise_ops(deps.ops, raised)
    if cancel_due(sub, now):
        running = deps.uow.charges.get(sub.store_hash, sub.id, sub.next_cycle)
        if running is None or running.is_final:
            cancel_as_scheduled(sub, now)
            deps.uow.subscriptions.save(sub)
            _commit(deps, f"scheduled cancel of {sub.id} raced another change")
            return RenewalOutcome("cancelled")
    if resume_due(sub, now):
        resume_as_scheduled(sub, now)
        deps.uow.subscriptions.save(sub)
        _commit(deps, f"scheduled resume of {sub.id} raced another change")
        return RenewalOutcome("resumed")
    return None


def _commit(deps: RenewalDeps, conflict: str) -> None:
    try:
        deps.uow.commit()
    except ConcurrencyConflict as exc:
        raise RetryLater(conflict) from exc


def _commit_stage(
    deps: RenewalDeps, sub: Subscription, charge: Charge, stage: Stage | None = None
) -> None:
    """Record the charge (and a `charge.stage.*` event when it moves to a new stage)."""
    if stage is not None:
        charge.advance(stage, deps.clock.now())
        _record_stage(sub, charge, deps)
        deps.uow.subscriptions.save(sub)
    deps.uow.charges.save(charge)
    # A conflict means our lease was taken over (we were presumed dead): the new holder goes on.
    _commit(deps, f"lost the lease on {charge.subscription_id} cycle {charge.cycle}")


def _record_stage(sub: Subscription, charge: Charge, deps: RenewalDeps) -> None:
    if charge.stage.value not in CHARGE_STAGES:
        return
    data: dict[str, object] = {"amount": str(charge.amount), "currency": charge.currency}
    if charge.bc_order_id is not None:
        data["order_id"] = charge.bc_order_id
    if charge.transaction_id is not None:
        data["transaction_id"] = charge.transaction_id
    if charge.decline_class is not None:
        data["decline_class"] = charge.decline_class.value
    if charge.location_id is not None:
        data["location_id"] = charge.location_id
    sub.record_stage(cycle=charge.cycle, stage=charge.stage.value, now=deps.clock.now(), **data)


def _find_or_create_order(sub: Subscription, charge: Charge, deps: RenewalDeps) -> Order:
    if charge.order_attempted and (found := _find_order(sub, charge, deps)) is not None:
        return found
    charge.order_attempted = True
    _commit_stage(
        deps, sub, charge
    )  # recorded before the call: a crash after it means "look first"
    try:
        order = deps.bc.create_order(sub.store_hash, _renewal_order(sub, charge, deps.app_id))
    except OutcomeUnknown:
        if (found := _find_order(sub, charge, deps)) is not None:
            return found
        raise
    _tag_order(sub, charge, order.id, deps)
    return order


def _tag_order(sub: Subscription, charge: Charge, order_id: int, deps: RenewalDeps) -> None:
    """Name the subscription and cycle on the order, for the merchant, other apps and our own
    look-up. A failure costs the order nothing: it still carries its external id."""
    value = json.dumps({"subscription_id": sub.id, "cycle": charge.cycle}, separators=(",", ":"))
    try:
        deps.bc.tag_order(
            sub.store_hash, order_id, ORDER_METAFIELD_NAMESPACE, charge.external_order_id, value
        )
    except BigCommerceError as exc:
        log.warning("renewal order %s not tagged: %s", order_id, exc)
        return
    charge.order_tagged = True


def _find_order(sub: Subscription, charge: Charge, deps: RenewalDeps) -> Order | None:
    """The cycle's order if an earlier attempt created it: by our metafield (no list filter
    involved), else by external id (Incomplete orders asked for explicitly)."""
    key = charge.external_order_id
    tagged = deps.bc.find_orders_by_metafield(sub.store_hash, ORDER_METAFIELD_NAMESPACE, key)
    if tagged:
        charge.order_tagged = True
        return deps.bc.get_order(sub.store_hash, min(tagged))
    orders = deps.bc.find_orders_by_external_id(sub.store_hash, key)
    return min(orders, key=lambda o: o.id) if orders else None


def _renewal_order(sub: Subscription, charge: Charge, app_id: str) -> NewOrder:
    free = charge.fulfilment_only
    location = charge.location
    if location is None:
        addresses = [msgspec.convert(a, type=ShippingAddress) for a in shipping_addresses(sub)]
        shipping = renewal_shipping(sub)
        lines = list(zip(sub.lines, renewal_lines(sub), strict=True))
    else:
        # One location's order: its address, its shipping, its quantities.
        addresses = [msgspec.convert(location.address, type=ShippingAddress)]
        shipping = location_shipping(location, sub.terms)
        lines = location_lines(sub.lines, location, terms=sub.terms, cadence=sub.cadence)
    # A prepaid delivery's shipping was paid with its charge; otherwise the kept cost.
    ship_ex, ship_inc = (Decimal("0"), Decimal("0")) if free else shipping
    order = NewOrder(
        # The payer's order: BigCommerce pays it only with that customer's stored card.
        customer_id=sub.payer_customer_id,
        # Nothing to pay on a prepaid delivery: the order goes straight to fulfilment.
        status_id=AWAITING_FULFILLMENT if free else 0,
        billing_address=msgspec.convert(sub.billing_address, type=Address),
        shipping_addresses=addresses,
        shipping_cost_ex_tax=ship_ex if addresses else None,
        shipping_cost_inc_tax=ship_inc if addresses else None,
        default_currency_code=sub.currency,
        channel_id=sub.channel_id,
        payment_method=sub.order_payment_method or None,
        products=[
            NewOrderLine(
                product_id=priced.product_id,
                variant_id=priced.variant_id,
                quantity=priced.quantity,
                price_ex_tax=Decimal("0") if free else priced.unit_ex_tax,
                price_inc_tax=Decimal("0") if free else priced.unit_inc_tax,
                product_options=line.product_options,
            )
            for line, priced in lines
        ],
        external_source=app_id,
        external_order_id=charge.external_order_id,
        staff_notes=f"Renewal {charge.cycle} of subscription {sub.id}",
    )
    return invoiced_order(order, sub, charge) if is_invoiced(sub) else order


def _renew_locations(
    sub: Subscription, cycle_charge: Charge, deps: RenewalDeps, steps: set[str]
) -> RenewalOutcome:
    """A multi-location cycle: each location's order through the same per-order stages as a
    single order (each committed before the next call), then the cycle's one outcome."""
    if cycle_charge.stage == Stage.CLAIMED:
        cycle_charge.fulfilment_only = not sub.charges_on(cycle_charge.cycle)
        cycle_charge.currency = sub.currency
        cycle_charge.advance(Stage.PRICED, deps.clock.now())
        deps.uow.charges.save(cycle_charge)
        _commit(deps, f"lost the lease on {sub.id} cycle {cycle_charge.cycle}")
    charges = location_charges(sub, cycle_charge, deps.uow)
    pending = False
    for charge in charges:
        if not charge.is_final:
            pending = _renew_location(sub, cycle_charge, charge, deps, steps) or pending
    if pending:
        return _wait_for_settlement(cycle_charge, deps)
    outcome = complete_cycle(sub, cycle_charge, charges, deps.uow, deps.clock.now())
    _commit(deps, f"lost the lease on {sub.id} cycle {cycle_charge.cycle}")
    if outcome == "renewed":
        for charge in charges:
            _capture_if_immediate(sub, charge, deps)
    return RenewalOutcome(outcome, charges[0].bc_order_id, frozenset(steps))


def _renew_location(
    sub: Subscription, cycle_charge: Charge, charge: Charge, deps: RenewalDeps, steps: set[str]
) -> bool:
    """One location's order of the cycle to an outcome; True while its payment is pending."""
    if charge.stage == Stage.CLAIMED:
        charge.fulfilment_only = cycle_charge.fulfilment_only
        free = charge.fulfilment_only
        charge.amount = Decimal("0") if free else location_amount(sub, charge)
        charge.currency = sub.currency
        _commit_stage(deps, sub, charge, Stage.PRICED)
    if charge.bc_order_id is None:
        order = _find_or_create_order(sub, charge, deps)
        charge.bc_order_id = order.id
        deps.uow.order_links.add(
            OrderLink(
                sub.store_hash, order.id, "renewal", (sub.id,), charge.cycle, charge.location_id
            )
        )
        _commit_stage(deps, sub, charge, Stage.ORDER_CREATED)
        steps.add("ordered")
    # On purchase order each location's order is its own invoice: never paid here.
    invoiced = is_invoiced(sub)
    if charge.stage == Stage.ORDER_CREATED and not (charge.fulfilment_only or invoiced):
        _pay(sub, charge, deps)
        if charge.stage == Stage.ORDER_CREATED and charge.payment_pending:
            return True
    if charge.stage == Stage.PAYMENT_FAILED:
        deps.uow.subscriptions.save(sub)  # with its `charge.stage.payment_failed`
    elif charge.stage in PAID_STAGES or charge.fulfilment_only or invoiced:
        charge.advance(Stage.COMPLETED, deps.clock.now())
    else:
        raise RetryLater(f"location {charge.location_id} of {sub.id} has no outcome yet")
    charge.release_lease(deps.clock.now())
    _commit_stage(deps, sub, charge)
    return False


def _pay(sub: Subscription, charge: Charge, deps: RenewalDeps) -> None:
    """Charge the stored card once; an earlier attempt with an unknown outcome is read first."""
    assert charge.bc_order_id is not None
    if charge.payment_attempts and _record_if_paid(sub, charge, deps):
        return
    if charge.payment_pending:
        # Read back above: the pending payment ended without the money.
        charge.payment_pending = False
        _fail(sub, charge, None, DeclineClass.SOFT, "pending payment was not settled", deps)
        return
    if sub.payment_method is None:
        _fail(sub, charge, None, DeclineClass.HARD, "no stored payment method", deps)
        return
    if not card_still_valid(sub, deps.uow, deps.bc, deps.clock.now()):
        _fail(sub, charge, None, DeclineClass.HARD, "stored card failed verification", deps)
        return
    if not sub.payment_method.payment_method_id and not _switch_method(sub, charge, deps):
        # A card chosen without a gateway method known (none at checkout): BigCommerce names
        # the method that holds it for this order, or none can pay with it.
        _fail(sub, charge, None, DeclineClass.HARD, "no payment method holds the card", deps)
        return
    charge.payment_attempts += 1
    _commit_stage(deps, sub, charge)
    method = sub.payment_method
    try:
        pat = deps.bc.create_payment_access_token(sub.store_hash, charge.bc_order_id)
        result = deps.bc.process_stored_payment(
            sub.store_hash,
            pat,
            method.instrument_token,
            method.payment_method_id,
            instrument_type=method.instrument_type,
        )
    except PaymentDeclined as declined:
        _handle_decline(sub, charge, declined, deps)
        return
    except OutcomeUnknown:
        if not _record_if_paid(sub, charge, deps):
            raise
        return
    charge.transaction_id, charge.transaction_type = result.id, result.transaction_type
    if result.status == "pending":
        # Accepted, not paid: the order's transactions will say how it ends.
        charge.payment_pending = True
        _commit_stage(deps, sub, charge)
        return
    config = deps.uow.tenant_configs.get(sub.store_hash)
    txs = fetch_transactions(deps.bc, charge, result.transaction_type, config)
    record_payment(sub, charge, result.transaction_type, txs, config, deps.clock.now())
    stage = (
        Stage.PAYMENT_CAPTURED
        if result.transaction_type == "purchase"
        else Stage.PAYMENT_AUTHORIZED
    )
    _commit_stage(deps, sub, charge, stage)


def _still_pending(charge: Charge, transactions: list[Transaction], deps: RenewalDeps) -> bool:
    """True when a pending payment has no outcome yet (nothing may be paid again meanwhile);
    also how a lost answer that was `pending` is recognised."""
    pending = [t.id for t in transactions if t.event == "pending" and t.status == "ok"]
    if not pending:
        return False
    failed = any(
        t.status == "error" and t.event in _PAYMENT_EVENTS and t.id > max(pending)
        for t in transactions
    )
    if failed:
        return False
    if not charge.payment_pending:
        charge.payment_pending = True
        deps.uow.charges.save(charge)
        _commit(deps, f"lost the lease on {charge.subscription_id} cycle {charge.cycle}")
    return True


def _wait_for_settlement(charge: Charge, deps: RenewalDeps) -> RenewalOutcome:
    """Leave the cycle open with the lease released; the sweep brings it back while it is due."""
    charge.release_lease(deps.clock.now())
    deps.uow.charges.save(charge)
    _commit(deps, f"lost the lease on {charge.subscription_id} cycle {charge.cycle}")
    return RenewalOutcome("payment_pending", charge.bc_order_id)


def _handle_decline(
    sub: Subscription, charge: Charge, declined: PaymentDeclined, deps: RenewalDeps
) -> None:
    decline = classify(declined.code)
    # BC says the order is no longer payable or was already paid: believe its transactions.
    if decline in (DeclineClass.ORDER_STATE, DeclineClass.DUPLICATE) and _record_if_paid(
        sub, charge, deps
    ):
        return
    if decline == DeclineClass.NETWORK:
        raise RetryLater(f"transient payment error {declined.code}") from declined
    if declined.code == INSTRUMENT_NOT_FOUND and _switch_method(sub, charge, deps):
        raise RetryLater("the stored instrument pays through another method now") from declined
    _fail(sub, charge, declined.code, decline, reason(declined.code), deps)


def _switch_method(sub: Subscription, charge: Charge, deps: RenewalDeps) -> bool:
    """Ask BigCommerce which method can pay this order with the shopper's instrument; True
    when that is another method or type than ours (kept for the prompt retry)."""
    assert charge.bc_order_id is not None and sub.payment_method is not None
    mine = sub.payment_method
    for method in deps.bc.list_payment_methods(sub.store_hash, charge.bc_order_id):
        for instrument in method.stored_instruments:
            if instrument.token != mine.instrument_token:
                continue
            if (method.id, instrument.type) == (mine.payment_method_id, mine.instrument_type):
                return False
            sub.payment_method = from_data(
                PaymentMethod,
                to_data(mine)
                | {"payment_method_id": method.id, "instrument_type": instrument.type},
            )
            deps.uow.subscriptions.save(sub)
            _commit_stage(deps, sub, charge)
            return True
    return False


def _record_if_paid(sub: Subscription, charge: Charge, deps: RenewalDeps) -> bool:
    assert charge.bc_order_id is not None
    transactions = deps.bc.list_order_transactions(charge.store_hash, charge.bc_order_id)
    tx = _successful_payment(transactions)
    if tx is None:
        return _still_pending(charge, transactions, deps)
    event = "purchase" if tx.event == "settled" else tx.event
    charge.transaction_id, charge.transaction_type = str(tx.id), event
    charge.payment_pending = False
    config = deps.uow.tenant_configs.get(sub.store_hash)
    record_payment(sub, charge, event, transactions, config, deps.clock.now())
    stage = Stage.PAYMENT_AUTHORIZED if event == "authorization" else Stage.PAYMENT_CAPTURED
    _commit_stage(deps, sub, charge, stage)
    return True


def _successful_payment(transactions: list[Transaction]) -> Transaction | None:
    return next((t for t in transactions if t.status == "ok" and t.event in _PAYMENT_EVENTS), None)


def _fail(
    sub: Subscription,
    charge: Charge,
    code: int | None,
    decline: DeclineClass,
    reason: str,
    deps: RenewalDeps,
) -> None:
    """Recorded with the subscription's dunning step when `_complete` commits."""
    charge.decline_code, charge.decline_reason, charge.decline_class = code, reason, decline
    charge.advance(Stage.PAYMENT_FAILED, deps.clock.now())
    _record_stage(sub, charge, deps)


def _complete(sub: Subscription, charge: Charge, deps: RenewalDeps) -> RenewalOutcome:
    """Record the outcome on the subscription and close the charge in one transaction."""
    now: datetime = deps.clock.now()
    assert charge.bc_order_id is not None
    if charge.stage in PAID_STAGES or charge.fulfilment_only:
        if charge.fulfilment_only:
            sub.record_delivery(cycle=charge.cycle, order_id=charge.bc_order_id, now=now)
        else:
            sub.record_renewal(
                cycle=charge.cycle,
                order_id=charge.bc_order_id,
                transaction_id=charge.transaction_id or "",
                now=now,
            )
        charge.advance(Stage.COMPLETED, now)
        materialize_deliveries(sub, charge.cycle, charge.bc_order_id, deps.uow)
        outcome = "delivered" if charge.fulfilment_only else "renewed"
    else:
        record_failure(sub, charge, deps.uow, now)
        outcome = "payment_failed"
    charge.release_lease(now)
    deps.uow.subscriptions.save(sub)
    _commit_stage(deps, sub, charge)
    return RenewalOutcome(outcome, charge.bc_order_id)


def _invoice(
    sub: Subscription, charge: Charge, deps: RenewalDeps, steps: set[str]
) -> RenewalOutcome:
    """A purchase-order cycle: its unpaid order is the invoice; no payment, no dunning."""
    complete_invoiced(sub, charge, deps.uow, deps.clock.now())
    deps.uow.subscriptions.save(sub)
    _commit_stage(deps, sub, charge)
    return RenewalOutcome("invoiced", charge.bc_order_id, frozenset(steps))


def _capture_if_immediate(sub: Subscription, charge: Charge, deps: RenewalDeps) -> None:
    """An authorize-only gateway on an `immediate` store: capture now. Whatever stops it here
    (BigCommerce down, a conflict) leaves the capture due, and the auth-expiry sweep retries."""
    auth = charge.authorization
    if auth is None or auth.settled:
        return
    if deps.uow.tenant_configs.get(sub.store_hash).capture_timing != "immediate":
        return
    try:
        settle_authorization(
            RenewalCharge(sub, charge),
            "capture",
            "immediate",
            ActionDeps(deps.uow, deps.bc, deps.clock),
        )
    except BigCommerceError:
        return


def _give_up(sub: Subscription, charge: Charge, deps: RenewalDeps) -> RenewalOutcome:
    """The cycle stayed unpaid through the whole schedule: the store's final action."""
    action = deps.uow.tenant_configs.get(sub.store_hash).dunning.final_action
    give_up(sub, action, deps.clock.now())
    deps.uow.subscriptions.save(sub)
    _commit(deps, f"final action on {sub.id} raced another change")
    return RenewalOutcome("cancelled" if action == "cancel" else "paused", charge.bc_order_id)
