"""pynamodb models of the single table; the one module that reads settings at import."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection
from pynamodb.models import Model

from ...config import get_settings
from .connection import adopt, forget_clients

if TYPE_CHECKING:
    from pynamodb.connection.table import TableConnection

_settings = get_settings()


class _Meta:
    table_name = _settings.table_name
    region = _settings.aws_region


class DueIndex(GlobalSecondaryIndex["SubscriptionItem"]):
    class Meta(_Meta):
        index_name = "DueIndex"
        projection = IncludeProjection(["store_hash", "subscription_id", "next_cycle"])

    due_pk = UnicodeAttribute(hash_key=True)
    due_sk = UnicodeAttribute(range_key=True)


class PendingRelayIndex(GlobalSecondaryIndex["EventItem"]):
    class Meta(_Meta):
        index_name = "PendingRelayIndex"
        projection = KeysOnlyProjection()

    relay_pk = UnicodeAttribute(hash_key=True)
    relay_sk = UnicodeAttribute(range_key=True)


class EventTimeIndex(GlobalSecondaryIndex["EventItem"]):
    """A store's events by day and time, for replaying a time range to an endpoint."""

    class Meta(_Meta):
        index_name = "EventTimeIndex"
        projection = KeysOnlyProjection()

    time_pk = UnicodeAttribute(hash_key=True)
    time_sk = UnicodeAttribute(range_key=True)


class AuthExpiryIndex(GlobalSecondaryIndex["ChargeItem"]):
    """Open (or pending) authorizations by when the expiry sweep must look at them."""

    class Meta(_Meta):
        index_name = "AuthExpiryIndex"
        projection = KeysOnlyProjection()

    auth_pk = UnicodeAttribute(hash_key=True)
    auth_sk = UnicodeAttribute(range_key=True)


class InstalledStoreIndex(GlobalSecondaryIndex["InstallItem"]):
    class Meta(_Meta):
        index_name = "InstalledStoreIndex"
        projection = KeysOnlyProjection()

    installed_pk = UnicodeAttribute(hash_key=True)
    installed_sk = UnicodeAttribute(range_key=True)


class OpsQueueIndex(GlobalSecondaryIndex["SubscriptionItem"]):
    """A store's subscriptions waiting on a payment (past due, or the shopper must act), for
    the merchant's ops queues; only those subscriptions carry its keys."""

    class Meta(_Meta):
        index_name = "OpsQueueIndex"
        projection = KeysOnlyProjection()

    ops_pk = UnicodeAttribute(hash_key=True)
    ops_sk = UnicodeAttribute(range_key=True)


