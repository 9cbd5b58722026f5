"""The local stack's DynamoDB transactions and queries: moto's answers, at a table's size."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import moto
import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws
from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends
from moto.dynamodb.models.table import Table

from devstack import moto_queries, moto_transactions
from devstack.local_aws import ACCOUNT

REGION = "us-east-1"


def _create_table(name: str) -> None:
    boto3.client("dynamodb", region_name=REGION).create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )


@pytest.fixture
def ddb() -> Iterator[Any]:
    with mock_aws():
        moto_transactions.install()
        _create_table("t")
        yield boto3.client("dynamodb", region_name=REGION)


def _key(pk: str, sk: str = "s") -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def _put(pk: str, **attrs: str) -> dict[str, Any]:
    return {
        "Put": {"TableName": "t", "Item": {**_key(pk), **{k: {"S": v} for k, v in attrs.items()}}}
    }


def _items(ddb: Any) -> list[dict[str, Any]]:
    return sorted(ddb.scan(TableName="t")["Items"], key=lambda i: i["pk"]["S"])


def _stream(ddb: Any) -> list[tuple[str, str]]:
    streams = boto3.client("dynamodbstreams", region_name=REGION)
    arn = ddb.describe_table(TableName="t")["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = streams.get_records(ShardIterator=iterator)["Records"]
    return [(r["eventName"], r["dynamodb"]["SequenceNumber"]) for r in records]


def test_a_cancelled_transaction_leaves_every_item_and_the_stream_as_they_were(ddb: Any) -> None:
    # Given two items, and the stream records of their writes
    ddb.transact_write_items(TransactItems=[_put("a", v="1"), _put("b", v="1")])
    items, stream = _items(ddb), _stream(ddb)
    # When a transaction updates one, deletes the other and adds a third, and its last
    # condition fails
    with pytest.raises(ClientError) as refused:
        ddb.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": "t",
                        "Key": _key("a"),
                        "UpdateExpression": "SET v = :two",
                        "ExpressionAttributeValues": {":two": {"S": "2"}},
                    }
                },
                {"Delete": {"TableName": "t", "Key": _key("b")}},
                _put("c", v="1"),
                {
                    "ConditionCheck": {
                        "TableName": "t",
                        "Key": _key("missing"),
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                },
            ]
        )
    # Then it is cancelled with every item's reason, and no item or stream record changed
    assert refused.value.response["Error"]["Code"] == "TransactionCanceledException"
    reasons = [r["Code"] for r in refused.value.response["CancellationReasons"]]
    assert reasons == ["None", "None", "None", "ConditionalCheckFailed"]
    assert _items(ddb) == items
    assert _stream(ddb) == stream
    # And the next write's stream record follows on as if the cancelled one had never been
    ddb.transact_write_items(TransactItems=[_put("c", v="1")])
    assert _stream(ddb) == [*stream, ("INSERT", str(int(stream[-1][1]) + 1))]


def test_a_transaction_that_succeeds_writes_every_item_and_a_stream_record_for_each(
    ddb: Any,
) -> None:
    # Given one item
    ddb.transact_write_items(TransactItems=[_put("a", v="1")])
    # When a transaction updates it, under a condition that holds, and adds another
    ddb.transact_write_items(
        TransactItems=[
            {
                "Update": {
                    "TableName": "t",
                    "Key": _key("a"),
                    "UpdateExpression": "SET v = :two",
                    "ConditionExpression": "v = :one",
                    "ExpressionAttributeValues": {":one": {"S": "1"}, ":two": {"S": "2"}},
                }
            },
            _put("b", v="1"),
        ]
    )
    # Then both are written, each with its stream record
    assert [(i["pk"]["S"], i["v"]["S"]) for i in _items(ddb)] == [("a", "2"), ("b", "1")]
    assert [name for name, _ in _stream(ddb)] == ["INSERT", "MODIFY", "INSERT"]


def test_a_failed_condition_returns_the_item_when_asked_for_all_old(ddb: Any) -> None:
    # Given an item
    ddb.transact_write_items(TransactItems=[_put("a", v="1")])
    # When a put conditioned on its absence asks for the old item on failure
    put = _put("a", v="2")
    put["Put"] |= {
        "ConditionExpression": "attribute_not_exists(pk)",
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
    }
    with pytest.raises(ClientError) as refused:
        ddb.transact_write_items(TransactItems=[put])
    # Then the reason carries the item as it is
    (reason,) = refused.value.response["CancellationReasons"]
    assert reason["Code"] == "ConditionalCheckFailed"
    assert reason["Item"] == {**_key("a"), "v": {"S": "1"}}


def test_two_operations_on_one_item_are_refused_and_nothing_is_written(ddb: Any) -> None:
    # Given / When a transaction that adds an item and then writes the same item again
    with pytest.raises(ClientError) as refused:
        ddb.transact_write_items(TransactItems=[_put("a", v="1"), _put("b"), _put("a", v="2")])
    # Then it is a validation error and neither write stayed
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert _items(ddb) == []
    assert _stream(ddb) == []


def test_more_than_a_hundred_items_are_refused(ddb: Any) -> None:
    # Given / When
    with pytest.raises(ClientError) as refused:
        ddb.transact_write_items(TransactItems=[_put(f"p{i}") for i in range(101)])
    # Then
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert _items(ddb) == []


def test_another_moto_release_is_refused_rather_than_trusted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given moto's own transaction in place, and a release other than the pinned one
    monkeypatch.setattr(
        DynamoDBBackend, "transact_write_items", moto_transactions.MOTO_TRANSACT_WRITE_ITEMS
    )
    monkeypatch.setattr(moto, "__version__", "9.9.9")
    # When / Then
    with pytest.raises(moto_transactions.MotoChanged):
        moto_transactions.install()


def test_a_change_to_the_moto_code_relied_on_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given moto's own transaction in place, and its code not the one the journal was written for
    monkeypatch.setattr(
        DynamoDBBackend, "transact_write_items", moto_transactions.MOTO_TRANSACT_WRITE_ITEMS
    )
    monkeypatch.setattr(moto_transactions, "relied_on_digest", lambda: "0" * 64)
    # When / Then
    with pytest.raises(moto_transactions.MotoChanged):
        moto_transactions.install()


# -- the same as moto, transaction by transaction ---------------------------------------------
PKS, SKS = ("a", "b", "c"), ("1", "2")
CONDITIONS = st.sampled_from(
    [
        None,
        ("attribute_exists(pk)", {}),
        ("attribute_not_exists(pk)", {}),
        ("v = :x", {":x": {"N": "1"}}),
        ("v < :x", {":x": {"N": "3"}}),
    ]
)


@st.composite
def operations(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["Put", "Update", "Delete", "ConditionCheck"]))
    op: dict[str, Any] = {"TableName": "T"}
    key = {"pk": {"S": draw(st.sampled_from(PKS))}, "sk": {"S": draw(st.sampled_from(SKS))}}
    values: dict[str, Any] = {}
    if kind == "Put":
        op["Item"] = {**key, "v": {"N": str(draw(st.integers(0, 3)))}}
    else:
        op["Key"] = key
    if kind == "Update":
        # `n + :one` fails validation on an item without n: the whole request is refused.
        op["UpdateExpression"] = draw(st.sampled_from(["SET v = :v", "SET n = n + :one"]))
        values |= {":v": {"N": str(draw(st.integers(0, 3)))}, ":one": {"N": "1"}}
        values = {k: v for k, v in values.items() if k in op["UpdateExpression"]}
    condition = draw(CONDITIONS if kind != "ConditionCheck" else CONDITIONS.filter(bool))
    if condition is not None:
        op["ConditionExpression"], more = condition
        values |= more
        if draw(st.booleans()):
            op["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    if values:
        op["ExpressionAttributeValues"] = values
    return {kind: op}


def _slot(entry: dict[str, Any]) -> tuple[str, str]:
    (op,) = entry.values()
    key = op.get("Key") or op["Item"]
    return key["pk"]["S"], key["sk"]["S"]


@st.composite
def transactions(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Mostly one operation per item; now and then an item twice, which moto refuses whole."""
    entries = draw(st.lists(operations(), min_size=1, max_size=4, unique_by=_slot))
    if draw(st.integers(0, 4)) == 0:
        entries.append(draw(operations().filter(lambda e: _slot(e) == _slot(entries[0]))))
    return entries


