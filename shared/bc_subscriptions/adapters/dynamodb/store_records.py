"""Store-level records kept outside subscription transactions: installs, inbox, due index."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from ...ports.storage import ConcurrencyConflict, DueSubscription, Install
from . import keys
from .errors import translated_errors
from .models import InboxItem, InstallItem, SubscriptionItem

INBOX_RETENTION = timedelta(days=7)


class Installs:
    def get(self, store_hash: str) -> Install | None:
        with translated_errors():
            try:
                item = InstallItem.get(keys.store_pk(store_hash), keys.INSTALL)
            except InstallItem.DoesNotExist:
                return None
        return Install(item.store_hash, item.status, item.access_token, item.webhook_secret)

    def put(self, install: Install, now: datetime) -> None:
        installed = install.status == "installed"
        with translated_errors():
            InstallItem(
                keys.store_pk(install.store_hash),
                keys.INSTALL,
                store_hash=install.store_hash,
                status=install.status,
                access_token=install.access_token_ciphertext,
                webhook_secret=install.webhook_secret_ciphertext,
                installed_at=keys.timestamp(now),
                installed_pk="INSTALLED" if installed else None,
                installed_sk=install.store_hash if installed else None,
            ).save()


class Inbox:
    """BigCommerce deliveries by their `hash`: the first writer wins, repeats are recognised."""

    def record(
        self, store_hash: str, delivery_hash: str, scope: str, resource_id: str, now: datetime
    ) -> bool:
        """True if this delivery is new (or failed before and should be processed again)."""
        item = InboxItem(
            keys.inbox_pk(store_hash, delivery_hash),
            "INBOX",
            store_hash=store_hash,
            scope=scope,
            resource_id=resource_id,
            status="received",
            attempts=1,
            received_at=keys.timestamp(now),
            ttl=int((now + INBOX_RETENTION).timestamp()),
        )
        try:
            with translated_errors():
                item.save(condition=InboxItem.pk.does_not_exist() | (InboxItem.status == "failed"))
        except ConcurrencyConflict:
            return False
        return True

    def mark(self, store_hash: str, delivery_hash: str, status: str) -> None:
        with translated_errors():
            InboxItem(keys.inbox_pk(store_hash, delivery_hash), "INBOX").update(
                actions=[InboxItem.status.set(status)]
            )


class DueSubscriptions:
    """Reads of the sparse DueIndex: a sweep costs what is due, not what exists."""

    def __init__(self, shards: int) -> None:
        self.shards = shards

    def due(self, now: datetime, shard: int, limit: int) -> Iterator[DueSubscription]:
        upper = f"{keys.timestamp(now)}~"  # '~' sorts after '#', so every key at `now` is included
        with translated_errors():
            rows = SubscriptionItem.due_index.query(
                f"DUE#{shard}", SubscriptionItem.due_sk <= upper, limit=limit
            )
            for row in rows:
                due_at = datetime.strptime(row.due_sk.split("#", 1)[0], "%Y-%m-%dT%H:%M:%S%z")
                yield DueSubscription(
                    row.store_hash, row.subscription_id, int(row.next_cycle), due_at
                )
