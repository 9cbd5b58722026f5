"""Admin routes of allotments (D18): grant one to a customer of the store, list and read them,
debit, reverse a debit, suspend, resume, revoke. A grant is independent of any payment."""

from __future__ import annotations

from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import ConfigDict, Field, model_validator

from ..bootstrap import container
from ..domain.actors import ActorType, EventActor, acting
from ..domain.allotments import (
    AllotmentUnit,
    DebitSource,
    GrantedBy,
    InvalidAmount,
    OrderDebit,
    RefreshCadence,
    Rollover,
    check_shape,
)
from ..observability import logger
from ..ports.allotment_storage import InvalidGrantCursor
from ..ports.bigcommerce import BigCommerceError
from ..services import allotments as svc
from .admin_auth import session_of, session_store
from .allotment_views import DebitList, DebitResult, DebitView, GrantList, GrantView
from .api_base import ApiModel
from .input_types import MultiLine, SingleLine
from .responses import error, json_response

router = Router()  # type: ignore[no-untyped-call]
_MAX_AMOUNT = Decimal(10) ** 9


class GrantRequest(ApiModel):
    model_config = ConfigDict(extra="forbid")

    customer_id: int = Field(ge=1, le=2**31 - 1)
    unit: AllotmentUnit
    currency_code: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    amount_per_period: Decimal = Field(gt=0, le=_MAX_AMOUNT)
    cadence: RefreshCadence | None = None
    rollover: Rollover = Rollover.NONE
    overdraft_limit: Decimal | None = Field(default=None, ge=0, le=_MAX_AMOUNT)
    order_debit: OrderDebit = OrderDebit.NONE
    product_ids: list[Annotated[int, Field(ge=1)]] = Field(default_factory=list, max_length=50)
    reason: MultiLine = Field(default="", max_length=500)
    custom_fields: dict[str, Any] = Field(default_factory=dict, max_length=50)

    @model_validator(mode="after")
    def _consistent(self) -> GrantRequest:
        check_shape(self)
        return self


class DebitRequest(ApiModel):
    model_config = ConfigDict(extra="forbid")

    amount: Decimal = Field(gt=0, le=_MAX_AMOUNT)
    reason: MultiLine = Field(default="", max_length=500)
    # What consumed it: a BigCommerce order, or a subscription's charge (at most one).
    order_id: int | None = Field(default=None, ge=1)
    subscription_id: SingleLine | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    cycle: int | None = Field(default=None, ge=1)
    # A retried request with the same key debits once.
    idempotency_key: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,64}$")

    @model_validator(mode="after")
    def _one_source(self) -> DebitRequest:
        if (self.subscription_id is None) != (self.cycle is None):
            raise ValueError("a charge is named by subscription_id and cycle together")
        if self.order_id is not None and self.subscription_id is not None:
            raise ValueError("a debit links to an order or to a charge, not both")
        if self.idempotency_key is not None and (self.order_id or self.subscription_id):
            raise ValueError("an order or a charge is already the debit's idempotency key")
        return self

    def source(self) -> DebitSource:
        if self.order_id is not None:
            return DebitSource(kind="order", id=str(self.order_id))
        if self.subscription_id is not None:
            return DebitSource(kind="charge", id=f"{self.subscription_id}#{self.cycle}")
        return DebitSource(kind="manual", id=self.idempotency_key)


class ReasonRequest(ApiModel):
    model_config = ConfigDict(extra="forbid")

    reason: MultiLine = Field(default="", max_length=500)


def _as_merchant_user() -> AbstractContextManager[None]:
    """Events raised inside record the session's control-panel user as who acted."""
    session = session_of(router.current_event.headers)
    return acting(EventActor(type=ActorType.MERCHANT_USER, id=session.user_id))


@router.exception_handler(svc.GrantNotFound)  # type: ignore[untyped-decorator]
def _grant_not_found(_: svc.GrantNotFound) -> Response[str]:
    return error(404, "not_found", "no such allotment")


@router.exception_handler(svc.DebitNotFound)  # type: ignore[untyped-decorator]
def _debit_not_found(_: svc.DebitNotFound) -> Response[str]:
    return error(404, "not_found", "no such allotment debit")


@router.exception_handler(svc.CustomerNotInStore)  # type: ignore[untyped-decorator]
def _stranger(refused: svc.CustomerNotInStore) -> Response[str]:
    # A rule about what was sent, not a conflict with the grant's state: 422, nothing written.
    return error(422, refused.code, str(refused))


@router.exception_handler(BigCommerceError)  # type: ignore[untyped-decorator]
def _unavailable(failed: BigCommerceError) -> Response[str]:
    # The customer could not be checked: nothing was granted, the merchant may try again.
    logger.warning("allotment customer check failed", status=failed.status)
    return error(502, "bigcommerce_unavailable", "BigCommerce did not answer; try again")


