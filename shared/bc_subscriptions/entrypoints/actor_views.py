"""How actors and what a caller may do appear in the admin and portal APIs."""

from __future__ import annotations

from datetime import datetime

from ..domain.actors import Actor, Principal, roles_of
from ..domain.company_access import direct_actions, effective_role, request_actions, seat_on
from ..domain.subscription import Subscription
from .api_base import ApiModel
from .api_models import SubscriptionView


class ActorView(ApiModel):
    customer_id: int
    role: str
    status: str
    added_at: datetime
    added_by: dict[str, int | str | None]
    removed_at: datetime | None

    @classmethod
    def of(cls, actor: Actor) -> ActorView:
        return cls(
            customer_id=actor.customer_id,
            role=actor.role.value,
            status=actor.status.value,
            added_at=actor.added_at,
            added_by=actor.added_by.as_data(),
            removed_at=actor.removed_at,
        )


class ActorsView(ApiModel):
    """A subscription's actors (removed ones too, for the audit) and who pays and receives."""

    subscription: SubscriptionView
    payer_customer_id: int
    beneficiary_customer_id: int
    actors: list[ActorView]

    @classmethod
    def of(cls, sub: Subscription) -> ActorsView:
        return cls(
            subscription=SubscriptionView.of(sub),
            payer_customer_id=sub.payer_customer_id,
            beneficiary_customer_id=sub.beneficiary_customer_id,
            actors=[ActorView.of(a) for a in sub.actors_in_force()],
        )


class PortalSubscriptionView(SubscriptionView):
    """A subscription as one shopper sees it: their roles and what those allow, computed
    here so the storefront shows only what the API will accept. `allowed_actions` take effect
    at once; `request_actions` become change requests for a company admin to decide. A
    company's subscription carries `company` (as every view does) and the shopper's
    `company_role` in it (None: not their company)."""

    roles: list[str]
    effective_role: str
    allowed_actions: list[str]
    request_actions: list[str]
    company_role: str | None
    payer_customer_id: int
    beneficiary_customer_id: int

    @classmethod
    def for_shopper(cls, sub: Subscription, who: Principal) -> PortalSubscriptionView:
        assert who.customer_id is not None
        seat = seat_on(sub, who.customer_id)
        return cls(
            **SubscriptionView.of(sub).model_dump(),
            roles=sorted(r.value for r in roles_of(sub.actors_in_force(), who.customer_id)),
            effective_role=effective_role(sub, who.customer_id),
            allowed_actions=sorted(a.value for a in direct_actions(sub, who)),
            request_actions=sorted(a.value for a in request_actions(sub, who)),
            company_role=None if seat is None else seat.role.value,
            payer_customer_id=sub.payer_customer_id,
            beneficiary_customer_id=sub.beneficiary_customer_id,
        )


class PortalSubscriptionList(ApiModel):
    items: list[PortalSubscriptionView]
    next_cursor: str | None
