"""The webhook sender: what it reports, and that no endpoint can hold it past its deadline."""

import socket
from collections.abc import Callable, Iterator
from typing import Any

import httpcore
import httpx
import pytest

from bc_subscriptions.adapters.guarded_network import GuardedBackend, GuardedTransport
from bc_subscriptions.adapters.http_sender import DEADLINE_S, EXCERPT, HttpxWebhookSender
from bc_subscriptions.domain.public_address import is_public_address


class FakeClock:
    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_status_latency_excerpt_and_retry_after_are_reported() -> None:
    transport = httpx.MockTransport(
        lambda r: httpx.Response(429, headers={"Retry-After": "120"}, text="slow down" * 100)
    )
    sent = HttpxWebhookSender(transport).post("https://example.com/h", b"{}", {})
    assert (sent.status, sent.retry_after_s) == (429, 120)
    assert sent.excerpt.startswith("slow down") and len(sent.excerpt) == EXCERPT


def test_a_trickling_answer_is_cut_at_the_deadline() -> None:
    # Given an endpoint that answers 200 and then sends one byte a second, forever
    clock = FakeClock(step=1.0)

    def forever() -> Iterator[bytes]:
        while True:
            yield b"."

    transport = httpx.MockTransport(lambda r: httpx.Response(200, content=forever()))
    # When
    sent = HttpxWebhookSender(transport, monotonic=clock).post("https://example.com/h", b"{}", {})
    # Then the sender stopped reading at the deadline and kept the answer's status
    assert sent.status == 200
    assert DEADLINE_S * 1000 <= sent.latency_ms <= (DEADLINE_S + 3) * 1000
    assert 0 < len(sent.excerpt) < EXCERPT


def test_no_answer_is_reported_as_such() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    sent = HttpxWebhookSender(httpx.MockTransport(refuse)).post("https://example.com/h", b"{}", {})
    assert (sent.status, sent.excerpt) == (None, "ConnectTimeout")


class RecordingBackend(httpcore.NetworkBackend):
    """Dials nothing: records where it was asked to connect, and answers from `peer`."""

    def __init__(self, peer: str | None = None) -> None:
        self.dialled: list[str] = []
        self.peer = peer

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        self.dialled.append(host)
        if self.peer is None:
            raise httpcore.ConnectError("refused")
        return _PeerStream(self.peer)


class _PeerStream(httpcore.NetworkStream):
    def __init__(self, peer: str) -> None:
        self.peer, self.closed = peer, False

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return b""

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        return None

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, info: str) -> Any:
        return (self.peer, 443) if info == "server_addr" else None


def _guarded(backend: RecordingBackend, resolve: Callable[[str], list[str]]) -> HttpxWebhookSender:
    guarded = GuardedBackend(is_public_address, resolve, inner=backend)
    return HttpxWebhookSender(GuardedTransport(guarded))


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.0.0.7", "169.254.169.254", "::1", "::ffff:127.0.0.1", "64:ff9b::a9fe:a9fe"],
)
def test_a_host_resolving_to_a_private_address_at_send_time_is_refused(address: str) -> None:
    # Given a host that passed at registration but now resolves to our own network (rebinding)
    backend = RecordingBackend()
    # When we post to it
    sent = _guarded(backend, lambda host: ["93.184.216.34", address]).post(
        "https://merchant.example.com/h", b"{}", {}
    )
    # Then nothing was dialled and the attempt is reported as refused
    assert (sent.status, sent.excerpt) == (None, "RefusedAddress")
    assert backend.dialled == []


def test_the_connection_goes_to_the_address_that_was_checked() -> None:
    # Given a host whose checked address is public
    backend = RecordingBackend()
    # When we post to it
    _guarded(backend, lambda host: ["93.184.216.34"]).post(
        "https://merchant.example.com/h", b"{}", {}
    )
    # Then the socket was opened to that address, not to the name (no second DNS answer)
    assert backend.dialled == ["93.184.216.34"]


def test_a_connection_whose_peer_is_private_is_refused() -> None:
    # Given a connect that ends at a loopback peer, whatever the resolver said
    backend = RecordingBackend(peer="127.0.0.1")
    # When
    sent = _guarded(backend, lambda host: ["93.184.216.34"]).post(
        "https://merchant.example.com/h", b"{}", {}
    )
    # Then the answer is never read
    assert (sent.status, sent.excerpt) == (None, "RefusedAddress")


def test_a_host_that_does_not_resolve_is_no_answer() -> None:
    def fails(host: str) -> list[str]:
        raise socket.gaierror("no such host")

    sent = _guarded(RecordingBackend(), fails).post("https://nowhere.example.com/h", b"{}", {})
    assert (sent.status, sent.excerpt) == (None, "ConnectError")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("9" * 40, 86400),
        ("-5", None),
        ("soon", None),
        ("1e9", None),
        ("Thu, 01 Jan 2026 01:00:00 GMT", 3600),
        ("Fri, 31 Dec 9999 23:59:59 GMT", 86400),
        ("Mon, 01 Jan 0001 00:00:00 GMT", 0),
    ],
)
def test_any_retry_after_is_read_safely_and_bounded(header: str, expected: int | None) -> None:
    # Given an endpoint answering 503 with an odd Retry-After, dated at midnight
    transport = httpx.MockTransport(
        lambda r: httpx.Response(
            503, headers={"Retry-After": header, "Date": "Thu, 01 Jan 2026 00:00:00 GMT"}
        )
    )
    # When
    sent = HttpxWebhookSender(transport).post("https://example.com/h", b"{}", {})
    # Then the status is kept and the wait is a bounded number or nothing
    assert (sent.status, sent.retry_after_s) == (503, expected)


@pytest.mark.parametrize("charset", ["rot13", "no-such-charset", "utf-8\x00", "base64"])
def test_an_answer_in_an_unusable_charset_is_decoded_with_replacement(charset: str) -> None:
    # Given an endpoint whose answer names a charset that is not a text encoding
    transport = httpx.MockTransport(
        lambda r: httpx.Response(
            500,
            headers={"content-type": f"text/plain; charset={charset}"},
            content="busy \xff".encode("latin-1"),
        )
    )
    # When
    sent = HttpxWebhookSender(transport).post("https://example.com/h", b"{}", {})
    # Then the excerpt is readable text
    assert sent.status == 500 and sent.excerpt.startswith("busy ")
