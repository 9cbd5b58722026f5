"""The reconciliation of one store, wired to the container's adapters."""

from __future__ import annotations

from msgspec.structs import asdict

from ..bootstrap import Container
from ..observability import logger
from ..ports.bigcommerce import Order
from ..services.allotment_orders import debit_from_order
from ..services.capture_from_order import CaptureResult
from ..services.entitlement_sync import sweep_store
from ..services.reconciliation import StoreReconciliation, reconcile_store
from .capture import capture_order


def _capture_and_debit(
    c: Container, store_hash: str, order_id: int, order: Order | None
) -> CaptureResult:
    """What order/created would have done for an order whose webhook was missed or parked:
    its subscriptions, and its holder's allotment debits (each idempotent per order)."""
    result = capture_order(c, store_hash, order_id, order)
    debit_from_order(
        store_hash,
        order_id,
        bc=c.bigcommerce,
        deps=c.allotment_deps(),
        app_id=c.settings.bc_app_id,
        listed=order,
    )
    return result


def reconcile_installed_store(c: Container, store_hash: str) -> StoreReconciliation:
    install = c.installs.get(store_hash)
    if install is None or install.status != "installed":
        raise LookupError(f"store {store_hash} is not installed")
    result = reconcile_store(
        install,
        bc=c.bigcommerce,
        checkpoints=c.recon_checkpoints,
        parked=c.inbox,
        capture=lambda store, order_id, order: _capture_and_debit(c, store, order_id, order),
        webhook_secret=c.vault.decrypt(store_hash, install.webhook_secret_ciphertext),
        app_base_url=c.settings.app_base_url,
        # BigCommerce's modified times: real time in production, the stack's clock locally.
        now=c.clock.now(),
    )
    # Entitlement changes not applied yet and cancel graces that ran out (their own failures
    # stay outstanding for the next run; they never fail the store's reconciliation).
    entitlements = sweep_store(c.entitlement_deps, store_hash)
    logger.info("entitlement sweep", store_hash=store_hash, **asdict(entitlements))
    return result
