"""A shopper's pause, skip or cancel that lands while the worker is renewing the same cycle.

Whichever commits first, the cycle ends in one state only: either the change is refused (409)
and the renewal finishes, or the change stands and the worker charges nothing for the cycle.
What must never happen (and the soak found): a pause landing between the worker's reads and
its writes, after which the worker either fails on the subscription forever (its retries
dead-lettered with an order, perhaps paid, left behind) or charges a paused subscription.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from bc_subscriptions.services.messages import RenewSubscription
from bc_subscriptions.services.renewal_workflow import RetryLater, run_renewal
from bc_subscriptions.services.subscription_admin import (
    RenewalInProgress,
    change_subscription,
    pause,
    skip,
)

from .world import MemoryWorld


def _due(world: MemoryWorld) -> RenewSubscription:
    world.subscribe()
    world.advance_clock(timedelta(days=31))
    [sub] = world.subscriptions()
    return RenewSubscription(store_hash=world.store_hash, subscription_id=sub.id, cycle=2)


def _change(world: MemoryWorld, operation: Callable[[Any], None]) -> str:
    [sub] = world.subscriptions()
    try:
        change_subscription(
            world.store_hash,
            sub.id,
            operation,
            uow_factory=world.uow,
            now=world.clock.now(),
            customer_id=sub.customer_id,
        )
    except RenewalInProgress:
        return "refused"
    return "ok"


class _ChangeDuringOrder:
    """BigCommerce, with the shopper acting while the cycle's order is being created."""

    def __init__(self, inner: Any, act: Callable[[], str]) -> None:
        self._inner, self._act, self.outcome = inner, act, ""

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def create_order(self, *args: Any, **kwargs: Any) -> Any:
        self.outcome = self._act()
        return self._inner.create_order(*args, **kwargs)


class _ChangeBeforeFirstCommit:
    """The real unit of work; the shopper commits just before the worker's first commit."""

    def __init__(self, inner: Any, act: Callable[[], str]) -> None:
        self._inner, self._act, self.outcome = inner, act, ""

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def __enter__(self) -> _ChangeBeforeFirstCommit:
        self._inner.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._inner.__exit__(*exc)

    def commit(self) -> None:
        if not self.outcome:
            self.outcome = self._act()
        self._inner.commit()


@pytest.mark.parametrize(
    "operation", [pause, skip], ids=["pause", "skip"]
)  # the two that stop the cycle or move past it
def test_a_change_while_the_cycle_order_is_created_is_refused_and_the_renewal_finishes(
    world: MemoryWorld, operation: Callable[..., Callable[[Any], None]]
) -> None:
    # Given a renewal due, and a shopper who acts while BigCommerce creates its order
    cmd = _due(world)
    bc = _ChangeDuringOrder(world.bc, lambda: _change(world, operation(world.clock.now())))
    # When the worker renews the cycle
    outcome = run_renewal(cmd, world.deps("w1", bc=bc))
    # Then the change was refused and the cycle renewed once, as if the shopper came later
    assert bc.outcome == "refused"
    assert outcome.outcome == "renewed"
    [sub] = world.subscriptions()
    assert (sub.status.value, sub.next_cycle) == ("active", 3)
    assert len(world.renewal_orders()) == 1


def test_a_pause_committed_before_the_worker_claims_the_cycle_leaves_it_uncharged(
    world: MemoryWorld,
) -> None:
    # Given a renewal due, and a pause that commits after the worker read the subscription
    cmd = _due(world)
    uow = _ChangeBeforeFirstCommit(
        world.uow(), lambda: _change(world, pause(world.clock.now(), None))
    )
    # When the worker claims the cycle, and its message comes back later
    with pytest.raises(RetryLater):
        run_renewal(cmd, world.deps("w1", uow=uow))
    world.advance_clock(timedelta(minutes=10))
    again = run_renewal(cmd, world.deps("w2"))
    # Then the pause stood, the claim lost the race, and nothing was ordered or charged
    assert uow.outcome == "ok"
    assert again.outcome == "not_due"
    [sub] = world.subscriptions()
    assert sub.status.value == "paused" and sub.next_cycle == 2
    assert world.renewal_orders() == [] and world.charges() == []


def test_a_pause_after_the_renewal_finished_is_accepted(world: MemoryWorld) -> None:
    # Given a cycle renewed (its charge final)
    cmd = _due(world)
    assert run_renewal(cmd, world.deps("w1")).outcome == "renewed"
    # When the shopper pauses / Then nothing is in progress to refuse it
    assert _change(world, pause(world.clock.now(), None)) == "ok"
