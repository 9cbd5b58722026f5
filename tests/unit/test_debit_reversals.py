"""What has come back of a debit reads part by part: each refund's part with its refund id and
time, then the merchant's reversal of what was left, and together they make what was given back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from bc_subscriptions.domain.allotments import (
    AllotmentDebit,
    AllotmentGrant,
    DebitSource,
    GrantedBy,
)
from bc_subscriptions.domain.debit_reversals import (
    ReversalPart,
    given_back,
    refund_id_of,
    reversal_parts,
)
from bc_subscriptions.domain.record import from_data, to_json_data

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
ORDER = DebitSource(kind="order", id="100")


def _debited(amount: str) -> tuple[AllotmentGrant, AllotmentDebit]:
    grant = AllotmentGrant.grant(
        now=T0,
        id="alg_1",
        store_hash="store1",
        customer_id=7,
        unit="count",
        amount_per_period=Decimal(10),
        granted_by=GrantedBy(kind="merchant", id="user_1"),
    )
    debit = grant.debit(debit_id="ald_order_100", amount=Decimal(amount), source=ORDER, now=T0)
    assert debit is not None
    return grant, debit


def test_a_debit_nothing_came_back_of_has_no_parts_and_holds_all_of_it() -> None:
    # Given / When a debit of 5
    _, debit = _debited("5")
    # Then
    assert (reversal_parts(debit), given_back(debit), debit.remaining()) == ([], 0, 5)


def test_each_refunds_part_reads_with_its_refund_id_and_when_it_came_back() -> None:
    # Given a debit of 5
    grant, debit = _debited("5")
    # When refund 12 gives back 2 an hour later, and refund 14 one more a day later
    one_hour, one_day = T0 + timedelta(hours=1), T0 + timedelta(days=1)
    grant.reverse_refunded(
        debit, reversal_id="alr_refund_12", due=Decimal(2), now=one_hour, reason="refund"
    )
    grant.reverse_refunded(
        debit, reversal_id="alr_refund_14", due=Decimal(3), now=one_day, reason="refund"
    )
    # Then both parts read in order, 3 given back, 2 remaining
    assert reversal_parts(debit) == [
        ReversalPart(source="refund", refund_id=12, amount=Decimal(2), at=one_hour),
        ReversalPart(source="refund", refund_id=14, amount=Decimal(1), at=one_day),
    ]
    assert (given_back(debit), debit.remaining()) == (3, 2)


def test_the_merchants_reversal_of_a_partly_refunded_debit_is_the_last_part() -> None:
    # Given a debit of 5 of which refund 12 gave back 2
    grant, debit = _debited("5")
    grant.reverse_refunded(
        debit, reversal_id="alr_refund_12", due=Decimal(2), now=T0, reason="refund"
    )
    # When the merchant reverses what is left, a day later
    later = T0 + timedelta(days=1)
    grant.reverse(debit, now=later, reason="goodwill")
    # Then the merchant's part is the 3 that remained, at the time it was reversed
    assert reversal_parts(debit)[-1] == ReversalPart(
        source="merchant", refund_id=None, amount=Decimal(3), at=later
    )
    assert (given_back(debit), debit.remaining()) == (5, 0)


def test_a_refund_part_stored_before_its_time_was_kept_reads_without_a_time() -> None:
    # Given a debit stored with a refund's part but no time for it
    _, debit = _debited("5")
    stored = {k: v for k, v in to_json_data(debit).items() if k != "reversal_times"}
    old = from_data(
        AllotmentDebit, {**stored, "reversed_amount": "2", "reversals": {"alr_refund_9": "2"}}
    )
    # When / Then
    assert reversal_parts(old) == [
        ReversalPart(source="refund", refund_id=9, amount=Decimal(2), at=None)
    ]


def test_only_a_refunds_reversal_id_names_a_refund() -> None:
    assert refund_id_of("alr_refund_31") == 31
    assert refund_id_of("alr_manual_31") is None
    assert refund_id_of("alr_refund_x") is None
