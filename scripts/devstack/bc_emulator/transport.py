"""In-process httpx transport to the emulator, where an injected timeout is a real ReadTimeout."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from .emulator import BigCommerceEmulator

FAULT_HEADER = "X-Emulator-Fault"  # the fault this transport already drew for the request


class EmulatorTransport(httpx.BaseTransport):
    """Serves the API and the payments host (told apart by path) from one WSGI app.

    Faults are drawn here; the app applies the 5xx and 429 ones. `timeout_before` never
    reaches the app; `timeout_after` is applied by the app and its answer then lost.
    """

    def __init__(self, emu: BigCommerceEmulator) -> None:
        self._emu = emu
        self._wsgi = httpx.WSGITransport(app=emu.wsgi_app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer `request` as BigCommerce would, faults included."""
        path = request.url.path
        kind = self._emu.faults.take(request.method, path) if self._emu.is_api(path) else None
        if kind == "timeout_before":
            self._emu.record_call(request.method, path)
            raise httpx.ReadTimeout("injected timeout (not applied)", request=request)
        applied = "none" if kind == "timeout_after" else kind or "none"
        request.headers[FAULT_HEADER] = applied
        response = self._wsgi.handle_request(request)
        response.read()
        if kind == "timeout_after":
            raise httpx.ReadTimeout("injected timeout (applied)", request=request)
        return response
