"""PortalApiFunction: the shopper's API, authenticated by BigCommerce's current-customer JWT.

A shopper sees and changes only the subscriptions they own; anything else is not found.
"""

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, CORSConfig
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from bc_subscriptions.entrypoints import (
    action_page,
    actor_router,
    change_request_router,
    company_portal_router,
    custom_field_values,
    portal_allotments,
    shopper_auth,
    shopper_router,
    subscription_router,
)
from bc_subscriptions.entrypoints.change_pipeline import current_caller
from bc_subscriptions.entrypoints.subscription_routes import register_error_handlers
from bc_subscriptions.observability import logger
from bc_subscriptions.services.admin_session import InvalidSession
from bc_subscriptions.services.customer_jwt import InvalidCustomerToken

# The storefront script calls us from the store's own domains, which we cannot list (custom
# domains, channels). Any origin may: the shopper's token is the credential, sent as a header
# and never as a cookie, so a page elsewhere holds nothing to spend.
app = APIGatewayHttpResolver(enable_validation=True, cors=CORSConfig(allow_origin="*", max_age=600))
# Every route's caller is the shopper of the verified customer token, scoped to what they own.
app.dependency_overrides[current_caller] = shopper_auth.shopper
app.exception_handler(InvalidSession)(shopper_auth.no_token)
app.exception_handler(InvalidCustomerToken)(shopper_auth.unauthorized)
register_error_handlers(app, lambda: shopper_auth.anonymous(app.current_event.headers))
for router in (
    shopper_router.router,
    subscription_router.router,
    actor_router.portal_router,
    company_portal_router.router,
    change_request_router.router,
    custom_field_values.router,
    portal_allotments.router,
):
    app.include_router(router, prefix="/portal")
# The action-link page: the shopper's other way in, by a link instead of a storefront login.
app.include_router(action_page.router)


@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True
)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
