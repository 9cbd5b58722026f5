"""The work of one queued BigCommerce delivery, done once per delivery `hash`.

The route recorded the delivery in the inbox before queueing it; the worker skips a message
whose row says it was already processed or given up (SQS may deliver a message twice), and
gives up for good on what can never succeed: an order BigCommerce no longer has (404), or an
id that is not one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from ..ports.bigcommerce import BigCommerceError

if TYPE_CHECKING:
    from .messages import ProcessBcWebhook

# (store_hash, the delivery's `data`) -> what was done
Processor = Callable[[str, dict[str, Any]], str]
DONE = frozenset({"processed", "given_up"})


class DeliveryGivenUp(Exception):
    """The delivery can never be processed; `reason` is recorded on its inbox row."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class WorkInbox(Protocol):
    def status(self, store_hash: str, delivery_hash: str) -> str | None: ...
    def mark(
        self, store_hash: str, delivery_hash: str, status: str, outcome: str | None = None
    ) -> None: ...
    def give_up(self, store_hash: str, delivery_hash: str, reason: str) -> None: ...


def permanent_reason(exc: Exception) -> str | None:
    """Why retrying `exc` can never help, or None when a retry may succeed."""
    if isinstance(exc, DeliveryGivenUp):
        return exc.reason
    if isinstance(exc, BigCommerceError) and exc.status == 404:
        return "not_found_at_bigcommerce"
    return None


def process_delivery(
    cmd: ProcessBcWebhook, *, inbox: WorkInbox, processors: Mapping[str, Processor]
) -> str:
    """Run the scope's processor unless the delivery is done; a retryable failure raises."""
    status = inbox.status(cmd.store_hash, cmd.delivery_hash)
    if status is None:
        return "unknown_delivery"  # never recorded by the route: nothing of ours to do
    if status in DONE:
        return "duplicate"
    processor = processors.get(cmd.scope)
    try:
        if processor is None:
            raise DeliveryGivenUp("unsupported_scope")
        outcome = processor(cmd.store_hash, cmd.data)
    except Exception as exc:
        reason = permanent_reason(exc)
        if reason is None:
            raise
        inbox.give_up(cmd.store_hash, cmd.delivery_hash, reason)
        return "given_up"
    inbox.mark(cmd.store_hash, cmd.delivery_hash, "processed", outcome)
    return outcome
