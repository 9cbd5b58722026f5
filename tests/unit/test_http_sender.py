"""The webhook sender: what it reports, and that no endpoint can hold it past its deadline."""

from collections.abc import Iterator

import httpx

from bc_subscriptions.adapters.http_sender import DEADLINE_S, EXCERPT, HttpxWebhookSender


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
