"""POST a signed webhook to a merchant endpoint, bounded in time whatever the endpoint does.

Nothing an endpoint answers makes `post` raise: no answer, a refused address, an odd
`Retry-After` or an unknown charset all come back as a `SendResult`, so the delivery is logged
and follows the retry schedule.
"""

from __future__ import annotations

import codecs
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from ..domain.public_address import is_public_address
from ..domain.webhook_retry import retry_after_seconds
from ..ports.queues import SendResult
from .guarded_network import (
    GuardedBackend,
    GuardedTransport,
    RefusedAddress,
    Resolver,
    deadline_in,
    resolve_host,
)

# Connect within 3 s; each read or write within 10 s; and the whole attempt (connect, TLS,
# headers, body) within DEADLINE_S, so an endpoint that trickles its headers or its body
# cannot hold the worker. The body is read only for the delivery log (its first 512 chars).
TIMEOUT = httpx.Timeout(10.0, connect=3.0)
DEADLINE_S = 10.0
EXCERPT = 512


class HttpxWebhookSender:
    """`transport=None` sends over the network through the SSRF guard (any address allowed
    when `allow_private`, for the local stack's receiver); a given transport is used as is."""

    def __init__(
        self,
        transport: httpx.BaseTransport | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        *,
        allow_private: bool = False,
        resolve: Resolver = resolve_host,
        deadline_s: float = DEADLINE_S,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if transport is None:
            policy = (lambda _: True) if allow_private else is_public_address
            transport = GuardedTransport(GuardedBackend(policy, resolve))
        self._client = httpx.Client(timeout=TIMEOUT, transport=transport, follow_redirects=False)
        self._monotonic, self._deadline_s, self._wall_clock = monotonic, deadline_s, wall_clock

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> SendResult:
        started = self._monotonic()
        try:
            with (
                deadline_in(self._deadline_s),
                self._client.stream("POST", url, content=body, headers=headers) as response,
            ):
                excerpt = self._excerpt(response, started)
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
            cause = exc.__cause__
            name = type(cause if isinstance(cause, RefusedAddress) else exc).__name__
            return SendResult(None, self._ms(started), name)
        return SendResult(
            response.status_code,
            self._ms(started),
            excerpt,
            retry_after_seconds(response.headers.get("Retry-After", ""), self._now(response)),
        )

    def _excerpt(self, response: httpx.Response, started: float) -> str:
        data = b""
        for chunk in response.iter_bytes():
            data += chunk
            if len(data) >= EXCERPT or self._monotonic() - started > self._deadline_s:
                break
        return data.decode(_text_encoding(response.charset_encoding), errors="replace")[:EXCERPT]

    def _now(self, response: httpx.Response) -> datetime:
        """An HTTP-date `Retry-After` counts from the endpoint's own `Date`, when it sent one."""
        try:
            sent_at = parsedate_to_datetime(response.headers.get("Date", ""))
        except (TypeError, ValueError, IndexError, OverflowError):
            return self._wall_clock()
        return sent_at if sent_at.tzinfo is not None else self._wall_clock()

    def _ms(self, started: float) -> int:
        return int((self._monotonic() - started) * 1000)


def _text_encoding(charset: str | None) -> str:
    """The answer's charset when it names a text encoding (not `rot13`, not garbage), else
    UTF-8; decoding then replaces what does not decode."""
    try:
        info = codecs.lookup(charset or "utf-8")
    except (LookupError, ValueError):
        return "utf-8"
    return info.name if getattr(info, "_is_text_encoding", True) else "utf-8"
