"""Serve the emulator on localhost in a background thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from werkzeug.serving import make_server


def serve_in_thread(
    emulator: Any, host: str = "127.0.0.1", port: int = 0
) -> tuple[str, Callable[[], None]]:
    """Returns (base URL, stop)."""
    server = make_server(host, port, emulator.wsgi_app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://{host}:{server.server_port}", server.shutdown
