"""The merchant in the control panel: open the app, see the store, act on a subscription."""

from __future__ import annotations

import json
import re
from typing import Any

from playwright.sync_api import expect

from bc_subscriptions.bootstrap import container

from .conftest import Site, shoot


def _open(page: Any, site: Site) -> None:
    page.goto(site.load_url())
    expect(page.locator("[data-screen=dashboard]")).to_be_visible()
    expect(page.get_by_role("status")).to_have_count(0)


def test_the_merchant_sees_a_new_subscription_and_pauses_and_resumes_it(
    site: Site, page: Any
) -> None:
    # Given an installed store with no subscription yet
    # When the merchant opens the app from the control panel
    _open(page, site)
    # Then the dashboard says there are none yet
    expect(page.get_by_text("No subscriptions yet")).to_be_visible()
    shoot(page, "dashboard-empty")

    # Given a shopper buys the subscription product
    site.subscribe()
    # When the merchant reloads the app
    _open(page, site)
    # Then the dashboard counts it as active and links to the list
    active = page.get_by_label("Active: 1")
    expect(active).to_be_visible()
    shoot(page, "dashboard")
    active.click()
    expect(page.locator("[data-screen=subscriptions]")).to_be_visible()
    row_link = page.get_by_role("link", name=re.compile(r"^sub_"))
    expect(row_link).to_have_count(1)
    shoot(page, "subscriptions")

    # When the merchant opens the subscription and pauses it
    row_link.click()
    expect(page.locator("[data-screen=subscription]")).to_be_visible()
    expect(page.get_by_text("Coffee beans (#111)")).to_be_visible()
    shoot(page, "subscription")
    page.get_by_role("button", name="Pause", exact=True).click()
    # Then it is paused, and says so
    expect(page.get_by_text("The subscription is paused.")).to_be_visible()
    expect(page.locator("[data-status=paused]")).to_be_visible()
    shoot(page, "subscription-paused")
    # When the merchant resumes it
    page.get_by_role("button", name="Resume", exact=True).click()
    # Then it is active again
    expect(page.get_by_text("The subscription is active again.")).to_be_visible()
    expect(page.locator("[data-status=active]")).to_be_visible()
    # And the engine agrees: the stored subscription is active with both events recorded
    assert site.world.of_kind("subscription")[0]["status"] == "active"
    assert {"subscription.paused", "subscription.resumed"} <= set(site.world.event_types())


def test_the_other_screens_show_their_content(site: Site, page: Any) -> None:
    # Given / When the merchant walks through every section
    _open(page, site)
    for name, link, marker in [
        ("ops-failed-charges", "Ops queues", "[data-screen=ops-failed-charges]"),
        ("webhooks", "Webhooks", "[data-screen=webhooks]"),
        ("settings", "Settings", "[data-screen=settings]"),
    ]:
        page.get_by_role("navigation").get_by_role("link", name=link).click()
        # Then each shows its content, not a spinner or an error
        expect(page.locator(marker)).to_be_visible()
        expect(page.get_by_role("status")).to_have_count(0)
        expect(page.locator("[data-error-code]")).to_have_count(0)
        shoot(page, name)
    page.goto(page.url.split("#")[0] + "#/ops/dead-letters")
    expect(page.get_by_text("Nothing was given up on.")).to_be_visible()
    shoot(page, "ops-dead-letters")


def test_an_invalid_setting_is_shown_beside_its_field_and_nothing_is_saved(
    site: Site, page: Any
) -> None:
    # Given the settings screen
    _open(page, site)
    page.goto(page.url.split("#")[0] + "#/settings")
    field = page.get_by_label("Stuck after (minutes)")
    expect(field).to_be_visible()
    # When the merchant enters a value the API refuses
    field.fill("5")
    page.get_by_role("button", name="Save settings").click()
    # Then the reason is shown with the field and the code in words
    expect(page.get_by_text("Some settings are not valid")).to_be_visible()
    expect(page.get_by_text(re.compile("greater than or equal to 15"))).to_be_visible()
    shoot(page, "settings-field-error")
    # And the store's config is unchanged
    with container().unit_of_work() as uow:
        assert uow.tenant_configs.get(site.world.store_hash).stuck_after_minutes == 60


def test_a_forged_payload_shows_the_reload_page(site: Site, page: Any) -> None:
    # Given / When the iframe opens /load with a payload signed by someone else
    jwt = site.world.emulator.signed_payload(site.world.store_hash, client_secret="forged")
    page.goto(f"{site.base}/load?signed_payload_jwt={jwt}")
    # Then it asks to reload the app, with the reason's code
    expect(page.get_by_role("heading", name="Please reload the app")).to_be_visible()
    expect(page.locator("[data-error=invalid_signed_payload]")).to_be_visible()
    shoot(page, "reload-forged-payload")


def test_a_session_that_ends_while_the_app_is_open_shows_the_reload_page(
    site: Site, page: Any
) -> None:
    # Given the app is open
    _open(page, site)
    # When the API refuses its session from now on (as it does once the token expired)
    page.route(
        "**/admin/**",
        lambda route: route.fulfill(
            status=401,
            content_type="application/json",
            body='{"error": "unauthorized", "message": "session token: expired"}',
        ),
    )
    page.evaluate("window.location.hash = '#/subscriptions'")
    # Then the app asks to reload, never a blank frame
    expect(page.get_by_text("Please reload the app")).to_be_visible()
    expect(page.locator("[data-screen=reload]")).to_be_visible()
    shoot(page, "reload-session-ended")


