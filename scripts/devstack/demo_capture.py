"""Demo step: a store that captures on shipment; one renewal authorized, captured when shipped."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.schedule import Interval

if TYPE_CHECKING:
    from collections.abc import Callable

    from .stack import LocalStack

STORE = "shipstore"
COFFEE = 111


def capture_on_shipment(
    stack: LocalStack, step: Callable[[str], None], say: Callable[[str], None]
) -> None:
    # The stack sets the table's settings once it runs: only then may the container load.
    from bc_subscriptions.bootstrap import container
    from bc_subscriptions.services.tenant_settings import update_tenant_config

    step("A second store ships physical goods: authorize at renewal, capture on shipment")
    emu = stack.emulator
    stack.install_store(STORE, gateway_mode="authorization")
    stack.add_product(STORE, COFFEE, "Coffee beans", "25.00")
    monthly = Cadence(label="Monthly", interval=Interval.MONTH)
    stack.put_plan(STORE, Plan(product_id=COFFEE, cadences=[monthly]))
    stack.register_endpoint(STORE)
    update_tenant_config(container().unit_of_work(), STORE, '{"capture_timing": "on_ship"}')
    say(f"store [bold]{STORE}[/]: gateway authorizes only; tenant config capture_timing on_ship")
    cy = emu.add_customer(STORE, email="cy@example.com", first_name="Cy", last_name="Young")
    emu.place_checkout_order(
        STORE, customer_id=cy.id, lines=[{"product_id": COFFEE, "quantity": 1}]
    )
    stack.pump()
    stack.advance_clock(timedelta(days=31))
    stack.fire("RenewalSweepFunction")
    stack.pump()
    [order] = [o for o in emu.orders(STORE) if o.get("external_source")]
    say(
        f"renewal order #{order['id']}: ${Decimal(order['total_inc_tax']):.2f} "
        f"[bold]{order['payment_status']}[/], nothing captured yet ({order['status']})"
    )
    before = len(emu.calls)
    emu.create_shipment(STORE, order["id"])
    stack.pump()
    calls = [c for c in emu.calls[before:] if "/v3/orders/" in c[1]]
    txs = [f"{t['event']} {t['status']}" for t in emu.transactions(STORE, order["id"])]
    order = next(o for o in emu.orders(STORE) if o["id"] == order["id"])
    say(f"the merchant ships it → store/shipment/created → payment {order['payment_status']}")
    say(f"order transactions: {', '.join(txs)}")
    named = ", ".join(f"{method} {path.rsplit('/', 1)[-1]}" for method, path in calls)
    say(f"BigCommerce calls for the capture: {len(calls)} ({named})")
