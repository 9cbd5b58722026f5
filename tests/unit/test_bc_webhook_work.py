"""The worker's rules for one queued BigCommerce delivery, over a fake inbox."""

from typing import Any

import pytest

from bc_subscriptions.ports.bigcommerce import BigCommerceError, OutcomeUnknown
from bc_subscriptions.services.bc_webhook_work import DeliveryGivenUp, process_delivery
from bc_subscriptions.services.messages import ProcessBcWebhook


class FakeInbox:
    def __init__(self, status: str | None = "received") -> None:
        self.rows: dict[str, str] = {} if status is None else {"h1": status}
        self.reasons: dict[str, str] = {}
        self.outcomes: dict[str, str] = {}

    def status(self, store_hash: str, delivery_hash: str) -> str | None:
        return self.rows.get(delivery_hash)

    def mark(
        self, store_hash: str, delivery_hash: str, status: str, outcome: str | None = None
    ) -> None:
        self.rows[delivery_hash] = status
        if outcome is not None:
            self.outcomes[delivery_hash] = outcome

    def give_up(self, store_hash: str, delivery_hash: str, reason: str) -> None:
        self.rows[delivery_hash] = "given_up"
        self.reasons[delivery_hash] = reason


CMD = ProcessBcWebhook(
    store_hash="s1", delivery_hash="h1", scope="store/order/created", data={"id": 7}
)


def _recording(calls: list[int], fail: Exception | None = None) -> Any:
    def processor(store_hash: str, data: dict[str, Any]) -> str:
        calls.append(data["id"])
        if fail is not None:
            raise fail
        return "created"

    return {"store/order/created": processor}


def test_a_recorded_delivery_is_processed_once_and_marked() -> None:
    # Given a recorded delivery
    inbox, calls = FakeInbox(), []
    # When the message arrives twice (SQS delivers at least once)
    first = process_delivery(CMD, inbox=inbox, processors=_recording(calls))
    second = process_delivery(CMD, inbox=inbox, processors=_recording(calls))
    # Then the work ran once
    assert (first, second, calls) == ("created", "duplicate", [7])
    assert (inbox.rows["h1"], inbox.outcomes["h1"]) == ("processed", "created")


def test_an_order_bigcommerce_no_longer_has_is_given_up_with_its_reason() -> None:
    # Given BigCommerce answers 404 for the order
    inbox, calls = FakeInbox(), []
    gone = BigCommerceError("not found", status=404)
    # When
    outcome = process_delivery(CMD, inbox=inbox, processors=_recording(calls, gone))
    # Then it is not retried: the row says given up, and why
    assert outcome == "given_up"
    assert inbox.reasons["h1"] == "not_found_at_bigcommerce"
    assert process_delivery(CMD, inbox=inbox, processors=_recording(calls)) == "duplicate"


def test_a_transient_failure_raises_so_the_queue_retries_it() -> None:
    # Given a timeout at BigCommerce
    inbox = FakeInbox()
    # When / Then the record fails and the row is left to be processed again
    with pytest.raises(OutcomeUnknown):
        process_delivery(CMD, inbox=inbox, processors=_recording([], OutcomeUnknown("timeout")))
    assert inbox.rows["h1"] == "received"


def test_a_processor_that_says_never_is_given_up() -> None:
    # Given
    inbox = FakeInbox()
    # When
    outcome = process_delivery(
        CMD, inbox=inbox, processors=_recording([], DeliveryGivenUp("invalid_data"))
    )
    # Then
    assert (outcome, inbox.reasons["h1"]) == ("given_up", "invalid_data")


def test_a_scope_without_a_processor_is_given_up_not_retried() -> None:
    # Given / When
    inbox = FakeInbox()
    outcome = process_delivery(CMD, inbox=inbox, processors={})
    # Then
    assert (outcome, inbox.reasons["h1"]) == ("given_up", "unsupported_scope")


def test_a_message_for_a_delivery_never_recorded_does_nothing() -> None:
    # Given no inbox row (the route records before it queues)
    inbox, calls = FakeInbox(status=None), []
    # When
    outcome = process_delivery(CMD, inbox=inbox, processors=_recording(calls))
    # Then nothing ran and nothing was written
    assert (outcome, calls, inbox.rows) == ("unknown_delivery", [], {})
