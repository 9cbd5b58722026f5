"""Answers to API Gateway HTTP API (payload 2.0) requests, for functions without a router.

The webhook receivers and the app callbacks each serve a handful of fixed routes. Powertools'
resolver would cost them its whole event_handler package at cold start (every resolver it
ships, asyncio among them): about a third of `import boto3`, more than the rest of their code.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

Reply = dict[str, Any]


def reply(
    status: int, body: str, *, content_type: str, headers: Mapping[str, str] | None = None
) -> Reply:
    """An HTTP API answer; `headers` go out as given, beside the content type."""
    return {
        "statusCode": status,
        "body": body,
        "isBase64Encoded": False,
        "headers": {"Content-Type": content_type, **(headers or {})},
        "cookies": [],
    }


def json_reply(status: int, body: dict[str, Any]) -> Reply:
    return reply(status, json.dumps(body), content_type="application/json")


def error(status: int, code: str, message: str) -> Reply:
    """A refusal with a machine-readable code, the shape every API of ours answers with."""
    return json_reply(status, {"error": code, "message": message})


def route_key(event: Mapping[str, Any]) -> str:
    """`METHOD /path` of the request, the path without a named stage's prefix."""
    context = event.get("requestContext") or {}
    path = str(event.get("rawPath") or "")
    stage = context.get("stage") or "$default"
    if stage != "$default" and path.startswith(f"/{stage}/"):
        path = path[len(stage) + 1 :]
    return f"{(context.get('http') or {}).get('method', '')} {path}"


def query(event: Mapping[str, Any]) -> dict[str, str]:
    """The query string's parameters (API Gateway joins a repeated one with commas)."""
    return dict(event.get("queryStringParameters") or {})


def header(event: Mapping[str, Any], name: str) -> str:
    """A request header by name, whatever its case; empty when absent."""
    wanted = name.lower()
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == wanted:
            return str(value)
    return ""
