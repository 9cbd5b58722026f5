"""A company buyer's portal list, page by page: their own subscriptions, then the rest of their
company's from the company index, `limit` at a time under one cursor."""

from __future__ import annotations

from typing import Any

import msgspec

from bc_subscriptions.domain.company import CompanyMembership

from .b2b import company, enrollment, on_b2b
from .world import ApiWorld

ADMIN, JUNIOR = 0, 2


def _buyer(world: ApiWorld, company_id: int, role: int) -> tuple[int, str]:
    customer = world.shopper("ok")
    world.emulator.add_buyer(world.store_hash, company_id, customer.id, role=role)
    return customer.id, str(world.emulator.current_customer_jwt(world.store_hash, customer.id))


def _enrolled(world: ApiWorld, customer_id: int) -> str:
    reply = world.call("POST", "/admin/enrollments", world.session_token(), enrollment(customer_id))
    assert reply.status == 200, reply.body
    return str(reply.json()["subscription"]["id"])


def _copies(world: ApiWorld, sub_id: str, count: int) -> list[str]:
    """`count` more subscriptions of the same company, stored as the original is."""
    with world.stack.uow() as uow:
        original = uow.subscriptions.get(world.store_hash, sub_id)
    assert original is not None
    ids = [f"{sub_id}_{n:03d}" for n in range(count)]
    for copy_id in ids:
        with world.stack.uow() as uow:
            uow.subscriptions.add(msgspec.structs.replace(original, id=copy_id))
            uow.commit()
    return ids


def _move(world: ApiWorld, sub_id: str, company_id: int) -> None:
    with world.stack.uow() as uow:
        sub = uow.subscriptions.get(world.store_hash, sub_id)
        assert sub is not None
        uow.subscriptions.save(
            msgspec.structs.replace(sub, company=CompanyMembership(company_id=company_id))
        )
        uow.commit()


def _page(world: ApiWorld, token: str, **query: str) -> Any:
    return world.call("GET", "/portal/subscriptions", token, query=query)


def _all_pages(world: ApiWorld, token: str, limit: int) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        query = {"limit": str(limit)} | ({} if cursor is None else {"cursor": cursor})
        reply = _page(world, token, **query)
        assert reply.status == 200, reply.body
        pages.append([item["id"] for item in reply.json()["items"]])
        cursor = reply.json()["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 20, "the cursor never ended"


def test_a_company_of_250_subscriptions_pages_in_fifties_without_duplicates_or_gaps(
    world: ApiWorld,
) -> None:
    # Given a company admin who owns one of its 250 subscriptions, a junior buyer the rest
    on_b2b(world)
    acme = company(world, "Acme")
    junior, _ = _buyer(world, acme, JUNIOR)
    admin, admin_token = _buyer(world, acme, ADMIN)
    own = _enrolled(world, admin)
    theirs = _enrolled(world, junior)
    company_ids = [own, theirs, *_copies(world, theirs, 248)]
    # When the admin reads the list 50 at a time
    pages = _all_pages(world, admin_token, 50)
    # Then no page is longer than 50, their own comes first, and every one comes exactly once
    listed = [sub_id for page in pages for sub_id in page]
    assert all(len(page) <= 50 for page in pages)
    assert [len(page) for page in pages[:5]] == [50, 50, 50, 50, 50]
    assert listed[0] == own
    assert len(listed) == len(set(listed)) == 250
    assert set(listed) == set(company_ids)


def test_a_subscription_that_left_the_company_is_skipped_and_the_page_still_fills(
    world: ApiWorld,
) -> None:
    # Given a company of six subscriptions, the second of which moved to another company since
    on_b2b(world)
    acme, globex = company(world, "Acme"), company(world, "Globex")
    junior, _ = _buyer(world, acme, JUNIOR)
    _, admin_token = _buyer(world, acme, ADMIN)
    first = _enrolled(world, junior)
    ids = sorted([first, *_copies(world, first, 5)])
    _move(world, ids[1], globex)
    # When the admin reads the list three at a time
    pages = _all_pages(world, admin_token, 3)
    # Then the moved one is not listed, and the first page is still full
    assert pages[0] == [ids[0], ids[2], ids[3]]
    assert [sub_id for page in pages for sub_id in page] == [ids[0], *ids[2:]]


def test_another_companys_buyer_sees_none_of_the_companys_subscriptions_nor_follows_its_cursor(
    world: ApiWorld,
) -> None:
    # Given a company with three subscriptions, a cursor into them, and another company's admin
    on_b2b(world)
    acme, globex = company(world, "Acme"), company(world, "Globex")
    junior, _ = _buyer(world, acme, JUNIOR)
    _, acme_admin = _buyer(world, acme, ADMIN)
    first = _enrolled(world, junior)
    _copies(world, first, 2)
    cursor = _page(world, acme_admin, limit="1").json()["next_cursor"]
    assert cursor is not None
    _, globex_admin = _buyer(world, globex, ADMIN)
    # When the other company's admin lists, and follows the first company's cursor
    listed = _page(world, globex_admin)
    followed = _page(world, globex_admin, cursor=cursor)
    # Then they see nothing of the first company's and the cursor is refused
    assert (listed.status, listed.json()["items"]) == (200, [])
    assert (followed.status, followed.json()["error"]) == (400, "invalid_cursor")


def test_a_bad_cursor_or_limit_is_refused_with_a_machine_readable_error(world: ApiWorld) -> None:
    # Given a company buyer
    on_b2b(world)
    acme = company(world, "Acme")
    _, token = _buyer(world, acme, ADMIN)
    # When they list with a cursor no listing handed out, or a limit outside 1-100
    forged = _page(world, token, cursor="company.bm90LWEtY3Vyc29y")
    garbage = _page(world, token, cursor="%%%")
    limits = [_page(world, token, limit=limit) for limit in ("0", "101", "many")]
    # Then each is refused, the cursor as not handed out, the limit as invalid input
    assert (forged.status, forged.json()["error"]) == (400, "invalid_cursor")
    assert (garbage.status, garbage.json()["error"]) == (400, "invalid_cursor")
    assert [reply.status for reply in limits] == [422, 422, 422]
    assert all("error" in reply.json() for reply in limits)
