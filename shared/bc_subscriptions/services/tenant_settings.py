"""A store's tenant config: validated JSON overrides on top of a preset."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain.tenant_config import TenantConfig, effective_config, parse_overrides

if TYPE_CHECKING:
    from ..ports.storage import UnitOfWork


def update_tenant_config(uow: UnitOfWork, store_hash: str, document: str | bytes) -> TenantConfig:
    """Replace the store's overrides; `InvalidTenantConfig` (every error listed) writes nothing."""
    overrides = parse_overrides(document)
    with uow:
        uow.tenant_configs.put(store_hash, overrides)
        uow.commit()
    return effective_config(overrides)
