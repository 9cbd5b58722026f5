"""`make demo`: install a store, sell a subscription, renew it, decline one, notify the merchant."""

from __future__ import annotations

import io
import json
import sys
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlparse

import boto3
from rich.console import Console
from rich.table import Table

from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.schedule import Interval

from .demo_capture import capture_on_shipment
from .stack import LocalStack

STORE = "demostore"
COFFEE = 111
ROUTE = "/webhooks/bigcommerce/order-created"
console = Console(highlight=False, width=110)


def step(title: str) -> None:
    console.print(f"\n[bold cyan]▶ {title}[/]")


def say(text: str) -> None:
    console.print(f"   {text}")


def subscriptions(stack: LocalStack) -> list[dict[str, Any]]:
    table = boto3.resource("dynamodb").Table(stack.physical["SubscriptionsTable"])
    items = table.scan()["Items"]  # fine for a demo store; the product itself never scans
    return [
        json.loads(i["doc"]) | {"status": i["status"]} for i in items if i["kind"] == "subscription"
    ]


def deliver_order_created(stack: LocalStack, label: str) -> list[Any]:
    """Hand BigCommerce's pending callbacks to our API route, then to the worker behind its
    queue, and say what each became."""
    deliveries = stack.emulator.drain_webhooks()
    for d in deliveries:
        reply = stack.runtime.http("POST", urlparse(d.url).path, d.body, d.headers)
        scope = json.loads(d.body)["scope"]
        say(f"BigCommerce → {scope} ({label}) → {reply.status} {reply.json()['status']}")
    stack.runtime.drain_queue("BcWebhookQueue")
    for d in deliveries:
        say(f"   worker: {json.loads(d.body)['scope']} → {_outcome(stack, d.body)}")
    return [d for d in deliveries if json.loads(d.body)["scope"] == "store/order/created"]


def _outcome(stack: LocalStack, body: bytes) -> str:
    """What the worker recorded for the delivery on its inbox row."""
    from bc_subscriptions.adapters.dynamodb import keys

    table = boto3.resource("dynamodb").Table(stack.physical["SubscriptionsTable"])
    row = table.get_item(Key={"pk": keys.inbox_pk(STORE, json.loads(body)["hash"]), "sk": "INBOX"})
    item = row.get("Item", {})
    return str(item.get("outcome") or item.get("reason") or item.get("status", "not recorded"))


def install(stack: LocalStack) -> None:
    step("A merchant installs the app (OAuth against the BigCommerce emulator)")
    stack.install_store(STORE)
    say("BigCommerce → GET /auth?code=…&context=stores/demostore → code exchanged at /oauth2/token")
    say(f"store [bold]{STORE}[/] installed; its access token is stored encrypted with KMS")
    for hook in stack.emulator.hooks(STORE):
        say(f"BigCommerce webhook: {hook['scope']} → {hook['destination']}")
    stack.add_product(STORE, COFFEE, "Coffee beans", "25.00")
    monthly = Cadence(label="Monthly", interval=Interval.MONTH)
    stack.put_plan(STORE, Plan(product_id=COFFEE, cadences=[monthly]))
    say("plan: Coffee beans, every month (product metafield bc_subscriptions.plan)")
    stack.register_endpoint(STORE)
    say(f"merchant webhook endpoint registered: {stack.urls['merchant']} (whsec_ secret)")


def checkout(stack: LocalStack) -> tuple[Any, Any]:
    step("Two shoppers buy the subscription at checkout, paying with a saved card")
    emu = stack.emulator
    ada = emu.add_customer(STORE, email="ada@example.com", first_name="Ada", last_name="Lovelace")
    bob = emu.add_customer(STORE, email="bob@example.com", first_name="Bob", last_name="Moog")
    for shopper in (ada, bob):
        lines = [{"product_id": COFFEE, "quantity": 2}]
        order = emu.place_checkout_order(STORE, customer_id=shopper.id, lines=lines)
        total = Decimal(order["total_inc_tax"])
        say(f"order #{order['id']} by {shopper.first_name}: 2 x Coffee beans = ${total:.2f}")
    first, *_ = deliver_order_created(stack, "checkout")
    again = stack.runtime.http("POST", ROUTE, first.body, first.headers)
    say(f"the same delivery again → {again.status} {again.json()['status']} (nothing changed)")
    stack.pump()
    for sub in subscriptions(stack):
        line = sub["lines"][0]
        locked = Decimal(line["price_inc_tax"]) * line["quantity"]
        say(f"subscription [bold]{sub['id']}[/] {sub['status']}, ${locked:.2f} per month locked")
    return ada, bob


