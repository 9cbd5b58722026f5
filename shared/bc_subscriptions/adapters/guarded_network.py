"""The sockets a webhook POST may open: only to checked public addresses, and never past the
attempt's deadline.

httpx's timeouts apply to one socket operation each, so an endpoint that sends its headers a
byte at a time resets them forever. Every connect, TLS handshake, read and write here is given
only the time left before the attempt's deadline, which makes the deadline hard for the whole
exchange (connect, headers and body).

The host is resolved here, every address it resolves to is checked, and the socket connects to
a checked address, so a DNS answer that changes between the check and the connect (rebinding)
cannot point us at our own network; the peer of the connected socket is checked once more.
TLS still verifies the certificate against the host name in the URL.
"""

from __future__ import annotations

import contextvars
import socket
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

Resolver = Callable[[str], list[str]]
AddressPolicy = Callable[[str], bool]

# When the current attempt must be over, on time.monotonic(); None outside an attempt.
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "webhook_deadline", default=None
)


@contextmanager
def deadline_in(seconds: float) -> Iterator[None]:
    """Every socket operation inside this block ends within `seconds` from now, together."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def _left(timeout: float | None, error: type[Exception]) -> float | None:
    deadline = _deadline.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the attempt's deadline has passed")
    return left if timeout is None else min(timeout, left)


def resolve_host(host: str) -> list[str]:
    """Every address a host name resolves to."""
    return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, None)})


class RefusedAddress(httpcore.ConnectError):
    """The endpoint's host is, or resolves to, an address we never send to."""


class DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(
            ssl_context, server_hostname, _left(timeout, httpcore.ConnectTimeout)
        )
        return DeadlineStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    def __init__(
        self,
        allowed: AddressPolicy,
        resolve: Resolver = resolve_host,
        inner: httpcore.NetworkBackend | None = None,
    ) -> None:
        self._allowed, self._resolve = allowed, resolve
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        _left(timeout, httpcore.ConnectTimeout)
        try:
            addresses = self._resolve(host)
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(f"{host} does not resolve") from exc
        refused = [a for a in addresses if not self._allowed(a)]
        if refused or not addresses:
            raise RefusedAddress(f"{host} resolves to a non-public address")
        error: Exception = httpcore.ConnectError(f"{host} could not be reached")
        for address in addresses:
            try:
                stream = self._inner.connect_tcp(
                    address,
                    port,
                    _left(timeout, httpcore.ConnectTimeout),
                    local_address,
                    socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
                continue
            peer = _peer(stream)
            if peer is None or not self._allowed(peer):
                stream.close()
                raise RefusedAddress(f"{host} connected to a non-public address")
            return DeadlineStream(stream)
        raise error

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise RefusedAddress("webhooks are never sent to a unix socket")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _peer(stream: httpcore.NetworkStream) -> str | None:
    peer = stream.get_extra_info("server_addr")
    return str(peer[0]) if isinstance(peer, tuple) and peer else None


class GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport (its request mapping and error translation), dialling through a
    `GuardedBackend`."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        super().__init__()
        # httpx takes no network backend, its pool does: the same pool httpx would build.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=10,
            max_keepalive_connections=0,
            network_backend=backend,
        )
