"""The expiry section: when earned points lapse."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from .base import Frozen


class ExpiryKind(StrEnum):
    NEVER = "never"
    CLEARING = "clearing"  # all points earned before a month-day clear at its start
    ROLLING_MONTHS = "rolling_months"  # N months after earning


class Expiry(Frozen):
    kind: ExpiryKind = ExpiryKind.NEVER
    month: int | None = Field(default=None, ge=1, le=12)
    day: int | None = Field(default=None, ge=1, le=31)
    months: int | None = Field(default=None, ge=1)
    # Points earned on the day before the clearing count for the next period (counter: Dec 31).
    last_day_counts_next: bool = False

    @model_validator(mode="after")
    def _check(self) -> Expiry:
        if self.kind is ExpiryKind.CLEARING and (self.month is None or self.day is None):
            raise ValueError("clearing needs month and day")
        if self.kind is ExpiryKind.ROLLING_MONTHS and self.months is None:
            raise ValueError("rolling_months needs months")
        return self
