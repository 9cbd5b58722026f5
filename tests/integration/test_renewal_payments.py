"""Renewal payments as BigCommerce answers them: pending, PayPal and bank instruments, refusals."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import boto3
import pytest

from bc_subscriptions.bootstrap import container
from bc_subscriptions.services.messages import RenewSubscription
from bc_subscriptions.services.renewal_workflow import RenewalDeps, run_renewal

from .admin_api_client import call, session_token
from .world import World


class Crash(Exception):
    pass


class _DiesAfter:
    """Our BigCommerce client, dying right after `name` was applied."""

    def __init__(self, inner: Any, name: str) -> None:
        self._inner, self._name = inner, name

    def __getattr__(self, name: str) -> Any:
        real = getattr(self._inner, name)
        if name != self._name:
            return real

        def dying(*args: Any, **kwargs: Any) -> Any:
            real(*args, **kwargs)
            raise Crash(name)

        return dying


def _doc(world: World) -> dict[str, Any]:
    [sub] = world.of_kind("subscription")
    return dict(json.loads(sub["doc"]))


def _subscribe(world: World, instrument_type: str = "stored_card") -> Any:
    customer = world.emulator.add_customer(
        world.store_hash, email="pat@example.com", instrument_type=instrument_type
    )
    world.checkout(customer)
    world.stack.pump()
    return customer


def _resweep(world: World) -> None:
    world.stack.advance_clock(timedelta(minutes=10))
    world.stack.fire("RenewalSweepFunction")
    world.stack.pump()


@pytest.mark.parametrize(
    ("instrument_type", "method_id"),
    [("stored_paypal_account", "braintree.paypal"), ("stored_bank_account", "stripe.ach")],
)
def test_a_subscription_first_paid_with_a_stored_paypal_or_bank_account_renews_with_it(
    world: World, instrument_type: str, method_id: str
) -> None:
    # Given a shopper who paid at checkout with a stored PayPal (or bank) account
    customer = _subscribe(world, instrument_type)
    assert _doc(world)["payment_method"]["instrument_type"] == instrument_type
    # When the subscription renews
    world.renew()
    # Then the same instrument paid, through its own method
    [order] = world.renewal_orders()
    [tx] = world.emulator.transactions(world.store_hash, order["id"])
    assert (tx["status"], tx["payment_method_id"]) == ("ok", method_id)
    assert tx["payment_instrument_token"] == customer.instrument_token
    assert _doc(world)["next_cycle"] == 3


def test_a_pending_payment_is_not_paid_until_its_transaction_settles_it(world: World) -> None:
    # Given a gateway that answers payments as pending
    _subscribe(world)
    world.emulator.set_payment_answer(world.store_hash, "pending")
    # When the renewal pays
    world.renew()
    # Then nothing is recorded as paid, and a later sweep does not pay again
    [order] = world.renewal_orders()
    assert _doc(world)["next_cycle"] == 2 and "charge.succeeded" not in world.event_types()
    _resweep(world)
    assert [t["event"] for t in world.emulator.transactions(world.store_hash, order["id"])] == [
        "pending"
    ]
    # When the gateway settles it, and the sweep reads the order's transactions back
    world.emulator.settle_pending_payment(world.store_hash, order["id"])
    _resweep(world)
    # Then the cycle is paid once
    assert _doc(world)["next_cycle"] == 3
    assert world.event_types().count("charge.succeeded") == 1
    [charge] = world.of_kind("charge")
    assert charge["stage"] == "completed"


def test_a_pending_payment_settles_when_bigcommerce_reports_its_transaction(
    world: World,
) -> None:
    # Given a renewal paid on a gateway that answered pending
    _subscribe(world)
    world.emulator.set_payment_answer(world.store_hash, "pending")
    world.renew()
    [order] = world.renewal_orders()
    assert _doc(world)["next_cycle"] == 2
    # When the gateway settles it and BigCommerce sends store/order/transaction/created,
    # with no sweep run and the clock where it was
    world.emulator.settle_pending_payment(world.store_hash, order["id"])
    world.stack.pump()
    # Then the cycle is paid once, from that delivery alone
    assert _doc(world)["next_cycle"] == 3
    assert world.event_types().count("charge.succeeded") == 1
    # And a later transaction of that order (a refund, say) settles nothing again
    [charge] = world.of_kind("charge")
    assert charge["stage"] == "completed"


def test_a_pending_payment_that_fails_goes_to_dunning(world: World) -> None:
    # Given a pending payment the gateway later fails
    _subscribe(world)
    world.emulator.set_payment_answer(world.store_hash, "pending")
    world.renew()
    [order] = world.renewal_orders()
    world.emulator.settle_pending_payment(world.store_hash, order["id"], ok=False)
    # When the sweep reads it back
    _resweep(world)
    # Then the cycle failed and waits for its dunning retry
    doc = _doc(world)
    assert doc["status"] == "past_due" and doc["dunning"]["failed_attempts"] == 1
    assert "charge.failed" in world.event_types()


def test_a_refused_payment_access_token_lands_in_the_failed_charges_queue_with_its_reason(
    world: World,
) -> None:
    # Given a store whose payment set-up refuses tokens (no gateway configured)
    _subscribe(world)
    world.emulator.refuse_payment_tokens(world.store_hash, 30000)
    # When the renewal runs, retried at once by the queue if it failed
    world.stack.advance_clock(timedelta(days=31))
    world.stack.fire("RenewalSweepFunction")
    world.stack.pump(retry_failed=True)
    # Then the merchant sees it in the failed-charges queue with the reason
    reply = call(world, "GET", "/admin/ops/failed-charges", session_token(world))
    [item] = reply.json()["items"]
    assert item["dunning"]["decline_class"] == "setup"
    assert item["dunning"]["reason"].startswith("30000: no payment gateway configured")
    # And the message was not dead-lettered
    sqs = boto3.client("sqs")
    dlq = sqs.receive_message(QueueUrl=world.stack.physical["RenewalDLQ"], MaxNumberOfMessages=10)
    assert dlq.get("Messages", []) == []


def test_an_order_created_and_tagged_before_a_crash_is_found_by_its_metafield(
    world: World,
) -> None:
    # Given a worker that dies right after tagging the order it created, before recording it
    _subscribe(world)
    world.stack.advance_clock(timedelta(days=31))
    [sub] = world.of_kind("subscription")
    cmd = RenewSubscription(
        store_hash=world.store_hash, subscription_id=sub["subscription_id"], cycle=2
    )
    c = container()
    deps = RenewalDeps(
        uow=c.unit_of_work(),
        bc=_DiesAfter(c.bigcommerce, "tag_order"),
        clock=c.clock,
        app_id=c.settings.bc_app_id,
        worker_id="dying",
    )
    with pytest.raises(Crash):
        run_renewal(cmd, deps)
    # When the cycle is swept again
    world.emulator.reset_calls()
    _resweep(world)
    # Then the metafield found the order: no second order, no order-list look-up needed
    [order] = world.renewal_orders()
    assert order["status_id"] == 11
    paths = [p.split("/", 3)[-1] for _, p in world.emulator.calls]
    assert "v3/orders/metafields" in paths and "v2/orders" not in paths


def test_a_lost_pending_answer_is_recognised_and_never_paid_twice(world: World) -> None:
    # Given a pending gateway whose answer to the payment is lost
    _subscribe(world)
    world.emulator.set_payment_answer(world.store_hash, "pending")
    world.emulator.faults.inject("POST", "/stores/*/payments", "5xx_after", times=1)
    world.renew()
    # When the cycle is swept again, then settled, then swept once more
    _resweep(world)
    [order] = world.renewal_orders()
    world.emulator.settle_pending_payment(world.store_hash, order["id"])
    _resweep(world)
    # Then one payment request reached the gateway, and the cycle is paid once
    events = [t["event"] for t in world.emulator.transactions(world.store_hash, order["id"])]
    assert events == ["pending", "purchase"]
    assert _doc(world)["next_cycle"] == 3
    assert world.event_types().count("charge.succeeded") == 1
