"""For API tests that reach every route (the fuzz, the webhook endpoints' store scoping): the
table's side records in memory, from the in-memory soak's `devstack.memory_records`, beside
the in-memory container's unit of work. Each keeps the condition its DynamoDB adapter puts on
a write; what only the topology shows (KMS sealing, the relay's deliveries, the delivery
queue's sends) stays tried there. The rest of AWS still refuses any call."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ulid import ULID

from bc_subscriptions.services.endpoints import register_endpoint
from devstack.memory_records import (
    MemoryApiBudgets,
    MemoryDeadLetters,
    MemoryDeliveryLog,
    MemoryEndpoints,
    MemoryEventLog,
    MemoryVault,
)

from ..services.world import Queue
from .container import MemoryContainer, _NotInMemory
from .world import ApiStack, ApiWorld


@dataclass
class SideRecords:
    stack: ApiStack
    vault: MemoryVault = field(default_factory=MemoryVault)
    delivery_log: MemoryDeliveryLog = field(default_factory=MemoryDeliveryLog)
    dead_letters: MemoryDeadLetters = field(default_factory=MemoryDeadLetters)
    webhook_queue: Queue = field(default_factory=Queue)
    endpoints: MemoryEndpoints | None = None  # None: on the stack's store
    event_log: MemoryEventLog = field(init=False)
    api_budgets: MemoryApiBudgets = field(init=False)

    def __post_init__(self) -> None:
        self.endpoints = self.endpoints or MemoryEndpoints(self.stack.store)
        self.event_log = MemoryEventLog(self.stack.store)
        self.api_budgets = MemoryApiBudgets(self.stack.store)

    def register_endpoint(self, world: ApiWorld, url: str) -> str:
        """The merchant's endpoint for every event type, as the stack registers one."""
        registered = register_endpoint(
            world.store_hash,
            url,
            frozenset({"*"}),
            endpoints=self.endpoints,
            vault=self.vault,
            new_id=lambda: f"ep_{ULID()}",
            local_mode=True,
        )
        return registered.endpoint.endpoint_id

    def stored(self) -> dict[str, Any]:
        """Everything stored outside the table's rows, as values (for before/after checks)."""
        stack = self.stack
        return {
            "installs": dict(stack.installs._installs),
            "removed_users": dict(stack.removed_users._removed),
            "ops_events": list(stack.ops.recorded),
            "endpoints": dict(self.endpoints._rows),
            "deliveries": list(self.delivery_log.attempts),
            "dead_letters": dict(self.dead_letters.letters),
            "quotas": dict(self.api_budgets._quotas),
        }

    def sent(self) -> tuple[list[str], list[str]]:
        """What the renewal and webhook delivery queues were sent."""
        return list(self.stack.queue.bodies), list(self.webhook_queue.bodies)


class SideRecordsContainer(MemoryContainer):
    def __init__(self, stack: ApiStack, records: SideRecords) -> None:
        super().__init__(stack)
        self.records = records

    @cached_property
    def vault(self) -> Any:
        return self.records.vault

    @cached_property
    def endpoints(self) -> Any:
        return self.records.endpoints

    @cached_property
    def delivery_log(self) -> Any:
        return self.records.delivery_log

    @cached_property
    def dead_letters(self) -> Any:
        return self.records.dead_letters

    @cached_property
    def event_log(self) -> Any:
        return self.records.event_log

    @cached_property
    def webhook_queue(self) -> Any:
        return self.records.webhook_queue

    @cached_property
    def api_budgets(self) -> Any:
        return self.records.api_budgets

    # What no admin or portal route should reach: a call is a 500 the fuzz reports.
    @cached_property
    def inbox(self) -> Any:
        return _NotInMemory("the webhook inbox")

    @cached_property
    def outbox(self) -> Any:
        return _NotInMemory("the outbox index")

    @cached_property
    def due_subscriptions(self) -> Any:
        return _NotInMemory("the due index")

    @cached_property
    def recon_checkpoints(self) -> Any:
        return _NotInMemory("the reconciliation checkpoints")

    @cached_property
    def sweep_cursors(self) -> Any:
        return _NotInMemory("the sweep cursors")

    @cached_property
    def oauth(self) -> Any:
        return _NotInMemory("BigCommerce's OAuth")

    @cached_property
    def bc_webhook_queue(self) -> Any:
        return _NotInMemory("the BigCommerce webhook queue")

    @cached_property
    def webhook_sender(self) -> Any:
        return _NotInMemory("the webhook sender")

    @cached_property
    def allotment_due(self) -> Any:
        return _NotInMemory("the allotment due index")
