"""A unit of work reads a store's tenant config from DynamoDB once (a renewal asks at several
stages), and never serves a stale copy after writing it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import botocore.client
import pytest
from moto import mock_aws

from bc_subscriptions.adapters.dynamodb.connection import shared_connection
from bc_subscriptions.adapters.dynamodb.unit_of_work import DynamoUnitOfWork
from devstack import template
from devstack.stack import TABLE_NAME


@pytest.fixture
def calls() -> Iterator[Counter[str]]:
    counts: Counter[str] = Counter()
    original = botocore.client.BaseClient._make_api_call

    def counting(self: Any, operation: str, params: Any) -> Any:
        counts[operation] += 1
        return original(self, operation, params)

    with mock_aws():
        client = shared_connection("us-east-1").client
        client.create_table(
            **template.table_create_kwargs(template.load_template(), table_name=TABLE_NAME)
        )
        botocore.client.BaseClient._make_api_call = counting  # type: ignore[method-assign]
        try:
            yield counts
        finally:
            botocore.client.BaseClient._make_api_call = original  # type: ignore[method-assign]


def _uow() -> DynamoUnitOfWork:
    return DynamoUnitOfWork(region="us-east-1", due_shards=4)


def test_a_store_config_asked_for_three_times_in_one_unit_of_work_is_read_once(
    calls: Counter[str],
) -> None:
    # Given a store with overrides
    with _uow() as uow:
        uow.tenant_configs.put("store1", {"api_share_percent": 30})
        uow.commit()
    calls.clear()
    # When one unit of work asks three times
    with _uow() as uow:
        shares = {uow.tenant_configs.get("store1").api_share_percent for _ in range(3)}
    # Then DynamoDB was asked once
    assert shares == {30} and calls["GetItem"] == 1


def test_after_writing_a_config_the_unit_of_work_reads_what_is_committed(
    calls: Counter[str],
) -> None:
    # Given a config read into the unit of work
    with _uow() as uow:
        before = uow.tenant_configs.get("store1").api_share_percent
        # When it puts another, then commits
        uow.tenant_configs.put("store1", {"api_share_percent": 20})
        staged = uow.tenant_configs.get("store1").api_share_percent
        uow.commit()
        committed = uow.tenant_configs.get("store1").api_share_percent
    # Then the staged value was not seen before the commit, and the new one is after it
    assert (before, staged, committed) == (60, 60, 20)
