"""A membership moves to the beneficiary the merchant names later, exactly once whatever fails.

The old holder goes back to the group they had (through their ledger, as on revoke), the new
one joins the membership's group by the same priority, and the events say so; duplicate
deliveries, faults at either customer's BigCommerce calls and a death between the two calls
are settled by reading BigCommerce back, with the sweep finishing what was left.
"""

from __future__ import annotations

import contextlib
from decimal import Decimal

import pytest

from bc_subscriptions.domain.entitlements import EntitlementStatus, PlanEntitlement
from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.schedule import Interval
from bc_subscriptions.domain.subscription_cancels import cancel
from bc_subscriptions.services.entitlement_sync import GROUP_CHANGED_BY_HAND
from devstack.bc_emulator import customer_groups

from ..emulator_store import PRODUCT_ID
from .beneficiary_moves import (
    Died,
    FaultAtCustomer,
    entitlement_payloads,
    name_beneficiary,
    remove_beneficiary,
    retail_shopper,
)
from .crashing import KINDS, dying_after_commit
from .entitlement_world import MembershipWorld

GOLD_PRODUCT = 4343


def _member() -> tuple[MembershipWorld, int]:
    """A Retail shopper who bought the membership and is a member."""
    m = MembershipWorld.create()
    owner = m.join()
    m.stream()
    assert m.group_of(owner) == m.members
    return m, owner


def _cancel(m: MembershipWorld, subscription_id: str) -> None:
    with m.world.uow() as uow:
        sub = uow.subscriptions.get(m.world.store_hash, subscription_id)
        assert sub is not None
        cancel(sub, m.world.clock.now())
        uow.subscriptions.save(sub)
        uow.commit()


def _no_work_left(m: MembershipWorld) -> bool:
    return m.sweep().failed == 0 and not m.world.store.query(
        f"ENTWORK#{m.world.store_hash}", "", "~"
    )


def test_a_new_beneficiary_takes_the_membership_group_and_the_old_holder_gets_theirs_back() -> None:
    # Given a member, and another Retail shopper of the store
    m, owner = _member()
    friend = retail_shopper(m)
    # When the merchant names the friend the beneficiary and the events are followed
    name_beneficiary(m, friend)
    outcomes = m.stream()
    # Then the friend is the member and the owner is back in Retail, one change each
    assert [o for o in outcomes if o != "ignored"] == ["followed"]
    assert (m.group_of(owner), m.group_of(friend)) == (m.retail, m.members)
    [ent] = m.entitlements()
    assert ent.holder_customer_id == friend and ent.status == EntitlementStatus.ACTIVE
    assert m.group_puts() == 3
    old, new = m.ledger(owner), m.ledger(friend)
    assert old is not None and old.forgotten
    assert new is not None and not new.pending and new.original_group_id == m.retail
    assert _no_work_left(m)
    # And the events say the owner lost it and the friend got it, each schema-valid
    moved = entitlement_payloads(m)[1:]
    assert [(b["type"], b["data"]["customer_id"], b["data"]["reason"]) for b in moved] == [
        ("entitlement.revoked", owner, "beneficiary_changed"),
        ("entitlement.granted", friend, "beneficiary_changed"),
    ]
    # When the subscription is cancelled, the friend goes back to their own group
    [sub] = m.world.subscriptions()
    _cancel(m, sub.id)
    m.stream()
    assert (m.group_of(owner), m.group_of(friend)) == (m.retail, m.retail)
    assert m.entitlement_events()[-1] == "entitlement.revoked"


def test_removing_the_named_beneficiary_gives_the_membership_back_to_the_owner() -> None:
    # Given a membership moved to a friend
    m, owner = _member()
    friend = retail_shopper(m)
    name_beneficiary(m, friend)
    m.stream()
    # When the merchant removes the friend as beneficiary
    remove_beneficiary(m, friend)
    m.stream()
    # Then the owner holds it again and each is in the group they should be
    [ent] = m.entitlements()
    assert ent.holder_customer_id == owner
    assert (m.group_of(owner), m.group_of(friend)) == (m.members, m.retail)
    moved_twice = ["entitlement.revoked", "entitlement.granted"] * 2
    assert m.entitlement_events() == ["entitlement.granted", *moved_twice]
    assert _no_work_left(m)


def test_every_event_delivered_again_moves_nothing_a_second_time() -> None:
    # Given a membership moved to a friend
    m, owner = _member()
    friend = retail_shopper(m)
    name_beneficiary(m, friend)
    m.stream()
    puts, events = m.group_puts(), m.entitlement_events()
    # When the stream delivers every event again
    outcomes = m.stream(replay=True)
    # Then nothing changes: no call sent, no event recorded
    assert set(outcomes) <= {"unchanged", "ignored"}
    assert m.group_puts() == puts and m.entitlement_events() == events
    assert (m.group_of(owner), m.group_of(friend)) == (m.retail, m.members)


