"""Admin routes around the store rather than one subscription: tenant config and the
merchant's webhook endpoints (register, rotate, enable, disable, delivery log, replay).
They expose the existing services; nothing here reimplements them."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, cast

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import ConfigDict, Field, model_validator

from ..bootstrap import container
from ..domain.record import to_json_data
from ..domain.tenant_config import InvalidTenantConfig
from ..ports.storage import Endpoint, UnitOfWork
from ..services import endpoints as svc
from ..services.tenant_settings import update_tenant_config
from ..services.webhook_replay import ReplayRefused, replay_events, replay_range
from .admin_auth import session_store
from .api_base import ApiModel
from .input_types import MultiLine, SingleLine
from .responses import error, json_response

router = Router()  # type: ignore[no-untyped-call]


class EndpointView(ApiModel):
    endpoint_id: str
    url: str
    event_types: list[str]
    enabled: bool
    description: str
    disabled_reason: str | None
    failing_since: datetime | None

    @classmethod
    def of(cls, e: Endpoint) -> EndpointView:
        return cls(
            endpoint_id=e.endpoint_id,
            url=e.url,
            event_types=sorted(e.event_types),
            enabled=e.enabled,
            description=e.description,
            disabled_reason=e.disabled_reason,
            failing_since=e.failing_since,
        )


class NewEndpoint(ApiModel):
    model_config = ConfigDict(extra="forbid")

    url: SingleLine = Field(min_length=1, max_length=2000)
    event_types: list[SingleLine] = Field(default_factory=list, max_length=100)
    description: MultiLine = ""


class EndpointWithSecret(ApiModel):
    endpoint: EndpointView
    secret: str = Field(description="The whsec_ signing secret; shown only in this answer")


class ReplayRequest(ApiModel):
    model_config = ConfigDict(extra="forbid")

    event_ids: list[SingleLine] = Field(default_factory=list, max_length=500)
    since: datetime | None = None
    until: datetime | None = None

    @model_validator(mode="after")
    def _one_way(self) -> ReplayRequest:
        if bool(self.event_ids) == (self.since is not None and self.until is not None):
            raise ValueError("give either event_ids, or since and until")
        return self


class ReplayView(ApiModel):
    queued: int
    not_subscribed: int
    unknown: list[str]


class DeliveryView(ApiModel):
    event_id: str
    event_type: str
    attempt: int
    outcome: str
    status_code: int | None
    latency_ms: int
    response_excerpt: str
    attempted_at: datetime
    next_attempt_at: datetime | None


def _store() -> str:
    return session_store(router.current_event.headers)


@router.get("/admin/config")
def get_config() -> dict[str, Any]:
    store_hash = _store()
    with container().unit_of_work() as uow:
        return to_json_data(uow.tenant_configs.get(store_hash))


@router.put("/admin/config")
def put_config(document: dict[str, Any]) -> dict[str, Any]:
    """Replace the store's overrides (`preset` plus changes); 422 lists every invalid field."""
    store_hash = _store()
    config = update_tenant_config(
        cast(UnitOfWork, container().unit_of_work()), store_hash, json.dumps(document)
    )
    return to_json_data(config)


@router.get("/admin/webhooks/endpoints")
def list_endpoints() -> list[EndpointView]:
    return [EndpointView.of(e) for e in container().endpoints.list(_store())]


@router.post("/admin/webhooks/endpoints")
def add_endpoint(request: NewEndpoint) -> Response[str]:
    store_hash, c = _store(), container()
    added = svc.register_endpoint(
        store_hash,
        request.url,
        frozenset(request.event_types),
        endpoints=c.endpoints,
        vault=c.vault,
        new_id=lambda: c.new_id("ep"),
        description=request.description,
        local_mode=c.settings.local_mode,
    )
    view = EndpointWithSecret(endpoint=EndpointView.of(added.endpoint), secret=added.secret)
    return json_response(201, view.model_dump(mode="json"))


