"""A merchant's webhook endpoint: receives our deliveries and verifies them, as merchants do."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

import httpx
from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


@dataclass(frozen=True)
class Received:
    webhook_id: str
    event_type: str
    body: dict[str, Any]
    verified: bool


class MerchantReceiver:
    """Verifies with the `standardwebhooks` library, as any merchant's consumer can."""

    def __init__(self) -> None:
        self.secret: str | None = None
        self.received: list[Received] = []
        self.fail_with: int | None = None  # answer this status instead of 200, to test retries
        self.attempts = 0
        self._lock = threading.Lock()

    def trust(self, secret: str) -> None:
        self.secret = secret

    def accept(self, body: bytes, headers: dict[str, str]) -> int:
        headers = {k.lower(): v for k, v in headers.items()}
        with self._lock:
            self.attempts += 1
        if self.fail_with is not None:
            return self.fail_with
        verified = False
        if self.secret is not None:
            try:
                Webhook(self.secret).verify(body, headers)
                verified = True
            except WebhookVerificationError:
                verified = False
        payload = json.loads(body)
        with self._lock:
            self.received.append(
                Received(headers.get("webhook-id", ""), payload.get("type", ""), payload, verified)
            )
        return 200 if verified else 401

    def transport(self) -> httpx.BaseTransport:
        """In-process delivery for tests."""
        return httpx.MockTransport(
            lambda req: httpx.Response(self.accept(req.content, dict(req.headers)))
        )

    def serve(self, host: str = "127.0.0.1") -> tuple[str, Any]:
        """Serve on a free port; returns (url, stop)."""

        @Request.application  # type: ignore[arg-type]
        def app(request: Request) -> Response:
            return Response(status=self.accept(request.get_data(), dict(request.headers)))

        server = make_server(host, 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        return f"http://{host}:{server.server_port}/hooks", server.shutdown
