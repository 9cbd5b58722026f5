"""The entitlement provider port: where an entitlement takes effect outside our records.

BigCommerce customer groups are the first provider; the engine owns the entitlement's state
and a provider only reads and applies its external effect, so an SSO, feature-flag or licence
server can stand behind the same interface later.
"""

from __future__ import annotations

from typing import Protocol

import msgspec


class CustomerGroup(msgspec.Struct, frozen=True):
    id: int
    name: str


class HolderGone(Exception):
    """The customer the entitlement is for no longer exists at the provider."""


class GroupRefused(Exception):
    """The provider refused the group (e.g. it was deleted); retrying cannot help."""


class EntitlementProvider(Protocol):
    """Reads and sets the one group a customer is in (0: none).

    Errors other than the two above are the BigCommerce port's: `OutcomeUnknown` when a change
    may have been applied, `BigCommerceUnavailable` and `RateLimited` when it was not.
    """

    def current_group(self, store_hash: str, customer_id: int) -> int: ...
    def set_group(self, store_hash: str, customer_id: int, group_id: int) -> None: ...
    def list_groups(self, store_hash: str) -> list[CustomerGroup]: ...
