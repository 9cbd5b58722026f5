"""Settings: the one place that reads the environment (besides Powertools' own variables)."""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import BaseModel, Field, SecretStr


class Settings(BaseModel):
    """Validated at cold start; `template.yaml` Globals set these for every function."""

    table_name: str = Field(min_length=1)
    aws_region: str = "us-east-1"
    renewal_queue_url: str = ""
    webhook_delivery_queue_url: str = ""
    webhook_delivery_dlq_url: str = ""
    bc_webhook_queue_url: str = ""
    token_key_id: str = ""
    bc_api_url: str = "https://api.bigcommerce.com"
    bc_payments_url: str = "https://payments.bigcommerce.com"
    bc_b2b_url: str = "https://api-b2b.bigcommerce.com"
    bc_login_url: str = "https://login.bigcommerce.com"
    bc_client_id: str = ""
    bc_client_secret: SecretStr | None = None
    bc_client_secret_arn: str = ""
    # The app's numeric id in BigCommerce's Developer Portal: the `external_source` of every
    # order we create (marketplace approval requires it) and how we know our own orders.
    # "0" is for local runs only.
    bc_app_id: str = Field(default="0", pattern=r"^[0-9]{1,12}$")
    app_base_url: str = ""
    due_index_shards: int = Field(default=8, ge=1, le=64)
    # The RenewalQueue's maxReceiveCount: a record failing on this receive is dead-lettered.
    renewal_max_receive_count: int = Field(default=5, ge=1, le=1000)
    # The BcWebhookQueue's maxReceiveCount, likewise.
    bc_webhook_max_receive_count: int = Field(default=5, ge=1, le=1000)
    local_mode: bool = False
    local_clock_file: str = ""

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        raw = {field: env[field.upper()] for field in cls.model_fields if field.upper() in env}
        raw.setdefault("aws_region", env.get("AWS_DEFAULT_REGION", "us-east-1"))
        return cls.model_validate(raw)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings of this container; tests that change the environment call `cache_clear()`."""
    return Settings.from_env()
