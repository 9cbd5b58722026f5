"""The emulator's B2B Edition API and our client for it: companies, hierarchy, buyers, terms."""

from __future__ import annotations

import httpx
import pytest

from bc_subscriptions.adapters.bigcommerce.b2b_edition import HttpB2BEdition
from bc_subscriptions.adapters.bigcommerce.session import Session
from bc_subscriptions.ports.b2b_edition import B2BNotEnabled
from devstack.bc_emulator import BigCommerceEmulator

STORE, TOKEN = "b2bstore", "b2b-token"
B2B_URL = "https://api-b2b.bigcommerce.com"


def _world(*, b2b: bool = True) -> tuple[BigCommerceEmulator, HttpB2BEdition, httpx.Client]:
    emu = BigCommerceEmulator(client_id="demo-client", client_secret="demo-secret")
    emu.create_store(STORE, access_token=TOKEN)
    if b2b:
        emu.enable_b2b(STORE, default_payment_terms=30)
    session = Session(
        transport=emu.transport(), timeout=httpx.Timeout(5.0), sleep=lambda s: None, max_attempts=2
    )
    raw = httpx.Client(transport=emu.transport(), base_url=B2B_URL)
    return emu, HttpB2BEdition(session, B2B_URL, lambda store: TOKEN), raw


def test_a_buyer_is_found_by_customer_id_with_their_company() -> None:
    # Given a company with a buyer
    emu, client, _ = _world()
    company = emu.add_company(STORE, "Acme")
    ada = emu.add_customer(STORE, email="ada@acme.example")
    emu.add_buyer(STORE, company, ada.id, role=1)
    # When the buyer is looked up by customer id
    buyer = client.buyer(STORE, ada.id)
    # Then the company and role are B2B Edition's
    assert buyer is not None and (buyer.company_id, buyer.role) == (company, 1)


def test_a_customer_who_buys_for_no_company_is_none() -> None:
    emu, client, _ = _world()
    bob = emu.add_customer(STORE, email="bob@example.com")
    assert client.buyer(STORE, bob.id) is None


def test_the_hierarchy_lists_the_top_company_with_every_layer_below() -> None:
    # Given three layers under one top company
    emu, client, _ = _world()
    top = emu.add_company(STORE, "Holding")
    east = emu.add_company(STORE, "East", parent_id=top)
    shop = emu.add_company(STORE, "East Shop", parent_id=east)
    west = emu.add_company(STORE, "West", parent_id=top)
    # When the hierarchy of the deepest company is read
    tree = client.hierarchy(STORE, shop)
    # Then it starts at the top and nests each layer
    assert tree is not None and tree.company_id == top
    assert [c.company_id for c in tree.subsidiaries] == [east, west]
    assert [c.company_id for c in tree.subsidiaries[0].subsidiaries] == [shop]
    assert client.hierarchy(STORE, 999_999) is None


def test_payment_terms_are_the_companys_own_or_the_store_default() -> None:
    emu, client, _ = _world()
    own = emu.add_company(STORE, "Net 45", payment_terms=45)
    default = emu.add_company(STORE, "Default")
    terms = client.payment_terms(STORE, own)
    assert terms is not None and (terms.enabled, terms.days) == (True, 45)
    fallback = client.payment_terms(STORE, default)
    assert fallback is not None and (fallback.enabled, fallback.days) == (False, 30)


def test_a_store_without_b2b_edition_is_refused() -> None:
    # Given a store that never enabled B2B Edition
    _, client, raw = _world(b2b=False)
    # When its API is called, then it refuses with 403 in B2B Edition's envelope
    with pytest.raises(B2BNotEnabled):
        client.buyer(STORE, 1)
    reply = raw.get("/api/v3/io/companies", headers={"X-Auth-Token": TOKEN, "X-Store-Hash": STORE})
    assert reply.status_code == 403 and reply.json()["code"] == 403


def test_a_wrong_token_or_unknown_company_gets_b2b_editions_answers() -> None:
    emu, _, raw = _world()
    company = emu.add_company(STORE, "Acme")
    headers = {"X-Auth-Token": TOKEN, "X-Store-Hash": STORE}
    wrong = raw.get(f"/api/v3/io/companies/{company}", headers={**headers, "X-Auth-Token": "x"})
    assert wrong.status_code == 401
    missing = raw.get("/api/v3/io/companies/424242", headers=headers)
    assert missing.status_code == 404 and missing.json()["meta"]["message"]
    found = raw.get(f"/api/v3/io/companies/{company}", headers=headers).json()["data"]
    assert (found["companyId"], found["companyStatus"], found["parentCompany"]) == (
        company,
        "1",
        {},
    )


def test_a_paging_limit_that_is_not_a_number_is_refused_in_b2b_editions_envelope() -> None:
    _, _, raw = _world()
    headers = {"X-Auth-Token": TOKEN, "X-Store-Hash": STORE}
    reply = raw.get("/api/v3/io/companies/1/hierarchy?limit=ten", headers=headers)
    assert reply.status_code == 400 and reply.json()["code"] == 400


def test_subsidiaries_and_the_company_list_are_paged() -> None:
    emu, _, raw = _world()
    top = emu.add_company(STORE, "Holding")
    for n in range(3):
        emu.add_company(STORE, f"Child {n}", parent_id=top)
    headers = {"X-Auth-Token": TOKEN, "X-Store-Hash": STORE}
    kids = raw.get(f"/api/v3/io/companies/{top}/subsidiaries?limit=2", headers=headers).json()
    assert len(kids["data"]) == 2 and kids["meta"]["pagination"]["totalCount"] == 3
    listed = raw.get("/api/v3/io/companies?limit=10&offset=1", headers=headers).json()
    assert len(listed["data"]) == 3 and listed["meta"]["pagination"]["totalCount"] == 4
