"""One botocore DynamoDB client per process, shared by every pynamodb model and transaction.

pynamodb gives each model its own connection, botocore session and client, and building each
one parses botocore's endpoint and DynamoDB models again: a dozen times per cold start (and per
local stack) for a single table. The client is thread-safe once built; building it is not, so
it is built once under a lock.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

from pynamodb.connection import Connection

_lock = threading.Lock()
_clients: dict[str, Any] = {}


def adopt(connection: Connection) -> None:
    """Point a pynamodb connection at the process's client for its region (the first builds it)."""
    with _lock:
        client = _clients.get(connection.region)
        if client is None:
            _clients[connection.region] = connection.client
        else:
            connection._client = client


@lru_cache(maxsize=4)
def shared_connection(region: str) -> Connection:
    """The connection transactions and raw requests use, on the shared client."""
    connection = Connection(region=region)
    adopt(connection)
    return connection


def forget_clients() -> None:
    """Drop the shared client (the AWS endpoint changed, as when a local stack restarts)."""
    with _lock:
        _clients.clear()
    shared_connection.cache_clear()


def built_clients() -> int:
    """How many DynamoDB clients this process has built (one per region, tests check it)."""
    return len(_clients)
