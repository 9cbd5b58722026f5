"""The action-link page through the API, for every state of its token: open, used, expired,
forged; and its form post: the guest session, cross-site refusal, a card it cannot take."""

import json
import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from bc_subscriptions.services.action_links import digest
from bc_subscriptions.services.action_session import GuestSession, open_session

from .world import World

HOST = {"host": "bcs.local.test"}


def _declined(world: World, behavior: str = "expired") -> Any:
    customer, _ = world.subscribe()
    world.emulator.set_card_behavior(world.store_hash, customer.instrument_token, behavior)
    world.renew()
    return customer


def _link(world: World, event_type: str = "payment_method.required") -> str:
    [url] = [
        r.body["data"]["action_url"]
        for r in world.stack.receiver.received
        if r.event_type == event_type
    ]
    return str(url)


def _get(world: World, url: str) -> Any:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    return world.stack.runtime.http("GET", parts.path, b"", dict(HOST), query)


def _post(world: World, url: str, form: dict[str, str], **headers: str) -> Any:
    body = urlencode(form).encode()
    sent = {**HOST, "content-type": "application/x-www-form-urlencoded", **headers}
    return world.stack.runtime.http("POST", urlsplit(url).path, body, sent)


def _session(page: str) -> str:
    found = re.search(r'name="session" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def _doc(world: World) -> dict[str, Any]:
    [sub] = world.of_kind("subscription")
    return dict(json.loads(sub["doc"]))


def _payments(world: World) -> int:
    return sum(
        t["status"] == "ok"
        for o in world.renewal_orders()
        for t in world.emulator.transactions(world.store_hash, o["id"])
    )


def test_the_link_is_a_full_url_on_our_api_naming_the_subscription(world: World) -> None:
    # Given / When a hard decline
    _declined(world)
    # Then the merchant received a link to our API's stable page for that subscription
    url = urlsplit(_link(world))
    assert (url.scheme, url.netloc) == ("https", "bcs.local.test")
    assert url.path == f"/action/{world.store_hash}/{_doc(world)['id']}"
    assert len(parse_qs(url.query)["token"][0]) >= 32


def test_an_open_link_shows_what_is_needed_and_the_shoppers_cards(world: World) -> None:
    # Given a hard decline, and a new card the shopper saved since
    customer = _declined(world)
    world.emulator.replace_card(world.store_hash, customer.id)
    # When the link is opened
    reply = _get(world, _link(world))
    # Then the page names the subscription and the decline, lists the card, and changes nothing
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/html")
    assert "frame-ancestors 'none'" in reply.headers["Content-Security-Policy"]
    assert reply.headers["Cache-Control"] == "no-store"
    assert "Coffee beans" in reply.body and "the card has expired" in reply.body
    assert "Visa ending 4242" in reply.body and 'name="session"' in reply.body
    assert "Payment methods" in reply.body
    assert _doc(world)["status"] == "requires_action"
    assert _doc(world)["action_link"]["used_at"] is None


def test_choosing_a_card_on_the_page_pays_the_cycle_and_spends_the_link(world: World) -> None:
    # Given an open link and a new card
    customer = _declined(world)
    new_token = world.emulator.replace_card(world.store_hash, customer.id)
    url = _link(world)
    session = _session(_get(world, url).body)
    # When the shopper chooses it
    reply = _post(world, url, {"session": session, "instrument_token": new_token})
    world.stack.pump()
    # Then the cycle is paid, and the link and its session are spent
    assert reply.status == 200 and "Your card is saved" in reply.body
    assert _payments(world) == 1 and _doc(world)["status"] == "active"
    again = _post(world, url, {"session": session, "instrument_token": new_token})
    assert again.status == 410 and "already been used" in again.body
    reopened = _get(world, url)
    assert reopened.status == 410 and "already been used" in reopened.body
    assert _payments(world) == 1


def test_an_expired_link_gets_a_clear_page_and_changes_nothing(world: World) -> None:
    # Given a link past its action_link_ttl_hours (72 by default)
    _declined(world)
    url = _link(world)
    world.stack.advance_clock(timedelta(hours=73))
    before = _doc(world)
    # When / Then
    reply = _get(world, url)
    assert reply.status == 410 and "expired" in reply.body
    assert _doc(world) == before


def test_a_forged_or_foreign_token_gets_a_clear_page_and_changes_nothing(world: World) -> None:
    # Given
    _declined(world)
    url = _link(world)
    before = _doc(world)
    forged = url.split("token=")[0] + "token=" + "A" * 43
    other_sub = url.replace(_doc(world)["id"], "sub_someone_else")
    other_store = url.replace(f"/action/{world.store_hash}/", "/action/someotherstore/")
    assert other_store != url
    # When / Then
    for tried in (forged, other_sub, other_store, url.split("?")[0], url + "x" * 300):
        reply = _get(world, tried)
        assert reply.status == 404 and "not valid" in reply.body, tried
    assert _doc(world) == before


def test_a_cross_site_post_or_a_forged_session_changes_nothing(world: World) -> None:
    # Given an open link's session and a new card
    customer = _declined(world)
    new_token = world.emulator.replace_card(world.store_hash, customer.id)
    url = _link(world)
    session = _session(_get(world, url).body)
    form = {"session": session, "instrument_token": new_token}
    sub_id = _doc(world)["id"]
    forged = open_session(
        GuestSession(world.store_hash, sub_id, digest("guess"), "new_card"),
        client_secret="not-our-secret",
        now=world.stack.now(),
        link_expires_at=world.stack.now() + timedelta(hours=1),
    )
    # When / Then
    assert _post(world, url, form, **{"sec-fetch-site": "cross-site"}).status == 403
    assert _post(world, url, form, origin="https://evil.example").status == 403
    assert _post(world, url, {"session": forged, "instrument_token": new_token}).status == 403
    assert _post(world, url, {"instrument_token": new_token}).status == 403
    world.stack.pump()
    assert _payments(world) == 0 and _doc(world)["status"] == "requires_action"
    assert _doc(world)["action_link"]["used_at"] is None


def test_a_card_the_page_cannot_take_is_refused_beside_the_form_and_the_link_stays_open(
    world: World,
) -> None:
    # Given an open link, with only the declined card stored: nothing to choose yet
    customer = _declined(world)
    url = _link(world)
    page = _get(world, url).body
    assert "no card that can pay it" in page and 'name="session"' not in page
    # When the shopper saves a card, but a token that is not theirs is posted
    new_token = world.emulator.replace_card(world.store_hash, customer.id)
    session = _session(_get(world, url).body)
    reply = _post(world, url, {"session": session, "instrument_token": "not-theirs"})
    # Then the page says why, nothing changed, and the link still takes their own card
    assert reply.status == 422 and "not one of your stored cards" in reply.body
    assert _doc(world)["action_link"]["used_at"] is None
    assert _post(world, url, {"session": session, "instrument_token": new_token}).status == 200
