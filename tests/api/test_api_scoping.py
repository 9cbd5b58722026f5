"""Every mutating route of the admin and portal APIs, tried across stores and across customers,
on the in-memory container (`tests/integration/test_api_scoping.py` keeps the endpoint routes
and a few of these on the whole topology).

The route tables must list every mutating route the handlers register (the first tests check
that), so a new route cannot ship without its cross-store and cross-customer attempts.
"""

from __future__ import annotations

from typing import Any

import pytest

from .b2b import buyer, company, enrollment, on_b2b
from .route_tables import (
    ACTOR_ROUTES,
    ADMIN_ONLY_ROUTES,
    ADMIN_READ_ROUTES,
    ALLOTMENT_ROUTES,
    CALLER_SCOPED,
    CHANGE_REQUEST_PATH,
    CHANGE_REQUEST_ROUTES,
    COMPANY_ROUTES,
    CUSTOM_FIELD_ROUTES,
    DEAD_LETTER_ROUTES,
    ENDPOINT_ROUTES,
    MUTATING,
    SUBSCRIPTION_ROUTES,
    TOKEN_SCOPED,
)
from .world import ApiStack, ApiWorld, handler_module


@pytest.fixture
def other(stack: ApiStack) -> ApiWorld:
    return ApiWorld.create(stack)


def _mutating_routes(function: str) -> set[str]:
    # The portal serves no OpenAPI document, so both APIs are read from their resolvers.
    app = handler_module(function).app
    keys = {f"{m} {k[len(m) :]}" for k in app._route_keys for m in MUTATING if k.startswith(m)}
    return {k for k in keys if k.split(" ")[1].startswith("/")}


def _stored(world: ApiWorld) -> list[Any]:
    """Everything held under the store's keys (with lock versions), its events and ops events,
    and its install."""
    return [
        world.records(),
        world.event_types(),
        world.ops_events(),
        world.stack.installs.get(world.store_hash),
    ]


def _subscription(world: ApiWorld) -> tuple[str, str]:
    customer, _ = world.subscribe()
    token = str(world.emulator.current_customer_jwt(world.store_hash, customer.id))
    return world.subscription_ids()[-1], token


def test_every_mutating_admin_route_is_in_the_tables() -> None:
    listed = {f"{m} /admin/subscriptions/<subscription_id>/{r}" for m, r, _ in SUBSCRIPTION_ROUTES}
    listed |= {f"{m} /admin/subscriptions/<subscription_id>/{r}" for m, r, _ in ADMIN_ONLY_ROUTES}
    listed |= {f"{m} /admin/subscriptions/<subscription_id>/{r}" for m, r, _, _ in ACTOR_ROUTES}
    listed |= {f"{m} /admin/webhooks/endpoints/<endpoint_id>/{r}" for m, r, _ in ENDPOINT_ROUTES}
    dead_letter = "/admin/ops/dead-letters/<dead_letter_id>"
    listed |= {f"{m} {dead_letter}/{r}" for m, r, _ in DEAD_LETTER_ROUTES}
    listed |= {f"{m} /admin{CHANGE_REQUEST_PATH}/{r}" for m, r, _ in CHANGE_REQUEST_ROUTES}
    field = "/admin/custom-fields/<key>"
    listed |= {f"{m} {field}/{r}".rstrip("/") for m, r, _ in CUSTOM_FIELD_ROUTES}
    listed |= {r for r in CALLER_SCOPED if r.split(" ")[1].startswith("/admin")}
    listed |= {f"{m} /admin/allotments/<grant_id>/{r}" for m, r, _ in ALLOTMENT_ROUTES}
    assert _mutating_routes("AdminApiFunction") == listed


def test_every_mutating_portal_route_is_in_the_tables() -> None:
    listed = {f"{m} /portal/subscriptions/<subscription_id>/{r}" for m, r, _ in SUBSCRIPTION_ROUTES}
    listed |= {f"{m} /portal{CHANGE_REQUEST_PATH}/{r}" for m, r, _ in CHANGE_REQUEST_ROUTES}
    listed |= {f"{m} /portal/subscriptions/<subscription_id>/{r}" for m, r, _ in COMPANY_ROUTES}
    listed |= {r for r in CALLER_SCOPED if r.split(" ")[1].startswith("/portal")}
    listed |= TOKEN_SCOPED
    assert _mutating_routes("PortalApiFunction") == listed


