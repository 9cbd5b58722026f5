"""JSON responses with machine-readable error codes."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import Response


def json_response(status: int, body: dict[str, Any]) -> Response[str]:
    return Response(status_code=status, content_type="application/json", body=json.dumps(body))


def error(status: int, code: str, message: str) -> Response[str]:
    return json_response(status, {"error": code, "message": message})
