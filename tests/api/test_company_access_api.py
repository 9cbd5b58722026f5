"""Company buyers in the portal (B2B Edition): what their company role lets them see and do
with their company's subscriptions, junior buyers' requests decided by a company admin, and
the hierarchy's limits (each company's admins reach their own company's subscriptions only)."""

from __future__ import annotations

from typing import Any

import pytest

from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.schedule import Interval

from .b2b import company, enrollment, on_b2b
from .world import PRODUCT_ID, ApiStack, ApiWorld

ADMIN, SENIOR, JUNIOR = 0, 1, 2


def _buyer(world: ApiWorld, company_id: int, role: int) -> tuple[int, str]:
    customer = world.shopper("ok")
    world.emulator.add_buyer(world.store_hash, company_id, customer.id, role=role)
    return customer.id, str(world.emulator.current_customer_jwt(world.store_hash, customer.id))


def _enrolled(world: ApiWorld, customer_id: int) -> str:
    reply = world.call("POST", "/admin/enrollments", world.session_token(), enrollment(customer_id))
    assert reply.status == 200, reply.body
    return str(reply.json()["subscription"]["id"])


def _portal(world: ApiWorld, token: str, method: str, path: str, body: Any = None) -> Any:
    return world.call(method, f"/portal/subscriptions{path}", token, body)


def _listed(world: ApiWorld, token: str) -> dict[str, dict[str, Any]]:
    reply = _portal(world, token, "GET", "")
    assert reply.status == 200, reply.body
    return {item["id"]: item for item in reply.json()["items"]}


def _status(world: ApiWorld, sub_id: str) -> str:
    reply = world.call("GET", f"/admin/subscriptions/{sub_id}", world.session_token())
    return str(reply.json()["subscription"]["status"])


def _stored(world: ApiWorld) -> list[Any]:
    return [world.records(), world.event_types(), world.ops_events()]


def _acme(world: ApiWorld) -> tuple[int, str, str, str]:
    """A company whose junior buyer owns a subscription, and its admin's and junior's tokens."""
    on_b2b(world)
    acme = company(world, "Acme")
    junior, junior_token = _buyer(world, acme, JUNIOR)
    _, admin_token = _buyer(world, acme, ADMIN)
    return acme, _enrolled(world, junior), admin_token, junior_token


def test_a_company_admin_sees_the_companys_subscriptions_beside_their_own_as_org_admin(
    world: ApiWorld,
) -> None:
    # Given a company whose junior buyer owns a subscription, and its admin with one of their own
    acme, sub_id, admin_token, _ = _acme(world)
    personal, _ = world.subscribe()
    world.emulator.add_buyer(world.store_hash, acme, personal.id, role=ADMIN)
    own_id = world.subscription_ids()[-1]
    admin_token = str(world.emulator.current_customer_jwt(world.store_hash, personal.id))
    # When the admin lists their subscriptions
    items = _listed(world, admin_token)
    # Then the company's is there, marked as the company's, with org_admin's actions
    company_item = items[sub_id]
    assert company_item["company"] == {"company_id": acme, "parent_company_id": None}
    assert company_item["company_role"] == "company_admin"
    assert company_item["effective_role"] == "org_admin"
    assert company_item["roles"] == []
    assert {"view", "cancel", "pause"} <= set(company_item["allowed_actions"])
    assert company_item["request_actions"] == []
    # And their personal one beside it, as before
    assert items[own_id]["company"] is None
    assert items[own_id]["effective_role"] == "owner"


def test_a_junior_buyer_sees_the_company_subscription_with_view_only_and_asks_for_changes(
    world: ApiWorld,
) -> None:
    # Given a company subscription a senior buyer owns, and a junior buyer of the company
    on_b2b(world)
    acme = company(world, "Acme")
    senior, _ = _buyer(world, acme, SENIOR)
    sub_id = _enrolled(world, senior)
    _, junior_token = _buyer(world, acme, JUNIOR)
    # When the junior buyer lists their subscriptions
    item = _listed(world, junior_token)[sub_id]
    # Then they may see it, and only ask for the changes a request carries
    assert item["effective_role"] == "junior_buyer"
    assert item["allowed_actions"] == ["view"]
    assert item["request_actions"] == [
        "cancel",
        "change_address",
        "change_cadence",
        "change_quantity",
        "pause",
        "skip",
    ]


def test_a_junior_buyers_cancel_request_approved_by_the_company_admin_cancels_it(
    world: ApiWorld,
) -> None:
    # Given a junior buyer's cancel, which their company role makes a request
    _, sub_id, admin_token, junior_token = _acme(world)
    submitted = _portal(world, junior_token, "POST", f"/{sub_id}/cancel", {})
    assert submitted.status == 202, submitted.body
    request_id = submitted.json()["change_request"]["id"]
    assert _status(world, sub_id) == "active"
    # When the company's admin approves it through the portal's change-request route
    path = f"/{sub_id}/change-requests/{request_id}/approve"
    reply = _portal(world, admin_token, "POST", path, {"reason": "contract ended"})
    # Then it ran through the lifecycle once: the subscription is cancelled, the request applied
    assert reply.status == 200, reply.body
    assert reply.json()["status"] == "applied"
    assert _status(world, sub_id) == "cancelled"
    assert world.event_types().count("subscription.cancelled") == 1
    again = _portal(world, admin_token, "POST", path, {"reason": "contract ended"})
    assert again.json()["status"] == "applied"
    assert world.event_types().count("subscription.cancelled") == 1


