"""Capture: what an order becomes (cadences, shipping, currency, trial), once, and when paid."""

import json
from datetime import datetime, timedelta
from typing import Any

from bc_subscriptions.bootstrap import container
from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.schedule import Interval

from .world import PRODUCT_ID, World

ROUTE = "/webhooks/bigcommerce/order-created"
TEA = 333
CADENCE_OPTION = 77


def _docs(world: World) -> list[dict[str, Any]]:
    return [json.loads(s["doc"]) | {"status": s["status"]} for s in world.of_kind("subscription")]


class _InterleavingBigCommerce:
    """Delegates to the real client; the first card lookup lets `meanwhile` run in between."""

    def __init__(self, real: Any, meanwhile: Any) -> None:
        self._real, self._meanwhile = real, meanwhile

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def list_stored_instruments(self, store_hash: str, customer_id: int) -> Any:
        meanwhile, self._meanwhile = self._meanwhile, None
        if meanwhile is not None:
            meanwhile()
        return self._real.list_stored_instruments(store_hash, customer_id)


def _interleave(meanwhile: Any) -> None:
    c = container()
    c.__dict__["bigcommerce"] = _InterleavingBigCommerce(c.bigcommerce, meanwhile)
    c.__dict__.pop("plan_catalog", None)


def test_the_same_delivery_arriving_while_the_first_is_processed_is_a_duplicate(
    world: World,
) -> None:
    # Given one delivery queued, and the same delivery arriving while the worker is mid-way
    world.checkout(world.shopper())
    [delivery] = world.emulator.drain_webhooks()
    first = world.stack.runtime.http("POST", ROUTE, delivery.body, delivery.headers)
    replies: list[Any] = []
    _interleave(
        lambda: replies.append(
            world.stack.runtime.http("POST", ROUTE, delivery.body, delivery.headers)
        )
    )
    # When the worker processes the first
    world.stack.pump()
    # Then the concurrent one was recognised by its hash, and one subscription exists
    assert first.json()["status"] == "accepted"
    assert [r.json()["status"] for r in replies] == ["duplicate"]
    assert len(world.of_kind("subscription")) == 1
    assert [i["status"] for i in world.of_kind("inbox")] == ["processed"]


def test_two_deliveries_of_one_order_racing_to_commit_create_one_subscription(
    world: World,
) -> None:
    # Given two different deliveries (different hashes) for the same order
    world.checkout(world.shopper())
    [first] = world.emulator.drain_webhooks()
    world.emulator.resend_order_created(world.store_hash, json.loads(first.body)["data"]["id"])
    [second] = world.emulator.drain_webhooks()
    assert world.stack.runtime.http("POST", ROUTE, first.body, first.headers).status == 200

    # When the second is delivered and processed while the first is between reading and writing
    def second_meanwhile() -> None:
        world.stack.runtime.http("POST", ROUTE, second.body, second.headers)
        world.stack.pump()

    _interleave(second_meanwhile)
    world.stack.pump()
    # Then the first's conditional write lost and changed nothing
    assert len(world.of_kind("subscription")) == 1
    assert world.event_types().count("subscription.created") == 1
    assert sorted(i["status"] for i in world.of_kind("inbox")) == ["processed", "processed"]


def _tea_plan(world: World, **extra: Any) -> None:
    world.stack.add_product(world.store_hash, TEA, "Tea", "9.50")
    cadences = [
        Cadence(label="Every 2 weeks", interval=Interval.WEEK, interval_count=2),
        Cadence(label="Monthly", interval=Interval.MONTH),
    ]
    plan = Plan(product_id=TEA, cadences=cadences, cadence_option_id=CADENCE_OPTION, **extra)
    world.stack.put_plan(world.store_hash, plan)


def _tea(choice: str, quantity: int = 1, **line: Any) -> dict[str, Any]:
    option = {"option_id": CADENCE_OPTION, "value": "9", "display_value": choice}
    return {"product_id": TEA, "quantity": quantity, "product_options": [option], **line}


def test_two_cadences_make_two_subscriptions_each_with_its_lines(world: World) -> None:
    # Given tea every 2 weeks, tea monthly and coffee (monthly by default)
    _tea_plan(world)
    lines = [_tea("Every 2 weeks", 2), _tea("Monthly"), {"product_id": PRODUCT_ID, "quantity": 1}]
    world.checkout(world.shopper(), lines)
    # When
    world.stack.pump()
    # Then one subscription per cadence; the monthly one holds both monthly lines
    by_cadence = {d["cadence"]["label"]: d for d in _docs(world)}
    assert sorted(by_cadence) == ["Every 2 weeks", "Monthly"]
    assert [ln["quantity"] for ln in by_cadence["Every 2 weeks"]["lines"]] == [2]
    assert sorted(ln["product_id"] for ln in by_cadence["Monthly"]["lines"]) == [PRODUCT_ID, TEA]


