"""Events the aggregate records for other parts of the engine (actors, custom fields,
entitlements, a cancel routed to the merchant): their exact data, on the aggregate directly."""

from __future__ import annotations

import copy
from datetime import timedelta

import msgspec
import pytest

from bc_subscriptions.domain import events as ev
from bc_subscriptions.domain.actors import Role
from bc_subscriptions.domain.errors import InvalidTransition
from bc_subscriptions.domain.lifecycle import Status
from bc_subscriptions.domain.subscription_actors import add_actor, remove_actor
from bc_subscriptions.domain.subscription_cancels import cancel
from bc_subscriptions.domain.subscription_contract import route_cancel
from bc_subscriptions.domain.subscription_custom_fields import refuse_custom_fields
from bc_subscriptions.domain.subscription_entitlements import record_entitlement

from .factories import NOW, subscription

LATER = NOW + timedelta(days=2)


def test_an_added_and_a_removed_actor_are_recorded_with_their_role() -> None:
    # Given a subscription
    sub = subscription()
    sub.pull_events()
    # When a manager is added and removed again
    add_actor(sub, 20, Role.MANAGER, NOW)
    remove_actor(sub, 20, Role.MANAGER, LATER)
    # Then both are recorded, and the record says when the manager left
    assert [(e.type, e.data) for e in sub.pull_events()] == [
        (ev.SUBSCRIPTION_ACTOR_ADDED, {"customer_id": 20, "role": "manager"}),
        (ev.SUBSCRIPTION_ACTOR_REMOVED, {"customer_id": 20, "role": "manager"}),
    ]
    [manager] = [a for a in sub.actors if a.customer_id == 20]
    assert (manager.added_at, manager.active, sub.updated_at) == (NOW, False, LATER)


def test_custom_field_values_refused_at_checkout_are_recorded_with_the_reasons() -> None:
    # Given a subscription started from order 100
    sub = subscription()
    sub.pull_events()
    before = copy.deepcopy(sub)
    errors = [{"key": "gift_wrap", "code": "invalid_type", "message": "must be a boolean"}]
    # When the checkout's values are refused
    refuse_custom_fields(sub, errors, NOW)
    # Then the merchant hears which and why, and nothing but the event count changes
    [refused] = sub.pull_events()
    assert (refused.type, refused.data) == (
        ev.SUBSCRIPTION_CUSTOM_FIELDS_REFUSED,
        {"origin_order_id": 100, "errors": errors},
    )
    assert msgspec.structs.replace(sub, event_seq=0) == msgspec.structs.replace(before, event_seq=0)
    assert sub.event_seq == before.event_seq + 1


def test_an_entitlement_change_joins_the_subscriptions_own_sequence() -> None:
    # Given a subscription that recorded its creation as event 1
    sub = subscription()
    [created] = sub.pull_events()
    data = {"key": "club", "customer_id": 7}
    # When one of its entitlements is granted
    record_entitlement(sub, ev.ENTITLEMENT_GRANTED, NOW, data)
    # Then the event follows the subscription's own
    [granted] = sub.pull_events()
    assert (granted.type, granted.data, granted.seq) == (
        ev.ENTITLEMENT_GRANTED,
        data,
        created.seq + 1,
    )


def test_only_an_entitlement_event_is_recorded_as_one() -> None:
    sub = subscription()
    sub.pull_events()
    with pytest.raises(ValueError, match=r"subscription\.cancelled is not an entitlement event"):
        record_entitlement(sub, ev.SUBSCRIPTION_CANCELLED, NOW, {})
    assert sub.pull_events() == []


@pytest.mark.parametrize("window", [None, NOW + timedelta(days=30)])
def test_a_routed_cancel_changes_nothing_but_records_the_request(window: object) -> None:
    # Given an active subscription
    sub = subscription()
    sub.pull_events()
    # When its cancel is handed to the merchant
    route_cancel(sub, LATER, window)  # type: ignore[arg-type]
    # Then it stays active and the request is recorded with when the window opens
    assert sub.status is Status.ACTIVE and sub.updated_at == LATER
    [routed] = sub.pull_events()
    assert (routed.type, routed.data) == (
        ev.SUBSCRIPTION_CANCEL_ROUTED,
        {
            "customer_id": 7,
            "window_opens_at": None if window is None else "2026-03-02T12:00:00Z",
        },
    )


def test_a_cancel_the_lifecycle_forbids_is_not_routed() -> None:
    sub = subscription()
    cancel(sub, NOW)
    sub.pull_events()
    with pytest.raises(InvalidTransition):
        route_cancel(sub, LATER)
    assert sub.pull_events() == []
