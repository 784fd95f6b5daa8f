"""Stored value (储值) rules: deposit rebates, the lowest balance held in a month, deposit
points, and the monthly referral reward. Pure: amounts in, amounts out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from .calendar import add_months
from .money import ZERO, floor_points, money
from .program import DepositAccrual, ReferralReward


class Kind(StrEnum):
    """Stored-value entry kinds; the sign of each is fixed."""

    DEPOSIT = "deposit"  # +
    REBATE = "rebate"  # + a deposit's rebate (返利)
    REWARD = "reward"  # + a referral reward (bank_referral)
    REFUND = "refund"  # + money back for a returned purchase paid from stored value
    WITHDRAWAL = "withdrawal"  # -
    PAYMENT = "payment"  # - a purchase paid from stored value


POSITIVE = frozenset({Kind.DEPOSIT, Kind.REBATE, Kind.REWARD, Kind.REFUND})
NEGATIVE = frozenset({Kind.WITHDRAWAL, Kind.PAYMENT})


def rebate(amount: Decimal, rate: Decimal) -> Decimal:
    """A deposit's rebate, to the fen, half up (30000.00 × 1% = 300.00)."""
    return money(amount * rate)


def lowest_balance(opening: Decimal, amounts: Iterable[Decimal]) -> Decimal:
    """The lowest balance held over a period that opened at `opening` and saw these entries in
    the order they happened (a deposit on the last day does not lift the period's minimum)."""
    low = balance = opening
    for amount in amounts:
        balance += amount
        low = min(low, balance)
    return max(low, ZERO)


def monthly_lows(
    moves: Sequence[tuple[datetime, Decimal]], months: Sequence[tuple[datetime, datetime]]
) -> list[Decimal]:
    """The lowest balance of each [start, end) period (in time order, not overlapping), from
    all of an account's entries in the order they happened, in one pass."""
    out: list[Decimal] = []
    balance = Decimal(0)
    i = 0
    for start, end in months:
        while i < len(moves) and moves[i][0] < start:
            balance += moves[i][1]
            i += 1
        low = balance
        while i < len(moves) and moves[i][0] < end:
            balance += moves[i][1]
            low = min(low, balance)
            i += 1
        out.append(max(low, ZERO))
    return out


def lowest_after(balance_then: Decimal, later: Iterable[Decimal]) -> Decimal:
    """The lowest balance from a moment on: what can be taken out at that moment without any
    later entry leaving the account below zero."""
    return lowest_balance(balance_then, later) if balance_then >= 0 else balance_then


def accrual_points(lowest: Decimal, rule: DepositAccrual) -> int:
    """`points` per full `per` held (300000.00 at 10 per 100000.00 → 30)."""
    return floor_points(lowest / rule.per) * rule.points


def reward(deposit: Decimal, rate: Decimal, rule: ReferralReward) -> Decimal:
    """The referrer's reward on one referred client's monthly deposit (capped)."""
    base = min(deposit, rule.cap) if rule.cap is not None else deposit
    return money(base * rate)


def months_between(first: date, last: date) -> list[date]:
    """The first days of every month from `first`'s month to `last`'s month, inclusive."""
    out = []
    month = first.replace(day=1)
    while month <= last:
        out.append(month)
        month = add_months(month, 1)
    return out


def month_ref(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"
