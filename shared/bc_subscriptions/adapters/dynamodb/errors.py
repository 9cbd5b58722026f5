"""Translate pynamodb/botocore errors into the storage port's exceptions, in one place."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pynamodb.exceptions import PynamoDBException, TransactWriteError

from ...ports.storage import ConcurrencyConflict, RetryableStorageError

_THROTTLED = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "TransactionInProgressException",
}


def _is_conflict(exc: PynamoDBException) -> bool:
    if exc.cause_response_code == "ConditionalCheckFailedException":
        return True
    if isinstance(exc, TransactWriteError):
        reasons = exc.cancellation_reasons or []
        return any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons)
    return False


def _is_throttled(exc: PynamoDBException) -> bool:
    if exc.cause_response_code in _THROTTLED:
        return True
    if isinstance(exc, TransactWriteError):
        reasons = exc.cancellation_reasons or []
        return any(
            r is not None and r.code in ("ThrottlingError", "TransactionConflict") for r in reasons
        )
    return False


@contextmanager
def translated_errors() -> Iterator[None]:
    """Run a storage call; conflicts and throttling surface as port exceptions."""
    try:
        yield
    except PynamoDBException as exc:
        if _is_conflict(exc):
            raise ConcurrencyConflict(str(exc)) from exc
        if _is_throttled(exc):
            raise RetryableStorageError(str(exc)) from exc
        raise
