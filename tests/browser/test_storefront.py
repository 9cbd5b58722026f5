"""The shopper on the storefront: the account page loads the script the install registered,
which shows their subscriptions and changes them through the portal API."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from devstack.stack import APP_BASE_URL

from .conftest import Site, shoot


def _sign_in(page: Any, site: Site, email: str) -> None:
    # The storefront on the emulator's origin; our script comes from the API's (cross-origin).
    site.stack.emulator.serve_app_host(APP_BASE_URL, site.base)
    page.goto(f"{site.stack.urls['bigcommerce']}/login.php")
    page.get_by_label("Store").fill(site.world.store_hash)
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My subscriptions")).to_be_visible()
    expect(page.locator("[aria-busy=true]")).to_have_count(0)


def _subscription_of(site: Site, customer_id: int) -> dict[str, Any]:
    [sub] = [s for s in site.world.of_kind("subscription") if s["customer_id"] == customer_id]
    return sub


def test_a_shopper_sees_their_subscription_skips_a_cycle_and_cancels(site: Site, page: Any) -> None:
    # Given a shopper who bought the subscription product
    customer, _ = site.world.subscribe()
    sub_id = _subscription_of(site, customer.id)["subscription_id"]
    # When they open their account page on the storefront
    _sign_in(page, site, customer.email)
    # Then their subscription is shown with what it renews
    article = page.locator(f"[data-subscription-id={sub_id}]")
    expect(article).to_have_attribute("data-status", "active")
    expect(article.get_by_role("heading", name="Coffee beans \u00d7 2")).to_be_visible()
    expect(article).to_contain_text("Active · Monthly · next renewal")
    expect(page.locator("[data-card='4242']")).to_contain_text("Visa ending 4242")
    shoot(page, "storefront-account")

    # When they skip the next delivery
    article.get_by_role("button", name="Skip next delivery").click()
    # Then the page says so and the engine skipped the cycle
    expect(page.get_by_text("The next delivery is skipped.")).to_be_visible()
    assert "subscription.cycle_skipped" in site.world.event_types()
    shoot(page, "storefront-skipped")

    # When they open the cancel flow, see its choices, and cancel now
    article.get_by_role("button", name="Cancel subscription…").click()
    flow = page.locator("[data-cancel-flow]")
    expect(flow.get_by_label(re.compile("Now: nothing"))).to_be_checked()
    expect(flow.get_by_label(re.compile("At the end of this period"))).to_be_visible()
    shoot(page, "storefront-cancel-flow")
    flow.get_by_role("button", name="Confirm cancellation").click()
    # Then it is cancelled, on the page and in the engine
    expect(page.get_by_text("Your subscription is cancelled.")).to_be_visible()
    expect(article).to_have_attribute("data-status", "cancelled")
    expect(article.get_by_role("button")).to_have_count(0)
    assert _subscription_of(site, customer.id)["status"] == "cancelled"
    shoot(page, "storefront-cancelled")


def test_another_shopper_never_sees_the_first_shoppers_subscription(site: Site, page: Any) -> None:
    # Given two shoppers of the store, each with a subscription
    first, _ = site.world.subscribe()
    second, _ = site.world.subscribe()
    theirs = _subscription_of(site, first.id)["subscription_id"]
    mine = _subscription_of(site, second.id)["subscription_id"]
    # When the second opens their account page
    _sign_in(page, site, second.email)
    # Then only their own subscription is on it
    expect(page.locator(f"[data-subscription-id={mine}]")).to_be_visible()
    expect(page.locator("[data-subscription-id]")).to_have_count(1)
    expect(page.locator(f"[data-subscription-id={theirs}]")).to_have_count(0)
    shoot(page, "storefront-second-shopper")
    # And asking the portal API for the first shopper's subscription with their own token
    # (what a curious shopper could do from the browser console) reveals nothing
    answers = page.evaluate(
        """async ([api, clientId, id]) => {
            const own = await fetch(`/customer/current.jwt?app_client_id=${clientId}`);
            const jwt = await own.text();
            const headers = {authorization: `Bearer ${jwt}`, "content-type": "application/json"};
            const read = await fetch(`${api}/portal/subscriptions/${id}`, {headers});
            const cancel = await fetch(`${api}/portal/subscriptions/${id}/cancel`,
                {method: "POST", headers, body: "{}"});
            return [read.status, (await read.json()).error, cancel.status];
        }""",
        [site.base, site.world.emulator.client_id, theirs],
    )
    assert answers == [404, "not_found", 404]
    assert _subscription_of(site, first.id)["status"] == "active"


def test_a_signed_out_visitor_is_sent_to_sign_in_and_the_api_refuses_them(
    site: Site, page: Any
) -> None:
    # Given / When a visitor who is not signed in opens the account page
    site.stack.emulator.serve_app_host(APP_BASE_URL, site.base)
    page.goto(f"{site.stack.urls['bigcommerce']}/account.php")
    # Then the storefront asks them to sign in, and has no token for them
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    status = page.evaluate(
        "async (id) => (await fetch(`/customer/current.jwt?app_client_id=${id}`)).status",
        site.world.emulator.client_id,
    )
    assert status == 404
