"""The shopper follows a declined renewal's action link: no login, choose a card, paid again."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar
from urllib.parse import urlsplit

from playwright.sync_api import expect

from .conftest import Site, shoot

T = TypeVar("T")


def _local(site: Site, url: str) -> str:
    """The link as sent, on the local API's address instead of the deployment's."""
    parts = urlsplit(url)
    return f"{site.base}{parts.path}?{parts.query}"


def _off_loop(work: Callable[[], T]) -> T:
    """Run stack work on a thread of its own: Playwright's sync API keeps an event loop
    running on this one, and the merchant webhook sender runs its own."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def _sub(site: Site, sub_id: str) -> dict[str, Any]:
    [sub] = [s for s in site.world.of_kind("subscription") if s["subscription_id"] == sub_id]
    return sub


def test_a_declined_renewals_action_link_recovers_it(site: Site, page: Any) -> None:
    # Given a shopper whose card expired before the renewal, and the link the merchant sent
    world = site.world
    customer, _ = _off_loop(world.subscribe)
    world.emulator.set_card_behavior(world.store_hash, customer.instrument_token, "expired")
    _off_loop(world.renew)
    [sent] = [
        r.body["data"]
        for r in world.stack.receiver.received
        if r.event_type == "payment_method.required" and r.body["data"].get("order_id")
    ]
    url, sub_id = _local(site, sent["action_url"]), sent["subscription_id"]
    assert _sub(site, sub_id)["status"] == "requires_action"

    # When the shopper opens it with no other card stored
    page.goto(url)
    # Then the page says what is needed and where to add a card
    expect(page.get_by_role("heading", name="Your subscription needs a card")).to_be_visible()
    expect(page.get_by_text("the card has expired")).to_be_visible()
    expect(page.get_by_text("You have no card that can pay it.")).to_be_visible()
    expect(page.get_by_text("Payment methods")).to_be_visible()
    shoot(page, "action-link-no-card")

    # When they save a new card in the storefront and come back to the link
    world.emulator.replace_card(world.store_hash, customer.id)
    page.goto(url)
    # Then the card is offered, and choosing it pays the waiting renewal
    card = page.get_by_role("radio", name="Visa ending 4242")
    expect(card).to_be_checked()
    shoot(page, "action-link-choose")
    page.get_by_role("button", name="Use this card and pay").click()
    expect(page.get_by_role("heading", name="Your card is saved")).to_be_visible()
    shoot(page, "action-link-done")
    _off_loop(world.stack.pump)
    sub = _sub(site, sub_id)
    assert sub["status"] == "active" and json.loads(sub["doc"])["next_cycle"] == 3
    [order] = world.renewal_orders()
    paid = [t for t in world.emulator.transactions(world.store_hash, order["id"])]
    assert [t["status"] for t in paid] == ["error", "ok"]

    # When the link is followed again, or a forged one
    page.goto(url)
    # Then each says so, and nothing changes
    expect(page.get_by_role("heading", name="This link has already been used")).to_be_visible()
    shoot(page, "action-link-used")
    page.goto(url.split("token=")[0] + "token=" + "x" * 43)
    expect(page.get_by_role("heading", name="This link is not valid")).to_be_visible()
    shoot(page, "action-link-invalid")
    assert _sub(site, sub_id) == sub
