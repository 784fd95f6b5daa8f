"""The tiers section: the ladder, what qualifies for and keeps each rung, applications, and how
the evaluate_tiers job reviews them."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import Field, model_validator

from .base import Frozen, MoneyField, Rate


class Metric(StrEnum):
    CUMULATIVE_SPEND = "cumulative_spend"
    ANNUAL_SPEND = "annual_spend"  # calendar year of the receipt
    MEMBERSHIP_YEAR_SPEND = "membership_year_spend"
    WINDOW_SPEND = "window_spend"  # trailing `days`
    WINDOW_ORDERS = "window_orders"
    SINGLE_RECEIPT = "single_receipt"
    CUMULATIVE_POINTS = "cumulative_points"
    # Measured by the evaluate_tiers job (and by deposits), never by a receipt:
    TIER_YEAR_SPEND = "tier_year_spend"  # paid in the card year of the tier held (liquor)
    PREVIOUS_YEAR_SPEND = "previous_year_spend"  # paid in the year before the review (guide_store)
    STORED_VALUE = "stored_value"  # stored-value balance at the moment (liquor unit cards)
    DEPOSIT = "deposit"  # the amount of one deposit, on that deposit (liquor unit cards)
    ATTRIBUTE = "attribute"  # a member attribute's value in effect (private_bank shares)
    NETWORK_POINTS = "network_points"  # own + direct referrals' points (bank_referral)


class Qualification(Frozen):
    metric: Metric
    at_least: Rate
    days: int | None = Field(default=None, ge=1)
    attribute: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]{0,39}$")

    @model_validator(mode="after")
    def _days(self) -> Qualification:
        windowed = self.metric in (Metric.WINDOW_SPEND, Metric.WINDOW_ORDERS)
        if windowed and self.days is None:
            raise ValueError(f"{self.metric.value} needs days")
        if (self.metric is Metric.ATTRIBUTE) != (self.attribute is not None):
            raise ValueError("attribute (and only attribute) names the member attribute")
        return self


class Approval(StrEnum):
    AUTOMATIC = "automatic"  # granted at once when eligible and the fee is paid (fashion)
    MANAGER = "manager"  # waits for a manager to approve or refuse (guide_store)


class Application(Frozen):
    """A tier a member may apply for (有偿申请 / 申请升级): a fee, eligibility, who decides."""

    fee: MoneyField = Decimal("0.00")
    requires_any: tuple[Qualification, ...] = ()  # empty: any member may apply
    approval: Approval = Approval.AUTOMATIC


class Tier(Frozen):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    name_en: str
    qualify_any: tuple[Qualification, ...] = ()  # automatic upgrade when any holds
    kinds: tuple[str, ...] = ()  # member kinds that may hold the tier; empty: every kind
    # Retention, checked by the evaluate_tiers job as `tier_review` says; empty: kept for good.
    keep_any: tuple[Qualification, ...] = ()
    fall_to: str | None = None  # where a tier_year review drops to; none: the first tier
    application: Application | None = None  # the tier can be applied for

    def allows(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


class ReviewKind(StrEnum):
    """How the evaluate_tiers job reviews tiers (upgrades by receipts happen at the till)."""

    NONE = "none"  # the job changes no tier
    MET = "met"  # the tier the qualifications meet at the moment, up or down (online_shop)
    TIER_YEAR = "tier_year"  # each anniversary of the tier: keep_any over that card year
    ANNUAL_STEP = "annual_step"  # each month/day: below keep_any over the year before → 1 down


class TierReview(Frozen):
    kind: ReviewKind = ReviewKind.NONE
    month: int = Field(default=1, ge=1, le=12)  # annual_step: the review date each year
    day: int = Field(default=1, ge=1, le=28)
    # met: measured as of the 1st of the job's month (levels fixed on the 1st), and an upgrade
    # met on a 1st takes effect this many 1sts later (bank_referral: 1).
    monthly: bool = False
    upgrade_delay_months: int = Field(default=0, ge=0, le=12)
    # network_points: a client (the member, or a directly referred one) counts only with own
    # points ≥ this and, if asked, a stored-value balance above zero (an active deposit).
    network_min_points: int = Field(default=0, ge=0)
    network_requires_deposit: bool = False

    @model_validator(mode="after")
    def _check(self) -> TierReview:
        if self.upgrade_delay_months and not self.monthly:
            raise ValueError("upgrade_delay_months needs monthly = true")
        return self
