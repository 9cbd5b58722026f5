"""Capture or void a renewal's authorized payment exactly once.

The order's transactions are read before anything is asked of BigCommerce: a capture or void
already answered is only recorded. The request is recorded (conditional write on the charge)
before it is sent, and its answer is read back from the transactions; an answer still pending
is looked at again by the auth-expiry sweep, never requested twice while BigCommerce holds it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from ..domain import events as ev
from ..domain.authorization import AuthState
from ..ports.bigcommerce import BigCommerce, BigCommerceError, OutcomeUnknown, Transaction
from ..ports.storage import ConcurrencyConflict, UnitOfWork
from .renewal_dunning import void_to_dunning

if TYPE_CHECKING:
    from ..domain.charge import Charge
    from ..domain.subscription import Subscription
    from ..ports.clock import Clock

EXPIRING = "authorization_expiring"
_PENDING_STATUSES = frozenset({"capture pending", "void pending"})
_REQUEST = {"capture": AuthState.CAPTURE_PENDING, "void": AuthState.VOID_PENDING}


class ActionDeps(msgspec.Struct):
    uow: UnitOfWork
    bc: BigCommerce
    clock: Clock


class RenewalCharge(msgspec.Struct, frozen=True):
    sub: Subscription
    charge: Charge


def renewal_charge(uow: UnitOfWork, store_hash: str, order_id: int) -> RenewalCharge | None:
    """The subscription and charge behind one of our renewal orders; None for any other order."""
    link = uow.order_links.get(store_hash, order_id)
    if link is None or link.role != "renewal" or link.cycle is None or not link.subscription_ids:
        return None
    sub = uow.subscriptions.get(store_hash, link.subscription_ids[0])
    charge = uow.charges.get(store_hash, link.subscription_ids[0], link.cycle, link.location_id)
    if sub is None or charge is None or charge.bc_order_id != order_id:
        return None  # gone, or an order replaced after its void: nothing of it is ours to settle
    return RenewalCharge(sub, charge)


def settle_authorization(found: RenewalCharge, action: str, reason: str, deps: ActionDeps) -> str:
    """Capture or void the charge's authorization; answers what is now known of it."""
    charge = found.charge
    auth = charge.authorization
    if auth is None or charge.bc_order_id is None:
        return "not_authorized"
    if auth.settled:
        return f"already_{auth.state.value}"
    store, order_id = charge.store_hash, charge.bc_order_id
    if (known := _record_outcome(found, deps, reason)) is not None:
        return known
    if auth.pending and deps.bc.get_order(store, order_id).payment_status in _PENDING_STATUSES:
        return "pending"  # BigCommerce holds our earlier request: never ask twice
    auth.request(_REQUEST[action], deps.clock.now(), reason)
    if not _save(found, deps):
        return "in_progress"
    try:
        deps.bc.request_payment_action(store, order_id, action)
    except OutcomeUnknown:
        pass  # applied or not: the transactions say
    except BigCommerceError:
        # Refused (e.g. the merchant settled it in the control panel): the transactions decide.
        if (known := _record_outcome(found, deps, reason)) is not None:
            return known
        auth.state, auth.requested_at = AuthState.OPEN, None
        _save(found, deps)
        return f"{action}_refused"
    return _record_outcome(found, deps, reason) or "pending"


def _record_outcome(found: RenewalCharge, deps: ActionDeps, reason: str) -> str | None:
    """Record what the order's transactions say happened to the authorization, if anything."""
    sub, charge = found.sub, found.charge
    auth = charge.authorization
    assert auth is not None and charge.bc_order_id is not None
    txs = deps.bc.list_order_transactions(charge.store_hash, charge.bc_order_id)
    now, why = deps.clock.now(), auth.reason or reason
    if (tx := _ok(txs, "capture")) is not None:
        auth.settle(AuthState.CAPTURED)
        sub.record_payment_action(
            ev.CHARGE_CAPTURED,
            cycle=charge.cycle,
            now=now,
            **_data(charge, tx, why),
        )
        outcome = "captured"
    elif (tx := _ok(txs, "void")) is not None:
        auth.settle(AuthState.VOIDED)
        sub.record_payment_action(
            ev.CHARGE_VOIDED,
            cycle=charge.cycle,
            now=now,
            **_data(charge, tx, why),
        )
        outcome = "voided"
        # Recorded with the void, so exactly once: the shopper is charged again by dunning.
        if why == EXPIRING and void_to_dunning(sub, charge, deps.uow, now):
            outcome = "voided_to_dunning"
    elif (errors := sum(1 for t in txs if t.event == "capture" and t.status == "error")) > (
        auth.capture_errors
    ):
        auth.capture_declined(errors, now)
        outcome = "capture_declined"
    else:
        return None
    return outcome if _save(found, deps) else "in_progress"


def _ok(txs: list[Transaction], event: str) -> Transaction | None:
    return next((t for t in txs if t.event == event and t.status == "ok"), None)


def _data(charge: Charge, tx: Transaction, reason: str | None) -> dict[str, object]:
    auth = charge.authorization
    assert auth is not None
    return {
        "order_id": charge.bc_order_id,
        "amount": str(auth.amount),
        "currency": auth.currency,
        "transaction_id": str(tx.id),
        "authorization_transaction_id": auth.transaction_id,
        "reason": reason or "requested",
    }


def _save(found: RenewalCharge, deps: ActionDeps) -> bool:
    """Charge and subscription (with its events) in one transaction; False if someone was first."""
    deps.uow.subscriptions.save(found.sub)
    deps.uow.charges.save(found.charge)
    try:
        deps.uow.commit()
    except ConcurrencyConflict:
        deps.uow.rollback()
        return False
    return True