def test_an_older_actor_event_delivered_late_moves_to_the_latest_beneficiary_once() -> None:
    # Given a membership whose beneficiary is named twice before the consumer runs
    m, owner = _member()
    first, second = retail_shopper(m), retail_shopper(m)
    name_beneficiary(m, first)
    name_beneficiary(m, second)
    # When both actor events are followed
    outcomes = m.stream()
    # Then the membership went straight to the latest beneficiary; the first never moved
    assert [o for o in outcomes if o != "ignored"] == ["followed", "unchanged"]
    assert [m.group_of(c) for c in (owner, first, second)] == [m.retail, m.retail, m.members]
    assert m.ledger(first) is None
    assert m.group_puts() == 3


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("method", ["current_group", "set_group"], ids=["read", "update"])
@pytest.mark.parametrize("who", ["old", "new"])
def test_a_fault_at_either_customers_bigcommerce_call_still_moves_the_membership_once(
    who: str, method: str, kind: str
) -> None:
    # Given a member, a friend to be named, and a fault waiting at one of their calls
    m, owner = _member()
    friend = retail_shopper(m)
    puts_before = m.group_puts()
    faulty = FaultAtCustomer(m, owner if who == "old" else friend, method, kind)
    # When the friend is named, the events followed, then the sweep runs
    name_beneficiary(m, friend)
    m.stream(deps=m.deps(provider=faulty))
    m.sweep()
    # Then each customer is where the move puts them, the move recorded once
    assert (m.group_of(owner), m.group_of(friend)) == (m.retail, m.members)
    assert m.entitlement_events() == [
        "entitlement.granted",
        "entitlement.revoked",
        "entitlement.granted",
    ]
    # And a change whose answer was lost is read back, not sent again
    resent = method == "set_group" and kind.endswith("_before")
    assert m.group_puts() - puts_before == (3 if resent else 2)
    assert _no_work_left(m)


def test_a_failing_update_of_the_new_holder_stays_on_the_work_list_until_bigcommerce_answers() -> (
    None
):
    # Given a member, and BigCommerce refusing the friend's update for the next three tries
    m, owner = _member()
    friend = retail_shopper(m)
    name_beneficiary(m, friend)
    faulty = FaultAtCustomer(m, friend, "set_group", "5xx_before")
    # When the events are followed (the friend's update fails) and the sweep fails twice more
    m.stream(deps=m.deps(provider=faulty))
    assert (m.group_of(owner), m.group_of(friend)) == (m.retail, m.retail)
    m.world.emulator.faults.inject("PUT", "/stores/*/v3/customers", "5xx_before", times=2)
    assert m.sweep().failed == 1
    assert m.sweep().failed == 1
    # Then the work is still there, and once BigCommerce answers the friend is a member
    ledger = m.ledger(friend)
    assert ledger is not None and ledger.pending
    m.sweep()
    assert (m.group_of(owner), m.group_of(friend)) == (m.retail, m.members)
    assert _no_work_left(m)


def test_a_death_between_the_two_bigcommerce_updates_is_finished_by_the_sweep() -> None:
    # Given a consumer that dies right after the owner's group was restored
    m, owner = _member()
    friend = retail_shopper(m)
    name_beneficiary(m, friend)
    dying = FaultAtCustomer(m, owner, "set_group", die_after=True)
    with contextlib.suppress(Died):
        m.stream(deps=m.deps(provider=dying))
    assert (m.group_of(owner), m.group_of(friend)) == (m.retail, m.retail)
    # When the sweep runs
    m.sweep()
    # Then the owner's change is read back, not resent, and the friend is moved once
    assert (m.group_of(owner), m.group_of(friend)) == (m.retail, m.members)
    assert m.group_puts() == 3
    old = m.ledger(owner)
    assert old is not None and old.forgotten
    assert _no_work_left(m)


@pytest.mark.parametrize("die_at", [1, 2, 3, 4, 5])
def test_a_death_after_any_of_the_moves_commits_is_finished_by_the_sweep(die_at: int) -> None:
    # Given a consumer that dies after the move's commit, or after one of the four commits
    # around the two updates (each marked in flight, then settled)
    m, owner = _member()
    friend = retail_shopper(m)
    name_beneficiary(m, friend)
    with contextlib.suppress(Died):
        m.stream(deps=m.deps(uow=dying_after_commit(m.world.uow, die_at, raising=Died)))
    # When the sweep runs
    m.sweep()
    # Then the move is complete, recorded once, each change sent once
    assert (m.group_of(owner), m.group_of(friend)) == (m.retail, m.members)
    assert m.entitlement_events().count("entitlement.revoked") == 1
    assert m.group_puts() == 3
    assert _no_work_left(m)


