"""What the worker does for each BigCommerce scope, wired to the container's adapters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import msgspec
from aws_lambda_powertools.metrics import MetricUnit

from ..bootstrap import Container
from ..observability import metrics
from ..ports.order_refunds import OrderRefunds
from ..ports.storage import UnitOfWork
from ..services.allotment_orders import debit_from_order, debit_when_placed
from ..services.app_lifecycle import uninstall
from ..services.bc_webhook_work import DeliveryGivenUp, Processor
from ..services.customer_deleted import stop_customer_subscriptions
from ..services.default_instrument import recover_with_default
from ..services.invoice_payments import record_invoice_paid
from ..services.location_status import settle_location_on_status
from ..services.order_status import StatusChange, react, start_subscriptions_when_paid
from ..services.payment_actions import ActionDeps
from ..services.payment_reactions import capture_when_fulfilled, void_when_cancelled
from ..services.pending_payments import settle_on_transaction
from ..services.refund_reversals import reverse_refunded_debits
from ..services.refunds import record_refund
from ..services.shipments import on_shipment
from .bc_webhook_models import (
    CustomerRef,
    OrderRef,
    RefundData,
    ShipmentData,
    StatusData,
    StoreRef,
    TransactionData,
    read_data,
)
from .capture import capture_order
from .pipeline_metrics import SUBSCRIPTIONS_CREATED

M = TypeVar("M", bound=msgspec.Struct)


def _parsed(model: type[M], data: dict[str, Any]) -> M:
    try:
        return read_data(model, data)
    except msgspec.ValidationError as exc:
        # The route validated it; a message that still fails can never succeed.
        raise DeliveryGivenUp("invalid_data") from exc


def _order_debit(c: Container) -> Callable[[str, int], str]:
    """What debits the holder's allotments for one order (created, or placed later)."""
    return lambda store_hash, order_id: debit_from_order(
        store_hash, order_id, bc=c.bigcommerce, deps=c.allotment_deps(), app_id=c.settings.bc_app_id
    )


def _order_refunds(c: Container) -> OrderRefunds:
    """An order's refunds, read through the container's BigCommerce session."""
    from ..adapters.bigcommerce.order_refunds import BigCommerceOrderRefunds

    return BigCommerceOrderRefunds(c.bigcommerce.rest)


def processors(c: Container) -> dict[str, Processor]:
    """Scope -> processor; a scope missing here is given up on, never retried."""

    def action_deps() -> ActionDeps:
        return ActionDeps(cast(UnitOfWork, c.unit_of_work()), c.bigcommerce, c.clock)

    order_debit = _order_debit(c)

    def order_created(store_hash: str, data: dict[str, Any]) -> str:
        order = _parsed(OrderRef, data)
        result = capture_order(c, store_hash, order.id)
        metrics.add_metric(SUBSCRIPTIONS_CREATED, MetricUnit.Count, len(result.subscription_ids))
        order_debit(store_hash, order.id)
        return result.outcome

    def shipment_created(store_hash: str, data: dict[str, Any]) -> str:
        shipment = _parsed(ShipmentData, data)
        return on_shipment(store_hash, shipment.order_id, action_deps())

    def status_updated(store_hash: str, data: dict[str, Any]) -> str:
        status = _parsed(StatusData, data)
        change = StatusChange(
            store_hash, status.id, status.status.previous_status_id, status.status.new_status_id
        )
        reactions = [
            start_subscriptions_when_paid(lambda store, order: capture_order(c, store, order)),
            capture_when_fulfilled(action_deps),
            void_when_cancelled(action_deps),
            settle_location_on_status(action_deps),
            record_invoice_paid(lambda: cast(UnitOfWork, c.unit_of_work()), c.bigcommerce, c.clock),
            debit_when_placed(order_debit),
        ]
        return react(change, reactions)

    def app_uninstalled(store_hash: str, data: dict[str, Any]) -> str:
        _parsed(StoreRef, data)
        # As the `/uninstall` callback does: the store leaves the sweeps' index.
        closed = uninstall(store_hash, installs=c.installs, now=c.clock.now())
        return "uninstalled" if closed else "not_installed"

    def customer_deleted(store_hash: str, data: dict[str, Any]) -> str:
        customer = _parsed(CustomerRef, data)
        stopped = stop_customer_subscriptions(
            store_hash,
            customer.id,
            uow_factory=lambda: cast(UnitOfWork, c.unit_of_work()),
            now=c.clock.now(),
        )
        return f"stopped:{stopped}"

    def default_instrument_updated(store_hash: str, data: dict[str, Any]) -> str:
        customer = _parsed(CustomerRef, data)
        return recover_with_default(
            store_hash,
            customer.id,
            bc=c.bigcommerce,
            uow_factory=lambda: cast(UnitOfWork, c.unit_of_work()),
            queue=c.renewal_queue,
            now=c.clock.now(),
        )

    def transaction_created(store_hash: str, data: dict[str, Any]) -> str:
        transaction = _parsed(TransactionData, data)
        return settle_on_transaction(
            store_hash,
            transaction.order,
            uow=cast(UnitOfWork, c.unit_of_work()),
            queue=c.renewal_queue,
        )

    def refund_created(store_hash: str, data: dict[str, Any]) -> str:
        refund = _parsed(RefundData, data)
        outcome = record_refund(
            store_hash,
            refund.id,
            refund.refund.refund_id,
            uow=cast(UnitOfWork, c.unit_of_work()),
            now=c.clock.now(),
        )
        reverse_refunded_debits(
            store_hash,
            refund.id,
            refund.refund.refund_id,
            refunds=_order_refunds(c),
            bc=c.bigcommerce,
            deps=c.allotment_deps(),
        )
        return outcome

    table: dict[str, Callable[[str, dict[str, Any]], str]] = {
        "store/order/created": order_created,
        "store/shipment/created": shipment_created,
        "store/order/statusUpdated": status_updated,
        "store/app/uninstalled": app_uninstalled,
        "store/customer/deleted": customer_deleted,
        "store/customer/payment/instrument/default/updated": default_instrument_updated,
        "store/order/refund/created": refund_created,
        "store/order/transaction/created": transaction_created,
    }
    return table
