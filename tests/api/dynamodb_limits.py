"""The in-memory records refusing a key DynamoDB refuses, for the fuzz: a partition key over
2048 bytes or a sort key over 1024 is a ValidationException there, which a route that passes
an unchecked path parameter to storage would answer with a 500. Only the fuzz sends such
keys, so only its stack uses these."""

from __future__ import annotations

from datetime import datetime

from bc_subscriptions.adapters.dynamodb import keys
from bc_subscriptions.adapters.memory import MemoryStore
from bc_subscriptions.adapters.memory.store import Row, Write
from bc_subscriptions.ports.storage import DeadLetter, Endpoint
from devstack.memory_records import MemoryDeadLetters, MemoryEndpoints

PARTITION_KEY_MAX_BYTES = 2048
SORT_KEY_MAX_BYTES = 1024


class KeyTooLarge(Exception):
    """What DynamoDB's ValidationException for an oversized key is to its caller."""


def check_key(pk: str, sk: str) -> None:
    if len(pk.encode()) > PARTITION_KEY_MAX_BYTES:
        raise KeyTooLarge(f"partition key of {len(pk.encode())} bytes")
    if len(sk.encode()) > SORT_KEY_MAX_BYTES:
        raise KeyTooLarge(f"sort key of {len(sk.encode())} bytes")


class KeySizedStore(MemoryStore):
    def read(self, key: tuple[str, str]) -> Row | None:
        check_key(*key)
        return super().read(key)

    def query(self, pk: str, low: str, high: str) -> list[tuple[str, Row]]:
        check_key(pk, low)
        check_key(pk, high)
        return super().query(pk, low, high)

    def apply(self, writes: list[Write]) -> None:
        for write in writes:
            check_key(*write.key)
        super().apply(writes)


class KeySizedEndpoints(MemoryEndpoints):
    def get(self, store_hash: str, endpoint_id: str) -> Endpoint | None:
        check_key(keys.store_pk(store_hash), keys.endpoint_sk(endpoint_id))
        return super().get(store_hash, endpoint_id)


class KeySizedDeadLetters(MemoryDeadLetters):
    def get(self, store_hash: str, dead_letter_id: str) -> DeadLetter | None:
        check_key(*keys.dead_letter_key(store_hash, dead_letter_id))
        return super().get(store_hash, dead_letter_id)

    def mark_redriven(self, store_hash: str, dead_letter_id: str, at: datetime) -> bool:
        check_key(*keys.dead_letter_key(store_hash, dead_letter_id))
        return super().mark_redriven(store_hash, dead_letter_id, at)
