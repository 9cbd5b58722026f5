"""Recovery end to end: a usable card chosen for a waiting subscription pays the waiting cycle
at once, on its existing order, exactly once: under repeated choices, duplicate and racing
messages, a racing second choice, and a lost message."""

import json
from typing import Any

import pytest

from bc_subscriptions.adapters.sqs import QueueSendFailed
from bc_subscriptions.bootstrap import container
from bc_subscriptions.services.action_links import digest
from bc_subscriptions.services.action_recovery import complete_link
from bc_subscriptions.services.messages import RenewSubscription
from bc_subscriptions.services.payment_method_change import change_payment_method

from .admin_api_client import call, session_token
from .world import World


def _sub(world: World) -> dict[str, Any]:
    [sub] = world.of_kind("subscription")
    return sub


def _doc(world: World) -> dict[str, Any]:
    return dict(json.loads(_sub(world)["doc"]))


def _payments(world: World) -> tuple[int, int]:
    """(declined, successful) payments over the store's renewal orders."""
    txs = [
        t
        for o in world.renewal_orders()
        for t in world.emulator.transactions(world.store_hash, o["id"])
    ]
    return sum(t["status"] == "error" for t in txs), sum(t["status"] == "ok" for t in txs)


def _declined(world: World, behavior: str = "expired") -> Any:
    customer, _ = world.subscribe()
    world.emulator.set_card_behavior(world.store_hash, customer.instrument_token, behavior)
    world.renew()
    return customer


def _choose(world: World, customer: Any, token: str, queue: Any = None) -> None:
    c = container()
    change_payment_method(
        world.store_hash,
        customer.id,
        token,
        bc=c.bigcommerce,
        uow_factory=c.unit_of_work,
        queue=queue or c.renewal_queue,
        now=world.stack.now(),
    )


def _link_token(world: World, event_type: str) -> str:
    [token] = [
        r.body["data"]["action_token"]
        for r in world.stack.receiver.received
        if r.event_type == event_type
    ]
    return str(token)


def _renew_message(world: World) -> None:
    doc = _doc(world)
    body = RenewSubscription(store_hash=world.store_hash, subscription_id=doc["id"], cycle=2)
    container().renewal_queue.send_batch([body.to_json()])


def test_a_new_card_pays_the_hard_declined_cycle_at_once_on_its_existing_order(
    world: World,
) -> None:
    # Given a renewal declined because the card expired
    customer = _declined(world)
    assert _sub(world)["status"] == "requires_action"
    [order] = world.renewal_orders()
    # When the shopper saves a new card and chooses it (no sweep, no clock move)
    new_token = world.emulator.replace_card(world.store_hash, customer.id)
    _choose(world, customer, new_token)
    world.stack.pump()
    # Then the same order is paid, once, and the subscription renews from its next cycle
    assert [o["id"] for o in world.renewal_orders()] == [order["id"]]
    assert _payments(world) == (1, 1)
    doc = _doc(world)
    assert doc["status"] == "active" and doc["next_cycle"] == 3 and doc["dunning"] is None
    assert "payment_method.received" in world.event_types()


def test_repeated_choices_and_duplicate_messages_pay_the_cycle_once(world: World) -> None:
    # Given a hard-declined renewal
    customer = _declined(world)
    new_token = world.emulator.replace_card(world.store_hash, customer.id)
    # When the card is chosen three times and the renewal message is duplicated
    for _ in range(3):
        _choose(world, customer, new_token)
    _renew_message(world)
    _renew_message(world)
    world.stack.pump(retry_failed=True)
    # Then one payment was made again, on the one order
    assert _payments(world) == (1, 1)
    assert len(world.renewal_orders()) == 1
    [charge] = world.of_kind("charge")
    assert json.loads(charge["doc"])["retries"] == 1


def test_a_retry_declined_again_is_not_retried_by_a_repeat_of_the_same_choice(
    world: World,
) -> None:
    # Given a new card, chosen, that is declined too (softly: retried on the schedule)
    customer = _declined(world)
    new_token = world.emulator.replace_card(world.store_hash, customer.id, "decline")
    _choose(world, customer, new_token)
    world.stack.pump()
    assert _payments(world) == (2, 0)
    # When the same card is chosen again (a repeated webhook, a second click)
    _choose(world, customer, new_token)
    world.stack.pump(retry_failed=True)
    # Then no third attempt is made before the schedule's
    assert _payments(world) == (2, 0)
    assert _sub(world)["status"] == "past_due"


def test_a_lost_retry_message_is_found_by_the_sweep_and_paid_once(world: World) -> None:
    # Given a choice whose message to the renewal worker could not be sent
    customer = _declined(world)
    new_token = world.emulator.replace_card(world.store_hash, customer.id)

    class Down:
        def send_batch(self, bodies: list[str]) -> int:
            raise QueueSendFailed("queue unavailable")

    with pytest.raises(QueueSendFailed):
        _choose(world, customer, new_token, queue=Down())
    # When the sweep runs
    world.stack.fire("RenewalSweepFunction")
    world.stack.pump()
    world.stack.fire("RenewalSweepFunction")
    world.stack.pump()
    # Then the committed retry request was paid once, on the one order
    assert _payments(world) == (1, 1)
    assert _doc(world)["status"] == "active"


