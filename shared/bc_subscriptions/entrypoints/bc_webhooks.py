"""The shared path of every BigCommerce webhook route: authenticate, dedupe, process, answer."""

from __future__ import annotations

import base64
from collections.abc import Callable

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from pydantic import BaseModel, ValidationError

from ..bootstrap import container
from ..observability import logger
from ..services.inbound_webhook import BcWebhook, WebhookRejected, authenticate, process_once
from .responses import error, json_response


class OrderRef(BaseModel):
    """`data` of order-scoped callbacks: `{"type": "order", "id": 250}`."""

    type: str
    id: int


def raw_body(event: APIGatewayProxyEventV2) -> bytes:
    """The bytes BigCommerce signed: API Gateway may hand them over base64-encoded."""
    body = event.body or ""
    return base64.b64decode(body) if event.is_base64_encoded else body.encode()


def handle_bc_webhook(
    event: APIGatewayProxyEventV2,
    *,
    scope: str,
    data_model: type[BaseModel],
    process: Callable[[BcWebhook], str],
) -> Response[str]:
    """401/400 with nothing written for bad deliveries; 200 once processed or seen before."""
    c = container()
    try:
        payload = authenticate(
            raw_body(event),
            dict(event.headers),
            expected_scope=scope,
            client_secret=c.client_secret(),
            installs=c.installs,
            vault=c.vault,
        )
        data_model.model_validate(payload.data)
    except WebhookRejected as rejected:
        logger.warning("webhook rejected", code=rejected.code)
        return error(rejected.status, rejected.code, rejected.message)
    except ValidationError as invalid:
        return error(400, "invalid_payload", f"data: {invalid.errors()[0]['msg']}")
    logger.append_keys(store_hash=payload.store_hash, webhook_hash=payload.hash)
    try:
        outcome = process_once(payload, inbox=c.inbox, now=c.clock.now(), process=process)
    except Exception:
        # BigCommerce retries non-2xx deliveries; the inbox row is marked failed so it reprocesses.
        logger.exception("webhook processing failed")
        return error(503, "processing_failed", "temporarily unable to process; will be retried")
    logger.info("webhook processed", outcome=outcome)
    return json_response(200, {"status": outcome})
