"""Charge leases and decline classification."""

from datetime import timedelta

import pytest

from bc_subscriptions.domain.charge import LEASE, Charge, external_order_id
from bc_subscriptions.domain.declines import DeclineClass, classify

from .factories import NOW


def _charge() -> Charge:
    return Charge(store_hash="s", subscription_id="sub_1", cycle=2, created_at=NOW, updated_at=NOW)


def test_a_held_lease_blocks_other_workers_until_it_expires() -> None:
    # Given
    charge = _charge()
    charge.take_lease("worker-a", NOW)
    # When / Then
    assert charge.lease_free_for("worker-a", NOW)
    assert not charge.lease_free_for("worker-b", NOW + LEASE - timedelta(seconds=1))
    assert charge.lease_free_for("worker-b", NOW + LEASE)


def test_the_external_order_id_is_deterministic_per_cycle() -> None:
    # Given / When / Then
    assert _charge().external_order_id == external_order_id("sub_1", 2) == "bcsub-sub_1-c2"
    assert external_order_id("sub_1", 3) != external_order_id("sub_1", 2)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (30103, DeclineClass.HARD),
        (30051, DeclineClass.HARD),
        (30104, DeclineClass.SOFT),
        (30106, DeclineClass.INSUFFICIENT_FUNDS),
        (30105, DeclineClass.DUPLICATE),
        (30101, DeclineClass.ORDER_STATE),
        (10000, DeclineClass.NETWORK),
        (None, DeclineClass.SOFT),
        (99999, DeclineClass.SOFT),
    ],
)
def test_bigcommerce_codes_map_to_what_renewal_does_next(
    code: int | None, expected: DeclineClass
) -> None:
    # Given / When / Then
    assert classify(code) is expected