def test_two_racing_link_posts_spend_the_link_once_and_pay_once(world: World) -> None:
    # Given a hard decline whose link the shopper posts twice at the same moment
    customer = _declined(world)
    new_token = world.emulator.replace_card(world.store_hash, customer.id)
    token_sha = digest(_link_token(world, "payment_method.required"))
    sub_id, c = _doc(world)["id"], container()
    results = []

    def post(uow_factory: Any) -> Any:
        return complete_link(
            world.store_hash,
            sub_id,
            token_sha,
            new_token,
            uow_factory=uow_factory,
            bc=c.bigcommerce,
            queue=c.renewal_queue,
            now=world.stack.now(),
        )

    class RacedUow:
        """A unit of work whose commit lets the other post commit first."""

        def __init__(self) -> None:
            self.inner = c.unit_of_work()

        def __enter__(self) -> Any:
            self.inner.__enter__()
            return self

        def __exit__(self, *exc: Any) -> None:
            self.inner.__exit__(*exc)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

        def commit(self) -> None:
            results.append(post(c.unit_of_work))
            self.inner.commit()

    # When
    results.append(post(RacedUow))
    world.stack.pump(retry_failed=True)
    # Then the first to commit made the choice, the other changed nothing
    assert [r.state.value for r in results] == ["open", "used"]
    assert _payments(world) == (1, 1)
    assert _doc(world)["status"] == "active"


def test_an_authenticated_payment_resumes_the_same_cycle_on_its_order(world: World) -> None:
    # Given a payment that needed the cardholder to authenticate
    customer = _declined(world, "requires_action")
    [order] = world.renewal_orders()
    token_sha = digest(_link_token(world, "subscription.requires_action"))
    # When the shopper confirms it with the same card on the link's page (the gateway now
    # accepts it, the cardholder being present)
    world.emulator.set_card_behavior(world.store_hash, customer.instrument_token, "ok")
    c = container()
    done = complete_link(
        world.store_hash,
        _doc(world)["id"],
        token_sha,
        customer.instrument_token,
        uow_factory=c.unit_of_work,
        bc=c.bigcommerce,
        queue=c.renewal_queue,
        now=world.stack.now(),
    )
    world.stack.pump()
    # Then cycle 2 was paid on its first order
    assert done.retried_cycle == 2
    assert [o["id"] for o in world.renewal_orders()] == [order["id"]]
    assert _payments(world) == (1, 1)
    assert _doc(world)["next_cycle"] == 3


def test_a_subscription_without_a_stored_card_renews_once_the_shopper_saves_one(
    world: World,
) -> None:
    # Given a checkout without a stored card: the shopper got a link
    customer, _ = world.subscribe(card=None)
    token_sha = digest(_link_token(world, "payment_method.required"))
    assert _sub(world)["status"] == "requires_action"
    # When they save a card and choose it through the link
    new_token = world.emulator.replace_card(world.store_hash, customer.id)
    c = container()
    done = complete_link(
        world.store_hash,
        _doc(world)["id"],
        token_sha,
        new_token,
        uow_factory=c.unit_of_work,
        bc=c.bigcommerce,
        queue=c.renewal_queue,
        now=world.stack.now(),
    )
    # Then it is active, and its next renewal is paid with that card
    assert done.retried_cycle is None and _sub(world)["status"] == "active"
    world.renew()
    assert _payments(world) == (0, 1)
    assert _doc(world)["next_cycle"] == 3


def test_a_new_default_card_reported_by_bigcommerce_pays_the_cycle_once_however_often(
    world: World,
) -> None:
    # Given a hard-declined renewal
    customer = _declined(world)
    [order] = world.renewal_orders()
    # When the shopper saves a new default card in the storefront, and BigCommerce reports it,
    # then reports it again (another delivery, not a retry of the first)
    world.emulator.replace_card(world.store_hash, customer.id, notify=True)
    world.stack.pump()
    with world.emulator.lock:
        store = world.emulator.stores[world.store_hash]
        world.emulator.queue_webhook(
            store,
            "store/customer/payment/instrument/default/updated",
            {"type": "customer", "id": customer.id},
        )
    world.stack.pump(retry_failed=True)
    # Then the cycle's order was paid once with it
    assert [o["id"] for o in world.renewal_orders()] == [order["id"]]
    assert _payments(world) == (1, 1)
    assert _doc(world)["status"] == "active"


def test_the_merchant_choosing_a_stored_card_pays_the_waiting_cycle_once(world: World) -> None:
    # Given a hard-declined renewal and a card the shopper saved since
    customer = _declined(world)
    new_token = world.emulator.replace_card(world.store_hash, customer.id)
    path = f"/admin/subscriptions/{_doc(world)['id']}/payment-method"
    token = session_token(world)
    # When the merchant puts a card that is not the shopper's, then theirs, twice
    refused = call(world, "PUT", path, token, {"instrument_token": "not-theirs"})
    first = call(world, "PUT", path, token, {"instrument_token": new_token})
    second = call(world, "PUT", path, token, {"instrument_token": new_token})
    world.stack.pump(retry_failed=True)
    # Then the foreign card is refused, and the cycle is retried once, on its order
    assert refused.status == 422 and refused.json()["error"] == "unknown_instrument"
    assert first.json()["retried_cycle"] == 2 and second.json()["retried_cycle"] is None
    assert _payments(world) == (1, 1) and len(world.renewal_orders()) == 1
