"""The app's callbacks: install (OAuth code exchange), uninstall (keep history, stop work),
remove a user (their admin sessions stop)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from msgspec.structs import replace

from ..ports.storage import Install
from .install_store import Encrypter, InstallResult, install_store

if TYPE_CHECKING:
    from ..ports.bigcommerce import BigCommerce, OAuthClient

_CONTEXT = re.compile(r"^stores/([A-Za-z0-9]+)$")


class InstallCallbackRejected(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


class RemovedUsers(Protocol):
    def remove(self, store_hash: str, user_id: int, at: datetime) -> None: ...


class Installs(Protocol):
    def get(self, store_hash: str) -> Install | None: ...
    def put(self, install: Install, now: datetime) -> None: ...


def store_of_context(context: str) -> str:
    """`stores/{hash}` → hash; anything else is refused."""
    match = _CONTEXT.match(context)
    if match is None:
        raise InstallCallbackRejected("invalid_context", "context must be stores/{hash}")
    return match.group(1)


def install_from_callback(
    code: str,
    scope: str,
    context: str,
    *,
    oauth: OAuthClient,
    installs: Installs,
    vault: Encrypter,
    bc: BigCommerce,
    app_base_url: str,
    client_id: str,
    now: datetime,
) -> InstallResult:
    """Exchange the one-time code for the store's token; install (or reinstall) the store.
    The answer names the user who installed, so the app can open for them at once."""
    store_hash = store_of_context(context)
    if not code:
        raise InstallCallbackRejected("missing_code", "code is required")
    grant = oauth.exchange_code(code, scope, context)
    if grant.context != context:
        raise InstallCallbackRejected("context_mismatch", "the token is for another store")
    result = install_store(
        store_hash,
        grant.access_token,
        installs=installs,
        vault=vault,
        bc=bc,
        app_base_url=app_base_url,
        client_id=client_id,
        now=now,
    )
    return replace(result, installer_id=grant.user.id if grant.user else None)


def uninstall(store_hash: str, *, installs: Installs, now: datetime) -> bool:
    """Mark the store uninstalled: it leaves the sweeps' index and its webhooks are refused.

    Subscriptions, events and links stay; a later install resumes with a new token and secret.
    BigCommerce deletes the app's hooks itself and revokes the token, so nothing is called.
    """
    install = installs.get(store_hash)
    if install is None or install.status != "installed":
        return False
    installs.put(
        Install(
            store_hash,
            "uninstalled",
            install.access_token_ciphertext,
            install.webhook_secret_ciphertext,
        ),
        now,
    )
    return True


def remove_user(store_hash: str, user_id: int, *, removed: RemovedUsers, now: datetime) -> None:
    """Sessions the user was issued until `now` stop working; a later `/load` (the user was
    given access again) issues one that works. `now` is the clock sessions are issued by."""
    removed.remove(store_hash, user_id, now)
