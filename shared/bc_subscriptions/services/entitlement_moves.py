"""A subscription's entitlements move to the beneficiary the merchant names later.

Another beneficiary named (`subscription.actor_added`) or the named one removed
(`subscription.actor_removed`, the owner receiving again) reaches the entitlement consumer
from the table's stream. The move compares each live entitlement's holder with the
subscription's beneficiary as its record holds it now, so a duplicate, a retry or an older
actor event moves nothing twice and the latest beneficiary always wins. One transaction holds
the moved entitlements, their events, both customers' group ledgers and a work item for each;
the two ledgers are then applied one after the other with the same read-back as any other
change, and whatever is left (BigCommerce down, a crash between the two calls) stays on the
work list that the reconciliation sweep applies.
"""

from __future__ import annotations

from typing import Any

from ..domain import events as ev
from ..domain.entitlement_moves import movable, move_holder
from ..domain.entitlements import GroupLedger, entitlement_holder
from ..domain.record import to_json
from ..domain.subscription_entitlements import record_entitlement
from ..ports.entitlements import EntitlementRepository, WorkItem
from ..ports.storage import ConcurrencyConflict
from .entitlement_sync import (
    MAX_CONFLICTS,
    EntitlementDeps,
    RetryLater,
    _apply_leaving_failures,
    follow_event,
)

# Actor events that can change who the beneficiary is (a payer change never does: the
# beneficiary is the named one, else the owner).
BENEFICIARY_EVENTS = frozenset({ev.SUBSCRIPTION_ACTOR_ADDED, ev.SUBSCRIPTION_ACTOR_REMOVED})


def follow_subscription(
    deps: EntitlementDeps,
    store_hash: str,
    subscription_id: str,
    *,
    event_type: str,
    seq: int,
    data: dict[str, Any],
) -> str:
    """One subscription event for the entitlements: an actor event moves them to the current
    beneficiary, any other is followed as usual (`followed`, `unchanged`, `ignored`)."""
    if event_type in BENEFICIARY_EVENTS:
        return follow_beneficiary(deps, store_hash, subscription_id)
    return follow_event(
        deps, store_hash, subscription_id, event_type=event_type, seq=seq, data=data
    )


def follow_beneficiary(deps: EntitlementDeps, store_hash: str, subscription_id: str) -> str:
    """Move the subscription's live entitlements to its beneficiary, then apply the old
    holder's ledger (their group restored) before the new one's (`followed`, `unchanged`)."""
    for _ in range(MAX_CONFLICTS):
        try:
            customers = _move_once(deps, store_hash, subscription_id)
            break
        except ConcurrencyConflict:
            continue
    else:
        raise RetryLater(f"{store_hash}/{subscription_id}: entitlements kept conflicting")
    if customers is None:
        return "unchanged"
    for customer_id in customers:
        _apply_leaving_failures(deps, store_hash, customer_id)
    return "followed"


def _move_once(deps: EntitlementDeps, store_hash: str, subscription_id: str) -> list[int] | None:
    """Stage and commit the move; the customers whose ledger has a change to apply (old holders
    first), or None when nothing moved."""
    now = deps.clock.now()
    with deps.uow() as uow:
        sub = uow.subscriptions.get(store_hash, subscription_id)
        if sub is None:
            return None
        to = entitlement_holder(sub)
        repo = deps.repo(uow)
        moving = [e for e in repo.for_subscription(store_hash, subscription_id) if movable(e, to)]
        if to <= 0 or not moving:
            return None  # already theirs (a duplicate or older event), or nothing to hold it
        ledgers: dict[int, tuple[GroupLedger, str | None]] = {}
        said = False
        for ent in moving:
            old = ent.holder_customer_id
            for event_type, data in move_holder(ent, to, now):
                record_entitlement(sub, event_type, now, data)
                said = True
            for customer_id in (old, to):
                _ledger(repo, ledgers, store_hash, customer_id)[0].hold(ent)
            repo.save(ent)
        if said:  # a pending one moves without a word: the subscription's record is untouched
            uow.subscriptions.save(sub)
        pending = []
        for customer_id, (ledger, stored) in ledgers.items():
            if to_json(ledger) == stored or (stored is None and ledger.forgotten):
                continue  # e.g. a suspended one moved: it held nobody's group
            (repo.add_ledger if stored is None else repo.save_ledger)(ledger)
            if ledger.pending:
                repo.mark(WorkItem(store_hash, customer_id=customer_id))
                pending.append(customer_id)
        uow.commit()
    return pending


def _ledger(
    repo: EntitlementRepository,
    ledgers: dict[int, tuple[GroupLedger, str | None]],
    store_hash: str,
    customer_id: int,
) -> tuple[GroupLedger, str | None]:
    """The customer's ledger within this move (loaded once), and how it is stored (None: not
    at all), so an unchanged one is not written again."""
    if customer_id not in ledgers:
        found = repo.ledger(store_hash, customer_id)
        ledgers[customer_id] = (
            found or GroupLedger(store_hash=store_hash, customer_id=customer_id),
            None if found is None else to_json(found),
        )
    return ledgers[customer_id]
