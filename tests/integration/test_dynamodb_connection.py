"""Every pynamodb model and the unit of work share one botocore DynamoDB client per process."""

from bc_subscriptions.adapters.dynamodb import connection, models
from bc_subscriptions.adapters.dynamodb.unit_of_work import DynamoUnitOfWork
from devstack.stack import LocalStack

from ..unit.factories import subscription


def test_every_model_and_the_unit_of_work_use_one_client(stack: LocalStack) -> None:
    # Given a subscription written through the unit of work, then read through every model
    sub = subscription()
    with DynamoUnitOfWork(region="us-east-1", due_shards=4) as uow:
        uow.subscriptions.add(sub)
        uow.commit()
    for model in models.item_models():
        model.count(f"SUB#{sub.store_hash}#{sub.id}")
    # Then one client was built, and every model's connection holds it
    clients = {id(m._get_connection().connection.client) for m in models.item_models()}
    clients.add(id(connection.shared_connection("us-east-1").client))
    assert len(clients) == 1
    assert connection.built_clients() == 1


def test_a_second_stack_on_the_same_endpoint_keeps_the_client() -> None:
    # Given the client a first in-process stack's models used
    with LocalStack():
        before = models.SubscriptionItem._get_connection().connection.client
    # When another in-process stack starts
    with LocalStack():
        after = models.SubscriptionItem._get_connection().connection.client
    # Then it was not rebuilt
    assert after is before
