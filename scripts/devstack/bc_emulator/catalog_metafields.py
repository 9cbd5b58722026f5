"""Product metafields as the catalog keeps them: four required fields, owned by the API client
that created them, and shown to other clients only as their `permission_set` allows."""

from __future__ import annotations

from typing import Any

from . import clock

PERMISSION_SETS = ("app_only", "read", "write", "read_and_sf_access", "write_and_sf_access")
# Field -> longest value the spec allows.
REQUIRED = {"namespace": 64, "key": 64, "value": 65535, "permission_set": 32}
# Only the creating client may change these (another client gets a 403, whatever the set).
OWNED = ("namespace", "key", "value", "permission_set")


def visible(field: dict[str, Any], client_id: str) -> bool:
    """An `app_only` field exists only for the client that owns it."""
    return field["owner_client_id"] == client_id or field["permission_set"] != "app_only"


def problems(body: dict[str, Any]) -> dict[str, str]:
    """Field -> why it is refused, for a create or a full update (every field is required)."""
    found: dict[str, str] = {}
    for name, longest in REQUIRED.items():
        value = body.get(name)
        if not isinstance(value, str) or not value:
            found[name] = f"{name} is required"
        elif len(value) > longest:
            found[name] = f"{name} is longer than {longest} characters"
    if "permission_set" not in found and body["permission_set"] not in PERMISSION_SETS:
        found["permission_set"] = f"permission_set must be one of {', '.join(PERMISSION_SETS)}"
    return found


def create(
    store: Any, product_id: int, body: dict[str, Any], client_id: str
) -> dict[str, Any] | None:
    """A new metafield owned by `client_id`; None when that client already has this key
    (unique per client, namespace, key and resource: other clients' fields do not collide)."""
    fields: dict[int, dict[str, Any]] = store.metafields.setdefault(product_id, {})
    same = (client_id, body["namespace"], body["key"])
    if any((m["owner_client_id"], m["namespace"], m["key"]) == same for m in fields.values()):
        return None
    field = record(store, body, "product", product_id, client_id)
    fields[field["id"]] = field
    return field


def record(
    store: Any, body: dict[str, Any], resource_type: str, resource_id: int, client_id: str
) -> dict[str, Any]:
    """A new metafield as BigCommerce keeps it, on a product or an order, owned by `client_id`."""
    now = now_iso()
    return {
        "id": store.take_id("metafield_id"),
        "namespace": body["namespace"],
        "key": body["key"],
        "value": body["value"],
        "permission_set": body["permission_set"],
        "description": str(body.get("description", "")),
        "resource_type": resource_type,
        "resource_id": resource_id,
        "date_created": now,
        "date_modified": now,
        "owner_client_id": client_id,
    }


def changes_owned_fields(field: dict[str, Any], body: dict[str, Any]) -> bool:
    """Whether the update would change a field only its owner may change."""
    return any(name in body and body[name] != field[name] for name in OWNED)


def now_iso() -> str:
    return clock.now().isoformat(timespec="seconds")
