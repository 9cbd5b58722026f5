"""The local stack: moto + BigCommerce emulator + a merchant endpoint + the template's topology."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlparse

import httpx
from moto import mock_aws
from moto.server import ThreadedMotoServer

from . import template as t
from .bc_emulator import BigCommerceEmulator, serve_in_thread
from .local_aws import create_resources, function_environment
from .merchant_receiver import MerchantReceiver
from .runtime import LocalRuntime, PumpStats

CLIENT_ID = "local-client-id"
CLIENT_SECRET = "local-client-secret"  # the emulator signs webhooks with it, as BigCommerce does
APP_BASE_URL = "https://bcs.local.test"
PREFIX = "bcs-local"
APP_SCOPES = (
    "store_v2_orders store_v2_products store_stored_payment_instruments store_payments"
    " store_v2_content"  # the storefront portal's script (Scripts API)
)
TABLE_NAME = f"{PREFIX}-table"
# Where the business clock of a stack starts unless told otherwise, so that nothing a test
# or the demo shows depends on the day it runs. Real time drives it on from there.
PINNED_START = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)

# The endpoint the process's DynamoDB client was built for (None: in-process moto).
_dynamodb_endpoint: str | None = None

_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}


class LocalStack:
    """`server=False`: everything in-process (tests). `server=True`: real localhost servers."""

    def __init__(
        self,
        *,
        server: bool = False,
        log_level: str = "WARNING",
        lambda_stdout: TextIO | None = None,
        start_at: datetime | None = PINNED_START,
    ) -> None:
        """`start_at`: the business clock's first instant (None: today, for `make dev`)."""
        from bc_subscriptions.adapters.clock import ShiftedClock, SystemClock

        self.server = server
        self.log_level, self.lambda_stdout = log_level, lambda_stdout
        self._workdir = tempfile.TemporaryDirectory(prefix="bcs-local-")
        self.clock_file = Path(self._workdir.name) / "clock_offset_seconds"
        offset = (start_at - SystemClock().now()).total_seconds() if start_at else 0.0
        self.clock_file.write_text(str(offset))
        self.emulator = BigCommerceEmulator(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            clock=ShiftedClock(self.clock_file).now,
        )
        self.receiver = MerchantReceiver()
        self._stops: list[Any] = []
        self.urls: dict[str, str] = {}
        self.function_env: dict[str, str] = {}

    def start(self) -> LocalStack:
        os.environ.update(_AWS_ENV)
        # One line per request from three local servers would drown the story being told.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        if self.server:
            moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
            moto.start()
            host, port = moto.get_host_and_port()
            self.urls["aws"] = os.environ["AWS_ENDPOINT_URL"] = f"http://{host}:{port}"
            # moto keeps its state per process, not per server: start from a clean account.
            httpx.post(f"{self.urls['aws']}/moto-api/reset", timeout=10).raise_for_status()
            self._stops.append(moto.stop)
            self.urls["bigcommerce"], stop_bc = serve_in_thread(self.emulator)
            self._stops.append(stop_bc)
            self.urls["merchant"], stop_receiver = self.receiver.serve()
            self._stops.append(stop_receiver)
        else:
            mock = mock_aws()
            mock.start()
            self._stops.append(mock.stop)
            self.urls["bigcommerce"] = "https://api.bigcommerce.test"
            self.urls["merchant"] = "https://merchant.example.test/hooks"
        self.tpl = t.load_template()
        self.physical = create_resources(self.tpl, PREFIX)
        self._configure_functions()
        self.runtime = LocalRuntime(self.tpl, self.physical, self.lambda_stdout, clock=self.now)
        return self

    def _configure_functions(self) -> None:
        bc = self.urls["bigcommerce"]
        params = {
            "BcApiUrl": bc,
            "BcPaymentsUrl": bc,
            "BcLoginUrl": bc,
            "BcClientId": CLIENT_ID,
            "AppBaseUrl": APP_BASE_URL,
            "LogLevel": self.log_level,
        }
        env = function_environment(self.tpl, self.physical, params)
        env.update(
            BC_CLIENT_SECRET=CLIENT_SECRET,
            BC_CLIENT_SECRET_ARN="",
            LOCAL_MODE="true",
            LOCAL_CLOCK_FILE=str(self.clock_file),
            POWERTOOLS_TRACE_DISABLED="true",
            POWERTOOLS_METRICS_DISABLED="true",
            POWERTOOLS_DEV="false",
        )
        if env["TABLE_NAME"] != os.environ.get("TABLE_NAME", env["TABLE_NAME"]):
            raise RuntimeError("TABLE_NAME was set to another table before the stack started")
        os.environ.update(env)
        self.function_env = env
        from bc_subscriptions import bootstrap
        from bc_subscriptions.adapters.dynamodb import models
        from bc_subscriptions.config import get_settings

        get_settings.cache_clear()
        settings = get_settings()
        # The DynamoDB client is built once per process and kept across stacks; only a stack
        # on another endpoint (a server on a new port) needs a new one.
        global _dynamodb_endpoint
        if self.urls.get("aws") != _dynamodb_endpoint:
            models.reset_connections()
            _dynamodb_endpoint = self.urls.get("aws")
        bootstrap.use(
            bootstrap.Container(
                settings,
                bc_transport=None if self.server else self.emulator.transport(),
                webhook_transport=None if self.server else self.receiver.transport(),
            )
        )

    def stop(self) -> None:
        from bc_subscriptions import bootstrap

        bootstrap.use(None)
        for stop in reversed(self._stops):
            stop()
        os.environ.pop("AWS_ENDPOINT_URL", None)
        self._workdir.cleanup()

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- the world around us -----------------------------------------------------------------
    def pump(self, *, retry_failed: bool = False) -> PumpStats:
        return self.runtime.pump(
            deliver_webhooks=self.deliver_bc_webhooks, retry_failed=retry_failed
        )

    def deliver_bc_webhooks(self) -> int:
        """BigCommerce's callbacks, POSTed to our API routes (by path, as API Gateway routes)."""
        statuses = self.emulator.deliver_webhooks(
            lambda d: self.runtime.http("POST", urlparse(d.url).path, d.body, d.headers).status
        )
        return len(statuses)

    def advance_clock(self, delta: timedelta) -> None:
        current = float(self.clock_file.read_text())
        self.clock_file.write_text(str(current + delta.total_seconds()))

    def now(self) -> Any:
        from bc_subscriptions.bootstrap import container

        return container().clock.now()

    def fire(self, logical_id: str) -> Any:
        return self.runtime.fire(logical_id, self.now())

    # -- merchant set-up (the install and admin flows of later releases do this) --------------
    def install_store(self, store_hash: str, *, gateway_mode: str = "purchase") -> str:
        """A store that installs the app through OAuth (`/auth`); returns its access token."""
        self.emulator.create_store(
            store_hash, access_token=f"token-{store_hash}", gateway_mode=gateway_mode
        )
        self.install_app(store_hash)
        return str(self.emulator.stores[store_hash].access_token)

    def install_app(self, store_hash: str) -> Any:
        """BigCommerce sends the merchant's browser to `/auth` with a one-time code."""
        code = self.emulator.issue_auth_code(store_hash)
        query = {"code": code, "scope": APP_SCOPES, "context": f"stores/{store_hash}"}
        reply = self.runtime.http("GET", "/auth", query=query)
        if reply.status != 200:
            raise RuntimeError(f"install of {store_hash} failed: {reply.status} {reply.body}")
        return reply

    def register_endpoint(self, store_hash: str, url: str | None = None) -> str:
        from bc_subscriptions.bootstrap import container
        from bc_subscriptions.services.endpoints import register_endpoint

        c = container()
        registered = register_endpoint(
            store_hash,
            url or self.urls["merchant"],
            frozenset({"*"}),
            endpoints=c.endpoints,
            vault=c.vault,
            new_id=lambda: c.new_id("ep"),
            local_mode=True,
        )
        self.receiver.trust(registered.secret)
        return registered.endpoint.endpoint_id

    def put_plan(self, store_hash: str, plan: Any) -> None:
        """The merchant sets the product's plan metafield; capture reads it from there."""
        value = _plan_document(plan)
        self.put_plan_json(store_hash, plan.product_id, value)

    def put_plan_json(self, store_hash: str, product_id: int, value: str) -> None:
        from bc_subscriptions.domain.plan_metafield import KEY, NAMESPACE

        self.emulator.set_product_metafield(store_hash, product_id, NAMESPACE, KEY, value)

    def add_product(self, store_hash: str, product_id: int, name: str, price: str) -> None:
        self.emulator.add_product(
            store_hash, product_id=product_id, name=name, price=Decimal(price)
        )


def _plan_document(plan: Any) -> str:
    """The plan's metafield JSON: the plan without its product (the metafield's resource)."""
    from bc_subscriptions.domain.record import to_json_data

    document = to_json_data(plan)
    document.pop("product_id")
    return json.dumps(document)
