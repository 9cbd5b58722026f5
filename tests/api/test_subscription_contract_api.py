"""A contract term negotiated for one subscription: set by the merchant, it guards that
subscription's cancels (admin and portal) instead of the store's term. On the in-memory
container; `tests/integration/test_subscription_contract_api.py` keeps the first scenario on
the whole topology."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from bc_subscriptions.bootstrap import container
from bc_subscriptions.services.tenant_settings import update_tenant_config

from .client import call, session_token, subscription_ids
from .world import ApiStack, ApiWorld


def _iso(world: ApiWorld, days: int) -> str:
    return (world.stack.now() + timedelta(days=days)).isoformat().replace("+00:00", "Z")


def _term(world: ApiWorld, mode: str, *, days_to_end: int, notice_days: int = 30) -> dict[str, Any]:
    return {
        "term_end_at": _iso(world, days_to_end),
        "notice_period_days": notice_days,
        "mode": mode,
    }


def _subscribe(world: ApiWorld) -> tuple[str, str]:
    """A subscription and its shopper's portal token."""
    customer, _ = world.subscribe()
    sub_id = subscription_ids(world)[-1]
    return sub_id, str(world.emulator.current_customer_jwt(world.store_hash, customer.id))


def test_a_subscriptions_own_term_blocks_its_cancel_while_its_sibling_cancels(
    world: ApiWorld,
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


def test_a_subscriptions_term_wins_over_the_stores(world: ApiWorld) -> None:
    # Given a store whose contract blocks cancels for a year
    store_term = {"contract_guard": _term(world, "block", days_to_end=365)}
    update_tenant_config(container().unit_of_work(), world.store_hash, json.dumps(store_term))
    sub_id, shopper = _subscribe(world)
    token = session_token(world)
    assert call(world, "POST", f"/admin/subscriptions/{sub_id}/cancel", token, {}).status == 409
    # When this customer's own term has its notice window open already
    own = _term(world, "block", days_to_end=10, notice_days=30)
    assert call(world, "PUT", f"/admin/subscriptions/{sub_id}/contract", token, own).status == 200
    # Then the shopper may cancel
    reply = call(world, "POST", f"/portal/subscriptions/{sub_id}/cancel", shopper, {})
    assert reply.status == 200 and reply.json()["status"] == "cancelled"


def test_a_routing_term_hands_the_cancel_to_legal_and_removing_it_frees_the_cancel(
    world: ApiWorld,
) -> None:
    sub_id, shopper = _subscribe(world)
    token = session_token(world)
    term = _term(world, "route", days_to_end=200)
    assert call(world, "PUT", f"/admin/subscriptions/{sub_id}/contract", token, term).status == 200
    # When the shopper cancels under the term
    routed = call(world, "POST", f"/portal/subscriptions/{sub_id}/cancel", shopper, {})
    # Then it is routed, with the event
    assert (routed.status, routed.json()["error"]) == (409, "cancel_routed_to_legal")
    assert world.event_types()[-1] == "subscription.cancel_routed"
    # And once the merchant removes the term, the cancel goes through
    removed = call(world, "DELETE", f"/admin/subscriptions/{sub_id}/contract", token)
    assert removed.status == 200 and removed.json()["contract"] is None
    reply = call(world, "POST", f"/portal/subscriptions/{sub_id}/cancel", shopper, {})
    assert reply.status == 200 and reply.json()["status"] == "cancelled"


def test_an_invalid_term_is_422_listing_the_fields_and_writes_nothing(world: ApiWorld) -> None:
    sub_id, _ = _subscribe(world)
    token = session_token(world)
    events = world.event_types()
    bad = {"term_end_at": "2027-01-01T00:00:00", "notice_period_days": -1, "mode": "maybe"}
    reply = call(world, "PUT", f"/admin/subscriptions/{sub_id}/contract", token, bad)
    assert reply.status == 422 and reply.json()["error"] == "invalid_request"
    fields = sorted(f["field"] for f in reply.json()["fields"])
    assert fields == ["mode", "notice_period_days", "term_end_at"]
    assert world.event_types() == events


def test_a_term_cannot_be_set_on_a_cancelled_subscription(world: ApiWorld) -> None:
    sub_id, _ = _subscribe(world)
    token = session_token(world)
    assert call(world, "POST", f"/admin/subscriptions/{sub_id}/cancel", token, {}).status == 200
    term = _term(world, "block", days_to_end=365)
    reply = call(world, "PUT", f"/admin/subscriptions/{sub_id}/contract", token, term)
    assert (reply.status, reply.json()["error"]) == (409, "invalid_transition")


def test_another_store_cannot_set_or_remove_a_term_and_shoppers_have_no_such_route(
    stack: ApiStack, world: ApiWorld
) -> None:
    # Given a subscription, and another store
    sub_id, shopper = _subscribe(world)
    other = ApiWorld.create(stack)
    events = world.event_types()
    term = _term(world, "block", days_to_end=365)
    path = f"/admin/subscriptions/{sub_id}/contract"
    # When the other store's merchant tries, and the shopper tries the admin route
    attempts = [
        call(other, "PUT", path, session_token(other), term),
        call(other, "DELETE", path, session_token(other)),
        call(world, "PUT", path, shopper, term),
        call(world, "PUT", f"/portal/subscriptions/{sub_id}/contract", shopper, term),
    ]
    # Then
    assert [r.status for r in attempts] == [404, 404, 401, 404]
    assert world.event_types() == events


def test_a_term_at_the_ends_of_the_calendar_is_422_and_cancels_keep_working(
    world: ApiWorld,
) -> None:
    # Given a subscription, and terms ending in year 1 or year 9999
    sub_id, shopper = _subscribe(world)
    token = session_token(world)
    for end in ("0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"):
        term = {"term_end_at": end, "notice_period_days": 30, "mode": "block"}
        # When the merchant sets one
        reply = call(world, "PUT", f"/admin/subscriptions/{sub_id}/contract", token, term)
        # Then it is refused, naming the field
        assert reply.status == 422
        assert [f["field"] for f in reply.json()["fields"]] == ["term_end_at"]
    # And the shopper can still cancel
    reply = call(world, "POST", f"/portal/subscriptions/{sub_id}/cancel", shopper, {})
    assert reply.status == 200 and reply.json()["status"] == "cancelled"
