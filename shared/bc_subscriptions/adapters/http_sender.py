"""Outbound webhook POSTs with a hard timeout, so a slow endpoint cannot hold a worker."""

from __future__ import annotations

import time

import httpx

from ..ports.queues import SendResult

TIMEOUT = httpx.Timeout(10.0, connect=3.0)
EXCERPT = 512


class HttpxWebhookSender:
    def __init__(self, transport: httpx.BaseTransport | None = None) -> None:
        self._client = httpx.Client(timeout=TIMEOUT, transport=transport, follow_redirects=False)

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> SendResult:
        started = time.monotonic()
        try:
            response = self._client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return SendResult(None, _ms(started), f"{type(exc).__name__}")
        retry_after = response.headers.get("Retry-After", "")
        return SendResult(
            response.status_code,
            _ms(started),
            response.text[:EXCERPT],
            int(retry_after) if retry_after.isdigit() else None,
        )


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
