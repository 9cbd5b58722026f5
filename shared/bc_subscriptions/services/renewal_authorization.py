"""After a renewal payment: remember an authorization to capture later, or warn the merchant.

A store that captures on shipment or fulfilment needs a gateway that authorizes only; when
the gateway took the money at once (purchase), the payment is recorded as it happened and the
merchant gets a configuration warning instead of a capture that cannot happen.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from ..domain import events as ev
from ..domain.authorization import Authorization

if TYPE_CHECKING:
    from ..domain.charge import Charge
    from ..domain.subscription import Subscription
    from ..domain.tenant_config import TenantConfig
    from ..ports.bigcommerce import BigCommerce, Transaction


def needs_transactions(transaction_type: str, config: TenantConfig) -> bool:
    """A purchase on an `immediate` store is complete as it is (the renewal's 3 calls)."""
    return transaction_type == "authorization" or config.capture_timing != "immediate"


def record_payment(
    sub: Subscription,
    charge: Charge,
    transaction_type: str,
    txs: list[Transaction],
    config: TenantConfig,
    now: datetime,
) -> None:
    """Fill in the authorization (amount, gateway id, expiry) or record the warning event."""
    if transaction_type == "authorization":
        tx = next((t for t in txs if t.event == "authorization" and t.status == "ok"), None)
        charge.authorization = Authorization(
            amount=tx.amount if tx else charge.amount or Decimal("0"),
            currency=tx.currency if tx else charge.currency,
            transaction_id=str(tx.id) if tx else charge.transaction_id or "",
            gateway_transaction_id=tx.gateway_transaction_id if tx else None,
            authorized_at=now,
            expires_at=now + timedelta(days=config.auth_window_days),
            lead_hours=config.auth_expiry_lead_hours,
            capture_due_at=now if config.capture_timing == "immediate" else None,
        )
    elif config.capture_timing != "immediate":
        sub.record_payment_action(
            ev.CAPTURE_TIMING_UNSUPPORTED,
            cycle=charge.cycle,
            now=now,
            order_id=charge.bc_order_id,
            capture_timing=config.capture_timing,
            transaction_type=transaction_type,
        )


def fetch_transactions(
    bc: BigCommerce, charge: Charge, transaction_type: str, config: TenantConfig
) -> list[Transaction]:
    if not needs_transactions(transaction_type, config) or charge.bc_order_id is None:
        return []
    return bc.list_order_transactions(charge.store_hash, charge.bc_order_id)