@pytest.mark.parametrize(
    ("method", "route", "body"), SUBSCRIPTION_ROUTES + ADMIN_ONLY_ROUTES + ADMIN_READ_ROUTES
)
def test_another_stores_merchant_gets_404_on_every_subscription_route(
    world: ApiWorld, other: ApiWorld, method: str, route: str, body: Any
) -> None:
    # Given a subscription of this store
    sub_id, _ = _subscription(world)
    before = _stored(world)
    # When the other store's merchant acts on it
    path = f"/admin/subscriptions/{sub_id}/{route}"
    reply = other.call(method, path, other.session_token(), body)
    # Then it does not exist for them, and nothing of this store changed
    assert (reply.status, reply.json()["error"]) == (404, "not_found"), reply.body
    assert _stored(world) == before


@pytest.mark.parametrize(("method", "route", "body"), SUBSCRIPTION_ROUTES)
def test_another_customer_or_another_stores_shopper_gets_404_on_every_portal_route(
    world: ApiWorld, other: ApiWorld, method: str, route: str, body: Any
) -> None:
    # Given a subscription, another shopper of its store, and a shopper of another store
    sub_id, _ = _subscription(world)
    _, same_store = _subscription(world)
    _, other_store = _subscription(other)
    before = _stored(world)
    for token in (same_store, other_store):
        # When each acts on it
        reply = world.call(method, f"/portal/subscriptions/{sub_id}/{route}", token, body)
        # Then it does not exist for them
        assert (reply.status, reply.json()["error"]) == (404, "not_found"), reply.body
    assert _stored(world) == before


@pytest.mark.parametrize(("method", "route", "body"), ADMIN_ONLY_ROUTES)
def test_shoppers_cannot_reach_admin_only_routes(
    world: ApiWorld, method: str, route: str, body: Any
) -> None:
    sub_id, shopper = _subscription(world)
    before = _stored(world)
    admin = world.call(method, f"/admin/subscriptions/{sub_id}/{route}", shopper, body)
    portal = world.call(method, f"/portal/subscriptions/{sub_id}/{route}", shopper, body)
    assert (admin.status, portal.status) == (401, 404)
    assert _stored(world) == before


def _allotment(world: ApiWorld) -> tuple[str, str, str]:
    """A grant to a shopper of the store, debited once: (grant id, debit id, their token)."""
    customer = world.shopper()
    grant = {"customer_id": customer.id, "unit": "count", "amount_per_period": "5"}
    reply = world.call("POST", "/admin/allotments", world.session_token(), grant)
    assert reply.status == 201, reply.body
    grant_id = reply.json()["id"]
    debit = world.call(
        "POST", f"/admin/allotments/{grant_id}/debits", world.session_token(), {"amount": "1"}
    )
    assert debit.status == 201, debit.body
    token = str(world.emulator.current_customer_jwt(world.store_hash, customer.id))
    return grant_id, debit.json()["debit"]["id"], token


@pytest.mark.parametrize(
    ("method", "route", "body"),
    [*ALLOTMENT_ROUTES, ("GET", "", None), ("GET", "debits", None)],
)
def test_another_stores_merchant_gets_404_on_every_allotment_route(
    world: ApiWorld, other: ApiWorld, method: str, route: str, body: Any
) -> None:
    # Given a grant of this store, debited once
    grant_id, debit_id, _ = _allotment(world)
    before = _stored(world)
    # When the other store's merchant acts on it
    path = f"/admin/allotments/{grant_id}/{route.replace('<debit_id>', debit_id)}".rstrip("/")
    reply = other.call(method, path, other.session_token(), body)
    # Then it does not exist for them, and nothing of this store changed
    assert (reply.status, reply.json()["error"]) == (404, "not_found"), reply.body
    assert _stored(world) == before


