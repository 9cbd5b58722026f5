"""Admin ops queues about work the engine could not finish: stuck renewal workflows and
dead-lettered messages (with their redrive), and the ops items recorded for the operator.
Thin: each route calls one service."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, cast

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import Field

from ..bootstrap import container
from ..domain.charge import Charge
from ..ports.ops_items import OpsItem
from ..ports.storage import DeadLetter, UnitOfWork
from ..services import dead_letters as letters
from ..services import ops_items
from ..services.stuck_workflows import MAX_PAGE, StuckWorkflow, stuck_workflows
from .admin_auth import session_store
from .api_base import ApiModel
from .responses import error

router = Router()  # type: ignore[no-untyped-call]


class ChargeState(ApiModel):
    stage: str
    lease_owner: str | None
    lease_until: datetime | None
    order_id: int | None
    payment_attempts: int
    updated_at: datetime

    @classmethod
    def of(cls, charge: Charge) -> ChargeState:
        return cls(
            stage=charge.stage.value,
            lease_owner=charge.lease_owner,
            lease_until=charge.lease_until,
            order_id=charge.bc_order_id,
            payment_attempts=charge.payment_attempts,
            updated_at=charge.updated_at,
        )


class StuckWorkflowItem(ApiModel):
    subscription_id: str
    status: str
    cycle: int
    due_at: datetime
    minutes_overdue: int
    diagnosis: str = Field(
        description="not_claimed (no worker claimed the cycle), lease_held (a worker is on it),"
        " lease_expired (its worker died or gave up), idle (claimed, waiting to be resumed)"
    )
    charge: ChargeState | None = Field(description="The cycle's charge; null: none yet")

    @classmethod
    def of(cls, stuck: StuckWorkflow) -> StuckWorkflowItem:
        return cls(
            subscription_id=stuck.subscription.id,
            status=stuck.subscription.status.value,
            cycle=stuck.cycle,
            due_at=stuck.due_at,
            minutes_overdue=stuck.minutes_overdue,
            diagnosis=stuck.diagnosis,
            charge=None if stuck.charge is None else ChargeState.of(stuck.charge),
        )


class StuckWorkflowQueue(ApiModel):
    items: list[StuckWorkflowItem]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null: done")


class DeadLetterView(ApiModel):
    id: str
    kind: str = Field(description="renewal | webhook_delivery | bc_webhook")
    at: datetime
    attempts: int
    error: str
    subscription_id: str | None
    cycle: int | None
    endpoint_id: str | None
    event_id: str | None
    event_type: str | None
    redriven_at: datetime | None

    @classmethod
    def of(cls, letter: DeadLetter) -> DeadLetterView:
        return cls(
            id=letter.dead_letter_id,
            kind=letter.kind,
            at=letter.at,
            attempts=letter.attempts,
            error=letter.error,
            subscription_id=letter.subscription_id,
            cycle=letter.cycle,
            endpoint_id=letter.endpoint_id,
            event_id=letter.event_id,
            event_type=letter.event_type,
            redriven_at=letter.redriven_at,
        )


class DeadLetterList(ApiModel):
    items: list[DeadLetterView]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null: done")


class OpsItemView(ApiModel):
    id: str
    type: str = Field(description="e.g. plan.invalid, subscription.cancel_routed, gift.refused")
    occurred_at: datetime
    data: dict[str, object] = Field(description="What the item is about; its keys vary by type")

    @classmethod
    def of(cls, item: OpsItem) -> OpsItemView:
        return cls(id=item.id, type=item.type, occurred_at=item.occurred_at, data=item.data)


class OpsItemList(ApiModel):
    items: list[OpsItemView]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null: done")


def _store() -> str:
    return session_store(router.current_event.headers)


@router.get("/admin/ops/stuck-workflows")
def stuck(
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 25,
) -> StuckWorkflowQueue:
    """Renewals still due `stuck_after_minutes` (tenant config) after their due time, longest
    overdue first, with the cycle's charge state."""
    store_hash, c = _store(), container()
    items, next_cursor = stuck_workflows(
        store_hash,
        uow=cast(UnitOfWork, c.unit_of_work()),
        reader=c.subscription_reads,
        now=c.clock.now(),
        cursor=cursor,
        limit=limit,
    )
    return StuckWorkflowQueue(
        items=[StuckWorkflowItem.of(s) for s in items], next_cursor=next_cursor
    )


@router.get("/admin/ops/dead-letters")
def dead_letters(
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=letters.MAX_PAGE)] = 25,
) -> DeadLetterList:
    """Messages given up on (renewals, webhook deliveries), newest first; kept 30 days."""
    page = letters.list_dead_letters(
        _store(), letters=container().dead_letters, cursor=cursor, limit=limit
    )
    return DeadLetterList(items=[DeadLetterView.of(x) for x in page.items], next_cursor=page.cursor)


@router.get("/admin/ops/items")
def items(
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=ops_items.MAX_PAGE)] = 25,
    type: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
) -> OpsItemList:
    """What the engine recorded for the operator to look at (an invalid plan, a cancel routed
    to the legal team, an overdue invoice...), newest first; kept 90 days."""
    page = ops_items.list_ops_items(
        _store(), reads=container().ops_events, type_=type, cursor=cursor, limit=limit
    )
    return OpsItemList(items=[OpsItemView.of(x) for x in page.items], next_cursor=page.cursor)


@router.post("/admin/ops/dead-letters/<dead_letter_id>/redrive")
def redrive(dead_letter_id: str) -> DeadLetterView:
    """Send it again, once: a renewal back to the renewal queue, a webhook delivery replayed
    to its endpoint. `409 already_redriven` the second time."""
    store_hash, c = _store(), container()
    letter = letters.redrive(
        store_hash,
        dead_letter_id,
        letters=c.dead_letters,
        renewal_queue=c.renewal_queue,
        endpoints=c.endpoints,
        events=c.event_log,
        webhook_queue=c.webhook_queue,
        now=c.clock.now(),
    )
    return DeadLetterView.of(letter)


@router.exception_handler(letters.DeadLetterNotFound)  # type: ignore[untyped-decorator]
def _no_letter(_: letters.DeadLetterNotFound) -> Response[str]:
    return error(404, "not_found", "no such dead letter")


@router.exception_handler(letters.RedriveRefused)  # type: ignore[untyped-decorator]
def _refused(failure: letters.RedriveRefused) -> Response[str]:
    return error(409, failure.code, str(failure))
