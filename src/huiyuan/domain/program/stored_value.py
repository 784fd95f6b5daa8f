"""The stored-value section (储值): who may hold it, deposit rebates, accrual and the referral
reward."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from .base import Frozen, MoneyField, Rate


class DepositRebate(Frozen):
    """A deposit of at least `at_least` earns `rate` of itself as stored value (返利)."""

    at_least: MoneyField
    rate: Rate


class DepositAccrual(Frozen):
    """Points per full `per` of the lowest balance held in a calendar month (bank_referral)."""

    per: MoneyField = Field(gt=0)
    points: int = Field(ge=1)


class ReferralReward(Frozen):
    """A monthly reward to the referrer on each directly referred client's monthly deposit
    (the lowest balance the client held that month), at the referrer's tier on the 1st."""

    rates: dict[str, Rate] = Field(min_length=1)  # referrer tier → share
    cap: MoneyField | None = None  # at most this much of each client's deposit counts


class StoredValue(Frozen):
    """A stored-value account (储值) in money, with its own append-only ledger."""

    kinds: tuple[str, ...] = ()  # member kinds that may hold stored value; empty: every kind
    rebates: tuple[DepositRebate, ...] = ()  # the highest band a deposit reaches applies
    rebate_kinds: tuple[str, ...] = ()  # kinds whose deposits earn rebates; empty: every kind
    pay_purchases: bool = True  # a purchase may be paid from stored value
    accrual: DepositAccrual | None = None
    referral_reward: ReferralReward | None = None

    def rebate_rate(self, amount: Decimal, kind: str) -> Decimal:
        if self.rebate_kinds and kind not in self.rebate_kinds:
            return Decimal(0)
        rate = Decimal(0)
        for band in sorted(self.rebates, key=lambda b: b.at_least):
            if amount >= band.at_least:
                rate = band.rate
        return rate
