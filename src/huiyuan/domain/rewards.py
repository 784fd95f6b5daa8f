"""Spending points: redemption prices, windows, offsets at checkout and vouchers."""

from __future__ import annotations

import calendar as _cal
from datetime import date, timedelta
from decimal import Decimal

from ..errors import Invalid
from .money import ZERO, floor_points, money, split_pro_rata
from .program import Offset, Reward, Window
from .receipt import MemberContext, PricedLine

NOTE_OFFSET_NOT_ELIGIBLE = "该商品不能用积分抵扣 / points cannot pay for this item"


def in_window(windows: tuple[Window, ...], day: date) -> tuple[date, date] | None:
    """(first, last day) of the redemption window `day` is in; None outside every window.
    Without windows there is no window to be in, though a program without them redeems all
    year: the caller says which it means."""
    for w in windows:
        if day.month in w.months:
            last = _cal.monthrange(day.year, day.month)[1]
            first = max(1, last - w.last_days + 1)
            if day.day >= first:
                return date(day.year, day.month, first), date(day.year, day.month, last)
    return None


def voucher_ends(issued: date, valid_days: int | None) -> date | None:
    """The business day from which a voucher issued on `issued` is no longer valid; None: it
    does not expire."""
    return issued + timedelta(days=valid_days) if valid_days else None


def redemption_price(reward: Reward, quantity: int, points: int | None) -> tuple[int, Decimal]:
    """(points to deduct, money value) of redeeming `quantity` of a reward."""
    if not reward.per_point:
        assert reward.points is not None
        value = (reward.value or ZERO) * quantity
        return reward.points * quantity, money(value)
    assert reward.per_points is not None and reward.per_value is not None
    if points is None or points <= 0:
        raise Invalid(
            "请给出要兑换的积分数 / give the points to redeem for this reward",
            code="points_required",
        )
    if points % reward.per_points:
        raise Invalid(
            f"积分须为 {reward.per_points} 的整数倍 / points must be a multiple of "
            f"{reward.per_points}",
            code="not_a_multiple",
        )
    return points, money(Decimal(points // reward.per_points) * reward.per_value)


def offset_value(offset: Offset, points: int) -> Decimal:
    return money(Decimal(points) * offset.value / offset.points)


def eligible_for_offset(offset: Offset, pl: PricedLine, ctx: MemberContext) -> bool:
    if offset.categories and pl.line.category not in offset.categories:
        return False
    return not (offset.not_flags and pl.line.flags & set(offset.not_flags))


def apply_offset(
    offset: Offset, lines: list[PricedLine], ctx: MemberContext, points: int
) -> Decimal:
    """Spreads the money `points` are worth over the eligible lines, pro rata to what is
    left to pay on each; refuses more than the cap or than the lines are worth."""
    if points % offset.multiple_of:
        raise Invalid(
            f"抵扣积分须为 {offset.multiple_of} 的整数倍 / offset points must be a multiple "
            f"of {offset.multiple_of}",
            code="not_a_multiple",
        )
    value = offset_value(offset, points)
    eligible = [pl for pl in lines if eligible_for_offset(offset, pl, ctx)]
    _check_cap(offset, value, sum((pl.after_benefits for pl in eligible), ZERO))
    shares = split_pro_rata(value, [pl.after_benefits for pl in eligible])
    for pl, share in zip(eligible, shares, strict=True):
        pl.offset = share
    for pl in lines:
        if pl not in eligible:
            pl.note(NOTE_OFFSET_NOT_ELIGIBLE)
    return value


def _check_cap(offset: Offset, value: Decimal, base: Decimal) -> None:
    """Refuses an offset worth more than its cap share of the eligible lines (`base`), telling
    the most points that fit."""
    cap = base if offset.cap_share is None else money(base * offset.cap_share)
    if value > cap:
        most = floor_points(Decimal(cap) * offset.points / offset.value)
        most -= most % offset.multiple_of
        raise Invalid(
            f"抵扣超过上限 {cap}（最多 {most} 积分）/ offset exceeds the cap of {cap} "
            f"(at most {most} points)",
            code="offset_cap_exceeded",
            max_points=most,
        )


def apply_vouchers(lines: list[PricedLine], value: Decimal) -> Decimal:
    """Receipt-level money off, spread pro rata over what is left to pay; never more than that
    (a voucher gives no change)."""
    left = [pl.paid for pl in lines]
    used = min(money(value), sum(left, ZERO))
    for pl, share in zip(lines, split_pro_rata(used, left), strict=True):
        pl.vouchers += share
    return used
