"""A partly refunded debit reads in the admin and portal APIs with what came back so far, part
by part (each refund's id and time, then the merchant's reversal), and what remains; the
merchant's reverse gives back only what remains, and another store's debit stays not found."""

from __future__ import annotations

from typing import Any

from bc_subscriptions.bootstrap import container
from bc_subscriptions.entrypoints.bc_webhook_processors import processors

from ..emulator_store import ONE_TIME_PRODUCT_ID
from .test_allotments_api import _grant, _show_balances
from .world import ApiStack, ApiWorld

MUGS = {
    "unit": "count",
    "currency_code": None,
    "amount_per_period": "10",
    "order_debit": "item_count",
    "product_ids": [ONE_TIME_PRODUCT_ID],
}


def _five_mugs_one_refunded(world: ApiWorld) -> tuple[Any, dict[str, Any], int, int]:
    """A 10-mug allotment that an order of five mugs debited, and a refund of two of them."""
    customer = world.shopper()
    grant = _grant(world, customer.id, **MUGS)
    order = world.checkout(customer, [{"product_id": ONE_TIME_PRODUCT_ID, "quantity": 5}])
    work = processors(container())
    work["store/order/created"](world.store_hash, {"type": "order", "id": order["id"]})
    lines = world.emulator.stores[world.store_hash].lines[order["id"]]
    items = [{"item_type": "PRODUCT", "item_id": int(lines[0]["id"]), "quantity": 2}]
    refund_id = world.emulator.refund_order(world.store_hash, order["id"], items)
    refund = {"type": "order", "id": order["id"], "refund": {"refund_id": refund_id}}
    work["store/order/refund/created"](world.store_hash, refund)
    return customer, grant, int(order["id"]), refund_id


def test_a_partly_refunded_debit_lists_the_refunds_part_and_what_remains(
    world: ApiWorld,
) -> None:
    # Given five mugs debited, two of them refunded
    _, grant, _, refund_id = _five_mugs_one_refunded(world)
    # When the merchant lists the grant's debits
    reply = world.call("GET", f"/admin/allotments/{grant['id']}/debits", world.session_token())
    # Then the debit says 2 came back by that refund, at the stack's time, and 3 remain
    [debit] = reply.json()["debits"]
    assert (debit["amount"], debit["reversed_amount"], debit["remaining"]) == ("5", "2", "3")
    assert debit["reversed_at"] is None
    [part] = debit["reversals"]
    assert part == {
        "source": "refund",
        "refund_id": refund_id,
        "amount": "2",
        "at": world.stack.clock.now().isoformat().replace("+00:00", "Z"),
    }


def test_the_merchants_reverse_gives_back_only_what_remains_and_reads_as_its_part(
    world: ApiWorld,
) -> None:
    # Given five mugs debited, two of them refunded (7 of 10 left)
    _, grant, _, refund_id = _five_mugs_one_refunded(world)
    token, base = world.session_token(), f"/admin/allotments/{grant['id']}"
    [debit] = world.call("GET", f"{base}/debits", token).json()["debits"]
    # When the merchant reverses the debit
    reversed_ = world.call("POST", f"{base}/debits/{debit['id']}/reverse", token, {"reason": "x"})
    # Then only the 3 that remained came back, and the debit lists both parts, nothing left
    assert reversed_.json()["balance"] == "10"
    [after] = world.call("GET", f"{base}/debits", token).json()["debits"]
    assert (after["reversed_amount"], after["remaining"]) == ("5", "0")
    assert [(p["source"], p["refund_id"], p["amount"]) for p in after["reversals"]] == [
        ("refund", refund_id, "2"),
        ("merchant", None, "3"),
    ]
    assert after["reversals"][1]["at"] == after["reversed_at"]


def test_the_portal_shows_the_holder_each_debit_with_what_came_back_and_what_remains(
    world: ApiWorld,
) -> None:
    # Given five mugs debited, two refunded, in a store that shows balances
    customer, grant, order_id, refund_id = _five_mugs_one_refunded(world)
    _show_balances(world)
    token = str(world.emulator.current_customer_jwt(world.store_hash, customer.id))
    # When the holder reads the grant
    reply = world.call("GET", f"/portal/allotments/{grant['id']}", token)
    # Then its debit says what came back by which refund and what remains, without reasons
    assert reply.status == 200, reply.body
    shown = reply.json()
    assert shown["balance"] == "7"
    [debit] = shown["debits"]
    assert debit["source"] == {"kind": "order", "id": str(order_id)}
    assert (debit["amount"], debit["reversed_amount"], debit["remaining"]) == ("5", "2", "3")
    assert [(p["source"], p["refund_id"]) for p in debit["reversals"]] == [("refund", refund_id)]
    assert "reason" not in debit and "reversal_reason" not in debit


def test_another_stores_debit_stays_not_found_for_the_merchant_and_the_shopper(
    world: ApiWorld, stack: ApiStack
) -> None:
    # Given a partly refunded debit in another store, which shows balances
    other = ApiWorld.create(stack)
    _, grant, _, _ = _five_mugs_one_refunded(other)
    _show_balances(other)
    [debit] = other.call(
        "GET", f"/admin/allotments/{grant['id']}/debits", other.session_token()
    ).json()["debits"]
    # When this store's merchant lists or reverses it
    token, base = world.session_token(), f"/admin/allotments/{grant['id']}"
    listed = world.call("GET", f"{base}/debits", token)
    reversed_ = world.call("POST", f"{base}/debits/{debit['id']}/reverse", token, {})
    # Then neither finds it, and nothing of it moved
    assert (listed.status, listed.json()["error"]) == (404, "not_found")
    assert (reversed_.status, reversed_.json()["error"]) == (404, "not_found")
    [still] = other.call(
        "GET", f"/admin/allotments/{grant['id']}/debits", other.session_token()
    ).json()["debits"]
    assert still["remaining"] == "3"
    # nor does a shopper of this store find it in the portal
    _show_balances(world)
    mine = str(world.emulator.current_customer_jwt(world.store_hash, world.shopper().id))
    assert world.call("GET", f"/portal/allotments/{grant['id']}", mine).status == 404
