"""The auth-expiry sweep over a multi-location cycle: each location's authorization is looked at
on its own (a pending capture or void read back, a due capture tried again, an expiring one
captured early or voided), settled once, and heard of as a single order's would be."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from bc_subscriptions.adapters.memory import MemoryOpenAuthorizations
from bc_subscriptions.domain.authorization import Authorization
from bc_subscriptions.domain.charge import Charge
from bc_subscriptions.services.auth_expiry_sweep import SweepResult, sweep_authorizations
from bc_subscriptions.services.delivery_locations import add_location
from bc_subscriptions.services.messages import RenewSubscription
from bc_subscriptions.services.order_status import StatusChange
from bc_subscriptions.services.payment_actions import ActionDeps
from bc_subscriptions.services.payment_reactions import capture_when_fulfilled, void_when_cancelled
from bc_subscriptions.services.renewal_workflow import run_renewal

from .capture_world import retry, store, txs
from .crashing import dying_after_commit
from .locations_world import DeclinesOneLocation, location
from .world import MemoryWorld

CAPTURE = "/stores/*/v3/orders/{}/payment_actions/capture"
TRANSACTIONS = "/stores/*/v3/orders/{}/transactions"
# The default auth window is 7 days and the sweep acts 24 hours before it ends.
EXPIRING = timedelta(days=6, hours=1)


class Died(BaseException):
    """The sweep's process died here (not an error the sweep could catch and go on from)."""


class DiesAfterAction:
    """The real BigCommerce client, whose process dies right after its first capture or void
    call was applied, before the answer was seen."""

    def __init__(self, inner: Any) -> None:
        self._inner, self._died = inner, False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def request_payment_action(self, *args: Any, **kwargs: Any) -> None:
        self._inner.request_payment_action(*args, **kwargs)
        if not self._died:
            self._died = True
            raise Died("right after the call was applied")


class LosesReadBack:
    """The real BigCommerce client, where the order's transactions cannot be read from the
    moment its capture is requested."""

    def __init__(self, world: MemoryWorld, order_id: int) -> None:
        self._world, self._order = world, order_id

    def __getattr__(self, name: str) -> Any:
        return getattr(self._world.bc, name)

    def request_payment_action(self, store_hash: str, order_id: int, action: str) -> None:
        if order_id == self._order:
            path = TRANSACTIONS.format(order_id)
            self._world.emulator.faults.inject("GET", path, "5xx_before", times=10)
        self._world.bc.request_payment_action(store_hash, order_id, action)


def two_locations(world: MemoryWorld) -> tuple[RenewSubscription, list[str]]:
    """A subscription shipping to two locations, its cycle 2 due; and the locations' ids."""
    world.subscribe()
    [sub] = world.subscriptions()
    for city in ("Austin", "Boston"):
        add_location(
            world.store_hash, sub.id, location(city), uow=world.uow(), now=world.clock.now()
        )
    world.advance_clock(timedelta(days=31))
    [sub] = world.subscriptions()
    cmd = RenewSubscription(store_hash=world.store_hash, subscription_id=sub.id, cycle=2)
    return cmd, [loc.id for loc in sub.delivery_locations]


def charge_of(world: MemoryWorld, location_id: str) -> Charge:
    [charge] = [c for c in world.charges() if c.cycle == 2 and c.location_id == location_id]
    return charge


def auth_of(world: MemoryWorld, location_id: str) -> Authorization:
    auth = charge_of(world, location_id).authorization
    assert auth is not None
    return auth


def order_of(world: MemoryWorld, location_id: str) -> int:
    order_id = charge_of(world, location_id).bc_order_id
    assert order_id is not None
    return order_id


def one_authorized_a_day_later(world: MemoryWorld) -> tuple[str, str]:
    """Two locations authorized a day apart: the second declined at renewal and paid by the
    dunning retry. Answers (first, second)."""
    cmd, (first, second) = two_locations(world)
    assert run_renewal(cmd, world.deps("w", bc=DeclinesOneLocation(world, second))).outcome == (
        "payment_failed"
    )
    retry(world)
    [sub] = world.subscriptions()
    assert (sub.status.value, sub.next_cycle) == ("active", 3)
    assert auth_of(world, second).authorized_at > auth_of(world, first).authorized_at
    return first, second


