"""The merchant admin API's subscriptions (in-memory container): search, pages, detail, the
lifecycle actions and their guards, store scoping, session auth and bad input.
`tests/integration/test_admin_api.py` keeps the session `/load` mints on the whole topology."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from openapi_spec_validator import validate

from bc_subscriptions.bootstrap import container
from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.schedule import Interval
from bc_subscriptions.services.admin_session import mint_session_token
from bc_subscriptions.services.tenant_settings import update_tenant_config
from devstack.stack import CLIENT_SECRET

from .client import call, session_token, subscription_ids
from .renewals import renew
from .world import PRODUCT_ID, ApiStack, ApiWorld

ACTIONS = ["pause", "resume", "skip", "cancel"]


@pytest.fixture
def other(stack: ApiStack) -> ApiWorld:
    return ApiWorld.create(stack)


def _sub(world: ApiWorld) -> str:
    world.subscribe()
    return subscription_ids(world)[-1]


def test_search_by_status_customer_product_and_renewal_window(world: ApiWorld) -> None:
    # Given two shoppers' subscriptions, one paused
    first, second = _sub(world), _sub(world)
    token = session_token(world)
    assert call(world, "POST", f"/admin/subscriptions/{first}/pause", token).status == 200
    listing = call(world, "GET", "/admin/subscriptions", token).json()["items"]
    by_id = {s["id"]: s for s in listing}

    def ids(**query: str) -> list[str]:
        reply = call(world, "GET", "/admin/subscriptions", token, query=query)
        assert reply.status == 200, reply.body
        return sorted(s["id"] for s in reply.json()["items"])

    # When / Then each filter narrows the listing
    assert ids(status="paused") == [first]
    assert ids(status="active") == [second]
    assert ids(customer_id=str(by_id[second]["customer_id"])) == [second]
    assert ids(product_id=str(PRODUCT_ID)) == sorted([first, second])
    assert ids(product_id="999") == []
    earliest = min(s["next_renewal_at"] for s in listing)
    assert ids(renews_before=earliest) == []
    assert second in ids(renews_after=by_id[second]["next_renewal_at"])


def test_cursor_pagination_visits_every_subscription_once(world: ApiWorld, other: ApiWorld) -> None:
    # Given three subscriptions
    created = sorted(_sub(world) for _ in range(3))
    token = session_token(world)
    seen: list[str] = []
    cursor: str | None = None
    # When the listing is read one at a time
    for _ in range(5):
        query = {"limit": "1"} | ({"cursor": cursor} if cursor else {})
        page = call(world, "GET", "/admin/subscriptions", token, query=query).json()
        seen += [s["id"] for s in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    # Then every subscription came exactly once, and the cursor works for no other store
    assert sorted(seen) == created
    first = call(world, "GET", "/admin/subscriptions", token, query={"limit": "1"}).json()
    reply = call(
        other,
        "GET",
        "/admin/subscriptions",
        session_token(other),
        query={"cursor": first["next_cursor"]},
    )
    assert (reply.status, reply.json()["error"]) == (400, "invalid_cursor")


def test_get_returns_charges_deliveries_and_the_event_history(world: ApiWorld) -> None:
    # Given a subscription that renewed once
    sub_id = _sub(world)
    renew(world.stack)
    # When
    reply = call(world, "GET", f"/admin/subscriptions/{sub_id}", session_token(world))
    # Then
    body = reply.json()
    assert reply.status == 200 and body["subscription"]["id"] == sub_id
    assert [c["cycle"] for c in body["charges"]] == [2]
    types = [e["type"] for e in body["events"]]
    assert types[0] == "subscription.created" and "subscription.renewed" in types


def test_pause_resume_skip_and_cancel_write_their_events(world: ApiWorld) -> None:
    # Given
    sub_id, token = _sub(world), session_token(world)
    base = f"/admin/subscriptions/{sub_id}"
    # When / Then
    assert call(world, "POST", f"{base}/pause", token).json()["status"] == "paused"
    assert call(world, "POST", f"{base}/resume", token).json()["status"] == "active"
    before = call(world, "GET", base, token).json()["subscription"]["next_cycle"]
    assert call(world, "POST", f"{base}/skip", token).json()["next_cycle"] == before + 1
    reply = call(world, "POST", f"{base}/cancel", token, {"when": "immediately"})
    assert reply.json()["status"] == "cancelled"
    assert world.event_types()[-4:] == [
        "subscription.paused",
        "subscription.resumed",
        "subscription.cycle_skipped",
        "subscription.cancelled",
    ]
    tickets = [i for i in world.of_kind("ops_event") if i["type"].startswith("subscription.")]
    assert [json.loads(t["data"])["subscription_id"] for t in tickets] == [sub_id]


@pytest.mark.parametrize(
    ("first", "then", "code"),
    [
        ("pause", "pause", "invalid_transition"),
        ("cancel", "resume", "invalid_transition"),
        ("cancel", "cancel", "invalid_transition"),
        ("pause", "skip", "domain_error"),
        (None, "resume", "invalid_transition"),
    ],
)
def test_invalid_transitions_are_409_with_a_code_and_write_nothing(
    world: ApiWorld, first: str | None, then: str, code: str
) -> None:
    # Given
    sub_id, token = _sub(world), session_token(world)
    base = f"/admin/subscriptions/{sub_id}"
    if first:
        assert call(world, "POST", f"{base}/{first}", token, {}).status == 200
    events = world.event_types()
    # When
    reply = call(world, "POST", f"{base}/{then}", token, {})
    # Then
    assert (reply.status, reply.json()["error"]) == (409, code)
    assert world.event_types() == events


def test_cancel_inside_the_commitment_is_locked_with_the_earliest_date(
    stack: ApiStack,
) -> None:
    # Given a plan committing to 3 paid cycles and a subscription that paid 1
    world = ApiWorld.create(stack)
    monthly = Cadence(label="Monthly", interval=Interval.MONTH)
    stack.put_plan(
        world.store_hash, Plan(product_id=PRODUCT_ID, cadences=[monthly], commitment_count=3)
    )
    sub_id, token = _sub(world), session_token(world)
    events = world.event_types()
    detail = call(world, "GET", f"/admin/subscriptions/{sub_id}", token).json()["subscription"]
    # When
    reply = call(world, "POST", f"/admin/subscriptions/{sub_id}/cancel", token, {})
    # Then: cycles 2 and 3 must be paid; cycle 3 starts two months after cycle 2 is due
    body = reply.json()
    assert (reply.status, body["error"], body["remaining_cycles"]) == (409, "cancel_locked", 2)
    assert body["earliest_cancel_at"] > detail["next_renewal_at"]
    assert world.event_types() == events


def _contract(world: ApiWorld, mode: str, days_to_term_end: int, notice_days: int) -> str:
    """Puts a contract guard in the store's config; returns its window_opens_at (ISO, Z)."""
    term_end = world.stack.now() + timedelta(days=days_to_term_end)
    guard = {
        "term_end_at": term_end.isoformat().replace("+00:00", "Z"),
        "notice_period_days": notice_days,
        "mode": mode,
    }
    update_tenant_config(
        container().unit_of_work(), world.store_hash, json.dumps({"contract_guard": guard})
    )
    return (term_end - timedelta(days=notice_days)).isoformat().replace("+00:00", "Z")


