"""`GET /admin/subscriptions/{id}/entitlements`: what a subscription grants, and where the
holder's customer group stands."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, cast

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from ..bootstrap import container
from ..domain.entitlements import Entitlement, GroupLedger
from ..ports.storage import UnitOfWork
from ..services.entitlement_reads import subscription_entitlements
from .api_base import ApiModel
from .change_pipeline import CurrentCaller

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]


class EntitlementView(ApiModel):
    key: str
    status: Literal["pending", "active", "suspended", "revoked"]
    customer_group_id: int
    priority: int
    granted_at: datetime | None
    revoke_at: datetime | None
    changed_at: datetime

    @classmethod
    def of(cls, ent: Entitlement) -> EntitlementView:
        return cls(
            key=ent.key,
            status=ent.status.value,
            customer_group_id=ent.customer_group_id,
            priority=ent.priority,
            granted_at=ent.granted_at,
            revoke_at=ent.revoke_at,
            changed_at=ent.changed_at,
        )


class CustomerGroupView(ApiModel):
    """The holder's group as our entitlements manage it (null: we never moved them)."""

    wanted_group_id: int | None
    applied_group_id: int | None
    original_group_id: int | None
    # The merchant moved the customer by hand; we leave them there.
    changed_by_hand_to: int | None
    pending: bool

    @classmethod
    def of(cls, ledger: GroupLedger) -> CustomerGroupView:
        return cls(
            wanted_group_id=ledger.wanted(),
            applied_group_id=ledger.applied_group_id,
            original_group_id=ledger.original_group_id,
            changed_by_hand_to=ledger.hand_changed_to,
            pending=ledger.pending,
        )


class SubscriptionEntitlementsView(ApiModel):
    subscription_id: str
    customer_id: int
    entitlements: list[EntitlementView]
    customer_group: CustomerGroupView | None


@router.get("/subscriptions/<subscription_id>/entitlements")
def get_entitlements(subscription_id: str, caller: CurrentCaller) -> SubscriptionEntitlementsView:
    c = container()
    found = subscription_entitlements(
        caller.store_hash,
        subscription_id,
        uow=cast(UnitOfWork, c.unit_of_work()),
        repo=c.entitlements,
    )
    ledger = found.ledger
    return SubscriptionEntitlementsView(
        subscription_id=found.subscription_id,
        customer_id=found.holder_customer_id,
        entitlements=[EntitlementView.of(e) for e in found.entitlements],
        customer_group=None if ledger is None else CustomerGroupView.of(ledger),
    )
