"""Merchant webhook endpoints: one item each in the store's partition, with their health."""

from __future__ import annotations

from datetime import datetime

from pynamodb.transactions import TransactWrite

from ...ports.storage import ConcurrencyConflict, Endpoint
from . import keys
from .connection import shared_connection
from .errors import translated_errors
from .event_items import event_item
from .models import EndpointItem, EventItem


def _time(value: str | None) -> datetime | None:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z") if value else None


def _stamp(value: datetime | None) -> str | None:
    return keys.timestamp(value) if value else None


class Endpoints:
    def __init__(self, shards: int = 8, region: str = "us-east-1") -> None:
        self._shards = shards
        self._region = region

    def list(self, store_hash: str) -> list[Endpoint]:
        with translated_errors():
            items = EndpointItem.query(
                keys.store_pk(store_hash), EndpointItem.sk.startswith("ENDPOINT#")
            )
            return [self._from(i) for i in items]

    def get(self, store_hash: str, endpoint_id: str) -> Endpoint | None:
        with translated_errors():
            try:
                return self._from(EndpointItem.get(*self._key(store_hash, endpoint_id)))
            except EndpointItem.DoesNotExist:
                return None

    def put(self, endpoint: Endpoint) -> None:
        with translated_errors():
            self._item(endpoint).save()

    def delete(self, store_hash: str, endpoint_id: str) -> None:
        with translated_errors():
            EndpointItem(*self._key(store_hash, endpoint_id)).delete()

    def mark_failing(self, store_hash: str, endpoint_id: str, since: datetime) -> None:
        """Remember when failures started; later failures keep the first date."""
        item = EndpointItem(*self._key(store_hash, endpoint_id))
        try:
            with translated_errors():
                item.update(
                    actions=[EndpointItem.failing_since.set(keys.timestamp(since))],
                    condition=EndpointItem.pk.exists()
                    & EndpointItem.failing_since.does_not_exist(),
                )
        except ConcurrencyConflict:
            return  # already failing (or deleted): nothing to record

    def mark_healthy(self, store_hash: str, endpoint_id: str) -> None:
        item = EndpointItem(*self._key(store_hash, endpoint_id))
        try:
            with translated_errors():
                item.update(
                    actions=[EndpointItem.failing_since.remove()],
                    condition=EndpointItem.failing_since.exists(),
                )
        except ConcurrencyConflict:
            return

    def disable(self, endpoint: Endpoint, reason: str, now: datetime) -> bool:
        """Disable the endpoint and write `endpoint.disabled`, in one transaction.

        False when it was already disabled (or changed meanwhile): only one event is written.
        """
        event = endpoint.disabled_event(reason, now)
        item = EndpointItem(*self._key(endpoint.store_hash, endpoint.endpoint_id))
        connection = shared_connection(self._region)
        try:
            with translated_errors(), TransactWrite(connection=connection) as tx:
                tx.update(
                    item,
                    actions=[
                        EndpointItem.enabled.set(False),
                        EndpointItem.disabled_at.set(keys.timestamp(now)),
                        EndpointItem.disabled_reason.set(reason),
                        EndpointItem.event_seq.set(event.seq),
                    ],
                    condition=(EndpointItem.enabled == True)  # noqa: E712 (pynamodb condition)
                    & (EndpointItem.event_seq == endpoint.event_seq),
                )
                tx.save(event_item(event, self._shards), condition=EventItem.pk.does_not_exist())
        except ConcurrencyConflict:
            return False
        return True

    @staticmethod
    def _key(store_hash: str, endpoint_id: str) -> tuple[str, str]:
        return keys.store_pk(store_hash), keys.endpoint_sk(endpoint_id)

    def _item(self, endpoint: Endpoint) -> EndpointItem:
        return EndpointItem(
            *self._key(endpoint.store_hash, endpoint.endpoint_id),
            store_hash=endpoint.store_hash,
            endpoint_id=endpoint.endpoint_id,
            url=endpoint.url,
            secret=endpoint.secret_ciphertext,
            event_types=",".join(sorted(endpoint.event_types)),
            enabled=endpoint.enabled,
            description=endpoint.description,
            previous_secret=endpoint.previous_secret_ciphertext,
            previous_secret_expires_at=_stamp(endpoint.previous_secret_expires_at),
            failing_since=_stamp(endpoint.failing_since),
            disabled_at=_stamp(endpoint.disabled_at),
            disabled_reason=endpoint.disabled_reason,
            event_seq=endpoint.event_seq,
        )

    @staticmethod
    def _from(item: EndpointItem) -> Endpoint:
        return Endpoint(
            item.store_hash,
            item.endpoint_id,
            item.url,
            item.secret,
            frozenset(t for t in item.event_types.split(",") if t),
            bool(item.enabled),
            description=item.description or "",
            previous_secret_ciphertext=item.previous_secret,
            previous_secret_expires_at=_time(item.previous_secret_expires_at),
            failing_since=_time(item.failing_since),
            disabled_at=_time(item.disabled_at),
            disabled_reason=item.disabled_reason,
            event_seq=int(item.event_seq or 0),
        )
