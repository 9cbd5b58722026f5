"""Contract tests: template.yaml declares the topology that handlers, tests and scripts rely on."""

from __future__ import annotations

import ast
import json
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from devstack.template import (
    REPO_ROOT,
    FunctionSpec,
    functions,
    load_template,
    queues,
    referenced_id,
    resources,
    stream_filter_patterns,
    table_create_kwargs,
    table_ttl_attribute,
)

TEMPLATE = load_template()
FUNCTIONS = functions(TEMPLATE)

# DESIGN.md section 3: logical id -> folder under functions/.
FUNCTION_FOLDERS = {
    "OrderCreatedFunction": "order_created",
    "ShipmentCreatedFunction": "shipment_created",
    "OrderStatusUpdatedFunction": "order_status_updated",
    "BcWebhookWorkerFunction": "bc_webhook_worker",
    "AppUninstalledFunction": "app_uninstalled",
    "CustomerDeletedFunction": "customer_deleted",
    "DefaultInstrumentUpdatedFunction": "default_instrument_updated",
    "OrderRefundCreatedFunction": "order_refund_created",
    "OrderTransactionCreatedFunction": "order_transaction_created",
    "RenewalSweepFunction": "renewal_sweep",
    "RenewalWorkerFunction": "renewal_worker",
    "AuthExpirySweepFunction": "auth_expiry_sweep",
    "OutboxRelayFunction": "outbox_relay",
    "MerchantWebhookFunction": "merchant_webhook",
    "OutboxCatchUpFunction": "outbox_catch_up",
    "ReconciliationSweepFunction": "reconciliation_sweep",
    "AppLifecycleFunction": "app_lifecycle",
    "AdminApiFunction": "admin_api",
    "PortalApiFunction": "portal_api",
}
ROUTES = {
    ("POST", "/webhooks/bigcommerce/order-created"): "OrderCreatedFunction",
    ("POST", "/webhooks/bigcommerce/shipment-created"): "ShipmentCreatedFunction",
    ("POST", "/webhooks/bigcommerce/order-status-updated"): "OrderStatusUpdatedFunction",
    ("POST", "/webhooks/bigcommerce/app-uninstalled"): "AppUninstalledFunction",
    ("POST", "/webhooks/bigcommerce/customer-deleted"): "CustomerDeletedFunction",
    ("POST", "/webhooks/bigcommerce/default-instrument-updated"): (
        "DefaultInstrumentUpdatedFunction"
    ),
    ("POST", "/webhooks/bigcommerce/order-refund-created"): "OrderRefundCreatedFunction",
    ("POST", "/webhooks/bigcommerce/order-transaction-created"): "OrderTransactionCreatedFunction",
    ("GET", "/auth"): "AppLifecycleFunction",
    ("GET", "/load"): "AppLifecycleFunction",
    ("GET", "/uninstall"): "AppLifecycleFunction",
    ("GET", "/app/assets/{proxy+}"): "AppLifecycleFunction",
    ("GET", "/remove_user"): "AppLifecycleFunction",
    ("ANY", "/admin/{proxy+}"): "AdminApiFunction",
    ("ANY", "/portal/{proxy+}"): "PortalApiFunction",
    ("GET", "/action/{proxy+}"): "PortalApiFunction",
    ("POST", "/action/{proxy+}"): "PortalApiFunction",
}
SCHEDULES = {
    "RenewalSweepFunction": ("renewal-sweep", "rate(5 minutes)"),
    "AuthExpirySweepFunction": ("auth-expiry-sweep", "rate(1 hour)"),
    "OutboxCatchUpFunction": ("outbox-catch-up", "rate(10 minutes)"),
    "ReconciliationSweepFunction": ("reconciliation-sweep", "rate(15 minutes)"),
}
INDEXES = {
    "DueIndex": ("due_pk", "due_sk", "INCLUDE"),
    "AuthExpiryIndex": ("auth_pk", "auth_sk", "KEYS_ONLY"),
    "PendingRelayIndex": ("relay_pk", "relay_sk", "KEYS_ONLY"),
    "InstalledStoreIndex": ("installed_pk", "installed_sk", "KEYS_ONLY"),
    "EventTimeIndex": ("time_pk", "time_sk", "KEYS_ONLY"),
    "OpsQueueIndex": ("ops_pk", "ops_sk", "KEYS_ONLY"),
}
NARROW_POLICY_TEMPLATES = {"KMSDecryptPolicy", "AWSSecretsManagerGetSecretValuePolicy"}
FOURTEEN_DAYS = 14 * 24 * 3600


