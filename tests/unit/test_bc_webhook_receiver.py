"""What a BigCommerce webhook receiver answers before it reads anything: its one route only."""

import json
from typing import Any

import pytest

from bc_subscriptions.entrypoints import bc_webhooks
from bc_subscriptions.entrypoints.bc_webhook_models import OrderRef
from bc_subscriptions.entrypoints.bc_webhooks import handle_bc_webhook, route_key
from devstack.lambda_events import http_api_event

ROUTE = "POST /webhooks/bigcommerce/order-created"


def _event(method: str, path: str, stage: str = "$default") -> dict[str, Any]:
    event = http_api_event(method, path, f"{method} {path}", b"{}", {})
    event["requestContext"]["stage"] = stage
    return event


def test_the_route_is_the_method_and_the_path_without_a_named_stage() -> None:
    assert route_key(_event("POST", "/webhooks/bigcommerce/order-created")) == ROUTE
    assert route_key(_event("POST", "/live/webhooks/bigcommerce/order-created", "live")) == ROUTE
    assert route_key({}) == " "


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/webhooks/bigcommerce/order-created"), ("POST", "/webhooks/bigcommerce/other")],
)
def test_another_route_is_not_found_before_anything_is_read(
    method: str, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_container() -> None:
        raise AssertionError("the container was built for a route that is not ours")

    monkeypatch.setattr(bc_webhooks, "container", no_container)
    reply = handle_bc_webhook(
        _event(method, path), ROUTE, scope="store/order/created", data_model=OrderRef
    )
    assert reply["statusCode"] == 404
    assert reply["headers"] == {"Content-Type": "application/json"}
    assert json.loads(reply["body"])["error"] == "not_found"
