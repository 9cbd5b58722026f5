"""One checkout order captured with the container's adapters (webhooks and reconciliation)."""

from __future__ import annotations

from typing import cast

from ..bootstrap import Container
from ..ports.bigcommerce import Order
from ..ports.storage import UnitOfWork
from ..services.capture_from_order import CaptureResult, capture_from_order
from ..services.plan_allotments import grant_plan_allotments


def capture_order(
    c: Container, store_hash: str, order_id: int, order: Order | None = None
) -> CaptureResult:
    result = capture_from_order(
        store_hash,
        order_id,
        # The port declares plain attributes; the adapter's repositories satisfy them.
        uow=cast(UnitOfWork, c.unit_of_work()),
        bc=c.bigcommerce,
        clock=c.clock,
        app_id=c.settings.bc_app_id,
        new_id=lambda: c.new_id("sub"),
        plans=c.plan_catalog,
        order=order,
        companies=c.company_directory,
        ops=c.ops_events,
    )
    if result.outcome in ("created", "already_captured") and result.subscription_ids:
        # Again on a repeat: a crash between the capture and the grants leaves none missing.
        grant_plan_allotments(
            store_hash,
            result.subscription_ids,
            uow_factory=lambda: cast(UnitOfWork, c.unit_of_work()),
            plans=c.plan_catalog,
            deps=c.allotment_deps(),
        )
    return result
