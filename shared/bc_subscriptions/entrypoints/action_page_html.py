"""The action-link page as HTML: server-rendered, no script, every value escaped."""

from __future__ import annotations

from html import escape

from ..domain.subscription import Subscription
from ..domain.subscription_pricing import renewal_total
from ..services.action_links import LinkState
from ..services.action_recovery import CardChoice

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;"
    "color:#313440}h1{font-size:1.5rem}.card{display:block;padding:.75rem;margin:.5rem 0;"
    "border:1px solid #d9dce9;border-radius:4px}.muted{color:#5e637a}.error{color:#c31c1c}"
    "button{background:#3c64f4;color:#fff;border:0;border-radius:4px;padding:.6rem 1.2rem;"
    "font-size:1rem}"
)

# What a link that can no longer be used says; none of them tells a guesser anything.
ENDED = {
    LinkState.USED: (
        "This link has already been used",
        "The choice it was sent for has been made, or is no longer needed. Nothing was "
        "changed now.",
    ),
    LinkState.EXPIRED: (
        "This link has expired",
        "Nothing was changed. Ask the store for a new link, or choose your card in your "
        "account's subscriptions.",
    ),
    LinkState.INVALID: (
        "This link is not valid",
        "Nothing was changed. Check that the whole link was copied from the message.",
    ),
}
_ADD_CARD = (
    "To add a card, sign in to your account on the store, open <b>Payment methods</b>, save "
    "the card, and come back to this link."
)


def page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main><h1>{escape(title)}</h1>{body}</main></body></html>"
    )


def ended_page(state: LinkState) -> str:
    title, text = ENDED[state]
    return page(title, f"<p>{escape(text)}</p>")


def _what(sub: Subscription, action: str) -> str:
    lines = ", ".join(f"{line.quantity} x {line.name or line.sku}" for line in sub.lines)
    total = f"{renewal_total(sub)} {sub.currency}"
    if action == "authenticate":
        need = (
            "Your bank asks you to confirm this payment. Confirm it with your card below, or "
            "choose another of your cards."
        )
    elif sub.dunning is not None:
        need = f"The payment was declined ({sub.dunning.reason}). Choose another card."
    else:
        need = "There is no card on file for its renewals. Choose one of your cards."
    return (
        f"<p>Your subscription to <b>{escape(lines)}</b> ({escape(total)} per renewal) needs "
        f"your attention.</p><p>{escape(need)}</p>"
    )


def _card(choice: CardChoice, checked: bool) -> str:
    i = choice.instrument
    kind = (i.brand or i.type.replace("stored_", "").replace("_", " ")).title()
    name = f"{kind} ending {i.last_4}" if i.last_4 else kind
    when = (
        f"expires {i.expiry_month:02d}/{i.expiry_year}" if i.expiry_year and i.expiry_month else ""
    )
    note = {"expired": "expired", "declined": "just declined"}.get(choice.why_not, "")
    state = " disabled" if not choice.usable else (" checked" if checked else "")
    extra = f' <span class="error">({note})</span>' if note else ""
    return (
        f'<label class="card"><input type="radio" name="instrument_token" '
        f'value="{escape(i.token)}"{state}> {escape(name)} '
        f'<span class="muted">{escape(when)}</span>{extra}</label>'
    )


def choice_page(
    sub: Subscription, action: str, cards: list[CardChoice], session: str, problem: str = ""
) -> str:
    usable = [c for c in cards if c.usable]
    body = _what(sub, action)
    if problem:
        body += f'<p class="error" role="alert">{escape(problem)}</p>'
    if usable:
        first = usable[0].instrument.token
        radios = "".join(_card(c, c.instrument.token == first) for c in cards)
        label = "Confirm payment" if action == "authenticate" else "Use this card and pay"
        body += (
            f'<form method="post"><input type="hidden" name="session" value="{escape(session)}">'
            f"<fieldset><legend>Your stored cards</legend>{radios}</fieldset>"
            f'<p><button type="submit">{label}</button></p></form>'
            f'<p class="muted">{_ADD_CARD}</p>'
        )
    else:
        body += "".join(_card(c, False) for c in cards)
        body += f"<p><b>You have no card that can pay it.</b> {_ADD_CARD}</p>"
    return page(
        "Your subscription needs a card"
        if action != "authenticate"
        else "Confirm your subscription payment",
        body,
    )


def done_page(sub: Subscription, retried: bool) -> str:
    if retried:
        text = "Thank you. The payment is being made again with the card you chose."
    else:
        text = "Thank you. Your subscription's renewals will use the card you chose."
    return page("Your card is saved", f"<p>{escape(text)}</p>")