def test_a_blocking_contract_refuses_a_cancel_before_its_notice_window(world: ApiWorld) -> None:
    # Given a store whose contract ends in 90 days with 30 days' notice
    opens = _contract(world, "block", days_to_term_end=90, notice_days=30)
    sub_id, token = _sub(world), session_token(world)
    events, tickets = world.event_types(), world.of_kind("ops_event")
    # When
    reply = call(world, "POST", f"/admin/subscriptions/{sub_id}/cancel", token, {})
    # Then nothing is written and the merchant learns when the window opens
    body = reply.json()
    assert (reply.status, body["error"], body["window_opens_at"]) == (
        409,
        "contract_notice_period",
        opens,
    )
    assert world.event_types() == events
    assert world.of_kind("ops_event") == tickets
    detail = call(world, "GET", f"/admin/subscriptions/{sub_id}", token).json()
    assert detail["subscription"]["status"] == "active"


def test_a_routing_contract_hands_the_cancel_to_legal_with_an_event_and_an_ops_item(
    world: ApiWorld,
) -> None:
    # Given a store whose contract routes early cancels to its legal team
    opens = _contract(world, "route", days_to_term_end=90, notice_days=30)
    sub_id, token = _sub(world), session_token(world)
    # When
    reply = call(world, "POST", f"/admin/subscriptions/{sub_id}/cancel", token, {})
    # Then the subscription stays active, the request is recorded once
    body = reply.json()
    assert (reply.status, body["error"], body["window_opens_at"]) == (
        409,
        "cancel_routed_to_legal",
        opens,
    )
    assert world.event_types()[-1] == "subscription.cancel_routed"
    [ticket] = [i for i in world.of_kind("ops_event") if i["type"] == "subscription.cancel_routed"]
    assert json.loads(ticket["data"])["subscription_id"] == sub_id
    detail = call(world, "GET", f"/admin/subscriptions/{sub_id}", token).json()
    assert detail["subscription"]["status"] == "active"