def both_authorized(world: MemoryWorld) -> tuple[str, str]:
    cmd, (first, second) = two_locations(world)
    assert run_renewal(cmd, world.deps("w")).outcome == "renewed"
    return first, second


def action_calls(world: MemoryWorld, order_id: int, action: str) -> int:
    path = f"/v3/orders/{order_id}/payment_actions/{action}"
    return sum(1 for method, p in world.emulator.calls if method == "POST" and p.endswith(path))


def sweep_with(world: MemoryWorld, deps: Callable[[], ActionDeps]) -> SweepResult:
    return sweep_authorizations(
        world.clock.now(),
        index=MemoryOpenAuthorizations(world.store),
        deps=deps,
        time_left_ms=lambda: 60_000,
    )


def test_only_the_expiring_locations_authorization_is_captured_early_and_only_once() -> None:
    # Given two locations authorized a day apart on a store that captures what is expiring
    world = store("on_ship", auth_expiry_action="capture")
    first, second = one_authorized_a_day_later(world)
    # When the sweep runs (twice) once the first one's authorization is about to expire
    world.advance_clock(auth_of(world, first).authorized_at + EXPIRING - world.clock.now())
    world.sweep_authorizations()
    world.sweep_authorizations()
    # Then the first location's order was captured, once; the second's is left open
    assert action_calls(world, order_of(world, first), "capture") == 1
    assert len(txs(world, order_of(world, first), "capture")) == 1
    assert action_calls(world, order_of(world, second), "capture") == 0
    assert (auth_of(world, first).state, auth_of(world, second).state) == ("captured", "open")
    assert world.event_types().count("charge.captured") == 1
    # And a day later the second one's turn comes, captured once too
    world.advance_clock(timedelta(days=1))
    world.sweep_authorizations()
    world.sweep_authorizations()
    assert [action_calls(world, order_of(world, loc), "capture") for loc in (first, second)] == [
        1,
        1,
    ]
    assert world.event_types().count("charge.captured") == 2


def test_only_the_expiring_locations_authorization_is_voided_and_only_its_order_paid_again() -> (
    None
):
    # Given two locations authorized a day apart on a store that voids what is expiring
    world = store("on_ship", auth_expiry_action="void")
    first, second = one_authorized_a_day_later(world)
    voided_order = order_of(world, first)
    failed_before = world.event_types().count("charge.failed")
    second_before = world.emulator.transactions(world.store_hash, order_of(world, second))
    # When the sweep runs (twice) once the first one's authorization is about to expire
    world.advance_clock(auth_of(world, first).authorized_at + EXPIRING - world.clock.now())
    world.sweep_authorizations()
    world.sweep_authorizations()
    # Then the first location's order was voided once and the cycle went back to dunning once
    assert action_calls(world, voided_order, "void") == 1
    assert action_calls(world, order_of(world, second), "void") == 0
    assert auth_of(world, second).state == "open"
    [sub] = world.subscriptions()
    assert (sub.status.value, sub.next_cycle) == ("past_due", 2)
    types = world.event_types()
    assert types.count("charge.voided") == 1
    assert types.count("charge.failed") == failed_before + 1
    # When the dunning retry comes
    retry(world)
    # Then one replacement order for the first location was authorized once; the second
    # location's order got nothing more and no replacement
    replacement = order_of(world, first)
    assert replacement != voided_order
    assert len(txs(world, replacement, "authorization")) == 1
    assert [t["event"] for t in world.emulator.transactions(world.store_hash, voided_order)] == [
        "authorization",
        "void",
    ]
    assert world.emulator.transactions(world.store_hash, order_of(world, second)) == second_before
    cycle2 = [o for o in world.renewal_orders() if "-c2-" in o["external_order_id"]]
    assert len(cycle2) == 3  # the two first orders and the one replacement
    [sub] = world.subscriptions()
    assert (sub.status.value, sub.next_cycle) == ("active", 3)


