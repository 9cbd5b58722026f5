"""The allotment routes of the admin and portal APIs, on the in-memory container: granting to
the store's own customers only, debits that stop at the balance, reversals, status changes,
and the portal that shows balances only where the store says so."""

from __future__ import annotations

from typing import Any

from bc_subscriptions.bootstrap import container
from bc_subscriptions.entrypoints.bc_webhook_processors import processors
from devstack.runtime import HttpResponse

from ..emulator_store import ONE_TIME_PRODUCT_ID
from .world import MERCHANT_USER_ID, ApiStack, ApiWorld

WALLET = {
    "unit": "currency",
    "currency_code": "USD",
    "amount_per_period": "50.00",
    "cadence": {"interval": "month"},
    "rollover": "cap_to_one_period",
    "order_debit": "order_total",
    "reason": "loyalty credit",
}


COST_CENTER = {
    "key": "cost_center",
    "scope": "allotment_grant",
    "type": "text",
    "label": "Cost center",
    "pattern": "[A-Z]{2}-[0-9]{1,4}",
}


def _define_cost_center(world: ApiWorld) -> None:
    """The store asks for a cost center on its grants."""
    reply = world.call("POST", "/admin/custom-fields", world.session_token(), COST_CENTER)
    assert reply.status == 201, reply.body


def _grant(world: ApiWorld, customer_id: int, **overrides: Any) -> dict[str, Any]:
    body = {**WALLET, "customer_id": customer_id, **overrides}
    reply = world.call("POST", "/admin/allotments", world.session_token(), body)
    assert reply.status == 201, reply.body
    return dict(reply.json())


def _list(world: ApiWorld, query: dict[str, str]) -> HttpResponse:
    headers = {"authorization": f"Bearer {world.session_token()}"}
    return world.stack.http("GET", "/admin/allotments", headers=headers, query=query)


def _show_balances(world: ApiWorld, shown: bool = True) -> None:
    with world.stack.uow() as uow:
        uow.tenant_configs.put(world.store_hash, {"subscriber_sees_allotments": shown})
        uow.commit()


def test_a_merchant_grants_an_allotment_to_a_customer_of_the_store(world: ApiWorld) -> None:
    # Given a customer of the store, which files grants under a cost center
    customer = world.shopper()
    _define_cost_center(world)
    # When the merchant grants them a monthly wallet
    grant = _grant(world, customer.id, custom_fields={"cost_center": "CS-4"})
    # Then it is full, audited with who granted it and why, and its event was written
    assert (grant["balance"], grant["available"], grant["status"]) == ("50.00", "50.00", "active")
    assert grant["granted_by"] == {"kind": "merchant", "id": str(MERCHANT_USER_ID)}
    assert grant["reason"] == "loyalty credit"
    assert grant["custom_fields"] == {"cost_center": "CS-4"}
    assert world.event_types() == ["allotment.granted"]
    actor = world.event_data("allotment.granted")["actor"]
    assert actor == {"type": "merchant_user", "id": MERCHANT_USER_ID}
    read = world.call("GET", f"/admin/allotments/{grant['id']}", world.session_token())
    assert read.json() == grant


def test_a_grant_for_another_stores_customer_is_refused_and_nothing_is_written(
    world: ApiWorld, stack: ApiStack
) -> None:
    # Given a customer of another store (and an id no store has)
    other = ApiWorld.create(stack)
    stranger = other.shopper()
    before = world.records()
    for customer_id in (stranger.id, 999_999):
        # When the merchant grants to them
        body = {**WALLET, "customer_id": customer_id}
        reply = world.call("POST", "/admin/allotments", world.session_token(), body)
        # Then the rule is named, and nothing was written
        assert (reply.status, reply.json()["error"]) == (422, "customer_not_in_store")
    assert world.records() == before
    assert world.event_types() == []