def test_a_one_time_choice_of_a_subscribable_product_starts_nothing(world: World) -> None:
    # Given / When
    _tea_plan(world)
    world.checkout(world.shopper(), [_tea("One-time purchase")])
    world.stack.pump()
    # Then
    assert world.of_kind("subscription") == []


def test_the_line_is_locked_as_bought_with_its_variant_options_shipping_and_currency(
    world: World,
) -> None:
    # Given a euro order of a tea variant at a discounted, taxed price, shipped by courier
    world.emulator.enable_currency(world.store_hash, "EUR")
    _tea_plan(world)
    line = _tea("Monthly", 3, variant_id=42, price_ex_tax="8.00", price_inc_tax="9.60")
    world.checkout(world.shopper(), [line], currency="EUR", shipping_method="Courier")
    # When
    world.stack.pump()
    # Then
    [doc] = _docs(world)
    [locked] = doc["lines"]
    assert (locked["variant_id"], locked["quantity"]) == (42, 3)
    assert (locked["price_ex_tax"], locked["price_inc_tax"]) == ("8.0000", "9.6000")
    assert locked["product_options"] == [{"id": CADENCE_OPTION, "value": "9"}]
    assert doc["currency"] == "EUR"
    assert doc["shipping_address"]["shipping_method"] == "Courier"
    assert doc["shipping_address"]["zip"] == "78701"


def test_a_digital_order_has_no_shipping_address(world: World) -> None:
    # Given / When
    world.checkout(world.shopper(), shipping_method=None)
    world.stack.pump()
    # Then
    [doc] = _docs(world)
    assert doc["shipping_address"] is None


def test_a_trial_starts_trialing_and_renews_first_when_it_ends(world: World) -> None:
    # Given a plan with a 14 day trial
    _tea_plan(world, trial_days=14)
    world.checkout(world.shopper(), [_tea("Monthly")])
    # When
    world.stack.pump()
    # Then the first paid cycle is charged when the trial ends, 14 days from now
    [doc] = _docs(world)
    assert doc["status"] == "trialing"
    [event] = [e for e in world.of_kind("event") if e["type"] == "subscription.created"]
    next_renewal = json.loads(event["envelope"])["data"]["next_renewal_at"]
    created = datetime.fromisoformat(doc["created_at"])
    assert datetime.fromisoformat(next_renewal) == created + timedelta(days=14)


def test_a_card_that_was_not_saved_asks_for_a_payment_method(world: World) -> None:
    # Given a registered shopper who did not save the card at checkout
    world.checkout(world.shopper(), save_card=False)
    # When
    world.stack.pump()
    # Then
    [doc] = _docs(world)
    assert doc["status"] == "requires_action" and doc["payment_method"] is None
    assert "payment_method.required" in world.event_types()


def test_an_unpaid_order_starts_its_subscription_when_it_becomes_paid(world: World) -> None:
    # Given an order still Incomplete when it was created
    customer = world.shopper()
    order = world.checkout(customer, status_id=0)
    world.stack.pump()
    assert world.of_kind("subscription") == []
    # When the shopper pays and BigCommerce sends statusUpdated 0 -> 11
    world.emulator.pay_order(world.store_hash, order["id"])
    world.stack.pump()
    # Then the subscription starts with the card paid
    [doc] = _docs(world)
    assert doc["status"] == "active" and doc["origin_order_id"] == order["id"]
    assert doc["payment_method"]["instrument_token"] == customer.instrument_token


def test_a_status_change_between_paid_statuses_does_not_capture_again(world: World) -> None:
    # Given a captured order
    _, order = world.subscribe()
    world.emulator.reset_calls()
    # When it ships (11 -> 2)
    world.emulator.set_order_status(world.store_hash, order["id"], 2)
    world.stack.pump()
    # Then nothing more was asked of BigCommerce and nothing more was made
    assert world.emulator.calls == []
    assert len(world.of_kind("subscription")) == 1


def test_our_own_renewal_order_never_becomes_a_subscription(world: World) -> None:
    # Given a subscription that renewed (its renewal order fires order/created too)
    world.subscribe()
    world.renew()
    assert len(world.renewal_orders()) == 1
    # When that delivery is processed
    world.stack.pump()
    # Then there is still one subscription, and its renewal order is linked to it
    assert len(world.of_kind("subscription")) == 1
    roles = sorted(str(link["role"]) for link in world.of_kind("order_link"))
    assert roles == ["origin", "renewal"]


