"""Points outside the till: check-ins and reviews, redemptions, transfers, manual adjustments,
and applications for a tier."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import AwareDatetime, Field, StringConstraints, field_validator

from ...domain.money import POINTS_MAX
from .common import Code, MoneyIn, PointsIn, Ref, Strict
from .perks import ConsentIn


class CheckInIn(Strict):
    occurred_at: AwareDatetime | None = None


class ReviewIn(Strict):
    line_no: int = Field(ge=1, le=10000, strict=True)
    occurred_at: AwareDatetime | None = None


class RedemptionIn(Strict):
    redemption_no: Ref
    member_id: Ref
    reward: Code
    quantity: int = Field(default=1, ge=1, le=1000, strict=True)
    occurred_at: AwareDatetime | None = None
    points: PointsIn | None = None
    reserved_for: date | None = None  # the day the member collects a reserved gift
    id_checked: bool = False  # staff checked the card and the ID document
    account_user: Ref | None = None
    consent: ConsentIn | None = None
    store: Code | None = None  # where it is redeemed (store-bound programs refuse other stores)


class TransferIn(Strict):
    transfer_no: Ref
    from_member: Ref
    to_member: Ref
    points: Annotated[int, Field(gt=0, lt=POINTS_MAX, strict=True)]
    occurred_at: AwareDatetime | None = None


class AdjustmentIn(Strict):
    adjustment_no: Ref
    points: int = Field(gt=-POINTS_MAX, lt=POINTS_MAX, strict=True)
    reason: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    occurred_at: AwareDatetime | None = None
    counts_as_earned: bool = False  # counts toward tiers by cumulative points

    @field_validator("points")
    @classmethod
    def _not_zero(cls, points: int) -> int:
        if points == 0:
            raise ValueError("an adjustment adds or takes points: not 0")
        return points


class TierApplicationIn(Strict):
    application_no: Ref
    tier: Code
    fee_paid: MoneyIn = Decimal("0.00")
    note: Annotated[str, StringConstraints(max_length=500)] | None = None
    occurred_at: AwareDatetime | None = None


class DecisionIn(Strict):
    note: Annotated[str, StringConstraints(max_length=500)] | None = None
    occurred_at: AwareDatetime | None = None
