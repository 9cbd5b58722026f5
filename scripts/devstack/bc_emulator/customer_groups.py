"""Customer groups as BigCommerce keeps them: v2 groups, one `customer_group_id` per customer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .state import Customer, Store, rfc2822

if TYPE_CHECKING:
    from .emulator import BigCommerceEmulator

MAX_CUSTOMERS_PER_PUT = 10
# Customer fields a PUT may change here; the read-only ones BigCommerce refuses to set.
READ_ONLY = frozenset({"registration_ip_address", "date_created", "date_modified"})


def add_group(emu: BigCommerceEmulator, store_hash: str, name: str) -> int:
    """The merchant creates a customer group in the control panel; returns its id."""
    with emu.lock:
        store = emu.stores[store_hash]
        group_id = store.take_id("customer_group_id")
        now = rfc2822()
        store.customer_groups[group_id] = {
            "id": group_id,
            "name": name,
            "is_default": False,
            "category_access": {"type": "all"},
            "discount_rules": [],
            "is_group_for_guests": False,
            "date_created": now,
            "date_modified": now,
        }
        return group_id


def delete_group(emu: BigCommerceEmulator, store_hash: str, group_id: int) -> None:
    """The merchant deletes a group: its customers are left in none (BigCommerce's note)."""
    with emu.lock:
        store = emu.stores[store_hash]
        del store.customer_groups[group_id]
        for customer in store.customers.values():
            if customer.customer_group_id == group_id:
                customer.customer_group_id = 0


def move_by_hand(
    emu: BigCommerceEmulator, store_hash: str, customer_id: int, group_id: int
) -> None:
    """The merchant moves a customer to another group in the control panel."""
    with emu.lock:
        store = emu.stores[store_hash]
        if group_id and group_id not in store.customer_groups:
            raise KeyError(f"no customer group {group_id} in {store_hash}")
        store.customers[customer_id].customer_group_id = group_id


def group_of(emu: BigCommerceEmulator, store_hash: str, customer_id: int) -> int:
    with emu.lock:
        return emu.stores[store_hash].customers[customer_id].customer_group_id


def customer_view(store: Store, customer: Customer) -> dict[str, Any]:
    """A customer as `/v3/customers` answers (the fields this emulator keeps)."""
    return {
        "id": customer.id,
        "email": customer.email,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "company": "",
        "phone": "",
        "notes": "",
        "tax_exempt_category": "",
        "registration_ip_address": "",
        "customer_group_id": customer.customer_group_id,
        "address_count": 1,
        "attribute_count": 0,
        "accepts_product_review_abandoned_cart_emails": False,
        "origin_channel_id": 1,
        "channel_ids": sorted(store.channels),
        "date_created": "2024-01-01T00:00:00Z",
        "date_modified": "2024-01-01T00:00:00Z",
    }


def update_problems(store: Store, body: Any) -> dict[str, str]:
    """Why BigCommerce would refuse this `PUT /v3/customers` body (keys name the item and field,
    as its `errors` object does); empty when every item can be applied."""
    if not isinstance(body, list) or not body:
        return {"": "the body must be a non-empty array of customers"}
    problems: dict[str, str] = {}
    seen: set[int] = set()
    for index, item in enumerate(body):
        if not isinstance(item, dict):
            problems[f"[{index}]"] = "each customer must be an object"
            continue
        if problem := _id_problem(store, item.get("id"), seen):
            problems[f"[{index}].id"] = problem
        for field in sorted(READ_ONLY & set(item)):
            problems[f"[{index}].{field}"] = f"{field} is read-only"
        if "customer_group_id" in item and (
            problem := _group_problem(store, item["customer_group_id"])
        ):
            problems[f"[{index}].customer_group_id"] = problem
    return problems


def _id_problem(store: Store, customer_id: Any, seen: set[int]) -> str | None:
    if not isinstance(customer_id, int) or isinstance(customer_id, bool):
        return "id is required"
    if customer_id not in store.customers:
        return f"customer {customer_id} does not exist"
    if customer_id in seen:
        return f"customer {customer_id} is listed twice"
    seen.add(customer_id)
    return None


def _group_problem(store: Store, group_id: Any) -> str | None:
    if not isinstance(group_id, int) or isinstance(group_id, bool) or group_id < 0:
        return "must be a customer group id"
    if group_id and group_id not in store.customer_groups:
        return f"customer group {group_id} does not exist"
    return None


def apply_update(store: Store, body: list[dict[str, Any]]) -> list[Customer]:
    """Apply a body `update_problems` accepted; BigCommerce applies all items or none."""
    changed = []
    for item in body:
        customer = store.customers[item["id"]]
        if "customer_group_id" in item:
            customer.customer_group_id = item["customer_group_id"]
        for field in ("email", "first_name", "last_name"):
            if isinstance(item.get(field), str):
                setattr(customer, field, item[field])
        changed.append(customer)
    return changed
