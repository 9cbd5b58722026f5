"""Request authentication as BigCommerce does it: X-Auth-Token per store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Response, request

from .state import Store

if TYPE_CHECKING:
    from .emulator import BigCommerceEmulator


def authorized_store(emu: BigCommerceEmulator, store_hash: str) -> Store | Response:
    from .app import error

    store = emu.stores.get(store_hash)
    if store is None or request.headers.get("X-Auth-Token") != store.access_token:
        return error(401, "You are not authorized to access this resource")
    return store
