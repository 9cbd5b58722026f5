"""The storage port's dead letters: a message given up on, recorded under its store, and a
page of them.

Imported through `ports.storage`, which loads each group of records only when it is named.
"""

from __future__ import annotations

from datetime import datetime

import msgspec


class DeadLetter(msgspec.Struct, frozen=True):
    """A message given up on (its queue's dead-letter queue holds it), recorded under its
    store so the merchant sees only their own: `renewal` or `webhook_delivery`."""

    store_hash: str
    dead_letter_id: str
    kind: str
    at: datetime
    attempts: int
    error: str
    subscription_id: str | None = None
    cycle: int | None = None
    endpoint_id: str | None = None
    event_id: str | None = None
    event_type: str | None = None
    redriven_at: datetime | None = None


class DeadLetterPage(msgspec.Struct, frozen=True):
    items: list[DeadLetter]
    cursor: str | None
