"""DynamoDB transactions on moto without copying whole tables.

moto 5.2.5 deep-copies every table a TransactWriteItems names before it starts, to put the copy
back if the transaction is cancelled: each transactional write costs time in proportion to the
table (seconds once a table holds ten thousand items), which made the soak manage a few dozen
subscriptions. The replacement here checks and writes through the backend's own item operations,
in moto's order and with moto's errors, but remembers only the items it is about to change and
how long each table's stream was; a cancelled transaction puts those items back and drops the
stream records it appended. Nothing else of a table changes on an item write, and every moto
read sorts by key, so the result is the state moto's copy would have restored.

The replacement is written against one moto release: `install` refuses any other (or any change
to the methods whose behaviour it relies on) rather than quietly diverging from moto.
"""

from __future__ import annotations

import copy
import hashlib
import inspect
from dataclasses import dataclass, field
from typing import Any

import moto
from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import StreamShard, Table

PINNED_MOTO = "5.2.5"
# moto's transaction, and what it calls that writes items and stream records: the journal below
# is exact only while these are the code it was written against.
MOTO_TRANSACT_WRITE_ITEMS = DynamoDBBackend.transact_write_items
_RELIED_ON = (
    MOTO_TRANSACT_WRITE_ITEMS,
    DynamoDBBackend.update_item,
    DynamoDBBackend.delete_item,
    Table.put_item,
    Table.delete_item,
    StreamShard.add,
)
_RELIED_ON_SHA256 = "0bed9d6a01eb111ff34b1b38f0310598c4afd4b970505408dc3bcb54a19dcd12"
_OPERATIONS = frozenset({"ConditionCheck", "Put", "Delete", "Update"})
_MOST_ITEMS = 100


class MotoChanged(RuntimeError):
    """The installed moto is not the one the transaction journal was written against."""


def relied_on_digest() -> str:
    sources = "\n".join(inspect.getsource(fn) for fn in _RELIED_ON)
    return hashlib.sha256(sources.encode()).hexdigest()


def install() -> None:
    """Replace moto's `transact_write_items` (once per process; every stack shares the class)."""
    if DynamoDBBackend.transact_write_items is _journaled_transact_write_items:
        return
    if moto.__version__ != PINNED_MOTO or relied_on_digest() != _RELIED_ON_SHA256:
        raise MotoChanged(
            f"moto {moto.__version__} is installed; devstack/moto_transactions.py replaces "
            f"moto {PINNED_MOTO}'s transact_write_items and must be checked against the new "
            "release (then update PINNED_MOTO and _RELIED_ON_SHA256)"
        )
    DynamoDBBackend.transact_write_items = _journaled_transact_write_items  # type: ignore[method-assign]


def _journaled_transact_write_items(
    self: DynamoDBBackend, transact_items: list[dict[str, Any]]
) -> None:
    # A stream that feeds a moto Lambda is emptied as it is read, so its length says nothing:
    # such a backend keeps moto's own way.
    if any(table.lambda_event_source_mappings for table in self.tables.values()):
        MOTO_TRANSACT_WRITE_ITEMS(self, transact_items)
        return
    _Transaction(self, transact_items).run()


