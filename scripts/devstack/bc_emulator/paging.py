"""v3 collection paging: `page` and `limit` in, `meta.pagination` out, as the catalog answers."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

DEFAULT_LIMIT = 50
MAX_LIMIT = 250


class BadPaging(ValueError):
    """`page` or `limit` is not a positive whole number."""


def v3_page(
    items: list[Any], args: Any, *, default_limit: int = DEFAULT_LIMIT
) -> tuple[list[Any], dict[str, Any]]:
    """One page of `items` and the `meta` that describes it (links as query strings)."""
    page, limit = _positive(args, "page", 1), _positive(args, "limit", default_limit)
    limit = min(limit, MAX_LIMIT)
    total = len(items)
    total_pages = max(math.ceil(total / limit), 1)
    found = items[(page - 1) * limit : page * limit]
    links = {"current": _link(page, limit)}
    if page > 1:
        links["previous"] = _link(page - 1, limit)
    if page < total_pages:
        links["next"] = _link(page + 1, limit)
    pagination = {
        "total": total,
        "count": len(found),
        "per_page": limit,
        "current_page": page,
        "total_pages": total_pages,
        "links": links,
    }
    return found, {"pagination": pagination}


def _positive(args: Any, name: str, default: int) -> int:
    raw = args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError) as exc:
        raise BadPaging(f"{name} must be a whole number") from exc
    if value < 1:
        raise BadPaging(f"{name} must be at least 1")
    return value


def _link(page: int, limit: int) -> str:
    return "?" + urlencode({"page": page, "limit": limit})
