"""A membership plan's customer group, exactly once whatever fails.

The subscriber moves into the Members group on activation, out of it (back to their own Retail
group) when dunning runs out, and stays in their own group once cancelled (a member cancelled
while active goes back to it then), with timeouts and 5xx before and after each BigCommerce
call, crashes between our commits and the calls, and every event delivered twice. The whole
matrix runs here on the in-memory unit of work; `tests/integration/test_entitlements.py` keeps
one scenario on the full topology.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from bc_subscriptions.domain.entitlements import EntitlementStatus, PlanEntitlement
from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.schedule import Interval
from bc_subscriptions.domain.subscription_cancels import cancel
from bc_subscriptions.services.entitlement_sync import GROUP_CHANGED_BY_HAND
from devstack.bc_emulator import customer_groups

from ..emulator_store import PRODUCT_ID
from .crashing import KINDS, Crash, CrashAfterCall, dying_after_commit
from .entitlement_world import MembershipWorld

GOLD_PRODUCT = 4242
GET = ("GET", "/stores/*/v3/customers")
PUT = ("PUT", "/stores/*/v3/customers")
PHASES = ["activation", "exhaustion", "cancel"]


def _cancel(m: MembershipWorld) -> None:
    """The merchant cancels the subscription."""
    [sub] = m.world.subscriptions()
    _cancel_one(m, sub.id)


def _cancel_one(m: MembershipWorld, subscription_id: str) -> None:
    with m.world.uow() as uow:
        sub = uow.subscriptions.get(m.world.store_hash, subscription_id)
        assert sub is not None
        cancel(sub, m.world.clock.now())
        uow.subscriptions.save(sub)
        uow.commit()


def _shopper(world: Any, customer_id: int) -> Any:
    return world.emulator.stores[world.store_hash].customers[customer_id]


def _status(m: MembershipWorld) -> EntitlementStatus:
    [ent] = m.entitlements()
    return ent.status


def _until(m: MembershipWorld, phase: str, customer: int) -> None:
    """Run the story up to (not including) feeding `phase`'s events to the consumer."""
    if phase == "activation":
        return
    m.stream()
    assert m.group_of(customer) == m.members
    m.run_dunning_out(customer)
    if phase == "exhaustion":
        return
    m.stream()
    assert m.group_of(customer) == m.retail
    _cancel(m)


EXPECTED = {
    "activation": ("members", EntitlementStatus.ACTIVE),
    "exhaustion": ("retail", EntitlementStatus.SUSPENDED),
    "cancel": ("retail", EntitlementStatus.REVOKED),
}


def test_a_membership_moves_its_subscriber_in_on_activation_out_on_dunning_exhaustion_and_back_on_cancel() -> (  # noqa: E501
    None
):
    # Given a shopper in the Retail group who buys the membership
    m = MembershipWorld.create()
    customer = m.join()
    # When the subscription's events reach the consumer
    m.stream()
    # Then they are a member
    assert m.group_of(customer) == m.members and _status(m) == EntitlementStatus.ACTIVE
    # When dunning runs out of grace
    m.run_dunning_out(customer)
    m.stream()
    # Then they are back in their own group, the membership suspended
    assert m.group_of(customer) == m.retail and _status(m) == EntitlementStatus.SUSPENDED
    # When the subscription is cancelled
    _cancel(m)
    m.stream()
    # Then the membership is revoked, they stay in their own group, and nothing is remembered
    assert m.group_of(customer) == m.retail and _status(m) == EntitlementStatus.REVOKED
    ledger = m.ledger(customer)
    assert ledger is not None and ledger.forgotten
    assert m.entitlement_events() == [
        "entitlement.granted",
        "entitlement.suspended",
        "entitlement.revoked",
    ]
    assert m.group_puts() == 2
    assert (
        m.sweep().failed == 0
        and m.world.store.query(f"ENTWORK#{m.world.store_hash}", "", "~") == []
    )


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("call", [GET, PUT], ids=["read", "update"])
@pytest.mark.parametrize("phase", PHASES)
def test_a_fault_at_a_bigcommerce_call_still_moves_the_customer_exactly_once(
    phase: str, call: tuple[str, str], kind: str
) -> None:
    # Given the story up to this phase, and a fault waiting at one BigCommerce call
    m = MembershipWorld.create()
    customer = m.join()
    _until(m, phase, customer)
    puts_before = m.group_puts()
    m.world.emulator.faults.inject(*call, kind, times=1)
    # When the phase's events reach the consumer, then the sweep runs
    m.stream()
    m.sweep()
    # Then the customer is where the phase puts them, each transition recorded once
    group, status = EXPECTED[phase]
    assert m.group_of(customer) == getattr(m, group)
    assert _status(m) == status
    events = m.entitlement_events()
    assert len(events) == len(set(events)) == PHASES.index(phase) + 1
    # And a change whose answer was lost is never sent again (it is read back instead)
    sent = m.group_puts() - puts_before
    expected_puts = 0 if phase == "cancel" else 1
    if call == PUT and kind.endswith("_before") and expected_puts:
        expected_puts += 1  # refused before it was applied: sent once more
    assert sent == expected_puts


