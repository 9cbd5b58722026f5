"""Allotments on the whole topology (moto, the emulator, the real functions): a merchant's
grant, debited by the holder's orders through BigCommerce's webhooks, given back by a refund,
refreshed by the renewal sweep, every event delivered signed to the merchant."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bc_subscriptions.adapters.clock import SystemClock
from bc_subscriptions.bootstrap import container
from bc_subscriptions.services.admin_session import install_mark, mint_session_token
from devstack.stack import CLIENT_SECRET

from ..emulator_store import ONE_TIME_PRODUCT_ID, PRODUCT_ID
from .admin_api_client import call
from .world import World


def session_token(world: World) -> str:
    """The merchant's session, as `/load` mints it (without the app's built page)."""
    install = container().installs.get(world.store_hash)
    assert install is not None
    return mint_session_token(
        world.store_hash,
        7,
        client_secret=CLIENT_SECRET,
        now=SystemClock().now(),  # sessions are checked against real time
        install=install_mark(install),
    )


def _grant(world: World, token: str, **fields: Any) -> dict[str, Any]:
    reply = call(world, "POST", "/admin/allotments", token, fields)
    assert reply.status == 201, reply.body
    return dict(reply.json())


def _balance(world: World, token: str, grant_id: str) -> str:
    return str(call(world, "GET", f"/admin/allotments/{grant_id}", token).json()["balance"])


def test_orders_debit_a_granted_wallet_a_refund_gives_back_and_the_sweep_refreshes_it(
    world: World,
) -> None:
    # Given a weekly 30.00 mug wallet the merchant granted a shopper (rollover capped)
    token, holder = session_token(world), world.shopper()
    grant = _grant(
        world,
        token,
        customer_id=holder.id,
        unit="currency",
        currency_code="USD",
        amount_per_period="30.00",
        cadence={"interval": "week"},
        rollover="cap_to_one_period",
        order_debit="order_total",
        product_ids=[ONE_TIME_PRODUCT_ID],
        reason="launch credit",
    )
    # When the holder buys two mugs, and then one more (BigCommerce's webhooks delivered)
    first = world.checkout(holder, [{"product_id": ONE_TIME_PRODUCT_ID, "quantity": 2}])
    world.stack.pump()
    world.checkout(holder, [{"product_id": ONE_TIME_PRODUCT_ID, "quantity": 1}])
    world.stack.pump()
    after_orders = _balance(world, token, grant["id"])
    # and the merchant refunds the first order in BigCommerce
    world.emulator.refund_order(world.store_hash, first["id"])
    world.stack.pump()
    after_refund = _balance(world, token, grant["id"])
    # and a week passes: the renewal sweep runs
    world.stack.advance_clock(timedelta(weeks=1, minutes=1))
    world.stack.fire("RenewalSweepFunction")
    world.stack.pump()
    # Then 24.00 came off, the second order found only 6.00 left, the refund gave 24.00 back,
    # and the new week carried those 24.00 and added 30.00
    assert (after_orders, after_refund) == ("0.00", "24.00")
    assert _balance(world, token, grant["id"]) == "54.00"
    received = [r.event_type for r in world.stack.receiver.received]
    assert received.count("allotment.granted") == 1
    assert received.count("allotment.debited") == 2
    assert received.count("allotment.debit_reversed") == 1
    assert received.count("allotment.refreshed") == 1
    assert all(r.verified for r in world.stack.receiver.received)


def test_a_plan_that_grants_an_allotment_grants_it_once_when_the_subscription_starts(
    world: World,
) -> None:
    # Given a plan granting 4 coffee refills a month
    world.stack.put_plan_json(
        world.store_hash,
        PRODUCT_ID,
        '{"cadences": [{"label": "Monthly", "interval": "month"}],'
        ' "allotments": [{"unit": "count", "amount_per_period": "4",'
        ' "cadence": {"interval": "month"}, "reason": "refills"}]}',
    )
    # When a shopper subscribes (and BigCommerce delivers order/created twice)
    customer, order = world.subscribe()
    world.emulator.resend_order_created(world.store_hash, order["id"])
    world.stack.pump()
    # Then the subscriber holds one grant, granted by the plan of their subscription
    token = session_token(world)
    listed = call(
        world, "GET", "/admin/allotments", token, query={"customer_id": str(customer.id)}
    ).json()["allotments"]
    [grant] = listed
    [subscription_id] = [str(i["subscription_id"]) for i in world.of_kind("subscription")]
    assert grant["granted_by"] == {"kind": "plan", "id": subscription_id}
    assert (grant["unit"], grant["balance"], grant["reason"]) == ("count", "4", "refills")


def test_a_cancelled_subscriptions_plan_grant_is_revoked_through_the_stream(world: World) -> None:
    # Given a subscriber holding the plan's monthly refills
    world.stack.put_plan_json(
        world.store_hash,
        PRODUCT_ID,
        '{"cadences": [{"label": "Monthly", "interval": "month"}],'
        ' "allotments": [{"unit": "count", "amount_per_period": "4",'
        ' "cadence": {"interval": "month"}}]}',
    )
    customer, _ = world.subscribe()
    [subscription_id] = [str(i["subscription_id"]) for i in world.of_kind("subscription")]
    token = session_token(world)
    # When the merchant cancels it and the stream's consumers run
    path = f"/admin/subscriptions/{subscription_id}/cancel"
    assert call(world, "POST", path, token, {}).status == 200
    world.stack.pump()
    # Then the grant is revoked, naming the cancel, and its refresh is never due again
    query = {"customer_id": str(customer.id)}
    [grant] = call(world, "GET", "/admin/allotments", token, query=query).json()["allotments"]
    assert (grant["status"], grant["next_refresh_at"]) == ("revoked", None)
    assert "allotment.revoked" in world.event_types()


def test_an_order_whose_webhook_never_came_debits_the_wallet_when_reconciled_once(
    world: World,
) -> None:
    # Given a mug wallet, and the holder's order whose store/order/created was lost
    token, holder = session_token(world), world.shopper()
    grant = _grant(
        world,
        token,
        customer_id=holder.id,
        unit="count",
        amount_per_period="5",
        order_debit="item_count",
        product_ids=[ONE_TIME_PRODUCT_ID],
    )
    world.checkout(holder, [{"product_id": ONE_TIME_PRODUCT_ID, "quantity": 2}])
    world.checkout(world.shopper(), [{"product_id": ONE_TIME_PRODUCT_ID, "quantity": 1}])
    world.emulator.drain_webhooks()
    # When the reconciliation sweep runs, twice
    for _ in range(2):
        world.stack.fire("ReconciliationSweepFunction")
        world.stack.pump()
    # Then the holder's two mugs came off once; the other shopper's order debited nothing
    assert _balance(world, token, grant["id"]) == "3"
