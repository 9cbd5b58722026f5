"""Plan management through the admin API: BigCommerce holds the plan (product metafield) and
the cadence modifier; our cache is refreshed from it. On the whole topology: a plan written
with its modifier and cached, and a republished plan keeping live subscriptions renewing. The
rest of the matrix (updates, refusals, other stores, reads) runs on the in-memory container:
`tests/api/test_plan_management_api.py`."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from bc_subscriptions.adapters.dynamodb.plan_cache import DynamoPlanCache
from bc_subscriptions.domain.plan_metafield import KEY, NAMESPACE

from .admin_api_client import call, session_token
from .world import PRODUCT_ID, World

PLAN = {
    "cadences": [
        {"label": "Every 2 weeks", "interval": "week", "interval_count": 2},
        {"label": "Monthly", "interval": "month", "discount_percent": "5"},
    ],
    "default_cadence": "Monthly",
}


def _put(world: World, product_id: int, body: Any) -> Any:
    raw = body if isinstance(body, str) else json.dumps(body)
    headers = {
        "content-type": "application/json",
        "authorization": f"Bearer {session_token(world)}",
    }
    return world.stack.runtime.http("PUT", f"/admin/plans/{product_id}", raw.encode(), headers)


def _bc(world: World, product_id: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    store = world.emulator.stores[world.store_hash]
    fields = [
        dict(m)
        for m in store.metafields.get(product_id, {}).values()
        if (m["namespace"], m["key"]) == (NAMESPACE, KEY)
    ]
    return fields, [dict(m) for m in store.modifiers.get(product_id, {}).values()]


def test_a_plan_is_written_to_bigcommerce_with_its_cadence_modifier_and_cached(
    world: World,
) -> None:
    # When the merchant sets the product's plan
    reply = _put(world, PRODUCT_ID, PLAN)
    # Then BigCommerce has a required dropdown of the cadence labels
    assert reply.status == 200, reply.body
    [field], [modifier] = _bc(world, PRODUCT_ID)
    assert modifier["type"] == "dropdown" and modifier["required"] is True
    assert [v["label"] for v in modifier["option_values"]] == ["Every 2 weeks", "Monthly"]
    # And the metafield holds the plan, naming that modifier
    stored = json.loads(field["value"])
    assert stored["cadence_option_id"] == modifier["id"]
    assert [c["label"] for c in stored["cadences"]] == ["Every 2 weeks", "Monthly"]
    assert reply.json()["cadence_option_id"] == modifier["id"]
    # And our cache has the new plan at once
    [cached] = DynamoPlanCache().get_many(world.store_hash, [PRODUCT_ID]).values()
    assert cached.plan is not None and cached.plan.cadence_option_id == modifier["id"]
    assert cached.plan.cadences[1].discount_percent == Decimal("5")


def test_a_republished_plan_keeps_live_subscriptions_renewing(world: World) -> None:
    # Given a plan on sale, and a shopper who subscribed every 2 weeks through its modifier
    assert _put(world, PRODUCT_ID, PLAN).status == 200
    _, [modifier] = _bc(world, PRODUCT_ID)
    fortnightly = next(v for v in modifier["option_values"] if v["label"] == "Every 2 weeks")
    option = {
        "option_id": modifier["id"],
        "value": str(fortnightly["id"]),
        "display_name": "Subscription",
        "display_value": "Every 2 weeks",
    }
    world.checkout(
        world.shopper(), [{"product_id": PRODUCT_ID, "quantity": 1, "product_options": [option]}]
    )
    world.stack.pump()
    [sub] = world.of_kind("subscription")
    # When the merchant republishes without that cadence and with a new one
    weekly = {"label": "Weekly", "interval": "week"}
    edited = {"cadences": [PLAN["cadences"][1], weekly], "default_cadence": "Monthly"}  # type: ignore[index]
    assert _put(world, PRODUCT_ID, edited).status == 200
    # And the subscription comes due
    world.stack.advance_clock(timedelta(days=15))
    world.stack.fire("RenewalSweepFunction")
    world.stack.pump()
    # Then it renewed with the option value it was bought with, which BigCommerce still has
    [order] = world.renewal_orders()
    [line] = world.emulator.stores[world.store_hash].lines[order["id"]]
    [renewed] = line["product_options"]
    assert (renewed["value"], renewed["display_value"]) == (str(fortnightly["id"]), "Every 2 weeks")
    _, [after] = _bc(world, PRODUCT_ID)
    assert fortnightly["id"] in [v["id"] for v in after["option_values"]]
    [charge] = [
        c for c in world.of_kind("charge") if c["subscription_id"] == sub["subscription_id"]
    ]
    assert charge["stage"] == "completed"
    # And the retired cadence can no longer be bought, nor changed to; the new one can
    with pytest.raises(ValueError, match="cannot be purchased"):
        world.checkout(
            world.shopper(),
            [{"product_id": PRODUCT_ID, "quantity": 1, "product_options": [option]}],
        )
    path = f"/admin/subscriptions/{sub['subscription_id']}/cadence"
    token = session_token(world)
    refused = call(world, "POST", path, token, {"cadence": "Every 2 weeks"})
    assert refused.status == 409 and refused.json()["error"] == "cadence_not_offered"
    assert call(world, "POST", path, token, {"cadence": "Weekly"}).status == 200
    # And the next renewal names the new cadence's option value, as a checkout would have
    weekly_value = next(v for v in after["option_values"] if v["label"] == "Weekly")
    world.stack.advance_clock(timedelta(days=15))
    world.stack.fire("RenewalSweepFunction")
    world.stack.pump()
    [_, second] = sorted(world.renewal_orders(), key=lambda o: int(o["id"]))
    [line] = world.emulator.stores[world.store_hash].lines[second["id"]]
    [renewed] = line["product_options"]
    assert (renewed["value"], renewed["display_value"]) == (str(weekly_value["id"]), "Weekly")
