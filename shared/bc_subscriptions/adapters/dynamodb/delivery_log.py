"""Per-endpoint delivery log: one item per attempt, newest first, expiring after 30 days."""

from __future__ import annotations

from datetime import datetime, timedelta

from ...ports.storage import DeliveryAttempt
from . import keys
from .errors import translated_errors
from .models import DeliveryLogItem

RETENTION = timedelta(days=30)


def _time(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")


class DeliveryLog:
    def record(self, a: DeliveryAttempt) -> None:
        sk = f"DLOG#{a.endpoint_id}#{keys.timestamp(a.attempted_at)}#{a.event_id}#{a.attempt:03d}"
        with translated_errors():
            DeliveryLogItem(
                keys.store_pk(a.store_hash),
                sk,
                store_hash=a.store_hash,
                endpoint_id=a.endpoint_id,
                event_id=a.event_id,
                event_type=a.event_type,
                attempt=a.attempt,
                outcome=a.outcome,
                status_code=a.status_code,
                latency_ms=a.latency_ms,
                response_excerpt=a.response_excerpt,
                attempted_at=keys.timestamp(a.attempted_at),
                next_attempt_at=keys.timestamp(a.next_attempt_at) if a.next_attempt_at else None,
                ttl=int((a.attempted_at + RETENTION).timestamp()),
            ).save()

    def list(self, store_hash: str, endpoint_id: str, limit: int = 50) -> list[DeliveryAttempt]:
        """The endpoint's latest attempts, newest first."""
        with translated_errors():
            rows = DeliveryLogItem.query(
                keys.store_pk(store_hash),
                DeliveryLogItem.sk.startswith(f"DLOG#{endpoint_id}#"),
                scan_index_forward=False,
                limit=limit,
            )
            return [
                DeliveryAttempt(
                    r.store_hash,
                    r.endpoint_id,
                    r.event_id,
                    r.event_type,
                    int(r.attempt),
                    r.outcome,
                    None if r.status_code is None else int(r.status_code),
                    int(r.latency_ms),
                    r.response_excerpt,
                    _time(r.attempted_at),
                    _time(r.next_attempt_at) if r.next_attempt_at else None,
                )
                for r in rows
            ]