@pytest.mark.parametrize("die_at", [1, 2, 3])
def test_a_crash_between_our_commit_and_the_bigcommerce_call_is_finished_by_the_sweep(
    die_at: int,
) -> None:
    # Given a consumer that dies after its first, second or third commit on activation
    # (the transition, the change marked in flight, the change settled)
    m = MembershipWorld.create()
    customer = m.join()
    dying = m.deps(uow=dying_after_commit(m.world.uow, die_at))
    # When it runs, then the sweep runs
    with contextlib.suppress(Crash):  # the consumer's own commit failing fails its record
        m.stream(deps=dying)
    m.sweep()
    # Then the customer is a member, granted once, moved with one change
    assert m.group_of(customer) == m.members
    assert m.entitlement_events() == ["entitlement.granted"]
    assert m.group_puts() == 1
    ledger = m.ledger(customer)
    assert ledger is not None and not ledger.pending
    # And the group they had before is still the one they go back to
    _until(m, "cancel", customer)
    m.stream()
    assert m.group_of(customer) == m.retail


def test_a_crash_right_after_the_change_was_applied_is_settled_without_sending_it_again() -> None:
    # Given a consumer that dies right after BigCommerce applied the change
    m = MembershipWorld.create()
    customer = m.join()
    m.stream(deps=m.deps(provider=CrashAfterCall(m.provider, "set_group")))
    # When the sweep runs
    m.sweep()
    # Then it reads the group back and records it; nothing is sent twice
    assert m.group_of(customer) == m.members
    assert m.group_puts() == 1
    ledger = m.ledger(customer)
    assert ledger is not None and not ledger.pending and ledger.applied_group_id == m.members
    assert ledger.original_group_id == m.retail


def test_every_event_delivered_twice_changes_nothing_the_second_time() -> None:
    # Given the whole story, each event fed once
    m = MembershipWorld.create()
    customer = m.join()
    _until(m, "cancel", customer)
    m.stream()
    puts = m.group_puts()
    # When the stream delivers every event again
    outcomes = m.stream(replay=True)
    # Then
    assert set(outcomes) <= {"unchanged", "ignored"}
    assert m.group_puts() == puts
    assert len(m.entitlement_events()) == 3


def test_a_group_the_merchant_changed_by_hand_is_not_clobbered_and_is_reported() -> None:
    # Given a member the merchant then moves to a Wholesale group by hand
    m = MembershipWorld.create()
    customer = m.join()
    m.stream()
    wholesale = customer_groups.add_group(m.world.emulator, m.world.store_hash, "Wholesale")
    customer_groups.move_by_hand(m.world.emulator, m.world.store_hash, customer, wholesale)
    # When dunning runs out and the subscription is cancelled
    m.run_dunning_out(customer)
    m.stream()
    _cancel(m)
    m.stream()
    m.sweep()
    # Then the merchant's choice stands, ops hear of it once, and the ledger is let go
    assert m.group_of(customer) == wholesale
    assert [e.type for e in m.ops.recorded] == [GROUP_CHANGED_BY_HAND]
    assert m.ops.recorded[0].data["found_group_id"] == wholesale
    assert _status(m) == EntitlementStatus.REVOKED
    ledger = m.ledger(customer)
    assert ledger is not None and ledger.forgotten