def test_both_locations_voided_at_expiry_go_to_dunning_once_and_the_retry_replaces_each() -> None:
    # Given two locations authorized together on a store that voids what is expiring
    world = store("on_ship", auth_expiry_action="void")
    first, second = both_authorized(world)
    orders = [order_of(world, first), order_of(world, second)]
    # When the sweep runs (twice) as both are about to expire
    world.advance_clock(EXPIRING)
    world.sweep_authorizations()
    world.sweep_authorizations()
    # Then each was voided once, and the subscription went past due once for the cycle
    assert [action_calls(world, o, "void") for o in orders] == [1, 1]
    [sub] = world.subscriptions()
    assert (sub.status.value, sub.next_cycle) == ("past_due", 2)
    types = world.event_types()
    assert types.count("charge.voided") == 2
    assert types.count("charge.failed") == types.count("subscription.past_due") == 1
    # When the dunning retry comes
    retry(world)
    # Then each location got one replacement order, authorized once, and the cycle renewed
    replacements = [order_of(world, first), order_of(world, second)]
    assert set(replacements).isdisjoint(orders)
    assert [len(txs(world, o, "authorization")) for o in replacements] == [1, 1]
    assert len([o for o in world.renewal_orders() if "-c2-" in o["external_order_id"]]) == 4
    [sub] = world.subscriptions()
    assert (sub.status.value, sub.next_cycle) == ("active", 3)


def test_a_lost_capture_answer_at_one_location_is_read_back_on_the_next_run() -> None:
    # Given two locations about to expire on a store that captures them, and BigCommerce
    # applying the first one's capture while its answer, and the read-back, are lost
    world = store("on_ship", auth_expiry_action="capture")
    first, second = both_authorized(world)
    world.advance_clock(EXPIRING)
    lost = order_of(world, first)
    world.emulator.faults.inject("POST", CAPTURE.format(lost), "timeout_after")
    bc = LosesReadBack(world, lost)
    # When the sweep runs
    result = sweep_with(world, lambda: ActionDeps(world.uow(), bc, world.clock))
    world.emulator.faults.clear()
    # Then the first one waits, pending, while the second is captured
    assert result.outcomes == {"bigcommerce_unavailable": 1, "captured": 1}, result
    assert (auth_of(world, first).state, auth_of(world, second).state) == (
        "capture_pending",
        "captured",
    )
    # When the next run comes after the re-check delay (and the one after it)
    world.advance_clock(timedelta(minutes=20))
    world.sweep_authorizations()
    world.advance_clock(timedelta(minutes=20))
    world.sweep_authorizations()
    # Then the first one's capture was read back, never asked for again, and recorded once
    assert [action_calls(world, order_of(world, loc), "capture") for loc in (first, second)] == [
        1,
        1,
    ]
    assert auth_of(world, first).state == "captured"
    assert world.event_types().count("charge.captured") == 2


def test_a_location_capture_the_renewal_could_not_make_is_retried_by_the_sweep() -> None:
    # Given an authorize-only gateway on a store that captures at once, and the first
    # location's capture refused while BigCommerce rate-limits every try of it
    world = store("immediate")
    cmd, (first, second) = two_locations(world)
    world.emulator.faults.inject("POST", CAPTURE.format("*"), "429", times=3)
    assert run_renewal(cmd, world.deps("w")).outcome == "renewed"
    captured = [auth_of(world, loc).state.value for loc in (first, second)]
    assert sorted(captured) == ["captured", "open"]
    waiting = (first, second)[captured.index("open")]
    # When the sweep runs (twice)
    world.sweep_authorizations()
    world.sweep_authorizations()
    # Then the waiting one is captured now, once, and each order has one capture
    assert auth_of(world, waiting).state == "captured"
    assert [len(txs(world, order_of(world, loc), "capture")) for loc in (first, second)] == [1, 1]
    assert world.event_types().count("charge.captured") == 2


