"""What a function's cold start imports: the records and adapters its invocations never use
stay out of its import, so they are not paid for on every cold start."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

# The subscription's own records, the BigCommerce port's models and the unit of work (which
# reads them): a function that only moves events, deliveries or webhook receipts needs none.
SUBSCRIPTION_RECORDS = (
    "bc_subscriptions.domain.subscription",
    "bc_subscriptions.domain.plan",
    "bc_subscriptions.domain.charge",
    "bc_subscriptions.domain.tenant_config",
    "bc_subscriptions.domain.change_requests",
    "bc_subscriptions.ports.bigcommerce",
    "bc_subscriptions.adapters.dynamodb.unit_of_work",
    "bc_subscriptions.adapters.dynamodb.subscription_reads",
    "bc_subscriptions.adapters.dynamodb.plan_cache",
    "bc_subscriptions.adapters.dynamodb.api_budgets",
    "bc_subscriptions.ports.subscription_records",
)
# Dead letters: recorded by the functions that give up on a message (the merchant webhook only
# on its last attempt, so it loads them then), read by the ops API.
DEAD_LETTERS = (
    "bc_subscriptions.ports.dead_letter_records",
    "bc_subscriptions.services.dead_letters",
)
# Replaying deliveries: the admin API's redrive and replay routes, never a worker.
REPLAY = ("bc_subscriptions.services.webhook_replay",)
# The domain events (and the actors they name): built by the functions that change records,
# and by a delivery only when it gives up on its endpoint.
EVENT_RECORDS = ("bc_subscriptions.domain.events", "bc_subscriptions.domain.actors")
# Installing a store (its storefront script, its hooks): the receivers only check a delivery.
INSTALL = ("bc_subscriptions.services.install_store",)
# The change table (every command's handler) and what it changes: the change-request expiry
# of the auth-expiry sweep only expires requests, it never executes one.
CHANGE_TABLE = (
    "bc_subscriptions.services.change_request_apply",
    "bc_subscriptions.services.command_handlers",
    "bc_subscriptions.services.commands",
    "bc_subscriptions.domain.amendments",
)
# The custom field rules (and the subscription changes that set values): checked when a
# grant is made or a plan published, never when a grant is refreshed or revoked, nor when
# the entitlement consumer reads a plan.
CUSTOM_FIELD_RULES = (
    "bc_subscriptions.domain.custom_fields",
    "bc_subscriptions.services.custom_fields",
)
# A plan and the grants it makes (allotments, entitlements): read when a subscription starts
# or its plan's grants are followed; a renewal or an authorization reads the terms its
# subscription holds.
PLAN_GRANTS = (
    "bc_subscriptions.domain.plan",
    "bc_subscriptions.domain.allotments",
    "bc_subscriptions.domain.entitlements",
)

# Powertools' batch utility (asyncio, every event source's record classes): the queue and stream
# consumers report partial batch failures with entrypoints/partial_batch.py.
BATCH_UTILITY = (
    "aws_lambda_powertools.utilities.batch",
    "aws_lambda_powertools.utilities.data_classes",
    "asyncio",
)
# An HTTP router: each webhook receiver has one route and answers it directly.
ROUTER = ("aws_lambda_powertools.event_handler", "aws_lambda_powertools.utilities.data_classes")

# Webhook endpoints, their delivery log, the outbox, the event log and removed users: the
# relay, the merchant webhook, the catch-up and the APIs read them; a renewal or a sweep never.
DELIVERY_SIDE = tuple(
    f"bc_subscriptions.adapters.dynamodb.{name}"
    for name in ("delivery_log", "endpoints", "event_log", "outbox", "removed_users")
)
# pydantic: its import alone costs a third of `import boto3`; the functions that only move
# events and deliveries read their settings and messages without it, and the domain's records
# (msgspec structs) leave it out of the workers and sweeps that only use them.
PYDANTIC = ("pydantic",)

WEBHOOK_RECEIVERS = (
    "app_uninstalled",
    "customer_deleted",
    "default_instrument_updated",
    "order_created",
    "order_refund_created",
    "order_status_updated",
    "order_transaction_created",
    "shipment_created",
)
NOT_IMPORTED = {
    "outbox_relay": SUBSCRIPTION_RECORDS + EVENT_RECORDS + DEAD_LETTERS + BATCH_UTILITY + PYDANTIC,
    "outbox_catch_up": SUBSCRIPTION_RECORDS + EVENT_RECORDS + DEAD_LETTERS + PYDANTIC,
    "merchant_webhook": (
        SUBSCRIPTION_RECORDS + EVENT_RECORDS + REPLAY + BATCH_UTILITY + PYDANTIC + DEAD_LETTERS
    ),
    "auth_expiry_sweep": CHANGE_TABLE + PLAN_GRANTS + PYDANTIC + DELIVERY_SIDE,
    "reconciliation_sweep": PYDANTIC + DELIVERY_SIDE,
    "app_lifecycle": ROUTER + PYDANTIC,
    "renewal_worker": REPLAY + BATCH_UTILITY + PLAN_GRANTS + PYDANTIC + DELIVERY_SIDE,
    "bc_webhook_worker": REPLAY + BATCH_UTILITY + PYDANTIC + DELIVERY_SIDE,
    "entitlement_worker": BATCH_UTILITY + CUSTOM_FIELD_RULES + PYDANTIC + DELIVERY_SIDE,
    "renewal_sweep": CUSTOM_FIELD_RULES + PYDANTIC + DELIVERY_SIDE,
    **{
        name: SUBSCRIPTION_RECORDS + EVENT_RECORDS + INSTALL + DEAD_LETTERS + ROUTER + PYDANTIC
        for name in WEBHOOK_RECEIVERS
    },
}


# What the webhook receivers check a delivery with: msgspec structs, not pydantic models.
RECEIVER_CHECKS = (
    "bc_subscriptions.entrypoints.bc_webhook_models",
    "bc_subscriptions.services.inbound_webhook",
)


def _modules_after_import(function: str) -> set[str]:
    """The modules loaded once the function's handler file is imported, in a fresh interpreter
    (as a cold start does)."""
    return _modules_after(_handler_import(function))


def _handler_import(function: str) -> str:
    handler = REPO_ROOT / "functions" / function / "app.py"
    return f"import runpy; runpy.run_path({str(handler)!r})"


def _modules_after(code: str) -> set[str]:
    """The modules loaded once `code` has run in a fresh interpreter."""
    return set(_printed_after(code, "sorted(sys.modules)"))


def _printed_after(code: str, expression: str) -> list[str]:
    """`expression` (a list of names) once `code` has run in a fresh interpreter."""
    code = f"import json, sys; {code}; print(json.dumps({expression}))"
    shared = os.pathsep.join([str(REPO_ROOT / "shared"), os.environ.get("PYTHONPATH", "")])
    out = subprocess.run(  # noqa: S603 - this interpreter, importing our own handler
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": shared},
    )
    names: list[str] = json.loads(out.stdout.strip().splitlines()[-1])
    return names


@pytest.mark.parametrize("function", sorted(NOT_IMPORTED))
def test_a_function_does_not_import_the_records_its_invocations_never_use(function: str) -> None:
    # Given a function whose invocations never read or build these
    unused = NOT_IMPORTED[function]
    # When its handler is imported in a fresh interpreter
    loaded = _modules_after_import(function)
    # Then none of them was imported
    assert sorted(loaded.intersection(unused)) == []


def test_the_check_sees_the_modules_a_function_does_import() -> None:
    # Given the renewal worker, which renews subscriptions through the BigCommerce port
    # When its handler is imported
    loaded = _modules_after_import("renewal_worker")
    # Then the same check finds the records it uses (so an empty answer above means absent)
    assert {"bc_subscriptions.domain.subscription", "bc_subscriptions.ports.bigcommerce"} <= loaded


def test_what_the_receivers_check_a_delivery_with_does_not_load_pydantic() -> None:
    # Given the payload structs and the delivery check every webhook receiver imports
    # When they are imported in a fresh interpreter
    loaded = _modules_after("import " + ", ".join(RECEIVER_CHECKS))
    # Then they are loaded, and pydantic is not
    assert set(RECEIVER_CHECKS) <= loaded
    assert sorted(m for m in loaded if m.split(".")[0] in {"pydantic", "pydantic_core"}) == []


def test_a_unit_of_work_and_the_plan_catalog_leave_the_custom_field_rules_unloaded() -> None:
    # Given what a renewal, a sweep or the entitlement consumer opens on every invocation
    opened = (
        "from bc_subscriptions.adapters.dynamodb.unit_of_work import DynamoUnitOfWork; "
        "import bc_subscriptions.services.plans; "
        "uow = DynamoUnitOfWork(region='us-east-1', due_shards=1)"
    )
    # When a unit of work is opened and the plan catalog imported
    loaded = _modules_after(opened)
    # Then the custom field rules are not loaded, until a unit of work reads a definition
    assert sorted(loaded.intersection(CUSTOM_FIELD_RULES)) == []
    assert "bc_subscriptions.domain.custom_fields" in _modules_after(opened + "; uow.custom_fields")


def test_a_unit_of_work_and_the_ops_events_leave_the_plan_grants_unloaded() -> None:
    # Given what a renewal opens and logs through on every invocation
    opened = (
        "from bc_subscriptions.adapters.dynamodb.unit_of_work import DynamoUnitOfWork; "
        "from bc_subscriptions.adapters.dynamodb.plan_cache import DynamoOpsEvents; "
        "uow, ops = DynamoUnitOfWork(region='us-east-1', due_shards=1), DynamoOpsEvents()"
    )
    # When they are built
    loaded = _modules_after(opened)
    # Then neither a plan nor its grants' records are loaded
    assert sorted(loaded.intersection(PLAN_GRANTS)) == []


# Every function but the two APIs (which load the change table's commands).
NOT_APIS = sorted(
    path.parent.name
    for path in (REPO_ROOT / "functions").glob("*/app.py")
    if not path.parent.name.endswith("_api")
)


def _dataclasses_after_import(function: str) -> list[str]:
    """The dataclasses our modules define once the function's handler file is imported."""
    found = (
        "[f'{m.__name__}.{c.__name__}' for m in list(sys.modules.values())"
        " if m.__name__.startswith('bc_subscriptions') for c in vars(m).values()"
        " if isinstance(c, type) and c.__module__ == m.__name__"
        " and '__dataclass_fields__' in vars(c)]"
    )
    return _printed_after(_handler_import(function), found)


@pytest.mark.parametrize("function", NOT_APIS)
def test_a_function_defines_no_dataclass_at_import(function: str) -> None:
    # Given a function's handler: a dataclass compiles its methods when it is defined (about
    # 0.6 ms each), a msgspec struct does not
    # When it is imported in a fresh interpreter
    defined = _dataclasses_after_import(function)
    # Then none of our modules it loaded defines one
    assert defined == []


def test_the_dataclass_check_finds_the_commands_the_apis_define() -> None:
    # Given the admin API, which loads the change table's commands (dataclasses)
    # When its handler is imported
    defined = _dataclasses_after_import("admin_api")
    # Then the same check names them (so an empty answer above means none)
    assert "bc_subscriptions.services.commands.Pause" in defined
