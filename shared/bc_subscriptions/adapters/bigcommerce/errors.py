"""BigCommerce answers and httpx failures mapped to the port's errors, in one place."""

from __future__ import annotations

from typing import Any

import httpx

from ...ports.bigcommerce import (
    BigCommerceError,
    BigCommerceUnavailable,
    NotFound,
    OutcomeUnknown,
    PaymentDeclined,
)

SAFE_METHODS = frozenset({"GET", "HEAD"})


def where(method: str, url: str | httpx.URL) -> str:
    """`METHOD /path` for messages: never a query string, never a header."""
    return f"{method} {httpx.URL(url).path}"


def transport_error(method: str, url: str, exc: httpx.TransportError) -> BigCommerceError:
    """Connect failures never reached BigCommerce; anything later may have been applied."""
    message = f"{where(method, url)}: {type(exc).__name__}"
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout) or method in SAFE_METHODS:
        # A read changes nothing, so a lost answer to it is no more than unavailability.
        return BigCommerceUnavailable(message)
    return OutcomeUnknown(message)


def response_error(
    method: str, url: str, response: httpx.Response, *, payments: bool
) -> BigCommerceError:
    """The error for a non-2xx answer other than 429 (which the session handles)."""
    status, body = response.status_code, json_or_none(response)
    code, message = bc_code(body), f"{where(method, url)}: {status} {_title(body)}".rstrip()
    if status == 404:
        return NotFound(message, status=status, code=code)
    if status >= 500:
        kind = BigCommerceUnavailable if method in SAFE_METHODS else OutcomeUnknown
        return kind(message, status=status, code=code)
    if payments and code is not None:
        return PaymentDeclined(message, status=status, code=code)
    return BigCommerceError(message, status=status, code=code)


def unreadable(method: str, url: str, problem: str) -> BigCommerceError:
    """A 2xx whose body we cannot read: a write did happen, so its outcome is unknown to us."""
    message = f"{where(method, url)}: {problem}"
    return BigCommerceError(message) if method in SAFE_METHODS else OutcomeUnknown(message)


def json_or_none(response: httpx.Response) -> Any:
    """The decoded body, or None when it is empty or not JSON."""
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def bc_code(body: Any) -> int | None:
    """BigCommerce's numeric error code: top-level `code`, else the first of `errors`."""
    if isinstance(body, dict):
        if isinstance(code := body.get("code"), int):
            return code
        body = body.get("errors")
    # v2 answers errors as a bare list; v3 sometimes as `errors: [...]`.
    if isinstance(body, list) and body and isinstance(body[0], dict):
        code = body[0].get("code")
        return code if isinstance(code, int) else None
    return None


def _title(body: Any) -> str:
    if isinstance(body, dict):
        return str(body.get("title") or body.get("detail") or "")
    if isinstance(body, list) and body and isinstance(body[0], dict):
        return str(body[0].get("message", ""))
    return ""
