"""B2B Edition on an API test store: the emulator's companies and buyers, the tenant setting."""

from __future__ import annotations

from typing import Any

from .world import PRODUCT_ID, ApiWorld

ADDRESS = {
    "first_name": "Grace",
    "last_name": "Hopper",
    "street_1": "1 Harbor Rd",
    "city": "Arlington",
    "state": "Virginia",
    "zip": "22201",
    "country": "United States",
    "country_iso2": "US",
    "email": "ap@acme.example",
}


def on_b2b(world: ApiWorld, **tenant: Any) -> ApiWorld:
    world.emulator.enable_b2b(world.store_hash, default_payment_terms=30)
    with world.stack.uow() as uow:
        uow.tenant_configs.put(world.store_hash, {"b2b": tenant})
        uow.commit()
    return world


def company(world: ApiWorld, name: str, parent: int | None = None, **kw: Any) -> int:
    return int(world.emulator.add_company(world.store_hash, name, parent_id=parent, **kw))


def buyer(world: ApiWorld, company_id: int, card: str | None = "ok") -> Any:
    customer = world.shopper(card)
    world.emulator.add_buyer(world.store_hash, company_id, customer.id)
    return customer


def enrollment(customer_id: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "customer_id": customer_id,
        "product_id": PRODUCT_ID,
        "quantity": 2,
        "cadence": "Monthly",
        "payment": "purchase_order",
        "po_number": "PO-1001",
        "billing_address": ADDRESS,
    }
    body.update(overrides)
    return body