@pytest.mark.parametrize(("method", "route", "body"), [(m, r, b) for m, _, r, b in ACTOR_ROUTES])
def test_another_stores_merchant_gets_404_on_every_actor_route(
    world: ApiWorld, other: ApiWorld, method: str, route: str, body: Any
) -> None:
    # Given a subscription of this store
    sub_id, _ = _subscription(world)
    before = _stored(world)
    # When the other store's merchant changes its actors
    reply = other.call(
        method, f"/admin/subscriptions/{sub_id}/{route}", other.session_token(), body
    )
    # Then it does not exist for them, and nothing of this store changed
    assert (reply.status, reply.json()["error"]) == (404, "not_found"), reply.body
    assert _stored(world) == before


PO_NUMBER = {"key": "po_number", "scope": "subscription", "type": "text", "label": "PO number"}


@pytest.mark.parametrize(("method", "route", "body"), CUSTOM_FIELD_ROUTES)
def test_another_stores_merchant_gets_404_on_every_custom_field_route(
    world: ApiWorld, other: ApiWorld, method: str, route: str, body: Any
) -> None:
    # Given a custom field of this store
    created = world.call("POST", "/admin/custom-fields", world.session_token(), PO_NUMBER)
    assert created.status == 201, created.body
    before = _stored(world)
    # When the other store's merchant changes or archives that key
    path = f"/admin/custom-fields/po_number/{route}".rstrip("/")
    reply = other.call(method, path, other.session_token(), body)
    # Then it does not exist for them, and nothing of this store changed
    assert (reply.status, reply.json()["error"]) == (404, "not_found"), reply.body
    assert _stored(world) == before


def test_another_shopper_or_another_stores_shopper_never_sees_a_grant_in_the_portal(
    world: ApiWorld, other: ApiWorld
) -> None:
    # Given both stores show balances to subscribers, and a grant of this store's shopper
    for store in (world, other):
        with store.stack.uow() as uow:
            uow.tenant_configs.put(store.store_hash, {"subscriber_sees_allotments": True})
            uow.commit()
    grant_id, _, holder = _allotment(world)
    _, _, same_store = _allotment(world)
    _, _, other_store = _allotment(other)
    # When / Then the holder sees it; the others get 404 and an own list without it
    assert world.call("GET", f"/portal/allotments/{grant_id}", holder).status == 200
    for token in (same_store, other_store):
        reply = world.call("GET", f"/portal/allotments/{grant_id}", token)
        assert (reply.status, reply.json()["error"]) == (404, "not_found"), reply.body
        listed = world.call("GET", "/portal/allotments", token).json()["allotments"]
        assert grant_id not in [g["id"] for g in listed]


@pytest.mark.parametrize(("method", "route", "body"), [(m, r, b) for m, _, r, b in ACTOR_ROUTES])
def test_shoppers_cannot_reach_the_actor_routes(
    world: ApiWorld, method: str, route: str, body: Any
) -> None:
    # Given a shopper's own subscription
    sub_id, shopper = _subscription(world)
    before = _stored(world)
    # When they try to change its actors through either API
    admin = world.call(method, f"/admin/subscriptions/{sub_id}/{route}", shopper, body)
    portal = world.call(method, f"/portal/subscriptions/{sub_id}/{route}", shopper, body)
    # Then the admin API does not know them and the portal has no such route
    assert (admin.status, portal.status) == (401, 404)
    assert _stored(world) == before


def _change_request(world: ApiWorld) -> tuple[str, str]:
    """A shopper's pending change request (their store wants its shoppers' changes approved)."""
    with world.stack.uow() as uow:
        uow.tenant_configs.put(
            world.store_hash, {"change_requests": {"shopper_changes": "request"}}
        )
        uow.commit()
    sub_id, token = _subscription(world)
    reply = world.call("POST", f"/portal/subscriptions/{sub_id}/skip", token)
    assert reply.status == 202, reply.body
    return sub_id, str(reply.json()["change_request"]["id"])


_READ = ("GET", "", None)


