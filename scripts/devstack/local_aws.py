"""Create the template's AWS resources in moto (in-process or server) and resolve function env."""

from __future__ import annotations

import json
from typing import Any

import boto3

from . import moto_queries, moto_transactions
from . import template as t

ACCOUNT = "123456789012"


def create_resources(tpl: dict[str, Any], prefix: str = "bcs-local") -> dict[str, str]:
    """Build table, queues and KMS key; returns logical id (and `id.Arn`) -> physical value."""
    # Every stack, in-process or server, builds its resources here first: moto's own
    # transactions copy whole tables and its queries sort them, which a soak's table cannot
    # afford.
    moto_transactions.install()
    moto_queries.install()
    physical: dict[str, str] = {}
    ddb = boto3.client("dynamodb")
    table = f"{prefix}-table"
    ddb.create_table(**t.table_create_kwargs(tpl, table_name=table))
    if ttl := t.table_ttl_attribute(tpl):
        ddb.update_time_to_live(
            TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl}
        )
    physical["SubscriptionsTable"] = table
    physical["SubscriptionsTable.StreamArn"] = ddb.describe_table(TableName=table)["Table"][
        "LatestStreamArn"
    ]
    sqs = boto3.client("sqs")
    specs = t.queues(tpl)
    # Dead-letter queues first: the others' redrive policies point at them.
    for spec in sorted(specs.values(), key=lambda s: s.redrive is not None):
        attributes = {
            "VisibilityTimeout": str(spec.visibility_timeout),
            "MessageRetentionPeriod": str(spec.message_retention),
        }
        if spec.redrive:
            dlq, max_receives = spec.redrive
            policy = {
                "deadLetterTargetArn": physical[f"{dlq}.Arn"],
                "maxReceiveCount": max_receives,
            }
            attributes["RedrivePolicy"] = json.dumps(policy)
        url = sqs.create_queue(QueueName=f"{prefix}-{spec.logical_id}", Attributes=attributes)[
            "QueueUrl"
        ]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        physical[spec.logical_id], physical[f"{spec.logical_id}.Arn"] = url, arn
    key = boto3.client("kms").create_key(Description="bc-subscriptions local token key")
    physical["TokenKey"] = key["KeyMetadata"]["KeyId"]
    return physical


def function_environment(
    tpl: dict[str, Any], physical: dict[str, str], parameters: dict[str, str]
) -> dict[str, str]:
    """Globals environment with `!Ref`s resolved to local resources and parameter values."""
    defaults = {name: str(p.get("Default", "")) for name, p in tpl.get("Parameters", {}).items()}
    values = {**defaults, **parameters, **physical}
    env = tpl.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
    resolved = {}
    for name, value in env.items():
        ref = t.referenced_id(value)
        resolved[name] = values.get(ref, "") if ref else str(value)
    return resolved
