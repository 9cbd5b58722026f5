"""A merchant gives a second customer the manager role in the control panel, and the portal
shows that customer the subscription with only what a manager may do."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from devstack.stack import APP_BASE_URL

from .conftest import Site, shoot


def test_the_merchant_adds_a_manager_and_the_portal_shows_the_manager_their_actions(
    site: Site, page: Any
) -> None:
    # Given a shopper's subscription and another customer of the store
    owner, _ = site.subscribe()
    [sub] = [s for s in site.world.of_kind("subscription") if s["customer_id"] == owner.id]
    manager = site.off_loop(lambda: site.world.shopper(None))

    # When the merchant opens the subscription and adds that customer as manager
    page.goto(site.load_url() + f"#/subscriptions/{sub['subscription_id']}")
    actors = page.locator("[data-panel=actors]")
    expect(actors.get_by_label("Customer id")).to_be_visible()
    actors.get_by_label("Customer id").fill(str(manager.id))
    actors.get_by_role("button", name="Add").click()
    # Then the panel says so and lists them as manager
    expect(actors.get_by_text(f"Customer #{manager.id} is now manager.")).to_be_visible()
    expect(actors.get_by_role("row").filter(has_text=f"#{manager.id}")).to_contain_text("Manager")
    shoot(page, "subscription-actors-manager-added")
    assert "subscription.actor_added" in site.world.event_types()

    # When the manager signs in on the storefront
    site.stack.emulator.serve_app_host(APP_BASE_URL, site.base)
    page.goto(f"{site.stack.urls['bigcommerce']}/login.php")
    page.get_by_label("Store").fill(site.world.store_hash)
    page.get_by_label("Email").fill(manager.email)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My subscriptions")).to_be_visible()
    expect(page.locator("[aria-busy=true]")).to_have_count(0)
    # Then they see the owner's subscription as its manager, with a manager's actions only
    article = page.locator(f"[data-subscription-id={sub['subscription_id']}]")
    expect(article.locator("[data-roles]")).to_have_text("You are its manager.")
    expect(article.get_by_role("button", name="Skip next delivery")).to_be_visible()
    expect(article.get_by_role("button", name="Pause")).to_be_visible()
    expect(article.get_by_role("button", name="Cancel subscription…")).to_be_visible()
    # And no card to choose: only the payer's cards pay, and the store did not allow managers
    expect(page.locator(".bcs-payment")).to_have_count(0)
    # And every read the page makes for them answers (its custom fields too)
    expect(article.locator("[data-fields-error]")).to_have_count(0)
    shoot(page, "storefront-manager")