def test_a_grant_whose_customer_bigcommerce_cannot_confirm_is_a_502_and_writes_nothing(
    world: ApiWorld,
) -> None:
    # Given BigCommerce fails every customer lookup for a while
    customer = world.shopper()
    world.emulator.faults.inject("GET", "/stores/*/v3/customers", "5xx_before", times=10)
    # When the merchant grants
    body = {**WALLET, "customer_id": customer.id}
    reply = world.call("POST", "/admin/allotments", world.session_token(), body)
    # Then it says so, and nothing was granted
    assert (reply.status, reply.json()["error"]) == (502, "bigcommerce_unavailable")
    assert world.records() == []


def test_a_grant_that_does_not_agree_with_itself_is_refused_with_its_fields(
    world: ApiWorld,
) -> None:
    # Given / When a currency grant without its currency, and a count in fractions
    customer = world.shopper()
    no_code = {**WALLET, "customer_id": customer.id, "currency_code": None}
    fraction = {"customer_id": customer.id, "unit": "count", "amount_per_period": "1.5"}
    replies = [
        world.call("POST", "/admin/allotments", world.session_token(), body)
        for body in (no_code, fraction)
    ]
    # Then both are 422 and nothing was written
    assert [r.status for r in replies] == [422, 422]
    assert "currency_code" in replies[0].body and "decimal places" in replies[1].body
    assert world.records() == []


def test_a_debit_beyond_the_balance_is_refused_and_changes_nothing(world: ApiWorld) -> None:
    # Given a wallet of 50.00 with 30.00 debited
    grant = _grant(world, world.shopper().id)
    path = f"/admin/allotments/{grant['id']}/debits"
    first = world.call("POST", path, world.session_token(), {"amount": "30.00"})
    assert first.status == 201 and first.json()["allotment"]["balance"] == "20.00"
    before = world.records()
    # When 20.01 more is asked
    reply = world.call("POST", path, world.session_token(), {"amount": "20.01"})
    # Then the rule is named and nothing was written
    assert (reply.status, reply.json()["error"]) == (409, "insufficient_balance")
    assert world.records() == before


def test_an_overdraft_lets_a_debit_go_below_zero_down_to_its_limit(world: ApiWorld) -> None:
    # Given a wallet of 50.00 that may overdraw by 10.00
    grant = _grant(world, world.shopper().id, overdraft_limit="10.00")
    path = f"/admin/allotments/{grant['id']}/debits"
    # When 60.00 is debited, then one cent more
    reply = world.call("POST", path, world.session_token(), {"amount": "60.00"})
    beyond = world.call("POST", path, world.session_token(), {"amount": "0.01"})
    # Then the first takes it to -10.00 and the second is refused
    assert reply.json()["allotment"]["balance"] == "-10.00"
    assert (beyond.status, beyond.json()["error"]) == (409, "insufficient_balance")


def test_the_same_order_debits_a_grant_once_whoever_asks_how_often(world: ApiWorld) -> None:
    # Given a wallet
    grant = _grant(world, world.shopper().id)
    path = f"/admin/allotments/{grant['id']}/debits"
    # When the merchant records order 7001 against it twice
    body = {"amount": "12.00", "order_id": 7001}
    first = world.call("POST", path, world.session_token(), body)
    again = world.call("POST", path, world.session_token(), body)
    # Then the repeat answers the first debit, and the balance moved once
    assert (first.status, again.status) == (201, 200)
    assert again.json()["debit"] == first.json()["debit"]
    assert again.json()["allotment"]["balance"] == "38.00"
    assert first.json()["debit"]["source"] == {"kind": "order", "id": "7001"}


def test_a_reversed_debit_gives_its_amount_back_once(world: ApiWorld) -> None:
    # Given a debit of 12.00
    grant = _grant(world, world.shopper().id)
    token = world.session_token()
    debit = world.call("POST", f"/admin/allotments/{grant['id']}/debits", token, {"amount": "12"})
    debit_id = debit.json()["debit"]["id"]
    path = f"/admin/allotments/{grant['id']}/debits/{debit_id}/reverse"
    # When it is reversed, twice
    reversed_ = world.call("POST", path, token, {"reason": "goodwill"})
    twice = world.call("POST", path, token, {})
    # Then the balance is whole again, the debit says when, and the repeat is refused
    assert reversed_.json()["balance"] == "50.00"
    assert (twice.status, twice.json()["error"]) == (409, "debit_already_reversed")
    [listed] = world.call("GET", f"/admin/allotments/{grant['id']}/debits", token).json()["debits"]
    assert listed["reversed_at"] is not None and listed["reversal_reason"] == "goodwill"
    assert world.event_types() == [
        "allotment.granted",
        "allotment.debited",
        "allotment.debit_reversed",
    ]


