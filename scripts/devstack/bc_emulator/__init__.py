"""A stateful BigCommerce emulator: the real shapes for the calls we make, plus fault injection."""

from .emulator import BigCommerceEmulator
from .server import serve_in_thread
from .shipments import ShipmentRefused
from .state import Customer
from .webhooks import WebhookDelivery

__all__ = [
    "BigCommerceEmulator",
    "Customer",
    "ShipmentRefused",
    "WebhookDelivery",
    "serve_in_thread",
]
