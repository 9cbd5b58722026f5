"""Request authentication as BigCommerce does it: `X-Auth-Token` per store."""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import Response, request

from .responses import api_error
from .state import Store

if TYPE_CHECKING:
    from .emulator import BigCommerceEmulator


def authorized_store(emu: BigCommerceEmulator, store_hash: str) -> Store | Response:
    """The store, or the 401 BigCommerce answers for an unknown store or a wrong token."""
    store = emu.stores.get(store_hash)
    given = request.headers.get("X-Auth-Token", "")
    if store is None or not hmac.compare_digest(given.encode(), store.access_token.encode()):
        return api_error(request.path, 401, "You are not authorized to access this resource")
    return store


def store_view(emu: BigCommerceEmulator) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Route decorator: under the emulator's lock, resolve `store_hash` to an authorized store."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(store_hash: str, **kwargs: Any) -> Any:
            with emu.lock:
                store = authorized_store(emu, store_hash)
                if isinstance(store, Response):
                    return store
                return view(store, **kwargs)

        return wrapper

    return decorate
