"""How allotments look through the admin and portal APIs (amounts as decimal strings)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from msgspec.structs import asdict

from ..domain.allotments import (
    AllotmentDebit,
    AllotmentGrant,
    AllotmentUnit,
    DebitSource,
    GrantedBy,
    GrantStatus,
    OrderDebit,
    RefreshCadence,
    Rollover,
)
from ..domain.debit_reversals import ReversalPart, given_back, reversal_parts
from .api_base import ApiModel


class GrantView(ApiModel):
    id: str
    customer_id: int
    unit: AllotmentUnit
    currency_code: str | None
    amount_per_period: Decimal
    balance: Decimal
    available: Decimal
    rollover: Rollover
    overdraft_limit: Decimal | None
    cadence: RefreshCadence | None
    period: int
    next_refresh_at: datetime | None
    status: GrantStatus
    granted_by: GrantedBy
    reason: str
    order_debit: OrderDebit
    product_ids: list[int]
    subscription_id: str | None
    custom_fields: dict[str, Any]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, grant: AllotmentGrant) -> GrantView:
        fields = _without(asdict(grant), "store_hash", "anchor", "event_seq")
        return cls(
            **{**fields, "product_ids": list(grant.product_ids)}, available=grant.available()
        )


class GrantList(ApiModel):
    allotments: list[GrantView]
    cursor: str | None


class DebitView(ApiModel):
    """A debit with what has come back of it so far (`reversed_amount`, part by part in
    `reversals`) and what it still holds (`remaining`, all a merchant's reversal can give)."""

    id: str
    grant_id: str
    amount: Decimal
    requested_amount: Decimal
    source: DebitSource
    reason: str
    created_at: datetime
    reversed_at: datetime | None  # set once all of it has come back
    reversal_reason: str | None
    reversed_amount: Decimal
    remaining: Decimal
    reversals: list[ReversalPart]

    @classmethod
    def of(cls, debit: AllotmentDebit) -> DebitView:
        fields = _without(
            asdict(debit), "store_hash", "reversed_amount", "reversals", "reversal_times"
        )
        return cls(
            **fields,
            reversed_amount=given_back(debit),
            remaining=debit.remaining(),
            reversals=reversal_parts(debit),
        )


class DebitList(ApiModel):
    debits: list[DebitView]


class DebitResult(ApiModel):
    allotment: GrantView
    debit: DebitView | None


class ShopperGrantView(ApiModel):
    """What the holder sees: the balance and how it renews, not who granted it or why."""

    id: str
    unit: AllotmentUnit
    currency_code: str | None
    amount_per_period: Decimal
    balance: Decimal
    rollover: Rollover
    cadence: RefreshCadence | None
    period: int
    next_refresh_at: datetime | None
    status: GrantStatus

    @classmethod
    def of(cls, grant: AllotmentGrant) -> ShopperGrantView:
        return cls(**{name: getattr(grant, name) for name in cls.model_fields})


class ShopperDebitView(ApiModel):
    """A debit as its holder sees it: what it took, what came back and when, what remains;
    not the merchant's reasons."""

    id: str
    amount: Decimal
    source: DebitSource
    created_at: datetime
    reversed_amount: Decimal
    remaining: Decimal
    reversals: list[ReversalPart]

    @classmethod
    def of(cls, debit: AllotmentDebit) -> ShopperDebitView:
        return cls(
            id=debit.id,
            amount=debit.amount,
            source=debit.source,
            created_at=debit.created_at,
            reversed_amount=given_back(debit),
            remaining=debit.remaining(),
            reversals=reversal_parts(debit),
        )


class ShopperGrantDetail(ShopperGrantView):
    """One of the holder's grants with its debits."""

    debits: list[ShopperDebitView]


class ShopperGrantList(ApiModel):
    allotments: list[ShopperGrantView]
    cursor: str | None


def _without(fields: dict[str, Any], *names: str) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if name not in names}
