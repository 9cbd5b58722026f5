"""httpx implementation of the B2B Edition port (`{b2b_url}/api/v3/io/...`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...ports.b2b_edition import B2BNotEnabled, CompanyBuyer, CompanyNode, PaymentTerms
from ...ports.bigcommerce import BigCommerceError, NotFound

if TYPE_CHECKING:
    from .session import Session

PREFIX = "/api/v3/io"


class HttpB2BEdition:
    """Calls authenticate with the store's own access token and name it in `X-Store-Hash`."""

    def __init__(
        self, session: Session, b2b_url: str, token_provider: Callable[[str], str]
    ) -> None:
        self._session, self._url, self._token = session, b2b_url.rstrip("/"), token_provider

    def buyer(self, store_hash: str, customer_id: int) -> CompanyBuyer | None:
        """`GET /users/customer/{customerId}`; a customer B2B Edition does not know is None."""
        data = self._data(store_hash, f"/users/customer/{customer_id}")
        if data is None:
            return None
        return CompanyBuyer(
            customer_id=customer_id, company_id=int(data["companyId"]), role=int(data["role"])
        )

    def hierarchy(self, store_hash: str, company_id: int) -> CompanyNode | None:
        """`GET /companies/{id}/hierarchy`: its one top company with the layers below."""
        data = self._data(store_hash, f"/companies/{company_id}/hierarchy")
        if not data:
            return None
        return _node(data[0])

    def payment_terms(self, store_hash: str, company_id: int) -> PaymentTerms | None:
        """`GET /companies/{id}/payment-terms`."""
        data = self._data(store_hash, f"/companies/{company_id}/payment-terms")
        if data is None:
            return None
        return PaymentTerms(enabled=bool(data["isEnabled"]), days=int(data["paymentTerms"]))

    def _data(self, store_hash: str, path: str) -> Any:
        """The answer's `data`; None for a 404. A store without B2B Edition raises
        `B2BNotEnabled`."""
        headers = {
            "X-Auth-Token": self._token(store_hash),
            "X-Store-Hash": store_hash,
            "Accept": "application/json",
        }
        try:
            reply = self._session.send(
                store_hash, "GET", self._url + PREFIX + path, headers=headers
            )
        except NotFound:
            return None
        except BigCommerceError as exc:
            if exc.status == 403:
                raise B2BNotEnabled(str(exc), status=403) from exc
            raise
        if not isinstance(reply, dict) or "data" not in reply:
            raise BigCommerceError(f"GET {PREFIX}{path}: no data in the answer")
        return reply["data"]


def _node(raw: dict[str, Any]) -> CompanyNode:
    return CompanyNode(
        company_id=int(raw["companyId"]),
        name=str(raw.get("companyName", "")),
        status=int(raw.get("companyStatus", 1)),
        subsidiaries=[_node(child) for child in raw.get("subsidiaries") or []],
    )
