"""The headers BigCommerce echoes on every delivery of the hooks we register: what the webhook
receivers check, without loading the install's BigCommerce calls."""

from __future__ import annotations

SECRET_HEADER = "X-Bcs-Webhook-Secret"  # noqa: S105 - a header name, not a secret
# Names the store whose secret the delivery carries: the body's `producer` must agree with it.
STORE_HEADER = "X-Bcs-Store"


def hook_headers(store_hash: str, webhook_secret: str) -> dict[str, str]:
    """The headers BigCommerce echoes on every delivery of the store's hooks."""
    return {SECRET_HEADER: webhook_secret, STORE_HEADER: store_hash}
