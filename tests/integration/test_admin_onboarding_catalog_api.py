"""Admin routes the control-panel app opens with: the onboarding checklist, the catalog search
of the plan screen, and the dashboard's renewals due soon."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from bc_subscriptions.bootstrap import container
from bc_subscriptions.domain.subscription_pricing import renewal_total

from .admin_api_client import call, session_token
from .world import PRODUCT_ID, World


def _checks(world: World, token: str) -> dict[str, dict[str, Any]]:
    reply = call(world, "GET", "/admin/onboarding", token)
    assert reply.status == 200, reply.body
    return {c["key"]: c for c in reply.json()["checks"]}


def test_right_after_install_the_checklist_asks_for_a_plan_and_waits_for_a_first_order(
    world: World,
) -> None:
    # Given a store that just installed the app (hooks registered, an endpoint, no plan read)
    token = session_token(world)
    # When the app opens the checklist
    checks = _checks(world, token)
    # Then hooks and endpoint are done, a plan is to do, and capture and test mode wait
    assert {k: (c["state"], c["code"]) for k, c in checks.items()} == {
        "hooks": ("done", "hooks_active"),
        "plan": ("todo", "no_plan"),
        "capture": ("unknown", "no_order_yet"),
        "endpoint": ("done", "endpoint_enabled"),
        "test_mode": ("unknown", "no_order_yet"),
    }
    assert checks["hooks"]["facts"]["missing"] == []


def test_after_a_first_order_the_checklist_judges_capture_and_test_mode_by_its_payment(
    world: World,
) -> None:
    # Given a store that captures on shipment, whose gateway only purchases, and one order
    token = session_token(world)
    assert call(world, "PUT", "/admin/config", token, {"capture_timing": "on_ship"}).status == 200
    world.subscribe()
    # When
    reply = call(world, "GET", "/admin/onboarding", token).json()
    checks = {c["key"]: c for c in reply["checks"]}
    # Then the plan read at checkout counts, the capture mismatch is to do, test mode is said
    assert (checks["plan"]["state"], checks["plan"]["facts"]["product_ids"]) == (
        "done",
        [PRODUCT_ID],
    )
    assert checks["capture"]["code"] == "gateway_captures_at_once"
    assert checks["capture"]["facts"] == {"capture_timing": "on_ship", "gateway_event": "purchase"}
    assert (checks["test_mode"]["state"], checks["test_mode"]["code"]) == (
        "warning",
        "gateway_in_test_mode",
    )
    assert reply["sample_order_id"] is not None and reply["complete"] is False


def test_deactivated_hooks_and_a_bigcommerce_outage_show_in_their_items_only(
    world: World,
) -> None:
    # Given BigCommerce deactivated the store's hooks
    token = session_token(world)
    world.emulator.deactivate_hooks(world.store_hash)
    # When / Then the hooks item names them
    hooks = _checks(world, token)["hooks"]
    assert (hooks["state"], hooks["code"]) == ("todo", "hooks_inactive")
    assert "store/order/created" in hooks["facts"]["inactive"]
    # When BigCommerce does not answer at all
    world.emulator.faults.inject("GET", "/stores/*/v3/hooks", "5xx_before", times=100)
    checks = _checks(world, token)
    # Then only that item is unknown; the rest of the list is still answered
    assert (checks["hooks"]["state"], checks["hooks"]["code"]) == ("unknown", "unreadable")
    assert checks["endpoint"]["state"] == "done"


def test_the_catalog_search_finds_products_by_keyword_and_says_which_have_a_plan(
    world: World,
) -> None:
    # Given a shopper bought the subscription product (its plan is now cached)
    token = session_token(world)
    world.subscribe()
    # When the merchant searches the catalog
    coffee = call(world, "GET", "/admin/catalog/products", token, query={"keyword": "coffee"})
    mug = call(world, "GET", "/admin/catalog/products", token, query={"keyword": "MUG"})
    # Then each finds its product, with what is known of its plan
    assert coffee.status == 200, coffee.body
    assert coffee.json()["items"] == [
        {
            "product_id": PRODUCT_ID,
            "name": "Coffee beans",
            "sku": f"SKU-{PRODUCT_ID}",
            "price": "25.0",
            "is_visible": True,
            "has_plan": True,
        }
    ]
    assert [(p["name"], p["has_plan"]) for p in mug.json()["items"]] == [("Mug", None)]


def test_a_search_without_a_keyword_is_refused_and_an_outage_is_a_502(world: World) -> None:
    token = session_token(world)
    # When the keyword is blank
    blank = call(world, "GET", "/admin/catalog/products", token, query={"keyword": "  "})
    # Then it is refused before BigCommerce is asked
    assert (blank.status, blank.json()["error"]) == (422, "invalid_request")
    assert blank.json()["fields"][0]["field"] == "keyword"
    # When BigCommerce fails
    world.emulator.faults.inject("GET", "/stores/*/v3/catalog/products", "5xx_before", times=100)
    failed = call(world, "GET", "/admin/catalog/products", token, query={"keyword": "coffee"})
    # Then the app is told in a code of its own
    assert (failed.status, failed.json()["error"]) == (502, "bigcommerce_unavailable")
    # And a caller without a session learns nothing
    anonymous = call(world, "GET", "/admin/catalog/products", None, query={"keyword": "coffee"})
    assert anonymous.status == 401


def test_the_renewals_due_within_seven_days_are_counted_with_their_amount(world: World) -> None:
    # Given a monthly subscription bought today
    token = session_token(world)
    world.subscribe()
    with container().unit_of_work() as uow:
        (sub,) = [
            uow.subscriptions.get(world.store_hash, str(i["subscription_id"]))
            for i in world.of_kind("subscription")
        ]
    assert sub is not None
    # When the dashboard asks now, and again 25 days later
    now = call(world, "GET", "/admin/renewals/upcoming", token).json()
    world.stack.advance_clock(timedelta(days=25))
    later = call(world, "GET", "/admin/renewals/upcoming", token).json()
    # Then nothing is due this week, and the renewal is due within the week after
    assert (now["count"], now["totals"]) == (0, [])
    assert later["days"] == 7 and later["count"] == 1 and later["more"] is False
    assert later["until"].startswith((world.stack.now() + timedelta(days=7)).date().isoformat())
    assert later["totals"] == [{"currency": sub.currency, "amount": str(renewal_total(sub))}]
    assert Decimal(later["totals"][0]["amount"]) >= Decimal("50")


def test_each_presets_config_is_listed_so_only_differences_are_saved(world: World) -> None:
    # Given / When
    token = session_token(world)
    presets = call(world, "GET", "/admin/config/presets", token).json()
    # Then every preset is there as its effective config, and lenient pauses where it gives up
    assert sorted(presets) == ["aggressive", "lenient", "standard"]
    assert presets["lenient"]["preset"] == "lenient"
    assert presets["lenient"]["dunning"]["final_action"] == "pause"
    assert presets["standard"] == call(world, "GET", "/admin/config", token).json()
