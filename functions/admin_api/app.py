"""AdminApiFunction: the merchant's API, authenticated by the session token `/load` mints."""

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from bc_subscriptions.entrypoints import (
    actor_router,
    admin_allotments,
    admin_auth,
    admin_catalog,
    admin_config_presets,
    admin_custom_fields,
    admin_dashboard,
    admin_locations,
    admin_onboarding,
    admin_ops,
    admin_settings,
    change_request_router,
    company_router,
    custom_field_values,
    entitlement_router,
    merchant_router,
    plan_router,
    subscription_router,
)
from bc_subscriptions.entrypoints.change_pipeline import current_caller
from bc_subscriptions.entrypoints.subscription_routes import register_error_handlers
from bc_subscriptions.observability import logger
from bc_subscriptions.services.admin_session import InvalidSession

app = APIGatewayHttpResolver(enable_validation=True)
# Every route's caller is the merchant of the verified session's store.
app.dependency_overrides[current_caller] = admin_auth.merchant
app.exception_handler(InvalidSession)(admin_auth.unauthorized)
register_error_handlers(app, lambda: admin_auth.anonymous(app.current_event.headers))
app.include_router(admin_settings.router)
app.include_router(admin_ops.router)
app.include_router(change_request_router.queue_router)
for router in (
    admin_auth.router,
    company_router.router,
    merchant_router.router,
    entitlement_router.router,
    plan_router.router,
    subscription_router.router,
    actor_router.admin_router,
    change_request_router.router,
    admin_custom_fields.router,
    custom_field_values.router,
):
    app.include_router(router, prefix="/admin")
for store_router in (
    admin_catalog.router,
    admin_onboarding.router,
    admin_dashboard.router,
    admin_config_presets.router,
    admin_locations.router,
    admin_allotments.router,
):
    app.include_router(store_router)


@app.get("/admin/openapi.json", include_in_schema=False)
def openapi() -> Response[str]:
    schema = app.get_openapi_json_schema(
        title="bc-subscriptions admin API", version="1.0.0", openapi_version="3.1.0"
    )
    return Response(status_code=200, content_type="application/json", body=schema)


@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True
)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
