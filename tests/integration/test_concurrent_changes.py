"""Two changes of one subscription at once, and how often a subscription may be changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bc_subscriptions.adapters.dynamodb.unit_of_work import DynamoUnitOfWork
from bc_subscriptions.bootstrap import container
from bc_subscriptions.services import subscription_admin as admin
from bc_subscriptions.services.change_limits import SHOPPER_CHANGES
from devstack.runtime import HttpResponse

from .admin_api_client import call
from .world import World


def _subscribe(world: World) -> tuple[str, str]:
    sub_id, token, _ = _shopper(world)
    return sub_id, token


def _shopper(world: World) -> tuple[str, str, Any]:
    """A shopper's one subscription, their current-customer token, and the shopper."""
    customer, _ = world.subscribe()
    [sub] = [s for s in world.of_kind("subscription") if s["customer_id"] == customer.id]
    token = world.emulator.current_customer_jwt(world.store_hash, customer.id)
    return str(sub["subscription_id"]), token, customer


class _RacedUnitOfWork(DynamoUnitOfWork):
    """A unit of work in which another change commits between its read and its commit."""

    race: Callable[[], None] | None = None

    def commit(self) -> None:
        race, _RacedUnitOfWork.race = _RacedUnitOfWork.race, None
        if race is not None:
            race()
        super().commit()


def _raced(monkeypatch: pytest.MonkeyPatch, race: Callable[[], None]) -> None:
    c = container()
    plain = c.unit_of_work

    def factory() -> DynamoUnitOfWork:
        uow = plain()
        return _RacedUnitOfWork(region=uow.region, due_shards=uow.due_shards)

    _RacedUnitOfWork.race = race
    monkeypatch.setattr(c, "unit_of_work", factory)


def _merchant_skips(world: World, sub_id: str) -> Callable[[], None]:
    """The other stale copy: the merchant's skip, read at the same version, committed first."""
    c = container()
    plain = c.unit_of_work

    def race() -> None:
        now = c.clock.now()
        admin.change_subscription(
            world.store_hash, sub_id, admin.skip(now), uow_factory=plain, now=now
        )

    return race


def _rate_items(world: World) -> list[dict[str, Any]]:
    return [i for i in world.items("") if str(i["sk"]).startswith("RATE#")]


@pytest.mark.parametrize(("route", "body"), [("pause", None), ("cancel", {})])
def test_the_loser_of_two_concurrent_changes_gets_409_and_writes_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch, route: str, body: Any
) -> None:
    # Given a shopper's change whose copy goes stale: the merchant's skip commits first
    sub_id, token = _subscribe(world)
    events = world.event_types()
    _raced(monkeypatch, _merchant_skips(world, sub_id))
    # When the shopper's change commits
    reply = call(world, "POST", f"/portal/subscriptions/{sub_id}/{route}", token, body)
    # Then it is told to read again, and only the winner's change and event were written
    assert (reply.status, reply.json()["error"]) == (409, "concurrent_change")
    assert world.event_types() == [*events, "subscription.cycle_skipped"]
    [sub] = world.of_kind("subscription")
    assert sub["status"] == "active"
    # and the loser's attempt was not counted against the shopper's limit
    assert [str(i["sk"]).split("#")[1:3] for i in _rate_items(world)] == [["change", "merchant"]]


def _pause_and_resume(world: World, sub_id: str, token: str, times: int) -> list[HttpResponse]:
    base = f"/portal/subscriptions/{sub_id}"
    return [
        call(world, "POST", f"{base}/{'pause' if i % 2 == 0 else 'resume'}", token)
        for i in range(times)
    ]


def test_a_shopper_changing_one_subscription_too_often_gets_429_and_nothing_written(
    world: World,
) -> None:
    # Given a shopper who has used up the hour's changes of one subscription
    sub_id, token, customer = _shopper(world)
    answers = _pause_and_resume(world, sub_id, token, SHOPPER_CHANGES)
    assert [a.status for a in answers] == [200] * SHOPPER_CHANGES
    before = world.items("")
    # When they try once more
    reply = call(world, "POST", f"/portal/subscriptions/{sub_id}/skip", token)
    # Then they are told when to come back, and nothing was written
    assert (reply.status, reply.json()["error"]) == (429, "rate_limited")
    assert 1 <= int(reply.headers["Retry-After"]) <= 3600
    assert world.items("") == before
    # and the limit is per subscription: their other subscription still changes
    world.checkout(customer)
    world.stack.pump()
    [other] = [
        str(s["subscription_id"])
        for s in world.of_kind("subscription")
        if str(s["subscription_id"]) != sub_id
    ]
    assert call(world, "POST", f"/portal/subscriptions/{other}/skip", token).status == 200


def test_a_refused_change_counts_as_an_attempt_but_writes_only_its_counter(world: World) -> None:
    # Given an active subscription
    sub_id, token = _subscribe(world)
    before = [i for i in world.items("") if not str(i["sk"]).startswith("RATE#")]
    # When the shopper resumes it (refused: it is not paused)
    reply = call(world, "POST", f"/portal/subscriptions/{sub_id}/resume", token)
    # Then the refusal stands, nothing but the attempt's counter was written
    assert (reply.status, reply.json()["error"]) == (409, "invalid_transition")
    assert [i for i in world.items("") if not str(i["sk"]).startswith("RATE#")] == before
    assert [int(i["hits"]) for i in _rate_items(world)] == [1]


def test_a_shopper_changing_their_payment_method_too_often_gets_429(world: World) -> None:
    # Given a shopper who has changed their card five times this hour
    _, token, customer = _shopper(world)
    new_card = world.emulator.replace_card(world.store_hash, customer.id)
    body = {"instrument_token": new_card}
    answers = [call(world, "PUT", "/portal/payment-method", token, body) for _ in range(5)]
    assert [a.status for a in answers] == [200] * 5
    before = world.items("")
    # When they change it once more
    reply = call(world, "PUT", "/portal/payment-method", token, body)
    # Then they are told when to come back, and nothing was written
    assert (reply.status, reply.json()["error"]) == (429, "rate_limited")
    assert world.items("") == before