def test_a_suspended_grant_refuses_debits_until_resumed_and_a_revoked_one_for_good(
    world: ApiWorld,
) -> None:
    # Given a suspended grant
    grant = _grant(world, world.shopper().id)
    token, base = world.session_token(), f"/admin/allotments/{grant['id']}"
    assert world.call("POST", f"{base}/suspend", token, {"reason": "audit"}).status == 200
    # When / Then a debit is refused, accepted once resumed, and refused again once revoked
    refused = world.call("POST", f"{base}/debits", token, {"amount": "1"})
    assert (refused.status, refused.json()["error"]) == (409, "allotment_not_active")
    assert world.call("POST", f"{base}/resume", token, {}).json()["status"] == "active"
    assert world.call("POST", f"{base}/debits", token, {"amount": "1"}).status == 201
    assert world.call("POST", f"{base}/revoke", token, {}).json()["status"] == "revoked"
    again = world.call("POST", f"{base}/resume", token, {})
    assert (again.status, again.json()["error"]) == (409, "allotment_not_active")


def test_the_merchant_lists_the_stores_grants_and_one_customers_page_by_page(
    world: ApiWorld,
) -> None:
    # Given three grants of two customers
    ada, bob = world.shopper(), world.shopper()
    ids = [_grant(world, c.id)["id"] for c in (ada, bob, ada)]
    # When
    first = _list(world, {"limit": "2"}).json()
    rest = _list(world, {"limit": "2", "cursor": first["cursor"]}).json()
    adas = _list(world, {"customer_id": str(ada.id)}).json()
    bad = _list(world, {"cursor": "nonsense"})
    # Then
    assert len(first["allotments"]) == 2 and rest["cursor"] is None
    listed = [g["id"] for g in first["allotments"] + rest["allotments"]]
    assert sorted(listed) == sorted(ids)
    assert sorted(g["id"] for g in adas["allotments"]) == sorted([ids[0], ids[2]])
    assert (bad.status, bad.json()["error"]) == (400, "invalid_cursor")


def test_the_portal_shows_a_shopper_their_balances_only_where_the_store_allows(
    world: ApiWorld,
) -> None:
    # Given a shopper with a grant, in a store that does not show balances yet
    customer = world.shopper()
    grant = _grant(world, customer.id)
    token = str(world.emulator.current_customer_jwt(world.store_hash, customer.id))
    hidden = world.call("GET", "/portal/allotments", token)
    hidden_one = world.call("GET", f"/portal/allotments/{grant['id']}", token)
    # When the store turns balances on
    _show_balances(world)
    shown = world.call("GET", "/portal/allotments", token).json()
    # Then they were not found before, and now list the balance without the admin's audit
    assert (hidden.status, hidden_one.status) == (404, 404)
    [mine] = shown["allotments"]
    assert (mine["id"], mine["balance"], mine["status"]) == (grant["id"], "50.00", "active")
    assert "granted_by" not in mine and "reason" not in mine and "custom_fields" not in mine


