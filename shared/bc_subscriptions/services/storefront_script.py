"""The storefront portal's script, registered once per store through BigCommerce's Scripts API.

The storefront adds a `<script src>` for it to its pages; the bundle mounts "My subscriptions"
on the account pages only (the Scripts API has no narrower visibility than `storefront`).
"""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import urlencode

from ..ports.bigcommerce import BigCommerce, ScriptWrite

SCRIPT_NAME = "Subscriptions: My subscriptions"
BUNDLE_PATH = "/app/assets/storefront.js"


class ScriptOutcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    INTACT = "intact"


def bundle_url(app_base_url: str, client_id: str) -> str:
    """Where the bundle is served; it reads our API's origin and client id from its own URL."""
    query = urlencode({"app_client_id": client_id})
    return f"{app_base_url.rstrip('/')}{BUNDLE_PATH}?{query}"


def portal_script(app_base_url: str, client_id: str) -> ScriptWrite:
    """What we ask BigCommerce to load.

    `essential`: the script shows shoppers the subscriptions they bought when they open their
    own account page, stores nothing in the browser and tracks nothing, so it is strictly
    necessary for a service the shopper asked for. Under any other category a store with a
    cookie-consent banner would hide the page from every shopper who declines cookies.
    """
    return ScriptWrite(
        name=SCRIPT_NAME,
        description="Lets shoppers manage their subscriptions from their account page.",
        src=bundle_url(app_base_url, client_id),
        auto_uninstall=True,
        load_method="defer",
        location="footer",
        visibility="storefront",
        kind="src",
        consent_category="essential",
    )


def ensure_storefront_script(
    store_hash: str, *, bc: BigCommerce, app_base_url: str, client_id: str
) -> ScriptOutcome:
    """Our script exists once and says what we want now; a reinstall updates it in place."""
    wanted = portal_script(app_base_url, client_id)
    # BigCommerce lists only the scripts this app's token created; the name is ours.
    ours = [
        s
        for s in bc.list_scripts(store_hash)
        if s.name == SCRIPT_NAME and s.api_client_id in (None, "", client_id)
    ]
    if not ours:
        bc.create_script(store_hash, wanted)
        return ScriptOutcome.CREATED
    current = ours[0]
    if (current.src, current.consent_category, current.visibility, current.kind) == (
        wanted.src,
        wanted.consent_category,
        wanted.visibility,
        wanted.kind,
    ):
        return ScriptOutcome.INTACT
    bc.update_script(store_hash, current.uuid, wanted)
    return ScriptOutcome.UPDATED
