"""Key builders: every key starts with the store, so no request can reach across stores."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime


def sub_pk(store_hash: str, subscription_id: str) -> str:
    return f"SUB#{store_hash}#{subscription_id}"


def store_pk(store_hash: str) -> str:
    return f"STORE#{store_hash}"


def order_pk(store_hash: str, order_id: int) -> str:
    return f"ORDER#{store_hash}#{order_id}"


def inbox_pk(store_hash: str, delivery_hash: str) -> str:
    return f"INBOX#{store_hash}#{delivery_hash}"


# Allotment grant ids start so; an event id names its owner, and this tells a grant from others.
GRANT_ID_PREFIX = "alg_"


def allotment_pk(store_hash: str, grant_id: str) -> str:
    return f"ALLOT#{store_hash}#{grant_id}"


META = "META"
INSTALL = "INSTALL"
TENANT_CONFIG = "CONFIG"


def charge_sk(cycle: int, location_id: str | None = None) -> str:
    # A location's charge sorts right after its cycle's own.
    base = f"CHARGE#{cycle:06d}"
    return base if location_id is None else f"{base}#LOC#{location_id}"


def delivery_sk(cycle: int) -> str:
    return f"DELIVERY#{cycle:06d}"


def event_sk(seq: int) -> str:
    return f"EVENT#{seq:010d}"


def event_key(
    store_hash: str,
    subscription_id: str | None,
    endpoint_id: str | None,
    seq: int,
    grant_id: str | None = None,
) -> tuple[str, str]:
    """A subscription's events live in its partition; an endpoint's in the store's; an
    allotment grant's in the grant's."""
    if grant_id:
        return allotment_pk(store_hash, grant_id), event_sk(seq)
    if subscription_id:
        return sub_pk(store_hash, subscription_id), event_sk(seq)
    if endpoint_id:
        return store_pk(store_hash), f"EVENT#{endpoint_id}#{seq:010d}"
    raise ValueError("an event belongs to a subscription or to an endpoint")


def event_time_keys(store_hash: str, occurred_at: datetime, event_id: str) -> tuple[str, str]:
    """Keys of EventTimeIndex: one partition per store and UTC day, time-ordered within it."""
    day = occurred_at.astimezone(UTC).strftime("%Y-%m-%d")
    return f"EVTIME#{store_hash}#{day}", f"{timestamp(occurred_at)}#{event_id}"


def plan_sk(product_id: int) -> str:
    return f"PLAN#{product_id}"


def removed_user_sk(user_id: int) -> str:
    return f"REMOVED_USER#{user_id}"


def endpoint_sk(endpoint_id: str) -> str:
    return f"ENDPOINT#{endpoint_id}"


def shard_of(subscription_id: str, shards: int) -> int:
    """A stable shard (crc32, not hash(): that is salted per process)."""
    return zlib.crc32(subscription_id.encode()) % shards


def timestamp(value: datetime) -> str:
    """Fixed-width UTC timestamp, so string order is time order in sort keys."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def relay_keys(
    subscription_id: str, event_id: str, occurred_at: datetime, shards: int
) -> tuple[str, str]:
    """Keys of the sparse PendingRelayIndex: an event sits there until it has been relayed."""
    shard = shard_of(subscription_id, shards)
    return f"RELAY#{shard}", f"{timestamp(occurred_at)}#{event_id}"


def due_keys(
    store_hash: str, subscription_id: str, due_at: datetime, shards: int
) -> tuple[str, str]:
    """Keys of the sparse DueIndex: per-store sharded partitions, time-ordered sort key.

    Per-store partitions let the sweep give every store its fair share of a run.
    """
    return due_pk(store_hash, shard_of(subscription_id, shards)), (
        f"{timestamp(due_at)}#{store_hash}#{subscription_id}"
    )


def due_pk(store_hash: str, shard: int) -> str:
    return f"DUE#{store_hash}#{shard}"


AUTH_SHARDS = 4  # open authorizations are few (only stores that capture later have any)


def auth_keys(
    store_hash: str,
    subscription_id: str,
    cycle: int,
    check_at: datetime,
    location_id: str | None = None,
) -> tuple[str, str]:
    """Keys of the sparse AuthExpiryIndex: an authorization sits there until it is settled.

    The sort key is when the expiry sweep must look at it next, so a query stops at "now";
    a delivery location's charge adds its location, each location's order being authorized
    on its own.
    """
    sk = f"{timestamp(check_at)}#{store_hash}#{subscription_id}#{cycle}"
    return f"AUTH#{shard_of(subscription_id, AUTH_SHARDS)}", (
        sk if location_id is None else f"{sk}#{location_id}"
    )


OPS_FAILED = "failed_charges"
OPS_ACTION = "requires_action"


def ops_keys(store_hash: str, queue: str, since: datetime, subscription_id: str) -> tuple[str, str]:
    """Keys of the sparse OpsQueueIndex: one partition per store and queue, oldest first."""
    return ops_pk(store_hash, queue), f"{timestamp(since)}#{subscription_id}"


def ops_pk(store_hash: str, queue: str) -> str:
    return f"OPS#{store_hash}#{queue}"


DEAD_LETTER = "DEADLETTER#"


def dead_letter_key(store_hash: str, dead_letter_id: str) -> tuple[str, str]:
    """A dead-lettered message, in its store's partition; ids are ULIDs, so newest sorts last."""
    return store_pk(store_hash), f"{DEAD_LETTER}{dead_letter_id}"


CUSTOM_FIELD = "CUSTOMFIELD#"


def custom_field_sk(key: str) -> str:
    """A custom field definition, in its store's partition."""
    return f"{CUSTOM_FIELD}{key}"
