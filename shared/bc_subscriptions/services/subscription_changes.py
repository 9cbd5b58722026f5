"""Quantity, cadence and shipping-address changes, shared by the admin and portal APIs.

Proration policy (explicit): none. The cycle in progress was paid at the old terms and runs
to its end; a change applies from the next renewal, whose date does not move. A cadence must
be one the product's plan offers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from ..domain.amendments import (
    AddressAmendment,
    CadenceAmendment,
    ContractAmendment,
    QuantityAmendment,
    VariantAmendment,
    line_index,
)
from ..domain.errors import DomainError
from .subscription_admin import change_subscription

if TYPE_CHECKING:
    from ..domain.contract import ContractGuard
    from ..domain.subscription import Subscription
    from ..ports.bigcommerce import BigCommerce
    from ..ports.storage import UnitOfWork


class CadenceNotOffered(DomainError):
    code = "cadence_not_offered"


class VariantNotOffered(DomainError):
    code = "variant_not_offered"


def quantity(product_id: int, units: int, now: datetime) -> Callable[[Subscription], None]:
    return lambda sub: sub.amend(QuantityAmendment(product_id, units), now)


def shipping_address(address: dict[str, str], now: datetime) -> Callable[[Subscription], None]:
    return lambda sub: sub.amend(AddressAmendment(address), now)


def contract(term: ContractGuard | None, now: datetime) -> Callable[[Subscription], None]:
    return lambda sub: sub.amend(ContractAmendment(term), now)


def change_cadence(
    store_hash: str,
    subscription_id: str,
    label: str,
    *,
    uow_factory: Callable[[], UnitOfWork],
    now: datetime,
    customer_id: int | None = None,
) -> Subscription:
    plans = uow_factory()

    def _change(sub: Subscription) -> None:
        plan = plans.plans.get(store_hash, sub.lines[0].product_id)
        offered = {c.label: c for c in plan.offered()} if plan else {}  # retired: not sold
        if label not in offered:
            raise CadenceNotOffered(f"the plan offers {sorted(offered)}, not {label!r}")
        cadence = offered[label]
        value_id, option_id = cadence.option_value_id, plan.cadence_option_id if plan else None
        option = None
        if plan is not None and option_id is not None and value_id is not None:
            option = (plan.product_id, option_id, value_id)
        sub.amend(CadenceAmendment(cadence, option), now)

    return change_subscription(
        store_hash,
        subscription_id,
        _change,
        uow_factory=uow_factory,
        now=now,
        customer_id=customer_id,
    )


def swap_variant(
    store_hash: str,
    subscription_id: str,
    product_id: int,
    variant_id: int,
    *,
    uow_factory: Callable[[], UnitOfWork],
    bc: BigCommerce,
    now: datetime,
    customer_id: int | None = None,
) -> Subscription:
    """The line's variant must be one BigCommerce lists for the product, purchasable; its
    catalog price (`calculated_price`) at this moment is the price locked for the renewals."""

    def _change(sub: Subscription) -> None:
        line_index(sub, product_id)  # refused before asking BigCommerce
        variants = {v.id: v for v in bc.get_product_variants(store_hash, product_id)}
        variant = variants.get(variant_id)
        if variant is None or variant.purchasing_disabled:
            raise VariantNotOffered(f"product {product_id} has no purchasable variant {variant_id}")
        swap = VariantAmendment(product_id, variant.id, variant.sku, variant.calculated_price)
        sub.amend(swap, now)

    return change_subscription(
        store_hash,
        subscription_id,
        _change,
        uow_factory=uow_factory,
        now=now,
        customer_id=customer_id,
    )
