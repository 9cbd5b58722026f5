"""POST a signed webhook to a merchant endpoint, bounded in time whatever the endpoint does."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from ..ports.queues import SendResult

# Connect within 3 s; each read or write within 10 s. The answer's body is read only for the
# delivery log (its first 512 characters) and never past DEADLINE_S: an endpoint that sends
# its headers and then trickles bytes cannot hold the worker.
TIMEOUT = httpx.Timeout(10.0, connect=3.0)
DEADLINE_S = 10.0
EXCERPT = 512


class HttpxWebhookSender:
    def __init__(
        self,
        transport: httpx.BaseTransport | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = httpx.Client(timeout=TIMEOUT, transport=transport, follow_redirects=False)
        self._monotonic = monotonic

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> SendResult:
        started = self._monotonic()
        try:
            with self._client.stream("POST", url, content=body, headers=headers) as response:
                excerpt = self._excerpt(response, started)
        except httpx.HTTPError as exc:
            return SendResult(None, self._ms(started), type(exc).__name__)
        retry_after = response.headers.get("Retry-After", "")
        return SendResult(
            response.status_code,
            self._ms(started),
            excerpt,
            int(retry_after) if retry_after.isdigit() else None,
        )

    def _excerpt(self, response: httpx.Response, started: float) -> str:
        data = b""
        for chunk in response.iter_bytes():
            data += chunk
            if len(data) >= EXCERPT or self._monotonic() - started > DEADLINE_S:
                break
        return data.decode(response.encoding or "utf-8", errors="replace")[:EXCERPT]

    def _ms(self, started: float) -> int:
        return int((self._monotonic() - started) * 1000)
