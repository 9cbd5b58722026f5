"""The renewal workflow for one (subscription, cycle): claim, price, order, pay, complete.

Each stage is committed before the next BigCommerce call, so a crash at any point resumes
from the last recorded stage; every call whose outcome may be unknown is resolved by reading
BigCommerce before it is attempted again (at most one order and one payment per cycle).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..domain.charge import PAID_STAGES, Charge, Stage
from ..domain.declines import DeclineClass, classify
from ..domain.subscription import Subscription
from ..ports.bigcommerce import (
    Address,
    BigCommerce,
    NewOrder,
    NewOrderLine,
    Order,
    OutcomeUnknown,
    PaymentDeclined,
    Transaction,
)
from ..ports.clock import Clock
from ..ports.storage import ConcurrencyConflict, OrderLink, UnitOfWork
from .messages import RenewSubscription

_PAYMENT_EVENTS = frozenset({"purchase", "authorization", "capture"})


class SubscriptionNotFound(Exception):
    """The message names a subscription that does not exist in that store."""


class RetryLater(Exception):
    """Another worker holds the cycle, or BigCommerce's answer is still unknown."""


@dataclass(frozen=True)
class RenewalOutcome:
    outcome: str  # renewed | payment_failed | not_due | already_done
    order_id: int | None = None


@dataclass
class RenewalDeps:
    uow: UnitOfWork
    bc: BigCommerce
    clock: Clock
    app_id: str
    worker_id: str


def run_renewal(cmd: RenewSubscription, deps: RenewalDeps) -> RenewalOutcome:
    """Drive the cycle's charge to a final stage, resuming wherever a previous run stopped."""
    with deps.uow:
        claimed = _claim(cmd, deps)
        if isinstance(claimed, RenewalOutcome):
            return claimed
        sub, charge = claimed
        if charge.stage == Stage.CLAIMED:
            charge.amount, charge.currency = sub.renewal_total(), sub.currency
            _commit_stage(deps, charge, Stage.PRICED)
        if charge.bc_order_id is None:
            order = _find_or_create_order(sub, charge, deps)
            charge.bc_order_id = order.id
            deps.uow.order_links.add(
                OrderLink(sub.store_hash, order.id, "renewal", (sub.id,), charge.cycle)
            )
            _commit_stage(deps, charge, Stage.ORDER_CREATED)
        if charge.stage == Stage.ORDER_CREATED:
            _pay(sub, charge, deps)
        return _complete(sub, charge, deps)


def _claim(
    cmd: RenewSubscription, deps: RenewalDeps
) -> RenewalOutcome | tuple[Subscription, Charge]:
    uow, now = deps.uow, deps.clock.now()
    sub = uow.subscriptions.get(cmd.store_hash, cmd.subscription_id)
    if sub is None:
        raise SubscriptionNotFound(f"{cmd.store_hash}/{cmd.subscription_id}")
    charge = uow.charges.get(cmd.store_hash, cmd.subscription_id, cmd.cycle)
    if charge is not None and charge.is_final:
        return RenewalOutcome("already_done", charge.bc_order_id)
    if charge is None:
        if cmd.cycle != sub.next_cycle or not sub.is_due(now):
            return RenewalOutcome("not_due")
        charge = Charge(
            store_hash=sub.store_hash,
            subscription_id=sub.id,
            cycle=cmd.cycle,
            created_at=now,
            updated_at=now,
        )
        charge.take_lease(deps.worker_id, now)
        uow.charges.add(charge)
    elif charge.lease_free_for(deps.worker_id, now):
        charge.take_lease(deps.worker_id, now)
        uow.charges.save(charge)
    else:
        raise RetryLater(f"cycle {cmd.cycle} of {sub.id} is leased until {charge.lease_until}")
    try:
        uow.commit()
    except ConcurrencyConflict as exc:
        raise RetryLater(f"cycle {cmd.cycle} of {sub.id} was claimed concurrently") from exc
    return sub, charge


def _commit_stage(deps: RenewalDeps, charge: Charge, stage: Stage | None = None) -> None:
    if stage is not None:
        charge.advance(stage, deps.clock.now())
    deps.uow.charges.save(charge)
    try:
        deps.uow.commit()
    except ConcurrencyConflict as exc:
        # Our lease was taken over (we were presumed dead): stop, the new holder continues.
        raise RetryLater(
            f"lost the lease on {charge.subscription_id} cycle {charge.cycle}"
        ) from exc


def _find_or_create_order(sub: Subscription, charge: Charge, deps: RenewalDeps) -> Order:
    if charge.order_attempted and (found := _find_order(sub, charge, deps)) is not None:
        return found
    charge.order_attempted = True
    _commit_stage(deps, charge)  # recorded before the call: a crash after it means "look first"
    try:
        return deps.bc.create_order(sub.store_hash, _renewal_order(sub, charge, deps.app_id))
    except OutcomeUnknown:
        if (found := _find_order(sub, charge, deps)) is not None:
            return found
        raise