@router.exception_handler(InvalidAmount)  # type: ignore[untyped-decorator]
def _invalid_amount(invalid: InvalidAmount) -> Response[str]:
    return error(422, invalid.code, str(invalid))


@router.exception_handler(InvalidGrantCursor)  # type: ignore[untyped-decorator]
def _bad_cursor(_: InvalidGrantCursor) -> Response[str]:
    return error(400, "invalid_cursor", "this cursor was not handed out by this listing")


@router.post("/admin/allotments")
def grant(request: GrantRequest) -> Response[str]:
    """Grant an allotment; 422 `customer_not_in_store` (nothing written) for a stranger."""
    session, c = session_of(router.current_event.headers), container()
    new = svc.NewGrant(
        **request.model_dump(exclude={"product_ids"}),
        product_ids=tuple(request.product_ids),
        granted_by=GrantedBy(kind="merchant", id=str(session.user_id)),
    )
    with _as_merchant_user():
        granted = svc.grant_allotment(
            session.store_hash, new, deps=c.allotment_deps(), bc=c.bigcommerce
        )
    return json_response(201, GrantView.of(granted).model_dump(mode="json"))


@router.get("/admin/allotments")
def list_allotments(
    customer_id: Annotated[int | None, Query(ge=1)] = None,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=svc.MAX_PAGE)] = 25,
) -> GrantList:
    store_hash = session_store(router.current_event.headers)
    grants, next_cursor = svc.list_grants(
        store_hash, container().allotments, customer_id=customer_id, cursor=cursor, limit=limit
    )
    return GrantList(allotments=[GrantView.of(g) for g in grants], cursor=next_cursor)


@router.get("/admin/allotments/<grant_id>")
def get_allotment(grant_id: str) -> GrantView:
    store_hash = session_store(router.current_event.headers)
    return GrantView.of(svc.get_grant(store_hash, grant_id, container().allotments))


@router.get("/admin/allotments/<grant_id>/debits")
def list_debits(
    grant_id: str, limit: Annotated[int, Query(ge=1, le=svc.MAX_PAGE)] = 50
) -> DebitList:
    store_hash, grants = session_store(router.current_event.headers), container().allotments
    svc.get_grant(store_hash, grant_id, grants)
    debits = grants.debits(store_hash, grant_id, limit=limit)
    return DebitList(debits=[DebitView.of(d) for d in debits])


@router.post("/admin/allotments/<grant_id>/debits")
def debit(grant_id: str, request: DebitRequest) -> Response[str]:
    """Debit; 409 `insufficient_balance` beyond the balance (and any overdraft), nothing
    written; a repeat of the same order, charge or idempotency key answers the first (200)."""
    store_hash = session_store(router.current_event.headers)
    with _as_merchant_user():
        outcome = svc.debit_allotment(
            store_hash,
            grant_id,
            amount=request.amount,
            source=request.source(),
            reason=request.reason,
            deps=container().allotment_deps(),
        )
    view = DebitResult(
        allotment=GrantView.of(outcome.grant),
        debit=DebitView.of(outcome.debit) if outcome.debit else None,
    )
    return json_response(200 if outcome.duplicate else 201, view.model_dump(mode="json"))


@router.post("/admin/allotments/<grant_id>/debits/<debit_id>/reverse")
def reverse(grant_id: str, debit_id: str, request: ReasonRequest) -> GrantView:
    """Give back what remains of a debit (no money moves); 409 `debit_already_reversed` once
    nothing remains."""
    store_hash = session_store(router.current_event.headers)
    with _as_merchant_user():
        grant = svc.reverse_debit(
            store_hash, grant_id, debit_id, deps=container().allotment_deps(), reason=request.reason
        )
    return GrantView.of(grant)


def _status(grant_id: str, action: str, reason: str) -> GrantView:
    store_hash = session_store(router.current_event.headers)
    with _as_merchant_user():
        grant = svc.change_status(
            store_hash, grant_id, action, deps=container().allotment_deps(), reason=reason
        )
    return GrantView.of(grant)


@router.post("/admin/allotments/<grant_id>/suspend")
def suspend(grant_id: str, request: ReasonRequest) -> GrantView:
    """Stop debits and refreshes until resumed; 409 `allotment_not_active` if not active."""
    return _status(grant_id, "suspend", request.reason)


@router.post("/admin/allotments/<grant_id>/resume")
def resume(grant_id: str, request: ReasonRequest) -> GrantView:
    return _status(grant_id, "resume", request.reason)


@router.post("/admin/allotments/<grant_id>/revoke")
def revoke(grant_id: str, request: ReasonRequest) -> GrantView:
    """End the grant for good; its debits stay on record."""
    return _status(grant_id, "revoke", request.reason)
