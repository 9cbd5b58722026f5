"""In-process httpx transport to the emulator, where timeouts can be real exceptions."""

from __future__ import annotations

from typing import Any

import httpx

from .faults import FaultPlan


class EmulatorTransport(httpx.BaseTransport):
    """`*_before` faults never reach the emulator; `*_after` ones are applied, then lost."""

    def __init__(self, wsgi_app: Any, faults: FaultPlan) -> None:
        self._wsgi = httpx.WSGITransport(app=wsgi_app)
        self._faults = faults

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        kind = self._faults.take(request.method, request.url.path)
        if kind == "timeout_before":
            raise httpx.ReadTimeout("injected timeout (not applied)", request=request)
        if kind == "5xx_before":
            return httpx.Response(500, json={"status": 500, "title": "Internal Server Error"})
        if kind == "429":
            headers = {"X-Rate-Limit-Time-Reset-Ms": "50", "X-Rate-Limit-Requests-Left": "0"}
            return httpx.Response(
                429, headers=headers, json={"status": 429, "title": "Too Many Requests"}
            )
        request.headers["X-Emulator-Faults-Handled"] = "1"
        response = self._wsgi.handle_request(request)
        if kind == "timeout_after":
            response.read()
            raise httpx.ReadTimeout("injected timeout (applied)", request=request)
        if kind == "5xx_after":
            response.read()
            return httpx.Response(502, json={"status": 502, "title": "Bad Gateway"})
        return response
