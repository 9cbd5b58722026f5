"""Composition root: builds the adapters each handler needs, once per container."""

from __future__ import annotations

import random
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, cast

from ulid import ULID

from .adapters.clock import ShiftedClock, SystemClock
from .adapters.dynamodb.store_records import (
    DueSubscriptions,
    Inbox,
    Installs,
    ReconCheckpoints,
    SweepCursors,
)
from .adapters.sqs import MAX_DELAY_S, SqsDeliveryQueue, SqsQueue
from .adapters.vault import KmsVault
from .config import Settings, get_settings

if TYPE_CHECKING:
    import httpx

    from .adapters.bigcommerce import HttpBigCommerce
    from .adapters.bigcommerce.oauth import HttpOAuthClient
    from .adapters.dynamodb.api_budgets import StoreApiBudgets
    from .adapters.dynamodb.company_index import DynamoCompanySubscriptions
    from .adapters.dynamodb.dead_letters import DynamoDeadLetters
    from .adapters.dynamodb.delivery_log import DeliveryLog
    from .adapters.dynamodb.endpoints import Endpoints
    from .adapters.dynamodb.event_log import EventLog
    from .adapters.dynamodb.outbox import Outbox
    from .adapters.dynamodb.plan_cache import DynamoOpsEvents, DynamoPlanCache
    from .adapters.dynamodb.removed_users import RemovedUsers
    from .adapters.dynamodb.subscription_reads import SubscriptionReads
    from .adapters.dynamodb.unit_of_work import DynamoUnitOfWork
    from .adapters.http_sender import HttpxWebhookSender
    from .domain.custom_fields import CustomFieldDefinition
    from .ports.allotment_storage import AllotmentDueReader, AllotmentRepository
    from .ports.change_requests import ChangeRequestReads
    from .ports.clock import Clock
    from .ports.entitlement_provider import EntitlementProvider
    from .ports.entitlements import EntitlementRepository, EntitlementWork
    from .ports.storage import UnitOfWork
    from .services.allotments import AllotmentDeps
    from .services.company_directory import CompanyDirectory
    from .services.entitlement_sync import EntitlementDeps
    from .services.plans import PlanCatalog
    from .services.webhook_delivery import DeliveryDeps

# What every function uses (boto3, pynamodb's table and the store-level records) is imported
# here. The adapters that bring in records only some functions use (subscriptions, plans,
# tenant config, change requests, webhook endpoints and their deliveries, the outbox) and the
# HTTP ones are imported where first built: a relay or a webhook receiver never loads the
# subscription records, a sweep or a relay never httpx, a renewal never the delivery log.