@pytest.mark.parametrize("mode", ["block", "route"])
def test_once_the_notice_window_is_open_the_cancel_goes_through(world: ApiWorld, mode: str) -> None:
    # Given a contract whose notice window opened yesterday
    _contract(world, mode, days_to_term_end=29, notice_days=30)
    sub_id, token = _sub(world), session_token(world)
    # When
    reply = call(world, "POST", f"/admin/subscriptions/{sub_id}/cancel", token, {})
    # Then
    assert (reply.status, reply.json()["status"]) == (200, "cancelled")
    assert world.event_types()[-1] == "subscription.cancelled"


@pytest.mark.parametrize("mode", ["block", "route"])
def test_a_cancelled_subscription_under_a_contract_is_still_an_invalid_transition(
    world: ApiWorld, mode: str
) -> None:
    # Given a cancelled subscription, then a contract guard
    sub_id, token = _sub(world), session_token(world)
    call(world, "POST", f"/admin/subscriptions/{sub_id}/cancel", token, {})
    _contract(world, mode, days_to_term_end=90, notice_days=30)
    events = world.event_types()
    # When
    reply = call(world, "POST", f"/admin/subscriptions/{sub_id}/cancel", token, {})
    # Then
    assert (reply.status, reply.json()["error"]) == (409, "invalid_transition")
    assert world.event_types() == events


def _fee(world: ApiWorld, until_paid_cycles: int) -> None:
    fee = {"amount": "25.00", "until_paid_cycles": until_paid_cycles}
    update_tenant_config(
        container().unit_of_work(), world.store_hash, json.dumps({"early_cancel_fee": fee})
    )


def test_an_early_cancel_reports_the_fee_owed_in_the_answer_event_and_an_ops_item(
    world: ApiWorld,
) -> None:
    # Given a store charging 25.00 for a cancel before 3 paid cycles (the checkout paid 1)
    _fee(world, until_paid_cycles=3)
    sub_id, token = _sub(world), session_token(world)
    # When
    reply = call(world, "POST", f"/admin/subscriptions/{sub_id}/cancel", token, {})
    # Then the cancel goes through and the fee is recorded as owed, not charged
    body = reply.json()
    assert (reply.status, body["status"], body["early_cancel_fee"]) == (200, "cancelled", "25.00")
    [event] = [e for e in world.of_kind("event") if e["type"] == "subscription.cancelled"]
    assert json.loads(event["envelope"])["data"]["early_cancel_fee"] == {
        "amount": "25.00",
        "currency": body["currency"],
        "status": "owed",
    }
    [owed] = [i for i in world.of_kind("ops_event") if i["type"].endswith("fee_owed")]
    assert json.loads(owed["data"])["amount"] == "25.00"
    assert world.renewal_orders() == []