def _crash_points() -> list[Any]:
    # Per location: the request recorded, then the outcome recorded.
    points = []
    for action in ("capture", "void"):
        points += [
            pytest.param(action, "commit", n, id=f"{action}-commit-{n}") for n in range(1, 5)
        ]
        points.append(pytest.param(action, "call", 1, id=f"{action}-call"))
    return points


@pytest.mark.parametrize(("action", "where", "n"), _crash_points())
def test_a_sweep_dying_anywhere_over_two_locations_settles_each_once(
    action: str, where: str, n: int
) -> None:
    # Given two locations about to expire on a store that captures (or voids) them, and a
    # sweep whose process dies after its n-th commit, or right after a call was applied
    world = store("on_ship", auth_expiry_action=action)
    first, second = both_authorized(world)
    world.advance_clock(EXPIRING)
    uow = dying_after_commit(world.uow, n, raising=Died) if where == "commit" else world.uow
    bc: Any = DiesAfterAction(world.bc) if where == "call" else world.bc

    def dying() -> ActionDeps:
        return ActionDeps(uow(), bc, world.clock)

    with pytest.raises(Died):
        sweep_with(world, dying)
    # When later runs come, after the re-check delay
    for _ in range(2):
        world.advance_clock(timedelta(minutes=20))
        world.sweep_authorizations()
    # Then each location's order was settled once, and each heard of once
    orders = [order_of(world, first), order_of(world, second)]
    assert [len(txs(world, o, action)) for o in orders] == [1, 1]
    assert [action_calls(world, o, action) for o in orders] == [1, 1]
    settled = "captured" if action == "capture" else "voided"
    assert [auth_of(world, loc).state.value for loc in (first, second)] == [settled] * 2
    types = world.event_types()
    assert types.count(f"charge.{settled}") == 2
    if action == "void":
        # And the cycle went back to dunning once, for both
        [sub] = world.subscriptions()
        assert (sub.status.value, sub.next_cycle) == ("past_due", 2)
        assert types.count("charge.failed") == types.count("subscription.past_due") == 1
        assert {charge_of(world, loc).stage.value for loc in (first, second)} == {"payment_failed"}


def test_fulfilling_one_locations_order_captures_that_order_only_and_the_sweep_adds_nothing() -> (
    None
):
    # Given two authorized locations on a store that captures on fulfilment
    world = store("on_fulfillment")
    first, second = both_authorized(world)
    capture = capture_when_fulfilled(world.action_deps)
    # When the first location's order is shipped (the webhook comes twice) and the sweep runs
    change = StatusChange(world.store_hash, order_of(world, first), 11, 2)
    outcomes = [capture(change), capture(change)]
    world.advance_clock(timedelta(minutes=20))
    world.sweep_authorizations()
    # Then that order alone was captured, once
    assert outcomes == ["captured", "already_captured"]
    assert [action_calls(world, order_of(world, loc), "capture") for loc in (first, second)] == [
        1,
        0,
    ]
    assert (auth_of(world, first).state, auth_of(world, second).state) == ("captured", "open")
    assert world.event_types().count("charge.captured") == 1


def test_cancelling_one_locations_order_voids_that_order_only_without_dunning() -> None:
    # Given two authorized locations on a store that captures on shipment
    world = store("on_ship")
    first, second = both_authorized(world)
    void = void_when_cancelled(world.action_deps)
    # When the merchant cancels the second location's order (the webhook comes twice)
    change = StatusChange(world.store_hash, order_of(world, second), 11, 5)
    outcomes = [void(change), void(change)]
    # Then that order alone was voided, once; the subscription stays active (the merchant
    # cancelled that order: nothing is charged again for it)
    assert outcomes == ["voided", "already_voided"]
    assert [action_calls(world, order_of(world, loc), "void") for loc in (first, second)] == [0, 1]
    assert (auth_of(world, first).state, auth_of(world, second).state) == ("open", "voided")
    [sub] = world.subscriptions()
    assert (sub.status.value, sub.next_cycle) == ("active", 3)
    assert world.event_types().count("charge.voided") == 1
