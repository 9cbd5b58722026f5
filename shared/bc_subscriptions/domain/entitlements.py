"""Entitlements: what a subscription grants its holder, and which customer group that means.

An entitlement is granted when its subscription is active and paid, suspended when dunning
runs out of grace, resumed when payment recovers and revoked when the subscription ends (after
the plan's cancel grace). Its external effect, a BigCommerce customer group, is decided here too:
a customer has exactly one group, so a per-customer ledger remembers the group they had before
the first entitlement moved them and restores it when the last one ends.

Which group wins when several active entitlements want different ones (the documented
priority): the highest `priority` first; among equals the one held longest (a second
membership never flips a customer who is already in the first one's group); then the lower
customer group id, so the choice never depends on reading order.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import msgspec

from . import events as ev
from .record import FieldError, FrozenRecord, Record, within
from .timestamps import iso_timestamp

if TYPE_CHECKING:
    from .subscription import Subscription

KEY_PATTERN = r"^[a-z0-9][a-z0-9_.-]{0,63}$"
_KEY = re.compile(KEY_PATTERN)


def entitlement_holder(subscription: Subscription) -> int:
    """The customer the subscription's entitlements are for: its beneficiary (its customer
    unless a gift or the merchant named another). This is the one place that decides it; when
    a later beneficiary is named, the entitlements move (`entitlement_moves.py`)."""
    return subscription.beneficiary_customer_id


class EntitlementStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


class PlanEntitlement(FrozenRecord, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What a plan grants: a named entitlement and the customer group it puts the holder in."""

    key: str
    customer_group_id: int
    priority: int = 0

    def __post_init__(self) -> None:
        if not _KEY.fullmatch(self.key):
            raise FieldError("key", f"must match {KEY_PATTERN}")
        if self.customer_group_id < 1:
            raise FieldError("customer_group_id", "must be greater than or equal to 1")
        within("priority", self.priority, 0, 1000)


class Signal(StrEnum):
    """What a subscription event means for its entitlements."""

    PAID = "paid"  # active and paid: grant a pending one, resume a suspended one
    EXHAUSTED = "exhausted"  # dunning ran out of grace: suspend
    RECOVERED = "recovered"  # a suspended subscription runs again: resume
    ENDED = "ended"  # cancelled or expired: revoke once the cancel grace has passed


def signals_for(event_type: str, data: dict[str, Any]) -> tuple[Signal, ...]:
    """The signals one subscription event carries, in the order they apply."""
    exhausted = data.get("reason") == "dunning_exhausted"
    if event_type == ev.SUBSCRIPTION_CREATED:
        return (Signal.PAID,) if data.get("status") == "active" else ()
    if event_type == ev.SUBSCRIPTION_RENEWED:
        return (Signal.PAID,)
    if event_type == ev.SUBSCRIPTION_RESUMED:
        return (Signal.RECOVERED,)
    if event_type == ev.SUBSCRIPTION_PAUSED:
        # Only dunning's pause suspends: a shopper's pause keeps what the paid cycle bought.
        return (Signal.EXHAUSTED,) if exhausted else ()
    if event_type == ev.SUBSCRIPTION_CANCELLED:
        return (Signal.EXHAUSTED, Signal.ENDED) if exhausted else (Signal.ENDED,)
    if event_type == ev.SUBSCRIPTION_EXPIRED:
        return (Signal.ENDED,)
    return ()


