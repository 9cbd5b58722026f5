"""Reconciliation: missed orders captured once, failed deliveries retried, hooks repaired."""

from typing import Any

import pytest

from bc_subscriptions.bootstrap import container
from bc_subscriptions.entrypoints.reconciliation import reconcile_installed_store
from bc_subscriptions.services import reconciliation
from devstack.stack import LocalStack

from .world import ONE_TIME_PRODUCT_ID, World

ROUTE = "/webhooks/bigcommerce/order-created"


def _sweep(world: World) -> dict[str, Any]:
    return dict(world.stack.fire("ReconciliationSweepFunction"))


def test_an_order_whose_webhook_never_came_is_captured_by_the_sweep(world: World) -> None:
    # Given a paid order whose store/order/created delivery was lost
    order = world.checkout(world.shopper())
    world.emulator.drain_webhooks()
    # When the reconciliation sweep runs, twice
    first = _sweep(world)
    second = _sweep(world)
    # Then the order became one subscription, once
    [sub] = world.of_kind("subscription")
    assert sub["status"] == "active"
    assert (first["orders_captured"], second["orders_captured"]) == (1, 0)
    assert first["complete"] is True
    assert world.of_kind("order_link")[0]["order_id"] == order["id"]


def test_a_delivery_that_failed_is_retried_by_the_sweep(world: World) -> None:
    # Given a delivery whose processing failed on every receive (BigCommerce answered 500)
    world.checkout(world.shopper())
    world.emulator.faults.inject("GET", "/stores/*/v2/orders/*", "5xx_before", times=1000)
    [delivery] = world.emulator.drain_webhooks()
    reply = world.stack.runtime.http("POST", ROUTE, delivery.body, delivery.headers)
    assert reply.status == 200
    world.stack.pump(retry_failed=True)
    world.emulator.faults.clear()
    [inbox] = world.of_kind("inbox")
    assert inbox["status"] == "failed"
    [letter] = world.of_kind("dead_letter")
    assert (letter["letter_kind"], letter["event_type"]) == ("bc_webhook", "store/order/created")
    # When the sweep runs
    result = _sweep(world)
    # Then the parked delivery was processed and resolved, and the order captured once
    assert result["retried"] == 1
    assert [i["status"] for i in world.of_kind("inbox")] == ["processed"]
    assert len(world.of_kind("subscription")) == 1
    # And BigCommerce's own retry of that delivery is now a duplicate
    again = world.stack.runtime.http("POST", ROUTE, delivery.body, delivery.headers)
    assert again.json()["status"] == "duplicate"


def _park(world: World, delivery_hash: str, resource_id: str) -> None:
    """A delivery parked for reconciliation, as the worker parks one after its last receive."""
    inbox, now = container().inbox, world.stack.now()
    inbox.record(world.store_hash, delivery_hash, "store/order/created", resource_id, now)
    inbox.mark(world.store_hash, delivery_hash, "failed")
    inbox.park(world.store_hash, delivery_hash, "store/order/created", resource_id, now)


def _parked_status(world: World) -> dict[str, tuple[str, str | None]]:
    return {
        str(i["delivery_hash"]): (str(i["status"]), i.get("reason"))
        for i in world.of_kind("inbox_retry")
    }


def test_a_parked_delivery_whose_order_is_gone_is_given_up_and_missed_orders_still_come_in(
    world: World,
) -> None:
    # Given a parked delivery of an order BigCommerce no longer has (404)
    gone = world.checkout(world.shopper())
    world.emulator.drain_webhooks()
    with world.emulator.lock:
        del world.emulator.stores[world.store_hash].orders[gone["id"]]
    _park(world, "gone1", str(gone["id"]))
    # And a paid order whose webhook never came
    world.checkout(world.shopper())
    world.emulator.drain_webhooks()
    # When the sweep runs, twice
    first = _sweep(world)
    second = _sweep(world)
    # Then the missed order became a subscription, and the gone one is given up with why
    assert (first["failed_stores"], first["orders_captured"], first["given_up"]) == (0, 1, 1)
    assert (second["failed_stores"], second["given_up"]) == (0, 0)
    assert len(world.of_kind("subscription")) == 1
    assert _parked_status(world) == {"gone1": ("given_up", "not_found_at_bigcommerce")}
    [row] = [i for i in world.of_kind("inbox") if i["status"] == "given_up"]
    assert row["reason"] == "not_found_at_bigcommerce"


@pytest.mark.parametrize("resource_id", ["-1", "0", str(10**30), "True", "abc", ""])
def test_a_parked_delivery_with_an_id_that_is_no_order_id_is_given_up(
    world: World, resource_id: str
) -> None:
    # Given a parked delivery whose id could never name an order, and a missed order
    _park(world, "bad1", resource_id)
    world.checkout(world.shopper())
    world.emulator.drain_webhooks()
    # When
    result = _sweep(world)
    # Then the store's run went on, and the bad one will not be retried again
    assert (result["failed_stores"], result["orders_captured"]) == (0, 1)
    assert _parked_status(world) == {"bad1": ("given_up", "invalid_order_id")}


