"""A plan's grants end with their subscription: each is revoked once when the subscription is
cancelled or expires, whatever the stream repeats or a crash interrupts, and never before; the
merchant's own grants stay; a revoked grant is never refreshed again."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Literal

from bc_subscriptions.adapters.memory import MemoryOpsEvents
from bc_subscriptions.adapters.memory.allotments import MemoryAllotmentDue, MemoryAllotments
from bc_subscriptions.domain.allotments import GrantStatus
from bc_subscriptions.domain.subscription_pauses import pause, resume
from bc_subscriptions.ports.allotment_storage import GrantChange
from bc_subscriptions.services.allotment_refresh import sweep_allotment_refreshes
from bc_subscriptions.services.allotments import change_status, refresh_grant
from bc_subscriptions.services.cancel_flow import cancel_subscription
from bc_subscriptions.services.plan_allotment_ending import end_plan_allotments

from .crashing import Crash
from .plan_allotment_world import PlanAllotmentWorld

REVOKED = "allotment.revoked"


class CrashAfterWrite(MemoryAllotments):
    """The worker dies right after its n-th grant write committed, before it could go on."""

    def __init__(self, world: PlanAllotmentWorld, after: int) -> None:
        super().__init__(world.world.store)
        self.after, self.writes = after, 0

    def write(self, change: GrantChange) -> None:
        super().write(change)
        self.writes += 1
        if self.writes == self.after:
            raise Crash(f"after grant write {self.writes}")


def _cancel(
    w: PlanAllotmentWorld, sub_id: str, when: Literal["immediately", "period_end"] = "immediately"
) -> None:
    cancel_subscription(
        w.world.store_hash,
        sub_id,
        actor="merchant",
        uow_factory=w.world.uow,
        ops=MemoryOpsEvents(),
        now=w.world.clock.now(),
        when=when,
    )


def test_a_cancelled_subscription_has_each_plan_grant_revoked_and_the_merchants_left_alone() -> (
    None
):
    # Given a subscriber with the plan's two grants and one the merchant made them by hand
    w = PlanAllotmentWorld.create()
    customer_id, sub_id = w.join()
    by_hand = w.hand_grant(customer_id)
    # When the merchant cancels the subscription and the stream delivers its events
    _cancel(w, sub_id)
    revoked = w.stream()
    # Then both plan grants are revoked, naming the subscription's end, and the other is not
    assert sum(revoked) == 2
    for grant_id in w.plan_grant_ids(sub_id):
        grant = w.grant(grant_id)
        assert (grant.status, grant.next_refresh_at) == (GrantStatus.REVOKED, None)
    assert w.grant(by_hand).status is GrantStatus.ACTIVE
    events = w.allotment_events(REVOKED)
    assert sorted(e["grant_id"] for e in events) == w.plan_grant_ids(sub_id)
    assert {e["reason"] for e in events} == {"subscription.cancelled:requested"}
    assert {e["previous_status"] for e in events} == {"active"}


def test_a_duplicate_delivery_of_the_end_revokes_nothing_more() -> None:
    # Given a cancelled subscription whose grants the stream revoked
    w = PlanAllotmentWorld.create()
    _, sub_id = w.join()
    _cancel(w, sub_id)
    w.stream()
    # When the stream delivers every event again
    again = w.stream(replay=True)
    # Then nothing more is revoked: one revoked event per grant
    assert sum(again) == 0
    assert len(w.allotment_events(REVOKED)) == 2


def test_concurrent_deliveries_of_the_end_revoke_each_grant_once() -> None:
    # Given a cancelled subscription
    w = PlanAllotmentWorld.create()
    _, sub_id = w.join()
    _cancel(w, sub_id)

    def deliver() -> int:
        return end_plan_allotments(
            w.world.store_hash,
            sub_id,
            event_type="subscription.cancelled",
            data={"reason": "requested"},
            uow_factory=w.world.uow,
            deps=w.deps(),
        )

    # When four workers handle the same record at once
    with ThreadPoolExecutor(max_workers=4) as pool:
        counts = [f.result() for f in [pool.submit(deliver) for _ in range(4)]]
    # Then between them each grant was revoked exactly once
    assert sum(counts) == 2
    assert sorted(e["grant_id"] for e in w.allotment_events(REVOKED)) == w.plan_grant_ids(sub_id)


def test_a_crash_after_the_first_revoke_committed_is_finished_by_the_redelivery() -> None:
    # Given a cancelled subscription, and a worker that dies once its first revoke committed
    w = PlanAllotmentWorld.create()
    _, sub_id = w.join()
    _cancel(w, sub_id)
    crashing = w.deps(CrashAfterWrite(w, after=1))
    try:
        w.stream(deps=crashing)
        raise AssertionError("the worker should have died")
    except Crash:
        pass
    first, second = w.plan_grant_ids(sub_id)
    assert (w.grant(first).status, w.grant(second).status) == (
        GrantStatus.REVOKED,
        GrantStatus.ACTIVE,
    )
    # When the stream delivers the record again, to a healthy worker
    w.stream()
    # Then the second grant is revoked too, and the first was not revoked twice
    assert w.grant(second).status is GrantStatus.REVOKED
    assert sorted(e["grant_id"] for e in w.allotment_events(REVOKED)) == [first, second]


def test_a_cancel_at_period_end_revokes_when_the_cancel_takes_effect_not_when_scheduled() -> None:
    # Given a subscriber who cancels at the end of the period
    w = PlanAllotmentWorld.create()
    _, sub_id = w.join()
    weekly, _ = w.plan_grant_ids(sub_id)
    _cancel(w, sub_id, when="period_end")
    # When the stream delivers the scheduled cancel, and the weekly grant refreshes meanwhile
    assert sum(w.stream()) == 0
    w.world.advance_clock(timedelta(days=8))
    due = MemoryAllotmentDue(w.world.store, installed=[w.world.store_hash])
    assert sweep_allotment_refreshes(w.world.clock.now(), due=due, deps=w.deps()).periods == 1
    # Then the grants still stand until the period ends and the renewal worker cancels
    assert w.grant(weekly).status is GrantStatus.ACTIVE
    w.world.renew()
    [sub] = w.world.subscriptions()
    assert sub.status.value == "cancelled"
    assert sum(w.stream()) == 2
    assert {e["reason"] for e in w.allotment_events(REVOKED)} == {
        "subscription.cancelled:period_end"
    }


def test_dunning_that_ends_in_a_cancel_revokes_the_plan_grants_with_its_reason() -> None:
    # Given a subscriber whose card fails at renewal, in a store whose dunning cancels
    w = PlanAllotmentWorld.create(final_action="cancel")
    _, sub_id = w.join(card="ok")
    # When dunning runs out and the stream delivers the events
    w.run_dunning_out()
    w.stream()
    # Then the plan's grants are revoked because dunning was exhausted
    assert [w.grant(g).status for g in w.plan_grant_ids(sub_id)] == [GrantStatus.REVOKED] * 2
    assert {e["reason"] for e in w.allotment_events(REVOKED)} == {
        "subscription.cancelled:dunning_exhausted"
    }


def test_an_expired_subscription_has_its_plan_grants_revoked() -> None:
    # Given a subscriber whose fixed-length subscription had its last cycle
    w = PlanAllotmentWorld.create()
    _, sub_id = w.join()
    w.change(sub_id, lambda sub: sub.expire(w.world.clock.now()))
    # When the stream delivers the expiry
    w.stream()
    # Then the plan's grants are revoked, naming the expiry
    assert {e["reason"] for e in w.allotment_events(REVOKED)} == {"subscription.expired"}
    assert len(w.allotment_events(REVOKED)) == 2


def test_a_live_subscriptions_events_revoke_nothing() -> None:
    # Given a subscriber who renews once, then pauses and resumes
    w = PlanAllotmentWorld.create()
    _, sub_id = w.join()
    w.world.renew()
    w.change(sub_id, lambda sub: pause(sub, w.world.clock.now()))
    w.change(sub_id, lambda sub: resume(sub, w.world.clock.now()))
    # When the stream delivers all of it
    revoked = w.stream()
    # Then every grant still stands
    assert revoked and sum(revoked) == 0
    assert [w.grant(g).status for g in w.plan_grant_ids(sub_id)] == [GrantStatus.ACTIVE] * 2


def test_a_suspended_plan_grant_is_revoked_and_one_revoked_by_hand_is_left_as_it_was() -> None:
    # Given a subscriber whose merchant suspended one plan grant and revoked the other
    w = PlanAllotmentWorld.create()
    _, sub_id = w.join()
    weekly, wallet = w.plan_grant_ids(sub_id)
    store = w.world.store_hash
    change_status(store, weekly, "suspend", deps=w.deps(), reason="paused by support")
    change_status(store, wallet, "revoke", deps=w.deps(), reason="refund agreed")
    # When the subscription is cancelled and the stream delivers it
    _cancel(w, sub_id)
    assert sum(w.stream()) == 1
    # Then the suspended one is revoked by the end; the other keeps the merchant's reason
    by_grant = {e["grant_id"]: e for e in w.allotment_events(REVOKED)}
    assert by_grant[weekly]["previous_status"] == "suspended"
    assert by_grant[weekly]["reason"] == "subscription.cancelled:requested"
    assert by_grant[wallet]["reason"] == "refund agreed"


def test_the_refresh_sweep_never_refreshes_a_revoked_plan_grant() -> None:
    # Given a subscriber's weekly plan grant and the merchant's weekly grant, both due later
    w = PlanAllotmentWorld.create()
    customer_id, sub_id = w.join()
    by_hand = w.hand_grant(customer_id)
    weekly, _ = w.plan_grant_ids(sub_id)
    # And a sweep that read the due rows just before the subscription ended
    w.world.advance_clock(timedelta(days=8))
    due = MemoryAllotmentDue(w.world.store, installed=[w.world.store_hash])
    read_before = [row.grant_id for row in due.due(w.world.clock.now(), w.world.store_hash)]
    assert weekly in read_before
    _cancel(w, sub_id)
    w.stream()
    # When that sweep refreshes what it read, and later sweeps run weeks on
    stale = refresh_grant(w.world.store_hash, weekly, deps=w.deps(), now=w.world.clock.now())
    w.world.advance_clock(timedelta(weeks=3))
    sweep_allotment_refreshes(w.world.clock.now(), due=due, deps=w.deps())
    # Then the revoked grant never started another period and is no longer due; the merchant's
    # grant refreshed as usual
    assert stale == 0
    assert (w.grant(weekly).period, w.grant(weekly).balance) == (1, 4)
    assert weekly not in [row.grant_id for row in due.due(w.world.clock.now(), w.world.store_hash)]
    assert w.grant(by_hand).period == 5
