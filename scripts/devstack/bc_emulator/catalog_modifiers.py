"""Product modifiers as the catalog keeps them: `type` and `required` on every write, option
values replaced by what a PUT sends (a value sent without its id is a new value with a new id,
and a value left out is gone), and the order lines that name them checked against them."""

from __future__ import annotations

from typing import Any

MODIFIER_TYPES = frozenset(
    {
        "date",
        "checkbox",
        "file",
        "text",
        "multi_line_text",
        "numbers_only_text",
        "radio_buttons",
        "rectangles",
        "dropdown",
        "product_list",
        "product_list_with_images",
        "swatch",
    }
)


def modifier_problems(body: dict[str, Any], *, creating: bool) -> dict[str, str]:
    """Field -> why a modifier POST or PUT is refused (both need `type` and `required`)."""
    found: dict[str, str] = {}
    if body.get("type") not in MODIFIER_TYPES:
        found["type"] = "type is required and must be a modifier type"
    if not isinstance(body.get("required"), bool):
        found["required"] = "required is required and must be a boolean"
    name = body.get("display_name")
    if (creating or "display_name" in body) and (not isinstance(name, str) or not name):
        found["display_name"] = "display_name is required"
    values = body.get("option_values", [])
    if not isinstance(values, list):
        found["option_values"] = "option_values must be a list"
        return found
    labels: set[str] = set()
    for i, value in enumerate(values):
        where = f"option_values.{i}"
        if not isinstance(value, dict):
            found[where] = "an option value must be an object"
            continue
        label = value.get("label")
        if not isinstance(label, str) or not label:
            found[f"{where}.label"] = "label is required"
        elif label.casefold() in labels:
            found[f"{where}.label"] = f"the label {label!r} is used twice"
        else:
            labels.add(label.casefold())
        if not isinstance(value.get("sort_order"), int):
            found[f"{where}.sort_order"] = "sort_order is required"
    return found


def unknown_value_ids(existing: list[dict[str, Any]], values: list[dict[str, Any]]) -> list[int]:
    """Ids a PUT names that are not values of this modifier."""
    known = {int(v["id"]) for v in existing}
    return [int(v["id"]) for v in values if v.get("id") is not None and int(v["id"]) not in known]


def stored_values(
    store: Any, modifier_id: int, values: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The modifier's values after a write: ids kept when sent, new ids otherwise."""
    return [
        {
            "id": int(v["id"]) if v.get("id") is not None else store.take_id("option_value_id"),
            "option_id": modifier_id,
            "label": str(v["label"]),
            "sort_order": int(v.get("sort_order", i)),
            "value_data": v.get("value_data") or {},
            "is_default": bool(v.get("is_default", False)),
            "adjusters": _adjusters(v.get("adjusters")),
        }
        for i, v in enumerate(values)
    ]


def _adjusters(given: Any) -> dict[str, Any]:
    adjusters = dict(given) if isinstance(given, dict) else {}
    disabled = adjusters.get("purchasing_disabled")
    adjusters["purchasing_disabled"] = {
        "status": bool(disabled.get("status", False)) if isinstance(disabled, dict) else False,
        "message": str(disabled.get("message", "")) if isinstance(disabled, dict) else "",
    }
    return adjusters


def invalid_line_options(
    modifiers: dict[int, dict[str, Any]], options: list[dict[str, Any]], *, storefront: bool
) -> str | None:
    """Why an order line's options name no live value of the product's modifiers, or None.

    A product with no modifiers at all keeps free-form options (fixtures that only write a
    plan metafield). The storefront also refuses a value whose purchasing is disabled; the
    spec ties that flag to the storefront, so API-created orders (renewals) may still use it.
    """
    if not modifiers:
        return None
    for option in options:
        option_id = int(
            option.get("option_id") or option.get("product_option_id") or option.get("id") or 0
        )
        modifier = modifiers.get(option_id)
        if modifier is None:
            return f"The product option {option_id} does not exist on this product."
        if modifier["type"] not in ("dropdown", "radio_buttons", "rectangles", "swatch"):
            continue
        value = next(
            (v for v in modifier["option_values"] if str(v["id"]) == str(option.get("value"))),
            None,
        )
        if value is None:
            return f"The option value {option.get('value')} does not exist for option {option_id}."
        if storefront and value["adjusters"]["purchasing_disabled"]["status"]:
            return f"The option value {value['label']!r} cannot be purchased."
    return None


def invalid_order_options(
    store: Any, lines: list[dict[str, Any]], *, storefront: bool
) -> str | None:
    """The first line whose options the catalog refuses (see `invalid_line_options`)."""
    for line in lines:
        modifiers = store.modifiers.get(int(line.get("product_id") or 0), {})
        problem = invalid_line_options(
            modifiers, line.get("product_options") or [], storefront=storefront
        )
        if problem:
            return problem
    return None


def catalog_labels(
    store: Any, product_id: int, option_id: int, value: str
) -> tuple[str, str] | None:
    """(display_name, display_value) of a modifier value, as the catalog names it now."""
    modifier = store.modifiers.get(product_id, {}).get(option_id)
    if modifier is None:
        return None
    label = next((v["label"] for v in modifier["option_values"] if str(v["id"]) == value), value)
    return str(modifier["display_name"]), str(label)
