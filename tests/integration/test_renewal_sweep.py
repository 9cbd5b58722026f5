"""The sweep over the real DueIndex: per-store partitions, fair share, and what is never swept."""

from datetime import timedelta

from bc_subscriptions.bootstrap import container
from bc_subscriptions.domain.api_budget import ApiBudget
from bc_subscriptions.domain.subscription_pauses import pause, resume
from bc_subscriptions.services.renewal_sweep import sweep_due_renewals
from devstack.stack import LocalStack

from .world import World


def test_each_store_gets_its_share_of_a_small_budget(stack: LocalStack) -> None:
    # Given a busy store with three due subscriptions and a quiet one with one
    busy, quiet = World.create(stack), World.create(stack)
    for _ in range(3):
        busy.subscribe()
    quiet.subscribe()
    stack.advance_clock(timedelta(days=31))
    c = container()
    # When a run may enqueue only two renewals
    result = sweep_due_renewals(
        stack.now(), due=c.due_subscriptions, queue=c.renewal_queue, budget=2
    )
    # Then each store got one, and the run says it is not done
    assert result.per_store == {busy.store_hash: 1, quiet.store_hash: 1}
    assert not result.complete
    # And the next runs pick up what was left, without renewing anything twice
    stack.pump()
    stack.fire("RenewalSweepFunction")
    stack.pump()
    assert len(busy.renewal_orders()) == 3 and len(quiet.renewal_orders()) == 1


def test_the_due_index_holds_a_subscription_under_its_own_store(world: World) -> None:
    # Given / When
    world.subscribe()
    # Then
    [sub] = world.of_kind("subscription")
    assert str(sub["due_pk"]).startswith(f"DUE#{world.store_hash}#")


def test_a_paused_subscription_is_not_swept_and_resumes_without_back_charges(
    world: World,
) -> None:
    # Given a subscription paused before its renewal
    world.subscribe()
    [item] = world.of_kind("subscription")
    with container().unit_of_work() as uow:
        sub = uow.subscriptions.get(world.store_hash, str(item["subscription_id"]))
        assert sub is not None
        pause(sub, world.stack.now())
        uow.subscriptions.save(sub)
        uow.commit()
    # When three months pass
    world.renew(months=3)
    # Then nothing was charged and it is out of the due index
    assert world.renewal_orders() == []
    [item] = world.of_kind("subscription")
    assert item["status"] == "paused" and "due_pk" not in item
    # And when it resumes, the missed cycles are skipped and the next one is in the future
    with container().unit_of_work() as uow:
        sub = uow.subscriptions.get(world.store_hash, str(item["subscription_id"]))
        assert sub is not None
        resume(sub, world.stack.now())
        uow.subscriptions.save(sub)
        uow.commit()
    world.stack.fire("RenewalSweepFunction")
    world.stack.pump()
    assert world.renewal_orders() == []
    world.renew()
    [order] = world.renewal_orders()
    assert order["external_order_id"].endswith("-c5")


def test_a_backlog_beyond_one_window_is_spread_by_delays_and_the_worker_learns_the_plan(
    world: World,
) -> None:
    # Given a Pro store that lets renewals use 10% of its quota, with 6 renewals due: more than
    # one window's share of the quota the sweep assumes for a store it has not heard from
    # (10% of 150 requests a window = 5 renewals of 3 calls, so one every 6 s)
    world.emulator.set_store_plan(world.store_hash, "pro")
    with container().unit_of_work() as uow:
        uow.tenant_configs.put(world.store_hash, {"api_share_percent": 10})
        uow.commit()
    for _ in range(6):
        world.subscribe()
    world.stack.advance_clock(timedelta(days=31))
    # When the sweep runs and the queue is worked
    world.stack.fire("RenewalSweepFunction")
    world.stack.pump()
    # Then the first went at once while the others wait 6, 12 ... 30 s (the business clock
    # runs on the machine's time too, so only the last is sure to be still waiting)
    assert 1 <= len(world.renewal_orders()) < 6
    # And once the last delay is over every one has been renewed, once
    world.stack.advance_clock(timedelta(seconds=31))
    world.stack.pump()
    orders = world.renewal_orders()
    assert len(orders) == 6 and len({o["external_order_id"] for o in orders}) == 6
    # And the worker recorded the quota BigCommerce's answers gave, for the next run's pace
    assert container().api_budgets.get(world.store_hash) == ApiBudget(rest_quota=450, share=0.1)
