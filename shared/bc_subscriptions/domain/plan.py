"""Plans: a product's recurrence options, read from its `bc_subscriptions.plan` metafield."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .schedule import Interval

ONE_TIME_VALUES = frozenset({"one-time", "one time", "one-time purchase", "once"})


class Cadence(BaseModel):
    """One recurrence the shopper can pick, e.g. "Every 2 weeks"."""

    model_config = ConfigDict(frozen=True)

    label: str = Field(min_length=1, max_length=100)
    interval: Interval
    interval_count: int = Field(default=1, ge=1, le=365)


class Plan(BaseModel):
    """A product's subscription plan; the shopper's cadence arrives as an order-line option."""

    model_config = ConfigDict(frozen=True)

    product_id: int = Field(gt=0)
    cadences: list[Cadence] = Field(min_length=1)
    default_cadence: str | None = None
    cadence_option_id: int | None = None
    trial_days: int = Field(default=0, ge=0, le=365)

    @model_validator(mode="after")
    def _default_is_a_cadence(self) -> Plan:
        if self.default_cadence is not None and self._find(self.default_cadence) is None:
            raise ValueError(f"default_cadence {self.default_cadence!r} is not one of the cadences")
        return self

    def _find(self, label: str) -> Cadence | None:
        wanted = label.strip().casefold()
        return next((c for c in self.cadences if c.label.casefold() == wanted), None)

    def cadence_for(self, options: list[tuple[int, str]]) -> Cadence | None:
        """The cadence a line asked for, given its (option_id, display value) pairs.

        None means the line is a one-time purchase and starts no subscription.
        """
        chosen = next((v for oid, v in options if oid == self.cadence_option_id), None)
        if chosen is None:
            return self._find(self.default_cadence) if self.default_cadence else self.cadences[0]
        if chosen.strip().casefold() in ONE_TIME_VALUES:
            return None
        return self._find(chosen)
