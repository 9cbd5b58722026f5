"""Browser tests: Debian's Chromium, driven by Playwright, against the local stack as servers.

The app is served as API Gateway would serve it (`make dev`'s API server on a free port), and
each screen is photographed into tests/browser/screenshots/ for review.
"""

from __future__ import annotations

import itertools
import shutil
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

import pytest
from werkzeug.serving import make_server

from devstack.dev import api_app
from devstack.stack import APP_SCOPES, LocalStack

from ..integration.world import ONE_TIME_PRODUCT_ID, PRODUCT_ID, World

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

T = TypeVar("T")
_fresh = itertools.count(1)

if not Path(CHROMIUM).is_file():
    pytest.skip(
        "Chromium is not installed (apt-get install -y chromium; .ci/run installs it)",
        allow_module_level=True,
    )


class Site:
    """The local stack's API on localhost, a store with the app installed, and a browser."""

    def __init__(self, stack: LocalStack, world: World, base: str, browser: Any) -> None:
        self.stack, self.world, self.base, self.browser = stack, world, base, browser

    def off_loop(self, work: Callable[[], T]) -> T:
        """Run store-side work (a checkout, the pipeline) on a thread of its own.

        Playwright's sync API keeps an asyncio loop running on the test's thread, and the
        merchant webhook worker starts its own loop with `asyncio.run`, which refuses to run
        inside another: pumped from the test's thread, every delivery failed and the delivery
        log stayed empty. Lambda never has a loop running, so the harness moves, not the code.
        """
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(work).result()

    def subscribe(self) -> tuple[Any, dict[str, Any]]:
        """A shopper buys the subscription product and the pipeline settles."""
        return self.off_loop(self.world.subscribe)

    def new_store(self, *, installed: bool = True) -> World:
        """A store that just installed the app: hooks registered, products, no plan yet; or,
        not `installed`, a store with the products that has yet to install it."""

        def install() -> World:
            store_hash = f"fresh{next(_fresh)}"
            if installed:
                self.stack.install_store(store_hash)
            else:
                self.stack.emulator.create_store(store_hash, access_token=f"token-{store_hash}")
            self.stack.add_product(store_hash, PRODUCT_ID, "Coffee beans", "25.00")
            self.stack.add_product(store_hash, ONE_TIME_PRODUCT_ID, "Mug", "12.00")
            return World(self.stack, store_hash)

        return self.off_loop(install)

    def install_url(self, world: World) -> str:
        """Where BigCommerce sends the installing merchant's frame: `/auth` with a fresh code."""
        code = self.world.emulator.issue_auth_code(world.store_hash)
        query = {"code": code, "scope": APP_SCOPES, "context": f"stores/{world.store_hash}"}
        return f"{self.base}/auth?{urlencode(query)}"

    def load_url(self, world: World | None = None) -> str:
        store_hash = (world or self.world).store_hash
        jwt = self.world.emulator.signed_payload(store_hash)
        return f"{self.base}/load?signed_payload_jwt={jwt}"


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    from playwright.sync_api import expect, sync_playwright

    # Every API call runs a handler against moto on a shared machine: allow for it.
    expect.set_options(timeout=20_000)

    with LocalStack(server=True) as stack:
        world = World.create(stack)  # installs the app through /auth, as BigCommerce does
        server = make_server("127.0.0.1", 0, api_app(stack), threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        SCREENSHOTS.mkdir(exist_ok=True)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
                )
                try:
                    yield Site(stack, world, f"http://127.0.0.1:{server.server_port}", browser)
                finally:
                    browser.close()
        finally:
            server.shutdown()


@pytest.fixture
def page(site: Site) -> Iterator[Any]:
    context = site.browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert errors == [], f"the page threw: {errors}"


def shoot(page: Any, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
