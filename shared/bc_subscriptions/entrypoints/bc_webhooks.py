"""The shared path of every BigCommerce webhook route: authenticate, record, queue, answer.

No BigCommerce call happens before the answer: BigCommerce asks for a fast 2xx and blocklists
a domain whose deliveries fail or time out. The worker behind the queue does the calls.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

import msgspec

from ..bootstrap import container
from ..observability import logger
from ..services.inbound_webhook import (
    MAX_BODY_BYTES,
    WebhookRejected,
    accept_once,
    authenticate,
)
from .bc_webhook_models import OrderRef
from .http_api import error, json_reply, route_key

__all__ = ["OrderRef", "handle_bc_webhook", "raw_body", "route_key"]


def raw_body(event: Mapping[str, Any]) -> bytes:
    """The bytes BigCommerce signed: API Gateway may hand them over base64-encoded."""
    body = event.get("body") or ""
    if len(body) > 2 * MAX_BODY_BYTES:
        raise WebhookRejected(413, "payload_too_large", f"body over {MAX_BODY_BYTES} bytes")
    try:
        return base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise WebhookRejected(400, "invalid_payload", "body is not readable") from exc


def handle_bc_webhook(
    event: Mapping[str, Any],
    route: str,
    *,
    scope: str,
    data_model: type[msgspec.Struct],
    accept_uninstalled: bool = False,
) -> dict[str, Any]:
    """401/400/413 with nothing written for bad deliveries; 200 once queued or seen before.

    Each receiver is its own function with one route, so there is no router: API Gateway only
    sends it `route`, and anything else (a misconfigured trigger) is answered 404.
    """
    if route_key(event) != route:
        return error(404, "not_found", "no such route")
    c = container()
    try:
        payload = authenticate(
            raw_body(event),
            dict(event.get("headers") or {}),
            expected_scope=scope,
            client_secret=c.client_secret(),
            installs=c.installs,
            vault=c.vault,
            now=c.wall_clock.now(),
            data_model=data_model,
            accept_uninstalled=accept_uninstalled,
        )
    except WebhookRejected as rejected:
        logger.warning("webhook rejected", code=rejected.code)
        return error(rejected.status, rejected.code, rejected.message)
    logger.append_keys(store_hash=payload.store_hash, webhook_hash=payload.hash)
    try:
        outcome = accept_once(payload, inbox=c.inbox, queue=c.bc_webhook_queue, now=c.clock.now())
    except Exception:
        # BigCommerce retries non-2xx deliveries; the inbox row is marked failed so it requeues.
        logger.exception("webhook not queued")
        return error(503, "temporarily_unavailable", "delivery not recorded; retry later")
    logger.info("webhook accepted", outcome=outcome)
    return json_reply(200, {"status": outcome})
