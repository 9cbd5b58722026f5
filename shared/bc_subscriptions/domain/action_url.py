"""Where an action link points: our API's base URL, a stable path per subscription, the token."""

from __future__ import annotations

from urllib.parse import quote, urlencode

# The route serving the action-link page (API Gateway path parameters in braces).
ACTION_PATH = "/action/{store_hash}/{subscription_id}"


def action_path(store_hash: str, subscription_id: str) -> str:
    return ACTION_PATH.format(
        store_hash=quote(store_hash, safe=""), subscription_id=quote(subscription_id, safe="")
    )


def action_url(base: str, store_hash: str, subscription_id: str, token: str) -> str:
    """The full link the shopper follows; `base` is our API's public base URL."""
    path = action_path(store_hash, subscription_id)
    return f"{base.rstrip('/')}{path}?{urlencode({'token': token})}"