def _events(event_type: str) -> Iterator[tuple[FunctionSpec, dict[str, Any]]]:
    for spec in FUNCTIONS.values():
        for event in spec.events:
            if event.type == event_type:
                yield spec, event.properties


def _statements(function_id: str) -> Iterator[dict[str, Any]]:
    """Every IAM statement a function's Policies grant; managed policies are resolved."""
    for policy in TEMPLATE["Resources"][function_id]["Properties"].get("Policies", []):
        if isinstance(policy, dict) and "Statement" in policy:
            yield from policy["Statement"]
        elif (managed := referenced_id(policy)) is not None:
            yield from TEMPLATE["Resources"][managed]["Properties"]["PolicyDocument"]["Statement"]
        else:
            assert isinstance(policy, dict), f"{function_id}: managed policy by name {policy}"
            assert set(policy) <= NARROW_POLICY_TEMPLATES, f"{function_id}: {policy}"


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _requirement_lines(lines: list[str]) -> list[str]:
    return [line.split("#")[0].replace(" ", "") for line in lines if line.split("#")[0].strip()]


def _default(struct: type, name: str) -> Any:
    import msgspec

    [field] = [f for f in msgspec.structs.fields(struct) if f.name == name]
    return field.default


def _top_level_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.ImportFrom | ast.Import):
            names.update(alias.asname or alias.name for alias in node.names)
    return names


@pytest.mark.parametrize(("logical_id", "folder"), FUNCTION_FOLDERS.items())
def test_every_design_function_is_declared_with_its_handler_folder(
    logical_id: str, folder: str
) -> None:
    # Given the function table of DESIGN.md section 3
    # When the template's functions are read
    spec = FUNCTIONS.get(logical_id)

    # Then each one points at its fixed folder and the `app.handler` entry point
    assert spec is not None, f"{logical_id} is not declared"
    assert spec.code_uri == f"functions/{folder}/"
    assert spec.handler == "app.handler"


@pytest.mark.parametrize("logical_id", FUNCTION_FOLDERS)
def test_every_declared_handler_file_defines_its_handler(logical_id: str) -> None:
    # Given a declared function
    spec = FUNCTIONS[logical_id]
    path = spec.handler_file()
    if not path.exists():
        pytest.skip(f"{path.relative_to(REPO_ROOT)} is not written yet")

    # When its source is read
    # Then it defines the handler the template names
    assert spec.handler_function in _top_level_names(path), f"{path} lacks {spec.handler}"


def test_every_http_route_is_served_by_the_one_http_api() -> None:
    # Given every HttpApi event source
    routes = {}
    for spec, props in _events("HttpApi"):
        # When its route is read
        routes[(props["Method"], props["Path"])] = spec.logical_id
        # Then it belongs to the explicit HttpApi resource
        assert props["ApiId"] == {"Ref": "HttpApi"}, spec.logical_id

    # Then the routes are exactly the design's
    assert routes == ROUTES
    assert TEMPLATE["Resources"]["HttpApi"]["Type"] == "AWS::Serverless::HttpApi"


def test_every_schedule_sends_its_name_and_the_scheduler_context_and_never_retries() -> None:
    # Given every ScheduleV2 event source
    schedules = {}
    for spec, props in _events("ScheduleV2"):
        # When its input is parsed
        name, _ = SCHEDULES[spec.logical_id]
        schedules[spec.logical_id] = (name, props["ScheduleExpression"])

        # Then it names the sweep and carries the scheduler's time and execution id
        assert json.loads(props["Input"]) == {
            "schedule": name,
            "scheduled_time": "<aws.scheduler.scheduled-time>",
            "execution_id": "<aws.scheduler.execution-id>",
        }
        # And a failed run is left to the next one
        assert props["RetryPolicy"]["MaximumRetryAttempts"] == 0

    assert schedules == SCHEDULES


def test_every_queue_a_function_consumes_has_a_dead_letter_queue() -> None:
    # Given every SQS event source and the template's queues
    declared = queues(TEMPLATE)
    consumed = [referenced_id(props["Queue"]) for _, props in _events("SQS")]
    assert consumed, "no SQS event source found"

    for queue_id in consumed:
        # When its redrive policy is read
        queue = declared[str(queue_id)]

        # Then poison messages are parked in a dead-letter queue of the template
        assert queue.redrive is not None, f"{queue_id} has no RedrivePolicy"
        dlq_id, max_receive_count = queue.redrive
        assert dlq_id in declared
        assert max_receive_count >= 1
        # And the DLQ keeps messages longer than the source queue does
        assert declared[dlq_id].message_retention == FOURTEEN_DAYS
        assert declared[dlq_id].message_retention > queue.message_retention


