"""Entitlements follow their subscription's events, then take effect at the provider.

Two steps, each safe to repeat:
1. `follow_event`: a subscription event (from the table's stream) moves the subscription's
   entitlements, and the holder's group ledger, in one transaction with the entitlement events
   (in the subscription's own sequence) and a work item. An entitlement remembers the last
   event it followed, so a duplicate or older event changes nothing.
2. `apply_ledger`: the ledger is brought to the provider, always reading the customer's group
   first. Before a change is sent, its target is recorded as in flight: after a timeout, a 5xx
   or a crash, the next attempt finds the customer already there (settled) or still where we
   left them (sent again); anything else is the merchant's own change, which is left alone and
   reported to ops. The sweep retries whatever the work list still holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

import msgspec

from ..domain import events as ev
from ..domain.entitlement_moves import current_holder
from ..domain.entitlements import (
    Entitlement,
    EntitlementStatus,
    GroupLedger,
    StepKind,
    entitlement_holder,
    signals_for,
)
from ..domain.subscription_entitlements import record_entitlement
from ..observability import logger
from ..ports.entitlement_provider import EntitlementProvider, GroupRefused, HolderGone
from ..ports.entitlements import EntitlementRepository, EntitlementWork, WorkItem
from ..ports.storage import ConcurrencyConflict, OpsEvent, OpsEvents, UnitOfWork

if TYPE_CHECKING:
    from ..domain.plan import Plan
    from ..domain.subscription import Subscription
    from ..ports.clock import Clock

# Subscription events that can move an entitlement (with the actor events that move it to a
# new beneficiary, `entitlement_moves.py`, all that the stream filter lets in).
FOLLOWED = frozenset(
    {
        ev.SUBSCRIPTION_CREATED,
        ev.SUBSCRIPTION_RENEWED,
        ev.SUBSCRIPTION_RESUMED,
        ev.SUBSCRIPTION_PAUSED,
        ev.SUBSCRIPTION_CANCELLED,
        ev.SUBSCRIPTION_EXPIRED,
    }
)
GRACE_ENDED = "cancel_grace_ended"
# Ops items (not merchant webhooks): what an operator must look at.
GROUP_CHANGED_BY_HAND = "entitlement.group_changed_by_hand"
GROUP_REFUSED = "entitlement.group_refused"
HOLDER_GONE = "entitlement.holder_gone"
MAX_CONFLICTS = 5
MAX_STEPS = 4


class RetryLater(Exception):
    """Others kept writing the same records: the message is retried later."""


class PlanSource(Protocol):
    def plans_for(
        self, store_hash: str, product_ids: Iterable[int], now: datetime
    ) -> dict[int, Plan]: ...


class EntitlementDeps(msgspec.Struct, frozen=True):
    uow: Callable[[], UnitOfWork]
    repo: Callable[[UnitOfWork], EntitlementRepository]
    work: EntitlementWork
    provider: EntitlementProvider
    plans: PlanSource
    ops: OpsEvents
    clock: Clock


class SweepResult(msgspec.Struct):
    applied: int = 0
    revoked: int = 0
    failed: int = 0


def follow_event(
    deps: EntitlementDeps,
    store_hash: str,
    subscription_id: str,
    *,
    event_type: str,
    seq: int,
    data: dict[str, Any],
) -> str:
    """Fold one subscription event into its entitlements, then apply the holder's ledger.

    A provider failure after the commit is logged and left to the sweep: the transition is
    recorded and its work item stays until it is applied."""
    if event_type not in FOLLOWED:
        return "ignored"
    for _ in range(MAX_CONFLICTS):
        try:
            holder = _follow_once(deps, store_hash, subscription_id, event_type, seq, data)
            break
        except ConcurrencyConflict:
            continue
    else:
        raise RetryLater(f"{store_hash}/{subscription_id}: entitlements kept conflicting")
    if holder is None:
        return "unchanged"
    _apply_leaving_failures(deps, store_hash, holder)
    return "followed"


def apply_ledger(deps: EntitlementDeps, store_hash: str, customer_id: int) -> str:
    """Bring the customer's group to what their ledger wants; returns the last step's kind.

    Provider errors other than a refusal propagate: the ledger stays pending (its in-flight
    target recorded), and whoever retries reads the provider first."""
    outcome = "idle"
    for _ in range(MAX_STEPS):
        outcome = _step(deps, store_hash, customer_id)
        if outcome != StepKind.MOVE:
            break
    _clear_if_idle(deps, WorkItem(store_hash, customer_id=customer_id))
    return outcome


def revoke_due(deps: EntitlementDeps, store_hash: str, subscription_id: str) -> bool:
    """Revoke the subscription's entitlements whose cancel grace has passed; True when none is
    left waiting (its work item can go)."""
    for _ in range(MAX_CONFLICTS):
        try:
            holder, waiting = _revoke_once(deps, store_hash, subscription_id)
            break
        except ConcurrencyConflict:
            continue
    else:
        raise RetryLater(f"{store_hash}/{subscription_id}: entitlements kept conflicting")
    if holder is not None:
        _apply_leaving_failures(deps, store_hash, holder)
    return not waiting


def sweep_store(deps: EntitlementDeps, store_hash: str, *, limit: int = 100) -> SweepResult:
    """The store's outstanding work: ledgers not yet applied, revocations now due."""
    result = SweepResult()
    now = deps.clock.now()
    try:
        outstanding = deps.work.outstanding(store_hash, limit)
    except Exception:
        logger.exception("entitlement work could not be listed", store_hash=store_hash)
        return SweepResult(failed=1)
    for item in outstanding:
        try:
            if item.customer_id is not None:
                apply_ledger(deps, store_hash, item.customer_id)
                result.applied += 1
            elif item.subscription_id is not None and (item.due_at is None or item.due_at <= now):
                if revoke_due(deps, store_hash, item.subscription_id):
                    deps.work.clear(item)
                result.revoked += 1
        except Exception:
            logger.exception("entitlement work failed; it stays outstanding", store_hash=store_hash)
            result.failed += 1
    return result


