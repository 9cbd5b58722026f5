"""Dunning end to end: declines, retries on the store's schedule, recovery, and giving up.

The business clock only moves when a test moves it; sweeps run when the test fires them.
"""

import json
from datetime import datetime, timedelta
from typing import Any

import pytest

from bc_subscriptions.bootstrap import container
from bc_subscriptions.domain.tenant_config import InvalidTenantConfig
from bc_subscriptions.services.action_links import InvalidActionLink, redeem_action_link
from bc_subscriptions.services.tenant_settings import update_tenant_config

from .admin_api_client import call, session_token
from .world import World

DAY = timedelta(days=1)


def _sub(world: World) -> dict[str, Any]:
    [sub] = world.of_kind("subscription")
    return sub


def _doc(world: World) -> dict[str, Any]:
    return dict(json.loads(_sub(world)["doc"]))


def _sweep_at(world: World, when: datetime) -> None:
    """Move the clock to `when` (never back) and run the renewal sweep and the queues."""
    world.stack.advance_clock(max(when - world.stack.now(), timedelta(0)))
    world.stack.fire("RenewalSweepFunction")
    world.stack.pump()


def _declining(world: World, behavior: str, preset: str | None = None) -> tuple[Any, datetime]:
    """A subscriber whose card answers `behavior` at the first renewal; returns the failure time."""
    if preset:
        update_tenant_config(
            container().unit_of_work(), world.store_hash, f'{{"preset": "{preset}"}}'
        )
    customer, _ = world.subscribe()
    world.emulator.set_card_behavior(world.store_hash, customer.instrument_token, behavior)
    world.renew()
    return customer, world.stack.now()


def _payments(world: World) -> tuple[int, int]:
    """(declined, successful) payment transactions over the store's renewal orders."""
    txs = [
        t
        for o in world.renewal_orders()
        for t in world.emulator.transactions(world.store_hash, o["id"])
    ]
    return sum(t["status"] == "error" for t in txs), sum(t["status"] == "ok" for t in txs)


@pytest.mark.parametrize(
    ("preset", "retry_days", "final_day", "final_status"),
    [
        ("standard", [1, 3, 7], 14, "cancelled"),
        ("aggressive", [1, 2, 3, 5], 7, "cancelled"),
        ("lenient", [3, 7, 14, 21], 30, "paused"),
    ],
)
def test_a_card_that_never_pays_is_retried_on_schedule_then_the_final_action_applies(
    world: World, preset: str, retry_days: list[int], final_day: int, final_status: str
) -> None:
    # Given the first renewal was declined for lack of funds
    _, failed_at = _declining(world, "insufficient_funds", preset)
    # When sweeps run just before and at every day of the schedule
    for day in retry_days:
        _sweep_at(world, failed_at + day * DAY - timedelta(minutes=1))
        assert _doc(world)["dunning"]["next_retry_at"] is not None
        _sweep_at(world, failed_at + day * DAY)
        assert _sub(world)["status"] == "past_due"
    _sweep_at(world, failed_at + final_day * DAY - timedelta(minutes=1))
    assert _sub(world)["status"] == "past_due"
    _sweep_at(world, failed_at + final_day * DAY)
    # Then every attempt paid the same one order, none succeeded, and the policy ended it
    assert len(world.renewal_orders()) == 1
    assert _payments(world) == (len(retry_days) + 1, 0)
    sub = _sub(world)
    assert sub["status"] == final_status and "due_pk" not in sub
    types = world.event_types()
    assert types.count("charge.failed") == len(retry_days) + 1
    assert types.count("subscription.past_due") == 1
    assert types[-1] == f"subscription.{final_status}"
    # And nothing more happens on later sweeps
    _sweep_at(world, failed_at + 60 * DAY)
    assert _payments(world) == (len(retry_days) + 1, 0)


def test_a_retry_that_succeeds_recovers_the_subscription_on_the_same_order(world: World) -> None:
    # Given a declined first renewal, and the shopper then tops up the account
    customer, failed_at = _declining(world, "insufficient_funds")
    world.emulator.set_card_behavior(world.store_hash, customer.instrument_token, "ok")
    # When the first retry runs
    _sweep_at(world, failed_at + DAY)
    # Then the one order is paid, the subscription is active on its next cycle, dunning is over
    [order] = world.renewal_orders()
    assert order["status_id"] == 11
    assert _payments(world) == (1, 1)
    doc = _doc(world)
    assert doc["status"] == "active" and doc["next_cycle"] == 3 and doc["dunning"] is None
    assert world.event_types()[-2:] == ["charge.succeeded", "subscription.renewed"]
    [charge] = world.of_kind("charge")
    assert json.loads(charge["doc"])["retries"] == 1


def test_a_hard_decline_stops_at_once_and_asks_for_a_new_card(world: World) -> None:
    # Given / When the card has expired
    _, failed_at = _declining(world, "expired")
    # Then no retry is scheduled: the shopper is asked for a new card
    sub, doc = _sub(world), _doc(world)
    assert sub["status"] == "requires_action"
    assert doc["dunning"]["next"] == "new_card" and doc["dunning"]["next_retry_at"] is None
    assert "payment_method.required" in world.event_types()
    # And sweeps within the grace period never charge the card again
    for day in (1, 3, 7, 13):
        _sweep_at(world, failed_at + day * DAY)
    assert _payments(world) == (1, 0)
    # Until the grace period ends, when the standard policy cancels
    _sweep_at(world, failed_at + 14 * DAY)
    assert _sub(world)["status"] == "cancelled"
    assert _payments(world) == (1, 0)