def test_the_renewal_worker_knows_its_queues_max_receive_count() -> None:
    # Given the renewal queue's redrive policy and the worker's environment
    redrive = queues(TEMPLATE)["RenewalQueue"].redrive
    assert redrive is not None
    worker = FUNCTIONS["RenewalWorkerFunction"]
    from bc_subscriptions.config import Settings

    # Then the worker records a dead letter on exactly the receive SQS gives up after, and
    # the setting's default (what the local stack runs with) is the same number
    assert int(worker.environment["RENEWAL_MAX_RECEIVE_COUNT"]) == redrive[1]
    assert _default(Settings, "renewal_max_receive_count") == redrive[1]


def test_the_bc_webhook_worker_knows_its_queues_max_receive_count() -> None:
    # Given the BigCommerce delivery queue's redrive policy and the worker's environment
    redrive = queues(TEMPLATE)["BcWebhookQueue"].redrive
    assert redrive is not None
    worker = FUNCTIONS["BcWebhookWorkerFunction"]
    from bc_subscriptions.config import Settings

    # Then the worker records and parks a delivery on exactly the receive SQS gives up after
    assert int(worker.environment["BC_WEBHOOK_MAX_RECEIVE_COUNT"]) == redrive[1]
    assert _default(Settings, "bc_webhook_max_receive_count") == redrive[1]


def test_the_bc_webhook_worker_consumes_the_queue_the_webhook_routes_may_send_to() -> None:
    # Given the queue the worker reads
    [source] = [e for e in FUNCTIONS["BcWebhookWorkerFunction"].events if e.type == "SQS"]
    queue_id = referenced_id(source.properties["Queue"])
    assert queue_id == "BcWebhookQueue"
    # Then each BigCommerce webhook route may send to it and to nothing else, and calls no
    # worker-only table operation (it answers before any processing)
    for route_fn in (
        "AppUninstalledFunction",
        "CustomerDeletedFunction",
        "DefaultInstrumentUpdatedFunction",
        "OrderRefundCreatedFunction",
        "OrderTransactionCreatedFunction",
        "OrderCreatedFunction",
        "ShipmentCreatedFunction",
        "OrderStatusUpdatedFunction",
    ):
        statements = [
            st
            for policy in TEMPLATE["Resources"][route_fn]["Properties"]["Policies"]
            if isinstance(policy, dict) and "Statement" in policy
            for st in policy["Statement"]
        ]
        sends = [st for st in statements if "sqs:SendMessage" in str(st["Action"])]
        assert [referenced_id(st["Resource"]) for st in sends] == [queue_id], route_fn
        table_actions = {
            a for st in statements if "dynamodb" in str(st["Action"]) for a in st["Action"]
        }
        assert table_actions <= {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"}


def test_every_queue_a_function_consumes_hides_messages_for_six_worker_timeouts() -> None:
    # Given every SQS event source
    declared = queues(TEMPLATE)
    for spec, props in _events("SQS"):
        # When the queue's visibility timeout is compared with the worker's timeout
        queue = declared[str(referenced_id(props["Queue"]))]

        # Then a message stays invisible while a batch may still be running (AWS guidance: 6x)
        assert queue.visibility_timeout >= 6 * spec.timeout, spec.logical_id


def test_every_sqs_event_source_reports_batch_item_failures() -> None:
    # Given every SQS event source
    sources = list(_events("SQS"))
    assert sources

    # Then each one retries only the failed records of a batch
    for spec, props in sources:
        assert props.get("FunctionResponseTypes") == ["ReportBatchItemFailures"], spec.logical_id


def test_every_stream_event_source_reports_failures_and_parks_what_it_cannot_relay() -> None:
    # Given every DynamoDB stream event source
    sources = list(_events("DynamoDB"))
    assert sources

    for spec, props in sources:
        # Then failed records are retried alone, a bounded number of times
        assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"], spec.logical_id
        assert props["BisectBatchOnFunctionError"] is True
        assert 0 <= props["MaximumRetryAttempts"] <= 10
        # And what still fails lands in a queue of the template
        on_failure = props["DestinationConfig"]["OnFailure"]["Destination"]
        assert referenced_id(on_failure) in queues(TEMPLATE)


def test_outbox_relay_stream_only_delivers_inserted_event_items() -> None:
    # Given the outbox relay's stream event source
    (props,) = [
        props for spec, props in _events("DynamoDB") if spec.logical_id == "OutboxRelayFunction"
    ]

    # When its filter patterns are parsed
    patterns = stream_filter_patterns(TEMPLATE, "OutboxRelayFunction")

    # Then it reads the table's stream and only sees newly inserted event items
    assert props["Stream"] == {"Fn::GetAtt": ["SubscriptionsTable", "StreamArn"]}
    assert patterns == [
        {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"kind": {"S": ["event"]}}}}
    ]
    assert TEMPLATE["Resources"]["SubscriptionsTable"]["Properties"]["StreamSpecification"] == {
        "StreamViewType": "NEW_IMAGE"
    }


