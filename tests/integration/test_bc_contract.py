"""Our traffic with BigCommerce against its published contract, and the emulator's strictness.

Every request the emulator receives is checked against the committed contract and every answer
against the response schema of its status (see `devstack.bc_emulator.contract`); the guard in
`tests/contract_guard.py` holds the whole suite to it. These tests drive the main flows and
assert that nothing went off contract, and show what BigCommerce answers when a request does.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from devstack.bc_emulator import BigCommerceEmulator
from devstack.bc_emulator.contract import LOG, Exchange, contract
from devstack.bc_emulator.known_deviations import KNOWN_DEVIATIONS
from devstack.stack import LocalStack

from .admin_api_client import session_token
from .world import PRODUCT_ID, World

STORE, TOKEN = "probe1", "probe-token"

# Requests our client still sends off contract, each served only because an entry of
# `known_deviations.py` names it with the issue that fixes it. Remove a line with its fix.
ALLOWED_DEVIATIONS: dict[str, str] = {}


def _publish_plan(world: World) -> None:
    body = {
        "cadences": [
            {"label": "Monthly", "interval": "month"},
            {"label": "Every 2 weeks", "interval": "week", "interval_count": 2},
        ],
        "default_cadence": "Monthly",
    }
    headers = {
        "content-type": "application/json",
        "authorization": f"Bearer {session_token(world)}",
    }
    answer = world.stack.runtime.http(
        "PUT", f"/admin/plans/{PRODUCT_ID}", json.dumps(body).encode(), headers
    )
    assert answer.status == 200


def test_install_plan_publish_capture_and_renewal_stay_on_the_contract(
    stack: LocalStack,
) -> None:
    # Given a mark in the contract log
    mark = len(LOG)
    # When a store installs the app, the merchant publishes a plan twice (create, then update),
    # a shopper subscribes (capture) and the subscription renews
    world = World.create(stack)
    _publish_plan(world)
    _publish_plan(world)
    world.subscribe()
    world.renew()
    # Then every call had an endpoint in the contract, no request was refused, every answer
    # and callback matched its schema, and only the allowed deviations were tolerated
    exchanges = LOG.since(mark)
    assert [e for e in exchanges if e.endpoint is None] == []
    assert [e for e in exchanges if e.refused] == []
    assert [(e.endpoint, e.answer_problems) for e in exchanges if e.answer_problems] == []
    tolerated = {e.endpoint for e in exchanges if e.tolerated}
    assert tolerated <= set(ALLOWED_DEVIATIONS)
    touched = {e.endpoint for e in exchanges}
    assert {
        "POST /oauth2/token",
        "POST /stores/{store_hash}/v3/hooks",
        "PUT /stores/{store_hash}/v3/catalog/products/{product_id}/modifiers/{modifier_id}",
        "GET /stores/{store_hash}/v2/orders/{order_id}",
        "POST /stores/{store_hash}/v2/orders",
        "POST /stores/{store_hash}/v3/payments/access_tokens",
        "POST /stores/{store_hash}/payments",
        "CALLBACK store/order/created",
    } <= touched


def test_every_allowed_deviation_is_one_the_emulator_lists() -> None:
    # Given the deviations the emulator tolerates
    listed = {d.endpoint for d in KNOWN_DEVIATIONS}
    # Then this test's allow-list and the emulator's name the same endpoints, each with an issue
    assert listed == set(ALLOWED_DEVIATIONS)
    assert all("issue" in d.fixed_by for d in KNOWN_DEVIATIONS)


@pytest.fixture
def bc_contract_probe() -> tuple[BigCommerceEmulator, httpx.Client]:
    """A bare emulator and a raw client, for requests that are off contract on purpose."""
    emu = BigCommerceEmulator(client_id="probe-client", client_secret="probe-secret")
    emu.create_store(STORE, access_token=TOKEN)
    headers = {"X-Auth-Token": TOKEN, "Accept": "application/json"}
    return emu, httpx.Client(
        transport=emu.transport(), base_url=f"https://bc.test/stores/{STORE}", headers=headers
    )


def _last(method: str) -> Exchange:
    return [e for e in LOG.since(0) if e.method == method][-1]


def test_a_v2_body_with_a_field_bigcommerce_does_not_support_is_a_400_error_list(
    bc_contract_probe: tuple[BigCommerceEmulator, httpx.Client],
) -> None:
    # Given an order body with a field v2 does not know
    emu, http = bc_contract_probe
    body = {"billing_address": {"zip": "78701"}, "products": [], "colour": "red"}
    # When it is posted
    answer = http.post("/v2/orders", json=body)
    # Then BigCommerce's v2 refusal: 400 with a list of {status, message}, nothing created
    assert answer.status_code == 400
    [error] = answer.json()
    assert error["status"] == 400 and "colour" in error["message"]
    assert emu.orders(STORE) == []
    assert _last("POST").refused and not _last("POST").answer_problems


def test_a_v3_body_of_the_wrong_type_is_a_422_with_errors_per_field(
    bc_contract_probe: tuple[BigCommerceEmulator, httpx.Client],
) -> None:
    # Given a hook whose is_active is not a boolean
    emu, http = bc_contract_probe
    body = {"scope": "store/order/created", "destination": "https://a.test", "is_active": "yes"}
    # When it is posted
    answer = http.post("/v3/hooks", json=body)
    # Then BigCommerce's v3 refusal: 422 {status, title, type, errors{field: message}}
    assert answer.status_code == 422
    error = answer.json()
    assert error["status"] == 422 and error["title"] and error["type"]
    assert "is_active" in error["errors"]
    assert emu.hooks(STORE) == []


def test_a_query_parameter_the_endpoint_does_not_have_is_refused(
    bc_contract_probe: tuple[BigCommerceEmulator, httpx.Client],
) -> None:
    # Given / When orders are listed with a filter v2 does not offer
    _, http = bc_contract_probe
    answer = http.get("/v2/orders", params={"colour": "red"})
    # Then a 400 naming the parameter
    assert answer.status_code == 400
    assert "query colour" in answer.json()[0]["message"]


def test_a_payment_without_the_payments_accept_header_is_refused(
    bc_contract_probe: tuple[BigCommerceEmulator, httpx.Client],
) -> None:
    # Given / When a payment is posted with the API's usual Accept header
    _, http = bc_contract_probe
    answer = http.post(
        "/payments",
        json={"payment": {"instrument": {"type": "stored_card", "token": "t" * 64}}},
        headers={"Authorization": "PAT x", "Accept": "application/json"},
    )
    # Then it is refused in the payments error shape before anything is charged
    assert answer.status_code == 400
    assert "header Accept" in json.dumps(answer.json()["errors"])


def test_a_call_to_an_endpoint_the_contract_does_not_have_is_a_404_and_logged(
    bc_contract_probe: tuple[BigCommerceEmulator, httpx.Client],
) -> None:
    # Given / When an endpoint outside the contract is called
    _, http = bc_contract_probe
    answer = http.get("/v2/customers")
    # Then 404 in v2's shape, and the log shows a call without an endpoint
    assert answer.status_code == 404 and answer.json()[0]["status"] == 404
    last = _last("GET")
    assert last.endpoint is None and last.path == f"/stores/{STORE}/v2/customers"


def test_an_answer_that_strays_from_the_response_schema_is_reported() -> None:
    # Given the order endpoint and an answer whose id is not an integer
    endpoint = contract().endpoint("GET", f"/stores/{STORE}/v2/orders/1")
    assert endpoint is not None
    body: dict[str, Any] = {"id": "one"}
    # When the answer is checked
    problems = endpoint.check_answer(200, "application/json", json.dumps(body).encode())
    # Then the stray field is named
    assert any(p.startswith("status 200 body.id:") for p in problems)


def test_a_status_the_endpoint_does_not_document_is_reported() -> None:
    # Given / When a 201 is checked where the spec documents a 200
    endpoint = contract().endpoint("POST", f"/stores/{STORE}/v2/orders")
    assert endpoint is not None
    problems = endpoint.check_answer(201, "application/json", b"{}")
    # Then it is reported
    assert problems == ["status 201 is not documented for this endpoint"]
