"""The program: every section together, and the checks that look across sections."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ModelWrapValidatorHandler, model_validator

from .base import Frozen
from .benefits import Benefits
from .earning import Earning
from .expiry import Expiry
from .guides import Classes, GuideRules, ServicePlan
from .membership import Access, Cards, Membership
from .notify import Care, Notify, Reminders
from .perks import Delivery, Entitlement, Lottery, SharedAccounts
from .references import validated_with_tier_check
from .rewards import Rewards
from .stored_value import StoredValue
from .tiers import Tier, TierReview

MEMBER_KINDS = ("personal", "unit", "group")


class Program(Frozen):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")
    name: str
    name_en: str
    timezone: str = "Asia/Shanghai"
    seed: str | None = None  # where the scheme comes from
    membership: Membership = Membership()
    tiers: tuple[Tier, ...] = Field(min_length=1)
    benefits: Benefits = Benefits()
    earning: Earning = Earning()
    expiry: Expiry = Expiry()
    classes: Classes | None = None
    rewards: Rewards = Rewards()
    entitlements: tuple[Entitlement, ...] = ()
    lottery: Lottery | None = None
    shared_accounts: SharedAccounts | None = None
    delivery: Delivery | None = None
    guides: GuideRules | None = None
    service_plans: tuple[ServicePlan, ...] = ()
    cards: Cards = Cards()
    access: Access = Access()
    notify: Notify = Notify()
    reminders: Reminders = Reminders()
    care: Care | None = None
    tier_review: TierReview = TierReview()
    stored_value: StoredValue | None = None

    @model_validator(mode="after")
    def _cross_refs(self) -> Program:
        for check in CROSS_CHECKS:
            check(self)
        return self

    @model_validator(mode="wrap")
    @classmethod
    def _tier_references(cls, data: Any, handler: ModelWrapValidatorHandler[Program]) -> Program:
        # Wraps the whole validation, cross-checks included, so that unknown tiers are
        # reported with their paths beside every other error.
        return validated_with_tier_check(cls.__name__, data, handler)

    @property
    def first_tier(self) -> str:
        return self.tiers[0].code

    def tier_index(self, code: str) -> int:
        for i, tier in enumerate(self.tiers):
            if tier.code == code:
                return i
        return 0

    def tier(self, code: str) -> Tier:
        return self.tiers[self.tier_index(code)]


def _time_zone_known(program: Program) -> None:
    try:
        ZoneInfo(program.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {program.timezone!r}") from exc


def _tier_codes_unique(program: Program) -> None:
    codes = [t.code for t in program.tiers]
    if len(set(codes)) != len(codes):
        raise ValueError(f"tier codes repeat: {codes}")


def _lottery_prize_listed(program: Program) -> None:
    lottery = program.lottery
    if lottery is not None and program.rewards.reward(lottery.prize) is None:
        raise ValueError(f"lottery prize {lottery.prize!r} is not in the catalogue")


def _reward_codes_unique(program: Program) -> None:
    codes = [r.code for r in program.rewards.catalogue]
    if len(set(codes)) != len(codes):
        raise ValueError(f"reward codes repeat: {codes}")


def _tier_kinds_known(program: Program) -> None:
    for tier in program.tiers:
        odd = [k for k in tier.kinds if k not in MEMBER_KINDS]
        if odd:
            raise ValueError(f"tier {tier.code}: unknown member kinds {odd}")


# In this order: the first that fails is the one reported.
CROSS_CHECKS = (
    _time_zone_known,
    _tier_codes_unique,
    _lottery_prize_listed,
    _reward_codes_unique,
    _tier_kinds_known,
)
