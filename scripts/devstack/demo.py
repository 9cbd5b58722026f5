"""`make demo`: install a store, sell a subscription, renew it, decline one, notify the merchant."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from decimal import Decimal
from typing import Any

import boto3
from rich.console import Console
from rich.table import Table

from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.schedule import Interval

from .stack import LocalStack

STORE = "demostore"
COFFEE = 111
ROUTE = "/webhooks/bigcommerce/order-created"
console = Console(highlight=False)


def step(title: str) -> None:
    console.print(f"\n[bold cyan]▶ {title}[/]")


def say(text: str) -> None:
    console.print(f"   {text}")


def subscriptions(stack: LocalStack) -> list[dict[str, Any]]:
    table = boto3.resource("dynamodb").Table(stack.physical["SubscriptionsTable"])
    items = table.scan()["Items"]  # fine for a demo store; the product never scans
    return [
        json.loads(i["doc"]) | {"status": i["status"]} for i in items if i["kind"] == "subscription"
    ]


def run(stack: LocalStack) -> None:
    emu = stack.emulator
    console.print("[bold]bc-subscriptions[/] — the walking skeleton, end to end on the local stack")
    for name, url in stack.urls.items():
        say(f"[dim]{name:<12}{url}[/]")

    step("A merchant installs the app")
    stack.install_store(STORE)
    [hook] = emu.hooks(STORE)
    say(f"store [bold]{STORE}[/] installed; access token stored encrypted with KMS")
    say(f"BigCommerce webhook registered: {hook['scope']} → {hook['destination']}")
    stack.add_product(STORE, COFFEE, "Coffee beans", "25.00")
    stack.put_plan(
        STORE, Plan(product_id=COFFEE, cadences=[Cadence(label="Monthly", interval=Interval.MONTH)])
    )
    say("plan: Coffee beans, every month")
    stack.register_endpoint(STORE)
    say(f"merchant webhook endpoint registered: {stack.urls['merchant']} (whsec_ secret)")

    step("Two shoppers buy the subscription at checkout, paying with a saved card")
    ada = emu.add_customer(STORE, email="ada@example.com", first_name="Ada", last_name="Lovelace")
    bob = emu.add_customer(STORE, email="bob@example.com", first_name="Bob", last_name="Moog")
    for shopper in (ada, bob):
        order = emu.place_checkout_order(
            STORE, customer_id=shopper.id, lines=[{"product_id": COFFEE, "quantity": 2}]
        )
        total = Decimal(order["total_inc_tax"])
        say(f"order #{order['id']} by customer {shopper.id}: 2 x Coffee beans = ${total:.2f}")
    deliveries = emu.drain_webhooks()
    for d in deliveries:
        reply = stack.runtime.http("POST", ROUTE, d.body, d.headers)
        say(f"BigCommerce → store/order/created → {reply.status} {reply.json()['status']}")
    again = stack.runtime.http("POST", ROUTE, deliveries[0].body, deliveries[0].headers)
    say(f"the same delivery again → {again.status} {again.json()['status']} (nothing changed)")
    stack.pump()
    for sub in subscriptions(stack):
        say(
            f"subscription [bold]{sub['id']}[/] {sub['status']}, customer {sub['customer_id']}, "
            f"${Decimal(sub['lines'][0]['price_inc_tax']) * sub['lines'][0]['quantity']:.2f} locked"
        )

    step("Bob's card starts declining; a month passes; EventBridge fires the renewal sweep")
    emu.set_card_behavior(STORE, bob.instrument_token, "decline")
    stack.advance_clock(timedelta(days=31))
    result = stack.fire("RenewalSweepFunction")
    say(f"sweep at {stack.now():%Y-%m-%d}: {result['enqueued']} due renewals put on RenewalQueue")
    stack.pump()
    for order in [o for o in emu.orders(STORE) if o.get("external_source")]:
        txs = emu.transactions(STORE, order["id"])
        paid = [t for t in txs if t["status"] == "ok"]
        who = "Ada" if order["customer_id"] == ada.id else "Bob"
        if paid:
            say(
                f"{who}: renewal order [bold]#{order['id']}[/] ({order['external_order_id']}) "
                f"paid ${Decimal(paid[0]['amount']):.2f} with the stored card — "
                f"{paid[0]['event']} {paid[0]['gateway_transaction_id']}, "
                f"order now {order['status']}"
            )
        else:
            say(f"{who}: renewal order #{order['id']} declined — stays {order['status']}")
    for sub in subscriptions(stack):
        say(f"subscription {sub['id']}: {sub['status']}, next cycle {sub['next_cycle']}")
    say("our renewal orders came back as store/order/created and were recognised as ours")

    step("The merchant's endpoint, verifying each delivery with the standardwebhooks library")
    table = Table("webhook-id", "type", "verified")
    for r in stack.receiver.received:
        table.add_row(r.webhook_id, r.event_type, "[green]yes[/]" if r.verified else "[red]NO[/]")
    console.print(table)
    if not stack.receiver.received or not all(r.verified for r in stack.receiver.received):
        raise SystemExit("a merchant webhook failed verification")

    bc_calls = len(emu.calls)
    console.print(
        f"\n[bold green]Done.[/] {len(stack.receiver.received)} merchant webhooks verified; "
        f"{bc_calls} BigCommerce API calls in total."
    )


def main() -> int:
    with LocalStack(server=True) as stack:
        run(stack)
    return 0


if __name__ == "__main__":
    sys.exit(main())