def test_a_cancel_grace_keeps_the_membership_until_the_sweep_finds_it_over() -> None:
    # Given a plan with two days of cancel grace and an active member
    m = MembershipWorld.create(cancel_grace_days=2)
    customer = m.join()
    m.stream()
    # When the subscription is cancelled
    _cancel(m)
    m.stream()
    m.sweep()
    # Then the member keeps the group through the grace
    assert m.group_of(customer) == m.members and _status(m) == EntitlementStatus.ACTIVE
    # And once it has passed, the sweep revokes and restores their own group
    m.world.advance_clock(timedelta(days=2, minutes=1))
    assert m.sweep().revoked == 1
    assert m.group_of(customer) == m.retail and _status(m) == EntitlementStatus.REVOKED
    assert m.entitlement_events() == ["entitlement.granted", "entitlement.revoked"]


def test_a_deleted_group_is_reported_instead_of_retried_forever() -> None:
    # Given the plan's group deleted before the shopper joins
    m = MembershipWorld.create()
    customer_groups.delete_group(m.world.emulator, m.world.store_hash, m.members)
    customer = m.join()
    # When the activation is applied, and the sweep runs again
    m.stream()
    m.sweep()
    # Then BigCommerce's refusal is reported once and the customer keeps their group
    assert m.group_of(customer) == m.retail
    assert [e.type for e in m.ops.recorded] == ["entitlement.group_refused"]
    assert m.group_puts() == 1


def test_two_memberships_follow_the_priority_and_the_last_to_end_restores_the_own_group() -> None:
    # Given a Silver membership (the plan's product) and a Gold one of higher priority
    m = MembershipWorld.create()
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
    # When a Retail shopper buys Silver, then Gold
    customer = m.join()
    m.stream()
    assert m.group_of(customer) == m.members
    order = world.checkout(_shopper(world, customer), [{"product_id": GOLD_PRODUCT, "quantity": 1}])
    assert world.capture(order["id"]).outcome == "created"
    m.stream()
    # Then Gold wins by priority
    assert m.group_of(customer) == gold
    # When Gold is cancelled, Silver holds them again; when Silver is cancelled too, they are
    # back in their own group
    silver_sub, gold_sub = sorted(
        world.subscriptions(), key=lambda s: s.lines[0].product_id != PRODUCT_ID
    )
    _cancel_one(m, gold_sub.id)
    m.stream()
    assert m.group_of(customer) == m.members
    _cancel_one(m, silver_sub.id)
    m.stream()
    assert m.group_of(customer) == m.retail
    ledger = m.ledger(customer)
    assert ledger is not None and ledger.forgotten


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("call", [GET, PUT], ids=["read", "update"])
def test_a_fault_when_a_cancel_restores_the_own_group_still_restores_it_exactly_once(
    call: tuple[str, str], kind: str
) -> None:
    # Given an active member, and a fault waiting at one BigCommerce call
    m = MembershipWorld.create()
    customer = m.join()
    m.stream()
    puts_before = m.group_puts()
    m.world.emulator.faults.inject(*call, kind, times=1)
    # When the subscription is cancelled, its events followed, then the sweep runs
    _cancel(m)
    m.stream()
    m.sweep()
    # Then they are back in their own group, revoked once, the change sent once (twice only
    # when it was refused before BigCommerce applied it)
    assert m.group_of(customer) == m.retail
    assert m.entitlement_events() == ["entitlement.granted", "entitlement.revoked"]
    resent = call == PUT and kind.endswith("_before")
    assert m.group_puts() - puts_before == (2 if resent else 1)
    ledger = m.ledger(customer)
    assert ledger is not None and ledger.forgotten


def test_a_gifted_membership_moves_its_recipient_into_the_group_and_leaves_the_payer_alone() -> (
    None
):
    # Given a payer and a recipient, both in the Retail group, and a gift of the membership
    m = MembershipWorld.create()
    payer, recipient = m.world.shopper(), m.world.shopper()
    for customer in (payer, recipient):
        customer_groups.move_by_hand(m.world.emulator, m.world.store_hash, customer.id, m.retail)
    message = f"For you\ngift-recipient: {recipient.email}"
    order = m.world.checkout(payer, customer_message=message)
    assert m.world.capture(order["id"]).outcome == "created"
    # When the subscription's events reach the consumer
    m.stream()
    # Then the recipient is the member and the payer stays in their own group
    [ent] = m.entitlements()
    assert ent.holder_customer_id == recipient.id
    assert (m.group_of(recipient.id), m.group_of(payer.id)) == (m.members, m.retail)
    # When the gift is cancelled
    _cancel(m)
    m.stream()
    # Then the recipient is back in their own group
    assert m.group_of(recipient.id) == m.retail and _status(m) == EntitlementStatus.REVOKED
