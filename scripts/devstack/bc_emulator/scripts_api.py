"""The Scripts API's rules beyond its schema (which the contract gate checks): what a `src` or a
`script_tag` script must and must not carry, and the per-app limit."""

from __future__ import annotations

import uuid
from typing import Any

from . import clock

# Each app may install 10 scripts (the create operation's notes).
MAX_SCRIPTS_PER_APP = 10
FIELDS = (
    "name",
    "description",
    "html",
    "src",
    "auto_uninstall",
    "load_method",
    "location",
    "visibility",
    "kind",
    "consent_category",
    "enabled",
    "channel_id",
    "integrity_hashes",
)
DEFAULTS: dict[str, Any] = {
    "description": "",
    "auto_uninstall": False,
    "load_method": "default",
    "location": "footer",
    "visibility": "storefront",
    "kind": "src",
    "enabled": True,
    "channel_id": 1,
    "integrity_hashes": [],
}


def problems(script: dict[str, Any]) -> dict[str, str]:
    """Field -> reason for a script BigCommerce would refuse (422, `errors` by field)."""
    found: dict[str, str] = {}
    if not script.get("name"):
        found["name"] = "name is required"
    if script.get("kind", "src") == "src":
        src = script.get("src")
        if not src:
            found["src"] = "src is required when kind is src"
        # The stricter reading: the storefront is served over https and loads only https.
        elif not str(src).startswith("https://"):
            found["src"] = "src must be an https URL"
        if script.get("html"):
            found["html"] = "html must not be set when kind is src"
    else:
        if not script.get("html"):
            found["html"] = "html is required when kind is script_tag"
        if script.get("src"):
            found["src"] = "src must not be set when kind is script_tag"
        if script.get("load_method", "default") != "default":
            found["load_method"] = "load_method must be default when kind is script_tag"
    if len(script.get("integrity_hashes") or []) > 5:
        found["integrity_hashes"] = "at most five hashes"
    return found


def new_script(body: dict[str, Any], client_id: str) -> dict[str, Any]:
    """The stored script for a valid create body, as the API answers it."""
    now = clock.now().isoformat(timespec="seconds")
    script = {**DEFAULTS, **{k: body[k] for k in FIELDS if k in body}}
    return script | {
        "uuid": str(uuid.uuid4()),
        "api_client_id": client_id,
        "date_created": now,
        "date_modified": now,
    }


def updated(script: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """`script` with the fields of an update body (`src` and `html` follow `kind`)."""
    changed = {**script, **{k: body[k] for k in FIELDS if k in body}}
    if body.get("kind") == "script_tag" and "src" not in body:
        changed.pop("src", None)
    if body.get("kind") == "src" and "html" not in body:
        changed.pop("html", None)
    return changed | {"date_modified": clock.now().isoformat(timespec="seconds")}
