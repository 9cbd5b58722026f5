"""Charge leases and decline classification."""

from datetime import timedelta

import pytest

from bc_subscriptions.domain.authorization import Authorization, AuthState
from bc_subscriptions.domain.charge import LEASE, Charge, Stage, external_order_id
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


def _authorized(order_id: int, state: AuthState) -> Charge:
    charge = _charge()
    charge.bc_order_id, charge.order_attempted, charge.payment_attempts = order_id, True, 1
    charge.authorization = Authorization(
        amount="25.00",
        currency="USD",
        transaction_id="t1",
        authorized_at=NOW,
        expires_at=NOW + timedelta(days=7),
        state=state,
    )
    charge.advance(Stage.COMPLETED, NOW)
    return charge


def test_a_retry_after_a_void_pays_one_new_order_with_its_own_key() -> None:
    # Given a cycle whose authorization was voided, sent back to dunning
    charge = _authorized(101, AuthState.VOIDED)
    charge.void_to_dunning(NOW)
    assert (charge.stage, charge.decline_class) == (Stage.PAYMENT_FAILED, DeclineClass.SOFT)
    # When dunning retries it
    charge.reopen_for_retry("worker-a", NOW)
    # Then a new order is made under the next deterministic key, paid from scratch
    assert charge.external_order_id == "bcsub-sub_1-c2-r1"
    assert (charge.stage, charge.bc_order_id, charge.authorization) == (Stage.PRICED, None, None)
    assert (charge.order_attempted, charge.payment_attempts) == (False, 0)


def test_a_retry_after_a_decline_pays_the_same_order() -> None:
    # Given a declined payment (no authorization)
    charge = _charge()
    charge.bc_order_id = 101
    charge.advance(Stage.PAYMENT_FAILED, NOW)
    # When / Then: the same order and key
    charge.reopen_for_retry("worker-a", NOW)
    assert (charge.stage, charge.bc_order_id) == (Stage.ORDER_CREATED, 101)
    assert charge.external_order_id == "bcsub-sub_1-c2"


def test_only_a_completed_voided_charge_goes_back_to_dunning() -> None:
    with pytest.raises(ValueError):
        _authorized(101, AuthState.CAPTURED).void_to_dunning(NOW)


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
