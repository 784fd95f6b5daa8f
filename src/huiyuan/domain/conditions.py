"""Whether a configured condition holds for a line and the member at the receipt's start."""

from __future__ import annotations

from ..domain.program import Condition
from .receipt import Line, MemberContext


def holds(cond: Condition, line: Line | None, ctx: MemberContext) -> bool:
    """`line=None` asks about the member alone (receipt-level rules): line tests then pass."""
    if cond.tiers and ctx.tier not in cond.tiers:
        return False
    if cond.kinds and ctx.kind not in cond.kinds:
        return False
    if cond.card_presented is not None and cond.card_presented != ctx.card_presented:
        return False
    if cond.birthday is not None:
        if ctx.birthday is None or ctx.day is None:
            return False
        if cond.birthday == "day" and not ctx.birthday.is_on(ctx.day):
            return False
        if cond.birthday == "month" and not ctx.birthday.is_month_of(ctx.day):
            return False
    if cond.anniversary and (
        ctx.anniversary is None or ctx.day is None or not ctx.anniversary.is_on(ctx.day)
    ):
        return False
    if line is None:
        return True
    return _line_holds(cond, line)


def _line_holds(cond: Condition, line: Line) -> bool:
    if cond.categories and line.category not in cond.categories:
        return False
    if cond.not_categories and line.category in cond.not_categories:
        return False
    if cond.flags and not (line.flags & set(cond.flags)):
        return False
    if cond.not_flags and line.flags & set(cond.not_flags):
        return False
    if cond.unit_price_below is not None and not line.price < cond.unit_price_below:
        return False
    if cond.unit_price_at_least is not None and not line.price >= cond.unit_price_at_least:
        return False
    if cond.price_ratio_at_least is not None and line.price_ratio < cond.price_ratio_at_least:
        return False
    return not (cond.price_ratio_below is not None and line.price_ratio >= cond.price_ratio_below)
