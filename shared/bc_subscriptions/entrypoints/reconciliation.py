"""The reconciliation of one store, wired to the container's adapters."""

from __future__ import annotations

from ..bootstrap import Container
from ..services.reconciliation import StoreReconciliation, reconcile_store
from .capture import capture_order


def reconcile_installed_store(c: Container, store_hash: str) -> StoreReconciliation:
    install = c.installs.get(store_hash)
    if install is None or install.status != "installed":
        raise LookupError(f"store {store_hash} is not installed")
    return reconcile_store(
        install,
        bc=c.bigcommerce,
        checkpoints=c.recon_checkpoints,
        parked=c.inbox,
        capture=lambda store, order_id, order: capture_order(c, store, order_id, order),
        webhook_secret=c.vault.decrypt(store_hash, install.webhook_secret_ciphertext),
        app_base_url=c.settings.app_base_url,
        # BigCommerce's modified times: real time in production, the stack's clock locally.
        now=c.clock.now(),
    )