class Entitlement(Record, kw_only=True):
    """One entitlement of one subscription (`key` is unique within it)."""

    store_hash: str
    subscription_id: str
    key: str
    customer_group_id: int
    priority: int = 0
    holder_customer_id: int
    # The plan's cancel grace when the entitlement was made (locked, like the plan's terms).
    cancel_grace_days: int = 0
    status: EntitlementStatus = EntitlementStatus.PENDING
    created_at: datetime
    changed_at: datetime
    granted_at: datetime | None = None
    # When an ended subscription's entitlement is revoked (the plan's cancel grace).
    revoke_at: datetime | None = None
    # The subscription event it last followed: an event at or below it changes nothing.
    seen_seq: int = 0

    @classmethod
    def pending(
        cls,
        store_hash: str,
        subscription_id: str,
        grant: PlanEntitlement,
        *,
        holder: int,
        cancel_grace_days: int,
        now: datetime,
    ) -> Entitlement:
        return cls(
            cancel_grace_days=cancel_grace_days,
            store_hash=store_hash,
            subscription_id=subscription_id,
            key=grant.key,
            customer_group_id=grant.customer_group_id,
            priority=grant.priority,
            holder_customer_id=holder,
            created_at=now,
            changed_at=now,
        )

    @property
    def holds_group(self) -> bool:
        """Whether it keeps its holder in its customer group now."""
        return self.status == EntitlementStatus.ACTIVE

    def follow(self, signal: Signal, *, seq: int, now: datetime) -> str | None:
        """Apply one signal; returns the event type of the transition it made, if any."""
        self.seen_seq = max(self.seen_seq, seq)
        cancel_grace = timedelta(days=self.cancel_grace_days)
        status = self.status
        if status == EntitlementStatus.REVOKED:
            return None
        if signal == Signal.ENDED:
            if status == EntitlementStatus.PENDING or cancel_grace <= timedelta(0):
                return self._move(EntitlementStatus.REVOKED, now, ev.ENTITLEMENT_REVOKED)
            self.revoke_at = self.revoke_at or now + cancel_grace
            return None
        if self.revoke_at is not None:
            return None  # ended: nothing brings it back but a new subscription
        if signal == Signal.PAID and status == EntitlementStatus.PENDING:
            self.granted_at = now
            return self._move(EntitlementStatus.ACTIVE, now, ev.ENTITLEMENT_GRANTED)
        if signal in (Signal.PAID, Signal.RECOVERED) and status == EntitlementStatus.SUSPENDED:
            return self._move(EntitlementStatus.ACTIVE, now, ev.ENTITLEMENT_RESUMED)
        if signal == Signal.EXHAUSTED and status == EntitlementStatus.ACTIVE:
            return self._move(EntitlementStatus.SUSPENDED, now, ev.ENTITLEMENT_SUSPENDED)
        return None

    def revoke_if_due(self, now: datetime) -> str | None:
        """The cancel grace has passed: revoke (returns the event type)."""
        if self.status == EntitlementStatus.REVOKED or self.revoke_at is None:
            return None
        if now < self.revoke_at:
            return None
        return self._move(EntitlementStatus.REVOKED, now, ev.ENTITLEMENT_REVOKED)

    def event_data(self, reason: str) -> dict[str, Any]:
        return {
            "key": self.key,
            "status": self.status.value,
            "customer_id": self.holder_customer_id,
            "customer_group_id": self.customer_group_id,
            "reason": reason,
            "granted_at": iso_timestamp(self.granted_at) if self.granted_at else None,
            "revoke_at": iso_timestamp(self.revoke_at) if self.revoke_at else None,
        }

    def _move(self, to: EntitlementStatus, now: datetime, event_type: str) -> str:
        self.status, self.changed_at = to, now
        return event_type


class Holding(FrozenRecord, frozen=True, kw_only=True):
    """An active entitlement as its holder's group ledger sees it."""

    customer_group_id: int
    priority: int
    since: datetime


class StepKind(StrEnum):
    MOVE = "move"  # set the customer's group to `group_id` (remember the original first)
    SETTLED = "settled"  # BigCommerce already shows what we want: record it
    RELEASE = "release"  # nothing holds the customer any more: forget the ledger
    HAND_CHANGED = "hand_changed"  # the merchant moved the customer: leave it, tell ops
    YIELD = "yield"  # the merchant's hand change stands: nothing to do


class Step(FrozenRecord, frozen=True, kw_only=True):
    kind: StepKind
    group_id: int | None = None