class _Item(Model):
    """Common shape: `pk`/`sk` keys and a `kind` the stream filter and readers rely on."""

    class Meta(_Meta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = UnicodeAttribute()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("kind", self.KIND)
        super().__init__(*args, **kwargs)

    KIND = ""

    @classmethod
    def _get_connection(cls) -> TableConnection:
        table = super()._get_connection()
        if table.connection._client is None:
            adopt(table.connection)
        return table


def item_models() -> list[type[Model]]:
    """Every item type of the table."""
    return list(_Item.__subclasses__())


def reset_connections() -> None:
    """Forget every model's connection and the shared client: the AWS endpoint has changed."""
    for model in item_models():
        model._connection = None
    forget_clients()


class SubscriptionItem(_Item):
    KIND = "subscription"
    store_hash = UnicodeAttribute()
    subscription_id = UnicodeAttribute()
    status = UnicodeAttribute()
    customer_id = NumberAttribute()
    next_cycle = NumberAttribute()
    doc = UnicodeAttribute()
    due_pk = UnicodeAttribute(null=True)
    due_sk = UnicodeAttribute(null=True)
    version = VersionAttribute()
    due_index = DueIndex()
    # Present while the subscription waits on a payment (sparse OpsQueueIndex).
    ops_pk = UnicodeAttribute(null=True)
    ops_sk = UnicodeAttribute(null=True)
    ops_queue = OpsQueueIndex()
    # The company it belongs to (B2B Edition): a move to another company re-files it.
    company_id = NumberAttribute(null=True)


class ChargeItem(_Item):
    KIND = "charge"
    store_hash = UnicodeAttribute()
    subscription_id = UnicodeAttribute()
    cycle = NumberAttribute()
    stage = UnicodeAttribute()
    bc_order_id = NumberAttribute(null=True)
    doc = UnicodeAttribute()
    version = VersionAttribute()
    # Present while its authorization is open or pending (sparse AuthExpiryIndex).
    auth_pk = UnicodeAttribute(null=True)
    auth_sk = UnicodeAttribute(null=True)
    auth_expiry = AuthExpiryIndex()


class EventItem(_Item):
    KIND = "event"
    event_id = UnicodeAttribute()
    type = UnicodeAttribute()
    store_hash = UnicodeAttribute()
    # Whose event: a subscription's, or (store-level) a webhook endpoint's.
    subscription_id = UnicodeAttribute(null=True)
    endpoint_id = UnicodeAttribute(null=True)
    grant_id = UnicodeAttribute(null=True)  # an allotment grant's event
    seq = NumberAttribute()
    occurred_at = UnicodeAttribute()
    envelope = UnicodeAttribute()
    time_pk = UnicodeAttribute(null=True)
    time_sk = UnicodeAttribute(null=True)
    by_time = EventTimeIndex()
    # Present until the event has been handed to the delivery queue (sparse PendingRelayIndex).
    relay_pk = UnicodeAttribute(null=True)
    relay_sk = UnicodeAttribute(null=True)
    pending_relay = PendingRelayIndex()


class OrderLinkItem(_Item):
    KIND = "order_link"
    store_hash = UnicodeAttribute()
    order_id = NumberAttribute()
    role = UnicodeAttribute()
    subscription_ids = UnicodeAttribute()  # comma-separated ids
    cycle = NumberAttribute(null=True)
    location_id = UnicodeAttribute(null=True)


class CustomerLinkItem(_Item):
    KIND = "customer_link"
    store_hash = UnicodeAttribute()
    customer_id = NumberAttribute()
    subscription_id = UnicodeAttribute()
    instrument_token = UnicodeAttribute(null=True)
    # A removed link (the customer left every role): skipped by reads, expired by TTL.
    removed_at = UnicodeAttribute(null=True)
    ttl = NumberAttribute(null=True)


class CompanyLinkItem(_Item):
    """A subscription filed under its company (store partition, `COMPANY#...` sort key)."""

    KIND = "company_link"
    store_hash = UnicodeAttribute()
    company_id = NumberAttribute()
    subscription_id = UnicodeAttribute()


class InboxItem(_Item):
    KIND = "inbox"
    store_hash = UnicodeAttribute()
    scope = UnicodeAttribute()
    resource_id = UnicodeAttribute()
    status = UnicodeAttribute()  # received | processed | failed | given_up
    attempts = NumberAttribute(default=0)
    received_at = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)  # why it was given up
    outcome = UnicodeAttribute(null=True)  # what processing it did (created, own_renewal, ...)
    ttl = NumberAttribute()


class InboxRetryItem(_Item):
    """A failed delivery, findable per store (the inbox itself is keyed by delivery hash)."""

    KIND = "inbox_retry"
    store_hash = UnicodeAttribute()
    delivery_hash = UnicodeAttribute()
    scope = UnicodeAttribute()
    resource_id = UnicodeAttribute()
    status = UnicodeAttribute()  # failed | processed | given_up
    reason = UnicodeAttribute(null=True)
    ttl = NumberAttribute()


class ReconCheckpointItem(_Item):
    """Where a store's reconciliation resumes: the modified-since floor and the next page."""

    KIND = "recon_checkpoint"
    store_hash = UnicodeAttribute()
    since = UnicodeAttribute()
    window_end = UnicodeAttribute(null=True)  # set while a window is being paged through
    page = NumberAttribute(default=1)


class SweepCursorItem(_Item):
    KIND = "sweep_cursor"
    cursor = UnicodeAttribute(default="")


class InstallItem(_Item):
    KIND = "install"
    store_hash = UnicodeAttribute()
    status = UnicodeAttribute()
    access_token = UnicodeAttribute()  # KMS ciphertext, base64
    webhook_secret = UnicodeAttribute()  # KMS ciphertext, base64
    installed_at = UnicodeAttribute()
    store_id = UnicodeAttribute(null=True)
    installed_pk = UnicodeAttribute(null=True)
    installed_sk = UnicodeAttribute(null=True)
    installed_index = InstalledStoreIndex()


