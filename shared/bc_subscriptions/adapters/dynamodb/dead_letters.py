"""Dead-lettered messages, recorded in their store's partition, newest first, kept 30 days.

SQS dead-letter queues are shared by every store: reading one store's messages there would
mean receiving (hiding, counting) every store's. The record written when a message is given
up on is what the merchant's ops view reads instead.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from ...ports.storage import ConcurrencyConflict, DeadLetter, DeadLetterPage
from . import keys, store_cursor
from .errors import translated_errors
from .models import DeadLetterItem

RETENTION = timedelta(days=30)
_ID = re.compile(r"dl_[0-9A-HJKMNP-TV-Z]{26}")


def _is_dead_letter_key(sk: str) -> bool:
    return bool(_ID.fullmatch(sk.removeprefix(keys.DEAD_LETTER)))


def _time(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")


class DynamoDeadLetters:
    def record(self, letter: DeadLetter) -> None:
        pk, sk = keys.dead_letter_key(letter.store_hash, letter.dead_letter_id)
        with translated_errors():
            DeadLetterItem(
                pk,
                sk,
                store_hash=letter.store_hash,
                dead_letter_id=letter.dead_letter_id,
                letter_kind=letter.kind,
                at=keys.timestamp(letter.at),
                attempts=letter.attempts,
                error=letter.error,
                subscription_id=letter.subscription_id,
                cycle=letter.cycle,
                endpoint_id=letter.endpoint_id,
                event_id=letter.event_id,
                event_type=letter.event_type,
                ttl=int((letter.at + RETENTION).timestamp()),
            ).save()

    def get(self, store_hash: str, dead_letter_id: str) -> DeadLetter | None:
        if not _ID.fullmatch(dead_letter_id):
            return None
        with translated_errors():
            try:
                item = DeadLetterItem.get(*keys.dead_letter_key(store_hash, dead_letter_id))
            except DeadLetterItem.DoesNotExist:
                return None
        return _letter(item)

    def page(self, store_hash: str, *, cursor: str | None, limit: int) -> DeadLetterPage:
        """Newest first (ULID ids sort by time, so the partition's key order reversed)."""
        pk = keys.store_pk(store_hash)
        after = (
            store_cursor.decode(cursor, store_hash, valid_key=_is_dead_letter_key)
            if cursor
            else None
        )
        start = {"pk": {"S": pk}, "sk": {"S": after}} if after else None
        with translated_errors():
            rows = DeadLetterItem.query(
                pk,
                DeadLetterItem.sk.startswith(keys.DEAD_LETTER),
                scan_index_forward=False,
                limit=limit,
                last_evaluated_key=start,
            )
            items = [_letter(r) for r in rows]
            last = rows.last_evaluated_key
        return DeadLetterPage(
            items, store_cursor.encode(last["sk"]["S"], store_hash) if last else None
        )

    def mark_redriven(self, store_hash: str, dead_letter_id: str, at: datetime) -> bool:
        item = DeadLetterItem(*keys.dead_letter_key(store_hash, dead_letter_id))
        try:
            with translated_errors():
                item.update(
                    actions=[DeadLetterItem.redriven_at.set(keys.timestamp(at))],
                    condition=DeadLetterItem.pk.exists()
                    & DeadLetterItem.redriven_at.does_not_exist(),
                )
        except ConcurrencyConflict:
            return False
        return True

    def unmark_redriven(self, store_hash: str, dead_letter_id: str) -> None:
        item = DeadLetterItem(*keys.dead_letter_key(store_hash, dead_letter_id))
        with translated_errors():
            item.update(actions=[DeadLetterItem.redriven_at.remove()])


def _letter(item: DeadLetterItem) -> DeadLetter:
    return DeadLetter(
        store_hash=item.store_hash,
        dead_letter_id=item.dead_letter_id,
        kind=item.letter_kind,
        at=_time(item.at),
        attempts=int(item.attempts),
        error=item.error,
        subscription_id=item.subscription_id,
        cycle=None if item.cycle is None else int(item.cycle),
        endpoint_id=item.endpoint_id,
        event_id=item.event_id,
        event_type=item.event_type,
        redriven_at=_time(item.redriven_at) if item.redriven_at else None,
    )