def test_a_cancel_after_the_fee_period_owes_nothing(world: ApiWorld) -> None:
    # Given a fee only before 1 paid cycle, and a subscription that paid its first
    _fee(world, until_paid_cycles=1)
    sub_id, token = _sub(world), session_token(world)
    # When
    reply = call(world, "POST", f"/admin/subscriptions/{sub_id}/cancel", token, {})
    # Then
    assert (reply.status, reply.json()["early_cancel_fee"]) == (200, None)
    [event] = [e for e in world.of_kind("event") if e["type"] == "subscription.cancelled"]
    assert "early_cancel_fee" not in json.loads(event["envelope"])["data"]
    assert not [i for i in world.of_kind("ops_event") if i["type"].endswith("fee_owed")]


@pytest.mark.parametrize("action", ACTIONS)
def test_another_stores_session_gets_404_and_changes_nothing(
    world: ApiWorld, other: ApiWorld, action: str
) -> None:
    # Given a subscription of another store
    sub_id = _sub(world)
    events = world.event_types()
    # When the other store's merchant tries to act on it
    reply = call(other, "POST", f"/admin/subscriptions/{sub_id}/{action}", session_token(other), {})
    # Then it does not exist for them, and nothing was written
    assert (reply.status, reply.json()["error"]) == (404, "not_found")
    assert world.event_types() == events
    get = call(other, "GET", f"/admin/subscriptions/{sub_id}", session_token(other))
    assert get.status == 404


@pytest.mark.parametrize("route", ["GET /admin/subscriptions", "POST /admin/subscriptions/x/pause"])
def test_missing_or_forged_tokens_are_401(world: ApiWorld, route: str) -> None:
    method, path = route.split(" ")
    forged = mint_session_token(
        world.store_hash, 1, client_secret="not-the-secret", now=world.stack.now()
    )
    expired = mint_session_token(
        world.store_hash, 1, client_secret=CLIENT_SECRET, now=world.stack.now(), ttl_s=-10
    )
    bc_payload = world.emulator.signed_payload(world.store_hash)
    for token in (None, "", "a.b.c", forged, expired, bc_payload):
        reply = call(world, method, path, token)
        assert (reply.status, reply.json()["error"]) == (401, "unauthorized"), token


def test_invalid_bodies_and_queries_are_422_listing_the_fields(world: ApiWorld) -> None:
    sub_id, token = _sub(world), session_token(world)
    events = world.event_types()
    reply = call(world, "POST", f"/admin/subscriptions/{sub_id}/cancel", token, {"when": "later"})
    assert reply.status == 422
    assert [f["field"] for f in reply.json()["fields"]] == ["when"]
    reply = call(world, "GET", "/admin/subscriptions", token, query={"limit": "0", "status": "x"})
    assert reply.status == 422
    assert sorted(f["field"] for f in reply.json()["fields"]) == ["limit", "status"]
    assert world.event_types() == events


def test_unknown_routes_are_404_json(world: ApiWorld) -> None:
    reply = call(world, "GET", "/admin/nothing-here", session_token(world))
    assert (reply.status, reply.json()["error"]) == (404, "no_route")


def test_the_openapi_document_validates_and_lists_the_routes(world: ApiWorld) -> None:
    reply = call(world, "GET", "/admin/openapi.json", None)
    assert reply.status == 200
    document = reply.json()
    validate(document)
    assert {"/admin/subscriptions", "/admin/subscriptions/{subscription_id}/cancel"} <= set(
        document["paths"]
    )