def test_an_invalid_plan_is_skipped_with_an_ops_event_and_other_lines_still_subscribe(
    world: World,
) -> None:
    # Given tea's plan metafield is broken (no cadences), coffee's is fine
    world.stack.add_product(world.store_hash, TEA, "Tea", "9.50")
    world.stack.put_plan_json(world.store_hash, TEA, '{"cadences": []}')
    lines = [{"product_id": TEA, "quantity": 1}, {"product_id": PRODUCT_ID, "quantity": 1}]
    world.checkout(world.shopper(), lines)
    # When
    world.stack.pump()
    # Then coffee subscribed, tea did not, and the operator is told which product and why
    [doc] = _docs(world)
    assert [ln["product_id"] for ln in doc["lines"]] == [PRODUCT_ID]
    [ops] = world.of_kind("ops_event")
    data = json.loads(ops["data"])
    assert ops["type"] == "plan.invalid" and data["product_id"] == TEA
    assert "cadences" in data["error"]


def test_plan_json_that_is_not_json_is_an_ops_event_too(world: World) -> None:
    # Given / When
    world.stack.put_plan_json(world.store_hash, PRODUCT_ID, "{monthly")
    world.subscribe()
    # Then
    assert world.of_kind("subscription") == []
    [ops] = world.of_kind("ops_event")
    assert "not JSON" in json.loads(ops["data"])["error"]


def test_plans_are_cached_and_refreshed_after_their_time_to_live(world: World) -> None:
    # Given a first order read the plan (and the mug's absence of one) from metafields
    world.checkout(world.shopper(), [{"product_id": PRODUCT_ID, "quantity": 1}])
    world.stack.pump()
    # When a second order comes soon after, and a third after the merchant changed the plan
    world.emulator.reset_calls()
    world.checkout(world.shopper(), [{"product_id": PRODUCT_ID, "quantity": 1}])
    world.stack.pump()
    soon = [p for _, p in world.emulator.calls if "metafields" in p]
    world.stack.put_plan_json(
        world.store_hash, PRODUCT_ID, '{"cadences": [{"label": "Weekly", "interval": "week"}]}'
    )
    world.stack.advance_clock(timedelta(minutes=16))
    world.checkout(world.shopper(), [{"product_id": PRODUCT_ID, "quantity": 1}])
    world.stack.pump()
    # Then the cached plan served the second; the third read the new plan
    assert soon == []
    labels = sorted(d["cadence"]["label"] for d in _docs(world))
    assert labels == ["Monthly", "Monthly", "Weekly"]


def test_bigcommerce_calls_per_captured_order(world: World) -> None:
    # Given the plan cache is warm
    world.subscribe()
    world.emulator.reset_calls()
    # When ten more orders are captured
    for _ in range(10):
        world.checkout(world.shopper())
    world.stack.pump()
    # Then each took three: the order with its lines and consignments, its transactions and
    # the shopper's stored instruments
    assert len(world.of_kind("subscription")) == 11
    assert len(world.emulator.calls) / 10 == 3
    assert {path.split("/", 4)[-1] for _, path in world.emulator.calls[:3]} == {
        "orders/101",
        "orders/101/transactions",
        f"customers/{world.emulator.orders(world.store_hash)[1]['customer_id']}/stored-instruments",
    }


def test_each_subscription_is_filed_under_its_customer_with_the_stored_card(
    world: World,
) -> None:
    # Given one shopper who subscribes twice, and a guest who subscribes once
    customer = world.shopper()
    for _ in range(2):
        world.checkout(customer)
    guest = world.emulator.place_checkout_order(
        world.store_hash, customer_id=0, lines=[{"product_id": PRODUCT_ID, "quantity": 1}]
    )
    # When
    world.stack.pump()
    # Then the customer's two subscriptions are found through the customer, with their card
    with container().unit_of_work() as uow:
        links = uow.customer_links.for_customer(world.store_hash, customer.id)
        guests = uow.customer_links.for_customer(world.store_hash, 0)
    subs = {s["subscription_id"]: s for s in world.of_kind("subscription")}
    assert len(subs) == 3 and guest["customer_id"] == 0
    assert sorted(link.subscription_id for link in links) == sorted(
        sid for sid, s in subs.items() if int(s["customer_id"]) == customer.id
    )
    assert {link.instrument_token for link in links} == {customer.instrument_token}
    assert guests == []
