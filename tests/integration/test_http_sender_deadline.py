"""The webhook sender against a real socket: the attempt deadline covers the headers too."""

import contextlib
import itertools
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from bc_subscriptions.adapters.http_sender import HttpxWebhookSender


@pytest.fixture
def trickling_server() -> Iterator[int]:
    """A local endpoint that accepts the POST and then sends its headers one byte every 50 ms,
    for at most three seconds."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    stop = threading.Event()

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            conn.recv(65536)
            for byte in itertools.islice(itertools.cycle(b"HTTP/1.1 200 OK\r\nX-Slow: "), 60):
                if stop.wait(0.05):
                    return
                with contextlib.suppress(OSError):
                    conn.sendall(bytes([byte]))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    server.close()
    thread.join(timeout=5)


def test_an_endpoint_trickling_its_headers_is_cut_at_the_attempt_deadline(
    trickling_server: int,
) -> None:
    # Given an endpoint that never finishes its headers, and a half-second attempt deadline
    sender = HttpxWebhookSender(
        resolve=lambda host: ["127.0.0.1"], allow_private=True, deadline_s=0.5
    )
    # When we post to it
    started = time.monotonic()
    sent = sender.post(f"http://merchant.test:{trickling_server}/h", b"{}", {})
    elapsed = time.monotonic() - started
    # Then the attempt ended at the deadline with no answer, well before the endpoint gave up
    assert (sent.status, sent.excerpt) == (None, "ReadTimeout")
    assert elapsed < 2.0