def test_a_payment_needing_authentication_sends_a_single_use_expiring_link(world: World) -> None:
    # Given / When the gateway wants the cardholder to authenticate
    _, failed_at = _declining(world, "requires_action")
    # Then the subscription waits for the shopper, and the merchant gets a link token
    assert _sub(world)["status"] == "requires_action"
    [event] = [
        r.body
        for r in world.stack.receiver.received
        if r.event_type == "subscription.requires_action"
    ]
    token = event["data"]["action_token"]
    assert len(token) >= 32
    # And only its hash is stored with the subscription
    assert token not in _sub(world)["doc"]
    sub_id = str(_sub(world)["subscription_id"])
    now = world.stack.now()
    # When the shopper follows it twice
    uow = container().unit_of_work
    assert redeem_action_link(uow(), world.store_hash, sub_id, token, now) == 2
    # Then the second use is refused
    with pytest.raises(InvalidActionLink):
        redeem_action_link(uow(), world.store_hash, sub_id, token, now)
    # And no retry charges the card meanwhile
    _sweep_at(world, failed_at + 3 * DAY)
    assert _payments(world) == (1, 0)


def test_an_action_link_expires_and_a_wrong_token_is_refused(world: World) -> None:
    # Given
    _declining(world, "requires_action")
    [event] = [
        r.body
        for r in world.stack.receiver.received
        if r.event_type == "subscription.requires_action"
    ]
    sub_id, token = str(_sub(world)["subscription_id"]), event["data"]["action_token"]
    expires = datetime.fromisoformat(event["data"]["expires_at"])
    uow = container().unit_of_work
    # When / Then
    with pytest.raises(InvalidActionLink):
        redeem_action_link(uow(), world.store_hash, sub_id, token + "x", world.stack.now())
    with pytest.raises(InvalidActionLink):
        redeem_action_link(uow(), world.store_hash, sub_id, token, expires)
    with pytest.raises(InvalidActionLink):
        redeem_action_link(uow(), "other-store", sub_id, token, world.stack.now())
    assert redeem_action_link(uow(), world.store_hash, sub_id, token, world.stack.now()) == 2


def test_store_overrides_change_the_schedule(world: World) -> None:
    # Given a store that retries once, two days after the failure, then pauses at once
    overrides = (
        '{"dunning": {"retry_offsets_days": [2], "max_attempts": 2,'
        ' "grace_period_days": 0, "final_action": "pause"}}'
    )
    update_tenant_config(container().unit_of_work(), world.store_hash, overrides)
    _, failed_at = _declining(world, "decline")
    # When
    _sweep_at(world, failed_at + DAY)
    assert _payments(world) == (1, 0)
    _sweep_at(world, failed_at + 2 * DAY)
    # Then the one retry was made and the store's final action applied right after it
    assert _payments(world) == (2, 0)
    _sweep_at(world, failed_at + 2 * DAY + timedelta(minutes=5))
    assert _sub(world)["status"] == "paused"


def test_an_invalid_tenant_config_is_refused_with_its_errors_and_nothing_is_written(
    world: World,
) -> None:
    # Given / When
    with pytest.raises(InvalidTenantConfig) as refused:
        update_tenant_config(
            container().unit_of_work(),
            world.store_hash,
            '{"preset": "lenient", "auth_window_days": 99, "capture_timing": "never"}',
        )
    # Then
    assert sorted(e["loc"] for e in refused.value.errors) == ["auth_window_days", "capture_timing"]
    assert world.items(f"STORE#{world.store_hash}") and not [
        i for i in world.items(f"STORE#{world.store_hash}") if i["kind"] == "tenant_config"
    ]


def test_the_action_link_token_is_stored_nowhere_in_plain_text_yet_reaches_the_merchant(
    world: World,
) -> None:
    # Given a renewal that needs the shopper to authenticate
    _declining(world, "requires_action")
    [received] = [
        r for r in world.stack.receiver.received if r.event_type == "subscription.requires_action"
    ]
    token = received.body["data"]["action_token"]
    # Then the merchant got the token in a delivery that verifies
    assert received.verified and len(token) >= 32
    # And no item of the table holds it (events, subscription, queue records alike)
    assert all(token not in json.dumps(item, default=str) for item in world.items(prefix=""))
    [event] = [e for e in world.of_kind("event") if e["type"] == "subscription.requires_action"]
    assert "action_token_sealed" in json.loads(event["envelope"])["data"]
    # And the merchant's subscription detail shows neither the token nor its sealed form
    sub_id = str(_sub(world)["subscription_id"])
    detail = call(world, "GET", f"/admin/subscriptions/{sub_id}", session_token(world))
    assert detail.status == 200 and "subscription.requires_action" in detail.body
    assert token not in detail.body and "action_token_sealed" not in detail.body
