"""BigCommerce customer groups, the first entitlement provider (`/v3/customers`, `/v2` groups)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from msgspec import Struct

from ...ports.bigcommerce import BigCommerceError
from ...ports.entitlement_provider import CustomerGroup, GroupRefused, HolderGone

if TYPE_CHECKING:
    from .rest import StoreApi

PAGE_SIZE = 250
MAX_PAGES = 40


class _Customer(Struct, kw_only=True):
    id: int
    customer_group_id: int = 0


class _Group(Struct, kw_only=True):
    id: int
    name: str = ""


class BigCommerceCustomerGroups:
    def __init__(self, rest: StoreApi) -> None:
        self._rest = rest

    def current_group(self, store_hash: str, customer_id: int) -> int:
        """`GET /v3/customers?id:in={id}`: the customer's one group (0: none)."""
        params = {"id:in": str(customer_id)}
        found = self._rest.many(
            _Customer, store_hash, "GET", "/v3/customers", envelope=True, params=params
        )
        mine = next((c for c in found if c.id == customer_id), None)
        if mine is None:
            raise HolderGone(f"customer {customer_id} does not exist")
        return mine.customer_group_id

    def set_group(self, store_hash: str, customer_id: int, group_id: int) -> None:
        """`PUT /v3/customers` with `[{id, customer_group_id}]`; a 422 is a refusal of the
        customer or the group (deleted since), which no retry changes."""
        body = [{"id": customer_id, "customer_group_id": group_id}]
        try:
            self._rest.call(store_hash, "PUT", "/v3/customers", json=body)
        except BigCommerceError as exc:
            if exc.status == 422:
                raise GroupRefused(str(exc)) from exc
            raise

    def list_groups(self, store_hash: str) -> list[CustomerGroup]:
        """`GET /v2/customer_groups`, every page (204 when the store has none)."""
        groups: list[CustomerGroup] = []
        for page in range(1, MAX_PAGES + 1):
            params = {"page": page, "limit": PAGE_SIZE}
            batch = self._rest.many(_Group, store_hash, "GET", "/v2/customer_groups", params=params)
            groups += [CustomerGroup(g.id, g.name) for g in batch]
            if len(batch) < PAGE_SIZE:
                break
        return groups