# -- following events -----------------------------------------------------------------------------
def _follow_once(
    deps: EntitlementDeps,
    store_hash: str,
    subscription_id: str,
    event_type: str,
    seq: int,
    data: dict[str, Any],
) -> int | None:
    now = deps.clock.now()
    with deps.uow() as uow:
        sub = uow.subscriptions.get(store_hash, subscription_id)
        if sub is None:
            return None
        repo = deps.repo(uow)
        existing = repo.for_subscription(store_hash, subscription_id)
        # All of one subscription's are made together, for one holder, and move together when
        # another beneficiary is named (`entitlement_moves.py`).
        held_by = current_holder(existing)
        holder = entitlement_holder(sub) if held_by is None else held_by
        if holder <= 0:
            return None  # a guest has no customer record to hold a group
        # The plan's grants are locked when the subscription starts (like its terms): later
        # events of a subscription that grants nothing read no plan.
        created = event_type == ev.SUBSCRIPTION_CREATED
        fresh = _materialise(deps, sub, holder, now) if created and not existing else []
        ents = existing or fresh
        if not ents or all(e.seen_seq >= seq for e in ents):
            return None  # grants nothing, or a duplicate or older event
        moved = _follow_all(ents, event_type, seq, data, now)
        for ent in fresh:
            repo.add(ent)
        for ent in existing:
            repo.save(ent)
        changed = _record(uow, repo, sub, holder, moved, reason=event_type, now=now)
        if any(_waiting(e) for e in ents):
            repo.mark(WorkItem(store_hash, subscription_id=sub.id, due_at=_first_revoke(ents)))
        uow.commit()
    return holder if changed else None


def _follow_all(
    ents: list[Entitlement], event_type: str, seq: int, data: dict[str, Any], now: datetime
) -> list[tuple[Entitlement, str]]:
    moved: list[tuple[Entitlement, str]] = []
    for ent in ents:
        if ent.seen_seq >= seq:
            continue
        for signal in signals_for(event_type, data):
            if (moved_to := ent.follow(signal, seq=seq, now=now)) is not None:
                moved.append((ent, moved_to))
        ent.seen_seq = seq
    return moved


def _waiting(ent: Entitlement) -> bool:
    """Ended, but its cancel grace has not run out yet."""
    return ent.revoke_at is not None and ent.status != EntitlementStatus.REVOKED


def _first_revoke(ents: list[Entitlement]) -> datetime | None:
    return min((e.revoke_at for e in ents if _waiting(e) and e.revoke_at), default=None)


def _materialise(
    deps: EntitlementDeps, sub: Subscription, holder: int, now: datetime
) -> list[Entitlement]:
    """The entitlements the subscription's plans grant, pending (locked from now on)."""
    plans = deps.plans.plans_for(sub.store_hash, [line.product_id for line in sub.lines], now)
    ents: dict[str, Entitlement] = {}
    for plan in plans.values():
        for grant in plan.entitlements:
            ents.setdefault(
                grant.key,
                Entitlement.pending(
                    sub.store_hash,
                    sub.id,
                    grant,
                    holder=holder,
                    cancel_grace_days=plan.cancel_grace_days,
                    now=now,
                ),
            )
    return list(ents.values())


def _record(
    uow: UnitOfWork,
    repo: EntitlementRepository,
    sub: Subscription,
    holder: int,
    moved: list[tuple[Entitlement, str]],
    *,
    reason: str,
    now: datetime,
) -> bool:
    """Stage the transitions' events and the holder's ledger; True when the ledger has a
    change to apply at the provider."""
    if not moved:
        return False
    ledger = repo.ledger(sub.store_hash, holder)
    known = ledger is not None
    ledger = ledger or GroupLedger(store_hash=sub.store_hash, customer_id=holder)
    for ent, event_type in moved:
        ledger.hold(ent)
        record_entitlement(sub, event_type, now, ent.event_data(reason))
    uow.subscriptions.save(sub)
    (repo.save_ledger if known else repo.add_ledger)(ledger)
    if not ledger.pending:
        return False  # e.g. a suspended one revoked: the group it held was already given back
    repo.mark(WorkItem(sub.store_hash, customer_id=holder))
    return True