def _find_order(sub: Subscription, charge: Charge, deps: RenewalDeps) -> Order | None:
    orders = deps.bc.find_orders_by_external_id(sub.store_hash, charge.external_order_id)
    return min(orders, key=lambda o: o.id) if orders else None


def _renewal_order(sub: Subscription, charge: Charge, app_id: str) -> NewOrder:
    return NewOrder(
        customer_id=sub.customer_id,
        billing_address=Address.model_validate(sub.billing_address),
        products=[
            NewOrderLine(
                product_id=line.product_id,
                variant_id=line.variant_id,
                quantity=line.quantity,
                price_ex_tax=line.price_ex_tax,
                price_inc_tax=line.price_inc_tax,
                product_options=line.product_options,
            )
            for line in sub.lines
        ],
        external_source=app_id,
        external_order_id=charge.external_order_id,
        staff_notes=f"Renewal {charge.cycle} of subscription {sub.id}",
    )


def _pay(sub: Subscription, charge: Charge, deps: RenewalDeps) -> None:
    """Charge the stored card once; an earlier attempt with an unknown outcome is read first."""
    assert charge.bc_order_id is not None
    if charge.payment_attempts and _record_if_paid(charge, deps):
        return
    if sub.payment_method is None:
        _fail(charge, None, "no stored payment method", deps)
        return
    charge.payment_attempts += 1
    _commit_stage(deps, charge)
    try:
        pat = deps.bc.create_payment_access_token(sub.store_hash, charge.bc_order_id)
        result = deps.bc.process_stored_card_payment(
            sub.store_hash,
            pat,
            sub.payment_method.instrument_token,
            sub.payment_method.payment_method_id,
        )
    except PaymentDeclined as declined:
        _handle_decline(charge, declined, deps)
        return
    except OutcomeUnknown:
        if not _record_if_paid(charge, deps):
            raise
        return
    charge.transaction_id, charge.transaction_type = result.id, result.transaction_type
    stage = (
        Stage.PAYMENT_CAPTURED
        if result.transaction_type == "purchase"
        else Stage.PAYMENT_AUTHORIZED
    )
    _commit_stage(deps, charge, stage)


def _handle_decline(charge: Charge, declined: PaymentDeclined, deps: RenewalDeps) -> None:
    decline = classify(declined.code)
    # BC says the order is no longer payable or was already paid: believe its transactions.
    if decline in (DeclineClass.ORDER_STATE, DeclineClass.DUPLICATE) and _record_if_paid(
        charge, deps
    ):
        return
    if decline == DeclineClass.NETWORK:
        raise RetryLater(f"transient payment error {declined.code}") from declined
    _fail(charge, declined.code, decline.value, deps)


def _record_if_paid(charge: Charge, deps: RenewalDeps) -> bool:
    assert charge.bc_order_id is not None
    tx = _successful_payment(deps.bc.list_order_transactions(charge.store_hash, charge.bc_order_id))
    if tx is None:
        return False
    charge.transaction_id, charge.transaction_type = str(tx.id), tx.event
    stage = Stage.PAYMENT_AUTHORIZED if tx.event == "authorization" else Stage.PAYMENT_CAPTURED
    _commit_stage(deps, charge, stage)
    return True


def _successful_payment(transactions: list[Transaction]) -> Transaction | None:
    return next((t for t in transactions if t.status == "ok" and t.event in _PAYMENT_EVENTS), None)


def _fail(charge: Charge, code: int | None, reason: str, deps: RenewalDeps) -> None:
    charge.decline_code, charge.decline_reason = code, reason
    charge.advance(Stage.PAYMENT_FAILED, deps.clock.now())


def _complete(sub: Subscription, charge: Charge, deps: RenewalDeps) -> RenewalOutcome:
    """Record the outcome on the subscription and close the charge in one transaction."""
    now: datetime = deps.clock.now()
    assert charge.bc_order_id is not None
    if charge.stage in PAID_STAGES:
        sub.record_renewal(
            cycle=charge.cycle,
            order_id=charge.bc_order_id,
            transaction_id=charge.transaction_id or "",
            now=now,
        )
        charge.advance(Stage.COMPLETED, now)
        outcome = "renewed"
    else:
        sub.record_payment_failure(
            cycle=charge.cycle,
            order_id=charge.bc_order_id,
            code=charge.decline_code,
            reason=charge.decline_reason or "",
            now=now,
        )
        outcome = "payment_failed"
    charge.release_lease(now)
    deps.uow.subscriptions.save(sub)
    _commit_stage(deps, charge)
    return RenewalOutcome(outcome, charge.bc_order_id)
