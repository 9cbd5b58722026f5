"""The store's ops items read back newest first: one Query of the store's partition."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from ...ports.ops_items import OpsItem, OpsItemPage
from . import keys
from .errors import translated_errors
from .models import OpsEventItem
from .ops_item_cursor import OPS_PREFIX, decode, encode, item_id

# Rows read per request while a type filter skips others (the filter runs after the read).
_READ_PAGE = 100


class DynamoOpsItemReads:
    def page(
        self, store_hash: str, *, type_: str | None, cursor: str | None, limit: int
    ) -> OpsItemPage:
        """One more than `limit` is asked for so a full last page hands out no cursor; the
        cursor is then the last item's own key (not DynamoDB's LastEvaluatedKey, which with
        a type filter may lie past rows never shown)."""
        pk = keys.store_pk(store_hash)
        start = {"pk": {"S": pk}, "sk": {"S": decode(cursor, store_hash)}} if cursor else None
        with translated_errors():
            rows = list(
                OpsEventItem.query(
                    pk,
                    OpsEventItem.sk.startswith(OPS_PREFIX),
                    filter_condition=None if type_ is None else OpsEventItem.type == type_,
                    scan_index_forward=False,
                    limit=limit + 1,
                    page_size=limit + 1 if type_ is None else _READ_PAGE,
                    last_evaluated_key=start,
                )
            )
        shown = rows[:limit]
        more = len(rows) > limit
        return OpsItemPage(
            [_item(r) for r in shown], encode(str(shown[-1].sk), store_hash) if more else None
        )


def _item(row: OpsEventItem) -> OpsItem:
    data: Any = json.loads(row.data)
    return OpsItem(
        id=item_id(str(row.sk)),
        type=row.type,
        occurred_at=datetime.strptime(row.occurred_at, "%Y-%m-%dT%H:%M:%S%z"),
        data=data if isinstance(data, dict) else {"value": data},
    )
