"""Done when: an allotment refreshes with rollover over three cycles while its holder's orders
debit it concurrently, every balance exact against a hand computation.

The wallet: 100.00 a week, cap_to_one_period, debited by the holder's mug purchases (12.00
each, 24.00 for two). Each order/created delivery runs the BigCommerce webhook worker's
processor, on its own thread; the refresh is the renewal sweep's allotment pass.

    period 1   100.00
               6 orders x 12.00 (two of them delivered twice)         -72.00 ->  28.00
    refresh    carry min(28.00, 100.00) + 100.00, while 2 orders
               x 12.00 race it (they fit the balance either way)             -> 104.00
    period 2   4 orders x 24.00                                       -96.00 ->   8.00
    refresh    carry 8.00 + 100.00, while a period-1 order's refund
               gives back 12.00 (the carry stays under the cap)              -> 120.00
    period 3   11 orders x 12.00 asked for 132.00: 10 are covered,
               the last finds nothing left                           -120.00 ->   0.00
    refresh    carry 0.00 + 100.00                                           -> 100.00
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal
from typing import Any

from bc_subscriptions.adapters.memory.allotments import MemoryAllotmentDue
from bc_subscriptions.bootstrap import container
from bc_subscriptions.entrypoints.bc_webhook_processors import processors
from bc_subscriptions.services.allotment_refresh import sweep_allotment_refreshes

from ..emulator_store import ONE_TIME_PRODUCT_ID
from .world import ApiWorld

WEEK = timedelta(weeks=1)


def _concurrently(*calls: Callable[[], Any]) -> list[Any]:
    with ThreadPoolExecutor(max_workers=8) as pool:
        return [f.result() for f in [pool.submit(call) for call in calls]]


def test_a_wallet_refreshes_with_rollover_over_three_cycles_while_orders_debit_it_at_once(
    world: ApiWorld,
) -> None:
    # Given a weekly wallet of the holder, capped to one period's rollover
    holder = world.shopper()
    body = {
        "customer_id": holder.id,
        "unit": "currency",
        "currency_code": "USD",
        "amount_per_period": "100.00",
        "cadence": {"interval": "week"},
        "rollover": "cap_to_one_period",
        "order_debit": "order_total",
        "product_ids": [ONE_TIME_PRODUCT_ID],
    }
    grant_id = world.call("POST", "/admin/allotments", world.session_token(), body).json()["id"]
    c = container()
    work = processors(c)

    def order(mugs: int) -> int:
        lines = [{"product_id": ONE_TIME_PRODUCT_ID, "quantity": mugs}]
        return int(world.checkout(holder, lines)["id"])

    def delivered(order_id: int) -> Callable[[], str]:
        return lambda: work["store/order/created"](
            world.store_hash, {"type": "order", "id": order_id}
        )

    def sweep() -> Callable[[], Any]:
        due = MemoryAllotmentDue(world.stack.store)
        return lambda: sweep_allotment_refreshes(
            world.stack.now(), due=due, deps=c.allotment_deps()
        )

    def balance() -> Decimal:
        record = c.allotments.get(world.store_hash, grant_id)
        assert record is not None
        return record.grant.balance

    # When period 1's six orders arrive at once, two of them twice
    first = [order(1) for _ in range(6)]
    _concurrently(*[delivered(o) for o in first + first[:2]])
    # Then
    assert balance() == Decimal("28.00")

    # When the week turns: two sweeps race two more orders
    world.stack.clock.advance(WEEK)
    racing = [order(1) for _ in range(2)]
    _concurrently(sweep(), sweep(), *[delivered(o) for o in racing])
    assert balance() == Decimal("104.00")
    # and period 2's four double orders arrive at once
    _concurrently(*[delivered(order(2)) for _ in range(4)])
    assert balance() == Decimal("8.00")

    # When the week turns again while a period-1 order is refunded
    world.stack.clock.advance(WEEK)
    refund_id = world.emulator.refund_order(world.store_hash, first[0])
    refund = {"type": "order", "id": first[0], "refund": {"refund_id": refund_id}}
    _concurrently(sweep(), lambda: work["store/order/refund/created"](world.store_hash, refund))
    assert balance() == Decimal("120.00")
    # and period 3's eleven orders ask for more than is left
    _concurrently(*[delivered(order(1)) for _ in range(11)])
    assert balance() == Decimal("0.00")

    # When the third week turns, twice over
    world.stack.clock.advance(WEEK)
    _concurrently(sweep(), sweep())

    # Then the wallet is in period 4 with 100.00, and its history adds up to the penny
    record = c.allotments.get(world.store_hash, grant_id)
    assert record is not None
    assert (record.grant.period, record.grant.balance) == (4, Decimal("100.00"))
    debits = c.allotments.debits(world.store_hash, grant_id, limit=100)
    assert len(debits) == 6 + 2 + 4 + 10
    assert sum(d.amount for d in debits if d.reversed_at is None) == Decimal("300.00")
    events = [e for e in world.stack.store.events(world.store_hash) if e.grant_id == grant_id]
    types = [e.type for e in events]
    assert types.count("allotment.debited") == 22
    assert types.count("allotment.debit_reversed") == 1
    # (what each refresh found depends on who won the races; the last had no race)
    refreshed = [_data(e.envelope) for e in events if e.type == "allotment.refreshed"]
    assert [r["period"] for r in refreshed] == [2, 3, 4]
    last = refreshed[-1]
    assert (last["previous_balance"], last["carried"], last["balance"]) == (
        "0.00",
        "0.00",
        "100.00",
    )
    assert [e.seq for e in events] == list(range(1, len(events) + 1))


def _data(envelope: str) -> dict[str, Any]:
    return dict(json.loads(envelope)["data"])
