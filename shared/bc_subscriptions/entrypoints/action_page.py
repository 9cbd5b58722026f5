"""The action-link page: `GET` shows what the subscription needs and the shopper's cards,
`POST` (the page's own form) makes the choice. No login: the link's token opens a guest
session for that one subscription and action.

The form is safe from cross-site posts twice over: it carries the guest session (which
another site cannot read from our page, and no cookie carries for it), and a post that the
browser marks as coming from another site, or whose `Origin` is not ours, is refused.
"""

from __future__ import annotations

from typing import cast
from urllib.parse import parse_qs, urlsplit

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from ..bootstrap import container
from ..domain.errors import DomainError
from ..observability import logger
from ..ports.storage import UnitOfWork
from ..services.action_links import LinkState, digest
from ..services.action_recovery import complete_link, view_link
from ..services.action_session import (
    GuestSession,
    InvalidGuestSession,
    open_session,
    verify_session,
)
from ..services.payment_recovery import UnknownInstrument, UnusableInstrument
from . import action_page_html as html

router = Router()  # type: ignore[no-untyped-call]

MAX_TOKEN = 200
MAX_FORM_BYTES = 4096
_STATUS = {LinkState.USED: 410, LinkState.EXPIRED: 410, LinkState.INVALID: 404}
_PROBLEMS = {
    UnknownInstrument: "That card is not one of your stored cards. Choose one from the list.",
    UnusableInstrument: "That card has expired. Choose another, or add one.",
}


def _html(status: int, body: str) -> Response[str]:
    return Response(
        status_code=status,
        content_type="text/html; charset=utf-8",
        body=body,
        headers={
            "Cache-Control": "no-store",
            # The page's address holds the token: it never leaves for another origin.
            "Referrer-Policy": "same-origin",
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        },
    )


@router.get("/action/<store_hash>/<subscription_id>")
def show(store_hash: str, subscription_id: str) -> Response[str]:
    token = router.current_event.get_query_string_value("token") or ""
    if not token or len(token) > MAX_TOKEN:
        return _html(404, html.ended_page(LinkState.INVALID))
    c = container()
    now = c.clock.now()
    view = view_link(
        store_hash, subscription_id, digest(token), uow=_uow(), bc=c.bigcommerce, now=now
    )
    sub, link = view.check.subscription, view.check.link
    if view.check.state != LinkState.OPEN or sub is None or link is None:
        return _html(_STATUS[view.check.state], html.ended_page(view.check.state))
    session = open_session(
        GuestSession(store_hash, subscription_id, link.token_sha256, link.action),
        client_secret=c.client_secret(),
        now=now,
        link_expires_at=link.expires_at,
    )
    return _html(200, html.choice_page(sub, link.action, view.cards, session))


@router.post("/action/<store_hash>/<subscription_id>")
def choose(store_hash: str, subscription_id: str) -> Response[str]:
    if _cross_site():
        return _html(403, html.ended_page(LinkState.INVALID))
    form = _form()
    c = container()
    now = c.clock.now()
    try:
        session = verify_session(
            form.get("session", ""),
            store_hash=store_hash,
            subscription_id=subscription_id,
            client_secret=c.client_secret(),
            now=now,
        )
    except InvalidGuestSession as failure:
        logger.info("action session refused", code=failure.code)
        return _html(403, html.ended_page(LinkState.INVALID))
    try:
        done = complete_link(
            store_hash,
            subscription_id,
            session.link_sha256,
            form.get("instrument_token", "")[:MAX_TOKEN],
            uow_factory=_uow,
            bc=c.bigcommerce,
            queue=c.renewal_queue,
            now=now,
        )
    except (UnknownInstrument, UnusableInstrument, DomainError) as refused:
        problem = _PROBLEMS.get(type(refused), str(refused))
        return _again(store_hash, subscription_id, session, problem)
    if done.state != LinkState.OPEN or done.subscription is None:
        return _html(_STATUS[done.state], html.ended_page(done.state))
    return _html(200, html.done_page(done.subscription, done.retried_cycle is not None))


def _again(
    store_hash: str, subscription_id: str, session: GuestSession, problem: str
) -> Response[str]:
    """The page again with why the choice was refused; nothing changed, the link still open."""
    c = container()
    view = view_link(
        store_hash,
        subscription_id,
        session.link_sha256,
        uow=_uow(),
        bc=c.bigcommerce,
        now=c.clock.now(),
    )
    sub, link = view.check.subscription, view.check.link
    if view.check.state != LinkState.OPEN or sub is None or link is None:
        return _html(_STATUS[view.check.state], html.ended_page(view.check.state))
    fresh = open_session(
        session, client_secret=c.client_secret(), now=c.clock.now(), link_expires_at=link.expires_at
    )
    return _html(422, html.choice_page(sub, link.action, view.cards, fresh, problem))


def _uow() -> UnitOfWork:
    return cast(UnitOfWork, container().unit_of_work())


def _form() -> dict[str, str]:
    body = router.current_event.decoded_body or ""
    if len(body) > MAX_FORM_BYTES:
        return {}
    parsed = parse_qs(body, max_num_fields=10)
    return {key: values[0] for key, values in parsed.items() if values}


def _cross_site() -> bool:
    """A post the browser says came from another site, or from another origin than ours. An
    `Origin` of `null` (privacy settings send it) decides nothing: the session still must."""
    headers = router.current_event.headers
    if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return True
    origin = headers.get("origin")
    if origin is None or origin == "null":
        return False
    return urlsplit(origin).netloc != headers.get("host", "")