def _revoke_once(
    deps: EntitlementDeps, store_hash: str, subscription_id: str
) -> tuple[int | None, bool]:
    now = deps.clock.now()
    with deps.uow() as uow:
        sub = uow.subscriptions.get(store_hash, subscription_id)
        if sub is None:
            return None, False
        repo = deps.repo(uow)
        ents = repo.for_subscription(store_hash, subscription_id)
        moved = [(e, t) for e in ents if (t := e.revoke_if_due(now)) is not None]
        waiting = any(_waiting(e) for e in ents)
        if not moved:
            return None, waiting
        for ent, _ in moved:
            repo.save(ent)
        holder = moved[0][0].holder_customer_id
        changed = _record(uow, repo, sub, holder, moved, reason=GRACE_ENDED, now=now)
        uow.commit()
    return (holder if changed else None), waiting


# -- applying the ledger at the provider ----------------------------------------------------------
def _step(deps: EntitlementDeps, store_hash: str, customer_id: int) -> str:
    now = deps.clock.now()
    with deps.uow() as uow:
        repo = deps.repo(uow)
        ledger = repo.ledger(store_hash, customer_id)
        if ledger is None or not ledger.pending:
            return "idle"
        try:
            current = deps.provider.current_group(store_hash, customer_id)
        except HolderGone:
            ledger.release()
            repo.save_ledger(ledger)
            uow.commit()
            _ops(deps, store_hash, HOLDER_GONE, {"customer_id": customer_id}, now)
            return "holder_gone"
        step = ledger.next_step(current)
        if step.kind == StepKind.MOVE:
            assert step.group_id is not None
            ledger.before_move(current, step.group_id)
        elif step.kind == StepKind.SETTLED:
            assert step.group_id is not None
            ledger.settled(step.group_id)
        elif step.kind == StepKind.HAND_CHANGED:
            expected = ledger.in_flight_group_id or ledger.applied_group_id
            ledger.hand_changed(current)
            _ops(
                deps,
                store_hash,
                GROUP_CHANGED_BY_HAND,
                {
                    "customer_id": customer_id,
                    "expected_group_id": expected,
                    "found_group_id": current,
                },
                now,
            )
        elif step.kind == StepKind.YIELD:
            ledger.yielded()
        else:
            ledger.release()
        repo.save_ledger(ledger)
        uow.commit()
    if step.kind != StepKind.MOVE:
        return "settled" if step.kind == StepKind.SETTLED and not ledger.pending else step.kind
    assert step.group_id is not None
    return _move(deps, store_hash, customer_id, step.group_id, now)


def _move(
    deps: EntitlementDeps, store_hash: str, customer_id: int, target: int, now: datetime
) -> str:
    try:
        deps.provider.set_group(store_hash, customer_id, target)
    except GroupRefused as refusal:
        with deps.uow() as uow:
            repo = deps.repo(uow)
            ledger = repo.ledger(store_hash, customer_id)
            if ledger is not None and ledger.in_flight_group_id == target:
                ledger.refused()
                repo.save_ledger(ledger)
                uow.commit()
        data = {"customer_id": customer_id, "group_id": target, "reason": str(refusal)[:300]}
        _ops(deps, store_hash, GROUP_REFUSED, data, now)
        return "refused"
    with deps.uow() as uow:
        repo = deps.repo(uow)
        ledger = repo.ledger(store_hash, customer_id)
        if ledger is not None and ledger.in_flight_group_id == target:
            ledger.settled(target)
            repo.save_ledger(ledger)
            uow.commit()
            if not ledger.pending:
                return "settled"
    return StepKind.MOVE  # something changed meanwhile: the caller takes another step


def _apply_leaving_failures(deps: EntitlementDeps, store_hash: str, customer_id: int) -> None:
    try:
        apply_ledger(deps, store_hash, customer_id)
    except Exception:
        # Recorded and marked outstanding: the sweep applies it once the provider answers.
        logger.warning(
            "customer group not applied yet; the sweep retries",
            store_hash=store_hash,
            customer_id=customer_id,
            exc_info=True,
        )


def _clear_if_idle(deps: EntitlementDeps, item: WorkItem) -> None:
    """Drop the work item once the ledger has nothing left; a change that landed meanwhile
    puts it back (cleared outside the transaction, so this re-check closes the race)."""
    assert item.customer_id is not None
    with deps.uow() as uow:
        ledger = deps.repo(uow).ledger(item.store_hash, item.customer_id)
    if ledger is not None and ledger.pending:
        return
    deps.work.clear(item)
    with deps.uow() as uow:
        repo = deps.repo(uow)
        ledger = repo.ledger(item.store_hash, item.customer_id)
        if ledger is not None and ledger.pending:
            repo.mark(item)
            uow.commit()


def _ops(
    deps: EntitlementDeps, store_hash: str, type_: str, data: dict[str, object], now: datetime
) -> None:
    logger.warning("entitlement needs a look", store_hash=store_hash, type=type_)
    deps.ops.record(OpsEvent(store_hash, type_, data, now))
