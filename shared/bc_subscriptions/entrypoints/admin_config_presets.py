"""Admin route listing each preset's config, so the settings screen can save as overrides only
what differs from the chosen preset (not every effective value, which would freeze them)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router

from ..domain.record import to_json_data
from ..domain.tenant_config import PRESETS, effective_config
from .admin_auth import session_store

router = Router()  # type: ignore[no-untyped-call]


@router.get("/admin/config/presets")
def presets() -> dict[str, dict[str, Any]]:
    """Each preset's effective config without overrides, by preset name."""
    session_store(router.current_event.headers)
    return {name: to_json_data(effective_config({"preset": name})) for name in sorted(PRESETS)}
