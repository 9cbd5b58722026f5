"""Each store's BigCommerce budget for the renewal sweep: its tenant share and its known quota."""

from __future__ import annotations

import json

from ...domain.api_budget import DEFAULT_REST_QUOTA, ApiBudget
from ...domain.tenant_config import effective_config
from . import keys
from .errors import translated_errors
from .models import ApiQuotaItem, TenantConfigItem

API_QUOTA = "API_QUOTA"


class StoreApiBudgets:
    def __init__(self) -> None:
        # What this container has recorded: the messages paced by the old quota are many.
        self._recorded: dict[str, int] = {}

    def get(self, store_hash: str) -> ApiBudget:
        """The store's share (tenant config) of its last-seen quota (the smallest plan's until
        a worker has seen the store's answers)."""
        pk = keys.store_pk(store_hash)
        with translated_errors():
            try:
                overrides = json.loads(TenantConfigItem.get(pk, keys.TENANT_CONFIG).overrides)
            except TenantConfigItem.DoesNotExist:
                overrides = None
            try:
                quota = int(ApiQuotaItem.get(pk, API_QUOTA).quota)
            except ApiQuotaItem.DoesNotExist:
                quota = DEFAULT_REST_QUOTA
        share = effective_config(overrides).api_share_percent / 100
        return ApiBudget(rest_quota=quota, share=share)

    def record_quota(self, store_hash: str, quota: int) -> None:
        """What the store's answers say its quota is (a plan change shows up here)."""
        if self._recorded.get(store_hash) == quota:
            return
        with translated_errors():
            ApiQuotaItem(
                keys.store_pk(store_hash), API_QUOTA, store_hash=store_hash, quota=quota
            ).save()
        self._recorded[store_hash] = quota
