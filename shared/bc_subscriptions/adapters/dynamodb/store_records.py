"""Store-level records kept outside subscription transactions: installs, inbox, due index."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ...ports.storage import (
    ConcurrencyConflict,
    DueSubscription,
    Install,
    ParkedDelivery,
    ReconCheckpoint,
)
from . import keys
from .errors import translated_errors
from .models import (
    InboxItem,
    InboxRetryItem,
    InstallItem,
    ReconCheckpointItem,
    SubscriptionItem,
    SweepCursorItem,
)

if TYPE_CHECKING:
    from pynamodb.expressions.update import Action

# Longer than the inbound signature tolerance (about 48 h, BigCommerce's retry window): a
# replayed delivery still finds its row and is a duplicate.
INBOX_RETENTION = timedelta(days=7)


class Installs:
    def get(self, store_hash: str) -> Install | None:
        with translated_errors():
            try:
                item = InstallItem.get(keys.store_pk(store_hash), keys.INSTALL)
            except InstallItem.DoesNotExist:
                return None
        return Install(
            item.store_hash,
            item.status,
            item.access_token,
            item.webhook_secret,
            _parse(item.installed_at),
            item.store_id,
        )

    def remember_store_id(self, store_hash: str, store_id: str) -> None:
        """Keep the first store id seen; a later, different one is then refused."""
        try:
            with translated_errors():
                InstallItem(keys.store_pk(store_hash), keys.INSTALL).update(
                    actions=[InstallItem.store_id.set(store_id)],
                    condition=InstallItem.pk.exists() & InstallItem.store_id.does_not_exist(),
                )
        except ConcurrencyConflict:
            pass  # already known (or the store is gone): nothing to remember

    def installed_after(self, cursor: str, limit: int) -> list[str]:
        """Installed stores in hash order, after `cursor` ("" for the first)."""
        with translated_errors():
            condition = InstallItem.installed_sk > cursor if cursor else None
            rows = InstallItem.installed_index.query(
                "INSTALLED", range_key_condition=condition, limit=limit
            )
            return [str(r.installed_sk) for r in rows]

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

    def mark(
        self, store_hash: str, delivery_hash: str, status: str, outcome: str | None = None
    ) -> None:
        actions: list[Action] = [InboxItem.status.set(status)]
        if outcome is not None:
            actions.append(InboxItem.outcome.set(outcome))
        with translated_errors():
            InboxItem(keys.inbox_pk(store_hash, delivery_hash), "INBOX").update(actions=actions)

    def status(self, store_hash: str, delivery_hash: str) -> str | None:
        """The delivery's row status, or None when it was never recorded (or expired)."""
        with translated_errors():
            try:
                item = InboxItem.get(keys.inbox_pk(store_hash, delivery_hash), "INBOX")
            except InboxItem.DoesNotExist:
                return None
        return str(item.status)

    def give_up(self, store_hash: str, delivery_hash: str, reason: str) -> None:
        """The delivery can never be processed: its row and any retry marker say why."""
        for item, cls in (
            (InboxItem(keys.inbox_pk(store_hash, delivery_hash), "INBOX"), InboxItem),
            (InboxRetryItem(keys.store_pk(store_hash), f"RETRY#{delivery_hash}"), InboxRetryItem),
        ):
            try:
                with translated_errors():
                    item.update(
                        actions=[cls.status.set("given_up"), cls.reason.set(reason)],
                        condition=cls.pk.exists(),
                    )
            except ConcurrencyConflict:
                pass  # no such row (a delivery is parked only after failing): nothing to mark

    def park(
        self, store_hash: str, delivery_hash: str, scope: str, resource_id: str, now: datetime
    ) -> None:
        """Remember a failed delivery in the store's partition, for reconciliation to retry."""
        with translated_errors():
            InboxRetryItem(
                keys.store_pk(store_hash),
                f"RETRY#{delivery_hash}",
                store_hash=store_hash,
                delivery_hash=delivery_hash,
                scope=scope,
                resource_id=resource_id,
                status="failed",
                ttl=int((now + INBOX_RETENTION).timestamp()),
            ).save()

    def failed(self, store_hash: str, limit: int) -> list[ParkedDelivery]:
        """Up to `limit` parked deliveries of the store that are still failed."""
        with translated_errors():
            rows = InboxRetryItem.query(
                keys.store_pk(store_hash),
                InboxRetryItem.sk.startswith("RETRY#"),
                filter_condition=InboxRetryItem.status == "failed",
            )
            found = []
            for row in rows:
                found.append(
                    ParkedDelivery(store_hash, row.delivery_hash, row.scope, row.resource_id)
                )
                if len(found) >= limit:
                    break
            return found

    def resolve(self, store_hash: str, delivery_hash: str) -> None:
        """A parked delivery was processed: the inbox row and its retry marker say so."""
        self.mark(store_hash, delivery_hash, "processed")
        with translated_errors():
            InboxRetryItem(keys.store_pk(store_hash), f"RETRY#{delivery_hash}").update(
                actions=[InboxRetryItem.status.set("processed")]
            )


