"""Receipt → points, line by line, with the reason when a line earns nothing.

Line rules produce an exact value per line; multipliers multiply it; the fraction is dropped
once, last, per line. Step rules (满X元积N分) count whole steps of the receipt's points base,
optionally carrying the remainder to the member's next receipt, and spread the points over the
lines that made the base so each line can be clawed back on return.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

from .conditions import holds
from .money import ZERO, floor_points, split_points_pro_rata
from .program import EarningKind, EarningRule, Multiplier, Program
from .receipt import MemberContext, PricedLine

NOTE_NO_RULE = "该商品不在积分范围内 / this item earns no points"
NOTE_OFFSET_PART = "积分抵扣部分不积分 / the part paid with points earns nothing"
NOTE_BELOW_STEP = "不足一个积分单位的金额不积分 / the amount below one step earns nothing"
NOTE_CARRIED = (
    "不足一个积分单位的金额累计到下次 / the amount below one step is carried to the next order"
)


@dataclass
class EarningResult:
    points: int
    # Carry-over money per step rule index, to store on the member for the next receipt.
    carry: dict[int, Decimal] = field(default_factory=dict)


LineFn = Callable[[EarningRule, PricedLine, MemberContext], Decimal]


def _per_amount(rule: EarningRule, pl: PricedLine, ctx: MemberContext) -> Decimal:
    assert rule.per is not None
    return pl.paid / rule.per * rule.step_points(ctx.tier)


def _percent(rule: EarningRule, pl: PricedLine, ctx: MemberContext) -> Decimal:
    ratio = pl.line.price_ratio
    rate = Decimal(0)
    for band in sorted(rule.bands, key=lambda b: b.price_ratio_at_least, reverse=True):
        if ratio >= band.price_ratio_at_least:
            rate = band.rate
            break
    return pl.paid * rate


def _percent_of_discount(rule: EarningRule, pl: PricedLine, ctx: MemberContext) -> Decimal:
    assert rule.base_rate is not None
    return pl.line.list_amount * rule.base_rate


# The closed set of per-line earning kinds; `steps` is receipt-level and handled below.
LINE_KINDS: dict[EarningKind, LineFn] = {
    EarningKind.PER_AMOUNT: _per_amount,
    EarningKind.PERCENT: _percent,
    EarningKind.PERCENT_OF_DISCOUNT: _percent_of_discount,
}


def multiplier_for(
    mults: tuple[Multiplier, ...], pl: PricedLine | None, ctx: MemberContext
) -> Decimal:
    factor = Decimal(1)
    grouped: dict[str, Decimal] = {}
    for m in mults:
        if not holds(m, pl.line if pl else None, ctx):
            continue
        f = m.factor
        if m.by_tier:
            f *= m.by_tier.get(ctx.tier, Decimal(1))
        if m.by_group_level:
            f *= m.by_group_level.get(ctx.group_level or "", Decimal(1))
        if m.group is None:
            factor *= f
        else:
            grouped[m.group] = max(grouped.get(m.group, f), f)
    for f in grouped.values():
        factor *= f
    return factor


def earn(
    program: Program,
    priced: list[PricedLine],
    ctx: MemberContext,
    carry: dict[int, Decimal] | None = None,
) -> EarningResult:
    """Sets `points` and notes on each priced line; returns the total and new carry-over."""
    carry = carry or {}
    rules = program.earning.rules
    multipliers = program.earning.multipliers
    step_lines: dict[int, list[PricedLine]] = {}
    for pl in priced:
        index = _rule_for(program, pl, ctx)
        if index is None:
            continue
        rule = rules[index]
        if rule.kind is EarningKind.STEPS:
            step_lines.setdefault(index, []).append(pl)
        else:
            _earn_line(rule, pl, ctx, multipliers)
    new_carry: dict[int, Decimal] = {}
    for index, lines in step_lines.items():
        rule = rules[index]
        left = _earn_steps(rule, lines, ctx, carry.get(index, ZERO), multipliers)
        if rule.carry_over:
            new_carry[index] = left
    for index, value in carry.items():
        new_carry.setdefault(index, value)
    return EarningResult(points=sum(pl.points for pl in priced), carry=new_carry)


def _rule_for(program: Program, pl: PricedLine, ctx: MemberContext) -> int | None:
    """The index of the earning rule that prices the line; None, with the reason noted, when
    an exclusion holds or no rule does."""
    pl.points = 0
    excluded = next((e for e in program.earning.exclusions if holds(e, pl.line, ctx)), None)
    if excluded is not None:
        pl.note(excluded.reason.text())
        return None
    rules = program.earning.rules
    index = next((i for i, r in enumerate(rules) if holds(r.when, pl.line, ctx)), None)
    if index is None:
        pl.note(NOTE_NO_RULE)
        return None
    pl.rule = index
    if pl.offset > 0:
        pl.note(NOTE_OFFSET_PART)
    return index


def _earn_line(
    rule: EarningRule, pl: PricedLine, ctx: MemberContext, multipliers: tuple[Multiplier, ...]
) -> None:
    """A per-line rule: the line's exact value, multiplied, with the fraction dropped last."""
    value = LINE_KINDS[rule.kind](rule, pl, ctx)
    value *= multiplier_for(multipliers, pl, ctx)
    pl.points = max(0, floor_points(value))
    if rule.reason and pl.points:
        pl.note(rule.reason.text())
    if pl.points == 0 and pl.paid > 0:
        pl.note(NOTE_BELOW_STEP)


def _earn_steps(
    rule: EarningRule,
    lines: list[PricedLine],
    ctx: MemberContext,
    carried: Decimal,
    multipliers: tuple[Multiplier, ...],
) -> Decimal:
    """A step rule: whole steps of the lines' points base (plus what was carried, if the rule
    carries), spread over the lines pro rata; returns the money below the last whole step."""
    assert rule.per is not None
    base = sum((pl.paid for pl in lines), ZERO)
    if rule.carry_over:
        base += carried
    steps = floor_points(base / rule.per)
    value = Decimal(steps * rule.step_points(ctx.tier))
    value *= multiplier_for(multipliers, None, ctx)
    total = max(0, floor_points(value))
    shares = split_points_pro_rata(total, [pl.paid for pl in lines])
    for pl, share in zip(lines, shares, strict=True):
        pl.points = share
    if total == 0:
        for pl in lines:
            pl.note(NOTE_CARRIED if rule.carry_over else NOTE_BELOW_STEP)
    return base - rule.per * steps


def carry_after_return(carry: Decimal, per: Decimal, returned: Decimal) -> tuple[int, Decimal]:
    """A return under a carry-over rule: (steps to take back, the new carry).

    The member's running total is steps × per + carry; returning money lowers that total, so
    the carry absorbs what it can and each further `per` (or part of one) costs a step.
    """
    if returned <= carry:
        return 0, carry - returned
    deficit = returned - carry
    steps = (deficit / per).to_integral_value(rounding=ROUND_CEILING)
    return int(steps), steps * per - deficit
