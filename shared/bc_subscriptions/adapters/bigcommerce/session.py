"""One logical BigCommerce request: pacing, retries where they are safe, errors mapped once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)

from ...observability import logger
from ...ports.bigcommerce import BigCommerceError, BigCommerceUnavailable, RateLimited
from .errors import SAFE_METHODS, json_or_none, response_error, transport_error, where
from .rate_limit import MAX_WAIT_S, RateLimits, retry_after_ms

# Exponential with jitter, so a fleet of workers does not retry in step.
_BACKOFF = wait_exponential(multiplier=0.25, max=4.0) + wait_random(0, 0.25)


class _Retry(Exception):
    """An attempt failed in a way worth repeating; `error` is raised when attempts run out."""

    def __init__(self, error: BigCommerceError, wait_s: float | None = None) -> None:
        super().__init__(str(error))
        self.error, self.wait_s = error, wait_s


class Session:
    """A lazily created `httpx.Client`, reused for every call of one `HttpBigCommerce`."""

    def __init__(
        self,
        *,
        transport: httpx.BaseTransport | None,
        timeout: httpx.Timeout,
        sleep: Callable[[float], None],
        max_attempts: int,
    ) -> None:
        self._transport, self._timeout = transport, timeout
        self._sleep, self._max_attempts = sleep, max(1, max_attempts)
        self._client: httpx.Client | None = None
        self.limits = RateLimits(sleep)

    @property
    def client(self) -> httpx.Client:
        """Created on first use, so importing and constructing cost nothing at cold start."""
        if self._client is None:
            self._client = httpx.Client(timeout=self._timeout, transport=self._transport)
        return self._client

    def close(self) -> None:
        """Release pooled connections."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def send(
        self,
        store_hash: str,
        method: str,
        url: str,
        *,
        headers: dict[str, str],
        payments: bool = False,
        **kwargs: Any,
    ) -> Any:
        """The decoded 2xx body (None when empty), or the port's error.

        A 429 and a connect failure are retried for every method: nothing reached BigCommerce.
        Lost answers and 5xx are retried for reads only; a write may have been applied, so it
        raises `OutcomeUnknown` at once and the caller resolves it by reading BigCommerce.
        """
        retrying = Retrying(
            stop=stop_after_attempt(self._max_attempts),
            wait=_wait,
            retry=retry_if_exception_type(_Retry),
            sleep=self._sleep,
            before_sleep=_log_retry,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    return self._attempt(store_hash, method, url, headers, payments, kwargs)
        except _Retry as exhausted:
            raise exhausted.error from exhausted.__cause__
        raise AssertionError("unreachable")  # pragma: no cover - tenacity returns or raises

    def _attempt(
        self,
        store_hash: str,
        method: str,
        url: str,
        headers: dict[str, str],
        payments: bool,
        kwargs: dict[str, Any],
    ) -> Any:
        self.limits.wait_if_exhausted(store_hash)
        try:
            response = self.client.request(method, url, headers=headers, **kwargs)
        except httpx.TransportError as exc:
            error = transport_error(method, url, exc)
            if isinstance(error, BigCommerceUnavailable):
                raise _Retry(error) from exc
            raise error from exc
        if response.status_code == 429:
            # The window is waited out here, so the pacing note from earlier answers is stale.
            self.limits.forget(store_hash)
            wait_ms = retry_after_ms(response.headers)
            limited = RateLimited(
                f"{where(method, url)}: rate limited", retry_after_ms=wait_ms or 1000
            )
            raise _Retry(limited, None if wait_ms is None else min(wait_ms / 1000, MAX_WAIT_S))
        self.limits.observe(store_hash, response.headers)
        if response.is_success:
            return json_or_none(response)
        error = response_error(method, url, response, payments=payments)
        if response.status_code >= 500 and method in SAFE_METHODS:
            raise _Retry(error)
        raise error


def _wait(state: RetryCallState) -> float:
    failure = state.outcome.exception() if state.outcome else None
    if isinstance(failure, _Retry) and failure.wait_s is not None:
        return failure.wait_s
    return float(_BACKOFF(state))


def _log_retry(state: RetryCallState) -> None:
    failure = state.outcome.exception() if state.outcome else None
    logger.warning(
        "BigCommerce call will be retried",
        extra={"attempt": state.attempt_number, "error": str(failure)},
    )
