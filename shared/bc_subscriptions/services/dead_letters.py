"""Dead-lettered messages: recorded under their store when given up on, listed, redriven.

The SQS dead-letter queues are shared by every store, so the merchant's view is the record
written here at the moment a message is given up on: by the webhook delivery after its last
attempt, and by the renewal worker when a record fails on its last allowed receive (the
queue's redrive policy then moves it to the DLQ), and by the BigCommerce webhook worker
likewise (`bc_webhook`: its delivery is also parked, and the reconciliation sweep retries it,
so it is not redriven from here).

A redrive marks the record first (a conditional write: a double click sends once), then sends:
a renewal goes back to the renewal queue (the worker is idempotent per cycle), a webhook
delivery is replayed to its endpoint with the same `webhook-id`.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from msgspec.structs import replace
from ulid import ULID

from ..ports.storage import DeadLetter, DeadLetterPage, DeadLetters, Install
from .messages import DeliverWebhook, ProcessBcWebhook, RenewSubscription

if TYPE_CHECKING:
    from ..ports.queues import MessageQueue
    from .webhook_replay import EndpointReader, EventReader

MAX_PAGE = 100
RENEWAL = "renewal"
WEBHOOK_DELIVERY = "webhook_delivery"
BC_WEBHOOK = "bc_webhook"
_ERROR_CHARS = 300
# Anything shaped like a credential (long opaque tokens, bearer values) never reaches the record.
_SECRETISH = re.compile(r"(?i)\b(bearer|pat|token|secret)\b[\s=:]+\S+|[A-Za-z0-9_\-+/=]{40,}")


class DeadLetterNotFound(Exception):
    """No such dead letter in this store (another store's is unknown here too)."""


class RedriveRefused(Exception):
    """The dead letter cannot be redriven (already redriven, or nothing left to send)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class InstallReader(Protocol):
    def get(self, store_hash: str) -> Install | None: ...


def new_dead_letter_id(at: datetime) -> str:
    """Time-ordered (ULID) so the store's records list newest first by key alone."""
    return f"dl_{ULID.from_datetime(at)}"


def describe_error(exc: BaseException) -> str:
    """The error's class and message, shortened, with anything credential-like removed."""
    message = _SECRETISH.sub("[redacted]", str(exc))[:_ERROR_CHARS]
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def record_renewal_failure(
    cmd: RenewSubscription,
    exc: BaseException,
    *,
    receive_count: int,
    max_receives: int,
    unknown_subscription: bool,
    letters: DeadLetters,
    installs: InstallReader,
    now: datetime,
) -> DeadLetter | None:
    """Record a renewal message failing on its last allowed receive (SQS dead-letters it
    next); earlier failures are retried and recorded nothing. A message naming a subscription
    that does not exist is recorded only for an installed store: anything else could write
    into a partition no merchant owns."""
    if receive_count < max_receives:
        return None
    if unknown_subscription:
        install = installs.get(cmd.store_hash)
        if install is None or install.status != "installed":
            return None
    letter = DeadLetter(
        store_hash=cmd.store_hash,
        dead_letter_id=new_dead_letter_id(now),
        kind=RENEWAL,
        at=now,
        attempts=receive_count,
        error=describe_error(exc),
        subscription_id=cmd.subscription_id,
        cycle=cmd.cycle,
    )
    letters.record(letter)
    return letter


def record_bc_webhook_failure(
    cmd: ProcessBcWebhook,
    exc: BaseException,
    *,
    receive_count: int,
    letters: DeadLetters,
    now: datetime,
) -> DeadLetter:
    """Record a BigCommerce delivery whose work failed on its last allowed receive; the
    caller checked the store's inbox row exists, so the partition is an installed store's."""
    letter = DeadLetter(
        store_hash=cmd.store_hash,
        dead_letter_id=new_dead_letter_id(now),
        kind=BC_WEBHOOK,
        at=now,
        attempts=receive_count,
        error=describe_error(exc),
        event_id=cmd.delivery_hash,
        event_type=cmd.scope,
    )
    letters.record(letter)
    return letter


def record_webhook_failure(
    cmd: DeliverWebhook, last_error: str, *, letters: DeadLetters, now: datetime
) -> DeadLetter:
    """Record a delivery that exhausted its attempts (it goes to the delivery DLQ)."""
    letter = DeadLetter(
        store_hash=cmd.store_hash,
        dead_letter_id=new_dead_letter_id(now),
        kind=WEBHOOK_DELIVERY,
        at=now,
        attempts=cmd.attempt,
        error=_SECRETISH.sub("[redacted]", last_error)[:_ERROR_CHARS],
        endpoint_id=cmd.endpoint_id,
        event_id=cmd.event_id,
        event_type=cmd.event_type,
    )
    letters.record(letter)
    return letter


def list_dead_letters(
    store_hash: str, *, letters: DeadLetters, cursor: str | None, limit: int
) -> DeadLetterPage:
    """One page of the store's dead letters, newest first."""
    return letters.page(store_hash, cursor=cursor, limit=min(limit, MAX_PAGE))


def redrive(
    store_hash: str,
    dead_letter_id: str,
    *,
    letters: DeadLetters,
    renewal_queue: MessageQueue,
    endpoints: EndpointReader,
    events: EventReader,
    webhook_queue: MessageQueue,
    now: datetime,
) -> DeadLetter:
    """Send the dead-lettered work again, once; the record comes back marked redriven."""
    letter = letters.get(store_hash, dead_letter_id)
    if letter is None:
        raise DeadLetterNotFound(dead_letter_id)
    if letter.kind == BC_WEBHOOK:
        raise RedriveRefused(
            "retried_by_reconciliation", "the reconciliation sweep retries this delivery"
        )
    if letter.redriven_at is not None or not letters.mark_redriven(store_hash, dead_letter_id, now):
        raise RedriveRefused("already_redriven", "this dead letter was already redriven")
    try:
        if letter.kind == RENEWAL:
            _resend_renewal(letter, renewal_queue)
        else:
            _replay_delivery(letter, endpoints, events, webhook_queue)
    except BaseException:
        # Nothing was sent: the merchant may try again.
        letters.unmark_redriven(store_hash, dead_letter_id)
        raise
    return replace(letter, redriven_at=now)


def _resend_renewal(letter: DeadLetter, queue: MessageQueue) -> None:
    assert letter.subscription_id is not None and letter.cycle is not None
    body = RenewSubscription(
        store_hash=letter.store_hash, subscription_id=letter.subscription_id, cycle=letter.cycle
    )
    queue.send_batch([body.to_json()])


def _replay_delivery(
    letter: DeadLetter, endpoints: EndpointReader, events: EventReader, queue: MessageQueue
) -> None:
    # Only a redrive replays (the admin API, which has the replay loaded for its own routes):
    # the workers that record dead letters never load it.
    from .webhook_replay import ReplayRefused, replay_events

    assert letter.endpoint_id is not None and letter.event_id is not None
    result = replay_events(
        letter.store_hash,
        letter.endpoint_id,
        [letter.event_id],
        endpoints=endpoints,
        events=events,
        queue=queue,
    )
    if result.queued == 0:
        reason = "the event is gone" if result.unknown else "the endpoint no longer takes it"
        raise ReplayRefused("nothing_to_replay", f"nothing to send: {reason}")
