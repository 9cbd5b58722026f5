"""A router the admin and portal APIs both include takes its caller from the API serving the
request, even with both APIs in one process (as in the local stack)."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from bc_subscriptions.entrypoints.change_pipeline import CurrentCaller, current_caller
from bc_subscriptions.services.admin_session import InvalidSession
from bc_subscriptions.services.commands import Caller


def _event(path: str) -> dict[str, Any]:
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {},
        "requestContext": {
            "http": {"method": "GET", "path": path, "protocol": "HTTP/1.1", "sourceIp": "1.2.3.4"},
            "requestId": "r1",
            "routeKey": "$default",
            "stage": "$default",
        },
        "isBase64Encoded": False,
    }


def _shared_router() -> APIGatewayHttpRouter:
    router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]

    @router.get("/whoami")
    def whoami(caller: CurrentCaller) -> dict[str, Any]:
        return {"store": caller.store_hash, "customer": caller.customer_id}

    return router


def _api(prefix: str, caller: Any, router: APIGatewayHttpRouter) -> APIGatewayHttpResolver:
    app = APIGatewayHttpResolver(enable_validation=True)
    app.dependency_overrides[current_caller] = caller
    app.exception_handler(InvalidSession)(
        lambda failure: Response(401, "application/json", json.dumps({"error": failure.code}))
    )
    app.include_router(router, prefix=prefix)
    return app


def _refuse() -> Caller:
    raise InvalidSession("expired")


def test_each_api_answers_a_shared_route_with_its_own_caller() -> None:
    # Given one router included by two APIs, each resolving its callers its own way
    router = _shared_router()
    admin = _api("/admin", lambda: Caller("store1"), router)
    portal = _api("/portal", lambda: Caller("store1", 7), router)
    # When the admin API answers first, though the portal API included the router last
    merchant = admin.resolve(_event("/admin/whoami"), {})  # type: ignore[arg-type]
    shopper = portal.resolve(_event("/portal/whoami"), {})  # type: ignore[arg-type]
    # Then each request was served with the caller of the API that received it
    assert json.loads(merchant["body"]) == {"store": "store1", "customer": None}
    assert json.loads(shopper["body"]) == {"store": "store1", "customer": 7}


def test_a_caller_who_cannot_be_resolved_gets_the_apis_own_refusal() -> None:
    # Given an API whose caller resolution refuses the request's credentials
    app = _api("/admin", _refuse, _shared_router())
    # When the shared route is called
    reply = app.resolve(_event("/admin/whoami"), {})  # type: ignore[arg-type]
    # Then the API's handler for that refusal answers, not a 500
    assert (reply["statusCode"], json.loads(reply["body"])) == (401, {"error": "expired"})