@router.post("/admin/webhooks/endpoints/<endpoint_id>/rotate")
def rotate(endpoint_id: str) -> EndpointWithSecret:
    store_hash, c = _store(), container()
    rotated = svc.rotate_secret(
        store_hash, endpoint_id, endpoints=c.endpoints, vault=c.vault, now=c.clock.now()
    )
    return EndpointWithSecret(endpoint=EndpointView.of(rotated.endpoint), secret=rotated.secret)


@router.post("/admin/webhooks/endpoints/<endpoint_id>/disable")
def disable(endpoint_id: str) -> dict[str, str]:
    store_hash, c = _store(), container()
    svc.disable_endpoint(store_hash, endpoint_id, endpoints=c.endpoints, now=c.clock.now())
    return {"status": "disabled"}


@router.post("/admin/webhooks/endpoints/<endpoint_id>/enable")
def enable(endpoint_id: str) -> dict[str, Any]:
    """Enabled again; `missed` is the window to replay (null when it was not disabled)."""
    store_hash, c = _store(), container()
    offer = svc.enable_endpoint(store_hash, endpoint_id, endpoints=c.endpoints, now=c.clock.now())
    missed = None if offer is None else {"since": offer.since, "until": offer.until}
    return {"status": "enabled", "missed": missed}


@router.get("/admin/webhooks/endpoints/<endpoint_id>/deliveries")
def deliveries(
    endpoint_id: str, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> list[DeliveryView]:
    store_hash, c = _store(), container()
    if c.endpoints.get(store_hash, endpoint_id) is None:
        raise svc.EndpointNotFound(endpoint_id)
    return [
        DeliveryView(
            event_id=a.event_id,
            event_type=a.event_type,
            attempt=a.attempt,
            outcome=a.outcome,
            status_code=a.status_code,
            latency_ms=a.latency_ms,
            response_excerpt=a.response_excerpt,
            attempted_at=a.attempted_at,
            next_attempt_at=a.next_attempt_at,
        )
        for a in c.delivery_log.list(store_hash, endpoint_id, limit)
    ]


@router.post("/admin/webhooks/endpoints/<endpoint_id>/replay")
def replay(endpoint_id: str, request: ReplayRequest) -> ReplayView:
    store_hash, c = _store(), container()
    deps: dict[str, Any] = {
        "endpoints": c.endpoints,
        "events": c.event_log,
        "queue": c.webhook_queue,
    }
    if request.event_ids:
        result = replay_events(store_hash, endpoint_id, request.event_ids, **deps)
    else:
        assert request.since is not None and request.until is not None
        result = replay_range(store_hash, endpoint_id, request.since, request.until, **deps)
    return ReplayView(
        queued=result.queued, not_subscribed=result.not_subscribed, unknown=list(result.unknown)
    )


@router.exception_handler(InvalidTenantConfig)  # type: ignore[untyped-decorator]
def _invalid_config(failure: InvalidTenantConfig) -> Response[str]:
    fields = [{"field": e["loc"], "message": e["msg"]} for e in failure.errors]
    return json_response(422, {"error": failure.code, "fields": fields})


@router.exception_handler(svc.InvalidEndpoint)  # type: ignore[untyped-decorator]
def _invalid_endpoint(failure: svc.InvalidEndpoint) -> Response[str]:
    return json_response(422, {"error": "invalid_endpoint", "errors": failure.errors})


@router.exception_handler(svc.EndpointNotFound)  # type: ignore[untyped-decorator]
def _no_endpoint(_: svc.EndpointNotFound) -> Response[str]:
    return error(404, "not_found", "no such endpoint")


@router.exception_handler(ReplayRefused)  # type: ignore[untyped-decorator]
def _replay_refused(failure: ReplayRefused) -> Response[str]:
    status = 404 if failure.code == "endpoint_not_found" else 409
    return error(status, failure.code, str(failure))
