"""A merchant's first day: install (the app opens on its onboarding checklist), a plan picked
from the catalog, the first subscription found by its filters, a refused change, then pause and
resume."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from ..integration.world import PRODUCT_ID
from .conftest import Site, shoot


def _nav(page: Any, name: str) -> None:
    page.get_by_role("navigation").get_by_role("link", name=name, exact=True).click()


def test_from_install_to_a_paused_and_resumed_subscription(site: Site, page: Any) -> None:
    # Given a store with products that has not installed the app yet (no plan, no endpoint)
    store = site.new_store(installed=False)
    # When the merchant installs it and BigCommerce shows the install answer in its frame
    page.goto(site.install_url(store))
    # Then the first thing shown is the onboarding checklist, not the dashboard
    checklist = page.locator("[data-screen=onboarding]")
    expect(checklist).to_be_visible()
    expect(page.locator("[data-screen=dashboard]")).to_have_count(0)
    expect(page.locator("[data-check=hooks][data-state=done]")).to_be_visible()
    shoot(page, "install-onboarding")

    # When the merchant opens the app later from the Apps menu
    page.goto(site.load_url(store))
    expect(page.locator("[data-screen=dashboard]")).to_be_visible()
    # Then the dashboard asks to finish setting up, and nothing is due yet
    expect(page.locator("[data-panel=setup]")).to_be_visible()
    expect(page.get_by_text("No renewal is due in the next 7 days.")).to_be_visible()
    shoot(page, "journey-dashboard-new-store")

    # When the merchant opens the checklist
    page.get_by_role("link", name="Open the checklist").click()
    expect(checklist).to_be_visible()
    # Then hooks are done, a plan and an endpoint are to do, capture waits for an order
    expect(page.locator("[data-check=hooks][data-state=done]")).to_be_visible()
    expect(page.locator("[data-check=plan][data-state=todo]")).to_be_visible()
    expect(page.locator("[data-check=endpoint][data-state=todo]")).to_be_visible()
    expect(page.locator("[data-check=capture][data-state=unknown]")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^\d of 5 done"))).to_be_visible()
    shoot(page, "onboarding")

    # When the merchant follows "Set a plan" and searches the catalog
    page.get_by_role("link", name="Set a plan").click()
    expect(page.locator("[data-screen=plans]")).to_be_visible()
    page.get_by_label("Find a product").fill("coffee")
    page.get_by_role("button", name="Search").click()
    # Then the product is found, without a plan
    result = page.locator("[data-results=catalog]").get_by_role("row", name=re.compile("Coffee"))
    expect(result).to_contain_text("Not read yet")
    expect(page.locator("[data-results=catalog]").get_by_text("Mug")).to_have_count(0)
    shoot(page, "plans-catalog-search")
    # When the merchant opens it and saves the monthly plan the form starts from
    result.get_by_role("link", name="Coffee beans").click()
    expect(page.get_by_text(f"Product #{PRODUCT_ID} has no plan")).to_be_visible()
    first = page.get_by_role("group", name="Cadence 1")
    expect(first.get_by_label("Label", exact=True)).to_have_value("Monthly")
    page.get_by_role("button", name="Save plan").click()
    # Then it is set in BigCommerce, and the checklist counts it
    expect(page.get_by_text("The plan is set in BigCommerce")).to_be_visible()
    shoot(page, "plans-set-from-search")
    _nav(page, "Get started")
    expect(page.locator("[data-check=plan][data-state=done]")).to_be_visible()

    # Given a shopper buys the product
    site.off_loop(store.subscribe)
    # When the merchant filters the list by the product
    _nav(page, "Subscriptions")
    page.get_by_label("Product id").fill(str(PRODUCT_ID))
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(rf"product_id={PRODUCT_ID}"))
    # Then the new subscription is listed
    row_link = page.get_by_role("link", name=re.compile(r"^sub_"))
    expect(row_link).to_have_count(1)
    shoot(page, "subscriptions-filtered")
    # And a filter that matches nothing says so
    page.goto(page.url.split("#")[0] + "#/subscriptions?customer_id=999999")
    expect(page.get_by_text("No subscription matches these filters.")).to_be_visible()
    page.go_back()

    # When the merchant opens it and asks for a quantity the API refuses
    page.get_by_role("link", name=re.compile(r"^sub_")).click()
    expect(page.locator("[data-screen=subscription]")).to_be_visible()
    quantity = page.locator("[data-change=quantity]")
    quantity.get_by_label("Quantity").fill("0")
    quantity.get_by_role("button", name="Change quantity").click()
    # Then the reason is shown beside the field, with the code in words
    expect(quantity.get_by_text("(invalid_request)", exact=False)).to_be_visible()
    expect(quantity.get_by_text(re.compile("greater than or equal to 1"))).to_be_visible()
    shoot(page, "subscription-changes-field-error")

    # When the merchant gives it a contract term and then tries to cancel it now
    contract = page.locator("[data-change=contract]")
    contract.get_by_label("Term ends on").fill("2027-12-31")
    contract.get_by_role("button", name="Set contract term").click()
    expect(page.get_by_text(re.compile(r"^Contract term until Dec 31, 2027"))).to_be_visible()
    page.get_by_role("button", name="Cancel now").click()
    # Then the guard's answer says when a cancel becomes possible, and nothing changed
    expect(
        page.get_by_text(re.compile(r"notice window opens Dec 1, 2027.*contract_notice_period"))
    ).to_be_visible()
    expect(page.locator("[data-status=active]")).to_be_visible()
    shoot(page, "subscription-cancel-guard")

    # When the merchant pauses it and resumes it
    page.get_by_role("button", name="Pause", exact=True).click()
    expect(page.locator("[data-status=paused]")).to_be_visible()
    shoot(page, "journey-subscription-paused")
    page.get_by_role("button", name="Resume", exact=True).click()
    # Then it is active again, and the engine agrees
    expect(page.get_by_text("The subscription is active again.")).to_be_visible()
    expect(page.locator("[data-status=active]")).to_be_visible()
    shoot(page, "journey-subscription-resumed")
    assert store.of_kind("subscription")[0]["status"] == "active"
    assert {"subscription.paused", "subscription.resumed"} <= set(store.event_types())
