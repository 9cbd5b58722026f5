"""Entitlement transitions and the customer group ledger (pure domain)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bc_subscriptions.domain import events as ev
from bc_subscriptions.domain.entitlements import (
    Entitlement,
    EntitlementStatus,
    GroupLedger,
    PlanEntitlement,
    Signal,
    StepKind,
    signals_for,
)
from bc_subscriptions.domain.plan_metafield import InvalidPlan, parse_plan

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
MEMBERS = 7
ORIGINAL = 2


def _ent(
    key: str = "members", group: int = MEMBERS, priority: int = 0, grace: int = 0
) -> Entitlement:
    grant = PlanEntitlement(key=key, customer_group_id=group, priority=priority)
    return Entitlement.pending("s", "sub_1", grant, holder=5, cancel_grace_days=grace, now=T0)


def test_a_paid_activation_grants_and_dunning_exhaustion_suspends_and_recovery_resumes() -> None:
    # Given
    ent = _ent()
    # When / Then
    assert ent.follow(Signal.PAID, seq=1, now=T0) == ev.ENTITLEMENT_GRANTED
    assert ent.status == EntitlementStatus.ACTIVE and ent.holds_group
    assert ent.follow(Signal.EXHAUSTED, seq=2, now=T0) == ev.ENTITLEMENT_SUSPENDED
    assert not ent.holds_group
    assert ent.follow(Signal.RECOVERED, seq=3, now=T0) == ev.ENTITLEMENT_RESUMED
    assert ent.status == EntitlementStatus.ACTIVE


def test_a_cancel_revokes_at_once_without_a_cancel_grace() -> None:
    ent = _ent()
    ent.follow(Signal.PAID, seq=1, now=T0)
    assert ent.follow(Signal.ENDED, seq=2, now=T0) == ev.ENTITLEMENT_REVOKED
    # Then nothing brings a revoked entitlement back
    assert ent.follow(Signal.PAID, seq=3, now=T0) is None
    assert ent.status == EntitlementStatus.REVOKED


def test_a_cancel_grace_keeps_the_grant_until_it_runs_out() -> None:
    # Given a plan with three days of cancel grace
    ent = _ent(grace=3)
    ent.follow(Signal.PAID, seq=1, now=T0)
    # When the subscription is cancelled
    assert ent.follow(Signal.ENDED, seq=2, now=T0) is None
    # Then it still holds, a payment does not undo the end, and the grace's end revokes it
    assert ent.holds_group and ent.revoke_at == T0 + timedelta(days=3)
    assert ent.follow(Signal.PAID, seq=3, now=T0) is None
    assert ent.revoke_if_due(T0 + timedelta(days=2)) is None
    assert ent.revoke_if_due(T0 + timedelta(days=3)) == ev.ENTITLEMENT_REVOKED


def test_a_never_granted_entitlement_is_revoked_at_once_whatever_the_grace() -> None:
    ent = _ent(grace=30)
    assert ent.follow(Signal.ENDED, seq=1, now=T0) == ev.ENTITLEMENT_REVOKED


@pytest.mark.parametrize(
    ("event_type", "data", "signals"),
    [
        (ev.SUBSCRIPTION_CREATED, {"status": "active"}, (Signal.PAID,)),
        (ev.SUBSCRIPTION_CREATED, {"status": "trialing"}, ()),
        (ev.SUBSCRIPTION_RENEWED, {}, (Signal.PAID,)),
        (ev.SUBSCRIPTION_PAUSED, {"reason": "dunning_exhausted"}, (Signal.EXHAUSTED,)),
        (ev.SUBSCRIPTION_PAUSED, {}, ()),
        (
            ev.SUBSCRIPTION_CANCELLED,
            {"reason": "dunning_exhausted"},
            (Signal.EXHAUSTED, Signal.ENDED),
        ),
        (ev.SUBSCRIPTION_CANCELLED, {}, (Signal.ENDED,)),
        (ev.SUBSCRIPTION_EXPIRED, {}, (Signal.ENDED,)),
        (ev.SUBSCRIPTION_RESUMED, {}, (Signal.RECOVERED,)),
        (ev.CHARGE_FAILED, {}, ()),
    ],
)
def test_subscription_events_carry_the_documented_signals(
    event_type: str, data: dict[str, str], signals: tuple[Signal, ...]
) -> None:
    assert signals_for(event_type, data) == signals


def test_the_ledger_remembers_the_original_group_and_restores_it_when_the_last_holder_ends() -> (
    None
):
    # Given a customer in their own group, granted a membership
    ledger = GroupLedger(store_hash="s", customer_id=5)
    ent = _ent()
    ent.follow(Signal.PAID, seq=1, now=T0)
    ledger.hold(ent)
    # When applied
    step = ledger.next_step(ORIGINAL)
    assert step.kind == StepKind.MOVE and step.group_id == MEMBERS
    ledger.before_move(ORIGINAL, MEMBERS)
    ledger.settled(MEMBERS)
    # And the membership ends
    ent.follow(Signal.ENDED, seq=2, now=T0)
    ledger.hold(ent)
    # Then the customer goes back to the group they had
    step = ledger.next_step(MEMBERS)
    assert step.kind == StepKind.MOVE and step.group_id == ORIGINAL
    ledger.before_move(MEMBERS, ORIGINAL)
    ledger.settled(ORIGINAL)
    assert ledger.forgotten


def test_a_lost_answer_is_recognised_by_reading_the_group_first() -> None:
    # Given a change sent whose answer was lost
    ledger = GroupLedger(store_hash="s", customer_id=5)
    ent = _ent()
    ent.follow(Signal.PAID, seq=1, now=T0)
    ledger.hold(ent)
    ledger.before_move(ORIGINAL, MEMBERS)
    # When the next attempt finds it applied, or not applied
    assert ledger.next_step(MEMBERS).kind == StepKind.SETTLED
    assert ledger.next_step(ORIGINAL).kind == StepKind.MOVE


def _member() -> tuple[GroupLedger, Entitlement]:
    """A customer we moved from their own group into the membership group."""
    ledger = GroupLedger(store_hash="s", customer_id=5)
    ent = _ent()
    ent.follow(Signal.PAID, seq=1, now=T0)
    ledger.hold(ent)
    ledger.before_move(ORIGINAL, MEMBERS)
    ledger.settled(MEMBERS)
    return ledger, ent


def test_a_group_the_merchant_set_by_hand_while_the_membership_holds_is_left_alone() -> None:
    # Given a member the merchant moves to a wholesale group, and a second membership arrives
    ledger, first = _member()
    other = _ent("gold", group=11)
    other.follow(Signal.PAID, seq=2, now=T0)
    ledger.hold(other)
    step = ledger.next_step(9)
    # Then we report it, and never move them again while anything holds them
    assert step.kind == StepKind.HAND_CHANGED and step.group_id == 9
    ledger.hand_changed(9)
    assert ledger.next_step(9).kind == StepKind.YIELD
    # And when nothing holds them any more, the ledger lets go and leaves them there
    for ent in (first, other):
        ent.follow(Signal.ENDED, seq=3, now=T0)
        ledger.hold(ent)
    assert ledger.next_step(9).kind == StepKind.RELEASE


def test_a_group_the_merchant_set_by_hand_while_suspended_becomes_their_own_group() -> None:
    # Given a member whose membership is suspended, and the merchant moved them by hand
    ledger, ent = _member()
    ent.follow(Signal.EXHAUSTED, seq=2, now=T0)
    ledger.hold(ent)
    assert ledger.next_step(9).kind == StepKind.HAND_CHANGED
    ledger.hand_changed(9)
    # Then nothing is remembered: a resumed membership moves them from the group they now have
    assert ledger.forgotten
    ent.follow(Signal.RECOVERED, seq=3, now=T0)
    ledger.hold(ent)
    step = ledger.next_step(9)
    assert step.kind == StepKind.MOVE and step.group_id == MEMBERS
    ledger.before_move(9, MEMBERS)
    assert ledger.original_group_id == 9


def test_the_higher_priority_wins_and_among_equals_the_one_held_longest() -> None:
    # Given two memberships wanting different groups
    ledger = GroupLedger(store_hash="s", customer_id=5)
    first, second = _ent("silver", group=10), _ent("gold", group=11)
    first.follow(Signal.PAID, seq=1, now=T0)
    ledger.hold(first)
    second.follow(Signal.PAID, seq=2, now=T0 + timedelta(days=1))
    ledger.hold(second)
    # Then the one held longest keeps the customer
    assert ledger.winner() == 10
    # And a higher priority wins whatever its age
    third = _ent("platinum", group=12, priority=5)
    third.follow(Signal.PAID, seq=3, now=T0 + timedelta(days=2))
    ledger.hold(third)
    assert ledger.winner() == 12


def test_a_plan_names_its_entitlements_and_refuses_repeated_keys() -> None:
    # Given
    cadences = '"cadences": [{"label": "Monthly", "interval": "month"}]'
    grants = '{"key": "members", "customer_group_id": 7}'
    # When
    plan = parse_plan(1, f'{{{cadences}, "entitlements": [{grants}], "cancel_grace_days": 3}}')
    # Then
    assert plan.entitlements[0].customer_group_id == 7 and plan.cancel_grace_days == 3
    with pytest.raises(InvalidPlan, match="entitlement keys must be distinct"):
        parse_plan(1, f'{{{cadences}, "entitlements": [{grants}, {grants}]}}')
    with pytest.raises(ValueError):
        PlanEntitlement(key="members", customer_group_id=0)
