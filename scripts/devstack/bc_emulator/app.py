"""The Flask app: calls recorded, faults and the rate limit applied, then BigCommerce's routes."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from flask import Flask, Response, g, request

from . import (
    contract_gate,
    routes_b2b,
    routes_catalog,
    routes_control,
    routes_customers,
    routes_order_metafields,
    routes_orders,
    routes_payments,
    routes_platform,
    routes_refunds,
    routes_scripts,
    routes_storefront,
)
from .ratelimit import is_payments
from .responses import api_error
from .transport import FAULT_HEADER

if TYPE_CHECKING:
    from .emulator import BigCommerceEmulator


def build_app(emu: BigCommerceEmulator) -> Flask:
    """One app for the API host, the payments host and the login host."""
    app = Flask("bc_emulator")
    contract_gate.check_answers(app, emu)

    @app.before_request
    def _gate() -> Response | None:
        path = request.path
        if not emu.is_api(path):
            return None
        emu.record_call(request.method, path)
        kind = _fault_for(emu)
        g.fault_after = kind if kind in ("5xx_after", "timeout_after") else None
        if kind in ("5xx_before", "timeout_before"):
            _stall_if_timeout(emu, kind)
            return api_error(request.path, 500, "Internal Server Error")
        if kind == "429":
            response = api_error(path, 429, "Too Many Requests")
            response.headers.update(
                {"X-Rate-Limit-Time-Reset-Ms": "50", "X-Rate-Limit-Requests-Left": "0"}
            )
            return response
        with emu.lock:
            allowed, g.rate_headers = emu.store_limits.admit(
                _store_of(path), payments=is_payments(path), default_quota=emu.rate_limit_quota
            )
        if not allowed:
            response = api_error(path, 429, "Too Many Requests")
            response.headers.update(g.rate_headers)
            return response
        return None

    @app.after_request
    def _after(response: Response) -> Response:
        if kind := getattr(g, "fault_after", None):
            # Applied, but the answer is lost: the caller cannot know it worked.
            _stall_if_timeout(emu, kind)
            return api_error(request.path, 500, "Internal Server Error")
        response.headers.update(getattr(g, "rate_headers", {}))
        return response

    contract_gate.check_requests(app, emu)

    routes_orders.register(app, emu)
    routes_order_metafields.register(app, emu)
    routes_payments.register(app, emu)
    routes_refunds.register(app, emu)
    routes_platform.register(app, emu)
    routes_customers.register(app, emu)
    routes_scripts.register(app, emu)
    routes_storefront.register(app, emu)
    routes_catalog.register(app, emu)
    routes_control.register(app, emu)
    routes_b2b.register(app, emu)
    return app


def _store_of(path: str) -> str:
    """The store a request is for: in the path, or (B2B Edition) in `X-Store-Hash`."""
    if path.startswith("/api/v3/io/"):
        return request.headers.get("X-Store-Hash", "")
    return path.split("/")[2]


def _fault_for(emu: BigCommerceEmulator) -> str | None:
    """The fault drawn by the in-process transport, or (served over HTTP) drawn here."""
    drawn = request.headers.get(FAULT_HEADER)
    if drawn is not None:
        return None if drawn == "none" else drawn
    return emu.faults.take(request.method, request.path)


def _stall_if_timeout(emu: BigCommerceEmulator, kind: str) -> None:
    if kind.startswith("timeout"):
        # Over HTTP a timeout is a slow answer: the client's read timeout fires first.
        time.sleep(emu.server_timeout_sleep)
