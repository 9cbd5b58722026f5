"""Flask routes answering like BigCommerce: v2 orders, v3 transactions/hooks/PATs, payments."""

from __future__ import annotations

import time
from collections import deque
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, g, jsonify, request

from . import routes_orders, routes_payments, routes_platform

if TYPE_CHECKING:
    from .emulator import BigCommerceEmulator

WINDOW_MS = 30_000


def error(status: int, title: str, code: int | None = None, **extra: Any) -> Response:
    body: dict[str, Any] = {
        "status": status,
        "title": title,
        "type": "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes",
    }
    if code is not None:
        body["code"] = code
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    return response


def build_app(emu: BigCommerceEmulator) -> Flask:
    app = Flask("bc_emulator")
    windows: dict[str, deque[float]] = {}

    @app.before_request
    def _gate() -> Response | None:
        path = request.path
        if path.startswith("/_emulator") or path == "/oauth2/token":
            return None
        if request.headers.get("X-Emulator-Faults-Handled") != "1":
            kind = emu.faults.take(request.method, path)
            g.fault_after = kind if kind in ("5xx_after", "timeout_after") else None
            if kind in ("5xx_before", "timeout_before"):
                if kind == "timeout_before":
                    time.sleep(emu.server_timeout_sleep)
                return error(500, "Internal Server Error")
            if kind == "429":
                return _limited(0)
        with emu.lock:
            emu.calls.append((request.method, path))
        store_hash = path.split("/")[2] if path.startswith("/stores/") else ""
        window = windows.setdefault(store_hash, deque())
        now = time.monotonic() * 1000
        while window and window[0] <= now - WINDOW_MS:
            window.popleft()
        if len(window) >= emu.rate_limit_quota:
            return _limited(int(window[0] + WINDOW_MS - now))
        window.append(now)
        g.rate = (emu.rate_limit_quota - len(window), int(window[0] + WINDOW_MS - now))
        return None

    def _limited(reset_ms: int) -> Response:
        response = error(429, "Too Many Requests")
        response.headers.update(
            {
                "X-Rate-Limit-Time-Reset-Ms": str(max(reset_ms, 50)),
                "X-Rate-Limit-Requests-Left": "0",
            }
        )
        return response

    @app.after_request
    def _after(response: Response) -> Response:
        if rate := getattr(g, "rate", None):
            response.headers.update(
                {
                    "X-Rate-Limit-Requests-Left": str(rate[0]),
                    "X-Rate-Limit-Requests-Quota": str(emu.rate_limit_quota),
                    "X-Rate-Limit-Time-Window-Ms": str(WINDOW_MS),
                    "X-Rate-Limit-Time-Reset-Ms": str(rate[1]),
                }
            )
        fault = getattr(g, "fault_after", None)
        if fault:
            if fault == "timeout_after":
                time.sleep(emu.server_timeout_sleep)
            return error(502, "Bad Gateway")
        return response

    routes_orders.register(app, emu)
    routes_payments.register(app, emu)
    routes_platform.register(app, emu)
    return app
