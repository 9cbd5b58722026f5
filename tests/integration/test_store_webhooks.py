"""Store-level BigCommerce callbacks: `store/app/uninstalled` closes the store like `/uninstall`."""

import json

import boto3

from devstack.stack import LocalStack

from .world import World

ROUTE = "/webhooks/bigcommerce/app-uninstalled"


def _install_status(stack: LocalStack, store_hash: str) -> str:
    table = boto3.resource("dynamodb").Table(stack.physical["SubscriptionsTable"])
    item = table.get_item(Key={"pk": f"STORE#{store_hash}", "sk": "INSTALL"})["Item"]
    return str(item["status"])


def test_the_app_uninstalled_webhook_closes_the_store_and_its_sweeps_skip_it(
    stack: LocalStack,
) -> None:
    # Given two installed stores, one with a subscription
    closing, staying = World.create(stack), World.create(stack)
    closing.subscribe()
    # When the merchant uninstalls and only BigCommerce's webhook reaches us
    stack.emulator.uninstall_app(closing.store_hash)
    stack.pump()
    # Then the store is closed, its history kept, and the sweeps visit only the other store
    assert _install_status(stack, closing.store_hash) == "uninstalled"
    assert len(closing.of_kind("subscription")) == 1
    result = stack.fire("ReconciliationSweepFunction")
    assert (result["stores"], result["failed_stores"]) == (1, 0)
    assert _install_status(stack, staying.store_hash) == "installed"


def test_the_webhook_after_the_uninstall_callback_is_answered_200_not_retried(
    world: World,
) -> None:
    # Given the `/uninstall` callback already closed the store
    jwt = world.emulator.uninstall_app(world.store_hash)
    world.stack.runtime.http("GET", "/uninstall", query={"signed_payload_jwt": jwt})
    [delivery] = world.emulator.drain_webhooks()
    # When BigCommerce's store/app/uninstalled arrives late
    reply = world.stack.runtime.http("POST", ROUTE, delivery.body, delivery.headers)
    world.stack.pump()
    # Then it is taken (a refusal would be retried for two days) and the store stays closed
    assert reply.status == 200
    assert _install_status(world.stack, world.store_hash) == "uninstalled"
    [row] = world.of_kind("inbox")
    assert row["status"] == "processed"


def test_the_app_uninstalled_webhook_of_a_store_that_never_installed_is_refused(
    stack: LocalStack,
) -> None:
    # Given a correctly signed callback naming a store we do not know
    body = (
        b'{"scope": "store/app/uninstalled", "store_id": "1", "producer": "stores/nobody",'
        b' "data": {"type": "store"}, "hash": "abc"}'
    )
    # When / Then
    reply = stack.runtime.http("POST", ROUTE, body, stack.emulator.sign(body))
    assert (reply.status, reply.json()["error"]) == (401, "unknown_store")


def test_a_deleted_customers_subscriptions_stop_with_their_event(world: World) -> None:
    # Given a shopper with two subscriptions and another shopper with one
    customer, _ = world.subscribe()
    world.checkout(customer)
    world.stack.pump()
    world.subscribe()
    # When the merchant deletes the first shopper, and BigCommerce tells us twice
    world.emulator.delete_customer(world.store_hash, customer.id)
    [delivery] = world.emulator.drain_webhooks()
    for _ in range(2):
        world.stack.runtime.http(
            "POST", "/webhooks/bigcommerce/customer-deleted", delivery.body, delivery.headers
        )
    world.stack.pump()
    # Then the shopper's subscriptions are cancelled for that reason, each with one event
    statuses = {
        str(s["subscription_id"]): (str(s["status"]), int(s["customer_id"]))
        for s in world.of_kind("subscription")
    }
    mine = [st for st, cid in statuses.values() if cid == customer.id]
    others = [st for st, cid in statuses.values() if cid != customer.id]
    assert (mine, others) == (["cancelled", "cancelled"], ["active"])
    cancelled = [
        json.loads(e["doc"]) if "doc" in e else e
        for e in world.of_kind("event")
        if e["type"] == "subscription.cancelled"
    ]
    assert len(cancelled) == 2
    assert all("customer_deleted" in json.dumps(e, default=str) for e in cancelled)


def test_a_refunded_renewal_order_is_recorded_on_its_charge_with_one_event(
    world: World,
) -> None:
    # Given a subscription that renewed once
    world.subscribe()
    world.renew()
    [renewal] = world.renewal_orders()
    # When the merchant refunds the renewal order, and BigCommerce tells us twice
    refund_id = world.emulator.refund_order(world.store_hash, renewal["id"])
    [delivery] = world.emulator.drain_webhooks()
    route = "/webhooks/bigcommerce/order-refund-created"
    for _ in range(2):
        world.stack.runtime.http("POST", route, delivery.body, delivery.headers)
    world.stack.pump()
    # Then the cycle's charge records the refund, and charge.refunded was written once
    [charge] = [json.loads(c["doc"]) for c in world.of_kind("charge")]
    assert charge["refund_ids"] == [refund_id]
    assert world.event_types().count("charge.refunded") == 1


def test_a_refund_of_the_checkout_order_touches_no_charge(world: World) -> None:
    # Given a subscription bought at checkout, not yet renewed
    _, order = world.subscribe()
    # When the checkout order is refunded
    world.emulator.refund_order(world.store_hash, order["id"])
    world.stack.pump()
    # Then no charge event is written, and the delivery is done
    assert "charge.refunded" not in world.event_types()
    assert [
        i["status"] for i in world.of_kind("inbox") if i["scope"].endswith("refund/created")
    ] == ["processed"]
