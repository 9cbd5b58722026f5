"""Response helpers in BigCommerce's shapes: v2 error lists, v3 error objects, 204s."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

STATUS_DOCS = "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes"


def json_response(body: Any, status: int = 200) -> Response:
    """`body` as JSON with `status`."""
    response = jsonify(body)
    response.status_code = status
    return response


def no_content() -> Response:
    """BigCommerce's answer to a list with nothing in it."""
    return Response(status=204)


def v3_error(status: int, title: str, code: int | None = None, **extra: Any) -> Response:
    """`{status, title, type[, code], ...}` as the v3 and Payments APIs answer."""
    body: dict[str, Any] = {"status": status, "title": title, "type": STATUS_DOCS}
    if code is not None:
        body["code"] = code
    body.update(extra)
    return json_response(body, status)


def payment_error(status: int, title: str, code: int) -> Response:
    """The Payments API's error body, `errors: {}` included."""
    return v3_error(status, title, code, errors={})


def v2_error(status: int, message: str, **details: Any) -> Response:
    """v2 answers errors as a list of `{status, message[, details]}`."""
    item: dict[str, Any] = {"status": status, "message": message}
    if details:
        item["details"] = details
    return json_response([item], status)


def api_error(path: str, status: int, title: str) -> Response:
    """An error in the shape of the API `path` belongs to (v2 list, B2B Edition's envelope,
    else v3 object)."""
    if path.startswith("/api/v3/io/"):
        return json_response({"code": status, "data": {}, "meta": {"message": title}}, status)
    return v2_error(status, title) if "/v2/" in path else v3_error(status, title)


NOT_FOUND = "The requested resource was not found."
