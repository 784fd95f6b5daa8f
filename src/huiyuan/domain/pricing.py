"""Receipt → member discounts, line by line, with the reason when none applies."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from .conditions import holds
from .money import ZERO, money
from .program import BenefitKind, BenefitRule, Program, PromotionPolicy
from .receipt import Line, MemberContext, PricedLine

PROMOTION_FLAG = "promotion"

NOTE_PROMOTION_ONLY = (
    "促销商品只享受促销价，不另享会员折扣 / promotion price only, no member discount"
)
NOTE_BEST_OF_PROMOTION = (
    "促销价优于会员价，不与会员折扣同享 / the promotion price is better; offers do not combine"
)
NOTE_BEST_OF_MEMBER = (
    "会员价优于促销价，按会员价计，不与促销同享 / the member price is better; offers do not combine"
)

BenefitFn = Callable[[BenefitRule, Line, MemberContext, Decimal], Decimal | None]


def _percent_off(
    rule: BenefitRule, line: Line, ctx: MemberContext, base: Decimal
) -> Decimal | None:
    rate = rule.rates.get(ctx.tier)
    if rate is None:
        return None
    return money(base * rate)


def _member_price(
    rule: BenefitRule, line: Line, ctx: MemberContext, base: Decimal
) -> Decimal | None:
    if line.member_price is None or line.member_price >= line.price:
        return None
    return max(ZERO, base - money(line.qty * line.member_price))


def _multiple_of_base(
    rule: BenefitRule, line: Line, ctx: MemberContext, base: Decimal
) -> Decimal | None:
    assert rule.base_rate is not None
    multiple = rule.multiples_by_group_level.get(ctx.group_level or "")
    if multiple is None:
        multiple = rule.multiples.get(ctx.tier)
    if multiple is None:
        return None
    # The 1× discount is a share of the tag price; N倍 multiplies it (liquor: 2% × N of list).
    return money(line.list_amount * rule.base_rate * multiple)


def _per_gram(rule: BenefitRule, line: Line, ctx: MemberContext, base: Decimal) -> Decimal | None:
    amount = rule.amounts.get(ctx.tier)
    if amount is None or line.weight_grams is None:
        return None
    return money(line.weight_grams * amount)


def _category_class(
    rule: BenefitRule, line: Line, ctx: MemberContext, base: Decimal
) -> Decimal | None:
    cls = ctx.category_classes.get(line.category)
    rate = None if cls is None else rule.rates.get(cls)
    return None if rate is None else money(base * rate)


# The closed set of benefit kinds: each computes the money off a line's base amount.
BENEFIT_KINDS: dict[BenefitKind, BenefitFn] = {
    BenefitKind.PERCENT_OFF: _percent_off,
    BenefitKind.MEMBER_PRICE: _member_price,
    BenefitKind.MULTIPLE_OF_BASE: _multiple_of_base,
    BenefitKind.PER_GRAM: _per_gram,
    BenefitKind.CATEGORY_CLASS: _category_class,
}


def _member_discount(program: Program, line: Line, ctx: MemberContext, base: Decimal) -> Decimal:
    """The first rule that holds for the line and gives a discount wins."""
    for rule in program.benefits.rules:
        if not holds(rule.when, line, ctx):
            continue
        discount = BENEFIT_KINDS[rule.kind](rule, line, ctx, base)
        if discount is not None:
            return min(discount, base)
    return ZERO


def price_line(program: Program, line: Line, ctx: MemberContext) -> PricedLine:
    priced = PricedLine(line=line, gross=line.gross)
    for excl in program.benefits.exclusions:
        if holds(excl, line, ctx):
            priced.note(excl.reason.text())
            return priced
    policy = program.benefits.promotion
    if PROMOTION_FLAG in line.flags and policy is PromotionPolicy.PROMOTION_ONLY:
        priced.note(NOTE_PROMOTION_ONLY)
        return priced
    if PROMOTION_FLAG in line.flags and policy is PromotionPolicy.BEST_OF:
        # The member benefit is worked out on the tag price; the member pays the lower of
        # that and the promotion price, never both reductions.
        member_amount = line.list_amount - _member_discount(program, line, ctx, line.list_amount)
        if member_amount < priced.gross:
            priced.member_discount = priced.gross - member_amount
            priced.note(NOTE_BEST_OF_MEMBER)
        else:
            priced.note(NOTE_BEST_OF_PROMOTION)
        return priced
    priced.member_discount = _member_discount(program, line, ctx, priced.gross)
    return priced


def price_receipt(program: Program, lines: list[Line], ctx: MemberContext) -> list[PricedLine]:
    return [price_line(program, line, ctx) for line in lines]