def test_a_new_beneficiary_in_a_higher_priority_group_stays_there_until_it_ends() -> None:
    # Given a member, and a friend holding a Gold membership of higher priority
    m, owner = _member()
    world, store = m.world, m.world.store_hash
    gold = customer_groups.add_group(world.emulator, store, "Gold")
    world.emulator.add_product(store, product_id=GOLD_PRODUCT, name="Gold", price=Decimal("9"))
    world.put_plan(
        Plan(
            product_id=GOLD_PRODUCT,
            cadences=[Cadence(label="Monthly", interval=Interval.MONTH)],
            entitlements=(PlanEntitlement(key="gold", customer_group_id=gold, priority=5),),
        )
    )
    friend = retail_shopper(m)
    shopper = world.emulator.stores[store].customers[friend]
    order = world.checkout(shopper, [{"product_id": GOLD_PRODUCT, "quantity": 1}])
    assert world.capture(order["id"]).outcome == "created"
    m.stream()
    assert m.group_of(friend) == gold
    silver, gold_sub = sorted(world.subscriptions(), key=lambda s: s.customer_id != owner)
    # When the owner's membership is moved to the friend
    puts = m.group_puts()
    name_beneficiary(m, friend, subscription_id=silver.id)
    m.stream()
    # Then the friend stays in Gold (no change sent for them), the owner is back in Retail
    assert (m.group_of(owner), m.group_of(friend)) == (m.retail, gold)
    assert m.group_puts() - puts == 1
    # When Gold ends, the moved membership holds the friend
    _cancel(m, gold_sub.id)
    m.stream()
    assert m.group_of(friend) == m.members


def test_an_old_holder_the_merchant_moved_by_hand_keeps_that_group() -> None:
    # Given a member the merchant moved to a Wholesale group by hand
    m, owner = _member()
    wholesale = customer_groups.add_group(m.world.emulator, m.world.store_hash, "Wholesale")
    customer_groups.move_by_hand(m.world.emulator, m.world.store_hash, owner, wholesale)
    friend = retail_shopper(m)
    # When the membership is moved to a friend
    name_beneficiary(m, friend)
    m.stream()
    m.sweep()
    # Then the merchant's choice stands, ops hear of it once, and the friend is a member
    assert (m.group_of(owner), m.group_of(friend)) == (wholesale, m.members)
    assert [e.type for e in m.ops.recorded] == [GROUP_CHANGED_BY_HAND]
    old = m.ledger(owner)
    assert old is not None and old.forgotten


def test_a_suspended_membership_moves_without_moving_anyone() -> None:
    # Given a membership suspended by dunning (its holder back in Retail)
    m, owner = _member()
    m.run_dunning_out(owner)
    m.stream()
    assert m.group_of(owner) == m.retail
    puts = m.group_puts()
    friend = retail_shopper(m)
    # When the merchant names a friend the beneficiary
    name_beneficiary(m, friend)
    m.stream()
    # Then the friend holds it suspended; nobody's group changes
    [ent] = m.entitlements()
    assert (ent.holder_customer_id, ent.status) == (friend, EntitlementStatus.SUSPENDED)
    assert m.group_puts() == puts
    assert (m.group_of(owner), m.group_of(friend)) == (m.retail, m.retail)
    moved = entitlement_payloads(m)[-2:]
    assert [(b["type"], b["data"]["customer_id"]) for b in moved] == [
        ("entitlement.revoked", owner),
        ("entitlement.suspended", friend),
    ]
    assert m.ledger(friend) is None
    assert _no_work_left(m)


def test_a_revoked_membership_stays_with_the_customer_who_held_it() -> None:
    # Given a cancelled membership, revoked
    m, owner = _member()
    [sub] = m.world.subscriptions()
    _cancel(m, sub.id)
    m.stream()
    events = m.entitlement_events()
    friend = retail_shopper(m)
    # When the merchant then names a friend the beneficiary
    name_beneficiary(m, friend)
    outcomes = m.stream()
    # Then nothing moves
    assert [o for o in outcomes if o != "ignored"] == ["unchanged"]
    [ent] = m.entitlements()
    assert ent.holder_customer_id == owner and m.entitlement_events() == events
    assert m.group_of(friend) == m.retail


def test_a_pending_membership_moves_silently_and_is_granted_to_the_new_beneficiary() -> None:
    # Given a membership plan with a trial: its entitlement waits, pending, for the first payment
    m = MembershipWorld.create()
    m.world.put_plan(
        Plan(
            product_id=PRODUCT_ID,
            cadences=[Cadence(label="Monthly", interval=Interval.MONTH)],
            entitlements=(PlanEntitlement(key="members", customer_group_id=m.members),),
            trial_days=7,
        )
    )
    owner = m.join()
    m.stream()
    assert _status_of(m) == EntitlementStatus.PENDING
    friend = retail_shopper(m)
    # When a friend is named the beneficiary before the trial is paid
    name_beneficiary(m, friend)
    m.stream()
    # Then no event is sent for the move and nobody's group changes
    assert m.entitlement_events() == [] and m.group_puts() == 0
    # When the first renewal is paid, the friend is granted the membership
    m.world.renew()
    m.stream()
    assert (m.group_of(owner), m.group_of(friend)) == (m.retail, m.members)
    assert m.entitlement_events() == ["entitlement.granted"]


def _status_of(m: MembershipWorld) -> EntitlementStatus:
    [ent] = m.entitlements()
    return ent.status
