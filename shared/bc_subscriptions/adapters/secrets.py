"""The app's BigCommerce client secret: Secrets Manager in AWS, an env var locally."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import Settings


class MissingSecret(RuntimeError):
    """Neither BC_CLIENT_SECRET nor BC_CLIENT_SECRET_ARN is configured."""


def client_secret(settings: Settings) -> str:
    """Cached by Powertools for 5 minutes, so rotation reaches warm containers."""
    if settings.bc_client_secret is not None:
        return settings.bc_client_secret.get_secret_value()
    if settings.bc_client_secret_arn:
        # Imported here: functions that never verify BigCommerce webhooks skip its cold-start cost.
        from aws_lambda_powertools.utilities import parameters

        value = parameters.get_secret(settings.bc_client_secret_arn, max_age=300)
        return str(value)
    raise MissingSecret("set BC_CLIENT_SECRET_ARN (AWS) or BC_CLIENT_SECRET (local)")
