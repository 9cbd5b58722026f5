"""Record an installed store (token encrypted) and register the BigCommerce webhooks we process."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

import msgspec

from ..ports.storage import Install
from .hook_headers import hook_headers
from .storefront_script import ScriptOutcome, ensure_storefront_script

if TYPE_CHECKING:
    from ..ports.bigcommerce import BigCommerce

# Only the scopes this release processes; BigCommerce blocklists domains that fail deliveries.
WEBHOOK_ROUTES = {
    "store/order/created": "/webhooks/bigcommerce/order-created",
    "store/order/statusUpdated": "/webhooks/bigcommerce/order-status-updated",
    "store/shipment/created": "/webhooks/bigcommerce/shipment-created",
    # A backup of the `/uninstall` callback: the store closed, stop sweeping it.
    "store/app/uninstalled": "/webhooks/bigcommerce/app-uninstalled",
    # The customer is gone: their subscriptions stop.
    "store/customer/deleted": "/webhooks/bigcommerce/customer-deleted",
    # A shopper's new default card retries what waits on a card (payment_recovery).
    "store/customer/payment/instrument/default/updated": (
        "/webhooks/bigcommerce/default-instrument-updated"
    ),
    # A refund of a renewal order is recorded on its charge.
    "store/order/refund/created": "/webhooks/bigcommerce/order-refund-created",
    # A renewal payment left pending is settled as soon as its transaction is reported.
    "store/order/transaction/created": "/webhooks/bigcommerce/order-transaction-created",
}


class InstallStore(Protocol):
    def put(self, install: Install, now: datetime) -> None: ...


class Encrypter(Protocol):
    def encrypt(self, store_hash: str, plaintext: str) -> str: ...


class InstallResult(msgspec.Struct, frozen=True):
    store_hash: str
    hooks_created: int
    hooks_reused: int
    script: ScriptOutcome
    # The store user who installed (from the token answer), when BigCommerce named one.
    installer_id: int | None = None


def install_store(
    store_hash: str,
    access_token: str,
    *,
    installs: InstallStore,
    vault: Encrypter,
    bc: BigCommerce,
    app_base_url: str,
    client_id: str,
    now: datetime,
) -> InstallResult:
    """Save the store with a fresh webhook secret, then make sure each hook and the storefront
    portal's script exist once."""
    webhook_secret = secrets.token_urlsafe(32)
    install = Install(
        store_hash,
        "installed",
        vault.encrypt(store_hash, access_token),
        vault.encrypt(store_hash, webhook_secret),
    )
    installs.put(install, now)
    hooks = ensure_hooks(store_hash, webhook_secret, bc=bc, app_base_url=app_base_url)
    script = ensure_storefront_script(
        store_hash, bc=bc, app_base_url=app_base_url, client_id=client_id
    )
    return InstallResult(store_hash, hooks.created, hooks.updated, script)


class HookRepair(msgspec.Struct, frozen=True):
    created: int = 0
    updated: int = 0  # re-activated, or given the current headers
    intact: int = 0


def ensure_hooks(
    store_hash: str, webhook_secret: str, *, bc: BigCommerce, app_base_url: str
) -> HookRepair:
    """Each hook we need exists once, is active and sends the current headers."""
    headers = hook_headers(store_hash, webhook_secret)
    existing = {(h.scope, h.destination): h for h in bc.list_webhooks(store_hash)}
    created = updated = intact = 0
    for scope, path in WEBHOOK_ROUTES.items():
        destination = app_base_url.rstrip("/") + path
        hook = existing.get((scope, destination))
        if hook is None:
            bc.create_webhook(store_hash, scope, destination, headers)
            created += 1
        elif not hook.is_active or hook.headers != headers:
            # BC keeps sending the headers registered with the hook, so reuse needs the new secret.
            bc.update_webhook(store_hash, hook.id, headers, is_active=True)
            updated += 1
        else:
            intact += 1
    return HookRepair(created, updated, intact)
