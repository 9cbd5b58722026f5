"""The emulator's catalog holds us to the catalog spec: modifier writes need `type` and
`required`, values sent without ids are new values, metafields are written in full and shown as
their permission set allows, and collections are paged with `meta.pagination`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from devstack.bc_emulator import BigCommerceEmulator

STORE, TOKEN, CLIENT = "abc123", "store-token", "our-client"
BEANS = 111
BASE = f"/stores/{STORE}/v3/catalog/products/{BEANS}"
MODIFIER = {"type": "dropdown", "required": True, "display_name": "Subscription"}
FIELD = {"namespace": "bc_subscriptions", "key": "plan", "value": "{}", "permission_set": "read"}


@pytest.fixture
def emu() -> BigCommerceEmulator:
    emu = BigCommerceEmulator(client_id=CLIENT, client_secret="secret")
    emu.create_store(STORE, access_token=TOKEN)
    emu.add_product(STORE, product_id=BEANS, name="Beans", price=Decimal("12.50"))
    return emu


@pytest.fixture
def http(emu: BigCommerceEmulator) -> httpx.Client:
    return httpx.Client(
        transport=emu.transport(), base_url="https://bc.test", headers={"X-Auth-Token": TOKEN}
    )


def _values(*labels: str) -> list[dict[str, Any]]:
    return [{"label": label, "sort_order": i} for i, label in enumerate(labels)]


def _modifier(http: httpx.Client, *labels: str) -> dict[str, Any]:
    body = {**MODIFIER, "option_values": _values(*labels)}
    created: dict[str, Any] = http.post(f"{BASE}/modifiers", json=body).json()["data"]
    return created


@pytest.mark.parametrize("missing", ["type", "required"])
def test_a_modifier_update_without_type_or_required_is_refused_with_the_v3_error_shape(
    http: httpx.Client, missing: str
) -> None:
    # Given a modifier
    modifier = _modifier(http, "Monthly")
    body = {k: v for k, v in MODIFIER.items() if k != missing}
    # When it is updated without one of the two required fields
    reply = http.put(f"{BASE}/modifiers/{modifier['id']}", json=body)
    # Then BigCommerce's 422 names the field, and nothing changed
    assert reply.status_code == 422
    error = reply.json()
    assert (error["status"], sorted(error["errors"])) == (422, [missing])
    assert {"title", "type"} <= set(error)


def test_values_sent_without_their_ids_are_new_values_and_values_left_out_are_gone(
    http: httpx.Client,
) -> None:
    # Given a modifier with two values
    modifier = _modifier(http, "Monthly", "Weekly")
    monthly, weekly = modifier["option_values"]
    # When one is sent back with its id, one without, and a new one is added
    values = [
        {"id": monthly["id"], "label": "Monthly", "sort_order": 0},
        {"label": "Weekly", "sort_order": 1},
    ]
    reply = http.put(
        f"{BASE}/modifiers/{modifier['id']}", json={**MODIFIER, "option_values": values}
    )
    # Then the first keeps its id and the second is a new value: the old id no longer exists
    assert reply.status_code == 200, reply.text
    after = reply.json()["data"]["option_values"]
    assert after[0]["id"] == monthly["id"]
    assert after[1]["id"] not in (monthly["id"], weekly["id"])


def test_a_value_id_the_modifier_does_not_have_is_refused(http: httpx.Client) -> None:
    # Given
    modifier = _modifier(http, "Monthly")
    values = [{"id": 999, "label": "Monthly", "sort_order": 0}]
    # When
    reply = http.put(
        f"{BASE}/modifiers/{modifier['id']}", json={**MODIFIER, "option_values": values}
    )
    # Then
    assert reply.status_code == 422 and "option_values" in reply.json()["errors"]


def _renewal_line(option_id: int, value_id: int) -> dict[str, Any]:
    return {
        "customer_id": 0,
        "billing_address": {"first_name": "Ada", "zip": "78701"},
        "products": [
            {
                "product_id": BEANS,
                "quantity": 1,
                "price_ex_tax": 10,
                "price_inc_tax": 10,
                "product_options": [{"id": option_id, "value": str(value_id)}],
            }
        ],
    }


def test_an_api_order_naming_a_value_that_no_longer_exists_is_refused(http: httpx.Client) -> None:
    # Given a value that was replaced by a PUT that dropped its id
    modifier = _modifier(http, "Monthly")
    [old] = modifier["option_values"]
    http.put(
        f"{BASE}/modifiers/{modifier['id']}", json={**MODIFIER, "option_values": _values("Monthly")}
    )
    # When a renewal order names the old value
    reply = http.post(f"/stores/{STORE}/v2/orders", json=_renewal_line(modifier["id"], old["id"]))
    # Then BigCommerce refuses it with a v2 error list
    assert reply.status_code == 400
    assert "does not exist" in reply.json()[0]["message"]


def test_a_disabled_value_is_not_sold_in_the_storefront_but_an_api_order_may_name_it(
    emu: BigCommerceEmulator, http: httpx.Client
) -> None:
    # Given a value whose purchasing is disabled
    modifier = _modifier(http, "Weekly")
    [weekly] = modifier["option_values"]
    disabled = {**weekly, "adjusters": {"purchasing_disabled": {"status": True, "message": "No"}}}
    http.put(f"{BASE}/modifiers/{modifier['id']}", json={**MODIFIER, "option_values": [disabled]})
    shopper = emu.add_customer(STORE, email="ada@example.com")
    option = {"option_id": modifier["id"], "value": str(weekly["id"]), "display_value": "Weekly"}
    line = {"product_id": BEANS, "quantity": 1, "product_options": [option]}
    # When / Then a shopper cannot buy it
    with pytest.raises(ValueError, match="cannot be purchased"):
        emu.place_checkout_order(STORE, customer_id=shopper.id, lines=[line])
    # And a renewal order with it is accepted, labelled from the catalog
    reply = http.post(
        f"/stores/{STORE}/v2/orders", json=_renewal_line(modifier["id"], weekly["id"])
    )
    assert reply.status_code == 200, reply.text  # what the spec documents for a new order
    [product] = emu.stores[STORE].lines[reply.json()["id"]]
    assert product["product_options"][0]["display_value"] == "Weekly"


@pytest.mark.parametrize("missing", ["namespace", "key", "value", "permission_set"])
def test_a_metafield_update_missing_a_field_is_refused(http: httpx.Client, missing: str) -> None:
    # Given our metafield
    field = http.post(f"{BASE}/metafields", json=FIELD).json()["data"]
    body = {k: v for k, v in {**FIELD, "value": "new"}.items() if k != missing}
    # When
    reply = http.put(f"{BASE}/metafields/{field['id']}", json=body)
    # Then
    assert reply.status_code == 400 and missing in reply.json()["detail"]
    assert http.get(f"{BASE}/metafields").json()["data"][0]["value"] == "{}"


def test_another_clients_app_only_field_is_invisible_and_does_not_collide_with_ours(
    emu: BigCommerceEmulator, http: httpx.Client
) -> None:
    # Given another app's private field with our namespace and key
    emu.set_product_metafield(
        STORE,
        BEANS,
        "bc_subscriptions",
        "plan",
        "theirs",
        permission_set="app_only",
        owner_client_id="other-app",
    )
    hidden = next(iter(emu.stores[STORE].metafields[BEANS].values()))
    # When / Then we neither list nor update it
    assert http.get(f"{BASE}/metafields").json()["data"] == []
    assert http.put(f"{BASE}/metafields/{hidden['id']}", json=FIELD).status_code == 404
    # And ours is created beside it (the key is unique per client), once
    assert http.post(f"{BASE}/metafields", json=FIELD).status_code == 200
    assert http.post(f"{BASE}/metafields", json=FIELD).status_code == 409
    [ours] = http.get(f"{BASE}/metafields").json()["data"]
    assert ours["owner_client_id"] == CLIENT


def test_another_clients_readable_field_is_listed_but_only_its_owner_may_change_it(
    emu: BigCommerceEmulator, http: httpx.Client
) -> None:
    # Given
    emu.set_product_metafield(
        STORE, BEANS, "ns", "k", "theirs", permission_set="write", owner_client_id="other-app"
    )
    [field] = http.get(f"{BASE}/metafields").json()["data"]
    body = {"namespace": "ns", "key": "k", "value": "ours", "permission_set": "write"}
    # When / Then
    assert http.put(f"{BASE}/metafields/{field['id']}", json=body).status_code == 403
    assert http.get(f"{BASE}/metafields").json()["data"][0]["value"] == "theirs"


def test_variants_are_paged_with_the_specs_pagination(
    emu: BigCommerceEmulator, http: httpx.Client
) -> None:
    # Given the base variant and four more
    for n in range(4):
        emu.add_variant(STORE, BEANS, price=Decimal("13"), sku=f"B-{n}", label=f"{n} kg")
    # When
    first = http.get(f"{BASE}/variants", params={"limit": 2}).json()
    last = http.get(f"{BASE}/variants", params={"limit": 2, "page": 3}).json()
    # Then
    assert first["meta"]["pagination"] == {
        "total": 5,
        "count": 2,
        "per_page": 2,
        "current_page": 1,
        "total_pages": 3,
        "links": {"current": "?page=1&limit=2", "next": "?page=2&limit=2"},
    }
    assert len(last["data"]) == 1 and "next" not in last["meta"]["pagination"]["links"]
    default = http.get(f"{BASE}/variants").json()["meta"]["pagination"]
    assert (default["per_page"], default["total_pages"]) == (50, 1)
