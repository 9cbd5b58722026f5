"""Serve the emulator on localhost from a background thread (werkzeug, threaded)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from werkzeug.serving import make_server

if TYPE_CHECKING:
    from .emulator import BigCommerceEmulator


def serve_in_thread(
    emu: BigCommerceEmulator, host: str = "127.0.0.1", port: int = 0
) -> tuple[str, Callable[[], None]]:
    """Start serving; returns (base URL, stop). Port 0 picks a free port."""
    server = make_server(host, port, emu.wsgi_app, threaded=True)
    # A short poll interval so that stop() returns at once (shutdown waits for one poll).
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="bc-emulator", daemon=True
    )
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return f"http://{host}:{server.server_port}", stop
