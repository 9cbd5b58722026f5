"""Store users BigCommerce removed from the app (`/remove_user`), one item per store and user."""

from __future__ import annotations

from datetime import datetime

from . import keys
from .errors import translated_errors
from .models import RemovedUserItem


class RemovedUsers:
    def remove(self, store_hash: str, user_id: int, at: datetime) -> None:
        with translated_errors():
            RemovedUserItem(
                keys.store_pk(store_hash),
                keys.removed_user_sk(user_id),
                store_hash=store_hash,
                user_id=user_id,
                removed_at=int(at.timestamp()),
            ).save()

    def removed_at(self, store_hash: str, user_id: int) -> int | None:
        """When the user was last removed (epoch seconds), or None."""
        with translated_errors():
            try:
                item = RemovedUserItem.get(keys.store_pk(store_hash), keys.removed_user_sk(user_id))
            except RemovedUserItem.DoesNotExist:
                return None
        return int(item.removed_at)