@pytest.mark.parametrize(("method", "route", "body"), [*CHANGE_REQUEST_ROUTES, _READ])
def test_another_stores_merchant_gets_404_on_every_change_request_route(
    world: ApiWorld, other: ApiWorld, method: str, route: str, body: Any
) -> None:
    # Given a pending change request of this store
    sub_id, request_id = _change_request(world)
    before = _stored(world)
    # When the other store's merchant reads or decides it
    path = f"/admin/subscriptions/{sub_id}/change-requests/{request_id}/{route}".rstrip("/")
    reply = other.call(method, path, other.session_token(), body)
    # Then it does not exist for them, nor does the subscription's list, and nothing of this
    # store changed
    assert (reply.status, reply.json()["error"]) == (404, "not_found"), reply.body
    listing = other.call(
        "GET", f"/admin/subscriptions/{sub_id}/change-requests", other.session_token()
    )
    assert listing.status == 404
    assert _stored(world) == before


@pytest.mark.parametrize(("method", "route", "body"), [*CHANGE_REQUEST_ROUTES, _READ])
def test_another_shopper_or_another_stores_shopper_gets_404_on_a_change_request(
    world: ApiWorld, other: ApiWorld, method: str, route: str, body: Any
) -> None:
    # Given a shopper's pending change request, another shopper of the store, and a shopper
    # of another store
    sub_id, request_id = _change_request(world)
    _, same_store = _subscription(world)
    _, other_store = _subscription(other)
    before = _stored(world)
    path = f"/portal/subscriptions/{sub_id}/change-requests/{request_id}/{route}".rstrip("/")
    for token in (same_store, other_store):
        # When each reads or decides it
        reply = world.call(method, path, token, body)
        # Then it does not exist for them, nor does the subscription's list
        assert (reply.status, reply.json()["error"]) == (404, "not_found"), reply.body
        listing = world.call("GET", f"/portal/subscriptions/{sub_id}/change-requests", token)
        assert listing.status == 404
    assert _stored(world) == before


def test_a_request_id_of_another_subscription_of_the_store_is_404(world: ApiWorld) -> None:
    # Given a pending request on one subscription and another subscription of the store
    _, request_id = _change_request(world)
    other_sub, _ = _subscription(world)
    before = _stored(world)
    # When the merchant names the request under the other subscription
    path = f"/admin/subscriptions/{other_sub}/change-requests/{request_id}/approve"
    reply = world.call("POST", path, world.session_token())
    # Then there is no such request there
    assert (reply.status, reply.json()["error"]) == (404, "not_found"), reply.body
    assert _stored(world) == before


def test_another_stores_merchant_gets_404_on_a_companys_mrr(
    world: ApiWorld, other: ApiWorld
) -> None:
    # Given a company of this store with a subscription, both stores on B2B Edition
    on_b2b(world)
    on_b2b(other)
    acme = company(world, "Acme")
    reply = world.call(
        "POST", "/admin/enrollments", world.session_token(), enrollment(buyer(world, acme).id)
    )
    assert reply.status == 200, reply.body
    before = _stored(world)
    # When the other store's merchant asks for its MRR
    theirs = other.call("GET", f"/admin/companies/{acme}/mrr", other.session_token())
    # Then the company does not exist for them, and nothing of this store changed
    assert (theirs.status, theirs.json()["error"]) == (404, "not_found"), theirs.body
    assert world.call("GET", f"/admin/companies/{acme}/mrr", world.session_token()).status == 200
    assert _stored(world) == before