def test_a_parked_delivery_that_fails_again_stays_parked_without_stopping_the_store(
    world: World,
) -> None:
    # Given two parked deliveries: one whose order BigCommerce still fails to return
    failing = world.checkout(world.shopper())
    fine = world.checkout(world.shopper())
    world.emulator.drain_webhooks()
    _park(world, "fail1", str(failing["id"]))
    _park(world, "fine1", str(fine["id"]))
    # (the parked retry comes first and meets the failure on each of the client's three
    # attempts; the order listing after it then reads the order, as every capture does for
    # its consignments)
    world.emulator.faults.inject(
        "GET", f"/stores/*/v2/orders/{failing['id']}", "5xx_before", times=3
    )
    # When the sweep runs
    result = _sweep(world)
    world.emulator.faults.clear()
    # Then the other parked delivery and the order listing still ran
    assert (result["failed_stores"], result["retry_failed"], result["retried"]) == (0, 1, 1)
    assert _parked_status(world) == {"fail1": ("failed", None), "fine1": ("processed", None)}
    assert len(world.of_kind("subscription")) == 2


def test_deactivated_and_deleted_hooks_are_repaired(world: World) -> None:
    # Given BigCommerce deactivated the store's hooks, and one was deleted
    world.emulator.deactivate_hooks(world.store_hash)
    hooks = world.emulator.hooks(world.store_hash)
    with world.emulator.lock:
        del world.emulator.stores[world.store_hash].hooks[hooks[0]["id"]]
    # When
    result = _sweep(world)
    # Then every scope has an active hook with the store's headers again
    repaired = world.emulator.hooks(world.store_hash)
    assert result["hooks_repaired"] == 8
    assert sorted(h["scope"] for h in repaired) == [
        "store/app/uninstalled",
        "store/customer/deleted",
        "store/customer/payment/instrument/default/updated",
        "store/order/created",
        "store/order/refund/created",
        "store/order/statusUpdated",
        "store/order/transaction/created",
        "store/shipment/created",
    ]
    assert all(h["is_active"] for h in repaired)
    assert {h["headers"]["X-Bcs-Store"] for h in repaired} == {world.store_hash}
    # And a new checkout's delivery is accepted through them
    world.subscribe()
    assert len(world.of_kind("subscription")) == 1


def test_a_large_backlog_is_read_in_bounded_runs_that_continue_from_a_checkpoint(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given seven missed orders, and pages of two orders with one page per run
    monkeypatch.setattr(reconciliation, "PAGE_SIZE", 2)
    customer = world.shopper()
    for _ in range(6):
        world.checkout(customer, [{"product_id": ONE_TIME_PRODUCT_ID, "quantity": 1}])
    world.checkout(customer)
    world.emulator.drain_webhooks()
    c = container()
    runs = []
    # When runs are made until the store is caught up
    while not runs or not runs[-1].caught_up:
        runs.append(
            reconciliation.reconcile_store(
                c.installs.get(world.store_hash),  # type: ignore[arg-type]
                bc=c.bigcommerce,
                checkpoints=c.recon_checkpoints,
                parked=c.inbox,
                capture=lambda s, o, order: reconcile_capture(s, o, order),
                webhook_secret=_secret(world),
                app_base_url="https://bcs.local.test",
                now=c.clock.now(),
                max_pages=1,
            )
        )
        assert len(runs) < 10
    # Then each run read one page, and every order was seen once
    assert [r.orders_seen for r in runs] == [2, 2, 2, 1]
    assert sum(r.orders_captured for r in runs) == 1
    assert len(world.of_kind("subscription")) == 1


def reconcile_capture(store_hash: str, order_id: int, order: Any) -> Any:
    from bc_subscriptions.entrypoints.capture import capture_order

    return capture_order(container(), store_hash, order_id, order)


def _secret(world: World) -> str:
    c = container()
    install = c.installs.get(world.store_hash)
    assert install is not None
    return c.vault.decrypt(world.store_hash, install.webhook_secret_ciphertext)


def test_the_sweep_visits_every_installed_store_but_not_uninstalled_ones(
    stack: LocalStack,
) -> None:
    # Given two stores with a lost order each; the second uninstalls
    a, b = World.create(stack), World.create(stack)
    for w in (a, b):
        w.checkout(w.shopper())
    stack.emulator.drain_webhooks()
    jwt = stack.emulator.uninstall_app(b.store_hash)
    stack.runtime.http("GET", "/uninstall", query={"signed_payload_jwt": jwt})
    # When
    result = stack.fire("ReconciliationSweepFunction")
    # Then only the installed store was reconciled
    assert result["stores"] == 1
    assert len(a.of_kind("subscription")) == 1 and b.of_kind("subscription") == []


def test_a_store_that_is_not_installed_is_not_reconciled(world: World) -> None:
    # Given / When / Then
    with pytest.raises(LookupError):
        reconcile_installed_store(container(), "neverinstalled")
