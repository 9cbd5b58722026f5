"""The actor rules and the role table (domain/actors.py), on the aggregate directly."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bc_subscriptions.domain import actors as act
from bc_subscriptions.domain.actors import Action, Principal, Role
from bc_subscriptions.domain.errors import DomainError
from bc_subscriptions.domain.subscription import Subscription
from bc_subscriptions.domain.subscription_actors import add_actor, change_payer, remove_actor
from bc_subscriptions.services import commands as c
from bc_subscriptions.services.actor_access import COMMAND_ACTIONS
from bc_subscriptions.services.command_handlers import HANDLERS

from .factories import NOW, subscription

OWNER = 7  # the factory's customer


def _payers(sub: Subscription) -> list[int]:
    return [a.customer_id for a in sub.actors_in_force() if a.active and a.role is Role.PAYER]


def test_a_subscription_without_actors_is_its_customers_in_every_role() -> None:
    # Given a subscription as stored before actors existed
    sub = subscription()
    # When / Then its customer owns, pays and receives, and may do everything
    assert sub.actors == ()
    assert (sub.payer_customer_id, sub.beneficiary_customer_id) == (OWNER, OWNER)
    assert act.allowed_actions(sub, Principal(OWNER)) == frozenset(Action)


def test_a_gift_has_a_payer_who_is_not_the_beneficiary() -> None:
    # Given a subscription whose beneficiary the merchant names
    sub = subscription()
    # When
    add_actor(sub, 8, Role.BENEFICIARY, NOW)
    # Then the owner still pays, the new beneficiary receives, and the owner no longer does
    assert (sub.payer_customer_id, sub.beneficiary_customer_id) == (OWNER, 8)
    assert act.roles_of(sub.actors, OWNER) == {Role.OWNER, Role.PAYER}


def test_removing_the_named_beneficiary_leaves_the_owner_receiving() -> None:
    sub = subscription()
    add_actor(sub, 8, Role.BENEFICIARY, NOW)
    remove_actor(sub, 8, Role.BENEFICIARY, NOW)
    assert sub.beneficiary_customer_id == OWNER


def test_several_managers_may_act_for_one_subscription() -> None:
    sub = subscription()
    add_actor(sub, 20, Role.MANAGER, NOW)
    add_actor(sub, 21, Role.MANAGER, NOW)
    assert {a.customer_id for a in sub.actors if a.role is Role.MANAGER} == {20, 21}


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda s: add_actor(s, 9, Role.PAYER, NOW), "exactly_one_active_payer"),
        (lambda s: remove_actor(s, OWNER, Role.PAYER, NOW), "exactly_one_active_payer"),
        (lambda s: add_actor(s, 9, Role.OWNER, NOW), "owner_is_fixed"),
        (lambda s: remove_actor(s, OWNER, Role.OWNER, NOW), "owner_is_fixed"),
        (lambda s: remove_actor(s, 9, Role.MANAGER, NOW), "no_such_actor"),
        (lambda s: change_payer(s, OWNER, NOW), "actor_already_in_role"),
    ],
)
def test_a_change_that_breaks_a_rule_is_refused_and_changes_nothing(
    change: Callable[[Subscription], None], code: str
) -> None:
    # Given a subscription
    sub = subscription()
    sub.pull_events()
    before = copy.deepcopy(sub)
    # When the change breaks a rule
    with pytest.raises(DomainError) as refused:
        change(sub)
    # Then it names the rule, and the subscription and its events are as before
    assert refused.value.code == code
    assert sub == before and sub.pull_events() == []


def test_replacing_the_payer_drops_the_old_payers_card_and_records_both() -> None:
    # Given
    sub = subscription()
    sub.pull_events()
    # When
    change_payer(sub, 30, NOW)
    # Then
    assert _payers(sub) == [30] and sub.payment_method is None
    [event] = sub.pull_events()
    assert event.type == "subscription.payer_changed"
    assert event.data == {"previous_customer_id": OWNER, "customer_id": 30}


def test_events_record_who_acted_by_default_the_system() -> None:
    # Given a subscription changed outside any caller, then inside a shopper's
    sub = subscription()
    sub.pull_events()
    sub.skip_next_cycle(NOW)
    with act.acting(act.EventActor(type=act.ActorType.SHOPPER, id=OWNER)):
        sub.skip_next_cycle(NOW + timedelta(seconds=1))
    # When / Then
    system, shopper = sub.pull_events()
    assert system.actor == {"type": "system", "id": "engine"}
    assert shopper.actor == {"type": "shopper", "id": OWNER}
    assert shopper.envelope()["data"]["actor"] == {"type": "shopper", "id": OWNER}
    assert act.current_actor() == act.SYSTEM


@pytest.mark.parametrize("role", list(Role))
def test_allowed_actions_are_the_roles_row_of_the_table(role: Role) -> None:
    # Given a customer holding just this role (the owner is someone else)
    sub = subscription()
    if role is Role.PAYER:
        change_payer(sub, 40, NOW)
    elif role is not Role.OWNER:
        add_actor(sub, 40, role, NOW)
    who = OWNER if role is Role.OWNER else 40
    # When / Then what they may do is that row, plus what the roles they hold with it allow
    held = act.roles_of(sub.actors_in_force(), who)
    expected = frozenset().union(*(act.PERMISSIONS[r] for r in held))
    assert act.allowed_actions(sub, Principal(who)) == expected
    assert act.PERMISSIONS[role] <= expected


def test_only_the_payer_changes_the_card_unless_the_store_allows_managers() -> None:
    # Given a manager and a beneficiary on a subscription
    sub = subscription()
    add_actor(sub, 50, Role.MANAGER, NOW)
    add_actor(sub, 51, Role.BENEFICIARY, NOW)
    # When / Then
    assert Action.CHANGE_CARD not in act.allowed_actions(sub, Principal(50))
    assert Action.CHANGE_CARD in act.allowed_actions(sub, Principal(50, True))
    assert Action.CHANGE_CARD not in act.allowed_actions(sub, Principal(51, True))
    with pytest.raises(act.RoleForbids) as refused:
        act.ensure_allowed(sub, Principal(51), Action.PAUSE)
    assert str(refused.value) == "role beneficiary may not pause this subscription"


def test_a_customer_without_a_role_may_do_nothing() -> None:
    assert act.allowed_actions(subscription(), Principal(999)) == frozenset()


_change = st.tuples(
    st.sampled_from(["add", "remove", "replace_payer"]),
    st.integers(min_value=1, max_value=6),
    st.sampled_from(list(Role)),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_change, max_size=25))
def test_any_sequence_of_changes_keeps_exactly_one_active_payer(
    changes: list[tuple[str, int, Role]],
) -> None:
    # Given a subscription and any sequence of actor changes, some of which break rules
    sub = subscription(customer_id=1)
    for kind, customer, role in changes:
        # When each is tried
        try:
            if kind == "add":
                add_actor(sub, customer, role, NOW)
            elif kind == "remove":
                remove_actor(sub, customer, role, NOW)
            else:
                change_payer(sub, customer, NOW)
        except DomainError:
            pass
        # Then one payer, one owner (the customer), at most one beneficiary stand throughout
        live = act.active(sub.actors_in_force())
        assert len(_payers(sub)) == 1
        assert [a.customer_id for a in live if a.role is Role.OWNER] == [1]
        assert sum(1 for a in live if a.role is Role.BENEFICIARY) <= 1
        assert sub.beneficiary_customer_id in {a.customer_id for a in live}


def test_every_command_on_one_subscription_names_its_action_or_is_the_merchants_alone() -> None:
    # Given the change pipeline's table and the commands only a merchant gives
    merchant_only = {c.SetContract, c.AddActor, c.RemoveActor}
    # When / Then a command a shopper may send about one subscription has an action to check
    on_one = {k for k in HANDLERS if "subscription_id" in getattr(k, "__dataclass_fields__", {})}
    assert on_one - merchant_only == set(COMMAND_ACTIONS)
