"""The exact events and state of the scheduled changes (a pause until a date, a cancel at
period end), pinned so that a refactor of how they are held cannot change what they record."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from bc_subscriptions.adapters.dynamodb.subscription_doc import subscription_doc
from bc_subscriptions.domain.lifecycle import Status
from bc_subscriptions.domain.scheduled_change import (
    CancelAlreadyScheduled,
    CancelAtPeriodEndUnavailable,
    NoScheduledCancel,
)
from bc_subscriptions.domain.subscription import Subscription
from bc_subscriptions.domain.subscription_cancels import (
    cancel,
    cancel_as_scheduled,
    cancel_due,
    schedule_cancel,
    withdraw_scheduled_cancel,
)
from bc_subscriptions.domain.subscription_dunning import give_up
from bc_subscriptions.domain.subscription_pauses import (
    pause,
    resume,
    resume_as_scheduled,
    resume_due,
)

from .factories import NOW, subscription

FEE_OWED = {"amount": "9.50", "currency": "USD", "status": "owed"}


def _fresh(sub_id: str) -> Subscription:
    sub = subscription(id=sub_id)
    sub.pull_events()
    return sub


def _events(sub: Subscription) -> list[tuple[str, str, dict[str, Any]]]:
    return [(e.id, e.type, e.data) for e in sub.pull_events()]


def _scheduled(sub: Subscription) -> tuple[Any, Any, Any]:
    """The stored (resume_at, cancel_at, scheduled_cancel_fee) attributes."""
    doc = json.loads(subscription_doc(sub))
    return doc["resume_at"], doc["cancel_at"], doc["scheduled_cancel_fee"]


def test_a_pause_until_a_date_records_the_pause_with_its_end_and_stores_it() -> None:
    # Given an active subscription
    sub = _fresh("sub_p1")
    # When it is paused until 45 days later
    pause(sub, NOW, NOW + timedelta(days=45))
    # Then one event names the cycle and the end, and the end is stored and due
    assert _events(sub) == [
        (
            "evt_sub_p1_000002",
            "subscription.paused",
            {"reason": "requested", "cycle": 2, "resume_at": "2026-03-17T12:00:00Z"},
        )
    ]
    assert _scheduled(sub) == ("2026-03-17T12:00:00Z", None, None)
    assert (sub.status, sub.due_at(), sub.updated_at) == (
        Status.PAUSED,
        NOW + timedelta(days=45),
        NOW,
    )


def test_an_indefinite_pause_records_no_end_and_is_never_due() -> None:
    # Given an active subscription
    sub = _fresh("sub_p2")
    # When it is paused without an end
    pause(sub, NOW)
    # Then the event has no resume_at, nothing is stored, and no sweep picks it up
    assert _events(sub) == [
        ("evt_sub_p2_000002", "subscription.paused", {"reason": "requested", "cycle": 2})
    ]
    assert _scheduled(sub) == (None, None, None)
    assert sub.due_at() is None


def test_the_end_of_a_pause_resumes_from_the_first_cycle_at_or_after_it() -> None:
    # Given a subscription paused until after cycle 2 starts
    sub = _fresh("sub_p3")
    pause(sub, NOW, NOW + timedelta(days=40))
    sub.pull_events()
    # When the worker runs a day late
    resume_as_scheduled(sub, NOW + timedelta(days=41))
    # Then cycle 2 was skipped, cycle 3 renews next, and the end of the pause is gone
    assert _events(sub) == [
        (
            "evt_sub_p3_000003",
            "subscription.resumed",
            {
                "reason": "scheduled",
                "resume_at": "2026-03-12T12:00:00Z",
                "next_renewal_at": "2026-03-31T12:00:00Z",
            },
        )
    ]
    assert (sub.status, sub.next_cycle, _scheduled(sub)) == (Status.ACTIVE, 3, (None, None, None))


def test_a_resume_on_request_drops_the_end_of_the_pause() -> None:
    # Given a subscription paused until a date
    sub = _fresh("sub_p4")
    pause(sub, NOW, NOW + timedelta(days=10))
    sub.pull_events()
    # When the shopper resumes it earlier
    resume(sub, NOW + timedelta(days=2))
    # Then it is active with nothing scheduled
    assert _events(sub) == [
        (
            "evt_sub_p4_000003",
            "subscription.resumed",
            {"reason": "requested", "next_renewal_at": "2026-02-28T12:00:00Z"},
        )
    ]
    assert _scheduled(sub) == (None, None, None)
    assert not resume_due(sub, NOW + timedelta(days=11))


def test_a_scheduled_cancel_with_a_fee_records_the_date_and_the_fee_owed() -> None:
    # Given an active subscription
    sub = _fresh("sub_c1")
    # When a cancel at period end is asked for with a fee
    schedule_cancel(sub, NOW + timedelta(days=3), Decimal("9.50"))
    # Then it stays active until the next renewal date, which is stored with the fee
    assert _events(sub) == [
        (
            "evt_sub_c1_000002",
            "subscription.cancel_scheduled",
            {"cancel_at": "2026-02-28T12:00:00Z", "cycle": 2, "early_cancel_fee": FEE_OWED},
        )
    ]
    assert _scheduled(sub) == (None, "2026-02-28T12:00:00Z", "9.50")
    assert (sub.status, sub.due_at(), sub.updated_at) == (
        Status.ACTIVE,
        sub.next_renewal_at,
        NOW + timedelta(days=3),
    )


def test_a_scheduled_cancel_takes_effect_with_the_fee_decided_when_it_was_asked_for() -> None:
    # Given a cancel scheduled with a fee
    sub = _fresh("sub_c2")
    schedule_cancel(sub, NOW, Decimal("9.50"))
    sub.pull_events()
    cancel_at = sub.next_renewal_at
    # Then it is not due a second early
    assert not cancel_due(sub, cancel_at - timedelta(seconds=1))
    # When its date comes
    cancel_as_scheduled(sub, cancel_at)
    # Then it is cancelled for period end, owing the fee, and nothing stays scheduled
    assert _events(sub) == [
        (
            "evt_sub_c2_000003",
            "subscription.cancelled",
            {
                "reason": "period_end",
                "cycle": 2,
                "cancel_at": "2026-02-28T12:00:00Z",
                "early_cancel_fee": FEE_OWED,
            },
        )
    ]
    assert (sub.status, _scheduled(sub), sub.due_at()) == (
        Status.CANCELLED,
        (None, None, None),
        None,
    )


def test_a_withdrawn_cancel_records_an_update_from_its_date_to_none() -> None:
    # Given a cancel scheduled with a fee
    sub = _fresh("sub_c3")
    schedule_cancel(sub, NOW, Decimal("9.50"))
    sub.pull_events()
    # When the shopper withdraws it
    withdraw_scheduled_cancel(sub, NOW + timedelta(days=1))
    # Then the update names the dropped date, and the date and fee are gone
    assert _events(sub) == [
        (
            "evt_sub_c3_000003",
            "subscription.updated",
            {
                "changes": {"cancel_at": ["2026-02-28T12:00:00Z", None]},
                "effective_cycle": 2,
                "next_renewal_at": "2026-02-28T12:00:00Z",
                "next_renewal_total": "20.00",
            },
        )
    ]
    assert (sub.status, _scheduled(sub), sub.due_at()) == (
        Status.ACTIVE,
        (None, None, None),
        sub.next_renewal_at,
    )


def test_a_pause_after_a_scheduled_cancel_keeps_both_and_is_due_at_the_earlier() -> None:
    # Given a cancel scheduled at the next renewal
    sub = _fresh("sub_c4")
    schedule_cancel(sub, NOW, Decimal("9.50"))
    # When the subscription is then paused until after the cancel date
    pause(sub, NOW, NOW + timedelta(days=60))
    # Then both stay stored, and the cancel (earlier) is when it is due
    assert _scheduled(sub) == ("2026-04-01T12:00:00Z", "2026-02-28T12:00:00Z", "9.50")
    assert sub.due_at() == sub.next_renewal_at
    # When the cancel date comes while paused, it is cancelled and the pause's end dropped
    cancel_as_scheduled(sub, sub.next_renewal_at)
    assert (sub.status, _scheduled(sub)) == (Status.CANCELLED, (None, None, None))


def test_an_immediate_cancel_drops_a_scheduled_cancel_and_its_fee() -> None:
    # Given a cancel scheduled with a fee
    sub = _fresh("sub_c5")
    schedule_cancel(sub, NOW, Decimal("9.50"))
    sub.pull_events()
    # When it is cancelled right away without a fee
    cancel(sub, NOW)
    # Then the event has no fee and nothing stays scheduled
    assert _events(sub) == [
        ("evt_sub_c5_000003", "subscription.cancelled", {"reason": "requested", "cycle": 2})
    ]
    assert _scheduled(sub) == (None, None, None)


def test_dunning_giving_up_with_a_pause_keeps_a_scheduled_cancel() -> None:
    # Given a cancel scheduled with a fee
    sub = _fresh("sub_c6")
    schedule_cancel(sub, NOW, Decimal("9.50"))
    sub.pull_events()
    # When dunning gives up by pausing
    give_up(sub, "pause", NOW)
    # Then the cancel stays scheduled with its fee, and no pause end is set
    assert _scheduled(sub) == (None, "2026-02-28T12:00:00Z", "9.50")
    assert sub.due_at() == sub.next_renewal_at


def test_a_second_scheduled_cancel_is_refused_naming_the_first() -> None:
    # Given a cancel scheduled
    sub = _fresh("sub_c7")
    schedule_cancel(sub, NOW)
    # When / Then a second one is refused, saying when the first takes effect
    with pytest.raises(CancelAlreadyScheduled) as refused:
        schedule_cancel(sub, NOW)
    assert str(refused.value) == "a cancel is already scheduled at 2026-02-28T12:00:00Z"
    assert refused.value.code == "cancel_already_scheduled"


def test_a_paused_subscription_cannot_schedule_a_cancel_and_none_can_be_withdrawn() -> None:
    # Given a paused subscription
    sub = _fresh("sub_c8")
    pause(sub, NOW)
    sub.pull_events()
    # When / Then a cancel at period end is refused, and there is none to withdraw
    with pytest.raises(CancelAtPeriodEndUnavailable) as unavailable:
        schedule_cancel(sub, NOW)
    assert str(unavailable.value) == (
        "a paused subscription cannot be cancelled at period end; cancel it immediately instead"
    )
    with pytest.raises(NoScheduledCancel):
        withdraw_scheduled_cancel(sub, NOW)
    assert (_events(sub), _scheduled(sub)) == ([], (None, None, None))
