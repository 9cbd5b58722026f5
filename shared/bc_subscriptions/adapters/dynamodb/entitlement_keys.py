"""Keys of entitlement items: every one starts with the store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import keys

if TYPE_CHECKING:
    from ...ports.entitlements import WorkItem


def entitlement_sk(key: str) -> str:
    return f"ENTITLEMENT#{key}"


def ledger_key(store_hash: str, customer_id: int) -> tuple[str, str]:
    return keys.store_pk(store_hash), f"ENTLEDGER#{customer_id:012d}"


def work_pk(store_hash: str) -> str:
    return f"ENTWORK#{store_hash}"


def work_sk(item: WorkItem) -> str:
    if item.customer_id is not None:
        return f"LEDGER#{item.customer_id:012d}"
    if item.subscription_id is not None:
        return f"REVOKE#{item.subscription_id}"
    raise ValueError("a work item names a customer or a subscription")