class PlanItem(_Item):
    KIND = "plan"
    store_hash = UnicodeAttribute()
    product_id = NumberAttribute()
    doc = UnicodeAttribute()  # "" when the product has no (valid) plan: a cached negative
    error = UnicodeAttribute(null=True)  # why the metafield's plan was refused
    refreshed_at = UnicodeAttribute(null=True)  # when the metafield was last read


class CustomFieldItem(_Item):
    KIND = "custom_field"
    store_hash = UnicodeAttribute()
    key = UnicodeAttribute()
    doc = UnicodeAttribute()  # the definition's JSON
    version = VersionAttribute()


class OpsEventItem(_Item):
    KIND = "ops_event"
    store_hash = UnicodeAttribute()
    type = UnicodeAttribute()
    data = UnicodeAttribute()
    occurred_at = UnicodeAttribute()
    ttl = NumberAttribute()


class DeliveryItem(_Item):
    KIND = "delivery"
    store_hash = UnicodeAttribute()
    subscription_id = UnicodeAttribute()
    cycle = NumberAttribute()
    status = UnicodeAttribute()
    doc = UnicodeAttribute()


class TenantConfigItem(_Item):
    KIND = "tenant_config"
    store_hash = UnicodeAttribute()
    overrides = UnicodeAttribute()  # JSON: the preset name and what the store changed


class EndpointItem(_Item):
    KIND = "endpoint"
    store_hash = UnicodeAttribute()
    endpoint_id = UnicodeAttribute()
    url = UnicodeAttribute()
    secret = UnicodeAttribute()  # KMS ciphertext, base64
    event_types = UnicodeAttribute(default="*")  # comma-separated, "*" for all
    enabled = BooleanAttribute(default=True)
    description = UnicodeAttribute(default="")
    previous_secret = UnicodeAttribute(null=True)  # KMS ciphertext, base64
    previous_secret_expires_at = UnicodeAttribute(null=True)
    failing_since = UnicodeAttribute(null=True)  # first failed attempt since the last success
    disabled_at = UnicodeAttribute(null=True)
    disabled_reason = UnicodeAttribute(null=True)
    event_seq = NumberAttribute(default=0)  # orders the endpoint's own events


class DeliveryLogItem(_Item):
    KIND = "delivery_log"
    store_hash = UnicodeAttribute()
    endpoint_id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    event_type = UnicodeAttribute()
    attempt = NumberAttribute()
    outcome = UnicodeAttribute()
    status_code = NumberAttribute(null=True)
    latency_ms = NumberAttribute()
    response_excerpt = UnicodeAttribute(default="")
    attempted_at = UnicodeAttribute()
    next_attempt_at = UnicodeAttribute(null=True)
    ttl = NumberAttribute()


class RateLimitItem(_Item):
    """Requests counted in one fixed window for one actor (e.g. cancel attempts)."""

    KIND = "rate_limit"
    store_hash = UnicodeAttribute()
    hits = NumberAttribute(default=0)
    ttl = NumberAttribute()


class DeadLetterItem(_Item):
    """A message its queue gave up on, recorded in its store's partition (SQS dead-letter
    queues are shared by every store); expires after 30 days."""

    KIND = "dead_letter"
    store_hash = UnicodeAttribute()
    dead_letter_id = UnicodeAttribute()
    letter_kind = UnicodeAttribute()  # renewal | webhook_delivery
    at = UnicodeAttribute()
    attempts = NumberAttribute()
    error = UnicodeAttribute(default="")
    subscription_id = UnicodeAttribute(null=True)
    cycle = NumberAttribute(null=True)
    endpoint_id = UnicodeAttribute(null=True)
    event_id = UnicodeAttribute(null=True)
    event_type = UnicodeAttribute(null=True)
    redriven_at = UnicodeAttribute(null=True)
    ttl = NumberAttribute()


class RemovedUserItem(_Item):
    """A store user BigCommerce removed from the app: sessions issued before it stop working."""

    KIND = "removed_user"
    store_hash = UnicodeAttribute()
    user_id = NumberAttribute()
    removed_at = NumberAttribute()  # epoch seconds, on the clock sessions are issued by


class ApiQuotaItem(_Item):
    """A store's REST quota per window as BigCommerce's answers last gave it (its plan's)."""

    KIND = "api_quota"
    store_hash = UnicodeAttribute()
    quota = NumberAttribute()