class GroupLedger(Record, kw_only=True):
    """One customer's group, as our entitlements manage it (one per store and customer).

    `holdings` are the active entitlements that want a group (`{subscription_id}/{key}`);
    `original_group_id` the group the customer had before the first of them moved them;
    `applied_group_id` what BigCommerce was last seen to hold from us; `in_flight_group_id` a
    change sent whose outcome is not known yet. The merchant's own change (neither of those)
    wins: `hand_changed_to` records it and we stop moving the customer until nothing holds
    them any more.
    """

    store_hash: str
    customer_id: int
    holdings: dict[str, Holding] = msgspec.field(default_factory=dict)
    original_group_id: int | None = None
    applied_group_id: int | None = None
    in_flight_group_id: int | None = None
    hand_changed_to: int | None = None
    # Something is left to do at BigCommerce: the worker or the sweep applies it.
    pending: bool = False
    changed_at: datetime | None = None

    def hold(self, ent: Entitlement) -> None:
        """Follow one entitlement's state; pending when what holds the customer changed."""
        name = f"{ent.subscription_id}/{ent.key}"
        before = dict(self.holdings)
        # An entitlement that moved to another customer (a new beneficiary) lets go of this one.
        if ent.holds_group and ent.holder_customer_id == self.customer_id:
            since = self.holdings[name].since if name in self.holdings else ent.changed_at
            self.holdings[name] = Holding(
                customer_group_id=ent.customer_group_id, priority=ent.priority, since=since
            )
        else:
            self.holdings.pop(name, None)
        if self.holdings != before:
            self.pending = True
            self.changed_at = ent.changed_at

    def winner(self) -> int | None:
        """The group the holdings want, by the documented priority (None: none holds)."""
        if not self.holdings:
            return None
        best = min(
            self.holdings.values(), key=lambda h: (-h.priority, h.since, h.customer_group_id)
        )
        return best.customer_group_id

    def next_step(self, current_group_id: int) -> Step:
        """What to do, given the group BigCommerce shows for the customer now."""
        if self.hand_changed_to is not None:
            return Step(kind=StepKind.RELEASE if not self.holdings else StepKind.YIELD)
        # Where we left them (before our first change: where we found them), or where a change
        # whose answer we never saw would have put them.
        left = self.original_group_id if self.applied_group_id is None else self.applied_group_id
        ours = {g for g in (left, self.in_flight_group_id) if g is not None}
        original = current_group_id if self.original_group_id is None else self.original_group_id
        target = self.winner()
        if target is None and not ours:
            return Step(kind=StepKind.RELEASE)  # never moved them: nothing to restore
        target = original if target is None else target
        if current_group_id == target:
            return Step(kind=StepKind.SETTLED, group_id=target)
        if ours and current_group_id not in ours:
            return Step(kind=StepKind.HAND_CHANGED, group_id=current_group_id)
        return Step(kind=StepKind.MOVE, group_id=target)

    def before_move(self, current_group_id: int, target: int) -> None:
        """Recorded before the change is sent: a crash or lost answer is recognised later."""
        if self.original_group_id is None:
            self.original_group_id = current_group_id
        self.in_flight_group_id = target

    def wanted(self) -> int | None:
        """The group the customer should be in now (None: we never moved them)."""
        return self.winner() if self.holdings else self.original_group_id

    def settled(self, group_id: int) -> None:
        """BigCommerce holds `group_id`; still pending if what is wanted changed meanwhile."""
        if self.original_group_id is None:
            self.original_group_id = group_id  # already where we want them: nothing to undo
        self.applied_group_id, self.in_flight_group_id = group_id, None
        self.pending = self.wanted() != group_id
        if not self.holdings and not self.pending:
            self._forget()

    def refused(self) -> None:
        """The provider refused the group (deleted since): nothing to retry until it changes."""
        self.in_flight_group_id, self.pending = None, False

    def hand_changed(self, group_id: int) -> None:
        self.hand_changed_to, self.in_flight_group_id = group_id, None
        self.pending = False
        if not self.holdings:
            self._forget()  # nothing holds them any more: the merchant's group simply stays

    def release(self) -> None:
        self._forget()
        self.pending = False

    def yielded(self) -> None:
        self.pending = False

    @property
    def forgotten(self) -> bool:
        """Nothing is remembered: the ledger can be deleted."""
        return not self.holdings and self.original_group_id is None and not self.pending

    def _forget(self) -> None:
        self.original_group_id = self.applied_group_id = self.in_flight_group_id = None
        self.hand_changed_to = None
