"""The shared path of every BigCommerce webhook route: authenticate, record, queue, answer.

No BigCommerce call happens before the answer: BigCommerce asks for a fast 2xx and blocklists
a domain whose deliveries fail or time out. The worker behind the queue does the calls.
"""

from __future__ import annotations

import base64
import binascii

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from pydantic import BaseModel

from ..bootstrap import container
from ..observability import logger
from ..services.inbound_webhook import (
    MAX_BODY_BYTES,
    WebhookRejected,
    accept_once,
    authenticate,
)
from .bc_webhook_models import OrderRef
from .responses import error, json_response

__all__ = ["OrderRef", "handle_bc_webhook", "raw_body"]


def raw_body(event: APIGatewayProxyEventV2) -> bytes:
    """The bytes BigCommerce signed: API Gateway may hand them over base64-encoded."""
    body = event.body or ""
    if len(body) > 2 * MAX_BODY_BYTES:
        raise WebhookRejected(413, "payload_too_large", f"body over {MAX_BODY_BYTES} bytes")
    try:
        return base64.b64decode(body) if event.is_base64_encoded else body.encode()
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise WebhookRejected(400, "invalid_payload", "body is not readable") from exc


def handle_bc_webhook(
    event: APIGatewayProxyEventV2,
    *,
    scope: str,
    data_model: type[BaseModel],
    accept_uninstalled: bool = False,
) -> Response[str]:
    """401/400/413 with nothing written for bad deliveries; 200 once queued or seen before."""
    c = container()
    try:
        payload = authenticate(
            raw_body(event),
            dict(event.headers),
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
    return json_response(200, {"status": outcome})