def test_a_junior_buyers_cancel_the_commitment_lock_refuses_is_recorded_as_not_applied(
    stack: ApiStack,
) -> None:
    # Given a company subscription inside a six-cycle commitment and its junior's cancel request
    world = ApiWorld.create(stack)
    monthly = Cadence(label="Monthly", interval=Interval.MONTH)
    plan = Plan(product_id=PRODUCT_ID, cadences=[monthly], commitment_count=6)
    stack.put_plan(world.store_hash, plan)
    _, sub_id, admin_token, junior_token = _acme(world)
    submitted = _portal(world, junior_token, "POST", f"/{sub_id}/cancel", {})
    request_id = submitted.json()["change_request"]["id"]
    # When the company admin approves it
    reply = _portal(world, admin_token, "POST", f"/{sub_id}/change-requests/{request_id}/approve")
    # Then the lock refused it, the request says why, and the subscription runs on
    assert reply.status == 200, reply.body
    assert reply.json()["status"] == "not_applied"
    assert reply.json()["outcome"]["code"] == "cancel_locked"
    assert _status(world, sub_id) == "active"


def test_a_company_admin_cancels_a_company_subscription_directly(world: ApiWorld) -> None:
    _, sub_id, admin_token, _ = _acme(world)
    reply = _portal(world, admin_token, "POST", f"/{sub_id}/cancel", {})
    assert reply.status == 200, reply.body
    assert _status(world, sub_id) == "cancelled"


def test_a_senior_buyer_acts_directly_as_a_manager_but_decides_nothing(world: ApiWorld) -> None:
    # Given a junior's pending skip and a senior buyer of the same company
    acme, sub_id, _, junior_token = _acme(world)
    _, senior_token = _buyer(world, acme, SENIOR)
    request_id = _portal(world, junior_token, "POST", f"/{sub_id}/skip").json()["change_request"]
    before = _stored(world)
    # When the senior buyer tries to approve it, it is refused and nothing is written
    path = f"/{sub_id}/change-requests/{request_id['id']}/approve"
    refused = _portal(world, senior_token, "POST", path)
    assert refused.status == 403, refused.body
    assert refused.json()["error"] == "not_an_approver"
    assert _stored(world) == before
    # And their own pause takes effect at once
    paused = _portal(world, senior_token, "POST", f"/{sub_id}/pause")
    assert paused.status == 200, paused.body
    assert _status(world, sub_id) == "paused"


def test_a_junior_buyer_decides_nothing_and_is_refused_what_no_request_carries(
    world: ApiWorld,
) -> None:
    # Given a company subscription the senior buyer owns and pays, and a junior buyer
    on_b2b(world)
    acme = company(world, "Acme")
    senior, _ = _buyer(world, acme, SENIOR)
    sub_id = _enrolled(world, senior)
    _, junior_token = _buyer(world, acme, JUNIOR)
    before = _stored(world)
    # When the junior buyer tries to change the card (no request can carry it)
    body = {"instrument_token": "tok_any"}
    reply = _portal(world, junior_token, "PUT", f"/{sub_id}/payment-method", body)
    # Then it is a 403 naming their company role, and nothing is written
    assert reply.status == 403, reply.body
    assert reply.json()["error"] == "role_forbids_action"
    assert reply.json()["company_role"] == "junior_buyer"
    assert reply.json()["action"] == "change_card"
    assert _stored(world) == before


@pytest.mark.parametrize(
    ("route", "body"), [("cancel", {}), ("pause", None), ("skip", None)], ids=str
)
def test_a_child_companys_admin_neither_sees_nor_acts_on_the_parents_subscriptions(
    world: ApiWorld, route: str, body: Any
) -> None:
    # Given a parent company's subscription and an admin of its subsidiary
    on_b2b(world)
    parent = company(world, "Holding")
    child = company(world, "Branch", parent)
    owner, _ = _buyer(world, parent, SENIOR)
    sub_id = _enrolled(world, owner)
    _, child_admin = _buyer(world, child, ADMIN)
    before = _stored(world)
    # When the child's admin lists, reads and changes it
    listed = _listed(world, child_admin)
    read = _portal(world, child_admin, "GET", f"/{sub_id}")
    changed = _portal(world, child_admin, "POST", f"/{sub_id}/{route}", body)
    # Then the subscription does not exist for them, and nothing is written
    assert sub_id not in listed
    assert (read.status, changed.status) == (404, 404)
    assert _stored(world) == before


