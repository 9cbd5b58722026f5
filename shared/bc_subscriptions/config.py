"""Settings: the one place that reads the environment (besides Powertools' own variables).

A msgspec struct rather than a pydantic model: every function reads its settings at cold start,
and pydantic's import alone would cost a third of `import boto3` before any of our code runs.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import Any

import msgspec

_APP_ID = re.compile(r"[0-9]{1,12}")
# The words the environment may spell a flag with; anything else is refused, not read as False.
_FLAGS = {
    **dict.fromkeys(("1", "true", "yes", "on", "y", "t"), True),
    **dict.fromkeys(("0", "false", "no", "off", "n", "f"), False),
}


class InvalidSettings(ValueError):
    """The environment does not describe a usable function: it must not start."""


class Secret:
    """A value that never shows in a repr, a log line or a traceback's locals."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Checked at cold start; `template.yaml` Globals set these for every function."""

    table_name: str
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
    bc_client_secret: Secret | None = None
    bc_client_secret_arn: str = ""
    # The app's numeric id in BigCommerce's Developer Portal: the `external_source` of every
    # order we create (marketplace approval requires it) and how we know our own orders.
    # "0" is for local runs only.
    bc_app_id: str = "0"
    app_base_url: str = ""
    due_index_shards: int = 8
    # The RenewalQueue's maxReceiveCount: a record failing on this receive is dead-lettered.
    renewal_max_receive_count: int = 5
    # The BcWebhookQueue's maxReceiveCount, likewise.
    bc_webhook_max_receive_count: int = 5
    local_mode: bool = False
    local_clock_file: str = ""

    def __post_init__(self) -> None:
        if not self.table_name:
            raise InvalidSettings("table_name: must not be empty")
        if not _APP_ID.fullmatch(self.bc_app_id):
            raise InvalidSettings("bc_app_id: must be 1 to 12 digits")
        _within("due_index_shards", self.due_index_shards, 1, 64)
        _within("renewal_max_receive_count", self.renewal_max_receive_count, 1, 1000)
        _within("bc_webhook_max_receive_count", self.bc_webhook_max_receive_count, 1, 1000)

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        names = [field.name for field in msgspec.structs.fields(cls)]
        raw: dict[str, Any] = {name: env[name.upper()] for name in names if name.upper() in env}
        raw.setdefault("aws_region", env.get("AWS_DEFAULT_REGION", "us-east-1"))
        if "local_mode" in raw:
            raw["local_mode"] = _flag(raw["local_mode"])
        try:
            return msgspec.convert(raw, cls, strict=False, dec_hook=_secret)
        except msgspec.ValidationError as error:
            raise InvalidSettings(str(error)) from None


def _within(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise InvalidSettings(f"{name}: must be between {low} and {high}, got {value}")


def _flag(value: str) -> bool:
    try:
        return _FLAGS[value.strip().lower()]
    except KeyError:
        raise InvalidSettings(f"local_mode: {value!r} is not a flag") from None


def _secret(kind: type, value: Any) -> Any:
    if kind is Secret and isinstance(value, str):
        return Secret(value)
    raise NotImplementedError


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings of this container; tests that change the environment call `cache_clear()`."""
    return Settings.from_env()
