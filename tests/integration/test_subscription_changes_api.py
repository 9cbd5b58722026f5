"""A quantity change through the admin API, charged at the next renewal on the whole topology.

The matrix of quantity, cadence and address changes (answers, 409, 404 across stores and
customers, 422 naming the field) runs one layer down, on the in-memory container:
`tests/api/test_subscription_changes_api.py`."""

from __future__ import annotations

from typing import Any

import pytest

from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.schedule import Interval
from devstack.stack import LocalStack

from .admin_api_client import call, session_token, subscription_ids
from .world import PRICE, PRODUCT_ID, World

ADDRESS = {
    "first_name": "Grace",
    "last_name": "Hopper",
    "street_1": "1 Navy Way",
    "city": "Arlington",
    "zip": "22202",
    "country_iso2": "US",
}
CHANGES: list[tuple[str, str, dict[str, Any]]] = [
    ("POST", "quantity", {"product_id": PRODUCT_ID, "quantity": 5}),
    ("POST", "cadence", {"cadence": "Every 2 weeks"}),
    ("PUT", "shipping-address", ADDRESS),
]


@pytest.fixture
def world(stack: LocalStack) -> World:
    w = World.create(stack)
    cadences = [
        Cadence(label="Monthly", interval=Interval.MONTH),
        Cadence(label="Every 2 weeks", interval=Interval.WEEK, interval_count=2),
    ]
    stack.put_plan(w.store_hash, Plan(product_id=PRODUCT_ID, cadences=cadences))
    return w


def test_a_quantity_change_is_charged_from_the_next_renewal(world: World) -> None:
    # Given a subscription of 2 units
    world.subscribe()
    [sub_id] = subscription_ids(world)
    token = session_token(world)
    # When the merchant makes it 5
    reply = call(world, "POST", f"/admin/subscriptions/{sub_id}/quantity", token, CHANGES[0][2])
    assert reply.status == 200 and reply.json()["lines"][0]["quantity"] == 5
    world.renew()
    # Then the renewal order is for 5 units at the locked price
    [order] = world.renewal_orders()
    assert str(order["total_inc_tax"]).startswith(str(PRICE * 5))
    assert "subscription.updated" in world.event_types()