class DueSubscriptions:
    """Reads of the sparse DueIndex: a sweep costs what is due, not what exists."""

    def __init__(self, shards: int, page_size: int = 500) -> None:
        self.shards = shards
        self.page_size = page_size

    def stores(self) -> Iterator[str]:
        """Installed stores (their own sparse index): each has its own due partitions."""
        with translated_errors():
            for row in InstallItem.installed_index.query("INSTALLED"):
                yield str(row.installed_sk)

    def due(self, now: datetime, store_hash: str) -> Iterator[DueSubscription]:
        upper = f"{keys.timestamp(now)}~"  # '~' sorts after '#', so every key at `now` is included
        for shard in range(self.shards):
            with translated_errors():
                rows = SubscriptionItem.due_index.query(
                    keys.due_pk(store_hash, shard),
                    SubscriptionItem.due_sk <= upper,
                    page_size=self.page_size,
                )
                for row in rows:
                    due_at = datetime.strptime(row.due_sk.split("#", 1)[0], "%Y-%m-%dT%H:%M:%S%z")
                    yield DueSubscription(
                        row.store_hash, row.subscription_id, int(row.next_cycle), due_at
                    )


class ReconCheckpoints:
    def get(self, store_hash: str) -> ReconCheckpoint | None:
        with translated_errors():
            try:
                item = ReconCheckpointItem.get(keys.store_pk(store_hash), "RECON")
            except ReconCheckpointItem.DoesNotExist:
                return None
        since = datetime.strptime(item.since, "%Y-%m-%dT%H:%M:%S%z")
        return ReconCheckpoint(store_hash, since, _parse(item.window_end), int(item.page))

    def put(self, checkpoint: ReconCheckpoint) -> None:
        end = checkpoint.window_end
        with translated_errors():
            ReconCheckpointItem(
                keys.store_pk(checkpoint.store_hash),
                "RECON",
                store_hash=checkpoint.store_hash,
                since=keys.timestamp(checkpoint.since),
                window_end=keys.timestamp(end) if end else None,
                page=checkpoint.page,
            ).save()


class SweepCursors:
    """Where a sweep over all stores resumes (the one cross-store item: a store hash)."""

    def get(self, sweep: str) -> str:
        with translated_errors():
            try:
                return str(SweepCursorItem.get(f"SWEEP#{sweep}", "CURSOR").cursor)
            except SweepCursorItem.DoesNotExist:
                return ""

    def put(self, sweep: str, cursor: str) -> None:
        with translated_errors():
            SweepCursorItem(f"SWEEP#{sweep}", "CURSOR", cursor=cursor).save()


def _parse(value: str | None) -> datetime | None:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z") if value else None