def test_a_parent_companys_admin_does_not_reach_a_subsidiarys_subscriptions(
    world: ApiWorld,
) -> None:
    # Given a subsidiary's subscription and an admin of its parent (each company has its own)
    on_b2b(world)
    parent = company(world, "Holding")
    child = company(world, "Branch", parent)
    owner, _ = _buyer(world, child, SENIOR)
    sub_id = _enrolled(world, owner)
    _, parent_admin = _buyer(world, parent, ADMIN)
    before = _stored(world)
    # When the parent's admin lists and cancels it, it is not theirs to see
    assert sub_id not in _listed(world, parent_admin)
    assert _portal(world, parent_admin, "POST", f"/{sub_id}/cancel", {}).status == 404
    assert _stored(world) == before


def test_another_companys_admin_gets_404_on_a_change_request(world: ApiWorld) -> None:
    # Given a junior's pending cancel at Acme and the admin of another company of the store
    _, sub_id, _, junior_token = _acme(world)
    request_id = _portal(world, junior_token, "POST", f"/{sub_id}/cancel", {}).json()[
        "change_request"
    ]["id"]
    globex = company(world, "Globex")
    _, other_admin = _buyer(world, globex, ADMIN)
    before = _stored(world)
    # When they read, approve or reject it, it does not exist for them
    path = f"/{sub_id}/change-requests/{request_id}"
    assert _portal(world, other_admin, "GET", path).status == 404
    assert _portal(world, other_admin, "POST", f"{path}/approve").status == 404
    assert _portal(world, other_admin, "POST", f"{path}/reject").status == 404
    assert _stored(world) == before
    assert _status(world, sub_id) == "active"


def test_the_merchant_approves_a_junior_buyers_request_as_any_other(world: ApiWorld) -> None:
    _, sub_id, _, junior_token = _acme(world)
    request_id = _portal(world, junior_token, "POST", f"/{sub_id}/cancel", {}).json()[
        "change_request"
    ]["id"]
    path = f"/admin/subscriptions/{sub_id}/change-requests/{request_id}/approve"
    reply = world.call("POST", path, world.session_token(), {})
    assert reply.status == 200, reply.body
    assert reply.json()["status"] == "applied"
    assert _status(world, sub_id) == "cancelled"


def test_a_store_without_b2b_edition_lists_only_the_shoppers_own_as_before(
    world: ApiWorld,
) -> None:
    # Given a store not on B2B Edition and a shopper with one subscription
    customer, _ = world.subscribe()
    token = str(world.emulator.current_customer_jwt(world.store_hash, customer.id))
    # When they list, the item is theirs alone, with no company and no company role
    [item] = _listed(world, token).values()
    assert (item["company"], item["company_role"], item["effective_role"]) == (None, None, "owner")
    assert item["request_actions"] == []


def test_a_company_admin_hands_the_paying_to_another_buyer_of_the_company(
    world: ApiWorld,
) -> None:
    # Given Acme's subscription its junior buyer pays, and a senior buyer of Acme
    acme, sub_id, admin_token, _ = _acme(world)
    senior, _ = _buyer(world, acme, SENIOR)
    # When Acme's admin names the senior buyer as payer
    reply = _portal(world, admin_token, "PUT", f"/{sub_id}/payer", {"customer_id": senior})
    # Then the senior buyer pays from the next renewal, and the event says who acted
    assert reply.status == 200, reply.body
    assert reply.json()["payer_customer_id"] == senior
    assert world.event_data("subscription.payer_changed")["customer_id"] == senior


def test_a_payer_outside_the_company_or_a_non_admin_is_refused_and_nothing_is_written(
    world: ApiWorld,
) -> None:
    # Given Acme's subscription, a buyer of another company and a plain shopper
    acme, sub_id, admin_token, junior_token = _acme(world)
    outsider, _ = _buyer(world, company(world, "Globex"), SENIOR)
    plain = world.shopper("ok")
    _, senior_token = _buyer(world, acme, SENIOR)
    before = _stored(world)
    # When the admin names either as payer, it is a 422
    for customer_id in (outsider, plain.id):
        body = {"customer_id": customer_id}
        reply = _portal(world, admin_token, "PUT", f"/{sub_id}/payer", body)
        assert (reply.status, reply.json()["error"]) == (422, "payer_not_in_company"), reply.body
    # And when a senior or junior buyer tries, it is a 403 naming their company role
    for token, role in ((senior_token, "senior_buyer"), (junior_token, "junior_buyer")):
        reply = _portal(world, token, "PUT", f"/{sub_id}/payer", {"customer_id": outsider})
        assert reply.status == 403, reply.body
        assert (reply.json()["error"], reply.json()["company_role"]) == (
            "company_admin_only",
            role,
        )
    assert _stored(world) == before


def test_the_buyers_company_is_asked_of_b2b_edition_once_per_cache_window(
    world: ApiWorld,
) -> None:
    # Given a company admin who lists, reads and lists again within the cache window
    _, sub_id, admin_token, _ = _acme(world)
    world.emulator.reset_calls()
    for _ in range(3):
        _listed(world, admin_token)
    assert _portal(world, admin_token, "GET", f"/{sub_id}").status == 200
    # Then B2B Edition was asked for the buyer once, and never for a list of subscriptions
    user_calls = [p for _, p in world.emulator.calls if "/users/customer/" in p]
    assert len(user_calls) == 1, world.emulator.calls
