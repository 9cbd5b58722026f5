"""The storage port's store-level records: an install, the rows of the sparse due and
authorization indexes, a reconciliation checkpoint and a parked delivery.

Imported through `ports.storage`, which loads each group of records only when it is named.
"""

from __future__ import annotations

from datetime import datetime

import msgspec


class DueSubscription(msgspec.Struct, frozen=True):
    """One row of the sparse due index: enough to enqueue a renewal without reading the record."""

    store_hash: str
    subscription_id: str
    cycle: int
    due_at: datetime


class AuthorizationDue(msgspec.Struct, frozen=True):
    """One row of the sparse AuthExpiryIndex: a charge whose authorization needs a look."""

    store_hash: str
    subscription_id: str
    cycle: int
    location_id: str | None = None  # a delivery location's own charge of the cycle


class Install(msgspec.Struct, frozen=True):
    """An installed store; secrets stay encrypted here and are decrypted by the vault."""

    store_hash: str
    status: str
    access_token_ciphertext: str
    webhook_secret_ciphertext: str
    changed_at: datetime | None = None  # when it was last installed or uninstalled
    # BigCommerce's numeric store id, learnt from the first authenticated delivery.
    store_id: str | None = None


class ReconCheckpoint(msgspec.Struct, frozen=True):
    """Where a store's order reconciliation stands: orders modified since `since` are seen.

    While a window (since, window_end] is paged through, `page` is the next page to read.
    """

    store_hash: str
    since: datetime
    window_end: datetime | None = None
    page: int = 1


class ParkedDelivery(msgspec.Struct, frozen=True):
    """A BigCommerce delivery whose processing failed; reconciliation retries it."""

    store_hash: str
    delivery_hash: str
    scope: str
    resource_id: str