def test_another_stores_custom_fields_are_never_listed_nor_applied(
    world: ApiWorld, other: ApiWorld
) -> None:
    # Given a required custom field defined by another store only
    required = {**PO_NUMBER, "required": True, "pattern": "PO-[0-9]{5}"}
    assert other.call("POST", "/admin/custom-fields", other.session_token(), required).status == 201
    sub_id, shopper = _subscription(world)
    # When this store lists its fields and its merchant and shopper read the values
    listed = world.call("GET", "/admin/custom-fields", world.session_token())
    admin = world.call("GET", f"/admin/subscriptions/{sub_id}/custom-fields", world.session_token())
    portal = world.call("GET", f"/portal/subscriptions/{sub_id}/custom-fields", shopper)
    # Then none of the other store's definitions is there
    assert listed.json() == {"items": []}
    assert admin.json()["definitions"] == portal.json()["definitions"] == []
    # And a value for that key is unknown here, while an empty change is not held to it
    path = f"/admin/subscriptions/{sub_id}/custom-fields"
    refused = world.call("PATCH", path, world.session_token(), {"values": {"po_number": "x"}})
    assert (refused.status, refused.json()["errors"][0]["code"]) == (422, "unknown_field")
    assert world.call("PATCH", path, world.session_token(), {"values": {}}).status == 200


def _company_admin(world: ApiWorld, company_id: int) -> str:
    customer = world.shopper("ok")
    world.emulator.add_buyer(world.store_hash, company_id, customer.id, role=0)
    return str(world.emulator.current_customer_jwt(world.store_hash, customer.id))


def _outsiders(world: ApiWorld, other: ApiWorld, acme: int) -> list[str]:
    """Admins of every company but Acme: another company of the store, Acme's subsidiary, and
    a company of another store (its id may well be Acme's)."""
    on_b2b(other)
    globex = company(world, "Globex")
    branch = company(world, "Branch", acme)
    elsewhere = company(other, "Acme elsewhere")
    return [
        _company_admin(world, globex),
        _company_admin(world, branch),
        _company_admin(other, elsewhere),
    ]


def _company_subscription(world: ApiWorld) -> tuple[int, str, str]:
    """Acme's subscription, owned by its junior buyer (role 2), and that buyer's token."""
    on_b2b(world)
    acme = company(world, "Acme")
    junior = world.shopper("ok")
    world.emulator.add_buyer(world.store_hash, acme, junior.id, role=2)
    reply = world.call("POST", "/admin/enrollments", world.session_token(), enrollment(junior.id))
    assert reply.status == 200, reply.body
    token = str(world.emulator.current_customer_jwt(world.store_hash, junior.id))
    return acme, str(reply.json()["subscription"]["id"]), token


@pytest.mark.parametrize(("method", "route", "body"), SUBSCRIPTION_ROUTES + COMPANY_ROUTES)
def test_another_companys_admin_gets_404_on_every_portal_route_of_a_company_subscription(
    world: ApiWorld, other: ApiWorld, method: str, route: str, body: Any
) -> None:
    # Given Acme's subscription and the admins of a sibling, a subsidiary and another store's
    acme, sub_id, _ = _company_subscription(world)
    outsiders = _outsiders(world, other, acme)
    before = _stored(world)
    for token in outsiders:
        # When each acts on it
        reply = world.call(method, f"/portal/subscriptions/{sub_id}/{route}", token, body)
        # Then it does not exist for them
        assert (reply.status, reply.json()["error"]) == (404, "not_found"), reply.body
    assert _stored(world) == before


@pytest.mark.parametrize(("method", "route", "body"), [*CHANGE_REQUEST_ROUTES, _READ])
def test_another_companys_admin_gets_404_on_a_company_change_request(
    world: ApiWorld, other: ApiWorld, method: str, route: str, body: Any
) -> None:
    # Given a junior buyer's pending cancel on Acme's subscription, and the outsiders' admins
    acme, sub_id, junior = _company_subscription(world)
    submitted = world.call("POST", f"/portal/subscriptions/{sub_id}/cancel", junior, {})
    assert submitted.status == 202, submitted.body
    request_id = submitted.json()["change_request"]["id"]
    outsiders = _outsiders(world, other, acme)
    before = _stored(world)
    path = f"/portal/subscriptions/{sub_id}/change-requests/{request_id}/{route}".rstrip("/")
    for token in outsiders:
        # When each reads or decides it, neither it nor the subscription's list exists for them
        reply = world.call(method, path, token, body)
        assert (reply.status, reply.json()["error"]) == (404, "not_found"), reply.body
        listing = world.call("GET", f"/portal/subscriptions/{sub_id}/change-requests", token)
        assert listing.status == 404
    assert _stored(world) == before