SLOTS = [(pk, sk) for pk in PKS for sk in SKS]
STORED = st.dictionaries(st.sampled_from(SLOTS), st.integers(0, 3))


def _outcome(
    write: Callable[[DynamoDBBackend, list[dict[str, Any]]], None],
    backend: DynamoDBBackend,
    table: str,
    transaction: list[dict[str, Any]],
) -> Any:
    named = [{k: {**op, "TableName": table}} for entry in transaction for k, op in entry.items()]
    try:
        write(backend, named)
    except Exception as refused:
        return type(refused).__name__, getattr(refused, "description", str(refused))
    return None


def _state(backend: DynamoDBBackend, table: str) -> Any:
    t = backend.get_table(table)
    assert t.stream_shard is not None
    records = []
    for r in t.stream_shard.items:
        record = {k: v for k, v in r.record["dynamodb"].items() if k != "SizeBytes"}
        record.pop("ApproximateCreationDateTime")
        records.append((r.record["eventName"], record))
    return [i.to_json() for i in t.all_items()], records


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(stored=STORED, run=st.lists(transactions(), min_size=1, max_size=6))
def test_every_transaction_has_the_outcome_and_leaves_the_state_moto_would(
    stored: dict[tuple[str, str], int], run: list[list[dict[str, Any]]]
) -> None:
    with mock_aws():
        # Given two tables holding the same items, one written by moto's own transaction and
        # one by the journal
        moto_transactions.install()
        backend = dynamodb_backends[ACCOUNT][REGION]
        for table in ("journal", "moto"):
            _create_table(table)
            for (pk, sk), v in stored.items():
                item = {"pk": {"S": pk}, "sk": {"S": sk}, "v": {"N": str(v)}}
                backend.put_item(table, item)
        for transaction in run:
            # When each transaction is run on both
            ours = _outcome(DynamoDBBackend.transact_write_items, backend, "journal", transaction)
            moto_said = _outcome(
                moto_transactions.MOTO_TRANSACT_WRITE_ITEMS, backend, "moto", transaction
            )
            # Then both answer alike and hold the same items and stream records
            assert ours == moto_said
            assert _state(backend, "journal") == _state(backend, "moto")


