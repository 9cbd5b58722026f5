"""The emulator's customers and customer groups: one group per customer, read and set through
`/v3/customers`, groups listed by `/v2/customer_groups`, and refused as BigCommerce refuses."""

from __future__ import annotations

import httpx
import pytest

from bc_subscriptions.adapters.bigcommerce import HttpBigCommerce
from bc_subscriptions.adapters.bigcommerce.customer_groups import BigCommerceCustomerGroups
from bc_subscriptions.ports.entitlement_provider import GroupRefused, HolderGone
from devstack.bc_emulator import BigCommerceEmulator, customer_groups

STORE, TOKEN = "abc123", "store-token"
CUSTOMERS = f"/stores/{STORE}/v3/customers"


@pytest.fixture
def emu() -> BigCommerceEmulator:
    emu = BigCommerceEmulator(client_id="our-client", client_secret="secret")
    emu.create_store(STORE, access_token=TOKEN)
    return emu


@pytest.fixture
def http(emu: BigCommerceEmulator) -> httpx.Client:
    return httpx.Client(
        transport=emu.transport(), base_url="https://bc.test", headers={"X-Auth-Token": TOKEN}
    )


def test_a_customer_starts_in_no_group_and_a_put_moves_them_into_one(
    emu: BigCommerceEmulator, http: httpx.Client
) -> None:
    # Given a shopper and a group
    shopper = emu.add_customer(STORE, email="ada@example.com", first_name="Ada", last_name="Byron")
    gold = customer_groups.add_group(emu, STORE, "Gold")
    assert (
        http.get(CUSTOMERS, params={"id:in": shopper.id}).json()["data"][0]["customer_group_id"]
        == 0
    )
    # When they are moved
    reply = http.put(CUSTOMERS, json=[{"id": shopper.id, "customer_group_id": gold}])
    # Then the answer and later reads show the group
    assert reply.status_code == 200
    assert reply.json()["data"][0]["customer_group_id"] == gold
    listed = http.get(CUSTOMERS, params={"customer_group_id:in": gold}).json()["data"]
    assert [c["id"] for c in listed] == [shopper.id]


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ([{"id": 1, "customer_group_id": 99}], "[0].customer_group_id"),
        ([{"id": 404, "customer_group_id": 0}], "[0].id"),
        ([{"customer_group_id": 0}], "[0].id"),
        ([{"id": 1, "customer_group_id": 0, "date_created": "x"}], "[0].date_created"),
    ],
    ids=["unknown group", "unknown customer", "no id", "read-only field"],
)
def test_a_put_bigcommerce_would_refuse_is_a_422_naming_the_field_and_changes_nothing(
    emu: BigCommerceEmulator, http: httpx.Client, body: list[dict[str, object]], where: str
) -> None:
    # Given a shopper in a group, and a second customer update alongside the bad one
    shopper = emu.add_customer(STORE, email="ada@example.com", first_name="Ada", last_name="Byron")
    gold = customer_groups.add_group(emu, STORE, "Gold")
    customer_groups.move_by_hand(emu, STORE, shopper.id, gold)
    # When
    reply = http.put(CUSTOMERS, json=[*body, {"id": shopper.id, "customer_group_id": 0}])
    # Then the v3 error shape names the field, and no item was applied
    assert reply.status_code == 422
    error = reply.json()
    assert error["status"] == 422 and {"title", "type"} <= set(error)
    assert where in error["errors"]
    assert customer_groups.group_of(emu, STORE, shopper.id) == gold


def test_a_put_of_more_than_ten_customers_is_a_413(
    emu: BigCommerceEmulator, http: httpx.Client
) -> None:
    shoppers = [
        emu.add_customer(STORE, email=f"s{i}@example.com", first_name="S", last_name="T")
        for i in range(11)
    ]
    reply = http.put(CUSTOMERS, json=[{"id": s.id, "customer_group_id": 0} for s in shoppers])
    assert reply.status_code == 413


def test_customer_groups_are_listed_as_a_bare_array_and_an_empty_store_answers_204(
    emu: BigCommerceEmulator, http: httpx.Client
) -> None:
    # Given no groups
    assert http.get(f"/stores/{STORE}/v2/customer_groups").status_code == 204
    # When the merchant creates two
    customer_groups.add_group(emu, STORE, "Gold")
    customer_groups.add_group(emu, STORE, "Silver")
    # Then they are listed in id order, and a name filter matches exactly
    reply = http.get(f"/stores/{STORE}/v2/customer_groups")
    assert [g["name"] for g in reply.json()] == ["Gold", "Silver"]
    named = http.get(f"/stores/{STORE}/v2/customer_groups", params={"name": "Silver"}).json()
    assert [g["name"] for g in named] == ["Silver"]


def test_the_provider_reads_sets_and_lists_groups_and_names_refusals(
    emu: BigCommerceEmulator,
) -> None:
    # Given the provider over the emulator
    bc = HttpBigCommerce(
        api_url="https://bc.test",
        payments_url="https://bc.test",
        token_provider=lambda _s: TOKEN,
        transport=emu.transport(),
        sleep=lambda _s: None,
    )
    groups = BigCommerceCustomerGroups(bc.rest)
    shopper = emu.add_customer(STORE, email="ada@example.com", first_name="Ada", last_name="Byron")
    gold = customer_groups.add_group(emu, STORE, "Gold")
    # When / Then
    groups.set_group(STORE, shopper.id, gold)
    assert groups.current_group(STORE, shopper.id) == gold
    assert [(g.id, g.name) for g in groups.list_groups(STORE)] == [(gold, "Gold")]
    with pytest.raises(GroupRefused):
        groups.set_group(STORE, shopper.id, 999)
    with pytest.raises(HolderGone):
        groups.current_group(STORE, 404)
