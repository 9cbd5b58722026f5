"""The emulator's capture, void and shipments, in BigCommerce's shapes and states."""

from __future__ import annotations

import pytest

from bc_subscriptions.ports.bigcommerce import BigCommerceError

from .test_bc_emulator import STORE, Bc


def _authorized(bc: Bc) -> int:
    ada = bc.shopper()
    order = bc.renewal_order(ada)
    bc.charge(order.id, ada.instrument_token)
    return int(order.id)


@pytest.mark.parametrize(
    ("action", "pending", "done"),
    [
        ("capture", "capture pending", "captured"),
        ("void", "void pending", "void"),
    ],
)
def test_a_payment_action_is_pending_until_the_gateway_answers_in_the_transactions(
    action: str, pending: str, done: str
) -> None:
    # Given an authorized order
    bc = Bc(gateway_mode="authorization")
    order_id = _authorized(bc)
    # When the action is requested
    bc.client.request_payment_action(STORE, order_id, action)
    # Then the order says pending, and the next transactions read carries the answer
    assert bc.client.get_order(STORE, order_id).payment_status == pending
    events = [(t.event, t.status) for t in bc.client.list_order_transactions(STORE, order_id)]
    assert events == [("authorization", "ok"), (action, "ok")]
    assert bc.client.get_order(STORE, order_id).payment_status == done
    # and a second request is refused
    with pytest.raises(BigCommerceError) as refused:
        bc.client.request_payment_action(STORE, order_id, action)
    assert refused.value.status == 422


def test_a_declined_capture_is_an_error_transaction_and_stays_authorized() -> None:
    bc = Bc(gateway_mode="authorization")
    order_id = _authorized(bc)
    bc.emu.set_capture_behavior(STORE, "decline")
    bc.client.request_payment_action(STORE, order_id, "capture")
    txs = bc.client.list_order_transactions(STORE, order_id)
    assert [(t.event, t.status) for t in txs][-1] == ("capture", "error")
    assert bc.client.get_order(STORE, order_id).payment_status == "authorized"


def test_a_purchased_order_cannot_be_captured() -> None:
    bc = Bc()
    order_id = _authorized(bc)
    with pytest.raises(BigCommerceError) as refused:
        bc.client.request_payment_action(STORE, order_id, "capture")
    assert refused.value.status == 422


def test_a_voided_order_stays_awaiting_fulfillment_and_cannot_be_paid_again() -> None:
    # Given an authorized order whose authorization was voided
    bc = Bc(gateway_mode="authorization")
    order_id = _authorized(bc)
    bc.client.request_payment_action(STORE, order_id, "void")
    bc.client.list_order_transactions(STORE, order_id)
    # Then it keeps its paid status with payment status void
    order = bc.client.get_order(STORE, order_id)
    assert (order.status_id, order.payment_status) == (11, "void")
    # and no new payment can be started on it: re-billing the cycle needs another order
    with pytest.raises(BigCommerceError) as refused:
        bc.client.create_payment_access_token(STORE, order_id)
    assert (refused.value.status, refused.value.code) == (422, 30101)


def test_shipments_move_the_order_to_partially_shipped_then_shipped() -> None:
    # Given a paid order of two units
    bc = Bc(gateway_mode="authorization")
    order_id = _authorized(bc)
    [line] = bc.emu.stores[STORE].lines[order_id]
    assert line["quantity"] == 2
    # When one unit ships, then the rest
    one = [{"order_product_id": line["id"], "quantity": 1}]
    first = bc.emu.create_shipment(STORE, order_id, one)
    after_first = bc.client.get_order(STORE, order_id).status_id
    bc.emu.create_shipment(STORE, order_id)
    # Then Partially Shipped (3), then Shipped (2); each shipment names its order and items
    assert (first["order_id"], first["items"][0]["quantity"]) == (order_id, 1)
    assert after_first == 3
    assert bc.client.get_order(STORE, order_id).status_id == 2
