"""httpx implementation of the BigCommerce port: timeouts, safe retries, rate-limit pacing."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter

from ...ports.bigcommerce import (
    BigCommerceError,
    BigCommerceUnavailable,
    NewOrder,
    NotFound,
    Order,
    OrderProduct,
    OutcomeUnknown,
    PaymentDeclined,
    PaymentResult,
    RateLimited,
    StoredInstrument,
    Transaction,
    Webhook,
)
from .rate_limit import RateLimits

M = TypeVar("M", bound=BaseModel)
_SAFE_METHODS = frozenset({"GET", "HEAD"})
_PAGE = 250


class HttpBigCommerce:
    """One client per container; `token_provider(store_hash)` returns the store's access token."""

    def __init__(
        self,
        *,
        api_url: str,
        payments_url: str,
        token_provider: Callable[[str], str],
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout = httpx.Timeout(10.0, connect=3.0),  # noqa: B008 - immutable
        sleep: Callable[[float], None] = time.sleep,
        max_attempts: int = 3,
    ) -> None:
        self._api, self._payments = api_url.rstrip("/"), payments_url.rstrip("/")
        self._token = token_provider
        self._transport, self._timeout = transport, timeout
        self._sleep, self._max_attempts = sleep, max_attempts
        self._client: httpx.Client | None = None
        self.limits = RateLimits(sleep)

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(timeout=self._timeout, transport=self._transport)
        return self._client

    # -- orders (v2: bare JSON) -----------------------------------------------------------------
    def get_order(self, store_hash: str, order_id: int) -> Order:
        return Order.model_validate(self._call(store_hash, "GET", f"/v2/orders/{order_id}"))

    def get_order_products(self, store_hash: str, order_id: int) -> list[OrderProduct]:
        lines: list[OrderProduct] = []
        for page in range(1, 1000):
            params = {"page": page, "limit": _PAGE}
            batch = (
                self._call(store_hash, "GET", f"/v2/orders/{order_id}/products", params=params)
                or []
            )
            lines += _list(OrderProduct, batch)
            if len(batch) < _PAGE:
                break
        return lines

    def find_orders_by_external_id(self, store_hash: str, external_order_id: str) -> list[Order]:
        params = {"external_order_id": external_order_id}
        return _list(Order, self._call(store_hash, "GET", "/v2/orders", params=params) or [])

    def create_order(self, store_hash: str, order: NewOrder) -> Order:
        body = order.model_dump(mode="json", exclude_none=True)
        return Order.model_validate(self._call(store_hash, "POST", "/v2/orders", json=body))

    def update_order_status(self, store_hash: str, order_id: int, status_id: int) -> Order:
        reply = self._call(
            store_hash, "PUT", f"/v2/orders/{order_id}", json={"status_id": status_id}
        )
        return Order.model_validate(reply)

    # -- payments ----------------------------------------------------------------------------------
    def create_payment_access_token(self, store_hash: str, order_id: int) -> str:
        body = {"order": {"id": order_id, "is_recurring": True}}
        reply = self._call(store_hash, "POST", "/v3/payments/access_tokens", json=body)
        return str(reply["data"]["id"])

    def process_stored_card_payment(
        self, store_hash: str, access_token: str, instrument_token: str, payment_method_id: str
    ) -> PaymentResult:
        body = {
            "payment": {
                "instrument": {"type": "stored_card", "token": instrument_token},
                "payment_method_id": payment_method_id,
            }
        }
        headers = {"Authorization": f"PAT {access_token}", "Accept": "application/vnd.bc.v1+json"}
        url = f"{self._payments}/stores/{store_hash}/payments"
        reply = self._send(store_hash, "POST", url, headers=headers, json=body, payments=True)
        return PaymentResult.model_validate(reply.get("data", reply))

    def list_stored_instruments(self, store_hash: str, customer_id: int) -> list[StoredInstrument]:
        reply = self._call(store_hash, "GET", f"/v3/customers/{customer_id}/stored-instruments")
        return _list(StoredInstrument, reply or [])

    def list_order_transactions(self, store_hash: str, order_id: int) -> list[Transaction]:
        reply = self._call(store_hash, "GET", f"/v3/orders/{order_id}/transactions")
        return _list(Transaction, (reply or {}).get("data", []))

    # -- webhooks (v3: data envelope) --------------------------------------------------------------
    def create_webhook(
        self, store_hash: str, scope: str, destination: str, headers: dict[str, str]
    ) -> Webhook:
        body = {"scope": scope, "destination": destination, "is_active": True, "headers": headers}
        return Webhook.model_validate(
            self._call(store_hash, "POST", "/v3/hooks", json=body)["data"]
        )

    def list_webhooks(self, store_hash: str) -> list[Webhook]:
        return _list(Webhook, (self._call(store_hash, "GET", "/v3/hooks") or {}).get("data", []))

    def update_webhook(
        self, store_hash: str, webhook_id: int, headers: dict[str, str], *, is_active: bool = True
    ) -> Webhook:
        body = {"is_active": is_active, "headers": headers}
        reply = self._call(store_hash, "PUT", f"/v3/hooks/{webhook_id}", json=body)
        return Webhook.model_validate(reply["data"])

    # -- transport ---------------------------------------------------------------------------------
    def _call(self, store_hash: str, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"X-Auth-Token": self._token(store_hash), "Accept": "application/json"}
        return self._send(
            store_hash, method, f"{self._api}/stores/{store_hash}{path}", headers=headers, **kwargs
        )

    def _send(
        self,
        store_hash: str,
        method: str,
        url: str,
        *,
        headers: dict[str, str],
        payments: bool = False,
        **kwargs: Any,
    ) -> Any:
        """One logical call. A 429 is retried for any method (nothing was applied); connection
        failures, lost answers and 5xx only for reads, because a write may have been applied."""
        safe = method in _SAFE_METHODS
        for attempt in range(1, self._max_attempts + 1):
            last = attempt == self._max_attempts
            self.limits.wait_if_exhausted(store_hash)
            try:
                response = self.client.request(method, url, headers=headers, **kwargs)
            except httpx.TransportError as exc:
                if safe and not last:
                    self._backoff(attempt)
                    continue
                raise _transport_error(method, url, exc) from exc
            self.limits.observe(store_hash, response.headers)
            if response.status_code == 429 and not last:
                self._sleep(self.limits.retry_after_s(response.headers, attempt))
                continue
            if response.status_code >= 500 and safe and not last:
                self._backoff(attempt)
                continue
            return _parse(method, url, response, payments)
        raise AssertionError("unreachable")  # pragma: no cover

    def _backoff(self, attempt: int) -> None:
        self._sleep(min(4.0, 0.2 * 2**attempt) * (0.5 + random.random() / 2))  # noqa: S311 - jitter