class Container:
    """Everything is built lazily: a handler pays only for the adapters it touches."""

    def __init__(
        self,
        settings: Settings,
        *,
        bc_transport: httpx.BaseTransport | None = None,
        webhook_transport: httpx.BaseTransport | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.settings = settings
        self._bc_transport = bc_transport
        self._webhook_transport = webhook_transport
        self._clock = clock

    @cached_property
    def clock(self) -> Clock:
        if self._clock is not None:
            return self._clock
        if self.settings.local_clock_file:
            return ShiftedClock(Path(self.settings.local_clock_file))
        return SystemClock()

    @cached_property
    def wall_clock(self) -> Clock:
        """Real time, whatever the business clock says: signatures are checked against it."""
        return SystemClock()

    @cached_property
    def vault(self) -> KmsVault:
        return KmsVault(self.settings.token_key_id)

    @cached_property
    def installs(self) -> Installs:
        return Installs()

    @cached_property
    def removed_users(self) -> RemovedUsers:
        from .adapters.dynamodb.removed_users import RemovedUsers

        return RemovedUsers()

    @cached_property
    def endpoints(self) -> Endpoints:
        from .adapters.dynamodb.endpoints import Endpoints

        return Endpoints(self.settings.due_index_shards, self.settings.aws_region)

    @cached_property
    def inbox(self) -> Inbox:
        return Inbox()

    @cached_property
    def due_subscriptions(self) -> DueSubscriptions:
        return DueSubscriptions(self.settings.due_index_shards)

    @cached_property
    def delivery_log(self) -> DeliveryLog:
        from .adapters.dynamodb.delivery_log import DeliveryLog

        return DeliveryLog()

    @cached_property
    def dead_letters(self) -> DynamoDeadLetters:
        from .adapters.dynamodb.dead_letters import DynamoDeadLetters

        return DynamoDeadLetters()

    @cached_property
    def event_log(self) -> EventLog:
        from .adapters.dynamodb.event_log import EventLog

        return EventLog()

    @cached_property
    def subscription_reads(self) -> SubscriptionReads:
        from .adapters.dynamodb.subscription_reads import SubscriptionReads

        return SubscriptionReads(self.settings.due_index_shards)

    @cached_property
    def change_request_reads(self) -> ChangeRequestReads:
        from .adapters.dynamodb.change_requests import DynamoChangeRequestReads

        return DynamoChangeRequestReads()

    @cached_property
    def outbox(self) -> Outbox:
        from .adapters.dynamodb.outbox import Outbox

        return Outbox(self.settings.due_index_shards)

    @cached_property
    def allotments(self) -> AllotmentRepository:
        from .adapters.dynamodb.allotments import DynamoAllotments

        return DynamoAllotments(self.settings.aws_region, self.settings.due_index_shards)

    @cached_property
    def allotment_due(self) -> AllotmentDueReader:
        from .adapters.dynamodb.allotments import DynamoAllotmentDue

        return DynamoAllotmentDue(self.settings.due_index_shards)

    def allotment_deps(self) -> AllotmentDeps:
        from .services.allotments import AllotmentDeps

        return AllotmentDeps(
            grants=self.allotments,
            clock=self.clock,
            new_id=self.new_id,
            custom_fields=self._custom_field_definitions,
        )

    def _custom_field_definitions(self, store_hash: str) -> list[CustomFieldDefinition]:
        with self.unit_of_work() as uow:
            return uow.custom_fields.definitions(store_hash)

    def entitlements(self, uow: UnitOfWork) -> EntitlementRepository:
        """The entitlement items staged on `uow`."""
        from .adapters.dynamodb.entitlements import DynamoEntitlements

        return DynamoEntitlements(uow)

    @cached_property
    def entitlement_work(self) -> EntitlementWork:
        from .adapters.dynamodb.entitlements import DynamoEntitlementWork

        return DynamoEntitlementWork()

    @cached_property
    def customer_groups(self) -> EntitlementProvider:
        """BigCommerce customer groups, the entitlement provider."""
        from .adapters.bigcommerce.customer_groups import BigCommerceCustomerGroups

        return BigCommerceCustomerGroups(self.bigcommerce.rest)

    @cached_property
    def entitlement_deps(self) -> EntitlementDeps:
        """What the entitlement consumer and sweep use; BigCommerce customer groups provide."""
        from .services.entitlement_sync import EntitlementDeps

        return EntitlementDeps(
            uow=lambda: cast("UnitOfWork", self.unit_of_work()),
            repo=self.entitlements,
            work=self.entitlement_work,
            provider=self.customer_groups,
            plans=self.plan_catalog,
            ops=self.ops_events,
            clock=self.clock,
        )

    def unit_of_work(self) -> DynamoUnitOfWork:
        from .adapters.dynamodb.unit_of_work import DynamoUnitOfWork

        return DynamoUnitOfWork(
            region=self.settings.aws_region,
            due_shards=self.settings.due_index_shards,
            seal=self.vault.encrypt,
        )

    @cached_property
    def bigcommerce(self) -> HttpBigCommerce:
        from .adapters.bigcommerce import HttpBigCommerce

        return HttpBigCommerce(
            api_url=self.settings.bc_api_url,
            payments_url=self.settings.bc_payments_url,
            token_provider=self._access_token,
            transport=self._bc_transport,
        )

    @cached_property
    def company_directory(self) -> CompanyDirectory:
        """B2B Edition's companies, through the store API's session, cached per container."""
        from .adapters.bigcommerce.b2b_edition import HttpB2BEdition
        from .services.company_directory import CompanyDirectory

        b2b = HttpB2BEdition(self.bigcommerce.session, self.settings.bc_b2b_url, self._access_token)
        return CompanyDirectory(b2b, self.clock)

    @cached_property
    def company_subscriptions(self) -> DynamoCompanySubscriptions:
        from .adapters.dynamodb.company_index import DynamoCompanySubscriptions

        return DynamoCompanySubscriptions()

    @cached_property
    def recon_checkpoints(self) -> ReconCheckpoints:
        return ReconCheckpoints()

    @cached_property
    def sweep_cursors(self) -> SweepCursors:
        return SweepCursors()

    @cached_property
    def ops_events(self) -> DynamoOpsEvents:
        from .adapters.dynamodb.plan_cache import DynamoOpsEvents

        return DynamoOpsEvents()

    @cached_property
    def plan_cache(self) -> DynamoPlanCache:
        from .adapters.dynamodb.plan_cache import DynamoPlanCache

        return DynamoPlanCache()

    @cached_property
    def plan_catalog(self) -> PlanCatalog:
        from .adapters.dynamodb.plan_cache import DynamoPlanCache
        from .services.plans import PlanCatalog

        return PlanCatalog(
            cache=DynamoPlanCache(),
            bc=self.bigcommerce,
            ops=self.ops_events,
            client_id=self.settings.bc_client_id,
        )

    @cached_property
    def oauth(self) -> HttpOAuthClient:
        from .adapters.bigcommerce.oauth import HttpOAuthClient

        return HttpOAuthClient(
            login_url=self.settings.bc_login_url,
            client_id=self.settings.bc_client_id,
            client_secret=self.client_secret(),
            redirect_uri=self.settings.app_base_url.rstrip("/") + "/auth",
            transport=self._bc_transport,
        )

    @cached_property
    def renewal_queue(self) -> SqsQueue:
        # The sweep spreads a store's renewals by delays (business time in local mode).
        return SqsQueue(
            self.settings.renewal_queue_url,
            max_delay_s=0 if self.settings.local_mode else MAX_DELAY_S,
            clock=self.clock,
        )

    @cached_property
    def api_budgets(self) -> StoreApiBudgets:
        from .adapters.dynamodb.api_budgets import StoreApiBudgets

        return StoreApiBudgets()

    @cached_property
    def bc_webhook_queue(self) -> SqsQueue:
        return SqsQueue(self.settings.bc_webhook_queue_url)

    @cached_property
    def webhook_queue(self) -> SqsDeliveryQueue:
        return SqsDeliveryQueue(
            self.settings.webhook_delivery_queue_url,
            self.settings.webhook_delivery_dlq_url,
            max_delay_s=0 if self.settings.local_mode else MAX_DELAY_S,
            clock=self.clock,
        )

    @cached_property
    def webhook_sender(self) -> HttpxWebhookSender:
        from .adapters.http_sender import HttpxWebhookSender

        return HttpxWebhookSender(self._webhook_transport, allow_private=self.settings.local_mode)

    def delivery_deps(self) -> DeliveryDeps:
        from .services.webhook_delivery import DeliveryDeps

        return DeliveryDeps(
            endpoints=self.endpoints,
            vault=self.vault,
            sender=self.webhook_sender,
            log=self.delivery_log,
            queue=self.webhook_queue,
            clock=self.clock,
            wall_clock=self.wall_clock,
            jitter=random.random,
            dead_letters=self.dead_letters,
            link_base=self.settings.app_base_url,
        )

    def client_secret(self) -> str:
        from .adapters.secrets import client_secret

        return client_secret(self.settings)

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_{ULID()}"

    def _access_token(self, store_hash: str) -> str:
        install = self.installs.get(store_hash)
        if install is None or install.status != "installed":
            # After uninstall BigCommerce has revoked the token: nothing may call for this store.
            raise LookupError(f"store {store_hash} is not installed")
        return self.vault.decrypt(store_hash, install.access_token_ciphertext)


_container: Container | None = None


def container() -> Container:
    """The container of this Lambda execution environment."""
    global _container
    if _container is None:
        _container = Container(get_settings())
    return _container


def use(replacement: Container | None) -> None:
    """Swap the container (tests and the local stack inject transports and clocks)."""
    global _container
    _container = replacement
