"""The composition root the API handlers resolve against in these tests: the production
`Container`, its storage and BigCommerce adapters replaced by in-memory ones and the
emulator's in-process transport. What the API routes of these tests never reach (queues,
KMS, webhook endpoints) refuses to be used, so a test cannot quietly call AWS."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any, NoReturn

from bc_subscriptions.adapters.bigcommerce import HttpBigCommerce
from bc_subscriptions.adapters.bigcommerce.b2b_edition import HttpB2BEdition
from bc_subscriptions.adapters.memory import (
    MemoryChangeRequestReads,
    MemoryInstalls,
    MemoryOpsEvents,
    MemoryRemovedUsers,
    MemorySubscriptionReads,
    MemoryUnitOfWork,
)
from bc_subscriptions.adapters.memory.allotments import MemoryAllotments
from bc_subscriptions.adapters.memory.company_index import MemoryCompanySubscriptions
from bc_subscriptions.adapters.memory.entitlements import (
    MemoryEntitlements,
    MemoryEntitlementWork,
)
from bc_subscriptions.bootstrap import Container
from bc_subscriptions.config import Secret, Settings
from bc_subscriptions.services.company_directory import CompanyDirectory
from bc_subscriptions.services.plans import PlanCatalog
from devstack.stack import CLIENT_ID, CLIENT_SECRET

if TYPE_CHECKING:
    from .world import ApiStack

SETTINGS = Settings(
    table_name="in-memory",
    bc_client_id=CLIENT_ID,
    bc_client_secret=Secret(CLIENT_SECRET),
    app_base_url="https://app.example.test",
    local_mode=True,
)


class _NotInMemory:
    """Any call refuses. Only a call: a route may look its adapter's method up before it
    checks the session (`GET /admin/webhooks/endpoints` does), and must still answer 401."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, method: str) -> Callable[..., NoReturn]:
        def refuse(*_args: Any, **_kwargs: Any) -> NoReturn:
            raise RuntimeError(
                f"{self._name} has no in-memory stand-in: keep this scenario on the topology"
            )

        return refuse


class MemoryContainer(Container):
    """The base class types its adapters as the DynamoDB ones; the memory ones meet the same
    ports, which `tests/integration/test_storage_contract.py` holds them to."""

    def __init__(self, stack: ApiStack) -> None:
        super().__init__(SETTINGS, clock=stack.clock)
        self._stack = stack

    @cached_property
    def installs(self) -> MemoryInstalls:
        return self._stack.installs

    @cached_property
    def removed_users(self) -> MemoryRemovedUsers:
        return self._stack.removed_users

    @cached_property
    def subscription_reads(self) -> MemorySubscriptionReads:
        return MemorySubscriptionReads(self._stack.store, self.settings.due_index_shards)

    @cached_property
    def change_request_reads(self) -> MemoryChangeRequestReads:
        return MemoryChangeRequestReads(self._stack.store)

    def unit_of_work(self) -> MemoryUnitOfWork:
        return self._stack.uow()

    def entitlements(self, uow: Any) -> MemoryEntitlements:
        return MemoryEntitlements(uow)

    @cached_property
    def entitlement_work(self) -> MemoryEntitlementWork:
        return MemoryEntitlementWork(self._stack.store)

    @cached_property
    def allotments(self) -> MemoryAllotments:
        return MemoryAllotments(self._stack.store)

    @cached_property
    def ops_events(self) -> MemoryOpsEvents:
        return self._stack.ops

    @cached_property
    def bigcommerce(self) -> HttpBigCommerce:
        return self._stack.bc

    @cached_property
    def company_directory(self) -> CompanyDirectory:
        emulator = self._stack.emulator
        b2b = HttpB2BEdition(
            self.bigcommerce.session,
            self.settings.bc_b2b_url,
            lambda s: str(emulator.stores[s].access_token),
        )
        return CompanyDirectory(b2b, self.clock)

    @cached_property
    def company_subscriptions(self) -> Any:
        return MemoryCompanySubscriptions(self._stack.store)

    @cached_property
    def plan_catalog(self) -> PlanCatalog:
        return self._stack.plans

    @cached_property
    def renewal_queue(self) -> Any:
        return self._stack.queue

    @cached_property
    def vault(self) -> Any:
        return _NotInMemory("the vault")

    @cached_property
    def endpoints(self) -> Any:
        return _NotInMemory("webhook endpoints")

    @cached_property
    def webhook_queue(self) -> Any:
        return _NotInMemory("the webhook delivery queue")