# -- queries: moto's answers, without sorting the whole table ---------------------------------
QUERY_ITEMS = st.dictionaries(
    st.tuples(st.sampled_from(PKS), st.sampled_from([*SKS, "3", "4"])),
    st.tuples(st.sampled_from(["x", "y"]), st.integers(0, 3)),
    max_size=20,
)


def _query_table(name: str) -> None:
    boto3.client("dynamodb", region_name=REGION).create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "g", "AttributeType": "S"},
            {"AttributeName": "n", "AttributeType": "N"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by_g",
                "KeySchema": [
                    {"AttributeName": "g", "KeyType": "HASH"},
                    {"AttributeName": "n", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )


def _pages(query: dict[str, Any]) -> list[Any]:
    ddb, pages, start = boto3.client("dynamodb", region_name=REGION), [], None
    while True:
        page = ddb.query(**query, **({"ExclusiveStartKey": start} if start else {}))
        pages.append((page["Items"], page.get("LastEvaluatedKey")))
        if (start := page.get("LastEvaluatedKey")) is None:
            return pages


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    stored=QUERY_ITEMS,
    on_index=st.booleans(),
    key=st.sampled_from([*PKS, "x", "y"]),
    forward=st.booleans(),
    limit=st.integers(1, 4),
)
def test_every_query_answers_what_moto_answers_page_by_page(
    stored: dict[tuple[str, str], tuple[str, int]],
    on_index: bool,
    key: str,
    forward: bool,
    limit: int,
) -> None:
    with mock_aws():
        # Given a table whose items are also in an index
        moto_transactions.install()
        _query_table("q")
        backend = dynamodb_backends[ACCOUNT][REGION]
        for (pk, sk), (g, n) in stored.items():
            item = {"pk": {"S": pk}, "sk": {"S": sk}, "g": {"S": g}, "n": {"N": str(n)}}
            backend.put_item("q", item)
        if on_index:
            query: dict[str, Any] = {"IndexName": "by_g", "KeyConditionExpression": "g = :k"}
        else:
            query = {"KeyConditionExpression": "pk = :k AND sk > :low"}
        query |= {
            "TableName": "q",
            "ExpressionAttributeValues": {":k": {"S": key}, ":low": {"S": "1"}},
            "ScanIndexForward": forward,
            "Limit": limit,
        }
        if on_index:
            del query["ExpressionAttributeValues"][":low"]
        # When it is queried page by page, by the replacement and by moto's own query
        moto_queries.install()
        ours = _pages(query)
        with _moto_query():
            theirs = _pages(query)
        # Then every page is the same
        assert ours == theirs


@contextmanager
def _moto_query() -> Iterator[None]:
    replaced = (Table.query, Table.all_items)
    Table.query, Table.all_items = moto_queries.MOTO_QUERY, moto_queries.MOTO_ALL_ITEMS  # type: ignore[method-assign]
    try:
        yield
    finally:
        Table.query, Table.all_items = replaced  # type: ignore[method-assign]