def _parse(method: str, url: str, response: httpx.Response, payments: bool) -> Any:
    status, where = response.status_code, f"{method} {_path(url)}"
    if status < 300 and (status == 204 or not response.content):
        return None
    body = _json(response)
    code = _code(body)
    if status < 300:
        return body
    if status == 429:
        raise RateLimited(
            f"{where}: rate limited",
            retry_after_ms=int(response.headers.get("X-Rate-Limit-Time-Reset-Ms", "0") or 0),
        )
    if status == 404:
        raise NotFound(f"{where}: not found", status=status, code=code)
    if status >= 500:
        raise (BigCommerceUnavailable if method in _SAFE_METHODS else OutcomeUnknown)(
            f"{where}: {status}", status=status, code=code
        )
    if payments:
        raise PaymentDeclined(f"{where}: {status} {_title(body)}", status=status, code=code)
    raise BigCommerceError(f"{where}: {status} {_title(body)}", status=status, code=code)


def _transport_error(method: str, url: str, exc: httpx.TransportError) -> BigCommerceError:
    where = f"{method} {_path(url)}: {type(exc).__name__}"
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
        return BigCommerceUnavailable(where)  # never sent
    return OutcomeUnknown(where)  # sent; the answer was lost


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _code(body: Any) -> int | None:
    if not isinstance(body, dict):
        return None
    if isinstance(body.get("code"), int):
        return int(body["code"])
    errors = body.get("errors")
    if (
        isinstance(errors, list)
        and errors
        and isinstance(errors[0], dict)
        and isinstance(errors[0].get("code"), int)
    ):
        return int(errors[0]["code"])
    return None


def _title(body: Any) -> str:
    return str(body.get("title", "")) if isinstance(body, dict) else ""


def _path(url: str) -> str:
    # Paths only: never a token, never a query string.
    return httpx.URL(url).path


def _list(model: type[M], items: Any) -> list[M]:
    return TypeAdapter(list[model]).validate_python(items)  # type: ignore[valid-type]
