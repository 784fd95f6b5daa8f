"""The benefits section: member discounts on a receipt's lines and how they meet promotions."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from .base import Condition, Exclusion, Frozen, MoneyField, Rate, Reason


class BenefitKind(StrEnum):
    PERCENT_OFF = "percent_off"  # a share off the line's price, by tier (折上折 with a condition)
    MEMBER_PRICE = "member_price"  # the line's member_price for flagged SKUs
    MULTIPLE_OF_BASE = "multiple_of_base"  # N × a base share of the list price (N倍会员折扣)
    PER_GRAM = "per_gram"  # money off per gram of the line's weight, by tier
    CATEGORY_CLASS = "category_class"  # a share off by the member's class in the line's category


class BenefitRule(Frozen):
    kind: BenefitKind
    when: Condition = Condition()
    # percent_off: tier → share off (0.10 = 9折); category_class: class → share off.
    rates: dict[str, Rate] = Field(default_factory=dict)
    base_rate: Rate | None = None  # multiple_of_base: the 1× share of the list price
    multiples: dict[str, Rate] = Field(default_factory=dict)  # multiple_of_base: tier → N
    multiples_by_group_level: dict[str, Rate] = Field(default_factory=dict)
    amounts: dict[str, MoneyField] = Field(default_factory=dict)  # per_gram: tier → yuan/gram
    reason: Reason | None = None

    @model_validator(mode="after")
    def _check(self) -> BenefitRule:
        if self.kind is BenefitKind.MULTIPLE_OF_BASE and self.base_rate is None:
            raise ValueError("multiple_of_base needs base_rate")
        if self.kind is BenefitKind.PER_GRAM and not self.amounts:
            raise ValueError("per_gram needs amounts by tier")
        if self.kind in (BenefitKind.PERCENT_OFF, BenefitKind.CATEGORY_CLASS) and not self.rates:
            raise ValueError(f"{self.kind.value} needs rates")
        return self


class PromotionPolicy(StrEnum):
    STACK = "stack"  # the member benefit applies on top of the promotion price
    BEST_OF = "best_of"  # the better of promotion and member benefit, never both
    PROMOTION_ONLY = "promotion_only"  # only the promotion: no member benefit


class Benefits(Frozen):
    rules: tuple[BenefitRule, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    promotion: PromotionPolicy = PromotionPolicy.STACK