def _plan_in_bigcommerce(site: Site) -> dict[str, Any]:
    """The plan metafield of the subscription product, as BigCommerce holds it."""
    store = site.world.emulator.stores[site.world.store_hash]
    [value] = [m["value"] for m in store.metafields[111].values() if m["key"] == "plan"]
    return dict(json.loads(value))


def test_the_merchant_sets_a_plan_through_its_form_and_sees_each_refusal_beside_its_field(
    site: Site, page: Any
) -> None:
    # Given the plan of the subscription product, shown field by field
    _open(page, site)
    page.goto(page.url.split("#")[0] + "#/plans/111")
    first = page.get_by_role("group", name="Cadence 1")
    expect(first.get_by_label("Label", exact=True)).to_have_value("Monthly")
    # When the merchant adds a cadence every 2 weeks and a volume tier, and saves
    page.get_by_role("button", name="Add a cadence").click()
    second = page.get_by_role("group", name="Cadence 2")
    second.get_by_label("Label", exact=True).fill("Every 2 weeks")
    second.get_by_role("combobox", name="Interval").click()
    page.get_by_role("option", name="week", exact=True).click()
    second.get_by_label("Every (intervals)").fill("2")
    page.get_by_role("button", name="Add a tier").click()
    tier = page.get_by_role("group", name="Tier 1")
    tier.get_by_label("From quantity").fill("3")
    tier.get_by_label("Discount (%)").fill("5")
    page.get_by_label("Trial (days)").fill("14")
    page.get_by_role("button", name="Save plan").click()
    # Then it is set in BigCommerce with both cadences and the tier
    expect(page.get_by_text("The plan is set in BigCommerce")).to_be_visible()
    shoot(page, "plans")
    plan = _plan_in_bigcommerce(site)
    assert [c["label"] for c in plan["cadences"]] == ["Monthly", "Every 2 weeks"]
    assert (plan["cadences"][1]["interval"], plan["cadences"][1]["interval_count"]) == ("week", 2)
    assert [(t["min_quantity"], float(t["discount_percent"])) for t in plan["tiers"]] == [(3, 5)]
    assert plan["trial_days"] == 14

    # When the merchant asks for a tier from 1 unit and a trial of 400 days
    tier.get_by_label("From quantity").fill("1")
    page.get_by_label("Trial (days)").fill("400")
    page.get_by_role("button", name="Save plan").click()
    # Then each reason is shown beside its own field, with the code above the form
    expect(page.get_by_text(re.compile(r"\(invalid_plan\)"))).to_be_visible()
    expect(tier.get_by_text(re.compile("greater than or equal to 2"))).to_be_visible()
    trial = page.locator("[data-field=trial_days]")
    expect(trial.get_by_text(re.compile("less than or equal to 365"))).to_be_visible()
    expect(page.get_by_role("group", name="Cadence 1").get_by_text("Input should")).to_have_count(0)
    shoot(page, "plans-invalid")
    # And BigCommerce still holds the plan saved before
    assert _plan_in_bigcommerce(site) == plan

    # When the merchant removes the tier and puts the trial back, and saves
    tier.get_by_role("button", name="Remove tier 1").click()
    expect(page.get_by_role("group", name="Tier 1")).to_have_count(0)
    page.get_by_label("Trial (days)").fill("0")
    page.get_by_role("button", name="Save plan").click()
    # Then the plan is set without tiers
    expect(page.get_by_text("The plan is set in BigCommerce")).to_be_visible()
    expect(page.get_by_text("greater than or equal to 2")).to_have_count(0)


def test_a_new_endpoints_secret_is_shown_once_and_its_delivery_log_opens(
    site: Site, page: Any
) -> None:
    # Given a subscription whose created event was delivered, and the webhooks screen
    site.subscribe()
    _open(page, site)
    page.get_by_role("navigation").get_by_role("link", name="Webhooks").click()
    # When the merchant adds an endpoint
    page.get_by_label("URL").fill("https://merchant.example.test/other-hooks")
    page.get_by_role("button", name="Add endpoint").click()
    # Then its signing secret is shown, once
    expect(page.get_by_text(re.compile(r"^whsec_"))).to_be_visible()
    shoot(page, "webhooks-added")
    # When the merchant opens the first endpoint's delivery log
    page.get_by_role("link", name=site.stack.urls["merchant"]).click()
    # Then its log and the replay form are shown, without an error
    expect(page.locator("[data-screen=deliveries]")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^Delivery log of ep_"))).to_be_visible()
    expect(page.get_by_role("status")).to_have_count(0)
    expect(page.locator("[data-error-code]")).to_have_count(0)
    expect(page.get_by_role("button", name="Replay")).to_be_visible()
    delivered = page.get_by_role("row", name=re.compile(r"subscription\.created .* delivered 200"))
    expect(delivered.first).to_be_visible()
    shoot(page, "deliveries")


def test_settings_store_only_what_differs_from_the_preset(site: Site, page: Any) -> None:
    # Given the settings screen of a new store on the standard preset
    store = site.new_store()
    page.goto(site.load_url(store) + "#/settings")
    field = page.get_by_label("Stuck after (minutes)")
    expect(field).to_be_visible()
    # When the merchant changes one value and saves
    field.fill("90")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()
    shoot(page, "settings-saved")
    # Then the store's overrides hold that value alone, not every value shown
    (item,) = store.of_kind("tenant_config")
    assert json.loads(str(item["overrides"])) == {"preset": "standard", "stuck_after_minutes": 90}
