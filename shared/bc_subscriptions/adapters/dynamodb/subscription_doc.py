"""The stored JSON document of a subscription (the `doc` attribute of its item)."""

from __future__ import annotations

from ...domain.subscription import Subscription


def subscription_doc(sub: Subscription) -> str:
    """The document written for `sub`."""
    return sub.model_dump_json()


def subscription_from_doc(doc: str) -> Subscription:
    """The subscription a stored document holds."""
    return Subscription.model_validate_json(doc)
