"""Outbound webhook POSTs with a hard timeout, so a slow endpoint cannot hold a worker."""

from __future__ import annotations

import httpx

TIMEOUT = httpx.Timeout(10.0, connect=3.0)


class HttpxWebhookSender:
    def __init__(self, transport: httpx.BaseTransport | None = None) -> None:
        self._client = httpx.Client(timeout=TIMEOUT, transport=transport, follow_redirects=False)

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        return self._client.post(url, content=body, headers=headers).status_code