def renew(stack: LocalStack, ada: Any, bob: Any) -> None:
    step("Bob's card starts declining; a month passes; EventBridge fires the renewal sweep")
    emu = stack.emulator
    emu.set_card_behavior(STORE, bob.instrument_token, "decline")
    stack.advance_clock(timedelta(days=31))
    result = stack.fire("RenewalSweepFunction")
    say(f"sweep at {stack.now():%Y-%m-%d}: {result['enqueued']} due renewals put on RenewalQueue")
    stack.runtime.pump()  # queue -> worker -> events -> merchant webhooks
    names = {ada.id: "Ada", bob.id: "Bob"}
    for order in [o for o in emu.orders(STORE) if o.get("external_source")]:
        who = names[order["customer_id"]]
        paid = [t for t in emu.transactions(STORE, order["id"]) if t["status"] == "ok"]
        if not paid:
            say(f"{who}: renewal order #{order['id']} declined — it stays {order['status']}")
            continue
        tx = paid[0]
        say(f"{who}: renewal order [bold]#{order['id']}[/] ({order['external_order_id']})")
        say(
            f"     paid ${Decimal(tx['amount']):.2f} with the stored card: {tx['event']} "
            f"{tx['gateway_transaction_id']}; order now {order['status']}"
        )
    for sub in subscriptions(stack):
        say(f"subscription {sub['id']}: {sub['status']}, next cycle {sub['next_cycle']}")
    deliver_order_created(stack, "our own renewal order")
    stack.pump()


def recover(stack: LocalStack, bob: Any) -> None:
    step("Bob tops up his card; the next day the dunning schedule retries the same order")
    stack.emulator.set_card_behavior(STORE, bob.instrument_token, "ok")
    stack.advance_clock(timedelta(days=1))
    stack.fire("RenewalSweepFunction")
    stack.runtime.pump()
    for order in [o for o in stack.emulator.orders(STORE) if o["customer_id"] == bob.id]:
        if order.get("external_source"):
            say(f"Bob: renewal order #{order['id']} retried and paid; order now {order['status']}")
    for sub in subscriptions(stack):
        say(f"subscription {sub['id']}: {sub['status']}, next cycle {sub['next_cycle']}")
    stack.pump()


def merchant_view(stack: LocalStack) -> None:
    step("The merchant's endpoint verified each delivery with the standardwebhooks library")
    # Deliveries run concurrently and may arrive in any order; consumers order each
    # subscription's events by `sequence`, as this table does.
    table = Table("webhook-id", "sequence", "type", "verified")
    received = stack.receiver.received
    by_sequence = sorted(received, key=lambda r: r.webhook_id)
    for r in by_sequence:
        sequence = str(r.body.get("data", {}).get("sequence", ""))
        verified = "[green]yes[/]" if r.verified else "[red]NO[/]"
        table.add_row(r.webhook_id, sequence, r.event_type, verified)
    console.print(table)
    if not received or not all(r.verified for r in received):
        raise SystemExit("a merchant webhook failed verification")
    console.print(
        f"\n[bold green]Done.[/] {len(received)} merchant webhooks verified; "
        f"{len(stack.emulator.calls)} BigCommerce API calls in all."
    )


def main() -> int:
    with LocalStack(server=True, lambda_stdout=io.StringIO()) as stack:
        console.print(
            "[bold]bc-subscriptions[/] — end to end on the local stack (no Docker, no AWS)"
        )
        for name, url in stack.urls.items():
            say(f"[dim]{name:<12}{url}[/]")
        install(stack)
        ada, bob = checkout(stack)
        renew(stack, ada, bob)
        recover(stack, bob)
        capture_on_shipment(stack, step, say)
        merchant_view(stack)
    return 0


if __name__ == "__main__":
    sys.exit(main())
