"""Router-free HTTP API answers: the request's route, query and headers, and the reply shape."""

from __future__ import annotations

import json

from bc_subscriptions.entrypoints.http_api import error, header, query, reply, route_key


def _event(method: str, path: str, stage: str = "$default", **extra: object) -> dict[str, object]:
    return {
        "rawPath": path,
        "requestContext": {"stage": stage, "http": {"method": method}},
        **extra,
    }


def test_the_route_is_the_method_and_the_path_without_a_named_stage() -> None:
    assert route_key(_event("GET", "/load")) == "GET /load"
    assert route_key(_event("GET", "/prod/load", stage="prod")) == "GET /load"
    # Only a leading stage segment is the stage; the same word later in the path stays.
    assert route_key(_event("GET", "/load/prod", stage="prod")) == "GET /load/prod"
    assert route_key({}) == " "


def test_a_header_is_found_whatever_its_case() -> None:
    event = _event("GET", "/load", headers={"Accept": "text/html"})
    assert header(event, "accept") == "text/html"
    assert header(event, "ACCEPT") == "text/html"
    assert header(_event("GET", "/load"), "accept") == ""


def test_the_query_is_empty_when_the_request_has_none() -> None:
    assert query(_event("GET", "/auth")) == {}
    assert query(_event("GET", "/auth", queryStringParameters={"code": "x"})) == {"code": "x"}


def test_a_reply_carries_its_content_type_beside_its_own_headers() -> None:
    answer = reply(
        200, "<p>hi</p>", content_type="text/html", headers={"Cache-Control": "no-store"}
    )
    assert answer == {
        "statusCode": 200,
        "body": "<p>hi</p>",
        "isBase64Encoded": False,
        "headers": {"Content-Type": "text/html", "Cache-Control": "no-store"},
        "cookies": [],
    }


def test_a_refusal_names_its_code_and_says_why() -> None:
    answer = error(404, "not_found", "no such route")
    assert answer["statusCode"] == 404
    assert answer["headers"]["Content-Type"] == "application/json"
    assert json.loads(answer["body"]) == {"error": "not_found", "message": "no such route"}
