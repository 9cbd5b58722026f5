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
        self.secrets: list[str] = []  # one per endpoint that points here
        self.received: list[Received] = []
        self.fail_with: int | None = None  # answer this status instead of 200, to test retries
        self.retry_after: int | str | None = None  # with a failure, send this Retry-After
        self.content_type: str | None = None  # with a failure, answer text of this type
        self.attempts = 0
        self.attempted_ids: list[str] = []
        self._lock = threading.Lock()

    def trust(self, secret: str) -> None:
        self.secrets.append(secret)

    def accept(self, body: bytes, headers: dict[str, str], path: str = "/hooks") -> int:
        if path.endswith("/gone"):
            return 410  # a second endpoint whose consumer has shut down
        headers = {k.lower(): v for k, v in headers.items()}
        with self._lock:
            self.attempts += 1
            self.attempted_ids.append(headers.get("webhook-id", ""))
        if self.fail_with is not None:
            return self.fail_with
        verified = any(self._verifies(secret, body, headers) for secret in self.secrets)
        payload = json.loads(body)
        with self._lock:
            self.received.append(
                Received(headers.get("webhook-id", ""), payload.get("type", ""), payload, verified)
            )
        return 200 if verified else 401

    @staticmethod
    def _verifies(secret: str, body: bytes, headers: dict[str, str]) -> bool:
        try:
            Webhook(secret).verify(body, headers)
        except WebhookVerificationError:
            return False
        return True

    def transport(self) -> httpx.BaseTransport:
        """In-process delivery for tests."""
        return httpx.MockTransport(
            lambda req: httpx.Response(
                self.accept(req.content, dict(req.headers), req.url.path),
                headers=self._reply_headers(),
                content=b"busy" if self.content_type else b"",
            )
        )

    def _reply_headers(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.fail_with is not None and self.retry_after is not None:
            headers["Retry-After"] = str(self.retry_after)
        if self.fail_with is not None and self.content_type is not None:
            headers["Content-Type"] = self.content_type
        return headers

    def serve(self, host: str = "127.0.0.1") -> tuple[str, Any]:
        """Serve on a free port; returns (url, stop)."""

        @Request.application  # type: ignore[arg-type]
        def app(request: Request) -> Response:
            status = self.accept(request.get_data(), dict(request.headers), request.path)
            return Response(status=status, headers=self._reply_headers())

        server = make_server(host, 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        return f"http://{host}:{server.server_port}/hooks", server.shutdown