def test_dependency_layer_requirements_are_the_runtime_dependencies() -> None:
    # Given the project's runtime dependencies
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    expected = [dep.replace(" ", "") for dep in pyproject["project"]["dependencies"]]

    # When the layer's requirements file is read
    path = REPO_ROOT / "layers" / "dependencies" / "requirements.txt"
    actual = _requirement_lines(path.read_text(encoding="utf-8").splitlines())

    # Then it ships the same packages with the same lower bounds
    assert sorted(actual) == sorted(expected)


def test_every_global_setting_is_a_field_of_the_settings_model() -> None:
    # Given the settings model, the only reader of the environment
    import msgspec

    from bc_subscriptions.config import Settings

    fields = {field.name for field in msgspec.structs.fields(Settings)}

    # When the template's global environment is read
    names = TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]

    # Then every variable that is not Powertools' own is a validated setting
    ours = [name for name in names if not name.startswith("POWERTOOLS_")]
    assert [name for name in ours if name.lower() not in fields] == []


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield


@pytest.mark.usefixtures("aws")
def test_table_built_from_the_template_has_the_sparse_indexes_stream_and_ttl() -> None:
    # Given the template's table
    client = boto3.client("dynamodb")
    kwargs = table_create_kwargs(TEMPLATE, table_name="contract-table")

    # When it is created in (mocked) DynamoDB, with its TTL
    client.create_table(**kwargs)
    ttl = table_ttl_attribute(TEMPLATE)
    assert ttl == "ttl"
    client.update_time_to_live(
        TableName="contract-table",
        TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl},
    )

    # Then it has the pk/sk keys, the four sparse indexes, a NEW_IMAGE stream and TTL
    table = client.describe_table(TableName="contract-table")["Table"]
    assert table["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    indexes = {
        index["IndexName"]: (
            index["KeySchema"][0]["AttributeName"],
            index["KeySchema"][1]["AttributeName"],
            index["Projection"]["ProjectionType"],
        )
        for index in table["GlobalSecondaryIndexes"]
    }
    assert indexes == INDEXES
    due = next(i for i in table["GlobalSecondaryIndexes"] if i["IndexName"] == "DueIndex")
    assert sorted(due["Projection"]["NonKeyAttributes"]) == [
        "next_cycle",
        "store_hash",
        "subscription_id",
    ]
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    described_ttl = client.describe_time_to_live(TableName="contract-table")
    assert described_ttl["TimeToLiveDescription"]["AttributeName"] == "ttl"


@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_no_function_policy_grants_wildcard_dynamodb_or_sqs_access(logical_id: str) -> None:
    # Given every IAM statement of one function (inline, managed or policy template)
    statements = list(_statements(logical_id))

    for statement in statements:
        # When the statement's actions and resources are read
        actions = _as_list(statement["Action"])
        resources_ = _as_list(statement["Resource"])

        # Then no action is a wildcard over DynamoDB, SQS or everything
        assert not {"*", "dynamodb:*", "sqs:*"} & set(actions), (logical_id, statement)
        # And DynamoDB and SQS grants name their table, index or queue
        if any(str(a).startswith(("dynamodb:", "sqs:")) for a in actions):
            wildcards = [r for r in resources_ if isinstance(r, str) and "*" in r]
            assert wildcards == [], (logical_id, statement)


def test_no_function_may_delete_items_from_the_table() -> None:
    # Given every function's inline policy statements
    statements = [
        statement
        for fn in resources(TEMPLATE, "AWS::Serverless::Function").values()
        for policy in fn["Properties"].get("Policies", [])
        if isinstance(policy, dict) and "Statement" in policy
        for statement in policy["Statement"]
    ]
    # When their actions are collected
    actions = {a for st in statements for a in _as_list(st["Action"])}
    # Then history is append-only: nothing can delete a record (TTL expires inbox items)
    assert "dynamodb:DeleteItem" not in actions
    assert resources(TEMPLATE, "AWS::IAM::ManagedPolicy") == {}