@dataclass
class _Journal:
    """What a transaction changed, to put back if it is cancelled."""

    # moto restores the tables an operation names by name (one named only by its ARN keeps
    # what was written to it), with their streams.
    restorable: list[Table]
    stream_lengths: dict[int, int] = field(default_factory=dict)
    before: dict[tuple[int, DynamoType, DynamoType | None], tuple[Table, Item | None]] = field(
        default_factory=dict
    )

    @classmethod
    def start(cls, backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> _Journal:
        restorable: dict[str, Table] = {}
        for entry in transact_items:
            _, op = next(iter(entry.items()))
            name = op.get("TableName")
            if name and name in backend.tables:
                restorable[name] = backend.tables[name]
        journal = cls(list(restorable.values()))
        for table in journal.restorable:
            if table.stream_shard is not None:
                journal.stream_lengths[id(table)] = len(table.stream_shard.items)
        return journal

    def remember(self, table: Table, hash_key: DynamoType, range_key: DynamoType | None) -> None:
        """Keep a copy of the item as it is before its first change in this transaction."""
        slot = (id(table), hash_key, range_key)
        if slot not in self.before:
            self.before[slot] = (table, copy.deepcopy(table.get_item(hash_key, range_key)))

    def undo(self) -> None:
        restorable = {id(table) for table in self.restorable}
        for (table_id, hash_key, range_key), (table, item) in self.before.items():
            if table_id not in restorable:
                continue
            # A key first read while missing leaves an empty bucket in moto as well; no read
            # sees one (every read walks the buckets' items).
            if range_key is not None:
                bucket = table.items[hash_key]
                if item is None:
                    bucket.pop(range_key, None)
                else:
                    bucket[range_key] = item
            elif item is None:
                table.items.pop(hash_key, None)
            else:
                table.items[hash_key] = item
        for table in self.restorable:
            if table.stream_shard is not None and id(table) in self.stream_lengths:
                del table.stream_shard.items[self.stream_lengths[id(table)] :]


Reason = tuple[str | None, str | None, dict[str, Any] | None]


class _Transaction:
    """One TransactWriteItems with moto's semantics: each item checked in order, every
    item's cancellation reason (a later item is still tried after an earlier one failed), and
    nothing left written unless all succeeded; a repeated item or an invalid request is raised
    as itself after everything is put back."""

    def __init__(self, backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        self.backend, self.transact_items = backend, transact_items
        self.targets: set[tuple[str, str]] = set()

    def run(self) -> None:
        if len(self.transact_items) > _MOST_ITEMS:
            raise TooManyTransactionsException()
        journal = _Journal.start(self.backend, self.transact_items)
        reasons: list[Reason] = []
        for entry in self.transact_items:
            if len(entry) > 1:
                # Raised as moto raises it: outside the part that puts writes back.
                raise TransactWriteSingleOpException
            try:
                reasons.append(self._apply(entry, journal))
            except (MultipleTransactionsException, MockValidationException):
                journal.undo()
                raise
            except ConditionalCheckFailed as failed:
                reasons.append(("ConditionalCheckFailed", str(failed.message), None))
            except Exception as failed:
                reasons.append((type(failed).__name__, str(failed), None))
        if any(code is not None for code, _, _ in reasons):
            journal.undo()
            raise TransactionCanceledException(reasons)

    def _apply(self, entry: dict[str, Any], journal: _Journal) -> Reason:
        backend = self.backend
        op_type, op = next(iter(entry.items()))
        if op_type not in _OPERATIONS:
            raise ValueError("Unsupported transaction operation")
        table_name = op["TableName"]
        condition = op.get("ConditionExpression")
        names = op.get("ExpressionAttributeNames")
        values = op.get("ExpressionAttributeValues")
        if op_type == "Put":
            attrs = op["Item"]
            table = backend.get_table(table_name)
            key = {table.hash_key_attr: attrs[table.hash_key_attr]}
            if table.range_key_attr is not None:
                key[table.range_key_attr] = attrs[table.range_key_attr]
        else:
            key = op["Key"]
        target = (str(table_name), str(dict(sorted(key.items()))))
        if target in self.targets:
            raise MultipleTransactionsException()
        self.targets.add(target)
        current = backend.get_item(table_name, key)
        if condition is not None and not get_filter_expression(condition, names, values).expr(
            current
        ):
            old = None
            if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                old = current.to_json()["Attributes"]
            return ("ConditionalCheckFailed", str(ConditionalCheckFailed().message), old)
        if op_type == "ConditionCheck":
            return (None, None, None)
        table = backend.get_table(table_name)
        journal.remember(table, *backend.get_keys_value(table, key))
        expression = {
            "condition_expression": condition,
            "expression_attribute_names": names,
            "expression_attribute_values": values,
        }
        if op_type == "Put":
            backend.put_item(table_name, op["Item"], **expression)
        elif op_type == "Delete":
            backend.delete_item(table_name, key, **expression)
        else:
            backend.update_item(
                table_name, key, update_expression=op["UpdateExpression"], **expression
            )
        return (None, None, None)