def test_an_order_of_the_holder_debits_the_wallet_and_its_refund_gives_it_back(
    world: ApiWorld,
) -> None:
    # Given a wallet that debits the holder's mug purchases (12.00 each)
    customer = world.shopper()
    grant = _grant(world, customer.id, product_ids=[ONE_TIME_PRODUCT_ID])
    order = world.checkout(customer, [{"product_id": ONE_TIME_PRODUCT_ID, "quantity": 2}])
    work = processors(container())
    # When BigCommerce sends order/created twice, then (the merchant refunding the order in
    # BigCommerce) the order's refund twice
    for _ in range(2):
        work["store/order/created"](world.store_hash, {"type": "order", "id": order["id"]})
    after_order = world.call("GET", f"/admin/allotments/{grant['id']}", world.session_token())
    refund_id = world.emulator.refund_order(world.store_hash, order["id"])
    refund = {"type": "order", "id": order["id"], "refund": {"refund_id": refund_id}}
    for _ in range(2):
        work["store/order/refund/created"](world.store_hash, refund)
    after_refund = world.call("GET", f"/admin/allotments/{grant['id']}", world.session_token())
    # Then the order debited 24.00 once, and the refund gave it back once
    assert after_order.json()["balance"] == "26.00"
    assert after_refund.json()["balance"] == "50.00"
    assert world.event_types() == [
        "allotment.granted",
        "allotment.debited",
        "allotment.debit_reversed",
    ]


def test_an_order_of_another_shopper_or_in_another_currency_debits_nothing(
    world: ApiWorld,
) -> None:
    # Given a USD wallet of one shopper
    holder, other = world.shopper(), world.shopper()
    grant = _grant(world, holder.id)
    world.emulator.stores[world.store_hash].transactional_currencies.add("EUR")
    orders = [
        world.checkout(other, [{"product_id": ONE_TIME_PRODUCT_ID, "quantity": 1}]),
        world.checkout(
            holder, [{"product_id": ONE_TIME_PRODUCT_ID, "quantity": 1}], currency="EUR"
        ),
    ]
    # When their orders arrive
    work = processors(container())
    for order in orders:
        work["store/order/created"](world.store_hash, {"type": "order", "id": order["id"]})
    # Then the wallet is untouched
    read = world.call("GET", f"/admin/allotments/{grant['id']}", world.session_token())
    assert read.json()["balance"] == "50.00"


def test_an_order_left_incomplete_at_checkout_debits_when_it_is_placed_later(
    world: ApiWorld,
) -> None:
    # Given a wallet, and an order of its holder created Incomplete
    customer = world.shopper()
    grant = _grant(world, customer.id, product_ids=[ONE_TIME_PRODUCT_ID])
    lines = [{"product_id": ONE_TIME_PRODUCT_ID, "quantity": 1}]
    order = world.checkout(customer, lines, status_id=0)
    work = processors(container())
    work["store/order/created"](world.store_hash, {"type": "order", "id": order["id"]})
    untouched = world.call("GET", f"/admin/allotments/{grant['id']}", world.session_token())
    # When the shopper pays it, and BigCommerce says so (twice)
    world.emulator.pay_order(world.store_hash, order["id"])
    status = {"previous_status_id": 0, "new_status_id": 11}
    outcomes = [
        work["store/order/statusUpdated"](
            world.store_hash, {"type": "order", "id": order["id"], "status": status}
        )
        for _ in range(2)
    ]
    # Then the wallet was debited then, once
    after = world.call("GET", f"/admin/allotments/{grant['id']}", world.session_token())
    assert (untouched.json()["balance"], after.json()["balance"]) == ("50.00", "38.00")
    assert "allotments_debited:1" in outcomes[0] and "allotments" not in outcomes[1]


def test_a_grant_whose_custom_fields_fail_their_definitions_lists_every_error_and_writes_nothing(
    world: ApiWorld,
) -> None:
    # Given a customer of the store, whose grants carry a cost center like "CS-4"
    customer = world.shopper()
    _define_cost_center(world)
    # When the merchant grants with a malformed cost center and a field the store never defined
    body = {
        **WALLET,
        "customer_id": customer.id,
        "custom_fields": {"cost_center": "nope", "colour": "red"},
    }
    reply = world.call("POST", "/admin/allotments", world.session_token(), body)
    # Then both are refused together, and no grant or event was written
    assert reply.status == 422, reply.body
    assert reply.json()["error"] == "invalid_custom_fields"
    assert sorted(e["key"] for e in reply.json()["errors"]) == ["colour", "cost_center"]
    assert world.event_types() == []
    assert _list(world, {}).json()["allotments"] == []
