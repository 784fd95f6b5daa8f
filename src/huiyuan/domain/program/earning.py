"""The earning section: rules that turn a receipt's lines into points, exclusions, multipliers,
referrals, check-ins and review awards."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import Field, model_validator

from .base import Condition, Exclusion, Frozen, MoneyField, Rate, Reason


class EarningKind(StrEnum):
    PER_AMOUNT = "per_amount"  # 1 point (or N) per X paid on each line, rounded down per line
    STEPS = "steps"  # N points per full X of the receipt's points base
    PERCENT = "percent"  # a rebate % of paid, by price/list band, yuan → points 1:1
    PERCENT_OF_DISCOUNT = "percent_of_discount"  # the line's 1× member discount × a multiple


class RateBand(Frozen):
    price_ratio_at_least: Rate = Decimal(0)
    rate: Rate


class EarningRule(Frozen):
    kind: EarningKind
    when: Condition = Condition()
    per: MoneyField | None = None  # per_amount, steps: the money for one step
    points: int = Field(default=1, ge=0)  # per step
    points_by_tier: dict[str, int] = Field(default_factory=dict)
    carry_over: bool = False  # steps: the remainder below `per` carries to the next receipt
    bands: tuple[RateBand, ...] = ()  # percent
    base_rate: Rate | None = None  # percent_of_discount: the 1× discount as a share of list
    reason: Reason | None = None  # said on lines this rule priced

    @model_validator(mode="after")
    def _check(self) -> EarningRule:
        steps = self.kind in (EarningKind.PER_AMOUNT, EarningKind.STEPS)
        if steps and (self.per is None or self.per <= 0):
            raise ValueError(f"{self.kind.value} needs per > 0")
        if self.kind is EarningKind.PERCENT and not self.bands:
            raise ValueError("percent needs at least one band")
        if self.kind is EarningKind.PERCENT_OF_DISCOUNT and self.base_rate is None:
            raise ValueError("percent_of_discount needs base_rate")
        return self

    def step_points(self, tier: str) -> int:
        return self.points_by_tier.get(tier, self.points)


class Multiplier(Condition):
    """Multiplies the exact points of matching lines (tier ×2, birthday double, ×1.5 SKUs).

    Multipliers sharing a `group` do not stack: the largest that holds applies (a birthday that
    is also the wedding anniversary doubles once).
    """

    factor: Rate = Decimal(1)
    group: str | None = None
    by_tier: dict[str, Rate] = Field(default_factory=dict)
    by_group_level: dict[str, Rate] = Field(default_factory=dict)
    reason: Reason | None = None


class ReferralKind(StrEnum):
    SHARE = "share"  # the referrer earns a share of each purchase of the member they referred
    FIRST_PURCHASE = "first_purchase"  # fixed points on the referred member's first purchase


class Referral(Frozen):
    kind: ReferralKind
    rate: Rate = Decimal(0)  # share: of the referred receipt's points, rounded down
    points: int = Field(default=0, ge=0)  # first_purchase
    referrer_tiers: tuple[str, ...] = ()  # empty: any tier
    reason: Reason | None = None


class CheckIn(Frozen):
    points: int = Field(ge=0)
    streak_days: int | None = Field(default=None, ge=2)
    streak_bonus: int = Field(default=0, ge=0)


class ReviewAward(Frozen):
    points: int = Field(ge=0)


class Earning(Frozen):
    rules: tuple[EarningRule, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    multipliers: tuple[Multiplier, ...] = ()
    referrals: tuple[Referral, ...] = ()
    check_in: CheckIn | None = None
    review: ReviewAward | None = None
