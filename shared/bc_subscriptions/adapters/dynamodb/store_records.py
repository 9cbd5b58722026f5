"""Store-level records kept outside subscription transactions: installs, endpoints, inbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from ...ports.storage import ConcurrencyConflict, DueSubscription, Endpoint, Install
from . import keys
from .errors import translated_errors
from .models import EndpointItem, InboxItem, InstallItem, SubscriptionItem

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


class Endpoints:
    def list(self, store_hash: str) -> list[Endpoint]:
        with translated_errors():
            items = EndpointItem.query(
                keys.store_pk(store_hash), EndpointItem.sk.startswith("ENDPOINT#")
            )
            return [self._from(i) for i in items]

    def get(self, store_hash: str, endpoint_id: str) -> Endpoint | None:
        with translated_errors():
            try:
                return self._from(
                    EndpointItem.get(keys.store_pk(store_hash), keys.endpoint_sk(endpoint_id))
                )
            except EndpointItem.DoesNotExist:
                return None

    def put(self, endpoint: Endpoint) -> None:
        with translated_errors():
            EndpointItem(
                keys.store_pk(endpoint.store_hash),
                keys.endpoint_sk(endpoint.endpoint_id),
                store_hash=endpoint.store_hash,
                endpoint_id=endpoint.endpoint_id,
                url=endpoint.url,
                secret=endpoint.secret_ciphertext,
                event_types=",".join(sorted(endpoint.event_types)),
                enabled=endpoint.enabled,
                description=endpoint.description,
                previous_secret=endpoint.previous_secret_ciphertext,
                previous_secret_expires_at=(
                    keys.timestamp(endpoint.previous_secret_expires_at)
                    if endpoint.previous_secret_expires_at
                    else None
                ),
            ).save()

    @staticmethod
    def _from(item: EndpointItem) -> Endpoint:
        types = frozenset(t for t in item.event_types.split(",") if t)
        expires = item.previous_secret_expires_at
        return Endpoint(
            item.store_hash,
            item.endpoint_id,
            item.url,
            item.secret,
            types,
            bool(item.enabled),
            description=item.description or "",
            previous_secret_ciphertext=item.previous_secret,
            previous_secret_expires_at=(
                datetime.strptime(expires, "%Y-%m-%dT%H:%M:%S%z") if expires else None
            ),
        )


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
