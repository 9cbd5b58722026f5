"""The shopper on the storefront: the account page loads the script the install registered,
which shows their subscriptions and changes them through the portal API."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from playwright.sync_api import expect

from bc_subscriptions.bootstrap import container
from bc_subscriptions.domain.scheduled_change import ChangeKind
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


def _stored(site: Site, sub_id: str) -> Any:
    with container().unit_of_work() as uow:
        return uow.subscriptions.get(site.world.store_hash, sub_id)


def test_a_shopper_sees_their_subscription_skips_a_cycle_and_cancels(site: Site, page: Any) -> None:
    # Given a shopper who bought the subscription product
    customer, _ = site.subscribe()
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


def test_a_shopper_pauses_until_a_date_resumes_and_reads_why_a_second_cancel_is_refused(
    site: Site, page: Any
) -> None:
    # Given a shopper with a subscription on their account page
    customer, _ = site.subscribe()
    sub_id = _subscription_of(site, customer.id)["subscription_id"]
    _sign_in(page, site, customer.email)
    article = page.locator(f"[data-subscription-id={sub_id}]")
    # When they pause it until a day a month from the stack's today
    resume_on = (site.stack.now() + timedelta(days=30)).date()
    article.get_by_label("Resume on (optional)").fill(resume_on.isoformat())
    article.get_by_role("button", name="Pause").click()
    # Then it is paused until then
    expect(article).to_have_attribute("data-status", "paused")
    expect(article).to_contain_text("Paused until")
    resume_at = _stored(site, sub_id).scheduled_at(ChangeKind.RESUME)
    assert resume_at is not None and resume_at.date() == resume_on
    shoot(page, "storefront-paused")
    # When they resume it
    article.get_by_role("button", name="Resume").click()
    expect(article).to_have_attribute("data-status", "active")
    # And ask twice to cancel at the end of the period
    for _ in range(2):
        article.get_by_role("button", name="Cancel subscription…").click()
        page.locator("[data-cancel-flow]").get_by_label(re.compile("At the end")).check()
        page.get_by_role("button", name="Confirm cancellation").click()
        expect(page.locator("[aria-busy=true]")).to_have_count(0)
    # Then the second is refused, in words, with the API's code
    alert = page.get_by_role("alert")
    expect(alert).to_have_text("This subscription already ends with its current period.")
    expect(alert).to_have_attribute("data-error-code", "cancel_already_scheduled")
    expect(article).to_contain_text("it will not renew")
    shoot(page, "storefront-refused")
    # When they keep it after all
    article.get_by_role("button", name="Keep my subscription").click()
    expect(page.get_by_text("Your subscription will keep renewing.")).to_be_visible()
    assert _stored(site, sub_id).scheduled_at(ChangeKind.CANCEL) is None


def test_another_shopper_never_sees_the_first_shoppers_subscription(site: Site, page: Any) -> None:
    # Given two shoppers of the store, each with a subscription
    first, _ = site.subscribe()
    second, _ = site.subscribe()
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
