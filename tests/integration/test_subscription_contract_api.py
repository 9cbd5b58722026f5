"""A contract term negotiated for one subscription: set by the merchant, it guards that
subscription's cancels (admin and portal) instead of the store's term. One scenario on the
whole topology; the rest of the matrix (the store's term, routing, 422s, 409, other stores
and shoppers) runs on the in-memory container: `tests/api/test_subscription_contract_api.py`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from .admin_api_client import call, session_token, subscription_ids
from .world import World


def _iso(world: World, days: int) -> str:
    return (world.stack.now() + timedelta(days=days)).isoformat().replace("+00:00", "Z")


def _term(world: World, mode: str, *, days_to_end: int, notice_days: int = 30) -> dict[str, Any]:
    return {
        "term_end_at": _iso(world, days_to_end),
        "notice_period_days": notice_days,
        "mode": mode,
    }


def _subscribe(world: World) -> tuple[str, str]:
    """A subscription and its shopper's portal token."""
    customer, _ = world.subscribe()
    sub_id = subscription_ids(world)[-1]
    return sub_id, str(world.emulator.current_customer_jwt(world.store_hash, customer.id))


def test_a_subscriptions_own_term_blocks_its_cancel_while_its_sibling_cancels(
    world: World,
) -> None:
    # Given two subscriptions, the first under a one-year term with 30 days' notice
    guarded, shopper = _subscribe(world)
    free, _ = _subscribe(world)
    token = session_token(world)
    term = _term(world, "block", days_to_end=365)
    reply = call(world, "PUT", f"/admin/subscriptions/{guarded}/contract", token, term)
    assert reply.status == 200, reply.body
    assert reply.json()["contract"]["term_end_at"] == term["term_end_at"]
    # When the shopper cancels it, and the merchant cancels the other
    refused = call(world, "POST", f"/portal/subscriptions/{guarded}/cancel", shopper, {})
    done = call(world, "POST", f"/admin/subscriptions/{free}/cancel", token, {})
    # Then only the one without a term is cancelled; the refusal says when the window opens
    assert (refused.status, refused.json()["error"]) == (409, "contract_notice_period")
    term_end = datetime.fromisoformat(term["term_end_at"])
    opens = (term_end - timedelta(days=30)).isoformat().replace("+00:00", "Z")
    assert refused.json()["window_opens_at"] == opens
    assert done.status == 200 and done.json()["status"] == "cancelled"
    detail = call(world, "GET", f"/admin/subscriptions/{guarded}", token).json()
    assert detail["subscription"]["status"] == "active"
    updated = [e for e in detail["events"] if e["type"] == "subscription.updated"]
    assert updated[-1]["data"]["changes"]["contract"] == [None, term]
